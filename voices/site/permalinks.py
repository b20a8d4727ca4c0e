"""URLs that never break: a registry of every address ever published, and safe renames.

``urls.txt`` at the repository root lists every site path the archive has published. The
build adds what it writes and fails when a listed path would no longer be written, so a
link or citation to the archive keeps working. ``rename_story`` changes a story's address
and records the old one in its ``aliases``, so the old address redirects.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from voices.content.loading import AREAS_DIR, STORIES_DIR, load_archive, story_entry
from voices.content.contract import SLUG_PATTERN, slugify
from voices.content.links import rename_page_links, rename_story_links
from voices.content.paths import DOCS_DIR, SETTINGS_FILE
from voices.content.problems import Problem
from voices.content.reading import parse_front_matter_file
from voices.content.settings import load_settings
from voices.site.addresses import story_url

REGISTRY_FILE = "urls.txt"
REGISTRY_HEADER = """\
# Every address this site has ever published, one site path a line, sorted.
# The build adds new addresses and fails when a listed one would disappear, so links and
# citations to the archive never break. Never remove a line by hand: rename a story with
# `voices rename` (the old address then redirects), or withdraw it (a notice stays there).
"""
_MISSING_HINT = ("restore it, add it to the aliases of the story that replaces it (voices rename does this), "
                 "or withdraw the story so a notice stays at the address")


def normalise(path: str) -> str:
    """One spelling per address: ``stories/x``, ``/stories/x`` and ``/stories/x/index.html`` → ``/stories/x/``."""
    path = path.strip().removesuffix("index.html").strip("/")
    return f"/{path}/" if path else "/"


# --- the registry ----------------------------------------------------------------------------

def read_registry(root: Path) -> dict[str, int]:
    """Each registered path with the line of ``urls.txt`` it is on; no file means none yet."""
    file = root / REGISTRY_FILE
    if not file.is_file():
        return {}
    registry: dict[str, int] = {}
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            registry.setdefault(normalise(line), number)
    return registry


def write_registry(root: Path, urls: Iterable[str]) -> bool:
    """Add ``urls`` to ``urls.txt``, keeping every entry and the comment header; True if it changed."""
    file = root / REGISTRY_FILE
    old_text = file.read_text(encoding="utf-8") if file.is_file() else ""
    header = "".join(line + "\n" for line in old_text.splitlines() if line.startswith("#")) or REGISTRY_HEADER
    entries = set(read_registry(root)) | {normalise(url) for url in urls}
    text = header + "".join(url + "\n" for url in sorted(entries))
    if text == old_text:
        return False
    file.write_text(text, encoding="utf-8")
    return True


def registry_problems(registry: dict[str, int], published: set[str]) -> list[Problem]:
    """A problem for every registered path the build would no longer write."""
    written = {normalise(url) for url in published}
    return [Problem(REGISTRY_FILE, line, "url", f"{url} was published before and would now disappear",
                    _MISSING_HINT)
            for url, line in sorted(registry.items(), key=lambda item: item[1])
            if normalise(url) not in written]


# --- renaming a story ------------------------------------------------------------------------

class RenameError(Exception):
    """``voices rename`` was asked for something it cannot do; the message says why."""


_SLUG = re.compile(SLUG_PATTERN)
_BOUNDARY = re.compile(r"^-{3,}\s*$")  # the line that opens and closes front matter
# The ``aliases:`` line: the key, what follows it, and an optional comment after the value.
_ALIASES_LINE = re.compile(r"^(?P<key>aliases\s*:[ \t]*)(?P<value>[^#]*?)(?P<rest>\s*(?:#.*)?)$")


def rename_story(root: Path, old: str, new: str) -> list[str]:
    """Give story ``old`` the address ``new``: move its file or folder, record the old address
    in its aliases, and rewrite ``story:old`` links. Returns the lines to show the user."""
    root = root.resolve()
    stories = root / STORIES_DIR
    entry, missing = story_entry(root, old)
    if entry is None:
        raise RenameError(missing)
    if not _SLUG.match(new):
        raise RenameError(f"“{new}” is not a valid slug: lowercase letters, digits and single hyphens; "
                          f"try {slugify(new) or 'a-short-name'}")
    if new == old:
        raise RenameError(f"the story is already called “{old}”")
    if (stories / f"{new}.md").exists() or (stories / new).exists():
        raise RenameError(f"the slug “{new}” is already taken by {STORIES_DIR}/{new}; choose another name")
    _check_address_is_free(root, new)

    old_address = "/" + story_url(old)
    text = _add_alias(entry.file, entry.path, old_address)  # before moving: a refusal changes nothing
    if entry.folder is not None:
        source, target = entry.folder, stories / new
        moved = f"moved {STORIES_DIR}/{old}/ → {STORIES_DIR}/{new}/ (with the files beside index.md)"
        new_file = target / "index.md"
    else:
        source, target = entry.file, stories / f"{new}.md"
        new_file = target
        moved = f"moved {STORIES_DIR}/{old}.md → {STORIES_DIR}/{new}.md"
    _move(source, target, root)
    new_file.write_text(text, encoding="utf-8")
    rewritten = _rewrite_links(root, old, new)
    return [
        moved,
        f"recorded {old_address} in the aliases of {new_file.relative_to(root).as_posix()}",
        f"pointed the links to {old} at {new} in {rewritten} file{'s' if rewritten != 1 else ''}",
        "commit the change; the old address now redirects",
    ]


def _check_address_is_free(root: Path, new: str) -> None:
    """The new address must not be an old address some story already redirects from."""
    archive, _ = load_archive(root)
    address = "/" + story_url(new)
    for story in archive.stories.values() if archive else ():
        if address in {normalise(alias) for alias in story.meta.aliases}:
            raise RenameError(f"{address} is an old address that {story.path} redirects from; remove it "
                              "from that story's aliases first, or choose another name")


def _add_alias(file: Path, path: str, alias: str) -> str:
    """The story's text with ``alias`` added to ``aliases``, edited in place so every comment,
    the field order and the list's own style stay as the author wrote them."""
    parsed, problems = parse_front_matter_file(file, path)
    if parsed is None:
        raise RenameError(f"cannot read the story's front matter; fix it first: {problems[0]}")
    lines = file.read_text(encoding="utf-8").split("\n")
    if "aliases" not in parsed.data:
        closing = next(i for i, line in enumerate(lines) if i > 0 and _BOUNDARY.match(line))
        lines.insert(closing, f"aliases: [{alias}]")
        return "\n".join(lines)
    key_index = parsed.lines[("aliases",)] - 1
    match = _ALIASES_LINE.match(lines[key_index])
    value = match.group("value").strip() if match else ""
    aliases = parsed.data["aliases"]
    if match and value.startswith("[") and value.endswith("]"):  # aliases: [/a/]
        inner = value[1:-1].strip().rstrip(",")
        listed = f"[{inner}, {alias}]" if inner else f"[{alias}]"
    elif match and value and not value.startswith(("[", "-", "|", ">")):  # aliases: /a/
        listed = f"[{value}, {alias}]"
    elif match and not value and aliases is None:  # aliases: (nothing yet)
        listed = f"[{alias}]"
    elif match and not value and isinstance(aliases, list):  # a block list, one "- item" a line
        last = lines[parsed.lines[("aliases", len(aliases) - 1)] - 1]
        dash = re.match(r"^\s*-\s*", last)
        if dash is None:  # the last item shares its line with something else: don't guess
            raise RenameError(f"cannot add {alias} to the aliases in {path}; add it by hand, then rename")
        lines.insert(parsed.lines[("aliases", len(aliases) - 1)], dash.group(0) + alias)
        return "\n".join(lines)
    else:  # a list spread over several lines in brackets, or something stranger
        raise RenameError(f"cannot add {alias} to the aliases in {path}; write them as "
                          f"aliases: [{alias}] and rename again")
    lines[key_index] = match.group("key") + listed + match.group("rest")
    return "\n".join(lines)


def _move(source: Path, target: Path, root: Path) -> None:
    """``git mv`` when git tracks the story, so its history follows it; otherwise a plain move."""
    try:
        tracked = subprocess.run(["git", "ls-files", "--error-unmatch", "--", str(source)], cwd=root,
                                 capture_output=True).returncode == 0
    except OSError:  # git is not installed
        tracked = False
    if not tracked:
        source.rename(target)
        return
    done = subprocess.run(["git", "mv", "--", str(source), str(target)], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise RenameError(f"git mv failed: {done.stderr.strip()}")


def _rewrite_links(root: Path, old: str, new: str) -> int:
    """Point every link to story ``old`` at ``new``; returns how many files changed. In stories,
    areas and the Markdown beside them (transcripts) that is every ``story:old`` link, inline
    or reference-style, with or without an #anchor (links by path are refused there); in the
    hand-written pages (docs/) every link to the story by path or address."""
    site_url = _site_url(root)
    changed = 0
    files: list[tuple[Path, str | None]] = [(file, None) for directory in (STORIES_DIR, AREAS_DIR)
                                            for file in sorted((root / directory).rglob("*.md"))]
    files += [(file, file.relative_to(root / DOCS_DIR).as_posix()) for file in sorted((root / DOCS_DIR).rglob("*.md"))]
    for file, docs_page in files:
        text = file.read_text(encoding="utf-8")
        updated = (rename_story_links(text, old, new) if docs_page is None
                   else rename_page_links(text, docs_page, site_url, old, new))
        if updated != text:
            file.write_text(updated, encoding="utf-8")
            changed += 1
    return changed


def _site_url(root: Path) -> str:
    settings, _ = load_settings(root / SETTINGS_FILE, SETTINGS_FILE)
    return settings.site_url if settings is not None else ""
