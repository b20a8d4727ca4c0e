"""The offline copy: the same site built with file addresses (``stories/x.html``), so it opens
from a folder, a USB stick or a preservation package with no web server.

MkDocs turns the generated pages' ``.md`` links into ``.html`` ones by itself; this module
covers what it cannot: the redirect pages, the search page (Pagefind cannot run from
``file://``, so it points to the browse lists instead), the online address each page stands
for, and a check that every link and file reference in the copy leads to a file.
"""

from __future__ import annotations

import posixpath
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from voices.content.settings import ArchiveSettings
from voices.site.addresses import absolute_url, index_source, page_source, page_url, redirect_file
from voices.site.pages import link
from voices.site.plan import SitePlan
from voices.site.redirects import redirect_html  # the online build's redirect page, same wording

OFFLINE_CONFIG = "mkdocs.offline.yml"
OFFLINE_SITE = "site-offline"


def page_file(src_uri: str) -> str:
    """Where a page source is written in the offline copy: ``stories/x.md`` → ``stories/x.html``."""
    return src_uri.removesuffix(".md") + ".html"


def online_url(dest_uri: str) -> str:
    """The site path the online site serves a page of the offline copy at:
    ``stories/x.html`` and ``stories/x/index.html`` → ``stories/x/``; ``index.html`` → ``""``."""
    return page_url(dest_uri.removesuffix(".html") + ".md")


def redirect_files(
    plan: SitePlan, page_sources: set[str], settings: ArchiveSettings
) -> dict[str, str]:
    """The redirect pages at old addresses, pointing at the pages' files rather than folders."""
    files = {}
    for alias, target in plan.redirects.items():
        path = redirect_file(alias)
        folder_form = page_source(target, folder=True)
        source = folder_form if folder_form in page_sources else page_source(target)
        relative = posixpath.relpath(page_file(source), posixpath.dirname(path) or ".")
        files[path] = redirect_html(relative, absolute_url(settings.site_url, target))
    return files


def search_page(settings: ArchiveSettings, src: str = "search.md") -> str:
    """The search page of the offline copy: search needs the website; the browse lists reach
    every story without it."""
    online = absolute_url(settings.site_url, "search/")
    return "\n".join(
        [
            "# Search the archive",
            "",
            (
                "This is the offline copy of the archive, opened from files on this computer. Searching "
                "needs the archive's website: when you are online, "
                f"[search the archive there]({online})."
            ),
            "",
            "Every story can be reached from these lists, which work offline:",
            "",
            f"- [Areas A to Z]({link(src, index_source('areas'))}), each with all its stories",
            f"- [Regions]({link(src, index_source('regions'))})",
            f"- [Themes]({link(src, index_source('themes'))})",
            f"- [Timeline: stories by year]({link(src, index_source('years'))})",
            (
                f"- [Programmes]({link(src, index_source('programmes'))}) and "
                f"[kinds of story]({link(src, index_source('kinds'))})"
            ),
            f"- [Latest stories]({link(src, index_source('stories'))})",
            "",
        ]
    )


def build_offline(root: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """Build the offline copy of the archive at ``root`` into ``site_dir`` (runs MkDocs, which
    checks the content and audits the result as every build does)."""
    import os

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(root / OFFLINE_CONFIG),
            "-d",
            str(site_dir),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=root,
    )


# --- every reference leads to a file --------------------------------------------------------

_REFERENCES = {
    "a": ("href",),
    "link": ("href",),
    "area": ("href",),
    "script": ("src",),
    "iframe": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "form": ("action",),
}


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = _REFERENCES.get(tag, ())
        for name, value in attrs:
            if name not in names or value is None:
                continue
            if name == "srcset":
                self.found += [
                    (self.getpos()[0], part.strip().split()[0])
                    for part in value.split(",")
                    if part.strip()
                ]
            else:
                self.found.append((self.getpos()[0], value.strip()))


def references(page_html: str) -> list[tuple[int, str]]:
    """(line, address) of every link and file reference in a page."""
    parser = _References()
    parser.feed(page_html)
    return parser.found


def broken_references(site_dir: Path) -> list[str]:
    """``file:line: address`` for every local link or file reference in the copy's HTML pages
    that does not lead to a file (a folder does not count: ``file://`` shows no index page).

    ``404.html`` is left out: only a web server shows it, at whatever address was asked for,
    so its links start from the site's root on purpose.
    """
    broken = []
    for page in sorted(site_dir.rglob("*.html")):
        rel = page.relative_to(site_dir).as_posix()
        if rel == "404.html":
            continue
        for line, address in references(page.read_text(encoding="utf-8", errors="replace")):
            parts = urlsplit(address)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, mailto:, data:, or a place on the same page
            path = unquote(parts.path)
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
                if not path.startswith("/")
                else None
            )
            if target is None or target.startswith("..") or not (site_dir / target).is_file():
                broken.append(f"{rel}:{line}: {address}")
    return broken
