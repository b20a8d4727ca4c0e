"""The build caches in ``.cache/``, and taking a withdrawn story out of them.

Builds keep two caches, and CI saves both between runs (GitHub Actions caches):

- ``.cache/rendered``: each page's converted HTML (voices/build/render_cache.py), names and all.
  Every entry records the page it came from (``source``).
- ``.cache/images``: ``store/<key>/`` holds the web copies of each photo, keyed by its bytes;
  ``site/<stories|areas>/<slug>/`` the copies one build published for each page.

``.cache/indexed-pages`` lives only while a build runs (what the search index reads of each page).

A withdrawn story must leave them all: ``purge_stories`` removes its pages, every page that
linked to it or showed its photos (they held its title, summary or pictures), its photo copies
and whatever in the store holds the same bytes. ``voices withdraw`` calls it, and every build
calls ``purge_withdrawn``, which purges each withdrawn story once per cache folder (a marker
file remembers which), so a withdrawal made by hand is purged by the next build, on the build
computer and in CI alike.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from voices.build.render_cache import RENDER_CACHE
from voices.content.paths import STORIES_DIR

IMAGE_CACHE = Path(".cache") / "images"  # kept between builds (and CI runs): see README
INDEXED_PAGES = Path(".cache") / "indexed-pages"  # only during a build: removed once indexed
PURGED = "withdrawn.txt"  # in each cache folder: the withdrawn stories already purged from it


def purge_stories(root: Path, slugs: Iterable[str], image_keys: Iterable[str] = ()) -> int:
    """Remove stories ``slugs`` (a story's current and earlier slugs) from every build cache
    under ``root``; ``image_keys`` are store keys of its photos known beforehand
    (``images.cache_key``). Returns how many cache entries were removed."""
    slugs = sorted(set(slugs))
    removed = _purge_rendered(root / RENDER_CACHE, slugs)
    removed += _purge_images(root / IMAGE_CACHE, slugs, set(image_keys))
    # Temporary, but a build that was stopped can leave it (and its ".old-" copies) behind.
    for folder in [
        root / INDEXED_PAGES,
        *(root / INDEXED_PAGES).parent.glob(f".{INDEXED_PAGES.name}.old-*"),
    ]:
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def purge_withdrawn(root: Path, withdrawn: dict[str, list[str]]) -> int:
    """Purge each withdrawn story (slug → its earlier slugs too) from each cache folder that
    has not been purged of it yet. Cheap when there is nothing new: one small file per folder."""
    removed = 0
    for folder, purge in (
        (root / RENDER_CACHE, _purge_rendered),
        (root / IMAGE_CACHE, _purge_images_only),
    ):
        if not folder.is_dir():
            continue  # nothing cached: nothing to purge, and nothing to remember
        marker = folder / PURGED
        try:
            done = set(marker.read_text(encoding="utf-8").split())
        except OSError:
            done = set()
        new = [slug for slug in withdrawn if slug not in done]
        if new:
            removed += purge(
                folder, sorted({name for slug in new for name in [slug, *withdrawn[slug]]})
            )
        if new or done - set(
            withdrawn
        ):  # a story published again is purged again if withdrawn again
            marker.write_text("".join(f"{slug}\n" for slug in sorted(withdrawn)), encoding="utf-8")
    return removed


def _purge_rendered(folder: Path, slugs: list[str]) -> int:
    """Entries converted from the stories' pages, or whose HTML links to them or shows their
    files (listings, area pages, neighbours: their titles, summaries and photos), and entries
    too old to say where they came from."""
    if not slugs or not folder.is_dir():
        return 0
    sources = {f"{STORIES_DIR}/{slug}{end}" for slug in slugs for end in (".md", "/index.md")}
    mentions = re.compile(
        r"(?<![a-z0-9-])"
        + STORIES_DIR
        + "/(?:"
        + "|".join(map(re.escape, slugs))
        + r")(?![a-z0-9-])"
    )
    removed = 0
    for path in folder.glob("*/*.json"):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            gone = (
                not isinstance(entry, dict)
                or entry.get("source", "") in sources
                or "source" not in entry
                or bool(mentions.search(json.dumps(entry, ensure_ascii=False)))
            )
        except (OSError, ValueError):
            gone = True  # unreadable: it cannot be reused anyway
        if gone:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _purge_images_only(folder: Path, slugs: list[str]) -> int:
    return _purge_images(folder, slugs, set())


def _purge_images(folder: Path, slugs: list[str], keys: set[str]) -> int:
    """The stories' published copies, and every store entry holding a file with the same bytes
    (found by content: the originals may be deleted already) or one of ``keys``."""
    if not folder.is_dir():
        return 0
    copies = [folder / "site" / STORIES_DIR / slug for slug in slugs]
    digests = {
        _digest(file)
        for copy in copies
        if copy.is_dir()
        for file in copy.rglob("*")
        if file.is_file()
    } - {""}
    removed = 0
    store = folder / "store"
    for entry in store.iterdir() if store.is_dir() else ():
        if entry.name in keys or any(
            _digest(file) in digests
            for file in entry.rglob("*")
            if file.is_file() and file.name != "manifest.json"
        ):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    for copy in copies:
        if copy.is_dir():
            shutil.rmtree(copy, ignore_errors=True)
            removed += 1
    return removed


def _digest(file: Path) -> str:
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return ""
