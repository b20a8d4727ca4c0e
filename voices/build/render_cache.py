"""Keep each page's Markdown-to-HTML result between builds, so a rebuild converts only the
pages that changed.

MkDocs has no incremental build, and converting Markdown is about a third of a build
(docs/performance.md). An entry is keyed by everything the conversion reads: the page's
Markdown as the hooks left it, its source path and address, the Markdown settings and the
versions of the libraries that convert. The one input from outside the page is the set of
files its relative links point at, so each entry records every path the conversion looked up
and the address it found, and is reused only if each lookup still finds the same. (No page
includes another file: the adapter refuses Markdown extensions that read files.) Pages whose
conversion logged anything (a broken link, say) are never kept: their warnings, and a strict
build's failure, come back every time.

The cache folder is disposable: deleting it only makes the next build slower. This module
decides what is reused and what is kept; converting a page, and reading and writing the
generator's page objects, is the generator adapter's job (hooks/rendering.py for MkDocs).
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
from typing import Any

RENDER_CACHE = Path(".cache") / "rendered"  # beside the image cache; kept by CI (see README)
FORMAT = 2  # raise when an entry's shape changes, so old entries are ignored
LIBRARIES = ("mkdocs", "markdown", "pymdown-extensions")  # what turns Markdown into HTML
KEEP_UNUSED_DAYS = 30  # entries no build has used for this long are removed


class MessageCounter(logging.Handler):
    """Counts what is logged, from INFO up, on the loggers named (the root logger for ""),
    while in a ``with`` block."""

    def __init__(self, *names: str) -> None:
        super().__init__(logging.INFO)
        self.count = 0
        self._loggers = [logging.getLogger(name or None) for name in names]

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    def __enter__(self) -> MessageCounter:
        for logger in self._loggers:
            logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for logger in self._loggers:
            logger.removeHandler(self)


@dataclass
class Rendered:
    """What converting one page produced, in a form that can be written as JSON."""

    content: str
    toc_tokens: list[dict[str, Any]]
    title: str | None
    anchor_ids: list[str]
    links_to_anchors: dict[str, dict[str, str]]  # linked page's source path → {anchor: link}
    lookups: dict[str, str]  # each path the links looked up → the address it had
    source: str = ""  # the page's source path, so a withdrawn story's pages can be purged (voices/build/caches.py)


@dataclass
class RenderCache:
    """Entries under ``folder``, one JSON file each, for one set of Markdown settings."""

    folder: Path
    settings: str  # fingerprint of the settings and library versions: part of every key
    reused: int = 0
    converted: int = 0
    not_kept: int = 0  # converted but not cacheable (logged something, or a link found nothing)
    counted_ahead: bool = False  # convert_ahead counted every page: MkDocs' own pass is not counted
    _used: set[str] = field(default_factory=set)

    @classmethod
    def for_settings(cls, folder: Path, settings: dict[str, Any]) -> RenderCache:
        described = {
            "format": FORMAT,
            "settings": settings,
            "libraries": {name: version(name) for name in LIBRARIES},
        }
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

    def reuse_or_convert(
        self,
        src_uri: str,
        url: str,
        markdown: str,
        address_of: Callable[[str], str | None],
        convert: Callable[[], tuple[Rendered, int]],
    ) -> Rendered | None:
        """The kept conversion of a page whose inputs are unchanged; otherwise None, once
        ``convert`` has converted the page (the generator's page then holds the result).
        ``convert`` returns what it produced, with every path its links looked up (None where
        nothing was found), and how many messages it logged. Kept only when nothing was
        logged and every link was found."""
        key = self.key(src_uri, url, markdown)
        entry = self.get(key, address_of)
        if entry is not None:
            return entry
        converted, messages = convert()
        if not self.counted_ahead:
            self.converted += 1
        if messages or None in converted.lookups.values():
            if not self.counted_ahead:
                self.not_kept += 1
            return None
        converted.source = src_uri
        self.put(key, converted)
        return None

    def put(self, key: str, entry: Rendered) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole and then renamed, so a build stopped halfway never leaves half an entry.
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as handle:
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
