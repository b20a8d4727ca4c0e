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

The same reading finds markup that runs script: event-handler attributes (``onerror=``) and
``javascript:``, ``vbscript:`` or script-bearing ``data:`` addresses, however their letters are
written (character references, tabs and newlines inside). The audit runs both on every build;
``markup_findings`` reads only the tags that could matter, found at regular-expression speed,
so a site of 10,000 stories is not put through the slow HTML parser whole.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

# Attributes whose address the browser fetches while showing the page.
_FETCHED = {"img": ("src", "srcset"), "source": ("src", "srcset"), "script": ("src", "href", "xlink:href"), "iframe": ("src",),
            "frame": ("src",), "audio": ("src",), "video": ("src", "poster"), "track": ("src",),
            "embed": ("src",), "object": ("data", "codebase"), "input": ("src",), "link": ("href", "imagesrcset"),
            "image": ("href", "xlink:href"), "use": ("href", "xlink:href"), "feimage": ("href", "xlink:href"),
            "a": ("ping",), "area": ("ping",), "base": ("href",)}
# Legacy attributes any element may carry that a browser still fetches.
_FETCHED_ANYWHERE = ("background",)
# Attributes whose value is an address a browser may follow, load or run.
_URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "data", "poster", "xlink:href",
                             "background", "cite", "longdesc", "ping", "codebase", "manifest", "icon",
                             "dynsrc", "lowsrc", "imagesrcset", "values", "to", "from", "by"})
# Only pictures, sound and fonts may be written into a page as data: addresses.
_SAFE_DATA = re.compile(r"data:(?:image/(?:png|jpeg|gif|webp|avif|bmp|x-icon)|audio/|video/|font/)")
_REFRESH_URL = re.compile(r"url\s*=\s*(.+)", re.IGNORECASE | re.DOTALL)
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_SCRIPTING_SCHEMES = ("javascript:", "vbscript:", "livescript:", "mocha:")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.IGNORECASE)
_QUOTED = r"""(['"`])((?:https?:)?//[^'"`\s]+)"""
_JS_REQUEST = re.compile(
    r"(?:\bfetch|\bimport|\bimportScripts|\bnew\s+(?:Shared)?Worker|\bnew\s+EventSource|\bnew\s+WebSocket"
    r"|\bsendBeacon|\bserviceWorker\.register|\.open\(\s*['\"][A-Z]+['\"]\s*,)\s*\(?\s*" + _QUOTED
    + r"|\bimport\s[^;'\"`]*?\bfrom\s*" + _QUOTED)
_MERMAID = re.compile(r"""<pre\b[^>]*\bclass\s*=\s*["'][^"']*\bmermaid\b""", re.IGNORECASE)


def is_off_site(address: str, site_url: str) -> bool:
    """True for an address a browser would fetch from outside the archive's own site: ``https://``,
    ``//``, ``\\\\host``, or ``http:host`` from an https page, read as a browser reads them."""
    own = urlsplit(site_url)
    address = _as_browser_reads(address)
    scheme, rest = ("", address)
    if match := _SCHEME.match(address):
        scheme, rest = match.group(1).lower(), address[match.end():]
    if scheme in ("http", "https") and scheme != own.scheme:
        rest = "//" + rest.lstrip("/")  # another scheme than the page's names a host, slashes or not
    if not rest.startswith("//") or scheme not in ("", "http", "https", "ftp", "ws", "wss"):
        return False  # relative, data:, mailto: and the like fetch nothing from elsewhere
    parts = urlsplit(f"{own.scheme}:{rest}")
    return not (parts.netloc.lower() == own.netloc.lower() and (parts.path or "/").startswith(own.path or "/"))


def _as_browser_reads(address: str) -> str:
    """An address as a browser's URL parser sees it: outer spaces and controls gone, tabs and
    newlines inside removed, backslashes read as slashes."""
    return re.sub(r"[\t\n\r]", "", address).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
                                                    "\x1c\x1d\x1e\x1f ").replace("\\", "/")


def scripting_address(value: str) -> bool:
    """True for an address that runs script or shows a page of its own when followed."""
    address = _as_browser_reads(value).lower()
    if address.startswith(_SCRIPTING_SCHEMES):
        return True
    return address.startswith("data:") and not _SAFE_DATA.match(re.sub(r"\s", "", address))


class _Fetched(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.styles: list[tuple[int, str]] = []  # (line, CSS) from <style> and style=
        self.scripting: list[tuple[int, str]] = []  # (line, what) of markup that runs script
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        names = _FETCHED.get(tag, ()) + _FETCHED_ANYWHERE
        refresh = any(n == "http-equiv" and (v or "").strip().lower() == "refresh" for n, v in attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.scripting.append((line, f"<{tag} {name}=...> (an event handler runs script)"))
            if name == "srcdoc":
                self.scripting.append((line, f"<{tag} srcdoc=...> (a page written inside an attribute)"))
            if value is None:
                continue
            if name == "content" and refresh and (target := _REFRESH_URL.search(value)):
                value = target.group(1).strip().strip("'\"")  # the page loads it by itself
                self.found.append((line, value))
                name = "href"
            if name in _URL_ATTRIBUTES and scripting_address(value):
                self.scripting.append((line, f"<{tag} {name}=\"{value.strip()[:40]}\"> (an address that runs script)"))
            if name == "style":
                self.styles.append((line, value))
            elif name in names and name.endswith("srcset"):
                self.found += [(line, part.split()[0]) for part in value.split(",") if part.strip()]
            elif name in names:
                self.found.append((line, value))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

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


def scripting_in_html(text: str) -> list[tuple[int, str]]:
    """(line, what) of every event handler and script-running address in a page (or feed)."""
    parser = _Fetched()
    parser.feed(text)
    return parser.scripting


_W = r"[\t\n\r]*"  # a browser drops tabs and newlines inside an address

# The places in a page (lowercased) where markup could fetch or run something: tags that fetch,
# attributes that run script or hold styles, character references (which may spell anything),
# "script:" and "data:" however split. The rest of a page is skipped unparsed. Separate
# patterns, each starting with few characters, are many times faster than one alternation.
_SPOTS = [re.compile(pattern) for pattern in (
    (r"<(?:img|source|script|iframe|frame|audio|video|track|embed|object|applet|input|link|image|use"
     r"|feimage|meta|style|base|animate|set|pre)(?=[\s/>])"),
    r"""(?:on[a-z]|style|background|ping|srcdoc)[^\s=>"'/]*\s*=""",  # an attribute if a tag holds it
    r"&#|&(?!(?:amp|lt|gt|quot|nbsp|apos);)[a-z]",
    _W.join("script") + _W + "(?::|&)",
    _W.join("data") + _W + "(?::|&)")]
# One start tag, quoted values and all (a ">" inside quotes does not end it).
_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>""")
_STYLE_END = re.compile(r"</style", re.IGNORECASE)


def _markup_that_matters(text: str) -> list[tuple[int, str]]:
    """(line, markup) of each tag of a page (and ``<style>`` element) that could fetch or run
    anything; parsing them gives the same findings as parsing the whole page."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: read the page whole
        return [(1, text)]
    tags: dict[int, int] = {}  # start → end
    for spot in sorted(match.end() - 1 for pattern in _SPOTS for match in pattern.finditer(lowered)):
        start = text.rfind("<", 0, spot + 1)
        if start < 0 or start in tags:
            continue
        tag = _TAG.match(text, start)
        if tag is None or tag.end() <= spot:
            continue  # text between tags, or a script's or style's own text
        end = tag.end()
        if lowered.startswith("<style", start):
            close = _STYLE_END.search(text, end)
            end = close.start() if close else len(text)
        tags[start] = end
    found, line, position, taken = [], 1, 0, 0
    for start, end in sorted(tags.items()):
        if start < taken:
            continue  # inside a style element taken whole
        line += text.count("\n", position, start)
        position = taken = end
        markup = text[start:end]
        if lowered.startswith("<script", start):  # closed, or the parser reads on as its text
            markup += "</script>"
        elif lowered.startswith("<style", start):
            markup += "</style>"
        found.append((line, markup))
        line += markup.count("\n")
    return found


@functools.lru_cache(maxsize=8192)
def _findings_in_markup(markup: str, site_url: str, requests: bool) -> tuple[tuple[int, str], ...]:
    """(line within ``markup``, what is wrong); cached: the theme's tags repeat on every page."""
    parser = _Fetched()
    parser.feed(markup)
    parser.close()
    found = list(parser.scripting)
    if requests:
        fetched = list(parser.found)
        for line, css in parser.styles:
            fetched += [(line + offset, address) for offset, address in _css_requests(css)]
        found += [(line, f"loads {address} from another site") for line, address in fetched
                  if is_off_site(address, site_url)]
        found += [(markup.count("\n", 0, m.start()) + 1, "a Mermaid diagram, which Material loads from unpkg.com")
                  for m in _MERMAID.finditer(markup)]
    return tuple(found)


def markup_findings(text: str, site_url: str, requests: bool = True) -> list[tuple[int, str]]:
    """(line, what is wrong) in a page or feed: every request to another site (with
    ``requests``) and every event handler or script-running address, read at speed."""
    found = []
    for line, markup in _markup_that_matters(text):
        found += [(line + offset - 1, what) for offset, what in _findings_in_markup(markup, site_url, requests)]
    return sorted(found)


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
