"""The originals in the repository: whether one may stay there as it is (no location, no owner),
and scrubbing it in place when it may not. Originals are never published; only their copies are."""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image, JpegImagePlugin

from voices.content.file_types import sniff
from voices.media.image_metadata import carries_metadata, orientation, private_data
from voices.media.images import (
    _HEIC_BRANDS,
    _PICTURE_KINDS,
    DEFAULT_SETTINGS,
    DOCUMENT_HINT,
    IMAGE_SUFFIXES,
    MEDIA_HINT,
    PDF_HINT,
    SCRUB_HINT,
    ImageProblem,
    ImageSettings,
    _decode,
    _fresh,
    _inspect,
    _open,
    _pillow_guard,
    _to_srgb,
    _upright,
)
from voices.media.media_files import LOCATION_MESSAGE, file_location_problem

# --- originals -----------------------------------------------------------------------------


def _heif_can_save() -> bool:
    try:
        import pillow_heif

        return bool(pillow_heif.libheif_info().get("HEIF"))
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
        return "JPEG", {
            "quality": 95,
            "optimize": True,
            **({"subsampling": sampling} if sampling >= 0 else {}),
        }
    if format_ == "WEBP":
        return "WEBP", {"lossless": True} if _lossless_webp(path) else {"quality": 95}
    if format_ == "HEIF":
        if not _heif_can_save():
            raise ImageProblem(
                "is a HEIC photo, and this pillow-heif cannot write HEIC",
                "export the photo as JPEG without location, then replace this file",
            )
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
            raise ImageProblem(
                "is animated, and scrubbing it would keep only the first frame",
                "remove its metadata in the program that made it",
            )
        _decode(image, settings)
        rotated = orientation(image) not in (0, 1)
        if not rotated and not carries_metadata(image):
            return f"{path}: no metadata found; left unchanged"
        location, owner = private_data(image)
        format_, options = _scrub_options(image, path)
        picture = _to_srgb(_upright(image))
        if format_ == "JPEG" and picture.mode not in ("L", "RGB"):
            picture = picture.convert("RGB")
        picture = _fresh(picture)
    _replace(path, picture, format_, options)
    found = [
        what
        for what, present in (
            ("location (GPS) data", location),
            ("the camera owner's details", owner),
        )
        if present
    ]
    message = f"{path}: removed {' and '.join(found) or 'its metadata'}"
    return message + ("; turned it upright" if rotated else "")


def _replace(path: Path, picture: Image.Image, format_: str, options: dict[str, Any]) -> None:
    """Write beside the original, then swap it in: a failed write never leaves half a photo."""
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent
    )
    os.close(handle)
    try:
        picture.save(temporary, format_, **options)
        shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except Exception as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, ImageProblem):
            raise
        raise ImageProblem(
            f"could not be rewritten as {format_} ({error})",
            "export it again without location, then replace this file",
        ) from None


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
        found = [
            what
            for what, present in (
                (
                    "location (GPS) data",
                    info.has_location or file_location_problem(path) == LOCATION_MESSAGE,
                ),
                ("the camera owner's details", info.has_owner),
            )
            if present
        ]
        if found:
            return f"carries {' and '.join(found)}", SCRUB_HINT.format(path=_repository_path(path))
        return None
    message = file_location_problem(path)
    if message is None:
        return None
    return message, PDF_HINT if kind == "pdf" else DOCUMENT_HINT if kind == "zip" else MEDIA_HINT
