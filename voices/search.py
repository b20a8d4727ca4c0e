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
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from voices.archive import Archive, Area, Story
from voices.contract import REGIONS
from voices.pages import display_date

INDEX_DIR = "pagefind"
_APOSTROPHES = "'’‘ʼ"
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
    for word in _WORD_WITH_APOSTROPHE.findall(text):
        bare = re.sub(f"[{_APOSTROPHES}]", "", word)
        straight = re.sub(f"[{_APOSTROPHES}]", "'", word)
        variants[bare] = None
        if straight != word:
            variants[straight] = None
    return list(variants)


def normalise_query(query: str) -> str:
    """What the search page does to a query before searching (mirrored in search.js)."""
    return re.sub(f"[{_APOSTROPHES}]", "", query)


def build_index(site_dir: Path) -> IndexReport:
    """Run Pagefind over the built site; a fresh index every time (Pagefind appends otherwise)."""
    output = site_dir / INDEX_DIR
    shutil.rmtree(output, ignore_errors=True)
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen([sys.executable, "-m", "pagefind", "--site", str(site_dir),
                                    "--output-subdir", INDEX_DIR], stdout=log, stderr=subprocess.STDOUT, text=True)
        # wait4 gives Pagefind's own peak memory (its launcher execs the binary in place).
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        printed = log.read()
    if process.returncode != 0:
        raise RuntimeError(f"Pagefind failed:\n{printed}")
    match = re.search(r"Indexed (\d+) pages?", printed)
    size = sum(f.stat().st_size for f in output.rglob("*") if f.is_file())
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return IndexReport(int(match.group(1)) if match else 0, time.perf_counter() - started, size, round(peak_mb))
