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
from dataclasses import dataclass
from urllib.parse import urlsplit

PREVIEW_ENV = "VOICES_PREVIEW"
SITE_URL_ENV = "VOICES_SITE_URL"
TAKEDOWN_ENV = "VOICES_TAKEDOWN"
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
        raise SiteUrlError(
            f"{SITE_URL_ENV} “{value}” is not a web address (give the preview's full "
            "address, e.g. https://example.org/voices-of-big-local/pr-preview/pr-12/)"
        )
    return value.rstrip("/") + "/"


def noindex(page_html: str) -> str:
    """The page with a robots ``noindex`` tag in its head (kept as it is when it has one:
    withdrawal notices, redirects and the 404 page already say noindex)."""
    if _ROBOTS.search(page_html):
        return page_html
    return _HEAD.sub(lambda head: f"{head.group(0)}\n{NOINDEX}", page_html, count=1)


@dataclass(frozen=True)
class BuildMode:
    """What kind of build this is, and what follows from it for the hooks."""

    command: str  # the generator's: "build" or "serve"
    preview: bool  # drafts shown (serve, or a pull request's preview)
    takedown: bool  # the emergency path: docs/guide/takedown.md
    offline: bool  # the offline copy: file addresses (voices/publish/offline.py)
    site_url: str | None  # where a preview is served, when not at archive.yml's address

    @classmethod
    def of(cls, command: str, environ: Mapping[str, str], offline: bool) -> BuildMode:
        """From the command and the environment; raises SiteUrlError for a bad ``VOICES_SITE_URL``."""
        return cls(
            command,
            command == "serve" or is_preview(environ),
            environ.get(TAKEDOWN_ENV) == "1",
            offline,
            site_url_override(environ),
        )

    @property
    def checks(self) -> bool:
        """Audit, feeds and addresses: every build, not the live preview of ``serve``."""
        return self.command == "build"

    @property
    def indexing(self) -> bool:
        """Pagefind cannot run from file://: the offline copy has no search index."""
        return self.checks and not self.offline

    @property
    def records_addresses(self) -> bool:
        """Only a normal build promises addresses for good: not an emergency, a preview or a copy."""
        return not (self.takedown or self.preview or self.offline)

    @property
    def publishes_registry(self) -> bool:
        """The site serves urls.txt for the next deploy: not a preview's or the offline copy."""
        return not (self.preview or self.offline)
