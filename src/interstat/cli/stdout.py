"""Standard output that fails in one line when the disk refuses it.

A full disk (or ``/dev/full``) refuses what a command prints. Python would end
in a traceback or, when only the last buffer is refused as the interpreter
exits, in an "Exception ignored" message. Every command prints through
``sys.stdout`` (click.echo, rich, json.dump, export's byte stream), so
``guard`` puts a layer under it that turns a refused write into OutputError,
one ``Error:`` line and exit 1 through click; ``flush`` makes a refusal of the
last buffer show before the exit status is final. A reader that stops early
(``| head``) is no error: BrokenPipeError goes on to click, which ends quietly.
"""

from __future__ import annotations

import io
import os
import sys

import click


class OutputError(click.ClickException):
    """Standard output refused what a command printed."""


class _StandardOutput(io.FileIO):
    def write(self, data) -> int:  # type: ignore[override]
        try:
            return super().write(data)
        except BrokenPipeError:
            raise
        except OSError as error:
            _discard_the_rest(self.fileno())
            reason = error.strerror or str(error)
            raise OutputError(f"cannot write standard output: {reason}") from error


def _discard_the_rest(descriptor: int) -> None:
    # What is still buffered can never be written. Sent to /dev/null, it no
    # longer fails the interpreter's own flush at exit, nor says so twice.
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)


def guard() -> None:
    """Put ``sys.stdout`` over a layer that reports refused writes as OutputError."""
    current = sys.stdout
    try:
        current.flush()
        descriptor = current.fileno()
    except (AttributeError, OSError, ValueError):
        return  # no standard output, or not a file: nothing to guard
    raw = _StandardOutput(descriptor, "w", closefd=False)
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(raw), encoding=current.encoding, errors=current.errors,
        line_buffering=current.line_buffering,
        write_through=getattr(current, "write_through", False),
    )


def flush() -> None:
    """Write out what is buffered; a refusal ends the process with status 1 and one line."""
    try:
        sys.stdout.flush()
    except OutputError as error:
        error.show()
        sys.exit(error.exit_code)
    except BrokenPipeError:
        _discard_the_rest(sys.stdout.fileno())
        sys.exit(1)
    except (AttributeError, ValueError):
        pass  # no standard output, or closed: nothing was waiting
