"""MkDocs' side of the render cache (voices/build/render_cache.py): convert a page through it, and
convert every page ahead of MkDocs on all cores.

Pages whose conversion logged anything (a broken link, say) are never kept: their warnings, and
a strict build's failure, come back every time. Each entry records every path the page's links
looked up and the address found.

No page may include another file: ``file_reading_extensions`` names any Markdown extension in
the settings not known to read only the page, and the build refuses to start with one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.toc import get_toc

from voices.build.forks import can_fork, in_forks
from voices.build.render_cache import MessageCounter, RenderCache, Rendered

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page


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


def address_of_file(file: File | None) -> str | None:
    """A linked file's address, or None when it is missing or left out of the site."""
    return None if file is None or file.inclusion.is_excluded() else file.url


# Markdown extensions that read nothing but the page they convert. One that reads files
# (pymdownx.snippets' "--8<--", markdown-include's "{!...!}") would let any story publish any
# file of the repository, the deploy's credentials included. Add a name here only after
# checking that it cannot read a file.
SAFE_EXTENSIONS = frozenset(
    {
        "toc",
        "tables",
        "fenced_code",
        "admonition",
        "attr_list",
        "md_in_html",
        "def_list",
        "footnotes",
        "abbr",
        "sane_lists",
        "smarty",
        "pymdownx.details",
        "pymdownx.superfences",
        "pymdownx.tilde",
        "pymdownx.caret",
        "pymdownx.mark",
        "pymdownx.betterem",
        "pymdownx.tasklist",
    }
)


def file_reading_extensions(config: MkDocsConfig) -> list[str]:
    """The Markdown extensions in the settings not known to be safe (see SAFE_EXTENSIONS)."""
    names = [
        str(name).removeprefix("markdown.extensions.").split(":")[0]
        for name in config["markdown_extensions"]
    ]
    return [name for name in names if name not in SAFE_EXTENSIONS]


def settings_of(config: MkDocsConfig) -> dict[str, Any]:
    """The MkDocs settings a page's conversion depends on."""
    return {
        "markdown_extensions": [str(name) for name in config["markdown_extensions"]],
        "mdx_configs": config["mdx_configs"],
        "use_directory_urls": config["use_directory_urls"],
    }


def render_page(
    page: Page,
    render: Callable[[MkDocsConfig, Files], None],
    cache: RenderCache,
    config: MkDocsConfig,
    files: Files,
) -> None:
    """Do what ``Page.render`` does, reusing a kept result when its inputs are unchanged.
    ``render`` is MkDocs' own ``Page.render`` bound to ``page``."""

    def convert() -> tuple[Rendered, int]:
        recorder = _LookupRecorder(files)
        with MessageCounter("mkdocs", "") as messages:  # MkDocs' logger does not propagate
            try:
                render(config, recorder)  # type: ignore[arg-type]  # MkDocs only calls get_file_from_path
            except Exception as error:  # noqa: BLE001 - a Markdown extension failing on odd text
                # The checks should have said what is wrong; if not, name the file, not a traceback.
                raise PluginError(
                    f"{source_path(page, config)}: could not be turned into a web page "
                    f"({type(error).__name__}: {error}). Look for unusual {{: ... }} "
                    "attribute lists or HTML tags in it."
                ) from None
        return Rendered(
            content=page.content or "",
            toc_tokens=_toc_tokens(page),
            title=page._title_from_render,
            anchor_ids=anchor_ids(page.present_anchor_ids),
            links_to_anchors={
                file.src_uri: dict(links) for file, links in (page.links_to_anchors or {}).items()
            },
            lookups=recorder.lookups,
        ), messages.count

    entry = cache.reuse_or_convert(
        page.file.src_uri,
        page.file.url,
        page.markdown or "",
        lambda path: address_of_file(files.get_file_from_path(path)),
        convert,
    )
    if entry is None:
        return
    page.content = entry.content
    page.toc = get_toc(entry.toc_tokens)
    page._title_from_render = entry.title
    page.present_anchor_ids = set(entry.anchor_ids)
    # MkDocs collects these only above debug level (mkdocs/structure/pages.py); so do we.
    if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = {
            files.get_file_from_path(src_uri): dict(links)
            for src_uri, links in entry.links_to_anchors.items()
        }


def source_path(page: Page, config: MkDocsConfig) -> str:
    """Where a page comes from, as staff know it: ``docs/about.md`` for a hand-written page,
    ``stories/x.md`` (the story's own path) for a generated one."""
    if page.file.generated_by is None and page.file.abs_src_path:
        root = Path(config.config_file_path).parent
        source = Path(page.file.abs_src_path)
        if source.is_relative_to(root):
            return source.relative_to(root).as_posix()
    return page.file.src_uri


def anchor_ids(found: set[str] | None) -> list[str]:
    """The anchors a page has, as kept. MkDocs reads them from anything in the Markdown that
    looks like a tag, code included, and an ``id`` written without a value (`` `<x id>` ``)
    gives None: no anchor anyone can link to, so it is left out."""
    return sorted(anchor for anchor in found or () if isinstance(anchor, str) and anchor)


def _toc_tokens(page: Page) -> list[dict[str, Any]]:
    """The table of contents as plain data (MkDocs keeps only its objects)."""

    def tokens(items) -> list[dict[str, Any]]:
        return [
            {
                "level": item.level,
                "id": item.id,
                "name": item.title,
                "children": tokens(item.children),
            }
            for item in items
        ]

    return tokens(page.toc.items) if page.toc else []


def convert_ahead(
    pages: list[Page],
    config: MkDocsConfig,
    files: Files,
    cache: RenderCache,
    on_page_markdown: Callable[..., str],
    on_page_content: Callable[..., str],
    workers: int,
) -> bool:
    """Convert ``pages`` into the cache before MkDocs does, on ``workers`` cores, and run
    ``on_page_content`` on each (the hooks keep what the search index reads); True if it ran.

    MkDocs converts one page at a time on one core. Here ``workers - 1`` forks of the build
    (same settings, files and hooks: nothing to pass them) and this process each convert a
    share, silently; MkDocs then finds the pages in the cache. A page that could not be kept,
    or that failed, MkDocs converts again itself and reports as usual, so its messages appear
    once. Without ``os.fork`` (Windows) MkDocs simply converts every page itself.
    """
    if workers < 2 or len(pages) < 2 * workers or not can_fork():
        return False

    def convert(share: list[Page]) -> str:
        _convert_quietly(share, config, files, cache, on_page_markdown, on_page_content)
        return f"{cache.reused} {cache.converted} {cache.not_kept}"

    for report in in_forks(pages, convert, workers):
        counts = report.split()
        if len(counts) == 3:
            cache.reused, cache.converted, cache.not_kept = (
                mine + int(theirs)
                for mine, theirs in zip((cache.reused, cache.converted, cache.not_kept), counts)
            )
    # MkDocs now takes these pages from the cache: what this build reused or converted is counted.
    cache.counted_ahead = True
    return True


def _convert_quietly(
    pages: list[Page],
    config: MkDocsConfig,
    files: Files,
    cache: RenderCache,
    on_page_markdown: Callable[..., str],
    on_page_content: Callable[..., str],
) -> None:
    loggers = (logging.getLogger("mkdocs"), logging.getLogger())
    saved = [logger.handlers for logger in loggers]
    for logger in loggers:
        logger.handlers = [logging.NullHandler()]  # levels stay, so render_page still sees messages
    try:
        for page in pages:
            config._current_page = page
            try:
                page.read_source(config)
                page.markdown = on_page_markdown(
                    page.markdown, page=page, config=config, files=files
                )
                render_page(page, page.render, cache, config, files)
                on_page_content(page.content, page=page, config=config, files=files)
            except Exception:  # noqa: BLE001, S110 - MkDocs meets it again on this page and reports it
                pass
            finally:
                config._current_page = None
    finally:
        for logger, handlers in zip(loggers, saved):
            logger.handlers = handlers
