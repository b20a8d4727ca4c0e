"""Which files content may publish: the one allow-list of file types, and safe file names.

A story's folder is published beside its page, on the archive's own address, so a file
there runs with the archive's authority if a browser treats it as a page or a script.
Only types that browsers show as documents or media (never as HTML, SVG or JavaScript)
are allowed; photos never go out as they are, only as the copies the image pipeline makes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Photos and pictures: read by the image pipeline, published only as fresh WebP/JPEG/PNG copies.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif", ".avif",
                            ".tif", ".tiff", ".bmp"})


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str  # what staff call it, for messages


# Files published as they are (after their metadata checks), by suffix, lower case.
PUBLISHED_FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", "PDF"),
    ".txt": FileType("text/plain", "plain text"),
    ".csv": FileType("text/csv", "CSV"),
    ".odt": FileType("application/vnd.oasis.opendocument.text", "ODT"),
    ".ods": FileType("application/vnd.oasis.opendocument.spreadsheet", "ODS"),
    ".docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    ".mp3": FileType("audio/mpeg", "MP3 audio"),
    ".m4a": FileType("audio/mp4", "M4A audio"),
    ".ogg": FileType("audio/ogg", "Ogg audio"),
    ".oga": FileType("audio/ogg", "Ogg audio"),
    ".opus": FileType("audio/ogg", "Opus audio"),
    ".wav": FileType("audio/wav", "WAV audio"),
    ".flac": FileType("audio/flac", "FLAC audio"),
    ".mp4": FileType("video/mp4", "MP4 video"),
    ".m4v": FileType("video/mp4", "MP4 video"),
    ".webm": FileType("video/webm", "WebM video"),
    ".mov": FileType("video/quicktime", "QuickTime video"),
    ".ogv": FileType("video/ogg", "Ogg video"),
    ".vtt": FileType("text/vtt", "WebVTT captions"),
}

AUDIO_SUFFIXES = frozenset(s for s, t in PUBLISHED_FILE_TYPES.items() if t.media_type.startswith("audio/"))
VIDEO_SUFFIXES = frozenset(s for s, t in PUBLISHED_FILE_TYPES.items() if t.media_type.startswith("video/"))
DOCUMENT_SUFFIXES = frozenset({".pdf", ".txt", ".csv", ".odt", ".ods", ".docx", ".xlsx"})
# Transcripts are read into the story's page (rendered with the body's rules), never served raw.
TRANSCRIPT_SUFFIXES = frozenset({".md", ".txt"})

ALLOWED_TYPES_HINT = ("use one of: PDF, plain text (.txt), CSV, ODT, ODS, DOCX, XLSX; audio (MP3, M4A, "
                      "Ogg, Opus, WAV, FLAC); video (MP4, WebM, MOV, Ogg); captions (.vtt); photos "
                      "(JPEG, PNG, WebP, GIF, HEIC, AVIF, TIFF, BMP)")


def is_publishable_suffix(suffix: str) -> bool:
    """True for a file type content may publish as it is, or as a photo through the pipeline."""
    suffix = suffix.lower()
    return suffix in PUBLISHED_FILE_TYPES or suffix in PHOTO_SUFFIXES


def file_name_problem(name: str) -> str | None:
    """Why a file name cannot be published, or None: control and bidirectional-override characters
    make a name show as something else ("report‮fdp.exe" reads as "reportexe.pdf")."""
    for char in name:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Zl", "Zp"):
            return (f"its name holds an invisible control character (U+{ord(char):04X}), which can make "
                    "a file look like something else")
    return None
