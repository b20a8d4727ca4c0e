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
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PIL import Image, ImageCms, ImageOps

from voices.media.image_metadata import has_alpha, orientation, private_data

try:  # HEIC is what iPhones take; Pillow reads it through pillow-heif (libheif).
    import pillow_heif
except ImportError:  # pragma: no cover - pillow-heif is in the lock; without it HEIC is refused
    pillow_heif = None
else:
    pillow_heif.register_heif_opener()
HEIF_AVAILABLE = pillow_heif is not None

MB = 1024 * 1024
IMAGE_SUFFIXES = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".png",
        ".webp",
        ".gif",
        ".heic",
        ".heif",
        ".avif",
        ".tif",
        ".tiff",
        ".bmp",
        ".svg",
        ".svgz",
    }
)
# Only these decoders are tried: Pillow would otherwise hand an .eps to Ghostscript. (JPEG also
# opens MPO, the multi-picture JPEG some cameras write.)
_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "AVIF", "TIFF", "BMP")
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"})
_SMALLER_COPY = "export a smaller copy, e.g. a JPEG 4000 pixels wide"
_NOT_AN_IMAGE = (
    "is not an image Pillow can read",
    "use a JPEG, PNG, WebP or HEIC file; if it is one, it may be damaged: export it again",
)
SCRUB_HINT = "run: voices scrub {path} — or strip location before uploading (see the guide)"
MEDIA_HINT = (
    "remove it before uploading: export again without location, or run "
    "ffmpeg -i IN -map_metadata -1 -c copy OUT (see the guide)"
)
PDF_HINT = (
    "export the PDF again without its metadata, e.g. with your PDF editor's "
    "“remove hidden information” (see the guide)"
)
DOCUMENT_HINT = (
    "remove it before uploading: in Word or LibreOffice use “Inspect document” / “remove "
    "personal information”, and put in photos exported without location (see the guide)"
)
_PICTURE_KINDS = frozenset({"jpeg", "png", "webp", "gif", "tiff", "bmp"})


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
        return json.dumps(
            {
                "widths": sorted(self.widths),
                "webp": self.webp_quality,
                "jpeg": self.jpeg_quality,
                "version": self.version,
            }
        )


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
    return ImageProblem(
        f"has too many pixels to open safely (over {limit}): it could be a decompression bomb",
        _SMALLER_COPY,
    )


def _precheck(path: Path, settings: ImageSettings) -> None:
    """What can be refused before Pillow reads the file."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise ImageProblem(
            f"cannot be read ({error.strerror or error})",
            "check that the file is there and readable",
        ) from None
    suffix = path.suffix.lower()
    if suffix in (".svg", ".svgz") or (head.lstrip()[:1] == b"<" and b"<svg" in head.lower()):
        raise ImageProblem("SVG is refused: it can carry script", "export a PNG")
    if size > settings.max_bytes:
        raise ImageProblem(
            f"is {size / MB:.1f} MB; an image can be at most {settings.max_bytes / MB:g} MB",
            _SMALLER_COPY,
        )
    is_heic = (head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS) or suffix in (".heic", ".heif")
    if is_heic and not HEIF_AVAILABLE:
        raise ImageProblem(
            "is a HEIC photo, and reading HEIC needs the pillow-heif package",
            "install pillow-heif (it is in requirements.lock), or export the photo as JPEG",
        )


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


def _decode(
    image: Image.Image, settings: ImageSettings, fit: tuple[int, int] | None = None
) -> None:
    """Decode the pixels, so a damaged file is found now. With ``fit`` (upright size), a JPEG is
    decoded at 1/2, 1/4 or 1/8 scale when that still covers it: a 50 MP photo made into 1600
    pixels wide copies then decodes in a fraction of the time and memory."""
    try:
        if fit and image.format in ("JPEG", "MPO"):
            width, height = fit
            image.draft(
                None, (height, width) if orientation(image) in (5, 6, 7, 8) else (width, height)
            )
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(settings) from None
    except Exception:
        raise ImageProblem(*_NOT_AN_IMAGE) from None


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
        image = image.convert("RGBA" if has_alpha(image) else "RGB")
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(
                image, source, _SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: fall back to the plain conversion
    return image.convert("RGB") if image.mode == "CMYK" else image


def _web_pixels(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when some pixel is actually see-through (an opaque PNG becomes a JPEG)."""
    if image.mode.startswith("I;16"):
        image = image.point(lambda value: value / 256, "L")  # 16-bit grey: Pillow would clip
    if has_alpha(image):
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
        if orientation(image) in (5, 6, 7, 8):
            width, height = height, width
        _decode(image, settings, fit=(1, 1))  # smallest JPEG scale: enough to prove it decodes
        location, owner = private_data(image)
        return ImageInfo(width, height, image.format or "", has_alpha(image), location, owner)


def target_sizes(width: int, height: int, widths: tuple[int, ...]) -> list[tuple[int, int]]:
    """The copies' sizes: each configured width below the original, plus the original's own width
    when it is below the largest (so a 1200-wide photo gets 480, 960 and 1200). Never upscaled."""
    chosen = {w for w in widths if w < width} | {min(width, max(widths))}
    return [(w, max(1, round(height * w / width))) for w in sorted(chosen)]


def process_image(
    source: Path, out_dir: Path, settings: ImageSettings, cache_dir: Path
) -> list[Variant]:
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
        variants.append(
            Variant(record["width"], record["height"], name, record["mime"], record["bytes"])
        )
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
        if orientation(image) in (5, 6, 7, 8):
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
        formats.append(
            (
                "JPEG",
                ".jpg",
                "image/jpeg",
                {"quality": settings.jpeg_quality, "optimize": True, "progressive": True},
            )
        )
    records = []
    for w, h in sizes:
        resized = (
            picture
            if picture.size == (w, h)
            else picture.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        for format_, suffix, mime, options in formats:
            name = f"{w}{suffix}"
            resized.save(work / name, format_, **options, **no_metadata)
            records.append(
                {
                    "width": w,
                    "height": h,
                    "file": name,
                    "suffix": suffix,
                    "mime": mime,
                    "bytes": (work / name).stat().st_size,
                }
            )
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
    source = (
        f'<source type="image/webp" srcset="{srcset(webp)}" sizes="{html.escape(sizes)}">'
        if webp
        else ""
    )
    attributes = [
        f'src="{html.escape(quote(middle.path))}"',
        f'srcset="{srcset(fallback)}"',
        f'sizes="{html.escape(sizes)}"',
        f'width="{largest.width}"',
        f'height="{largest.height}"',
        f'alt="{html.escape(alt)}"',
    ]
    if lazy:
        attributes += ['loading="lazy"', 'decoding="async"']
    return f"<picture>{source}<img {' '.join(attributes)}></picture>"


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
