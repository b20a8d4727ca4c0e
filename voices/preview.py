"""Preview builds: a pull request's site as staff see it before it is merged.

A preview differs from the published site in four ways only:

- drafts are shown, each with its "Draft" banner (``SiteBuild.load(preview=True)``);
- it lives at its own address (``<site>/pr-preview/pr-12/``), given by ``VOICES_SITE_URL``,
  so its canonical links, feeds and sitemap point at the preview and not at the live site;
- every page asks search engines not to index it (GitHub Pages sends no headers, so this is
  a meta tag on each page);
- it never records addresses in ``urls.txt``: a draft's address is not a promise yet.

The mode comes from the environment so that ``./scripts/build --preview`` and the workflows
can pass it through MkDocs to the hooks, as ``VOICES_TAKEDOWN`` does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

PREVIEW_ENV = "VOICES_PREVIEW"
SITE_URL_ENV = "VOICES_SITE_URL"
NOINDEX = '<meta name="robots" content="noindex">'
_ROBOTS = re.compile(r"<meta\s+name=[\"']robots[\"']", re.IGNORECASE)
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)


class SiteUrlError(ValueError):
    """``VOICES_SITE_URL`` is set but is not a web address."""


def is_preview(environ: Mapping[str, str]) -> bool:
    """True when the build was asked for a preview (``VOICES_PREVIEW=1``)."""
    return environ.get(PREVIEW_ENV, "") == "1"


def site_url_override(environ: Mapping[str, str]) -> str | None:
    """The address this build is served at, when it is not archive.yml's ``site_url``
    (a pull request's preview); always ending in ``/``. None when not set."""
    value = environ.get(SITE_URL_ENV, "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SiteUrlError(f"{SITE_URL_ENV} “{value}” is not a web address (give the preview's full "
                           "address, e.g. https://example.org/voices-of-big-local/pr-preview/pr-12/)")
    return value.rstrip("/") + "/"


def noindex(page_html: str) -> str:
    """The page with a robots ``noindex`` tag in its head (kept as it is when it has one:
    withdrawal notices, redirects and the 404 page already say noindex)."""
    if _ROBOTS.search(page_html):
        return page_html
    return _HEAD.sub(lambda head: f"{head.group(0)}\n{NOINDEX}", page_html, count=1)
