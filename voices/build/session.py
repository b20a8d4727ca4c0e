"""One build of the site, as the generator adapter sees it: pages to add, files to copy,
redirects to write, metadata for each page, and the checks that run around the build.

The MkDocs hooks call this and nothing else; another generator could do the same.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from voices.build.caches import INDEXED_PAGES, purge_withdrawn
from voices.build.removal import BackgroundRemoval
from voices.content.loading import Archive, Story, load_archive
from voices.content.paths import DOCS_DIR, TEMPLATE_FILE
from voices.content.problems import Problem
from voices.content.safe_html import sanitize
from voices.content.schema import area_schema, known_values, story_schema
from voices.content.settings import LANGUAGE, fill_placeholders
from voices.media.images import (
    IMAGE_SUFFIXES,
    widest_copies,
)
from voices.media.site_images import SiteImages, process_images, published_sources, used_files
from voices.publish import offline
from voices.site import redirects
from voices.site.addresses import absolute_url
from voices.site.audit import audit_site
from voices.site.exports import data_files, feeds
from voices.site.history import file_date, last_modified
from voices.site.metadata import area_head, story_head, withdrawn_head
from voices.site.page_set import build_pages, kept_listing_pages
from voices.site.pages import GeneratedPage, code_block, home_sections, story_file
from voices.site.permalinks import (
    REGISTRY_FILE,
    normalise,
    read_registry,
    registry_problems,
    write_registry,
)
from voices.site.plan import SitePlan, plan_site
from voices.site.search import (
    IndexedPages,
    RunningIndex,
    area_fields,
    index_wrapper,
    story_fields,
    without_furniture,
)


class BuildRefused(Exception):
    """The built site must not be deployed; the message says why."""


@dataclass
class SiteBuild:
    """Everything one build publishes; created by ``SiteBuild.load``."""

    root: Path
    archive: Archive
    plan: SitePlan
    pages: dict[str, GeneratedPage]
    timings: dict[str, float] = field(default_factory=dict)
    images: SiteImages | None = None
    set_aside: list[Problem] = field(default_factory=list)  # left out by an emergency takedown
    index_report: object = None
    _dates: dict | None = None
    _widest: dict[str, str] | None = (
        None  # each photo's widest published copy (images.widest_copies)
    )
    _index: RunningIndex | None = None  # Pagefind while it runs
    _indexed: IndexedPages | None = None  # what Pagefind reads of each page, kept as it converts
    _removals: list[BackgroundRemoval] = field(default_factory=list)  # folders being removed
    settings_site_url: str = ""  # archive.yml's site_url, even when a preview is served elsewhere

    @classmethod
    def load(
        cls, root: Path, preview: bool = False, takedown: bool = False, site_url: str | None = None
    ) -> tuple[SiteBuild | None, list[Problem]]:
        """Load, check and assemble; with problems, nothing is built. ``preview`` shows drafts;
        ``site_url`` is where this build is served when not at archive.yml's (a preview).

        ``takedown`` is the emergency path: a withdrawal must reach the live site even while
        other content has problems. Files with problems are then left out (and reported by
        the caller) unless they are the withdrawn stories, the settings or the taxonomy.
        """
        started = time.perf_counter()
        archive, problems = load_archive(root)
        built, problems = cls._load(root, archive, problems, preview, takedown, site_url, started)
        if built is not None and archive is not None:
            built.settings_site_url = archive.settings.site_url
        return built, problems

    @classmethod
    def _load(
        cls,
        root: Path,
        archive: Archive | None,
        problems: list[Problem],
        preview: bool,
        takedown: bool,
        site_url: str | None,
        started: float,
    ) -> tuple[SiteBuild | None, list[Problem]]:
        if archive is not None and site_url:
            archive = archive.served_at(site_url)
        loaded = time.perf_counter()
        if archive is not None and problems and takedown:
            withdrawn = {s.path for s in archive.stories.values() if s.meta.status == "withdrawn"}
            blocking = [
                p
                for p in problems
                if p.path in withdrawn or not p.path.startswith(("stories/", "areas/"))
            ]
            if not blocking:
                archive = archive.without({p.path for p in problems})
                built, more = cls.load_archive_plan(root, archive, preview, started, loaded)
                if built is not None:
                    built.set_aside = problems
                return built, more
        if archive is None or problems:
            return None, problems
        return cls.load_archive_plan(root, archive, preview, started, loaded)

    @classmethod
    def load_archive_plan(
        cls, root: Path, archive: Archive, preview: bool, started: float, loaded: float
    ) -> tuple[SiteBuild | None, list[Problem]]:
        plan = plan_site(archive, include_drafts=preview)
        # A withdrawn story leaves the build caches before anything is built from them.
        purge_withdrawn(
            root,
            {
                story.slug: story.earlier_slugs()
                for story in archive.stories.values()
                if story.meta.status == "withdrawn"
            },
        )
        assembled = time.perf_counter()
        images, problems = process_images(root, plan.stories, list(archive.areas.values()))
        if problems:
            return None, problems
        processed = time.perf_counter()
        built = build_pages(archive, plan, images.pictures)
        built += kept_listing_pages(built, set(read_registry(root)), plan)
        pages = {page.src_uri: page for page in built}
        timings = {
            "load and validate": loaded - started,
            "assemble": assembled - loaded + time.perf_counter() - processed,
            "images": processed - assembled,
        }
        return cls(root.resolve(), archive, plan, pages, timings, images=images), []

    # --- what the generator adds -------------------------------------------------------------

    def story_files(self) -> dict[str, Path]:
        """Files shown stories' pages use → where they are published: the processed copies of
        images (never the originals), and media and documents as they are."""
        files: dict[str, Path] = dict(self.images.files) if self.images else {}
        for story in self.plan.stories:
            if story.folder is None:
                continue
            for name in used_files(story):
                if Path(name).suffix.lower() in IMAGE_SUFFIXES:
                    continue
                files[story_file(story, name)] = story.folder / name
        return files

    def redirect_files(self, offline_copy: bool = False) -> dict[str, str]:
        """A static page at each old address that sends readers on to the story's page (as
        files that open from disk in the offline copy)."""
        if offline_copy:
            return offline.redirect_files(self.plan, set(self.pages), self.archive.settings)
        return redirects.redirect_files(self.plan, self.archive.settings)

    # --- per page ----------------------------------------------------------------------------

    def page_meta(self, src_uri: str) -> dict[str, str]:
        """Title (escaped for templates), head metadata and sitemap data for a generated page."""
        page = self.pages[src_uri]
        meta = {"title": html.escape(page.title), "voices_kind": page.kind}
        if page.kind == "story":
            story = page.story
            image = story.meta.image
            # The original photo is never published: name the widest copy the site serves.
            if self._widest is None:
                self._widest = widest_copies(self.story_files())
            copy = self._widest.get(story_file(story, Path(image.src).stem)) if image else None
            image_url = absolute_url(self.archive.settings.site_url, copy) if copy else None
            meta["voices_head"] = story_head(story, self.archive, image_url)
        elif page.kind in ("withdrawn", "draft"):
            meta["voices_head"] = withdrawn_head()
        elif page.kind == "area":
            meta["voices_head"] = area_head(page.area, self.archive)
        lastmod = self.lastmod(page)
        if lastmod:
            meta["voices_lastmod"] = lastmod
        return meta

    def lastmod(self, page: GeneratedPage) -> str:
        """The real last change behind a page: its source file, or the newest story it lists."""
        if self._dates is None:
            self._dates = last_modified(self.root)
        paths = [page.source_path] if page.source_path else [s.path for s in page.stories]
        dates = [d for d in (file_date(self.root, p, self._dates) for p in paths if p) if d]
        return max(dates).isoformat() if dates else ""

    def doc_lastmod(self, src_uri: str) -> str:
        if self._dates is None:
            self._dates = last_modified(self.root)
        date = file_date(self.root, f"docs/{src_uri}", self._dates)
        return date.isoformat() if date else ""

    def page_html(self, src_uri: str, content_html: str, dest_uri: str | None = None) -> str:
        """A page's converted HTML as published: story and area HTML sanitized (a second line of
        defence behind the checks on raw HTML), then marked for search (``for_search``)."""
        page = self.pages.get(src_uri)
        if page is not None and page.kind in ("story", "draft", "area"):
            content_html = sanitize(content_html)
        return self.for_search(src_uri, content_html, dest_uri)

    def for_search(self, src_uri: str, content_html: str, dest_uri: str | None = None) -> str:
        """A story's or area's rendered content, marked up for the search index. With
        ``dest_uri`` (the page's file in the site), it is also kept for ``start_search_index``."""
        if not self.is_indexed(src_uri):
            return content_html
        page = self.pages[src_uri]
        if page.kind == "story":
            fields = story_fields(page.story, self.archive)
        else:
            fields = area_fields(page.area, self.archive)
        opening, closing = index_wrapper(*fields, text=re.sub(r"<[^>]+>", " ", content_html))
        marked = opening + without_furniture(content_html) + closing
        if dest_uri is not None:
            if self._indexed is None:
                self._indexed = IndexedPages(self.root / INDEXED_PAGES, LANGUAGE)
            self._indexed.add(dest_uri, marked)
        return marked

    def write_feeds_and_data(self, site_dir: Path) -> int:
        """Atom feeds and the open data files; returns how many files were written."""
        started = time.perf_counter()
        schemas = self.schemas()

        def updated(story: Story) -> str:
            return (self.lastmod(self.pages[story.page_source]) or "2012-01-01") + "T00:00:00Z"

        files = {
            **feeds(self.archive, self.plan, updated),
            **data_files(self.archive, self.plan, schemas),
        }
        for path, content in files.items():
            target = site_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        self.timings["exports"] = time.perf_counter() - started
        return len(files)

    def schemas(self) -> dict[str, dict]:
        """The content contract as JSON Schema, filled with this archive's known values."""
        known = known_values(self.archive)
        return {
            "story": story_schema(known, sorted(self.archive.taxonomy.kinds_needing_consent())),
            "area": area_schema(known),
        }

    def audit(self, site_dir: Path) -> list[str]:
        """Leaks and inconsistencies in the built site (see voices/site/audit.py); a search index
        still being built is waited for before its files are read."""
        started = time.perf_counter()
        # The generated pages' own wording, the hand-written pages' as published (the story
        # template the guide shows, say) and the contract's are not leaks.
        generated = [page.markdown for page in self.pages.values()] + [json.dumps(self.schemas())]
        generated += self.doc_texts()
        waited = 0.0

        def index_ready() -> None:
            nonlocal waited
            before = time.perf_counter()
            self.finish_search_index()
            waited = time.perf_counter() - before

        problems = audit_site(
            site_dir,
            self.archive,
            self.plan,
            generated,
            index_ready,
            published_files=published_sources(self.root, self.archive, self.plan),
        )
        self.timings["audit"] = time.perf_counter() - started - waited
        return problems

    def is_indexed(self, src_uri: str) -> bool:
        """Whether a page goes into the search index: stories and areas only."""
        page = self.pages.get(src_uri)
        return page is not None and page.kind in ("story", "area")

    def keep_search_parts(self) -> None:
        """From now on ``for_search`` keeps what Pagefind reads of each page it is given a file
        for. Call it before the pages are converted, and before any fork, so all share one folder."""
        self._indexed = IndexedPages(self.root / INDEXED_PAGES, LANGUAGE)

    def search_parts_kept(self, dest_uris: list[str]) -> bool:
        """Whether the parts of all these pages (their files in the site) are kept: the index may start."""
        return self._indexed is not None and self._indexed.has_all(dest_uris)

    def start_search_index(self, site_dir: Path) -> None:
        """Start Pagefind on the pages ``for_search`` kept (or, if none were, on the built site)
        into ``site_dir``, once every indexed page's content is known; it runs while the rest
        of the build goes on, until ``finish_search_index`` waits for it. Started once a build."""
        if self._index is None:
            self._index = RunningIndex(site_dir, self._indexed.folder if self._indexed else None)

    def stop_search_index(self) -> None:
        """Stop a running Pagefind and remove what it wrote: the build failed."""
        if self._index is not None:
            running, self._index = self._index, None
            running.stop()
        self._drop_search_parts()

    def _drop_search_parts(self) -> None:
        if self._indexed is not None:
            self.remove_in_background(self._indexed.folder)
            self._indexed = None

    def finish_search_index(self) -> None:
        """Wait for the index started by ``start_search_index``, if any; raises RuntimeError
        when Pagefind failed."""
        if self._index is None:
            return
        running, self._index = self._index, None
        try:
            report = running.wait()
        finally:
            self._drop_search_parts()
        self.timings["search index"] = report.seconds
        self.index_report = report

    def remove_in_background(self, folder: Path, recreate: bool = False) -> None:
        """Remove ``folder`` while the build goes on (``recreate``: empty at once); see
        ``wait_for_removals``."""
        self._removals.append(BackgroundRemoval(folder, recreate))

    def wait_for_removals(self) -> None:
        """Wait for every removal started by ``remove_in_background``: call it last."""
        while self._removals:
            self._removals.pop().wait()

    def edit_url(self, path: str | None) -> str | None:
        """The repository's edit page for a source file (staff use it to suggest corrections)."""
        if not path:
            return None
        settings = self.archive.settings
        return f"{settings.repository_url.rstrip('/')}/edit/{settings.edit_branch}/{path}"

    def home_markdown(self) -> str:
        return home_sections(self.archive, self.plan)

    def doc_markdown(
        self, src_uri: str, markdown: str, offline_copy: bool = False
    ) -> tuple[str, list[str]]:
        """A hand-written page (``docs/``) as published: archive.yml's values filled in, the
        home page's listings added; the offline copy's search page points to the browse lists.
        Also the placeholders no value was found for."""
        settings = self.archive.settings
        if src_uri == "search.md" and offline_copy:
            return offline.search_page(settings), []
        values = {
            "name": settings.name,
            "contacts": settings.contacts,
            "site_url": settings.site_url,
            "repository_url": settings.repository_url,
        }
        template = self.root / TEMPLATE_FILE
        if template.is_file():
            values["story_template"] = code_block(template.read_text(encoding="utf-8"), "yaml")
        markdown, unknown = fill_placeholders(markdown, values)
        return (markdown + self.home_markdown() if src_uri == "index.md" else markdown), unknown

    def doc_texts(self) -> list[str]:
        """The hand-written pages (``docs/``) as ``doc_markdown`` publishes them, online and offline."""
        docs = self.root / DOCS_DIR
        texts = []
        for file in sorted(docs.rglob("*.md")):
            src_uri = file.relative_to(docs).as_posix()
            markdown = file.read_text(encoding="utf-8", errors="replace")
            texts.append(self.doc_markdown(src_uri, markdown)[0])
            if src_uri == "search.md":
                texts.append(self.doc_markdown(src_uri, markdown, offline_copy=True)[0])
        return texts

    # --- around the build --------------------------------------------------------------------

    def check_and_record(
        self,
        site_dir: Path,
        published: set[str] | None,
        offline_copy: bool = False,
        publish_registry: bool = True,
    ) -> list[str]:
        """Once every page is written: the feeds and open data, the audit (while the search
        index finishes), the offline copy's links, and the addresses published (recorded when
        ``published`` is given). What to tell; raises BuildRefused if nothing may be deployed."""
        try:
            self.write_feeds_and_data(site_dir)
            leaks = self.audit(site_dir)
        finally:
            self.finish_search_index()
        if leaks:
            raise BuildRefused(
                f"The built site fails its audit ({len(leaks)} finding(s)); nothing may be "
                "deployed:\n" + "\n".join(leaks)
            )
        broken = offline.broken_references(site_dir) if offline_copy else []
        if broken:
            raise BuildRefused(
                f"{len(broken)} link(s) in the offline copy lead to no file:\n" + "\n".join(broken)
            )
        notes = []
        if published is not None and self.record_addresses(published):
            notes.append("New addresses recorded in urls.txt: commit it so they are kept for good.")
        if publish_registry:
            self.publish_registry(site_dir)  # read back by the next deploy
        return notes

    def closing_report(self, site_dir: Path) -> str:
        """The site's size, once the folders being removed are gone; raises BuildRefused past
        the budget."""
        self.wait_for_removals()
        report, within_budget = self.size_report(site_dir)
        if not within_budget:
            raise BuildRefused(
                report + " Link large media with url: instead of keeping it in the repository."
            )
        return report

    def published_paths(self, page_files: list[str]) -> set[str]:
        """Every address this build serves: pages (``about/index.html``, generated or written)
        and redirects, as site paths."""
        return {normalise(path) for path in page_files} | {
            normalise(alias) for alias in self.plan.redirects
        }

    def address_problems(self, published: set[str]) -> list[Problem]:
        return registry_problems(read_registry(self.root), published)

    def check_addresses(
        self, page_files: list[str], takedown: bool = False
    ) -> tuple[set[str], list[str]]:
        """Every address this build serves, and what to tell. An address published before that
        would disappear stops the build (BuildRefused), but not an emergency takedown's."""
        published = self.published_paths(page_files)
        problems = self.address_problems(published)
        if problems and not takedown:
            listed = "\n".join(str(problem) for problem in problems)
            raise BuildRefused(f"{len(problems)} published address(es) would disappear:\n{listed}")
        return published, [
            f"Not blocking during the emergency takedown build: {problem}" for problem in problems
        ]

    def record_addresses(self, published: set[str]) -> bool:
        return write_registry(self.root, published)

    def publish_registry(self, site_dir: Path) -> None:
        """Serve ``urls.txt`` with the site: the deploy adds the live copy's addresses to the
        repository's before building, so an address is kept even when nobody committed it."""
        registry = self.root / REGISTRY_FILE
        if registry.is_file():
            shutil.copyfile(registry, site_dir / REGISTRY_FILE)

    def size_report(self, site_dir: Path) -> tuple[str, bool]:
        """The site's total size and largest files; False when it is over the budget."""
        files = [(f.stat().st_size, f) for f in site_dir.rglob("*") if f.is_file()]
        total = sum(size for size, _ in files)
        budget = self.archive.settings.site_budget_mb * 1_000_000
        largest = ", ".join(
            f"{f.relative_to(site_dir).as_posix()} ({size / 1e6:.1f} MB)"
            for size, f in sorted(files, reverse=True)[:5]
        )
        text = (
            f"Site size {total / 1e6:.1f} MB of the {budget / 1e6:.0f} MB budget (site_budget_mb in "
            f"archive.yml); largest files: {largest}."
        )
        return text, total <= budget

    def summary(self, page_count: int) -> str:
        shown = sum(1 for s in self.plan.stories if s.meta.status == "published")
        drafts = len(self.plan.stories) - shown
        phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.timings.items())
        return (
            f"Published {shown} stories"
            + (f" (+{drafts} drafts, preview only)" if drafts else "")
            + f", {len(self.plan.withdrawn)} withdrawal notices, {len(self.archive.areas)} areas, "
            f"{page_count} generated pages, {len(self.plan.redirects)} redirects"
            + (
                f", {self.index_report.pages} pages searchable (Pagefind peak memory "
                f"{self.index_report.peak_mb} MB)"
                if self.index_report
                else ""
            )
            + (
                f", {len(self.images.pictures)} images ({self.images.encoded} encoded, the rest cached)"
                if self.images and self.images.pictures
                else ""
            )
            + f". Phases: {phases}."
        )


def set_html_lang(page_html: str) -> str:
    """Material has no en-GB translation, so the page says ``lang="en"``: make it British English."""
    return re.sub(r'<html lang="[^"]*"', f'<html lang="{LANGUAGE}"', page_html, count=1)
