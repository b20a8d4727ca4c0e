"""The archive's addresses: one place that says where every kind of page lives.

Site paths here have no leading slash and end in ``/`` (``stories/par-bay/``): the site may be
served under a sub-path (GitHub project pages) or at a domain root, so pages link to each other
with relative URLs computed by ``relative_url``.
"""

from __future__ import annotations

import posixpath


def story_url(slug: str) -> str:
    return f"stories/{slug}/"


def area_url(slug: str) -> str:
    return f"areas/{slug}/"


def listing_url(group: str, slug: str, page: int = 1) -> str:
    """A browse page: ``themes/environment/``, and ``themes/environment/page/2/`` after the first."""
    base = f"{group}/{slug}/"
    return base if page == 1 else f"{base}page/{page}/"


def source_uri(url: str) -> str:
    """The generated Markdown file behind a page URL: ``stories/x/`` → ``stories/x.md``."""
    if url in ("", "/"):
        return "index.md"
    return url.rstrip("/") + ".md"


def page_url(src_uri: str) -> str:
    """The URL a Markdown source is served at: ``stories/x.md`` and ``stories/x/index.md`` →
    ``stories/x/``; ``index.md`` → ``""`` (the reverse of ``source_uri``)."""
    path = src_uri.removesuffix(".md").removesuffix("index").rstrip("/")
    return f"{path}/" if path else ""


def relative_url(from_url: str, to_url: str) -> str:
    """A link from one page to another that works under any base path (``../../areas/x/``)."""
    from_dir = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    target = posixpath.relpath("/" + to_url, "/" + from_dir)
    if to_url.endswith("/") and not target.endswith("/"):
        target += "/"
    return "./" if target in (".", "./") else target


def absolute_url(site_url: str, url: str) -> str:
    """The full address of a page, for citations, feeds and structured data."""
    return site_url.rstrip("/") + "/" + url.lstrip("/")
