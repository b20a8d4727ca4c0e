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


# --- what the built site may hold --------------------------------------------------------------

# What the image pipeline writes for the site; originals of any type never go out.
PHOTO_COPY_SUFFIXES = frozenset({".webp", ".jpg", ".png"})
# Files the generator writes outside story and area folders: pages, feeds, sitemaps, open data,
# the address registry, and pictures of the hand-written pages and the theme (the favicon).
SITE_FILE_SUFFIXES = frozenset({".html", ".xml", ".gz", ".json", ".txt", ".csv", ".webmanifest",
                                ".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico", ".avif"})
# The theme's and our own styles and scripts, with their source maps: only under assets/.
THEME_FILE_SUFFIXES = frozenset({".css", ".js", ".map", ".png", ".jpg", ".webp", ".gif", ".ico", ".avif",
                                 ".woff", ".woff2"})
# Pagefind's index, its scripts, styles and WebAssembly (``wasm.en.pagefind``): only under pagefind/.
SEARCH_FILE_SUFFIXES = frozenset({".js", ".css", ".json", ".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter",
                                  ".pagefind"})
CONTENT_FOLDERS = ("stories", "areas")


def site_file_type_problem(rel: str) -> str | None:
    """Why a file of the built site (its path there, ``/``-separated) must not be served, or None.

    In a story's or area's folder only the pages the generator writes (``index.html``, an
    area's ``feed.xml``) and the types content may publish; elsewhere only what the generator,
    the theme (under ``assets/``) and Pagefind (under ``pagefind/``) write."""
    parts = rel.split("/")
    name = parts[-1]
    suffix = "." + name.rsplit(".", 1)[1].lower() if "." in name else ""
    if parts[0] in CONTENT_FOLDERS and len(parts) >= 3:
        if name == "index.html" or (parts[0] == "areas" and len(parts) == 3 and name == "feed.xml"):
            return None
        if suffix in PUBLISHED_FILE_TYPES or suffix in PHOTO_COPY_SUFFIXES:
            return None
        return (f"a {suffix or 'typeless'} file in a story's or area's folder, which is not a type content may "
                f"publish ({ALLOWED_TYPES_HINT})")
    if parts[0] == "assets" and len(parts) > 1:
        allowed = THEME_FILE_SUFFIXES | SITE_FILE_SUFFIXES - {".html", ".xml"}
    elif parts[0] == "pagefind" and len(parts) > 1:
        allowed = SEARCH_FILE_SUFFIXES
    else:
        allowed = SITE_FILE_SUFFIXES
    if suffix in allowed:
        return None
    return f"a {suffix or 'typeless'} file, which is not a type the generator, the theme or the search index writes here"
