"""What a picture carries besides its pixels, as Pillow reads it: EXIF, XMP and IPTC, and whether
any of it says where it was taken or whose camera took it."""

from __future__ import annotations

from typing import Any

from PIL import Image, IptcImagePlugin

# Where private details live beyond the EXIF tags below, as they appear in XMP text.
_XMP_LOCATION = (
    b"exif:gps",
    b"gpslatitude",
    b"gpslongitude",
    b"iptc4xmpcore:location",
    b"iptc4xmpext:locationcreated",
    b"iptc4xmpext:locationshown",
    b"photoshop:city",
)
_XMP_OWNER = (
    b"<dc:creator",
    b"aux:serialnumber",
    b"aux:ownername",
    b"exifex:bodyserialnumber",
    b"exifex:cameraownername",
)
# IPTC IIM city, sub-location and province/state; a country alone says little.
_IPTC_LOCATION = ((2, 90), (2, 92), (2, 95))
_EXIF_OWNER = (0x013B, 0x9C9D)  # Artist, Windows XPAuthor
_EXIF_IFD_OWNER = (0xA430, 0xA431)  # CameraOwnerName, BodySerialNumber
_GPS_IFD, _EXIF_IFD, _ORIENTATION = 0x8825, 0x8769, 0x0112
# What a file with no metadata may still hold in Pillow's info (JPEG segments it always writes).
_PLAIN_JPEG_SEGMENTS = ("APP0", "APP14")
# --- what an image carries -----------------------------------------------------------------


def _exif(image: Image.Image) -> Image.Exif:
    try:
        return image.getexif()
    except Exception:  # unreadable EXIF: nothing can be read from it (and copies never carry it)
        return Image.Exif()


def _ifd(exif: Image.Exif, tag: int) -> dict[int, Any]:
    try:
        return dict(exif.get_ifd(tag))
    except Exception:
        return {}


def orientation(image: Image.Image) -> int:
    value = _exif(image).get(_ORIENTATION, 1)
    return value if isinstance(value, int) else 1


def _filled(value: Any) -> bool:
    if isinstance(value, bytes):
        return bool(value.replace(b"\0", b"").strip())
    if isinstance(value, str):
        return bool(value.strip("\0 "))
    if isinstance(value, list):
        return any(_filled(item) for item in value)
    return value is not None


def _xmp(image: Image.Image) -> bytes:
    """Every XMP packet Pillow found, lowercased for searching."""
    packets = [image.info.get(key) for key in ("xmp", "XML:com.adobe.xmp")]
    packets.append(getattr(image, "tag_v2", {}).get(700))  # TIFF keeps XMP in tag 700
    text = b"".join(
        p.encode("utf-8", "ignore") if isinstance(p, str) else p
        for p in packets
        if isinstance(p, (bytes, str))
    )
    return text.lower()


def _iptc_location(image: Image.Image) -> bool:
    try:
        iptc = IptcImagePlugin.getiptcinfo(image) or {}
    except Exception:
        return False
    return any(_filled(iptc.get(key)) for key in _IPTC_LOCATION)


def private_data(image: Image.Image) -> tuple[bool, bool]:
    """(carries location, carries the camera owner's details)."""
    exif = _exif(image)
    xmp = _xmp(image)
    gps = _ifd(exif, _GPS_IFD)
    camera = _ifd(exif, _EXIF_IFD)
    location = (
        any(tag != 0 for tag in gps)  # tag 0 is GPSVersionID: no position on its own
        or any(marker in xmp for marker in _XMP_LOCATION)
        or _iptc_location(image)
    )
    owner = (
        any(_filled(exif.get(tag)) for tag in _EXIF_OWNER)
        or any(_filled(camera.get(tag)) for tag in _EXIF_IFD_OWNER)
        or any(marker in xmp for marker in _XMP_OWNER)
    )
    return location, owner


def carries_metadata(image: Image.Image) -> bool:
    """Anything beyond pixels that scrubbing would remove (so a clean file is left alone)."""
    info = image.info
    if any(
        info.get(key)
        for key in (
            "exif",
            "xmp",
            "XML:com.adobe.xmp",
            "photoshop",
            "comment",
            "icc_profile",
            "metadata",
        )
    ):
        return True
    if len(_exif(image)) or getattr(image, "text", None):  # PNG text chunks
        return True
    segments = getattr(image, "applist", [])
    return any(marker not in _PLAIN_JPEG_SEGMENTS for marker, _ in segments)


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
