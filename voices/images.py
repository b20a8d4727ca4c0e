"""Story images: check originals, build small private copies for the site, scrub originals.

Every copy the site serves is made from fresh pixels: the photo is turned upright, converted to
sRGB, then copied into a new image, so no EXIF, GPS, XMP, IPTC, ICC profile or comment can travel
with it. The originals sit in the repository, which is public: ``original_file_problem`` says
when one still carries location or its owner's details, and ``scrub_in_place`` removes them.

Pillow's decompression-bomb protection stays on; while this module opens an image its limit is
``ImageSettings.max_pixels`` and going over it is an error, never just a warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import json
import os
import re
import shlex
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PIL import Image, ImageCms, ImageOps, IptcImagePlugin, JpegImagePlugin

from voices.file_types import sniff
from voices.media_files import LOCATION_MESSAGE, file_location_problem

try:  # HEIC is what iPhones take; Pillow reads it through pillow-heif (libheif).
    import pillow_heif
except ImportError:  # pragma: no cover - pillow-heif is in the lock; without it HEIC is refused
    pillow_heif = None
else:
    pillow_heif.register_heif_opener()
HEIF_AVAILABLE = pillow_heif is not None

MB = 1024 * 1024
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif", ".avif",
                            ".tif", ".tiff", ".bmp", ".svg", ".svgz"})
# Only these decoders are tried: Pillow would otherwise hand an .eps to Ghostscript. (JPEG also
# opens MPO, the multi-picture JPEG some cameras write.)
_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "AVIF", "TIFF", "BMP")
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"})
_SMALLER_COPY = "export a smaller copy, e.g. a JPEG 4000 pixels wide"
_NOT_AN_IMAGE = ("is not an image Pillow can read",
                 "use a JPEG, PNG, WebP or HEIC file; if it is one, it may be damaged: export it again")
SCRUB_HINT = "run: voices scrub {path} — or strip location before uploading (see the guide)"
MEDIA_HINT = ("remove it before uploading: export again without location, or run "
              "ffmpeg -i IN -map_metadata -1 -c copy OUT (see the guide)")
PDF_HINT = ("export the PDF again without its metadata, e.g. with your PDF editor's "
            "“remove hidden information” (see the guide)")
DOCUMENT_HINT = ("remove it before uploading: in Word or LibreOffice use “Inspect document” / “remove "
                 "personal information”, and put in photos exported without location (see the guide)")
_PICTURE_KINDS = frozenset({"jpeg", "png", "webp", "gif", "tiff", "bmp"})

# Where private details live beyond the EXIF tags below, as they appear in XMP text.
_XMP_LOCATION = (b"exif:gps", b"gpslatitude", b"gpslongitude", b"iptc4xmpcore:location",
                 b"iptc4xmpext:locationcreated", b"iptc4xmpext:locationshown", b"photoshop:city")
_XMP_OWNER = (b"<dc:creator", b"aux:serialnumber", b"aux:ownername", b"exifex:bodyserialnumber",
              b"exifex:cameraownername")
# IPTC IIM city, sub-location and province/state; a country alone says little.
_IPTC_LOCATION = ((2, 90), (2, 92), (2, 95))
_EXIF_OWNER = (0x013B, 0x9C9D)  # Artist, Windows XPAuthor
_EXIF_IFD_OWNER = (0xA430, 0xA431)  # CameraOwnerName, BodySerialNumber
_GPS_IFD, _EXIF_IFD, _ORIENTATION = 0x8825, 0x8769, 0x0112
# What a file with no metadata may still hold in Pillow's info (JPEG segments it always writes).
_PLAIN_JPEG_SEGMENTS = ("APP0", "APP14")

_encodes = 0


@dataclass(frozen=True)
class ImageSettings:
    """How site copies are made, and how big an original may be."""

    widths: tuple[int, ...] = (480, 960, 1600)
    webp_quality: int = 80
    jpeg_quality: int = 82
    max_bytes: int = 40 * MB
    max_pixels: int = 120_000_000  # admits 48–50 MP phone photos (8160×6120) with room to spare
    version: str = "1"  # bump when the processing changes, so cached copies are rebuilt

    def fingerprint(self) -> str:
        """What changes the copies' bytes (the limits only decide what is accepted)."""
        return json.dumps({"widths": sorted(self.widths), "webp": self.webp_quality,
                           "jpeg": self.jpeg_quality, "version": self.version})


DEFAULT_SETTINGS = ImageSettings()


@dataclass(frozen=True)
class ImageInfo:
    """An image as it will be shown: size after EXIF orientation, and what private data it holds."""

    width: int
    height: int
    format: str
    has_alpha: bool
    has_location: bool
    has_owner: bool


@dataclass(frozen=True)
class Variant:
    """One file made for the site: ``path`` is its name beside the page, e.g. ``photo-960.webp``."""

    width: int
    height: int
    path: str
    mime: str
    bytes: int


class ImageProblem(ValueError):
    """An image that cannot be used; ``str()`` is the plain-English problem with its fix."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(f"{message}; {hint}" if hint else message)
        self.message, self.hint = message, hint


def encode_count() -> int:
    """How many images have been encoded (not taken from the cache) since the program started."""
    return _encodes


# --- opening safely ------------------------------------------------------------------------

@contextlib.contextmanager
def _pillow_guard(settings: ImageSettings) -> Iterator[None]:
    """Pillow's bomb check with our pixel budget as its limit.

    Pillow warns above ``MAX_IMAGE_PIXELS`` and raises above twice that; the warning is made an
    error so anything over the budget is refused. Pillow's other warnings (odd EXIF, palette
    transparency) concern data that is rebuilt or dropped here anyway.
    """
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = settings.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _too_many_pixels(settings: ImageSettings, size: tuple[int, int] | None = None) -> ImageProblem:
    limit = f"{settings.max_pixels / 1e6:g} megapixels"
    if size:
        return ImageProblem(f"is {size[0]}×{size[1]} pixels, over the {limit} limit", _SMALLER_COPY)
    return ImageProblem(f"has too many pixels to open safely (over {limit}): it could be a "
                        "decompression bomb", _SMALLER_COPY)


def _precheck(path: Path, settings: ImageSettings) -> None:
    """What can be refused before Pillow reads the file."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise ImageProblem(f"cannot be read ({error.strerror or error})",
                           "check that the file is there and readable") from None
    suffix = path.suffix.lower()
    if suffix in (".svg", ".svgz") or (head.lstrip()[:1] == b"<" and b"<svg" in head.lower()):
        raise ImageProblem("SVG is refused: it can carry script", "export a PNG")
    if size > settings.max_bytes:
        raise ImageProblem(f"is {size / MB:.1f} MB; an image can be at most {settings.max_bytes / MB:g} MB",
                           _SMALLER_COPY)
    is_heic = (head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS) or suffix in (".heic", ".heif")
    if is_heic and not HEIF_AVAILABLE:
        raise ImageProblem("is a HEIC photo, and reading HEIC needs the pillow-heif package",
                           "install pillow-heif (it is in requirements.lock), or export the photo as JPEG")


def _open(path: Path, settings: ImageSettings) -> Image.Image:
    """Open ``path`` (header only) inside ``_pillow_guard``; raise ImageProblem for what cannot be used."""
    _precheck(path, settings)
    formats = (*_FORMATS, "HEIF") if HEIF_AVAILABLE else _FORMATS
    try:
        image = Image.open(path, formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(settings) from None
    except Exception:  # each plugin fails in its own way on a bad file; all mean "unreadable"
        raise ImageProblem(*_NOT_AN_IMAGE) from None
    if image.width * image.height > settings.max_pixels:  # plugins that skip Pillow's check
        image.close()
        raise _too_many_pixels(settings, image.size)
    return image


def _decode(image: Image.Image, settings: ImageSettings, fit: tuple[int, int] | None = None) -> None:
    """Decode the pixels, so a damaged file is found now. With ``fit`` (upright size), a JPEG is
    decoded at 1/2, 1/4 or 1/8 scale when that still covers it: a 50 MP photo made into 1600
    pixels wide copies then decodes in a fraction of the time and memory."""
    try:
        if fit and image.format in ("JPEG", "MPO"):
            width, height = fit
            image.draft(None, (height, width) if _orientation(image) in (5, 6, 7, 8) else (width, height))
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(settings) from None
    except Exception:
        raise ImageProblem(*_NOT_AN_IMAGE) from None


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


def _orientation(image: Image.Image) -> int:
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
    text = b"".join(p.encode("utf-8", "ignore") if isinstance(p, str) else p
                    for p in packets if isinstance(p, (bytes, str)))
    return text.lower()


def _iptc_location(image: Image.Image) -> bool:
    try:
        iptc = IptcImagePlugin.getiptcinfo(image) or {}
    except Exception:
        return False
    return any(_filled(iptc.get(key)) for key in _IPTC_LOCATION)


def _private_data(image: Image.Image) -> tuple[bool, bool]:
    """(carries location, carries the camera owner's details)."""
    exif = _exif(image)
    xmp = _xmp(image)
    gps = _ifd(exif, _GPS_IFD)
    camera = _ifd(exif, _EXIF_IFD)
    location = (any(tag != 0 for tag in gps)  # tag 0 is GPSVersionID: no position on its own
                or any(marker in xmp for marker in _XMP_LOCATION) or _iptc_location(image))
    owner = (any(_filled(exif.get(tag)) for tag in _EXIF_OWNER)
             or any(_filled(camera.get(tag)) for tag in _EXIF_IFD_OWNER)
             or any(marker in xmp for marker in _XMP_OWNER))
    return location, owner


def _carries_metadata(image: Image.Image) -> bool:
    """Anything beyond pixels that scrubbing would remove (so a clean file is left alone)."""
    info = image.info
    if any(info.get(key) for key in ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "comment",
                                     "icc_profile", "metadata")):
        return True
    if len(_exif(image)) or getattr(image, "text", None):  # PNG text chunks
        return True
    segments = getattr(image, "applist", [])
    return any(marker not in _PLAIN_JPEG_SEGMENTS for marker, _ in segments)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


# --- fresh pixels --------------------------------------------------------------------------

_SRGB = ImageCms.createProfile("sRGB")


def _upright(image: Image.Image) -> Image.Image:
    """Turned as EXIF orientation says; in place, as a 50 MP photo is 150 MB per copy."""
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except Exception:  # orientation that cannot be read: show the pixels as stored
        pass
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels in sRGB, what browsers assume when an image has no profile. An embedded profile (a
    phone's Display P3, a printer's CMYK) is applied rather than dropped, so colours stay right
    once it is gone; CMYK without one gets Pillow's plain conversion."""
    if image.mode in ("P", "PA") or "transparency" in image.info:
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, _SRGB,
                                             outputMode="RGBA" if image.mode == "RGBA" else "RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: fall back to the plain conversion
    return image.convert("RGB") if image.mode == "CMYK" else image


def _web_pixels(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when some pixel is actually see-through (an opaque PNG becomes a JPEG)."""
    if image.mode.startswith("I;16"):
        image = image.point(lambda value: value / 256, "L")  # 16-bit grey: Pillow would clip
    if _has_alpha(image):
        rgba = image.convert("RGBA")
        if rgba.getchannel("A").getextrema()[0] < 255:
            return rgba
    return image.convert("RGB")


def _fresh(image: Image.Image) -> Image.Image:
    """The same pixels in a new image: nothing in the old one's info (EXIF, XMP, ICC, comments) follows."""
    fresh = Image.new(image.mode, image.size)
    fresh.paste(image)
    return fresh


# --- public API ----------------------------------------------------------------------------

def inspect_image(path: Path, settings: ImageSettings = DEFAULT_SETTINGS) -> ImageInfo | str:
    """What an original image is, or a plain-English problem (never an exception)."""
    try:
        return _inspect(path, settings)
    except ImageProblem as problem:
        return str(problem)


def _inspect(path: Path, settings: ImageSettings) -> ImageInfo:
    with _pillow_guard(settings), _open(path, settings) as image:
        width, height = image.size
        if _orientation(image) in (5, 6, 7, 8):
            width, height = height, width
        _decode(image, settings, fit=(1, 1))  # smallest JPEG scale: enough to prove it decodes
        location, owner = _private_data(image)
        return ImageInfo(width, height, image.format or "", _has_alpha(image), location, owner)


def target_sizes(width: int, height: int, widths: tuple[int, ...]) -> list[tuple[int, int]]:
    """The copies' sizes: each configured width below the original, plus the original's own width
    when it is below the largest (so a 1200-wide photo gets 480, 960 and 1200). Never upscaled."""
    chosen = {w for w in widths if w < width} | {min(width, max(widths))}
    return [(w, max(1, round(height * w / width))) for w in sorted(chosen)]


def process_image(source: Path, out_dir: Path, settings: ImageSettings, cache_dir: Path) -> list[Variant]:
    """Write the site copies of ``source`` into ``out_dir``: per width a WebP and a JPEG (or a PNG
    when the image has transparency), named ``<stem>-<width>.<ext>``. An animation gives its
    first frame.

    Copies are cached under ``cache_dir/<key>/`` where the key is the SHA-256 of the file's bytes
    and of the settings, so an unchanged image is never encoded again, whatever its name.
    Raises ImageProblem for an image that cannot be used.
    """
    _precheck(source, settings)
    entry = cache_dir / cache_key(source, settings)
    records = _cached(entry)
    if records is None:
        records = _build(source, entry, settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    variants = []
    for record in records:
        name = f"{source.stem}-{record['width']}{record['suffix']}"
        # Copied, not hard-linked: something writing into a published file must not alter the cache.
        shutil.copyfile(entry / record["file"], out_dir / name)
        variants.append(Variant(record["width"], record["height"], name, record["mime"], record["bytes"]))
    return variants


def cache_key(source: Path, settings: ImageSettings = DEFAULT_SETTINGS) -> str:
    """The name of the image cache's entry for ``source``: its bytes and the settings."""
    digest = hashlib.sha256()
    with source.open("rb") as handle:
        for block in iter(lambda: handle.read(MB), b""):
            digest.update(block)
    digest.update(settings.fingerprint().encode())
    return digest.hexdigest()


def _cached(entry: Path) -> list[dict[str, Any]] | None:
    """The cache entry's records when all its files are there; a broken entry is removed."""
    try:
        records = json.loads((entry / "manifest.json").read_text(encoding="utf-8"))
        if all((entry / r["file"]).stat().st_size == r["bytes"] for r in records):
            return records
    except (OSError, ValueError, KeyError, TypeError):
        pass
    shutil.rmtree(entry, ignore_errors=True)
    return None


def _build(source: Path, entry: Path, settings: ImageSettings) -> list[dict[str, Any]]:
    """Encode every copy into a temporary folder, then move it into place in one step, so an
    interrupted build never leaves a half-filled cache entry."""
    global _encodes
    entry.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{entry.name[:16]}-", dir=entry.parent))
    try:
        records = _encode(source, work, settings)
        (work / "manifest.json").write_text(json.dumps(records), encoding="utf-8")
        try:
            work.rename(entry)
        except OSError:  # a parallel build got there first; its copies are identical
            shutil.rmtree(work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _encodes += 1
    return records


def _encode(source: Path, work: Path, settings: ImageSettings) -> list[dict[str, Any]]:
    with _pillow_guard(settings), _open(source, settings) as image:
        width, height = image.size
        if _orientation(image) in (5, 6, 7, 8):
            width, height = height, width
        sizes = target_sizes(width, height, settings.widths)
        _decode(image, settings, fit=sizes[-1])
        picture = _fresh(_web_pixels(_to_srgb(_upright(image))))
    transparent = picture.mode == "RGBA"
    no_metadata = {"exif": b"", "icc_profile": None, "xmp": b"", "comment": b""}
    formats = [("WEBP", ".webp", "image/webp", {"quality": settings.webp_quality})]
    if transparent:
        formats.append(("PNG", ".png", "image/png", {"optimize": True}))
    else:
        formats.append(("JPEG", ".jpg", "image/jpeg",
                        {"quality": settings.jpeg_quality, "optimize": True, "progressive": True}))
    records = []
    for w, h in sizes:
        resized = picture if picture.size == (w, h) else \
            picture.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for format_, suffix, mime, options in formats:
            name = f"{w}{suffix}"
            resized.save(work / name, format_, **options, **no_metadata)
            records.append({"width": w, "height": h, "file": name, "suffix": suffix, "mime": mime,
                            "bytes": (work / name).stat().st_size})
    return records


def picture_html(variants: list[Variant], alt: str, sizes: str = "100vw", lazy: bool = True) -> str:
    """A ``<picture>``: WebP for browsers that take it, the JPEG/PNG copies for the rest."""
    webp = sorted((v for v in variants if v.mime == "image/webp"), key=lambda v: v.width)
    fallback = sorted((v for v in variants if v.mime != "image/webp"), key=lambda v: v.width)
    if not fallback:
        raise ValueError("picture_html needs at least one JPEG or PNG variant")

    def srcset(items: list[Variant]) -> str:
        return html.escape(", ".join(f"{quote(v.path)} {v.width}w" for v in items))

    largest, middle = fallback[-1], fallback[len(fallback) // 2]
    source = (f'<source type="image/webp" srcset="{srcset(webp)}" sizes="{html.escape(sizes)}">'
              if webp else "")
    attributes = [f'src="{html.escape(quote(middle.path))}"', f'srcset="{srcset(fallback)}"',
                  f'sizes="{html.escape(sizes)}"', f'width="{largest.width}"', f'height="{largest.height}"',
                  f'alt="{html.escape(alt)}"']
    if lazy:
        attributes += ['loading="lazy"', 'decoding="async"']
    return f"<picture>{source}<img {' '.join(attributes)}></picture>"


# --- originals -----------------------------------------------------------------------------

def _heif_can_save() -> bool:
    try:
        return bool(pillow_heif and pillow_heif.libheif_info().get("HEIF"))
    except Exception:
        return False


def _lossless_webp(path: Path) -> bool:
    """A WebP's image chunk is VP8L when it was saved lossless, "VP8 " when lossy."""
    with path.open("rb") as handle:
        if handle.read(12)[8:12] != b"WEBP":
            return False
        while len(header := handle.read(8)) == 8:
            kind, size = header[:4], int.from_bytes(header[4:], "little")
            if kind in (b"VP8L", b"VP8 "):
                return kind == b"VP8L"
            handle.seek(size + (size & 1), 1)
    return False


def _scrub_options(image: Image.Image, path: Path) -> tuple[str, dict[str, Any]]:
    """How to write the original back in its own format, losing as little as possible."""
    format_ = image.format or ""
    if format_ in ("JPEG", "MPO"):  # an MPO's extra pictures (previews, depth) are dropped too
        sampling = JpegImagePlugin.get_sampling(image)
        return "JPEG", {"quality": 95, "optimize": True, **({"subsampling": sampling} if sampling >= 0 else {})}
    if format_ == "WEBP":
        return "WEBP", {"lossless": True} if _lossless_webp(path) else {"quality": 95}
    if format_ == "HEIF":
        if not _heif_can_save():
            raise ImageProblem("is a HEIC photo, and this pillow-heif cannot write HEIC",
                               "export the photo as JPEG without location, then replace this file")
        return "HEIF", {"quality": 90}  # HEVC at 90 is visually lossless at phone resolutions
    if format_ == "AVIF":
        return "AVIF", {"quality": 90}
    if format_ == "TIFF":
        return "TIFF", {"compression": "tiff_adobe_deflate"}
    return format_, {}  # PNG, GIF, BMP: lossless already


def scrub_in_place(path: Path, settings: ImageSettings = DEFAULT_SETTINGS) -> str:
    """Rewrite an original image with no metadata, upright and in its own format; say what was done.

    A file with nothing to remove is left untouched (no needless re-encoding). Raises
    ImageProblem when the file cannot be read or written back.
    """
    with _pillow_guard(settings), _open(path, settings) as image:
        if getattr(image, "is_animated", False) and image.format in ("GIF", "PNG", "WEBP", "AVIF"):
            raise ImageProblem("is animated, and scrubbing it would keep only the first frame",
                               "remove its metadata in the program that made it")
        _decode(image, settings)
        rotated = _orientation(image) not in (0, 1)
        if not rotated and not _carries_metadata(image):
            return f"{path}: no metadata found; left unchanged"
        location, owner = _private_data(image)
        format_, options = _scrub_options(image, path)
        picture = _to_srgb(_upright(image))
        if format_ == "JPEG" and picture.mode not in ("L", "RGB"):
            picture = picture.convert("RGB")
        picture = _fresh(picture)
    _replace(path, picture, format_, options)
    found = [what for what, present in (("location (GPS) data", location),
                                        ("the camera owner's details", owner)) if present]
    message = f"{path}: removed {' and '.join(found) or 'its metadata'}"
    return message + ("; turned it upright" if rotated else "")


def _replace(path: Path, picture: Image.Image, format_: str, options: dict[str, Any]) -> None:
    """Write beside the original, then swap it in: a failed write never leaves half a photo."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        picture.save(temporary, format_, **options)
        shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except Exception as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, ImageProblem):
            raise
        raise ImageProblem(f"could not be rewritten as {format_} ({error})",
                           "export it again without location, then replace this file") from None


def _repository_path(path: Path) -> str:
    """``stories/<slug>/<file>`` as staff type it, when the file is in a story folder."""
    parts = path.parts
    if "stories" in parts:
        start = len(parts) - 1 - parts[::-1].index("stories")
        return shlex.quote("/".join(parts[start:]))
    return shlex.quote(path.as_posix())


def original_file_problem(path: Path) -> tuple[str, str] | None:
    """(message, hint) when a file in a story's or area's folder cannot be published as it is: a
    picture that cannot be used or carries private data, or any other file carrying location.
    What the file is comes from its bytes, not its name: a photo renamed ``.pdf`` is still read as
    a photo, an MP4 renamed ``.webm`` as an MP4."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        head = b""
    kind = sniff(head)
    is_heic = kind == "iso" and head[8:12] in _HEIC_BRANDS
    if path.suffix.lower() in IMAGE_SUFFIXES or kind in _PICTURE_KINDS or is_heic:
        try:
            info = _inspect(path, DEFAULT_SETTINGS)
        except ImageProblem as problem:
            return problem.message, problem.hint
        found = [what for what, present in (("location (GPS) data", info.has_location
                                             or file_location_problem(path) == LOCATION_MESSAGE),
                                            ("the camera owner's details", info.has_owner)) if present]
        if found:
            return f"carries {' and '.join(found)}", SCRUB_HINT.format(path=_repository_path(path))
        return None
    message = file_location_problem(path)
    if message is None:
        return None
    return message, PDF_HINT if kind == "pdf" else DOCUMENT_HINT if kind == "zip" else MEDIA_HINT


_COPY_NAME = re.compile(r"(.+)-(\d+)\.(?:jpg|png)")  # <stem>-<width>.<ext>, see process_image


def widest_copies(published: Iterable[str]) -> dict[str, str]:
    """``folder/stem`` of each photo → its widest JPEG or PNG copy among the ``published`` files:
    the original itself is never published, so no address may name it."""
    widest: dict[str, tuple[int, str]] = {}
    for path in published:
        match = _COPY_NAME.fullmatch(path)
        if match and int(match.group(2)) > widest.get(match.group(1), (0, ""))[0]:
            widest[match.group(1)] = (int(match.group(2)), path)
    return {stem: path for stem, (_, path) in widest.items()}
