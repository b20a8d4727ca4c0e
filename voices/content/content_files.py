"""The files in a story's or an area's folder: which may be used, and what each one must be.

A file a page names is published beside it, on the archive's own address; every file in the
folder sits in the public repository. So each name a page gives (front matter or text) must
be a plain file inside the page's own folder (symbolic links are refused: they can point
anywhere), of a type on the allow-list (voices/content/file_types.py), really that type inside, not
named like a page the build writes, and free of location data. Files nobody names are
inspected as well: an original photo with GPS is public once it is in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from voices.content.file_types import (
    ALLOWED_TYPES_HINT,
    AUDIO_SUFFIXES,
    PHOTO_SUFFIXES,
    PUBLISHED_FILE_TYPES,
    TRANSCRIPT_SUFFIXES,
    VIDEO_SUFFIXES,
    content_problem,
    file_name_problem,
    generated_name_problem,
)
from voices.content.problems import Problem
from voices.media.originals import original_file_problem

# What each kind of reference may name, and how to say it.
_KINDS: dict[str, tuple[frozenset[str], str]] = {
    "photo": (PHOTO_SUFFIXES, "use a photo: JPEG, PNG, WebP, GIF, HEIC, AVIF, TIFF or BMP"),
    "media": (
        AUDIO_SUFFIXES | VIDEO_SUFFIXES,
        "use an audio or video file: MP3, M4A, Ogg, Opus, WAV, FLAC, MP4, WebM, MOV",
    ),
    "audio": (AUDIO_SUFFIXES, "use an audio file: MP3, M4A, Ogg, Opus, WAV or FLAC"),
    "video": (VIDEO_SUFFIXES, "use a video file: MP4, WebM, MOV or Ogg"),
    "captions": (frozenset({".vtt"}), "export the captions as WebVTT (.vtt)"),
    "transcript": (
        TRANSCRIPT_SUFFIXES,
        "give the transcript as a .md or .txt file, or write the text itself",
    ),
    "document": (frozenset(PUBLISHED_FILE_TYPES), ALLOWED_TYPES_HINT),
}
# Files that may sit in a folder without being published as they are: the page, transcripts.
_KEPT_SUFFIXES = frozenset(PUBLISHED_FILE_TYPES) | PHOTO_SUFFIXES | TRANSCRIPT_SUFFIXES
_HEAD = 4096
NOT_IN_FOLDER = "is not in the folder"


def is_outside(folder: Path, name: str) -> bool:
    """Whether ``name`` leaves ``folder`` (an absolute path, ``..``, a drive, a symbolic link
    anywhere on the way)."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if (
        pure.is_absolute()
        or ".." in pure.parts
        or (len(name) > 1 and name[1] == ":")
        or not name.strip()
    ):
        return True
    try:
        return not (folder / name).resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):
        return True


def _symlink_on_the_way(folder: Path, name: str) -> bool:
    current = folder
    for part in PurePosixPath(name).parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def publishable(folder: Path, name: str) -> bool:
    """Whether the build may publish ``name`` from ``folder`` as it is, or (a photo) make copies
    of it: a plain file inside the folder, of an allowed type, with a safe name. The build asks
    this of every file it takes, whatever the checks said before."""
    suffix = PurePosixPath(name).suffix.lower()
    return (
        (suffix in PUBLISHED_FILE_TYPES or suffix in PHOTO_SUFFIXES)
        and not file_name_problem(name)
        and not generated_name_problem(PurePosixPath(name).name)
        and not is_outside(folder, name)
        and not _symlink_on_the_way(folder, name)
        and (folder / name).is_file()
    )


def transcript_readable(folder: Path, name: str) -> bool:
    """Whether a transcript file may be read into the page: a plain file inside the folder."""
    return (
        PurePosixPath(name).suffix.lower() in TRANSCRIPT_SUFFIXES
        and not is_outside(folder, name)
        and not _symlink_on_the_way(folder, name)
        and (folder / name).is_file()
    )


def reference_problem(folder: Path, name: str, kind: str) -> tuple[str, str] | None:
    """(message, hint) when the file ``name``, named by a page as ``kind`` (photo, media, audio,
    video, captions, transcript or file), cannot be used; the message follows the file's name."""
    why = file_name_problem(name)
    if why:
        return why, "rename the file using letters, digits, hyphens and dots only"
    if is_outside(folder, name):
        return (
            "is outside the story's folder",
            "put the file beside index.md and give just its name",
        )
    if _symlink_on_the_way(folder, name):
        return (
            "is a link to another file (a symbolic link), which could publish anything",
            "put the file itself in the folder",
        )
    target = folder / name
    if not target.is_file():
        return NOT_IN_FOLDER, "upload the file beside index.md and give just its file name"
    why = generated_name_problem(PurePosixPath(name).name)
    if why:
        return why, "rename the file"
    allowed, hint = _KINDS[kind]
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in allowed:
        if kind == "captions":
            return "is not a WebVTT (.vtt) captions file", hint
        if kind == "document" and suffix in PHOTO_SUFFIXES:
            return (
                "is a photo, and photos are published only as the copies made for the page",
                f"show it as a picture: ![what it shows]({PurePosixPath(name).name})",
            )
        what = suffix or "a file without a type"
        return f"is a {what} file, which the archive cannot publish here", hint
    return file_problem(target)


def file_problem(path: Path) -> tuple[str, str] | None:
    """(message, hint) when a file of an allowed type is not what its name says, or carries
    location or its owner's details."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError as error:
        return f"cannot be read ({error.strerror or error})", "upload it again"
    why = content_problem(path.name, head)
    if why:
        return why, "export it again in the format its name says, or rename it to what it really is"
    return original_file_problem(path)


def folder_problems(folder: Path, root: Path, named: set[str]) -> list[Problem]:
    """Every file in a story's or area's folder (``index.md`` aside) that must not be there:
    symbolic links, names with control characters, types the archive cannot publish, files
    that are not what their names say and files carrying location. Files in ``named`` were
    checked where a page names them, with that line, and are not reported again."""
    problems: list[Problem] = []

    def report(path: Path, message: str, hint: str) -> None:
        rel = path.relative_to(root).as_posix()
        problems.append(Problem(rel, 1, "file", message, hint))

    for current, folders, files in os.walk(folder, followlinks=False):
        here = Path(current)
        for name in sorted(folders):
            if (here / name).is_symlink():
                report(
                    here / name,
                    "is a link to another folder (a symbolic link), which could publish anything",
                    "put the files themselves in the folder",
                )
        folders[:] = sorted(name for name in folders if not (here / name).is_symlink())
        for name in sorted([*files, *folders]):
            if file_name_problem(name):
                report(
                    here / name,
                    file_name_problem(name) or "",
                    "rename it using letters, digits, hyphens and dots only",
                )
        for name in sorted(files):
            path = here / name
            rel = path.relative_to(folder).as_posix()
            if rel == "index.md" or file_name_problem(name):
                continue
            if path.is_symlink():
                report(
                    path,
                    "is a link to another file (a symbolic link), which could publish anything",
                    "put the file itself in the folder",
                )
                continue
            if rel in named:
                continue
            suffix = path.suffix.lower()
            if suffix not in _KEPT_SUFFIXES:
                report(
                    path,
                    f"is a {suffix or 'file without a type'} file, which the archive cannot publish",
                    f"delete it, or {ALLOWED_TYPES_HINT}",
                )
                continue
            if suffix in TRANSCRIPT_SUFFIXES and suffix not in PUBLISHED_FILE_TYPES:
                continue  # a transcript is read into the page, with the text's own rules
            found = file_problem(path)
            if found:
                report(path, found[0], found[1])
    return problems


def clash_problems(path: str, used: list[tuple[str, int, str]]) -> list[Problem]:
    """Two files a page uses that would be published under one name: names differing only in
    case (one file on Windows, macOS and some hosts), or photos with the same name before the
    type (``garden.jpg`` and ``garden.png`` both give ``garden-480.webp``). ``used`` holds
    (file name, line, field)."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for name, line, field in used:
        pure = PurePosixPath(name)
        key = (
            f"photo {pure.with_suffix('').as_posix().lower()}"
            if pure.suffix.lower() in PHOTO_SUFFIXES
            else name.lower()
        )
        other = seen.setdefault(key, name)
        if other != name:
            why = (
                "both photos would be published as the same copies"
                if key.startswith("photo ")
                else "the names differ only in capital letters, which many systems treat as one file"
            )
            problems.append(
                Problem(
                    path,
                    line,
                    field,
                    f"“{name}” and “{other}” would be published under one name: {why}",
                    f"rename one of them, e.g. {pure.stem}-2{pure.suffix}",
                )
            )
    return problems
