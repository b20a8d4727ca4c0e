"""Search: what each page contributes to the Pagefind index, and running Pagefind.

Only story and area pages carry ``data-pagefind-body``, so tombstones, redirects, browse
pages and the 404 page are never indexed. Facets (area, region, theme, year, programme,
kind) are Pagefind filters; ``date`` is a sort key. People, consent and internal
references are never given to the index.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from voices.content.loading import Archive, Area, Story
from voices.site.citation import display_date
from voices.content.england import REGIONS

INDEX_DIR = "pagefind"
_APOSTROPHES = "'’‘ʼ"
_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")
_WORD_WITH_APOSTROPHE = re.compile(rf"\w+[{_APOSTROPHES}]\w*")


@dataclass
class IndexReport:
    pages: int
    seconds: float
    bytes: int
    peak_mb: int = 0  # Pagefind's own peak memory


def story_fields(story: Story, archive: Archive) -> tuple[dict[str, list[str]], dict[str, str], dict[str, str]]:
    """Filters, metadata and sort keys of a story, as Pagefind should see them."""
    meta, labels = story.meta, archive.taxonomy.labels
    areas = [archive.areas[slug] for slug in meta.areas]
    filters = {
        "area": [area.meta.name for area in areas],
        "region": list(dict.fromkeys(REGIONS[a.meta.region] for a in areas if a.meta.region)),
        "theme": [labels("themes")[slug] for slug in meta.themes],
        "year": [meta.date[:4]],
        "programme": [labels("programmes")[meta.programme]],
        "kind": [labels("kinds")[meta.kind]],
    }
    metadata = {"title": meta.title or "", "date": display_date(meta.date),
                "area": ", ".join(area.meta.name for area in areas)}
    return filters, metadata, {"date": meta.date}


def area_fields(area: Area, archive: Archive) -> tuple[dict[str, list[str]], dict[str, str], dict[str, str]]:
    """Filters, metadata and sort keys of an area page."""
    labels = archive.taxonomy.labels("programmes")
    filters = {"area": [area.meta.name], "kind": ["Area"],
               "programme": [labels[slug] for slug in area.meta.programmes]}
    if area.meta.region:
        filters["region"] = [REGIONS[area.meta.region]]
    return filters, {"title": area.meta.name, "area": area.meta.name}, {"date": "0000"}


def index_wrapper(filters: dict[str, list[str]], metadata: dict[str, str], sort: dict[str, str],
                  text: str) -> tuple[str, str]:
    """The opening and closing HTML that marks a page's content for Pagefind.

    Filters and metadata are attributes (not visible text), one element each so that values
    may hold any character. Words with apostrophes get hidden spelling variants, so
    "St Matthews" finds "St Matthew’s" and "Canvey's" finds "Canvey’s".
    """
    parts = ["<div data-pagefind-body>"]
    for key, values in filters.items():
        for value in values:
            parts.append(f'<span hidden data-pagefind-filter="{key}" data-pagefind-ignore>{html.escape(value)}</span>')
    for key, value in metadata.items():
        parts.append(f'<span hidden data-pagefind-meta="{key}" data-pagefind-ignore>{html.escape(value)}</span>')
    for key, value in sort.items():
        parts.append(f'<span hidden data-pagefind-sort="{key}" data-pagefind-ignore>{html.escape(value)}</span>')
    variants = spelling_variants(text)
    if variants:
        parts.append(f'<span hidden data-pagefind-weight="0.5">{html.escape(" ".join(variants))}</span>')
    return "".join(parts), "</div>"


# Page furniture that is not the story's own words: kept out of the index and its excerpts.
_NOT_CONTENT = re.compile(r'<(\w+) class="(headerlink|voices-byline|voices-facts|voices-licence|voices-cite|voices-more|voices-people)"')


def without_furniture(content_html: str) -> str:
    """Mark headings' permalinks, bylines, facts, licence, citation and related lists to be ignored."""
    return _NOT_CONTENT.sub(r'<\1 class="\2" data-pagefind-ignore', content_html)


def spelling_variants(text: str) -> list[str]:
    """Each word with an apostrophe, written without it and with a plain one."""
    variants: dict[str, None] = {}
    # Only the few tokens holding an apostrophe are searched: matching every word of a long
    # story cost seconds at 10,000 stories, and no match crosses a space.
    candidates = " ".join(token for token in text.split() if _APOSTROPHE.search(token))
    for word in _WORD_WITH_APOSTROPHE.findall(candidates):
        bare = _APOSTROPHE.sub("", word)
        straight = _APOSTROPHE.sub("'", word)
        variants[bare] = None
        if straight != word:
            variants[straight] = None
    return list(variants)


def normalise_query(query: str) -> str:
    """What the search page does to a query before searching (mirrored in search.js)."""
    return re.sub(f"[{_APOSTROPHES}]", "", query)


def build_index(site_dir: Path) -> IndexReport:
    """Run Pagefind over the built site and wait for it (see ``RunningIndex``)."""
    return RunningIndex(site_dir).wait()


class IndexedPages:
    """What Pagefind reads of each indexed page, written as a small file of its own as the
    page is converted, at the page's path under ``folder``.

    Pagefind uses only a page's ``data-pagefind-body`` element and its language, but parses
    every byte of the page; the theme's header, navigation and footer are about two thirds of
    a story page. Indexing these files instead of the site gives the same index, file for file
    (checked with ``scripts/bench_build.py --compare-with``), in about a fifth less time.
    """

    def __init__(self, folder: Path, language: str) -> None:
        shutil.rmtree(folder, ignore_errors=True)  # nothing from an earlier build
        folder.mkdir(parents=True)
        self.folder, self.language = folder, language

    def add(self, dest_uri: str, marked_html: str) -> None:
        """Keep a page's content as ``index_wrapper`` marked it; ``dest_uri`` is its file in the site.

        A page is kept once: forks of the build keep their share of the pages before MkDocs'
        own pass meets them again, and Pagefind may be reading by then. Each file is written
        whole and renamed into place, so Pagefind never reads half a page.
        """
        path = self.folder / dest_uri
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # outside Pagefind's **/*.html
        partial.write_text(f'<!doctype html>\n<html lang="{self.language}">\n<body>\n{marked_html}\n</body>\n</html>\n',
                           encoding="utf-8")
        os.replace(partial, path)

    def has_all(self, dest_uris: list[str]) -> bool:
        """Whether every one of these pages has been kept."""
        return all((self.folder / dest_uri).is_file() for dest_uri in dest_uris)


class RunningIndex:
    """Pagefind indexing a built site in its own process; ``wait()`` gives its report.

    Pagefind 1.4 works mostly on one core, so the build renders the theme around each page,
    writes its feeds and audits the site on the other while it runs. A thread waits for the process, so the time and the peak
    memory reported are Pagefind's own, however late ``wait()`` is called.
    """

    def __init__(self, site_dir: Path, pages: Path | None = None) -> None:
        """Index ``site_dir``, or the pages kept under ``pages`` (``IndexedPages``) into ``site_dir``."""
        self.output = site_dir / INDEX_DIR
        shutil.rmtree(self.output, ignore_errors=True)  # a fresh index: Pagefind appends otherwise
        self._log = tempfile.TemporaryFile("w+")
        self._started = time.perf_counter()
        self._process = subprocess.Popen([sys.executable, "-m", "pagefind", "--site", str(pages or site_dir),
                                          "--output-path", str(self.output.resolve())], stdout=self._log,
                                         stderr=subprocess.STDOUT, text=True)
        self._ended: tuple[float, int, int] | None = None  # (when, exit code, peak memory in KB)
        self._waiter = threading.Thread(target=self._wait_for_process, daemon=True)
        self._waiter.start()
        self._report: IndexReport | None = None

    def _wait_for_process(self) -> None:
        # wait4 gives Pagefind's own peak memory (its launcher execs the binary in place).
        _, status, usage = os.wait4(self._process.pid, 0)
        self._process.returncode = os.waitstatus_to_exitcode(status)
        self._ended = (time.perf_counter(), self._process.returncode, usage.ru_maxrss)

    def stop(self) -> None:
        """End Pagefind now and remove its unfinished index."""
        if self._ended is None:
            try:  # not Popen.kill: its poll() would reap the process before the waiting thread
                os.kill(self._process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it had just ended
        self._waiter.join()
        self._log.close()
        shutil.rmtree(self.output, ignore_errors=True)

    def wait(self) -> IndexReport:
        """The finished index's report; raises RuntimeError when Pagefind failed."""
        if self._report is not None:
            return self._report
        self._waiter.join()
        ended, returncode, peak_kb = self._ended
        self._log.seek(0)
        printed = self._log.read()
        self._log.close()
        if returncode != 0:
            raise RuntimeError(f"Pagefind failed:\n{printed}")
        match = re.search(r"Indexed (\d+) pages?", printed)
        size = sum(f.stat().st_size for f in self.output.rglob("*") if f.is_file())
        self._report = IndexReport(int(match.group(1)) if match else 0, ended - self._started, size,
                                   round(peak_kb / 1024))  # kilobytes on Linux
        return self._report
