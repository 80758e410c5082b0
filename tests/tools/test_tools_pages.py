"""interstat.doctor.pages: rows read from raw pages equal what SQLite itself returns."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from interstat.doctor.pages import decode_record, scan_records

values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    # SQLite stores UTF-8, which has no lone surrogates: Python refuses to bind them.
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30),
    # longer than a page, so stored on overflow pages
    st.builds(lambda char, count: char * count,
              st.characters(exclude_categories=("Cs",)), st.integers(3000, 9000)),
    st.binary(max_size=40),
)


@settings(max_examples=30, deadline=None)
@given(rows=st.lists(st.tuples(values, values, values), max_size=40))
def test_scanned_records_match_sqlite(tmp_path_factory, rows) -> None:
    path = tmp_path_factory.mktemp("pages") / "t.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (a, b, c)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    conn.commit()
    expected = conn.execute("SELECT rowid, a, b, c FROM t").fetchall()
    conn.close()
    scanned = [(rowid, *values) for rowid, values in scan_records(path) if len(values) == 3]
    assert sorted(scanned, key=lambda r: r[0]) == expected


def test_deleted_pages_on_the_free_list_are_not_read(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA secure_delete = OFF")
    conn.execute("CREATE TABLE t (a)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 40)
    conn.commit()
    conn.execute("DELETE FROM t WHERE rowid > 2")
    conn.commit()
    conn.close()
    assert sorted(rowid for rowid, _ in scan_records(path)
                  if _ == ["x" * 1000]) == [1, 2]


def test_a_record_decodes_by_serial_types() -> None:
    # header: size 5; types NULL(0), int8(1), text of 2 bytes (17), int 1 (9)
    payload = bytes([5, 0, 1, 17, 9]) + bytes([0xFE]) + b"hi"
    assert decode_record(payload) == [None, -2, "hi", 1]
