"""Reading the structure of MP4/MOV boxes, ID3 tags, PDFs and TIFF (EXIF) blocks, bounded and
by the standard library only, for what records a location."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

_MAX_BOX = 64 * 1024 * 1024  # a long video's moov is a few MB; never load more than this
MAX_ID3 = 16 * 1024 * 1024  # cover art makes tags big, but not bigger than this
_MAX_PDF_SCAN = 512 * 1024 * 1024
_CHUNK = 1024 * 1024
_MAX_DEPTH = 8
_XMP_GPS = (b"exif:gps", b"gpslatitude", b"gpslongitude")
_PDF_MARKERS = (*_XMP_GPS, b"/gps")
PARSE_ERRORS = (
    OSError,
    ValueError,
    struct.error,
    IndexError,
    OverflowError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)
# Boxes that only hold other boxes, on the way to the ones that hold a location.
_CONTAINERS = frozenset({b"moov", b"trak", b"udta", b"meta", b"ilst"})
# Box types a QuickTime/MP4 file can start with; anything else is not ISO-BMFF.
FIRST_BOXES = frozenset({b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot", b"uuid"})
# --- MP4 / MOV / M4A -----------------------------------------------------------------------


def iso_location(handle: BinaryIO) -> bool:
    """Walk the top-level boxes by seeking (the media data is never read); look inside the
    metadata-bearing ones."""
    handle.seek(0, 2)
    file_end = handle.tell()
    position = 0
    while position + 8 <= file_end:
        handle.seek(position)
        header = handle.read(16)
        if len(header) < 8:
            return False
        size, kind = struct.unpack_from(">I4s", header)
        header_size = 8
        if size == 1:  # 64-bit size follows the type
            if len(header) < 16:
                return False
            size, header_size = struct.unpack_from(">Q", header, 8)[0], 16
        elif size == 0:  # the box runs to the end of the file
            size = file_end - position
        if size < header_size:
            return False
        if kind in (b"moov", b"udta", b"meta", b"uuid") and size <= _MAX_BOX:
            handle.seek(position + header_size)
            payload = handle.read(size - header_size)
            if _has_xmp_gps(payload) or _boxes_hold_location(payload, 0, len(payload), kind, 0):
                return True
        position += size
    return False


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each box in ``data[start:end]``; stops at a malformed one."""
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, position)
        header = 8
        if size == 1:
            if position + 16 > end:
                return
            size, header = struct.unpack_from(">Q", data, position + 8)[0], 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            return
        yield kind, position + header, position + size
        position += size


def _boxes_hold_location(data: bytes, start: int, end: int, kind: bytes, depth: int) -> bool:
    """Does the box ``kind`` whose payload is ``data[start:end]`` hold a location, at any depth?"""
    if kind == b"meta" and data[start + 4 : start + 8] != b"hdlr":
        start += 4  # MP4's meta is a "full box" (version and flags first); QuickTime's is not
    for child, child_start, child_end in _boxes(data, start, end):
        if child == b"\xa9xyz" and _has_value(data, child_start, child_end):
            return True
        if (
            child == b"loci" and child_end - child_start > 6
        ):  # version, flags, language, then the place
            return True
        if child == b"keys" and _has_location_key(data, child_start, child_end):
            return True
        if (
            child in _CONTAINERS
            and depth < _MAX_DEPTH
            and _boxes_hold_location(data, child_start, child_end, child, depth + 1)
        ):
            return True
    return False


def _has_value(data: bytes, start: int, end: int) -> bool:
    """A ©xyz in udta is a 16-bit length, a language and the text; in ilst it wraps a data box."""
    if end - start <= 4:
        return False
    return struct.unpack_from(">H", data, start)[0] > 0 or data[start + 4 : start + 8] == b"data"


def _has_location_key(data: bytes, start: int, end: int) -> bool:
    """Apple's metadata keys: version/flags, a count, then (size, namespace, name) entries."""
    if end - start < 8:
        return False
    count = struct.unpack_from(">I", data, start + 4)[0]
    position = start + 8
    for _ in range(min(count, 10_000)):
        if position + 8 > end:
            break
        size = struct.unpack_from(">I", data, position)[0]
        if size < 8 or position + size > end:
            break
        if data[position + 8 : position + size].startswith(b"com.apple.quicktime.location"):
            return True
        position += size
    return False


def _has_xmp_gps(data: bytes) -> bool:
    lowered = data.lower()
    return any(marker in lowered for marker in _XMP_GPS)


# --- MP3 -----------------------------------------------------------------------------------


def id3_location(handle: BinaryIO) -> bool:
    handle.seek(0)
    header = handle.read(10)
    if len(header) < 10:
        return False
    version, flags = header[3], header[5]
    tag = handle.read(min(syncsafe(header[6:10]), MAX_ID3))
    if _has_xmp_gps(tag):  # XMP kept in a PRIV frame
        return True
    position = 0
    if flags & 0x40 and version >= 3 and len(tag) >= 4:  # skip the extended header
        position = syncsafe(tag[:4]) if version == 4 else struct.unpack_from(">I", tag)[0] + 4
    id_size, header_size = (3, 6) if version == 2 else (4, 10)
    while position + header_size <= len(tag):
        frame = tag[position : position + id_size]
        if not frame.strip(b"\0"):
            break  # padding: no more frames
        size_bytes = tag[position + id_size : position + id_size + (3 if version == 2 else 4)]
        size = syncsafe(size_bytes) if version == 4 else int.from_bytes(size_bytes, "big")
        body = tag[position + header_size : position + header_size + size]
        if frame in (b"TXXX", b"GEOB", b"TXX", b"GEO") and mentions_location(body):
            return True
        position += header_size + size
    return False


def syncsafe(data: bytes) -> int:
    """ID3's 28-bit sizes: seven bits per byte."""
    value = 0
    for byte in data:
        value = (value << 7) | (byte & 0x7F)
    return value


def mentions_location(body: bytes) -> bool:
    # Dropping the zero bytes turns UTF-16 ASCII text into plain ASCII, whatever the encoding byte says.
    text = body.replace(b"\0", b"").lower()
    return b"location" in text or b"gps" in text


# --- PDF -----------------------------------------------------------------------------------


def pdf_location(handle: BinaryIO) -> bool:
    """Scan the file in chunks (overlapping, so a marker cut in two is still seen)."""
    offset, tail = 0, b""
    while offset < _MAX_PDF_SCAN:
        chunk = handle.read(_CHUNK)
        if not chunk:
            return False
        window = tail + chunk
        window_start = offset - len(tail)
        if any(marker in window.lower() for marker in _PDF_MARKERS):
            return True
        found = window.find(b"Exif\0\0")
        while found != -1:  # a placed JPEG's EXIF block: read it whole and look for GPS
            resume = handle.tell()
            handle.seek(window_start + found + 6)
            if tiff_has_gps(handle.read(65536)):
                return True
            handle.seek(resume)
            found = window.find(b"Exif\0\0", found + 1)
        offset += len(chunk)
        tail = window[-64:]
    return False


def tiff_has_gps(tiff: bytes) -> bool:
    """Does an EXIF (TIFF-structured) block hold a GPS IFD with a latitude or longitude?"""
    if len(tiff) < 8 or tiff[:4] not in (b"II*\0", b"MM\0*"):
        return False
    order = "<" if tiff[:2] == b"II" else ">"
    first = struct.unpack_from(order + "I", tiff, 4)[0]
    gps = next(
        (value for tag, _, _, value in _ifd_entries(tiff, order, first) if tag == 0x8825), None
    )
    if gps is None:
        return False
    return any(tag in (2, 4) for tag, _, _, _ in _ifd_entries(tiff, order, gps))


def _ifd_entries(tiff: bytes, order: str, offset: int) -> Iterator[tuple[int, int, int, int]]:
    if offset + 2 > len(tiff):
        return
    count = struct.unpack_from(order + "H", tiff, offset)[0]
    for index in range(count):
        position = offset + 2 + 12 * index
        if position + 12 > len(tiff):
            return
        yield struct.unpack_from(order + "HHII", tiff, position)
