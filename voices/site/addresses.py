"""The archive's addresses: one place that says where every kind of page lives.

Site paths here have no leading slash and end in ``/`` (``stories/par-bay/``): the site may be
served under a sub-path (GitHub project pages) or at a domain root, so pages link to each other
with relative URLs computed by ``relative_url``.
"""

from __future__ import annotations

import posixpath

# The browse pages, each at /<group>/ with an entry per theme, region, ... (voices/site/plan.py).
BROWSE_GROUPS = ("themes", "regions", "programmes", "kinds", "years")

# What the build writes at the top of the site besides the hand-written pages of docs/ (whose
# names are read from that folder): the story and area pages and their lists, the browse
# pages, the staff's page of gaps, feeds, open data and the published schemas, the search page
# and its index, the theme's files, the 404 page, sitemaps and the address registry; and names
# static hosts give a meaning to. Nothing in the content may take one of these addresses
# (tests/test_addresses.py builds a site and checks the list is complete).
GENERATED_TOP_LEVEL = frozenset({
    "stories", "areas", *BROWSE_GROUPS, "staff", "feed.xml", "data", "schema", "search", "pagefind",
    "assets", "index.html", "404.html", "sitemap.xml", "sitemap.xml.gz", "urls.txt",
    "robots.txt", "favicon.ico", "CNAME", ".nojekyll", ".well-known",
})

# Names a story, an area or a taxonomy entry cannot have: /stories/index/ would be the list of
# all stories, /themes/index/ the list of themes.
RESERVED_SLUGS = frozenset({"index"})


def redirect_file(alias: str) -> str:
    """The file an alias's redirect page is written to: ``/news/a.html`` → ``news/a.html``,
    ``/stories/old/`` → ``stories/old/index.html``."""
    alias = alias.lstrip("/")
    return alias if alias.endswith(".html") else alias.rstrip("/") + "/index.html"


def story_url(slug: str) -> str:
    return f"stories/{slug}/"


def area_url(slug: str) -> str:
    return f"areas/{slug}/"


def story_slug(address: str) -> str | None:
    """The slug an address under /stories/ names: ``/stories/old/`` → ``old`` (a story's
    ``aliases``); None for an address elsewhere."""
    path = address.strip("/")
    return path.removeprefix("stories/") if path.startswith("stories/") else None


def listing_url(group: str, slug: str, page: int = 1) -> str:
    """A browse page: ``themes/environment/``, and ``themes/environment/page/2/`` after the first."""
    base = f"{group}/{slug}/"
    return base if page == 1 else f"{base}page/{page}/"


def source_uri(url: str) -> str:
    """The generated Markdown file behind a page URL: ``stories/x/`` → ``stories/x.md``."""
    if url in ("", "/"):
        return "index.md"
    return url.rstrip("/") + ".md"


def page_source(url: str, folder: bool = False) -> str:
    """The generated Markdown behind a story's or area's page: ``stories/x/`` → ``stories/x.md``,
    or ``stories/x/index.md`` for one kept in a folder, so that the files written beside it
    resolve as they do in the repository."""
    return url + "index.md" if folder else source_uri(url)


def index_source(section: str) -> str:
    """The generated Markdown of a section's own page: ``areas`` → ``areas/index.md``."""
    return f"{section}/index.md"


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
