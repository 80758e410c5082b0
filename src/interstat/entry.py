"""The ``interstat`` console script.

``interstat hook EVENT`` runs on every sub-agent event of every session, so
it goes straight to the capture module without importing click, rich or
pluggy; every other command goes through the click CLI.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    arguments = sys.argv[1:]
    if arguments[:1] == ["hook"] and "--help" not in arguments:
        from interstat.capture.hook import run_hook

        _exit_now(run_hook(arguments[1:]))
    try:
        from interstat.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        # Ctrl-C before the command began (while modules load): nothing was written.
        sys.stderr.write("Error: interrupted\n")
        sys.exit(130)


def _exit_now(status: int) -> None:
    """End the hook's process without tearing the interpreter down.

    Freeing every module and object one by one took about 5 ms of each
    event, and the hook leaves nothing to clean up: its store connection and
    files are closed by then. Only the standard streams' buffers need writing.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass  # closed or missing: nothing can reach it anyway
    os._exit(status)
