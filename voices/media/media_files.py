"""Location in audio, video and PDF files, found by reading their structure (never by running anything).

What phones and editors actually write, and what is looked for:

- MP4, MOV, M4A, 3GP (ISO base media boxes): ``moov/udta/©xyz`` (Android, older iPhones, also as an
  iTunes-style ``ilst`` item), the Apple ``moov/meta`` key ``com.apple.quicktime.location.ISO6709``,
  the 3GPP ``loci`` box, and XMP packets holding ``exif:GPS…``.
- MP3 (ID3v2): there is no standard location frame; user-defined ``TXXX`` and ``GEOB`` frames whose
  text mentions "location" or "GPS", and XMP in the tag, are taken as location.
- PDF: XMP or a ``/GPS`` key, and photos placed in the PDF that kept their EXIF GPS, also inside
  compressed (FlateDecode) streams and object streams, which are inflated with a budget.
- Any file (``file_location_problem``), whatever its name: its real format is read from its first
  bytes, then JPEG APPn segments (every one, not only the first), PNG chunks, WebP and WAV chunks,
  Matroska/WebM tags, Ogg and FLAC comments, ID3, MP4/MOV boxes, PDF streams and the members of
  ZIP-based documents (DOCX, XLSX, ODT: their XML and the photos inside) are read; and in every
  file an embedded EXIF block with a GPS position or an XMP GPS property is found wherever it is.

Pure standard library; reads are bounded (files are mapped, not loaded; inflating stops at a
budget, so a decompression bomb is refused, not expanded); a file that cannot be parsed
(garbage, truncated, another format) is reported as carrying no location rather than raising.
"""

from __future__ import annotations

import io
import mmap
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from voices.content.file_types import sniff
from voices.media.media_structures import (
    FIRST_BOXES,
    MAX_ID3,
    PARSE_ERRORS,
    id3_location,
    iso_location,
    mentions_location,
    pdf_location,
    syncsafe,
    tiff_has_gps,
)

MEDIA_SUFFIXES = frozenset({".mp4", ".m4v", ".m4a", ".mov", ".3gp", ".mp3"})
PDF_SUFFIXES = frozenset({".pdf"})
LOCATION_MESSAGE = "carries location (GPS) data"

TOO_PACKED_MESSAGE = (
    "is packed too tightly to check safely (it unpacks to far more than its size, "
    "as a decompression bomb does)"
)


def media_location_problem(path: Path) -> str | None:
    """ "carries location (GPS) data" when an audio or video file records where it was made."""
    try:
        with path.open("rb") as handle:
            head = handle.read(12)
            if head[:3] == b"ID3":
                found = id3_location(handle)
            elif head[4:8] in FIRST_BOXES:
                found = iso_location(handle)
            else:
                found = False
    except PARSE_ERRORS:
        return None
    return LOCATION_MESSAGE if found else None


def pdf_metadata_problem(path: Path) -> str | None:
    """ "carries location (GPS) data" when a PDF holds GPS metadata, its own or a placed photo's."""
    try:
        with path.open("rb") as handle:
            if b"%PDF-" not in handle.read(1024):
                return None
            handle.seek(0)
            found = pdf_location(handle)
    except PARSE_ERRORS:
        return None
    return LOCATION_MESSAGE if found else None


# --- Any file, by its bytes ----------------------------------------------------------------

_MAX_SCAN = 1024 * 1024 * 1024  # a file is read through a memory map, up to this much
_MAX_INFLATE = 64 * 1024 * 1024  # what one compressed stream or ZIP member may unpack to
_MAX_INFLATE_TOTAL = 256 * 1024 * 1024  # and all of a file's together
_MAX_MEMBERS = 5000
_MAX_NESTING = 2  # a document inside a document inside a document is read; deeper is not
_XMP_GPS_RE = re.compile(
    rb"exif:gps|gpslatitude|gpslongitude|gpscoordinates|iptc4xmpext:locationcreated"
    rb"|iptc4xmpext:locationshown|iptc4xmpcore:location",
    re.IGNORECASE,
)
_PDF_GPS_RE = re.compile(rb"/gps", re.IGNORECASE)
_EXIF_START = b"Exif\0\0"
# A comment whose key names a place: Vorbis/Opus/FLAC comments (KEY=value), Matroska tag names.
_PLACE_KEY = re.compile(rb"(?i)(?:location|gps[a-z0-9_]*|geo[a-z0-9_]*|latitude|longitude|iso6709)")
_IPTC_PLACE = re.compile(rb"\x1c\x02[\x5a\x5c\x5f][\x00-\x7f]")  # IPTC city, sub-location, province


class TooPacked(Exception):
    """Unpacking a file went over the budget: a decompression bomb, or something like one."""


class _Budget:
    def __init__(self) -> None:
        self.left = _MAX_INFLATE_TOTAL

    def take(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise TooPacked


def file_location_problem(path: Path) -> str | None:
    """LOCATION_MESSAGE when a file of any kind records where it was made, TOO_PACKED_MESSAGE
    when it cannot be unpacked within the budget, else None. Its name plays no part."""
    try:
        with path.open("rb") as handle:
            if not path.stat().st_size:
                return None
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                found = data_has_location(data, _Budget())
    except TooPacked:
        return TOO_PACKED_MESSAGE
    except PARSE_ERRORS:
        return None
    return LOCATION_MESSAGE if found else None


def data_has_location(data: bytes | mmap.mmap, budget: _Budget, depth: int = 0) -> bool:
    """Whether the bytes of one file (or of a member of a ZIP document) hold a location."""
    kind = sniff(bytes(data[:64]))
    walker = _WALKERS.get(kind)
    if walker is not None and _safely(walker, data, budget, depth):
        return True
    return _id3v1_location(data) or _embedded_location(data)


def _id3v1_location(data: bytes | mmap.mmap) -> bool:
    """An ID3v1 tag (the last 128 bytes of many MP3s, whatever their start) whose text fields
    mention a location or GPS, as some recorders write into its comment."""
    if len(data) < 128 or bytes(data[-128:-125]) != b"TAG":
        return False
    return mentions_location(bytes(data[-125:-3]))


def _safely(walker, data, budget: _Budget, depth: int) -> bool:
    try:
        return walker(data, budget, depth)
    except PARSE_ERRORS:
        return False  # damaged where it was read: the scan of embedded blocks still runs


def _embedded_location(data: bytes | mmap.mmap) -> bool:
    """An XMP GPS property, or an EXIF block with a GPS position, anywhere in the bytes (a
    second APP1, an MPO's second picture, a HEIC's Exif item, a cover picture in a tag)."""
    end = min(len(data), _MAX_SCAN)
    if _XMP_GPS_RE.search(data, 0, end):
        return True
    found = data.find(_EXIF_START, 0, end)
    while found != -1:
        if tiff_has_gps(bytes(data[found + 6 : found + 6 + 65536])):
            return True
        found = data.find(_EXIF_START, found + 1, end)
    return False


def _jpeg(data, budget: _Budget, depth: int) -> bool:
    """Every APPn segment before the picture data: EXIF, XMP (also extended) and IPTC."""
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        if marker in (0xDA, 0xD9):  # the picture data starts (or the file ends): no more segments
            return False
        length = struct.unpack_from(">H", data, position + 2)[0]
        segment = bytes(data[position + 4 : position + 2 + length])
        if segment.startswith(_EXIF_START) and tiff_has_gps(segment[6:]):
            return True
        if 0xE0 <= marker <= 0xEF and _XMP_GPS_RE.search(segment):
            return True
        if marker == 0xED and _IPTC_PLACE.search(segment):
            return True
        position += 2 + length
    return False


def _png(data, budget: _Budget, depth: int) -> bool:
    """eXIf, and text chunks (plain or compressed) holding XMP or a raw EXIF profile."""
    position = 8
    while position + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, position)
        body = bytes(data[position + 8 : position + 8 + length])
        if kind == b"eXIf" and tiff_has_gps(body.removeprefix(_EXIF_START)):
            return True
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            text = _png_text(kind, body, budget)
            if _XMP_GPS_RE.search(text) or _raw_profile_has_gps(text):
                return True
        if kind == b"IEND":
            return False
        position += 12 + length
    return False


def _png_text(kind: bytes, body: bytes, budget: _Budget) -> bytes:
    keyword, _, rest = body.partition(b"\0")
    if kind == b"zTXt":
        return keyword + b" " + _inflate(rest[1:], budget)
    if kind == b"iTXt" and len(rest) >= 2:
        compressed, text = (
            rest[0],
            rest[2:].split(b"\0", 2)[-1],
        )  # skip language and translated keyword
        return keyword + b" " + (_inflate(text, budget) if compressed else text)
    return body


def _raw_profile_has_gps(text: bytes) -> bool:
    """ImageMagick's "Raw profile type exif": the EXIF block written out in hexadecimal."""
    if not text.lower().startswith((b"raw profile type exif", b"raw profile type app1")):
        return False
    digits = re.sub(rb"[^0-9a-fA-F]", b"", text.split(b"\n", 3)[-1])
    block = bytes.fromhex(digits[: len(digits) // 2 * 2].decode())
    start = block.find(_EXIF_START)
    return tiff_has_gps(block[start + 6 :] if start != -1 else block)


def _riff(data, budget: _Budget, depth: int) -> bool:
    """WebP's EXIF and XMP chunks; WAV's metadata chunks (LIST INFO, iXML, XMP, bext)."""
    position = 12
    while position + 8 <= len(data):
        kind, length = struct.unpack_from("<4sI", data, position)
        if kind not in (b"data", b"VP8 ", b"VP8L", b"ANMF", b"ALPH"):
            body = bytes(data[position + 8 : position + 8 + min(length, _MAX_INFLATE)])
            if kind == b"EXIF" and tiff_has_gps(body.removeprefix(_EXIF_START)):
                return True
            if _XMP_GPS_RE.search(body) or (
                kind in (b"LIST", b"iXML", b"bext") and _PLACE_KEY.search(body)
            ):
                return True
        position += 8 + length + (length & 1)
    return False


def _iso(data, budget: _Budget, depth: int) -> bool:
    return iso_location(_file_like(data))


def _id3(data, budget: _Budget, depth: int) -> bool:
    if id3_location(_file_like(data)):
        return True
    after = 10 + syncsafe(bytes(data[6:10]))  # FLAC may sit behind an ID3 tag
    return bytes(data[after : after + 4]) == b"fLaC" and _flac(
        bytes(data[after : after + MAX_ID3]), budget, depth
    )


def _file_like(data) -> BinaryIO:
    """Bytes, or a memory-mapped file, as a file that reads and seeks."""
    return io.BytesIO(data) if isinstance(data, (bytes, memoryview)) else _MappedFile(data)


class _MappedFile(io.RawIOBase):
    """A memory map as a seekable file (mmap has read and seek, but zipfile also asks seekable)."""

    def __init__(self, data: mmap.mmap) -> None:
        super().__init__()
        self.data, self.position = data, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.data[self.position : self.position + len(buffer)]
        buffer[: len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self.position, len(self.data))[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position


def _flac(data, budget: _Budget, depth: int) -> bool:
    """FLAC metadata blocks: the Vorbis comments (type 4) name no place."""
    position = 4
    while position + 4 <= len(data):
        header = data[position]
        length = int.from_bytes(bytes(data[position + 1 : position + 4]), "big")
        if header & 0x7F == 4 and _comments_name_a_place(
            bytes(data[position + 4 : position + 4 + length])
        ):
            return True
        if header & 0x80:  # the last block
            return False
        position += 4 + length
    return False


def _ogg(data, budget: _Budget, depth: int) -> bool:
    """Vorbis, Opus, Theora and FLAC-in-Ogg comment headers, in the first pages of the file."""
    head = bytes(data[: 4 * 1024 * 1024])
    for mark in (b"\x03vorbis", b"OpusTags", b"\x81theora"):
        found = head.find(mark)
        if found != -1 and _comments_name_a_place(head[found + len(mark) :]):
            return True
    return False


def _comments_name_a_place(block: bytes) -> bool:
    """Vorbis comments: a vendor string, then length-prefixed ``KEY=value`` entries. Read by
    finding each key that names a place and checking that a comment starts there (a page
    boundary may cut the list, so it is not walked entry by entry)."""
    for match in _PLACE_KEY.finditer(block):
        start = match.start()
        equals = block.find(b"=", match.end(), match.end() + 64)
        if (
            start < 4
            or equals == -1
            or not re.fullmatch(rb"[\x20-\x3c\x3e-\x7d]*", block[match.end() : equals])
        ):
            continue
        length = int.from_bytes(block[start - 4 : start], "little")
        if equals - start < length < 16 * 1024 * 1024:  # the key starts a comment of that length
            return True
    return False


def _matroska(data, budget: _Budget, depth: int) -> bool:
    """Matroska/WebM tags: a TagName (element 0x45A3) naming a place, at the start or the end."""
    size = len(data)
    for start, end in ((0, min(size, 16 * 1024 * 1024)), (max(0, size - 16 * 1024 * 1024), size)):
        found = data.find(b"\x45\xa3", start, end)
        while found != -1:
            name = _ebml_string(data, found + 2)
            if name and _PLACE_KEY.search(name):
                return True
            found = data.find(b"\x45\xa3", found + 1, end)
    return False


def _ebml_string(data, position: int) -> bytes:
    """The string after an element ID: a variable-length size, then the bytes."""
    if position >= len(data):
        return b""
    first = data[position]
    width = next((n for n in range(1, 9) if first & (0x80 >> (n - 1))), 0)
    if not width:
        return b""
    value = first & (0xFF >> width)
    for byte in bytes(data[position + 1 : position + width]):
        value = value << 8 | byte
    if not 0 < value <= 256:
        return b""
    text = bytes(data[position + width : position + width + value])
    return text if re.fullmatch(rb"[\x20-\x7e]+", text) else b""


def _pdf(data, budget: _Budget, depth: int) -> bool:
    """The PDF's own bytes, then every FlateDecode stream inflated (XMP, object streams, pictures)."""
    end = min(len(data), _MAX_SCAN)
    if _PDF_GPS_RE.search(data, 0, end):
        return True
    for match in re.finditer(rb"stream\r?\n", data[:end] if isinstance(data, bytes) else data):
        if match.start() >= end:
            break
        dictionary = bytes(data[max(0, match.start() - 2048) : match.start()])
        dictionary = dictionary[dictionary.rfind(b"<<") :] if b"<<" in dictionary else dictionary
        if (
            b"/FlateDecode" not in dictionary
            and b"/Fl " not in dictionary
            and b"/Fl/" not in dictionary
            and b"/Fl]" not in dictionary
        ):
            continue
        stop = data.find(b"endstream", match.end(), match.end() + _MAX_INFLATE)
        inflated = _inflate(
            data[match.end() : stop if stop != -1 else match.end() + _MAX_INFLATE], budget
        )
        if inflated and (
            _PDF_GPS_RE.search(inflated)
            or _XMP_GPS_RE.search(inflated)
            or _embedded_location(inflated)
        ):
            return True
    return False


def _inflate(compressed, budget: _Budget) -> bytes:
    """zlib data inflated up to the budget; a stream that would unpack to more is a bomb."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(compressed, _MAX_INFLATE)
    except zlib.error:
        return b""
    if inflater.unconsumed_tail:
        raise TooPacked
    budget.take(len(out))
    return out


def _zip(data, budget: _Budget, depth: int) -> bool:
    """DOCX, XLSX, ODT, ODS: every member (its XML and the photos inside it), read with a budget."""
    if depth >= _MAX_NESTING:
        return False
    with zipfile.ZipFile(_file_like(data)) as archive:
        members = archive.infolist()
        if len(members) > _MAX_MEMBERS:
            raise TooPacked
        for member in members:
            if member.is_dir():
                continue
            with archive.open(member) as handle:
                content = handle.read(_MAX_INFLATE + 1)
            if len(content) > _MAX_INFLATE:
                raise TooPacked
            budget.take(len(content))
            if data_has_location(content, budget, depth + 1):
                return True
    return False


_WALKERS = {
    "jpeg": _jpeg,
    "png": _png,
    "webp": _riff,
    "wav": _riff,
    "iso": _iso,
    "id3": _id3,
    "flac": _flac,
    "ogg": _ogg,
    "matroska": _matroska,
    "pdf": _pdf,
    "zip": _zip,
}
