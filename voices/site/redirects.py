"""The redirect pages: a static page at each old address (a story's ``aliases``) that sends
readers on to where the page lives now, on any static host.

The addresses themselves (which file an alias is written to) are ``voices.site.addresses``; the offline
copy writes the same page pointing at files rather than folders (``voices.publish.offline``).
"""

from __future__ import annotations

import html

from voices.site.plan import SitePlan
from voices.content.settings import LANGUAGE, ArchiveSettings
from voices.site.addresses import absolute_url, redirect_file, relative_url


def redirect_html(relative: str, absolute: str) -> str:
    """A redirect page that works on any static host: meta refresh, canonical link, plain link."""
    rel, absolute = html.escape(relative, quote=True), html.escape(absolute, quote=True)
    return (f'<!doctype html>\n<html lang="{LANGUAGE}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Moved</title>\n<meta name=\"robots\" content=\"noindex\">\n"
            f'<link rel="canonical" href="{absolute}">\n<meta http-equiv="refresh" content="0; url={rel}">\n'
            f'</head>\n<body>\n<p>This page has moved to <a href="{rel}">{absolute}</a>.</p>\n</body>\n</html>\n')


def redirect_files(plan: SitePlan, settings: ArchiveSettings) -> dict[str, str]:
    """The online site's redirect pages: file path → HTML, one for each old address."""
    files = {}
    for alias, target in plan.redirects.items():
        path = redirect_file(alias)
        here = alias if alias.endswith(("/", ".html")) else alias + "/"
        files[path] = redirect_html(relative_url(here, target), absolute_url(settings.site_url, target))
    return files
