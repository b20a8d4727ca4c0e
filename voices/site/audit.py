"""Checks on the built site, run at the end of every build: nothing leaked, nothing lost.

- Leaks: distinctive words of withdrawn and draft stories (and erased titles) must appear in
  no output file; consent references nowhere; the names of people in a story only on that
  story's own page. Pagefind's gzipped files are read decompressed.
- One set of published stories: story pages, area pages, the sitemap and the search index
  and the data export must all hold exactly the published stories; the feed, the newest of them.
- Safety of what is served: no request to another site and no event handler or script address
  in any page, feed, style or script (voices/site/third_party.py); every file of a type the
  generator, the theme or Pagefind writes, and in story and area folders only the pages and
  the types content may publish (voices/content/file_types.py); no line of a file the site does not
  publish (voices/site/foreign_text.py).

Names, words and references are compared folded (voices/content/names.py): in any case, with or
without accents, written with any apostrophe, dash or space.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from voices.content.loading import Archive, Story
from voices.site.plan import SitePlan
from voices.content.file_types import file_name_problem, site_file_type_problem
from voices.site.foreign_text import ForeignText
from voices.content.literals import Literals
from voices.content.names import NameFinder, fold, name_key
from voices.publish.offline import page_file
from voices.content.paths import STORIES_DIR
from voices.site.search import INDEX_DIR
from voices.site.third_party import is_off_site, markup_findings, requests_in_css, requests_in_js
from voices.site.addresses import redirect_file, source_uri, story_url

_WORD = re.compile(r"[^\W\d_]{5,}")  # words of five letters or more: short ones are too common
# Story pages are stories/x/ online and stories/x.html or stories/x/index.html in the offline copy.
_STORY_LINK = re.compile(r'href="[^"]*?stories/(?!index\.html)([a-z0-9-]+)(?:/|/index\.html|\.html)"')
_SITEMAP_STORY = re.compile(r"<loc>[^<]*/stories/([a-z0-9-]+)/</loc>")
_INDEX_STORY = re.compile(r'"url":"[^"]*?/stories/([a-z0-9-]+)/"')
_FEED_ENTRY = re.compile(r"<id>[^<]*/stories/([a-z0-9-]+)/</id>")
TEXT_SUFFIXES = {".html", ".htm", ".xhtml", ".xml", ".svg", ".json", ".txt", ".csv", ".js", ".atom", ".rss",
                 ".webmanifest", ".vtt"}


def output_texts(site_dir: Path, search_index: bool | None = None) -> Iterator[tuple[str, str]]:
    """(path, text) of every text output, with Pagefind's compressed files decompressed;
    with ``search_index`` True only Pagefind's files, with False all but them."""
    for file in sorted(site_dir.rglob("*")):
        if not file.is_file():
            continue
        rel = file.relative_to(site_dir).as_posix()
        in_index = rel.startswith(f"{INDEX_DIR}/")
        if search_index is not None and in_index != search_index:
            continue
        if rel.startswith("assets/") or in_index and not file.suffix.startswith(".pf_"):
            continue  # the theme's and Pagefind's own code: no content is ever written there
        if file.suffix.startswith(".pf_"):
            try:
                yield rel, gzip.decompress(file.read_bytes()).decode("utf-8", "replace")
            except (OSError, EOFError):
                yield rel, file.read_bytes().decode("utf-8", "replace")
        elif file.suffix in TEXT_SUFFIXES or file.suffix == ".gz":
            data = file.read_bytes()
            if file.suffix == ".gz":
                data = gzip.decompress(data)
            yield rel, data.decode("utf-8", "replace")


def _story_page_files(slug: str) -> tuple[str, ...]:
    """Where a story's page may be: online, or in the offline copy (file or folder story)."""
    url = story_url(slug)  # redirect_file: the index.html any address is served from
    return redirect_file(url), page_file(source_uri(url))


def _hidden_text(story: Story, whole: bool) -> list[str]:
    """What must never be published of a story: all of it (drafts), or what a withdrawal
    removes; the title too when the withdrawal erases it."""
    meta = story.meta
    parts = [meta.summary or "", story.body, " ".join(meta.people)]
    if meta.image:
        parts.append(meta.image.alt)
    parts += [item.transcript for item in meta.media]
    erased = meta.withdrawn is not None and meta.withdrawn.erase_title
    if whole or erased:
        parts.append(meta.title or "")
    return parts


def leak_terms(archive: Archive, plan: SitePlan, published_texts: Iterable[str]) -> dict[str, str]:
    """Distinctive words of unpublished content → the story they come from."""
    shown = {story.slug for story in plan.stories}
    # Text by text, lowercased a text at a time: one string of the whole archive (or a list of
    # every word in it) would take gigabytes at 10,000 stories, and a .lower() per word is slow.
    known: set[str] = set()
    for text in published_texts:
        known.update(_WORD.findall(fold(text)))
    terms: dict[str, str] = {}
    for story in archive.stories.values():
        if story.slug in shown:
            continue
        whole = story.meta.status == "draft"
        for word in _WORD.findall(fold(" ".join(_hidden_text(story, whole)))):
            if word not in known:
                terms.setdefault(word, story.path)
    return terms


def published_texts(archive: Archive, plan: SitePlan) -> list[str]:
    """All the words the site may legitimately contain (to tell distinctive words apart)."""
    parts = []
    for story in plan.stories:
        meta = story.meta
        parts += [meta.title or "", meta.summary or "", story.body, " ".join(meta.people), " ".join(meta.authors)]
        if meta.image:
            parts += [meta.image.alt, meta.image.credit or ""]
        parts += [item.transcript + " " + (item.title or "") for item in meta.media]
        parts += [a.title for a in meta.attachments]
    for story in plan.withdrawn:
        if not (story.meta.withdrawn and story.meta.withdrawn.erase_title):
            parts.append(story.meta.title or "")
    for area in archive.areas.values():
        parts += [area.meta.model_dump_json(), area.body]
    for group in ("themes", "programmes", "kinds", "withdrawal_reasons"):
        parts += [f"{t.label} {t.description}" for t in getattr(archive.taxonomy, group)]
    docs = archive.root / "docs"
    parts += [file.read_text(encoding="utf-8", errors="replace") for file in docs.rglob("*") if file.suffix in (".md", ".html", ".js")]
    parts.append(archive.settings.model_dump_json())
    return parts


_MARKUP_SUFFIXES = {".html", ".htm", ".xhtml", ".xml", ".svg", ".atom", ".rss"}


def audit_site(site_dir: Path, archive: Archive, plan: SitePlan, generated_texts: Iterable[str] = (),
               index_ready: Callable[[], object] | None = None,
               published_files: set[Path] | None = None) -> list[str]:
    """Every leak and every inconsistency found in the built site, as plain sentences.

    ``generated_texts`` are the Markdown of the generated pages: their own wording (headings,
    notices) is not a leak. The theme's wording is read from the built 404 page. When the
    search index is still being written, ``index_ready`` waits for it: everything else is
    audited first, then the index (so the audit runs beside Pagefind, not after it).
    With ``published_files`` (the repository files the site shows on purpose, resolved), no
    line of any other file may appear (voices/site/foreign_text.py).
    """
    chrome = site_dir / "404.html"
    theme_text = chrome.read_text(encoding="utf-8", errors="replace") if chrome.is_file() else ""
    allowed = [*published_texts(archive, plan), *generated_texts, theme_text]
    terms = leak_terms(archive, plan, allowed)
    foreign = ForeignText(archive.root, published_files, allowed) if published_files is not None else None
    term_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(terms))) + r")\b") if terms else None
    references = {fold(s.meta.consent.reference): s.meta.consent.reference
                  for s in archive.stories.values() if s.meta.consent}
    people: dict[str, set[str]] = {}  # one person may be named, with consent, in several stories
    for story in plan.stories:
        for name in story.meta.people:
            people.setdefault(name_key(name), set()).add(story.slug)
    # One pass per file finds every reference and name in it (one scan per string grows as stories²).
    find_references, find_people = Literals(references), NameFinder(people)
    site_url = archive.settings.site_url
    problems: list[str] = []
    seen: dict[str, set[str]] = {"area pages": set(), "sitemap": set(), "search index": set(),
                                 "data export": set()}
    feed_entries: list[str] = []

    def check(rel: str, content: str) -> None:
        nonlocal feed_entries
        suffix = Path(rel).suffix.lower()
        if suffix in _MARKUP_SUFFIXES:
            for line, what in markup_findings(content, site_url, requests=suffix in (".html", ".htm", ".xhtml", ".svg")):
                problems.append(f"{rel}:{line}: {what}{_caused_by(rel, archive)}")
        folded = fold(content)
        if term_pattern and (match := term_pattern.search(folded)):
            word = match.group(1)
            written = re.search(rf"\b{re.escape(word)}\b", content, re.IGNORECASE)  # as the file has it
            problems.append(f"{rel}: contains “{written.group() if written else word}” from unpublished "
                            f"{terms.get(word, 'content')}")
        found = find_references.found_in(folded)
        for reference in references if found else ():
            if reference in found:
                problems.append(f"{rel}: contains a consent reference ({references[reference]})")
        found = find_people.found_in(folded)
        for name, slugs in people.items() if found else ():
            if name in found and not any(rel in _story_page_files(slug) or rel.startswith(story_url(slug)) for slug in slugs):
                problems.append(f"{rel}: names a person from {STORIES_DIR}/{min(slugs)} (names appear on their story only)")
        for source in foreign.found_in(content) if foreign else ():
            problems.append(f"{rel}: holds lines of {source}, which the site does not publish"
                            f"{_caused_by(rel, archive)}")
        if rel.startswith("areas/") and rel.endswith(".html") and rel != "areas/index.html":
            seen["area pages"] |= set(_STORY_LINK.findall(content))
        elif rel == "sitemap.xml":
            seen["sitemap"] |= set(_SITEMAP_STORY.findall(content))
        elif rel.startswith("pagefind/fragment/"):
            seen["search index"] |= set(_INDEX_STORY.findall(content))
        elif rel == "data/stories.json":
            seen["data export"] |= {record["slug"] for record in json.loads(content)}
        elif rel == "feed.xml":
            feed_entries = _FEED_ENTRY.findall(content)

    problems += served_file_problems(site_dir, archive, site_url)
    for rel, content in output_texts(site_dir, search_index=False):
        check(rel, content)
    published = {story.slug for story in plan.stories if story.meta.status == "published"}
    seen["story pages"] = {slug for slug in published
                           if any((site_dir / page).is_file() for page in _story_page_files(slug))}
    if index_ready is not None:
        index_ready()
    for rel, content in output_texts(site_dir, search_index=True):
        check(rel, content)
    withdrawn = {story.slug for story in plan.withdrawn}  # links to their notices are fine
    seen["area pages"] -= withdrawn
    # Drafts are in the plan only for a preview, which shows and lists them (never indexed).
    drafts = {story.slug for story in plan.stories if story.meta.status == "draft"}
    seen["area pages"] -= drafts
    seen["sitemap"] -= drafts
    newest = [s.slug for s in plan.stories if s.meta.status == "published"][:len(feed_entries) or 20]
    if (site_dir / "feed.xml").is_file() and feed_entries != newest[:20]:
        problems.append(f"feed.xml: lists {feed_entries[:5]}..., not the newest published stories")
    for where, found in seen.items():
        if where == "search index" and not (site_dir / "pagefind").is_dir():
            continue  # a preview build has no index
        if where == "data export" and not (site_dir / "data").is_dir():
            continue
        for slug in sorted(published - found):
            problems.append(f"{where}: the published story {slug} is missing")
        for slug in sorted(found - published):
            problems.append(f"{where}: lists {slug}, which is not a published story")
    return problems


def _caused_by(rel: str, archive: Archive) -> str:
    """Which source file made an output file, where the path tells: a story's or area's page."""
    parts = rel.split("/")
    if len(parts) >= 2 and parts[0] in ("stories", "areas"):
        slug = parts[1].removesuffix(".html")
        entry = (archive.stories if parts[0] == "stories" else archive.areas).get(slug)
        if entry is not None:
            return f" (from {entry.path})"
    return ""


def served_file_problems(site_dir: Path, archive: Archive, site_url: str) -> list[str]:
    """Files the audit of texts does not read (the theme's and Pagefind's code, binary files):
    each of a type the site may serve, with a safe name, and its styles and scripts loading
    nothing from another site."""
    problems = []
    for file in sorted(site_dir.rglob("*")):
        if not file.is_file():
            continue
        rel = file.relative_to(site_dir).as_posix()
        why = file_name_problem(rel) or site_file_type_problem(rel)
        if why:
            problems.append(f"{rel}: {why}{_caused_by(rel, archive)}")
            continue
        suffix = file.suffix.lower()
        read = {".css": requests_in_css, ".js": requests_in_js, ".mjs": requests_in_js}.get(suffix)
        if read is not None:
            for line, address in read(file.read_text(encoding="utf-8", errors="replace")):
                if is_off_site(address, site_url):
                    problems.append(f"{rel}:{line}: loads {address} from another site{_caused_by(rel, archive)}")
    return problems
