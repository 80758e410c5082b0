"""The SQLite module for everything the capture hook imports.

``import sqlite3`` also runs the package's Python layer (``sqlite3.dbapi2``),
which imports datetime to register adapters for date and datetime values.
interstat binds no such values (its times are ISO 8601 text), and that
layer cost the hook about 2 ms of CPU on every event. Its C core,
``_sqlite3``, holds the very same objects (``sqlite3.connect``,
``sqlite3.Connection``, the exception classes), so connections and the
errors caught are the same either way.
"""

from __future__ import annotations

try:
    import _sqlite3 as sqlite3
except ImportError:  # an interpreter without CPython's C module
    import sqlite3  # type: ignore[no-redef]

__all__ = ["sqlite3"]
