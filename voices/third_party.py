"""Requests the built site would make to other sites: there must be none.

The archive has to work unchanged when every other server is gone, and a reader's visit must
not be reported to anyone else. This reads every HTML, CSS and JavaScript file of a built site
and lists each reference a browser would fetch from elsewhere: ``src`` and ``srcset``,
``<link href>``, ``url()`` and ``@import`` in styles, and ``fetch``/``import``/worker calls
with an absolute address in scripts. Links for people to follow (``<a href>``) are not requests.

Material's bundled script holds three addresses it can load from, none by a literal call this
scan matches: a ResizeObserver polyfill (only in browsers older than 2020), Mermaid (only on
a page with a ``<pre class="mermaid">``, flagged here) and the GitHub or GitLab API (only
when ``repo_url`` is set in mkdocs.yml, which the tests forbid).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

# Attributes whose address the browser fetches while showing the page.
_FETCHED = {"img": ("src", "srcset"), "source": ("src", "srcset"), "script": ("src",), "iframe": ("src",),
            "frame": ("src",), "audio": ("src",), "video": ("src", "poster"), "track": ("src",),
            "embed": ("src",), "object": ("data",), "input": ("src",), "link": ("href", "imagesrcset"),
            "image": ("href", "xlink:href"), "use": ("href", "xlink:href")}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.IGNORECASE)
_QUOTED = r"""(['"`])((?:https?:)?//[^'"`\s]+)"""
_JS_REQUEST = re.compile(
    r"(?:\bfetch|\bimport|\bimportScripts|\bnew\s+(?:Shared)?Worker|\bnew\s+EventSource|\bnew\s+WebSocket"
    r"|\bsendBeacon|\bserviceWorker\.register|\.open\(\s*['\"][A-Z]+['\"]\s*,)\s*\(?\s*" + _QUOTED
    + r"|\bimport\s[^;'\"`]*?\bfrom\s*" + _QUOTED)
_MERMAID = re.compile(r"""<pre\b[^>]*\bclass\s*=\s*["'][^"']*\bmermaid\b""", re.IGNORECASE)


def is_off_site(address: str, site_url: str) -> bool:
    """True for an absolute address (``https://``, ``//``) outside the archive's own site."""
    address = address.strip()
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https", "") or not parts.netloc:
        return False  # relative, data:, mailto: and the like fetch nothing from elsewhere
    own = urlsplit(site_url)
    return not (parts.netloc == own.netloc and (parts.path or "/").startswith(own.path or "/"))


class _Fetched(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.styles: list[tuple[int, str]] = []  # (line, CSS) from <style> and style=
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        names = _FETCHED.get(tag, ())
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self.styles.append((line, value))
            elif name in names and name.endswith("srcset"):
                self.found += [(line, part.split()[0]) for part in value.split(",") if part.strip()]
            elif name in names:
                self.found.append((line, value))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append((self.getpos()[0], data))


def _css_requests(css: str) -> list[tuple[int, str]]:
    found = []
    for match in _CSS_URL.finditer(css):
        found.append((css.count("\n", 0, match.start()), match.group(2) or match.group(4)))
    return found


def requests_in_html(text: str) -> list[tuple[int, str]]:
    """(line, address) of everything a page fetches, styles inside it included."""
    parser = _Fetched()
    parser.feed(text)
    found = list(parser.found)
    for line, css in parser.styles:
        found += [(line + offset, address) for offset, address in _css_requests(css)]
    for match in _MERMAID.finditer(text):
        found.append((text.count("\n", 0, match.start()) + 1, "https://unpkg.com/mermaid (Material loads it for this diagram)"))
    return found


def requests_in_css(text: str) -> list[tuple[int, str]]:
    return [(offset + 1, address) for offset, address in _css_requests(text)]


def requests_in_js(text: str) -> list[tuple[int, str]]:
    """Absolute addresses a script fetches by a literal call: ``fetch("https://…")``, ``import``,
    workers, event sources, sockets, beacons. Strings that are only shown or compared do not count."""
    found = []
    for match in _JS_REQUEST.finditer(text):
        address = match.group(2) or match.group(4)
        found.append((text.count("\n", 0, match.start()) + 1, address))
    return found


def third_party_requests(site_dir: Path, site_url: str) -> list[str]:
    """``file:line: address`` for every request a built site would make to another site."""
    readers = {".html": requests_in_html, ".htm": requests_in_html, ".css": requests_in_css,
               ".js": requests_in_js, ".mjs": requests_in_js}
    problems = []
    for file in sorted(site_dir.rglob("*")):
        read = readers.get(file.suffix.lower())
        if read is None or not file.is_file():
            continue
        rel = file.relative_to(site_dir).as_posix()
        for line, address in read(file.read_text(encoding="utf-8", errors="replace")):
            if address.startswith("https://unpkg.com/mermaid") or is_off_site(address, site_url):
                problems.append(f"{rel}:{line}: {address}")
    return problems
