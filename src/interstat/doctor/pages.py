"""Reading rows straight from a SQLite file's pages, for when its b-trees are broken.

SQL can only reach a row through the table's root and interior pages; when
one of those is damaged, every row below it is out of reach although its
leaf page is intact. This reads every table leaf page of the file format
(https://www.sqlite.org/fileformat.html) and decodes its records, skipping
pages on the free list (deleted content must not come back) and anything
that does not decode.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

_TABLE_LEAF = 0x0D
Record = tuple[int, list[object]]  # (rowid, values)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """The varint at ``at`` and the offset after it."""
    value = 0
    for index in range(8):
        byte = data[at + index]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + index + 1
    return (value << 8) | data[at + 8], at + 9


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _value(serial: int, data: bytes, at: int) -> tuple[object, int]:
    if serial == 0:
        return None, at
    if serial in _INT_SIZES:
        size = _INT_SIZES[serial]
        return int.from_bytes(data[at:at + size], "big", signed=True), at + size
    if serial == 7:
        return struct.unpack(">d", data[at:at + 8])[0], at + 8
    if serial in (8, 9):
        return serial - 8, at
    if serial >= 12:
        size = (serial - 12) // 2
        raw = data[at:at + size]
        if len(raw) != size:
            raise ValueError("record runs past its payload")
        return (raw.decode("utf-8") if serial % 2 else raw), at + size
    raise ValueError(f"reserved serial type {serial}")


def decode_record(payload: bytes) -> list[object]:
    header_size, at = _varint(payload, 0)
    serials = []
    while at < header_size:
        serial, at = _varint(payload, at)
        serials.append(serial)
    values, at = [], header_size
    for serial in serials:
        value, at = _value(serial, payload, at)
        values.append(value)
    return values


class _File:
    def __init__(self, data: bytes) -> None:
        self.data = data
        size = int.from_bytes(data[16:18], "big")
        self.page_size = 65536 if size == 1 else size
        self.usable = self.page_size - data[20]
        self.pages = len(data) // self.page_size

    def page(self, number: int) -> bytes:
        start = (number - 1) * self.page_size
        return self.data[start:start + self.page_size]

    def free_pages(self) -> set[int]:
        free, trunk, seen = set(), int.from_bytes(self.data[32:36], "big"), set()
        while 0 < trunk <= self.pages and trunk not in seen:
            seen.add(trunk)
            page = self.page(trunk)
            count = int.from_bytes(page[4:8], "big")
            leaves = [int.from_bytes(page[8 + 4 * i:12 + 4 * i], "big")
                      for i in range(min(count, (self.usable - 8) // 4))]
            free.update([trunk, *leaves])
            trunk = int.from_bytes(page[0:4], "big")
        return free

    def payload(self, page: bytes, at: int, size: int) -> bytes:
        """A cell's payload, following overflow pages when it does not fit."""
        most = self.usable - 35
        if size <= most:
            return page[at:at + size]
        least = (self.usable - 12) * 32 // 255 - 23
        local = least + (size - least) % (self.usable - 4)
        local = local if local <= most else least
        parts, following = [page[at:at + local]], int.from_bytes(
            page[at + local:at + local + 4], "big")
        remaining = size - local
        while remaining > 0 and 0 < following <= self.pages:
            overflow = self.page(following)
            parts.append(overflow[4:4 + min(remaining, self.usable - 4)])
            remaining -= self.usable - 4
            following = int.from_bytes(overflow[0:4], "big")
        return b"".join(parts)

    def leaf_records(self, number: int) -> Iterator[Record]:
        page = self.page(number)
        header = 100 if number == 1 else 0
        if page[header] != _TABLE_LEAF:
            return
        cells = int.from_bytes(page[header + 3:header + 5], "big")
        for index in range(cells):
            pointer = header + 8 + 2 * index
            try:
                at = int.from_bytes(page[pointer:pointer + 2], "big")
                size, at = _varint(page, at)
                rowid, at = _varint(page, at)
                yield rowid, decode_record(self.payload(page, at, size))
            except (IndexError, ValueError, UnicodeDecodeError, struct.error):
                continue


def scan_records(path: Path) -> Iterator[Record]:
    """Every record of every table leaf page of the file that is not free."""
    data = path.read_bytes()
    if len(data) < 100:
        return
    file = _File(data)
    if file.page_size < 512 or file.page_size & (file.page_size - 1):
        return
    free = file.free_pages()
    for number in range(1, file.pages + 1):
        if number not in free:
            yield from file.leaf_records(number)
