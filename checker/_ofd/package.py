"""A small, strict ZIP reader for OFD packages (private).

Why not :mod:`zipfile`: it parses the whole central directory before we can
apply a limit, silently keeps the *last* of duplicate names and trusts the
declared sizes.  This reader

* finds the End Of Central Directory record and refuses more entries than
  ``limits.max_zip_entries`` *before* parsing them (ZIP64 supported);
* refuses unsafe names (absolute, drive letters, ``..``, NUL), exact duplicates
  and names that only differ by case or by ``\\`` vs ``/`` (a reader that takes
  the other one would show other content than the one we checked);
* checks that the local header agrees with the central directory;
* inflates lazily, counting the *actual* output against the declared size, the
  per-entry and total limits and the compression ratio, stopping early;
* verifies the CRC-32.

Only "stored" and "deflate" are accepted (what OFD producers write).
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from ..errors import EncryptedInput, LimitExceeded, MalformedInput
from ..limits import Limits

_EOCD = b"PK\x05\x06"
_EOCD64_LOC = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CEN = b"PK\x01\x02"
_LOC = b"PK\x03\x04"
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Entry:
    """One ZIP entry of an OFD package, from the central directory."""

    name: str  # normalised: no leading "/", "/" separators
    raw_name: str
    method: int
    flags: int
    crc: int
    csize: int
    usize: int
    offset: int  # of the local header


def normalise(name: str) -> str:
    """Package path of a ZIP name or an OFD ST_Loc already made absolute: ``a/b/c``.

    Raises :class:`MalformedInput` for names no honest package contains.
    """
    if "\x00" in name:
        raise MalformedInput(f"NUL in name {name!r}", code="OFD_ZIP_UNSAFE_PATH", name=repr(name))
    n = name.replace("\\", "/")
    if len(n) > 1 and n[1] == ":" and n[0].isalpha():
        raise MalformedInput(f"drive letter in {name!r}", code="OFD_ZIP_UNSAFE_PATH", name=name)
    parts = []
    for p in n.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            raise MalformedInput(f"'..' in {name!r}", code="OFD_ZIP_UNSAFE_PATH", name=name)
        parts.append(p)
    return "/".join(parts)


_UNSUPPORTED_FLAGS = 0x20 | 0x40 | 0x2000  # ZIP general-purpose bits 5, 6, 13


class Package:
    """Read-only view of the ZIP container with limits.  ``names`` lists the files (no dirs)."""

    def __init__(self, data: bytes, limits: Limits, ctx=None) -> None:
        self._data = data
        self._limits = limits
        self._ctx = ctx
        self._total = 0  # uncompressed bytes produced so far
        self._cache: dict[str, bytes] = {}
        self.entries: dict[str, Entry] = {}
        self._folded: dict[str, str] = {}
        self.deflate_trailers: list[str] = []  # entries with a zlib trailer after their deflate data
        self._read_directory()

    # -- directory ---------------------------------------------------------
    def _read_directory(self) -> None:
        data = self._data
        if len(data) < 22:
            raise MalformedInput("too short", code="OFD_ZIP_MALFORMED")
        pos = self._find_eocd()
        (_, disk, cd_disk, n_disk, n_total, cd_size, cd_off, _clen) = struct.unpack_from("<4sHHHHIIH", data, pos)
        if disk != cd_disk or n_disk != n_total:
            raise MalformedInput("multi-disk archive", code="OFD_ZIP_MALFORMED")
        cd_end = pos
        if 0xFFFF in (n_total,) or 0xFFFFFFFF in (cd_size, cd_off):
            n_total, cd_size, cd_off = self._zip64_eocd(pos)
            cd_end = struct.unpack_from("<Q", data, pos - 20 + 8)[0]  # the ZIP64 end record follows the directory
        if n_total > self._limits.max_zip_entries:
            raise LimitExceeded(f"{n_total} entries > {self._limits.max_zip_entries}", code="OFD_ZIP_LIMIT")
        if cd_off + cd_size > pos:
            raise MalformedInput("central directory out of range", code="OFD_ZIP_MALFORMED")
        if cd_off + cd_size != cd_end:
            # bytes between the directory and its end record: readers that locate the directory
            # from the end record's position would see another directory (parser differential)
            raise MalformedInput("data between central directory and end record", code="OFD_ZIP_MALFORMED")
        p = cd_off
        end = cd_off + cd_size
        count = 0
        folded: dict[str, str] = {}
        while p < end:
            count += 1
            if count > n_total or count > self._limits.max_zip_entries:
                raise LimitExceeded(f"more than {min(n_total, self._limits.max_zip_entries)} entries", code="OFD_ZIP_LIMIT")
            if self._ctx is not None and count % 512 == 0:
                self._ctx.check_time()
            if data[p:p + 4] != _CEN or p + 46 > end:
                raise MalformedInput("bad central directory record", code="OFD_ZIP_MALFORMED")
            (_, _vm, _vn, flags, method, _t, _d, crc, csize, usize, nlen, xlen, klen, _dn, _ia, _ea,
             off) = struct.unpack_from("<4sHHHHHHIIIHHHHHII", data, p)
            raw = data[p + 46:p + 46 + nlen]
            extra = data[p + 46 + nlen:p + 46 + nlen + xlen]
            p += 46 + nlen + xlen + klen
            if p > end:
                raise MalformedInput("truncated central directory", code="OFD_ZIP_MALFORMED")
            if 0xFFFFFFFF in (csize, usize, off):
                usize, csize, off = _zip64_extra(extra, usize, csize, off)
            try:
                raw_name = raw.decode("utf-8") if flags & 0x800 else _decode_name(raw)
            except UnicodeDecodeError:
                raise MalformedInput("entry name is not valid UTF-8", code="OFD_ZIP_MALFORMED") from None
            if raw_name.endswith("/") and usize == 0:
                continue  # directory entry
            name = normalise(raw_name)
            if not name:
                raise MalformedInput("empty entry name", code="OFD_ZIP_UNSAFE_PATH", name=raw_name)
            if raw_name.startswith(("/", "\\")):
                raise MalformedInput("absolute entry name", code="OFD_ZIP_UNSAFE_PATH", name=raw_name)
            if name in self.entries:
                raise MalformedInput(f"duplicate entry {name}", code="OFD_ZIP_DUPLICATE", name=name)
            key = name.casefold()
            if key in folded:
                raise MalformedInput(f"entries {folded[key]} and {name} differ only by case",
                                     code="OFD_ZIP_DUPLICATE", name=f"{folded[key]} / {name}")
            folded[key] = name
            if flags & 0x1:
                raise EncryptedInput("encrypted ZIP entry")
            if flags & _UNSUPPORTED_FLAGS:  # patched data, strong encryption, masked headers
                raise MalformedInput(f"unsupported ZIP feature (flags {flags:#06x}) in {name}", code="OFD_ZIP_MALFORMED")
            if method not in (0, 8):
                raise MalformedInput(f"unsupported compression method {method} ({name})", code="OFD_ZIP_MALFORMED")
            if usize > self._limits.max_zip_entry_bytes:
                raise LimitExceeded(f"{name}: {usize} bytes > {self._limits.max_zip_entry_bytes}", code="OFD_ZIP_LIMIT")
            if usize > self._limits.zip_ratio_from_bytes and usize > self._limits.max_zip_ratio * max(1, csize):
                raise LimitExceeded(f"{name}: declared compression ratio above {self._limits.max_zip_ratio}",
                                    code="OFD_ZIP_LIMIT")
            self.entries[name] = Entry(name, raw_name, method, flags, crc, csize, usize, off)
        if count != n_total:
            raise MalformedInput(f"{count} records, {n_total} declared", code="OFD_ZIP_MALFORMED")
        self._folded = folded
        self._check_layout(cd_off)

    def _check_layout(self, cd_off: int) -> None:
        """Each entry's local header and data lie before the next entry and before the directory.

        Overlapping entries (one entry's declared data running into the next, two names sharing
        bytes) are read differently by different ZIP readers -- Python's zipfile refuses them --
        so a package that only reads back cleanly with a lenient reader is refused here."""
        data = self._data
        spans = []
        for e in self.entries.values():
            p = e.offset
            if p + 30 > len(data) or data[p:p + 4] != _LOC:
                raise MalformedInput(f"{e.name}: bad local header", code="OFD_ZIP_MALFORMED")
            nlen, xlen = struct.unpack_from("<HH", data, p + 26)
            spans.append((p, p + 30 + nlen + xlen + e.csize, e.name))
        spans.sort()
        for (_start, end, name), nxt in zip(spans, [*spans[1:], (cd_off, cd_off, "central directory")]):
            if end > nxt[0]:
                raise MalformedInput(f"{name} overlaps {nxt[2]}", code="OFD_ZIP_MALFORMED")

    def _find_eocd(self) -> int:
        data = self._data
        lo = max(0, len(data) - 22 - 0xFFFF)
        pos = data.rfind(_EOCD, lo)
        fallback = -1
        while pos >= 0:
            if pos + 22 <= len(data):
                clen = struct.unpack_from("<H", data, pos + 20)[0]
                if pos + 22 + clen == len(data):
                    return pos
                if fallback < 0 and pos + 22 + clen <= len(data):
                    fallback = pos
            pos = data.rfind(_EOCD, lo, pos)
        if fallback >= 0:
            return fallback
        raise MalformedInput("not a ZIP/OFD package (no central directory)", code="OFD_ZIP_MALFORMED")

    def _zip64_eocd(self, pos: int) -> tuple[int, int, int]:
        data = self._data
        loc = pos - 20
        if loc < 0 or data[loc:loc + 4] != _EOCD64_LOC:
            raise MalformedInput("bad ZIP64 record", code="OFD_ZIP_MALFORMED")
        off = struct.unpack_from("<Q", data, loc + 8)[0]
        if off + 56 > loc or data[off:off + 4] != _EOCD64:
            raise MalformedInput("bad ZIP64 record", code="OFD_ZIP_MALFORMED")
        n_total, cd_size, cd_off = struct.unpack_from("<QQQ", data, off + 32)
        return n_total, cd_size, cd_off

    # -- lookup ------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return list(self.entries)

    def find(self, path: str) -> str | None:
        """Entry name for a normalised path: exact match, else the one case-insensitive match."""
        if path in self.entries:
            return path
        return self._folded.get(path.casefold())

    def read(self, name: str) -> bytes:
        """Inflated bytes of entry ``name`` (exact normalised name), with all limits applied."""
        if name in self._cache:
            return self._cache[name]
        e = self.entries[name]
        data = self._data
        p = e.offset
        if data[p:p + 4] != _LOC or p + 30 > len(data):
            raise MalformedInput(f"{name}: bad local header", code="OFD_ZIP_MALFORMED")
        (_, _v, lflags, lmethod, _t, _d, _crc, _cs, _us, nlen, xlen) = struct.unpack_from("<4sHHHHHIIIHH", data, p)
        lraw = data[p + 30:p + 30 + nlen]
        lname = lraw.decode("utf-8", "replace") if lflags & 0x800 else _decode_name(lraw)
        if lflags & (0x1 | _UNSUPPORTED_FLAGS):
            raise MalformedInput(f"{name}: local header flags {lflags:#06x}", code="OFD_ZIP_MALFORMED")
        if lmethod != e.method or normalise(lname) != e.name:
            raise MalformedInput(f"{name}: local header disagrees with directory", code="OFD_ZIP_MALFORMED")
        start = p + 30 + nlen + xlen
        if start + e.csize > len(data):
            raise MalformedInput(f"{name}: truncated data", code="OFD_ZIP_MALFORMED")
        comp = memoryview(data)[start:start + e.csize]
        try:
            out = self._inflate(e, comp) if e.method == 8 else bytes(comp)
        except zlib.error as exc:
            raise MalformedInput(f"{name}: corrupt deflate data ({exc})", code="OFD_ZIP_MALFORMED") from None
        if e.method == 0:
            self._account(e, len(out))
        if len(out) != e.usize:
            raise MalformedInput(f"{name}: {len(out)} bytes, {e.usize} declared", code="OFD_ZIP_MALFORMED")
        if zlib.crc32(out) & 0xFFFFFFFF != e.crc:
            raise MalformedInput(f"{name}: CRC error", code="OFD_ZIP_MALFORMED")
        self._cache[name] = out
        return out

    def _account(self, e: Entry, n: int) -> None:
        self._total += n
        if self._total > self._limits.max_zip_total_bytes:
            raise LimitExceeded(f"uncompressed total > {self._limits.max_zip_total_bytes} bytes", code="OFD_ZIP_LIMIT")

    def _inflate(self, e: Entry, comp) -> bytes:
        lim = self._limits
        d = zlib.decompressobj(-15)
        parts: list[bytes] = []
        produced = 0
        pos = 0
        cap = min(e.usize, lim.max_zip_entry_bytes)
        while True:
            if self._ctx is not None:
                self._ctx.check_time()
            if d.unconsumed_tail:
                chunk = d.decompress(d.unconsumed_tail, _CHUNK)
            elif pos < len(comp):
                chunk = d.decompress(comp[pos:pos + _CHUNK], _CHUNK)
                pos += _CHUNK
            else:
                chunk = d.flush()
                if not chunk:
                    break
            produced += len(chunk)
            if produced > cap:
                if produced > lim.max_zip_entry_bytes:
                    raise LimitExceeded(f"{e.name}: more than {lim.max_zip_entry_bytes} bytes", code="OFD_ZIP_LIMIT")
                raise MalformedInput(f"{e.name}: inflates beyond its declared size {e.usize}", code="OFD_ZIP_MALFORMED")
            consumed = min(pos, len(comp)) - len(d.unconsumed_tail)
            if produced > lim.zip_ratio_from_bytes and produced > lim.max_zip_ratio * max(1, consumed):
                raise LimitExceeded(f"{e.name}: compression ratio above {lim.max_zip_ratio}", code="OFD_ZIP_LIMIT")
            self._account(e, len(chunk))
            parts.append(chunk)
            if d.eof:
                break
            if not chunk and not d.unconsumed_tail and pos >= len(comp):
                break
        if not d.eof:
            raise MalformedInput(f"{e.name}: truncated deflate data", code="OFD_ZIP_MALFORMED")
        rest = bytes(d.unused_data) + bytes(d.unconsumed_tail) + bytes(comp[pos:])
        if rest:
            if len(rest) <= _DEFLATE_TRAILER_MAX and rest[:4] == zlib.adler32(b"".join(parts)).to_bytes(4, "big"):
                # a zlib stream's Adler-32 trailer (and padding) kept after the raw deflate data,
                # as the Anzhengtong (安证通) signing client writes it: the content is what it is
                # (length and CRC checked against the directory), the trailer is only noted
                self.deflate_trailers.append(e.name)
            else:
                # the declared compressed size runs past the deflate stream (into other bytes)
                raise MalformedInput(f"{e.name}: bytes after the deflate data", code="OFD_ZIP_MALFORMED")
        return b"".join(parts)


_DEFLATE_TRAILER_MAX = 8  # Adler-32 plus a little padding (ofdrw_anzhengtong_manual.ofd: 4 + 2 zero bytes)


def _decode_name(raw: bytes) -> str:
    """Names without the UTF-8 flag: many Chinese producers write UTF-8 or GBK anyway."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("cp437")


def _zip64_extra(extra: bytes, usize: int, csize: int, off: int) -> tuple[int, int, int]:
    p = 0
    while p + 4 <= len(extra):
        hid, size = struct.unpack_from("<HH", extra, p)
        body = extra[p + 4:p + 4 + size]
        if hid == 1:
            q = 0
            vals = []
            for cur in (usize, csize, off):
                if cur == 0xFFFFFFFF:
                    if q + 8 > len(body):
                        raise MalformedInput("bad ZIP64 extra field", code="OFD_ZIP_MALFORMED")
                    vals.append(struct.unpack_from("<Q", body, q)[0])
                    q += 8
                else:
                    vals.append(cur)
            return vals[0], vals[1], vals[2]
        p += 4 + size
    raise MalformedInput("bad ZIP64 extra field", code="OFD_ZIP_MALFORMED")
