"""MkDocs adapter: hooks that hand the work to the core package (``voices``).

- on_config takes the folder's build lock first (voices/build/lock.py): a second build at the
  same time stops with a message; on_post_build and on_build_error release it.
- on_startup: ``serve`` previews drafts; ``build`` never publishes them, except for a pull
  request's preview (``VOICES_PREVIEW=1``: drafts, noindex, its own address; voices/build/preview.py).
- on_config: load, check and assemble the archive; any content problem fails the build, listed.
- on_pre_build: move the previous site aside and remove it while this one builds (voices/build/removal.py).
- on_files: add the generated pages, the files stories use, and redirects from old addresses;
  fail when an address published before would disappear.
- on_pre_page: convert the page's Markdown through the render cache, so a rebuild converts
  only changed pages (voices/build/render_cache.py stores them; hooks/rendering.py converts).
- on_nav, on_env: pages outside the navigation share its rendered HTML (hooks/nav_cache.py).
- on_nav: convert every page on all cores ahead of MkDocs, keeping each page's part for the
  search index, then start Pagefind: it indexes while MkDocs goes through the pages and renders
  the theme around them (two jobs, two cores). Without forks, Pagefind starts in on_env.
- on_page_markdown: page metadata, edit links, placeholders and the home page's listings.
- on_page_content: sanitize rendered story and area HTML (a second line of defence) and mark
  it for the search index.
- on_post_page, on_post_template: ``<html lang="en-GB">``, the 404 page included.
- on_post_build: write feeds and open data and audit the site for leaks and lost stories while
  Pagefind finishes, record the addresses published (not for an emergency, preview or offline
  build), print a summary.
- on_build_error: stop Pagefind if it is running, so a failed build leaves no index behind, and
  finish removing the old site.
- The offline copy (mkdocs.offline.yml: no directory URLs) gets file-form redirects, a search
  page pointing to the browse lists, online canonical addresses and a check that every link
  leads to a file; it has no search index and leaves urls.txt alone (voices/publish/offline.py).
"""

from __future__ import annotations

import logging
import os
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils.yaml import yaml_load

# Siblings of this file: MkDocs puts its folder on sys.path while loading it.
from nav_cache import NavCache
from rendering import convert_ahead, file_reading_extensions, render_page, settings_of

from voices.build.forks import usable_cores
from voices.build.lock import BuildBusy, BuildLock
from voices.build.preview import BuildMode, SiteUrlError, noindex
from voices.build.render_cache import RENDER_CACHE, RenderCache
from voices.build.session import BuildRefused, SiteBuild, set_html_lang
from voices.content.settings import site_url_conflict
from voices.publish import offline
from voices.site.addresses import absolute_url

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.voices")
_state: dict = {"command": "build"}


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command
    _state["dirty"] = dirty


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).parent
    unsafe = file_reading_extensions(config)
    if unsafe:
        raise PluginError(
            f"{Path(config.config_file_path).name}: markdown_extensions: {', '.join(unsafe)} is not "
            "on the list of extensions that read only the page (hooks/rendering.py, SAFE_EXTENSIONS); "
            "an extension that includes files would let a story publish any file of the repository. "
            "Remove it, or add it there once you have checked it cannot read files."
        )
    _release_lock()  # a serve rebuild whose last build ended without either hook
    try:  # before anything is read or written; released in on_post_build or on_build_error
        _state["lock"] = BuildLock.take(root)
    except BuildBusy as busy:
        raise PluginError(str(busy)) from None
    try:
        mode = BuildMode.of(_state["command"], os.environ, offline=not config.use_directory_urls)
    except SiteUrlError as error:
        raise PluginError(str(error)) from None
    site, problems = SiteBuild.load(
        root, preview=mode.preview, takedown=mode.takedown, site_url=mode.site_url
    )
    if site is None:
        listed = "\n".join(str(problem) for problem in problems)
        raise PluginError(
            f"The archive's content has {len(problems)} problem(s); nothing was built:\n{listed}"
        )
    config_file = Path(config.config_file_path)
    with config_file.open(
        "rb"
    ) as handle:  # as written (INHERIT followed): `serve` sets its own address
        conflict = site_url_conflict(
            site.settings_site_url, config_file.name, yaml_load(handle).get("site_url")
        )
    if conflict:
        raise PluginError(conflict)
    for problem in site.set_aside:
        log.info("Left out by the emergency takedown build (fix it next): %s", problem)
    _state.update(
        site=site,
        mode=mode,
        started=time.perf_counter(),
        render_cache=RenderCache.for_settings(root / RENDER_CACHE, settings_of(config)),
    )
    if mode.command == "build":  # `serve` keeps the address it serves the preview at
        config.site_url = site.archive.settings.site_url  # archive.yml's, or a preview's own
    config.extra["archive"] = {"name": site.archive.settings.name}
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    if _state["mode"].checks and not _state.get("dirty"):
        # MkDocs empties the site folder next, file by file; move it aside and remove it meanwhile.
        _state["site"].remove_in_background(Path(config.site_dir), recreate=True)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    site: SiteBuild = _state["site"]
    for src_uri, page in site.pages.items():
        files.append(
            File.generated(
                config, src_uri, content=page.markdown, inclusion=InclusionLevel.NOT_IN_NAV
            )
        )
    for src_uri, source in site.story_files().items():
        files.append(File.generated(config, src_uri, abs_src_path=str(source)))
    for src_uri, content in site.redirect_files(offline_copy=_state["mode"].offline).items():
        files.append(File.generated(config, src_uri, content=content))
    if _state["mode"].offline:
        return files  # the offline copy's addresses are files, not the site's: urls.txt is not its business
    try:
        _state["published"], notes = site.check_addresses(
            [file.dest_uri for file in files.documentation_pages()],
            takedown=_state["mode"].takedown,
        )
    except BuildRefused as refused:
        raise PluginError(str(refused)) from None
    for note in notes:
        log.info(note)
    return files


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    # Only this page's render goes through the cache; MkDocs calls it after on_page_markdown.
    page.render = partial(render_page, page, page.render, _state["render_cache"])
    return page


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    site: SiteBuild = _state["site"]
    src_uri = page.file.src_uri
    if src_uri in site.pages:
        page.meta.update(site.page_meta(src_uri))
        page.edit_url = site.edit_url(site.pages[src_uri].source_path)
        return markdown
    page.edit_url = site.edit_url(f"docs/{src_uri}")
    page.meta["voices_lastmod"] = site.doc_lastmod(src_uri)
    markdown, unknown = site.doc_markdown(src_uri, markdown, offline_copy=_state["mode"].offline)
    for name in unknown:
        log.warning(
            "%s: unknown placeholder {{ %s }} (names come from archive.yml; story_template is "
            "the text of stories/_template.md)",
            src_uri,
            name,
        )
    return markdown


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    _state["nav_cache"] = NavCache(nav, config)
    if not _state["mode"].checks:
        return nav  # not under `serve`: its file watcher runs in threads; forking beside threads is unsafe
    site: SiteBuild = _state["site"]
    if _state["mode"].indexing:
        site.keep_search_parts()  # before the forks, so they all keep their pages' parts in one folder
    # Convert every page's Markdown on all cores first (on_page_content keeps each page's part for
    # the search index); MkDocs then takes them from the cache.
    pages = [file.page for file in files.documentation_pages() if file.page is not None]
    ahead = convert_ahead(
        pages,
        config,
        files,
        _state["render_cache"],
        config.plugins.on_page_markdown,
        config.plugins.on_page_content,
        usable_cores(),
    )
    indexed = [
        file.dest_uri for file in files.documentation_pages() if site.is_indexed(file.src_uri)
    ]
    if ahead and _state["mode"].indexing and site.search_parts_kept(indexed):
        # Pagefind indexes while MkDocs goes through the pages and renders the theme around them.
        site.start_search_index(Path(config.site_dir))
    return nav


def on_env(env, config: MkDocsConfig, files: Files):
    env.globals["voices_nav"] = _state["nav_cache"]  # used by docs/overrides/main.html
    if _state["mode"].indexing:
        # If not started in on_nav: every page is converted now (on_page_content kept what
        # Pagefind reads), and MkDocs only wraps them in the theme. Pagefind indexes meanwhile.
        _state["site"].start_search_index(Path(config.site_dir))
    if _state["mode"].offline:  # pages of the offline copy name their online address as canonical
        site_url = _state["site"].archive.settings.site_url
        for file in files.documentation_pages():
            if file.page is not None:
                file.page.canonical_url = absolute_url(site_url, offline.online_url(file.dest_uri))
    return env


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # A build that indexes keeps what Pagefind reads of each page, so it need not parse the theme.
    return _state["site"].page_html(
        page.file.src_uri, html, page.file.dest_uri if _state["mode"].indexing else None
    )


def on_build_error(error: Exception) -> None:
    site: SiteBuild | None = _state.get("site")
    if site is not None:
        site.stop_search_index()
        site.wait_for_removals()
    _release_lock()


def _release_lock() -> None:
    lock: BuildLock | None = _state.pop("lock", None)
    if lock is not None:
        lock.release()


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    output = set_html_lang(output)
    return (
        noindex(output) if _state["mode"].preview else output
    )  # previews stay out of search engines


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if not template_name.endswith(".html"):
        return output_content
    output_content = set_html_lang(output_content)  # the 404 page
    return noindex(output_content) if _state["mode"].preview else output_content


def on_post_build(config: MkDocsConfig) -> None:
    site: SiteBuild = _state["site"]
    site.timings["render"] = time.perf_counter() - _state["started"]
    site_dir = Path(config.site_dir)
    try:
        mode: BuildMode = _state["mode"]
        if mode.checks:  # Pagefind (started in on_nav or on_env) finishes meanwhile
            for note in site.check_and_record(
                site_dir,
                _state["published"] if mode.records_addresses else None,
                mode.offline,
                mode.publishes_registry,
            ):
                log.info(note)
        log.info(site.summary(len(site.pages)))
        cache: RenderCache = _state["render_cache"]
        removed = cache.prune()
        log.info(
            "Render cache: %d page(s) reused, %d converted (%d not kept)%s.",
            cache.reused,
            cache.converted,
            cache.not_kept,
            f", {removed} old entries removed" if removed else "",
        )
        log.info(site.closing_report(site_dir))
    except BuildRefused as refused:
        raise PluginError(str(refused)) from None
    finally:
        _release_lock()
