"""Every address a story's or area's text makes the page link to or load, read from the HTML.

Markdown has many ways to write an address: inline links and images, reference definitions
(``[r]: file.pdf`` used by ``![c][r]``), autolinks, raw HTML with ``href``, ``src``, ``srcset``
or ``poster``, attribute lists. Rather than a regular expression for each, the body is rendered
with Python-Markdown and the same extensions as ``mkdocs.yml`` (except snippets, which must never
run on content) and the addresses are read from the elements it makes. Code is text in that
HTML, so examples inside code are not addresses. MkDocs itself is not imported.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown

# As in mkdocs.yml (tests/test_body_targets.py keeps the two in step), without pymdownx.snippets.
EXTENSIONS = [
    "toc",
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "def_list",
    "pymdownx.details",
    "pymdownx.superfences",
]
EXTENSION_CONFIGS = {"toc": {"permalink": True}, "tables": {"use_align_attribute": True}}

# Attributes holding addresses; those a browser fetches by itself are "loads".
_LINK_ATTRIBUTES = frozenset(
    {
        "href",
        "cite",
        "action",
        "formaction",
        "longdesc",
        "xlink:href",
        "ping",
        "profile",
        "codebase",
        "usemap",
        "itemid",
        "itemtype",
    }
)
_LOAD_ATTRIBUTES = frozenset(
    {
        "src",
        "srcset",
        "imagesrcset",
        "poster",
        "data",
        "background",
        "lowsrc",
        "dynsrc",
        "manifest",
        "icon",
        "archive",
        "classid",
    }
)
_LOADING_LINKS = frozenset(
    {"link", "image", "use", "feimage", "script"}
)  # their href= is fetched too


@dataclass(frozen=True)
class Target:
    """One address in the rendered text: ``tag`` and ``attribute`` it sits in, the address as the
    browser reads it, whether the browser fetches it without a click, and the body's line."""

    tag: str
    attribute: str
    url: str
    loads: bool
    line: int


def body_targets(body: str, first_line: int = 1) -> list[Target]:
    """Every link and resource address in a Markdown body, with the line it is written on
    (``first_line`` is the file line the body starts on)."""
    found = _targets(body)
    if isinstance(found, str):
        return []  # it cannot be rendered, so it publishes nothing: unreadable() says why
    return [
        Target(tag, attribute, url, loads, first_line + offset)
        for tag, attribute, url, loads, offset in found
    ]


def unreadable(body: str) -> str | None:
    """Why Python-Markdown cannot render the body (with the site's settings), or None."""
    found = _targets(body)
    return found if isinstance(found, str) else None


@functools.lru_cache(maxsize=32_768)  # the check, then the build, ask for the same bodies
def _targets(body: str) -> tuple[tuple[str, str, str, bool, int], ...] | str:
    if not _may_name_a_file_or_load(body):
        return ()
    converter = _converter()
    converter.reset()
    collector = _Collector()
    try:
        html = converter.convert(body)
    except Exception as error:  # an extension's bug on odd input must be a message, not a crash
        return f"{type(error).__name__}: {error}"
    collector.feed(html)
    collector.close()
    return tuple(
        (tag, attribute, url, loads, _line_of(body, url))
        for tag, attribute, url, loads in collector.found
    )


# After "](" or "]:" (a link or a reference definition), what every address starts with when
# it is a plain web, email, phone or archive link: such a body needs no rendering (most do not).
_LINK_OPENING = re.compile(r"\]\(|\]:")
_PLAIN_LINK = re.compile(r"\s*(?:https?://|mailto:|tel:|story:|area:|#)", re.IGNORECASE)


def _may_name_a_file_or_load(body: str) -> bool:
    """Whether the body could hold an address of a file or something a browser loads: any raw
    HTML or autolink (<), attribute list ({), image (![), or link to anything but a plain web,
    email, phone or archive address. Rendering costs a few milliseconds a story; this is exact
    enough to skip it for most, and errs towards rendering."""
    if "<" in body or "{" in body or "![" in body:
        return True
    return any(not _PLAIN_LINK.match(body, match.end()) for match in _LINK_OPENING.finditer(body))


_CONVERTER: list[markdown.Markdown] = []


def _converter() -> markdown.Markdown:
    """One converter per process, reset between bodies (making one costs more than converting)."""
    if not _CONVERTER:
        _CONVERTER.append(
            markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
        )
    return _CONVERTER[0]


def _line_of(body: str, url: str) -> int:
    """Lines into the body where ``url`` is written: its last mention wins, since a reference
    definition (where the address is given) comes after the image or link using it."""
    for candidate in (url, url.replace("&", "&amp;"), url.replace(" ", "%20")):
        found = body.rfind(candidate)
        if found != -1 and candidate:
            return body.count("\n", 0, found)
    return 0


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.split():
                        self.found.append((tag, name, candidate.split()[0], True))
            elif name in _LOAD_ATTRIBUTES:
                self.found.append((tag, name, value.strip(), True))
            elif name in _LINK_ATTRIBUTES:
                self.found.append(
                    (tag, name, value.strip(), name == "href" and tag in _LOADING_LINKS)
                )
            elif name == "style" and "url(" in value.lower():
                for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", value, re.IGNORECASE):
                    self.found.append((tag, name, url.strip(), True))

    handle_startendtag = handle_starttag
