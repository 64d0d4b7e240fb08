"""Just enough of the OLE2 compound-file format (an .xls, or an encrypted .xlsx) to look inside.

An encrypted xlsx is not a zip but a compound file holding an EncryptedPackage
stream; an .xls keeps its records in a Workbook (or, BIFF5, Book) stream whose
first part, the workbook globals, says whether it is encrypted (FILEPASS) and
whether dates count from 1904 (DATEMODE). calamine tells neither.
"""

from __future__ import annotations

import struct
from collections.abc import Callable


def biff_globals(data: bytes) -> tuple[bool, bool]:
    """(encrypted, date1904) from the workbook-globals records of a BIFF5/8 stream."""
    encrypted = date1904 = False
    pos = 0
    while pos + 4 <= len(data):
        kind, length = struct.unpack_from("<HH", data, pos)
        if kind == 0x002F:  # FILEPASS
            encrypted = True
        elif kind == 0x0022 and length >= 2:  # DATEMODE
            date1904 = struct.unpack_from("<H", data, pos + 4)[0] == 1
        elif kind == 0x000A:  # EOF of the globals
            break
        pos += 4 + length
    return encrypted, date1904


class CompoundFile:
    """Just enough of the compound-file (OLE2) format to list streams and read one."""

    _END = 0xFFFFFFFA  # sector ids above this are markers (end of chain, free, ...)

    def __init__(self, data: bytes) -> None:
        self.data = data
        sector_shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if sector_shift not in (9, 12) or mini_shift != 6:
            raise ValueError("not a compound file header")
        self.sector: int = 1 << sector_shift
        self.mini: int = 1 << mini_shift
        header: tuple[int, ...] = struct.unpack_from("<8I", data, 0x2C)
        n_fat, first_dir, _, self.cutoff, first_minifat, _, next_difat, n_difat = header
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        per_sector = self.sector // 4 - 1
        for _ in range(min(n_difat, len(data) // self.sector)):
            if next_difat > self._END:
                break
            entries = struct.unpack_from(f"<{per_sector + 1}I", data, self._offset(next_difat))
            difat.extend(entries[:-1])
            next_difat = entries[-1]
        self.fat: list[int] = []
        for sid in difat[:n_fat]:
            self.fat.extend(struct.unpack_from(f"<{self.sector // 4}I", data, self._offset(sid)))
        directory = self._chain_bytes(first_dir, self.fat, self.sector, self._sector_at)
        self.entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
        root = self.entries[0]
        self.ministream = self._chain_bytes(
            struct.unpack_from("<I", root, 116)[0], self.fat, self.sector, self._sector_at
        )
        minifat_bytes = self._chain_bytes(first_minifat, self.fat, self.sector, self._sector_at)
        self.minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes))

    def _offset(self, sid: int) -> int:
        offset = (sid + 1) * self.sector
        if offset >= len(self.data):
            raise IndexError("sector beyond the end of the file")
        return offset

    def _sector_at(self, sid: int, size: int) -> bytes:
        offset = self._offset(sid)
        return self.data[offset : offset + size]

    def _mini_at(self, sid: int, size: int) -> bytes:
        return self.ministream[sid * size : (sid + 1) * size]

    def _chain_bytes(
        self, start: int, fat: list[int], size: int, read: Callable[[int, int], bytes]
    ) -> bytes:
        parts: list[bytes] = []
        sid = start
        while sid <= self._END and len(parts) <= len(fat):
            parts.append(read(sid, size))
            sid = fat[sid]
        return b"".join(parts)

    def names(self) -> set[str]:
        found = set()
        for entry in self.entries:
            length = struct.unpack_from("<H", entry, 64)[0]
            if entry[66] in (1, 2, 5) and 2 <= length <= 64:
                found.add(entry[: length - 2].decode("utf-16-le", "replace"))
        return found

    def read(self, name: str) -> bytes:
        for entry in self.entries:
            length = struct.unpack_from("<H", entry, 64)[0]
            if entry[66] != 2 or entry[: max(length - 2, 0)].decode("utf-16-le", "replace") != name:
                continue
            start, size = struct.unpack_from("<II", entry, 116)
            if size < self.cutoff:
                return self._chain_bytes(start, self.minifat, self.mini, self._mini_at)[:size]
            return self._chain_bytes(start, self.fat, self.sector, self._sector_at)[:size]
        raise ValueError(f"no stream {name}")
