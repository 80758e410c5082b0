"""One way to print: a rich Console with markup off, JSON for machines.

Text from transcripts must never be read as rich markup, so markup and
highlighting are off everywhere. Output that is piped, or printed under
NO_COLOR, carries no colours and no styles.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


#: Piped output has no width: wide enough that no table cell is ever cut.
PIPED_WIDTH = 10_000


def console_for(stderr: bool = False) -> Console:
    """The one way to build a Console: markup off, plain when piped or under NO_COLOR."""
    # rich's own NO_COLOR support drops colours but keeps bold and underline;
    # without a colour system it writes no styles at all (https://no-color.org).
    # Imported here: rich takes longer to import than a JSON-printing command
    # takes to run, and emit_json does not need it.
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR"))
    console = Console(stderr=stderr, markup=False, highlight=False, emoji=False,
                      soft_wrap=True, color_system=None if plain else "auto")
    if not console.is_terminal:
        # soft_wrap keeps long lines whole and this width keeps table cells whole,
        # so piped output stays greppable.
        console.width = PIPED_WIDTH
    return console


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, sort_keys=False, default=str)
    sys.stdout.write("\n")


def plain_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    return table
