"""Text in the built site that comes from a file the site does not publish.

A page must hold only the content being published, the generator's own wording and the
theme's. If a story could pull in another file (``.git/config`` with a deploy token,
``archive.yml``, an unused file in a story's folder), its lines would show. (Drafts and
withdrawn stories are audited word by word instead: see ``_is_content_entry``.)
So every long line of every such text file becomes a fingerprint: the line's letters and
digits only, folded (voices/content/names.py), at least ``MIN_LETTERS`` of them. A fingerprint found in
any output file (tags removed, reduced the same way) fails the build, naming both files.

Lines also found in what the site publishes on purpose (the published stories and areas,
``docs/``, the taxonomy, the settings, the generated pages, the template the guide shows) are
not fingerprints; nor is the theme's configuration (mkdocs.yml), which the theme echoes into
pages. Code (``.py``, ``.js``, ``.css``, templates) is left out: the generator's own wording is
written by it, and it holds no secrets. The check reads each file once and
searches each output file in one pass (voices/content/literals.py), so it grows with the archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from voices.content.literals import Literals
from voices.content.names import fold

MIN_LETTERS = 24  # a line shorter than this is too likely to be said anywhere
_KEY_LETTERS = 48  # the start of a longer line is fingerprint enough, and keeps the search small
_MAX_BYTES = 2_000_000  # larger files are data, not something a page would include
_CODE_SUFFIXES = {".py", ".pyc", ".js", ".mjs", ".css", ".html", ".htm", ".map", ".json"}
_SKIP_DIRS = {".git", ".venv", "venv", ".cache", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache",
              ".ruff_cache", "site", "site-offline"}
_TAGS = re.compile(r"<[^>]*>")
_NOT_LETTERS = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")  # a line of figures alone is no secret, and may match any long number
# "summary: ..." in a draft's front matter: the value is what could leak; with the key, the
# line would also match a published story's identical summary in the open data's JSON.
_FIELD_NAME = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:\s+")


def squeeze(text: str) -> str:
    """Letters and digits only, folded: what fingerprints are made of and compared with."""
    return _NOT_LETTERS.sub("", fold(text))


def squeeze_output(text: str) -> str:
    """An output file as fingerprints are looked for in it: tags gone first (highlighting splits
    an included line into many spans), then references decoded."""
    return squeeze(_TAGS.sub("", text))


def git_config_files(root: Path) -> list[Path]:
    """The repository's git settings (where a checkout keeps its credentials), also from a
    worktree, whose ``.git`` is a file pointing elsewhere."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return [dot_git / "config"]
    try:
        pointer = dot_git.read_text(encoding="utf-8").strip()
    except OSError:
        return []
    if not pointer.startswith("gitdir:"):
        return []
    git_dir = (root / pointer.removeprefix("gitdir:").strip()).resolve()
    found = [git_dir / "config"]
    common = git_dir / "commondir"
    if common.is_file():
        found.append((git_dir / common.read_text(encoding="utf-8").strip()).resolve() / "config")
    return [path for path in found if path.is_file()]


def unpublished_files(root: Path, published: set[Path]) -> Iterable[Path]:
    """Every text-like file in the repository that the site does not publish, git settings
    included; ``published`` are the (resolved) files the site shows on purpose."""
    yield from git_config_files(root)
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name in _SKIP_DIRS or entry.name.startswith("site") and folder == root and entry.is_dir():
                continue
            if entry.is_symlink():
                continue
            if entry.is_dir():
                # docs/ is published: every page there is meant to show; a built site (this
                # build's, an earlier one's) holds what was published, not sources.
                if entry != root / "docs" and not _is_built_site(root, entry):
                    stack.append(entry)
            elif entry.suffix.lower() not in _CODE_SUFFIXES and entry.resolve() not in published \
                    and not _is_content_entry(root, entry):
                yield entry


def _is_content_entry(root: Path, file: Path) -> bool:
    """A story's or area's own file (``stories/x.md``, ``stories/x/index.md``). An unpublished one
    (a draft, a withdrawn story) is audited word by word instead (voices/site/audit.py leak_terms):
    a draft often shares whole lines with the published story it revises, and a line-level
    fingerprint of it would then be found in that story's page."""
    parts = file.relative_to(root).parts
    return (len(parts) in (2, 3) and parts[0] in ("stories", "areas") and file.suffix == ".md"
            and (len(parts) == 2 or parts[2] == "index.md"))


def _is_built_site(root: Path, folder: Path) -> bool:
    if folder.relative_to(root).parts[0] in ("stories", "areas"):
        return False  # content may not hide its files by looking like a site
    return (folder / "sitemap.xml").is_file() or (folder / "404.html").is_file() or folder.name.startswith(".site")


class ForeignText:
    """Fingerprints of every line the site must not hold → the file each comes from."""

    def __init__(self, root: Path, published: set[Path], allowed_texts: Iterable[str]) -> None:
        prints: dict[str, str] = {}
        for file in unpublished_files(root, published):
            try:
                if file.stat().st_size > _MAX_BYTES:
                    continue
                data = file.read_bytes()
            except OSError:
                continue
            if b"\0" in data[:8192]:
                continue  # a photo, a recording: not text a page could include
            rel = file.relative_to(root).as_posix() if file.is_relative_to(root) else ".git/config"
            for line in data.decode("utf-8", "replace").splitlines():
                key = squeeze(_FIELD_NAME.sub("", line, count=1))
                if len(key) >= MIN_LETTERS and len(_DIGITS.sub("", key)) >= MIN_LETTERS // 2:
                    prints.setdefault(key[:_KEY_LETTERS], rel)
        self._finder = Literals(prints)
        # What the site shows on purpose is not foreign, wherever else it is written too.
        for text in allowed_texts:
            for key in self._finder.found_in(squeeze_output(text)) if prints else ():
                prints.pop(key, None)
        self.sources = prints

    def found_in(self, output_text: str) -> list[str]:
        """The files whose lines this output file holds."""
        if not self.sources:
            return []
        found = self._finder.found_in(squeeze_output(output_text))
        return sorted({self.sources[key] for key in found if key in self.sources})
