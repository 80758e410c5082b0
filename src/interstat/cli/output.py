"""One way to print: a rich Console with markup off, JSON for machines.

Text from transcripts must never be read as rich markup, so markup and
highlighting are off everywhere. rich already drops colour when NO_COLOR is
set or the output is not a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def console_for(stderr: bool = False) -> Console:
    # Imported here: rich takes longer to import than a JSON-printing command
    # takes to run, and emit_json does not need it.
    from rich.console import Console

    # soft_wrap keeps long paths on one line, so piped output stays greppable.
    return Console(stderr=stderr, markup=False, highlight=False, emoji=False, soft_wrap=True)


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
