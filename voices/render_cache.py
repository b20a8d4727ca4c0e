"""Keep each page's Markdown-to-HTML result between builds, so a rebuild converts only the
pages that changed.

MkDocs has no incremental build, and converting Markdown is about a third of a build
(docs/performance.md). An entry is keyed by everything the conversion reads: the page's
Markdown as the hooks left it, its source path and address, the Markdown settings and the
versions of the libraries that convert. The one input from outside the page is the set of
files its relative links point at, so each entry records every path the conversion looked up
and the address it found, and is reused only if each lookup still finds the same. Pages whose
conversion logged anything (a broken link, say) or that include another file (``--8<--``
snippets) are never kept: their warnings, and a strict build's failure, come back every time.

The cache folder is disposable: deleting it only makes the next build slower.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

RENDER_CACHE = Path(".cache") / "rendered"  # beside the image cache; kept by CI (see README)
FORMAT = 1  # raise when an entry's shape changes, so old entries are ignored
LIBRARIES = ("mkdocs", "markdown", "pymdown-extensions")  # what turns Markdown into HTML
KEEP_UNUSED_DAYS = 30  # entries no build has used for this long are removed
SNIPPET_MARK = "--8<--"  # pymdownx.snippets: the page's HTML depends on another file


@dataclass
class Rendered:
    """What converting one page produced, in a form that can be written as JSON."""

    content: str
    toc_tokens: list[dict[str, Any]]
    title: str | None
    anchor_ids: list[str]
    links_to_anchors: dict[str, dict[str, str]]  # linked page's source path → {anchor: link}
    lookups: dict[str, str]  # each path the links looked up → the address it had


@dataclass
class RenderCache:
    """Entries under ``folder``, one JSON file each, for one set of Markdown settings."""

    folder: Path
    settings: str  # fingerprint of the settings and library versions: part of every key
    reused: int = 0
    converted: int = 0
    not_kept: int = 0  # converted but not cacheable (logged something, or includes a file)
    counted_ahead: bool = False  # convert_ahead counted every page: MkDocs' own pass is not counted
    _used: set[str] = field(default_factory=set)

    @classmethod
    def for_settings(cls, folder: Path, settings: dict[str, Any]) -> RenderCache:
        described = {"format": FORMAT, "settings": settings,
                     "libraries": {name: version(name) for name in LIBRARIES}}
        text = json.dumps(described, sort_keys=True, default=repr)
        return cls(folder, hashlib.sha256(text.encode()).hexdigest())

    def key(self, src_uri: str, url: str, markdown: str) -> str:
        digest = hashlib.sha256()
        for part in (self.settings, src_uri, url, markdown):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, address_of: Callable[[str], str | None]) -> Rendered | None:
        """The entry for ``key`` if every link it resolved still resolves to the same address."""
        path = self._path(key)
        try:
            entry = Rendered(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None  # missing, or unreadable: convert again
        if any(address_of(target) != address for target, address in entry.lookups.items()):
            return None
        self._used.add(key)
        if not self.counted_ahead:
            self.reused += 1
        return entry

    def put(self, key: str, entry: Rendered) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole and then renamed, so a build stopped halfway never leaves half an entry.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".tmp") as handle:
            json.dump(asdict(entry), handle, ensure_ascii=False)
        os.replace(handle.name, path)
        self._used.add(key)

    def prune(self, keep_days: int = KEEP_UNUSED_DAYS) -> int:
        """Mark this build's entries as used and remove those unused for ``keep_days``;
        how many were removed."""
        now = time.time()
        removed = 0
        for key in self._used:
            try:
                os.utime(self._path(key), (now, now))
            except OSError:
                pass
        if not self.folder.is_dir():
            return 0
        for path in self.folder.glob("*/*"):
            try:
                if now - path.stat().st_mtime > keep_days * 86400:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
        return removed


class _LookupRecorder:
    """Stands in for MkDocs' Files while a page converts: notes the address each path found."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.lookups: dict[str, str | None] = {}

    def get_file_from_path(self, path: str) -> File | None:
        found = self._files.get_file_from_path(path)
        self.lookups[path] = address_of_file(found)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)


class _LogCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def address_of_file(file: File | None) -> str | None:
    """A linked file's address, or None when it is missing or left out of the site."""
    return None if file is None or file.inclusion.is_excluded() else file.url


def settings_of(config: MkDocsConfig) -> dict[str, Any]:
    """The MkDocs settings a page's conversion depends on."""
    return {"markdown_extensions": [str(name) for name in config["markdown_extensions"]],
            "mdx_configs": config["mdx_configs"], "use_directory_urls": config["use_directory_urls"]}


def render_page(page: Page, render: Callable[[MkDocsConfig, Files], None], cache: RenderCache,
                config: MkDocsConfig, files: Files) -> None:
    """Do what ``Page.render`` does, reusing a kept result when its inputs are unchanged.
    ``render`` is MkDocs' own ``Page.render`` bound to ``page``."""
    from mkdocs.structure.toc import get_toc

    markdown = page.markdown or ""
    key = cache.key(page.file.src_uri, page.file.url, markdown)
    entry = None if SNIPPET_MARK in markdown else cache.get(
        key, lambda path: address_of_file(files.get_file_from_path(path)))
    if entry is None:
        recorder, counter = _LookupRecorder(files), _LogCounter()
        loggers = [logging.getLogger("mkdocs"), logging.getLogger()]  # MkDocs' logger does not propagate
        for logger in loggers:
            logger.addHandler(counter)
        try:
            render(config, recorder)  # type: ignore[arg-type]  # MkDocs only calls get_file_from_path
        finally:
            for logger in loggers:
                logger.removeHandler(counter)
        if not cache.counted_ahead:
            cache.converted += 1
        if counter.count or SNIPPET_MARK in markdown or None in recorder.lookups.values():
            if not cache.counted_ahead:
                cache.not_kept += 1
            return
        cache.put(key, Rendered(
            content=page.content or "", toc_tokens=_toc_tokens(page), title=page._title_from_render,
            anchor_ids=sorted(page.present_anchor_ids or ()),
            links_to_anchors={file.src_uri: dict(links) for file, links in (page.links_to_anchors or {}).items()},
            lookups={path: address for path, address in recorder.lookups.items() if address is not None}))
        return
    page.content = entry.content
    page.toc = get_toc(entry.toc_tokens)
    page._title_from_render = entry.title
    page.present_anchor_ids = set(entry.anchor_ids)
    # MkDocs collects these only above debug level (mkdocs/structure/pages.py); so do we.
    if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = {files.get_file_from_path(src_uri): dict(links)
                                 for src_uri, links in entry.links_to_anchors.items()}


def _toc_tokens(page: Page) -> list[dict[str, Any]]:
    """The table of contents as plain data (MkDocs keeps only its objects)."""
    def tokens(items) -> list[dict[str, Any]]:
        return [{"level": item.level, "id": item.id, "name": item.title, "children": tokens(item.children)}
                for item in items]
    return tokens(page.toc.items) if page.toc else []


def convert_ahead(pages: list[Page], config: MkDocsConfig, files: Files, cache: RenderCache,
                  on_page_markdown: Callable[..., str], workers: int) -> None:
    """Convert ``pages`` into the cache before MkDocs does, on ``workers`` cores.

    MkDocs converts one page at a time on one core. Here ``workers - 1`` forks of the build
    (same settings, files and hooks: nothing to pass them) and this process each convert a
    share, silently; MkDocs then finds the pages in the cache. A page that could not be kept,
    or that failed, MkDocs converts again itself and reports as usual, so its messages appear
    once. Without ``os.fork`` (Windows) MkDocs simply converts every page itself.
    """
    if workers < 2 or len(pages) < 2 * workers or not hasattr(os, "fork"):
        return
    children = []
    for share in range(1, workers):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # a fork: convert its share, say how it went, leave without exit handlers
            try:
                os.close(reader)
                _convert_quietly(pages[share::workers], config, files, cache, on_page_markdown)
                os.write(writer, f"{cache.reused} {cache.converted} {cache.not_kept}".encode())
            finally:
                os._exit(0)
        os.close(writer)
        children.append((pid, reader))
    try:
        _convert_quietly(pages[0::workers], config, files, cache, on_page_markdown)
    finally:
        for pid, reader in children:
            with os.fdopen(reader, "rb") as pipe:
                counts = pipe.read().split()
            os.waitpid(pid, 0)
            if len(counts) == 3:
                cache.reused, cache.converted, cache.not_kept = (
                    mine + int(theirs) for mine, theirs in zip((cache.reused, cache.converted, cache.not_kept), counts))
    # MkDocs now takes these pages from the cache: what this build reused or converted is counted.
    cache.counted_ahead = True


def _convert_quietly(pages: list[Page], config: MkDocsConfig, files: Files, cache: RenderCache,
                     on_page_markdown: Callable[..., str]) -> None:
    loggers = (logging.getLogger("mkdocs"), logging.getLogger())
    saved = [logger.handlers for logger in loggers]
    for logger in loggers:
        logger.handlers = [logging.NullHandler()]  # levels stay, so render_page still sees messages
    try:
        for page in pages:
            config._current_page = page
            try:
                page.read_source(config)
                page.markdown = on_page_markdown(page.markdown, page=page, config=config, files=files)
                render_page(page, page.render, cache, config, files)
            except Exception:  # noqa: BLE001, S110 - MkDocs meets it again on this page and reports it
                pass
            finally:
                config._current_page = None
    finally:
        for logger, handlers in zip(loggers, saved):
            logger.handlers = handlers
