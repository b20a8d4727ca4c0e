"""Render the site navigation once for all the pages that would get the same HTML.

Material writes the whole navigation into every page, and at 10,000 stories that is about a
sixth of a rebuild. For a page that is not itself in the navigation (every story, area and
browse page), nothing in the navigation is marked as current, so its HTML depends on the page
only through the relative addresses of the navigation's links and images (the ``url``
filter). Pages whose relative addresses are all the same share one rendering
(docs/overrides/main.html). The cache lives for one build.
"""

from __future__ import annotations

from typing import Any

from mkdocs.utils import normalize_url


class NavCache:
    """The navigation's HTML, by the relative addresses it contains."""

    def __init__(self, nav: Any, config: Any) -> None:
        self._in_nav = {id(page) for page in nav.pages}
        urls = [
            nav.homepage.url if nav.homepage else "",
            str(config.extra.get("homepage") or ""),
            str(config.theme.get("logo") or ""),
        ]
        self._urls = urls + list(_link_urls(nav.items))
        self._html: dict[tuple[str, ...], str] = {}

    def key(self, page: Any) -> tuple[str, ...] | None:
        """What the navigation's HTML depends on for ``page``; None if it must be rendered."""
        if page is None or id(page) in self._in_nav:
            return None
        return tuple(normalize_url(url, page=page) for url in self._urls)

    def get(self, key: tuple[str, ...] | None) -> str | None:
        return None if key is None else self._html.get(key)

    def keep(self, key: tuple[str, ...] | None, html: str) -> str:
        if key is not None:
            self._html[key] = html
        return html


def _link_urls(items: list[Any]):
    """Every address the navigation links to, sections walked into."""
    for item in items:
        if getattr(item, "url", None) is not None:
            yield str(item.url)
        yield from _link_urls(getattr(item, "children", None) or [])
