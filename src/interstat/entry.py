"""The ``interstat`` console script.

``interstat hook EVENT`` runs on every sub-agent event of every session, so
it goes straight to the capture module without importing click, rich or
pluggy; every other command goes through the click CLI.
"""

from __future__ import annotations

import sys


def main() -> None:
    arguments = sys.argv[1:]
    if arguments[:1] == ["hook"] and "--help" not in arguments:
        from interstat.capture.hook import run_hook

        sys.exit(run_hook(arguments[1:]))
    from interstat.cli import main as cli_main

    cli_main()
