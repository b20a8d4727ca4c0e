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
PHOTO_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif", ".avif", ".tif", ".tiff", ".bmp"}
)


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
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"
    ),
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

AUDIO_SUFFIXES = frozenset(
    s for s, t in PUBLISHED_FILE_TYPES.items() if t.media_type.startswith("audio/")
)
VIDEO_SUFFIXES = frozenset(
    s for s, t in PUBLISHED_FILE_TYPES.items() if t.media_type.startswith("video/")
)
DOCUMENT_SUFFIXES = frozenset({".pdf", ".txt", ".csv", ".odt", ".ods", ".docx", ".xlsx"})
# Transcripts are read into the story's page (rendered with the body's rules), never served raw.
TRANSCRIPT_SUFFIXES = frozenset({".md", ".txt"})

ALLOWED_TYPES_HINT = (
    "use one of: PDF, plain text (.txt), CSV, ODT, ODS, DOCX, XLSX; audio (MP3, M4A, "
    "Ogg, Opus, WAV, FLAC); video (MP4, WebM, MOV, Ogg); captions (.vtt); photos "
    "(JPEG, PNG, WebP, GIF, HEIC, AVIF, TIFF, BMP)"
)


def is_publishable_suffix(suffix: str) -> bool:
    """True for a file type content may publish as it is, or as a photo through the pipeline."""
    suffix = suffix.lower()
    return suffix in PUBLISHED_FILE_TYPES or suffix in PHOTO_SUFFIXES


def file_name_problem(name: str) -> str | None:
    """Why a file name cannot be published, or None: control and bidirectional-override characters
    make a name show as something else ("report", U+202E, "fdp.exe" reads as "reportexe.pdf")."""
    for char in name:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Zl", "Zp"):
            return (
                f"its name holds an invisible control character (U+{ord(char):04X}), which can make "
                "a file look like something else"
            )
    return None


# Names the build writes into a story's or an area's folder on the site (the page, its source,
# the area feed): a file of the same name would replace it. Compared without case, as on the
# file systems of Windows and macOS and on some hosts.
GENERATED_NAMES = frozenset({"index.md", "index.html", "index.htm", "feed.xml"})


def generated_name_problem(name: str) -> str | None:
    """Why a file name would replace a page or feed the build writes beside it, or None."""
    if name.lower() in GENERATED_NAMES:
        return f"has the name of a file the site makes itself ({name.lower()}), so it would replace that page"
    return None


# --- What a file really is -----------------------------------------------------------------

_ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot", b"uuid")
# Markup a browser would run as a page or a picture with scripts, whatever the file is called.
_MARKUP = (
    "<!doctype",
    "<html",
    "<head",
    "<body",
    "<script",
    "<svg",
    "<?xml",
    "<iframe",
    "<img",
    "<object",
    "<embed",
    "<a ",
    "<div",
    "<style",
    "<meta",
    "<link",
    "<title",
    "<xsl",
    "<!--",
    "<table",
    "<p>",
    "<h1",
    "<br",
    "<b>",
    "<font",
    "<iframe",
    "<base",
    "<x:",
)


# (offset, the bytes a file of this kind has there, kind), tried in order.
_SIGNATURES: tuple[tuple[int, tuple[bytes, ...], str], ...] = (
    (0, (b"%PDF-",), "pdf"),
    (0, (b"\xff\xd8\xff",), "jpeg"),
    (0, (b"\x89PNG\r\n\x1a\n",), "png"),
    (0, (b"RIFF",), "riff"),  # WebP or WAV: told apart below
    (0, (b"GIF87a", b"GIF89a"), "gif"),
    (0, (b"II*\0", b"MM\0*"), "tiff"),
    (0, (b"BM",), "bmp"),
    (4, tuple(_ISO_BOXES), "iso"),
    (0, (b"\x1a\x45\xdf\xa3",), "matroska"),
    (0, (b"OggS",), "ogg"),
    (0, (b"fLaC",), "flac"),
    (0, (b"ID3",), "id3"),  # MP3, or FLAC behind an ID3 tag: see sniff_after_id3
    (0, (b"PK\x03\x04",), "zip"),
)
_RIFF_KINDS = {b"WEBP": "webp", b"WAVE": "wav"}


def sniff(head: bytes) -> str:
    """What the first bytes of a file say it is: a short name such as "pdf", "jpeg", "zip",
    "iso" (MP4, MOV, M4A, HEIC), "markup" (HTML, SVG, XML) or "text"; "unknown" otherwise."""
    for offset, signatures, kind in _SIGNATURES:
        if head[offset:].startswith(signatures):
            if kind != "riff":
                return kind
            if head[8:12] in _RIFF_KINDS:
                return _RIFF_KINDS[head[8:12]]
    if looks_like_markup(
        head
    ):  # before MPEG audio: a UTF-16 mark (FF FE) looks like its frame sync
        return "markup"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mpeg-audio"
    if _is_text(head):
        return "text"
    return "unknown"


def looks_like_markup(head: bytes) -> bool:
    """Whether a file starts like HTML, SVG or XML (after a byte-order mark, spaces or a
    UTF-16 encoding), which a browser may run as a page whatever the name says."""
    text = _decoded(head).lstrip("\ufeff \t\r\n\f\v\0").lower()
    return text.startswith(_MARKUP) or (
        text.startswith("<") and ("<svg" in text or "<html" in text or "<script" in text)
    )


def _decoded(head: bytes) -> str:
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(encoding, "ignore")
    if len(head) > 3 and head[1:4:2] == b"\0\0" and head[0]:  # UTF-16 without a mark
        return head.decode("utf-16-le", "ignore")
    return head.decode("utf-8", "ignore")


def _is_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its mark (Excel's "Unicode text")
        return not any(
            unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in _decoded(head)[:-1]
        )
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            return False
        text = head[: error.start].decode("utf-8")
    return not any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text)


# What each published suffix must look like inside.
_EXPECTED = {
    ".pdf": {"pdf"},
    ".txt": {"text"},
    ".csv": {"text"},
    ".vtt": {"text"},
    ".odt": {"zip"},
    ".ods": {"zip"},
    ".docx": {"zip"},
    ".xlsx": {"zip"},
    ".mp3": {"id3", "mpeg-audio"},
    ".m4a": {"iso"},
    ".mp4": {"iso"},
    ".m4v": {"iso"},
    ".mov": {"iso"},
    ".ogg": {"ogg"},
    ".oga": {"ogg"},
    ".opus": {"ogg"},
    ".ogv": {"ogg"},
    ".wav": {"wav"},
    ".flac": {"flac", "id3"},
    ".webm": {"matroska"},
}
_WHAT = {
    "markup": "a web page or SVG (HTML/XML markup)",
    "text": "plain text",
    "zip": "a ZIP archive",
    "iso": "an MP4/QuickTime file",
    "matroska": "a WebM/Matroska file",
    "id3": "an MP3 file",
    "mpeg-audio": "an MP3 file",
    "unknown": "something else",
}


def content_problem(name: str, head: bytes) -> str | None:
    """Why a published file's bytes are not what its suffix says (``evil.pdf`` that is HTML,
    ``film.mp4`` that is a web page), or None. ``head`` is the file's first few KB."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = _EXPECTED.get(suffix)
    if expected is None:
        return None
    found = sniff(head)
    if (
        suffix == ".vtt"
        and found == "text"
        and not _decoded(head).lstrip("\ufeff").startswith("WEBVTT")
    ):
        return "is not a WebVTT file: it must start with the line WEBVTT"
    if found in expected:
        return None
    label = PUBLISHED_FILE_TYPES[suffix].label
    inside = _WHAT.get(found, "a " + found.upper() + " file")
    return f"ends in {suffix} ({label}), but inside it is {inside}" + (
        ", which a browser could run as a page" if found == "markup" else ""
    )


# --- what the built site may hold --------------------------------------------------------------

# What the image pipeline writes for the site; originals of any type never go out.
PHOTO_COPY_SUFFIXES = frozenset({".webp", ".jpg", ".png"})
# Files the generator writes outside story and area folders: pages, feeds, sitemaps, open data,
# the address registry, and pictures of the hand-written pages and the theme (the favicon).
SITE_FILE_SUFFIXES = frozenset(
    {
        ".html",
        ".xml",
        ".gz",
        ".json",
        ".txt",
        ".csv",
        ".webmanifest",
        ".png",
        ".jpg",
        ".jpeg",
        ".webp",
        ".gif",
        ".ico",
        ".avif",
    }
)
# The theme's and our own styles and scripts, with their source maps: only under assets/.
THEME_FILE_SUFFIXES = frozenset(
    {".css", ".js", ".map", ".png", ".jpg", ".webp", ".gif", ".ico", ".avif", ".woff", ".woff2"}
)
# Pagefind's index, its scripts, styles and WebAssembly (``wasm.en.pagefind``): only under pagefind/.
SEARCH_FILE_SUFFIXES = frozenset(
    {".js", ".css", ".json", ".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter", ".pagefind"}
)
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
        return (
            f"a {suffix or 'typeless'} file in a story's or area's folder, which is not a type content may "
            f"publish ({ALLOWED_TYPES_HINT})"
        )
    if parts[0] == "assets" and len(parts) > 1:
        allowed = THEME_FILE_SUFFIXES | SITE_FILE_SUFFIXES - {".html", ".xml"}
    elif parts[0] == "pagefind" and len(parts) > 1:
        allowed = SEARCH_FILE_SUFFIXES
    else:
        allowed = SITE_FILE_SUFFIXES
    if suffix in allowed:
        return None
    return f"a {suffix or 'typeless'} file, which is not a type the generator, the theme or the search index writes here"
