"""Small hostile binary files for tests/test_hostile_corpus.py: metadata carriers, polyglots.

Each maker returns the bytes of a real, minimal file of its type with ``marker`` (a canary) and
usually a location hidden in one metadata carrier. Made-up values only.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from PIL.PngImagePlugin import PngInfo

GPS_IFD = 0x8825
ARTIST = 0x013B
# A made-up point in the sea off Cornwall, in EXIF's degrees/minutes/seconds.
GPS = {1: "N", 2: (50.0, 20.0, 0.0), 3: "W", 4: (4.0, 45.0, 0.0)}


def xmp(marker: str, gps: bool = True) -> bytes:
    """An XMP packet naming ``marker`` as the creator, with a GPS position when asked."""
    position = (
        (
            "<exif:GPSLatitude>50,20.0N</exif:GPSLatitude>"
            "<exif:GPSLongitude>4,45.0W</exif:GPSLongitude>"
        )
        if gps
        else ""
    )
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/">'
        f"<dc:creator><rdf:Seq><rdf:li>{marker}</rdf:li></rdf:Seq></dc:creator>{position}"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def _image() -> Image.Image:
    return Image.new("RGB", (64, 48), (40, 90, 160))


def _exif(marker: str, gps: bool = True, owner: bool = True) -> Image.Exif:
    exif = Image.Exif()
    if owner:
        exif[ARTIST] = marker
    if gps:
        exif[GPS_IFD] = dict(GPS)
    return exif


def png_exif(marker: str) -> bytes:
    """A PNG whose eXIf chunk holds GPS and an owner name."""
    out = io.BytesIO()
    _image().save(out, "PNG", exif=_exif(marker))
    return out.getvalue()


def png_text(marker: str) -> bytes:
    """A PNG with a compressed zTXt author and an iTXt XMP packet holding GPS."""
    info = PngInfo()
    info.add_text("Author", marker, zip=True)
    info.add_itxt("XML:com.adobe.xmp", xmp(marker).decode(), zip=True)
    out = io.BytesIO()
    _image().save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp_xmp(marker: str) -> bytes:
    out = io.BytesIO()
    _image().save(out, "WEBP", xmp=xmp(marker))
    return out.getvalue()


def jpeg_xmp(marker: str) -> bytes:
    """A JPEG with no EXIF at all: its GPS is only in the XMP APP1 segment."""
    out = io.BytesIO()
    _image().save(out, "JPEG", xmp=xmp(marker))
    return out.getvalue()


def jpeg_exif(marker: str) -> bytes:
    out = io.BytesIO()
    _image().save(out, "JPEG", exif=_exif(marker))
    return out.getvalue()


def heic_exif(marker: str) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    _image().save(out, "HEIF", exif=_exif(marker, owner=False).tobytes())  # location only
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_xyz(marker: str) -> bytes:
    """An ISO-BMFF file (MP4/M4A/MOV) with a ``©xyz`` location and a ``©nam`` title."""
    xyz = _box(b"\xa9xyz", struct.pack(">HH", 18, 0) + b"+50.3333-004.7500/")
    name = _box(b"\xa9nam", struct.pack(">HH", len(marker), 0) + marker.encode())
    return (
        _box(b"ftyp", b"M4A \x00\x00\x02\x00isomM4A ")
        + _box(b"moov", _box(b"udta", xyz + name))
        + _box(b"mdat", b"\x00" * 16)
    )


def flac_vorbis(marker: str) -> bytes:
    """A FLAC stream whose Vorbis comment block holds a LOCATION and an ARTIST."""
    info = struct.pack(">HH", 4096, 4096) + b"\x00" * 30  # a 34-byte STREAMINFO
    comments = [
        f"ARTIST={marker}".encode(),
        b"LOCATION=50.3333,-4.7500",
        b"GEO_LOCATION=50.3333 -4.7500",
    ]
    vorbis = struct.pack("<I", 6) + b"voices" + struct.pack("<I", len(comments))
    vorbis += b"".join(struct.pack("<I", len(c)) + c for c in comments)
    return (
        b"fLaC"
        + bytes([0])
        + len(info).to_bytes(3, "big")
        + info
        + bytes([0x80 | 4])
        + len(vorbis).to_bytes(3, "big")
        + vorbis
    )


def mp3_id3v1(marker: str) -> bytes:
    """An MP3 frame followed by an ID3v1 tag (the 128 bytes at the end) with a place and a name."""
    frame = b"\xff\xfb\x90\x00" + b"\x00" * 413
    # The marker is not put in the tag: the corpus replaces it with a longer word, and an ID3v1
    # tag is exactly the last 128 bytes.
    tag = (
        b"TAG"
        + b"Recording".ljust(30, b"\x00")
        + b"Example Person".ljust(30, b"\x00")
        + b"".ljust(30, b"\x00")
        + b"2019"
        + b"GPS 50.3333N 4.7500W".ljust(30, b"\x00")
        + b"\x0c"
    )
    return frame * 4 + tag


def pdf(
    marker: str, gps: bool = False, compressed_xmp: bool = False, info_author: bool = False
) -> bytes:
    """A one-page PDF whose XMP names ``marker`` as the creator; with ``gps`` it holds a position
    too, with ``compressed_xmp`` the XMP is deflated, with ``info_author`` the document
    information names ``marker`` as the author."""
    packet = xmp(marker, gps)
    stream = zlib.compress(packet) if compressed_xmp else packet
    filters = "/Filter /FlateDecode " if compressed_xmp else ""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        f"<< /Type /Metadata /Subtype /XML {filters}/Length {len(stream)} >>\nstream\n".encode()
        + stream
        + b"\nendstream",
    ]
    if info_author:
        objects.append(f"<< /Author ({marker}) /Title (Minutes) >>".encode())
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    info = f" /Info {len(objects)} 0 R" if info_author else ""
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def html_polyglot_pdf(host: str) -> bytes:
    """A file named .pdf that every browser sniffing it reads as HTML with a script."""
    return (
        f'<!doctype html><html><script src="https://{host}/x.js"></script>'
        f"<img src=x onerror=alert(1)>\n%PDF-1.4\n%%EOF\n"
    ).encode()
