"""Raw HTML in story and area bodies: a short safe list, and for the rest a problem with a fix.

Markdown passes raw HTML through untouched, so a pasted YouTube embed, a ``<script>`` or an
``onclick=`` would reach the published page. ``body_problems`` reports each one, with its line
and what to write instead; nothing is dropped silently. ``sanitize`` is the second line of
defence: the build runs rendered story HTML through it, so whatever the checks miss still never
reaches a reader.

Code is not checked, since staff may show ``<script>`` as an example: fenced and indented code
blocks, code spans and HTML comments are blanked out first (same length and newlines, so line
numbers stay right), following the rules of Python-Markdown and SuperFences. Where the body
could be read two ways, only text that every reading hides is blanked: a doubtful case is
reported, never skipped.
"""

from __future__ import annotations

import bisect
import html
import re
from html.parser import HTMLParser

import nh3

from voices.content.code_masking import MARKDOWN_SWITCH, blank, line_starts, mask_code
from voices.content.problems import Problem

FIELD = "body"

# --- What raw HTML may contain --------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {
        "abbr",
        "b",
        "br",
        "cite",
        "code",
        "del",
        "details",
        "summary",
        "em",
        "figure",
        "figcaption",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "u",
        "time",
        "div",
        "p",
        "blockquote",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "caption",
        "pre",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    }
)
# ``markdown`` is md_in_html's switch; it never reaches the page.
_ANY_TAG_ATTRIBUTES = frozenset({"title", "lang", "dir", "markdown"})
_TAG_ATTRIBUTES = {
    "time": {"datetime"},
    "del": {"datetime", "cite"},
    "ins": {"datetime", "cite"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "details": {"open"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan", "scope"},
}

_EMBED_HINT = (
    "the archive never embeds other sites: link to the video, or add it under media: "
    "with url: and its transcript"
)
_TAG_HINTS = {
    "script": "scripts never run on the archive; remove it",
    **dict.fromkeys(
        ("iframe", "embed", "object", "frame", "frameset", "applet", "portal"), _EMBED_HINT
    ),
    "img": "use Markdown: ![what the picture shows](photo.jpg)",
    **dict.fromkeys(
        ("audio", "video", "source", "track"), "list it under media: in the front matter"
    ),
    **dict.fromkeys(
        ("form", "input", "button", "select", "textarea", "option", "label", "fieldset"),
        "the archive has no forms: link to the form instead, e.g. [Fill in the form](https://...)",
    ),
    **dict.fromkeys(("style", "link"), "formatting is done by the site's theme; remove it"),
    **dict.fromkeys(("meta", "base"), "page details come from the front matter; remove it"),
    **dict.fromkeys(
        ("svg", "math"),
        "SVG and MathML can carry scripts: save it as a picture "
        "(PNG or JPEG) and use ![what it shows](picture.png)",
    ),
    "a": "write the link in Markdown: [text](https://...)",
    "h1": "the title is the page's only top-level heading; start a heading with ## instead",
}

# Link targets: the web, email, phone, and the archive's own story:<slug> and area:<slug>.
# Relative paths and #anchors have no scheme at all.
_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel", "story", "area"})
_SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript"})
_LINK_HINT = (
    "a link may go to a web page (https://...), an email address (mailto:), a phone "
    "number (tel:), a story (story:its-file-name) or an area (area:its-file-name)"
)

# What an attribute list ({: ... }) may add besides #id and .class.
_ATTR_LIST_KEYS = frozenset(
    {"id", "class", "title", "lang", "dir", "alt", "width", "height", "loading"}
)
_ATTR_LIST_HINT = "remove the {: ... } part; the theme does the formatting"


def body_problems(
    body: str, path: str, first_line: int, masked: str | None = None
) -> list[Problem]:
    """Every raw HTML tag, attribute or link in a Markdown body that the archive does not allow.

    ``first_line`` is the file line the body starts on (``ParsedFile.body_line``); ``masked``
    is ``mask_code(body)`` when the caller has it already.
    """
    text = masked if masked is not None else mask_code(body)
    starts = line_starts(text)
    found: list[Problem] = []

    def report(offset: int, message: str, hint: str) -> None:
        line = first_line + bisect.bisect_right(starts, offset) - 1
        found.append(Problem(path, line, FIELD, message, hint))

    _check_links(text, report)
    _check_attribute_lists(text, report)
    _TagChecker(text, starts, report).run()
    # The same mistake can be seen twice (an autolink inside a link's <...>): say it once.
    return sorted(dict.fromkeys(found), key=lambda problem: problem.line)


# Python's HTML parser (used here, by Python-Markdown and so by the build) and Python-Markdown's
# link, attribute-list and list handling take time that grows with the square of the text (or
# recurse once per level) on some shapes: tags that do not end, thousands of "[" or "{", lists
# nested hundreds deep, very long lines. Stories are nowhere near these bounds, so a body past
# them is refused before anything parses it.
MAX_TAGS = 2_000
MAX_TAG_LENGTH = 4_000
MAX_BRACKETS = 2_000
MAX_LINE_LENGTH = 20_000
MAX_NESTING = 20
MAX_INDENT = 200
_TAG_START = re.compile(r"<[A-Za-z/!?]")
# The containers a line opens before its text: quote marks, list markers, and their spaces.
_LINE_NESTING = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))+")


def markup_limit_problem(text: str, path: str, first_line: int) -> Problem | None:
    """A problem when a body is shaped so that the parsers would take minutes (or crash) to read
    it; else None. Linear in the text, so it runs before every other check of the body."""

    def problem(offset: int, message: str, hint: str) -> Problem:
        return Problem(path, first_line + text.count("\n", 0, offset), FIELD, message, hint)

    starts = [match.start() for match in _TAG_START.finditer(text)]
    if len(starts) > MAX_TAGS:
        return problem(
            0,
            f"holds {len(starts):,} HTML tags or “<” signs before a letter; at most {MAX_TAGS:,} "
            "are allowed",
            "write the text in Markdown, or split it into several stories; write a lone < as &lt;",
        )
    ends = [match.start() for match in re.finditer(">", text)]
    for start in starts:
        index = bisect.bisect_left(ends, start)
        if index == len(ends) or ends[index] - start > MAX_TAG_LENGTH:
            return problem(
                start,
                "an HTML tag (or a “<” before a letter) here is never closed with “>”",
                "finish the tag, or write a lone < as &lt;",
            )
    for sign in "[{":
        count = text.count(sign)
        if count > MAX_BRACKETS:
            return problem(
                0,
                f"holds {count:,} “{sign}” signs; at most {MAX_BRACKETS:,} are allowed",
                "split it into several stories",
            )
    offset = 0
    for line in text.split("\n"):
        if len(line) > MAX_LINE_LENGTH:
            return problem(
                offset,
                f"a line here is {len(line):,} characters long; at most {MAX_LINE_LENGTH:,} "
                "are allowed",
                "break it into paragraphs with an empty line between them",
            )
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        nesting = _LINE_NESTING.match(line)
        levels = len(re.findall(r">|[-*+\d][.)]?(?=[ \t])", nesting.group())) if nesting else 0
        if indent > MAX_INDENT or levels > MAX_NESTING:
            return problem(
                offset,
                "lists or quotes here are nested too deep for a web page",
                f"use at most {MAX_NESTING} levels, each indented by a few spaces",
            )
        offset += len(line) + 1
    return None


# --- Checks ---------------------------------------------------------------------------------

# [text](target), up to the ")" or a blank line; what counts is where the target starts.
_INLINE_TARGET = re.compile(r"\]\(((?:[^)\n]|\n(?![ \t]*\n))*)")
# [id]: target, at the start of a line, of a list item or quote, or right after raw HTML.
_REFERENCE_TARGET = re.compile(
    r"(?:^|>)(?:[ \t>]|[*+-][ \t]|\d+\.[ \t]|:[ \t])*"
    r"\[[^\[\]\n]*\]:[ \t]*(?:\n(?:[ \t]*>)*)?[ \t]*(\S+)",
    re.MULTILINE,
)
_ANGLE_TARGET = re.compile(r"<([^<>\s]+)>")  # <https://...>, <name@example.org>, <javascript:...>


def link_targets(text: str) -> list[tuple[int, str]]:
    """Where each link or picture target starts in ``text`` (a body as ``mask_code`` leaves it),
    and the text from there: ``[t](target "title")``, ``[id]: target`` (also in lists and
    quotes) and ``<target>``. What follows the address (a title, the ">") is included."""
    return [
        (match.start(1), match.group(1))
        for pattern in (_INLINE_TARGET, _REFERENCE_TARGET, _ANGLE_TARGET)
        for match in pattern.finditer(text)
    ]


def _check_links(text: str, report) -> None:
    for offset, target in link_targets(text):
        if problem := _link_problem(target):
            report(offset, *problem)


def _link_problem(target: str) -> tuple[str, str] | None:
    scheme = url_scheme(target)
    if scheme is None or scheme in _LINK_SCHEMES:
        return None
    address = f"a link or picture address starts with {scheme}:"
    if scheme in _SCRIPT_SCHEMES:
        return f"{address}, which runs a script", _LINK_HINT
    if scheme == "data":
        return (
            f"{address}, which hides a file inside the page",
            "put the file beside the story and use its name, e.g. ![what it shows](photo.jpg)",
        )
    return f"{address}, which the archive does not allow", _LINK_HINT


def url_scheme(target: str) -> str | None:
    """The scheme a browser would find in a link target (lower case), or None for a relative one.

    Sees through what browsers see through: character references (``java&#115;cript:``), tabs
    and newlines anywhere, spaces and control characters around; and Markdown's backslash
    escapes. The brackets of ``<target>`` are dropped too.
    """
    text = target
    for _ in range(3):  # &amp;#115; is still text after one round, but be generous
        text = html.unescape(text)
    text = re.sub(r"[\t\n\r]", "", text).strip(_CONTROLS_AND_SPACE)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text.removeprefix("<"))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", text)
    return match.group(1).lower() if match else None


_CONTROLS_AND_SPACE = "".join(map(chr, range(0x21)))

# attr_list's own reading: from "{" (or "{:") to the last "}" on the line, then key=value words.
_ATTR_LIST = re.compile(r"\{:?([^\n]*)\}")
_ATTR_PAIR = re.compile(r"""([^ =}]+)=(".*?"|'.*?'|[^ =}]+)""")


# attr_list's words: key="value", key='value', key=value, or a word alone (.class, #id, or a
# name with no value at all, which attr_list passes on as None).
_ATTR_WORD = re.compile(r"""([^ =}]+)=(?:"(.*?)"|'(.*?)'|([^ =}]+))|([^ =}]+)""")
# An id a reader's link can point at: it starts with a letter (the theme's own ids start with
# "__"), then letters, digits, hyphens and underscores; no spaces, dots or other marks.
_GOOD_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _check_attribute_lists(text: str, report) -> None:
    for match in _ATTR_LIST.finditer(text):
        for pair in _ATTR_PAIR.finditer(match.group(1)):
            key = pair.group(1).lstrip("{:").lower()
            if key in _ATTR_LIST_KEYS:
                continue
            if key.startswith("on"):
                message = f"an attribute list adds an event handler ({key}=)"
            else:
                message = f"an attribute list adds {key}=, which is not allowed"
            report(match.start(1) + pair.start(), message, _ATTR_LIST_HINT)
        if _placed_as_attribute_list(text, match):
            _check_attribute_words(match.group(1), match.start(1), report)


def _placed_as_attribute_list(text: str, match: re.Match[str]) -> bool:
    """Whether attr_list reads these braces: at the end of a line (a heading or a block), or
    straight after an element such as a link or *emphasis* (no space before the brace)."""
    end = text.find("\n", match.end())
    at_line_end = not text[match.end() : end if end >= 0 else len(text)].strip()
    return at_line_end or (match.start() > 0 and not text[match.start() - 1].isspace())


def _check_attribute_words(words: str, offset: int, report) -> None:
    """Attributes without a value (``{: id }``: Python-Markdown's table of contents fails on
    it) and ids no link can use (``{#}``, ``{#two words}``, ``{#__search}``)."""
    start = len(words) - len(words.lstrip(" \t:"))
    for word in _ATTR_WORD.finditer(words, start):
        bare = word.group(5)
        if bare is not None and not bare.startswith((".", "#")):
            report(
                offset + word.start(),
                f"an attribute list gives {bare} no value",
                f'write {bare}="..." with a value, or remove it; {_ATTR_LIST_HINT}',
            )
            continue
        if bare is not None and bare.startswith("#"):
            value = bare[1:]
        elif word.group(1) and word.group(1).lower() == "id":
            value = next(part for part in word.groups()[1:4] if part is not None)
        else:
            continue
        if not _GOOD_ID.fullmatch(value):
            report(
                offset + word.start(),
                f"an attribute list sets the id “{value}”, which no link can use",
                "an id starts with a letter and has only letters, digits, hyphens and underscores, "
                "as in {#the-hall}",
            )


class _TagChecker(HTMLParser):
    """Reports each start tag that is not on the safe list, and each attribute that is not."""

    def __init__(self, text: str, starts: list[int], report) -> None:
        super().__init__(convert_charrefs=False)
        self.text, self.starts, self.report = text, starts, report
        self.tags: list[tuple[int, int]] = []  # (start, end) of each tag the parser read

    def set_cdata_mode(self, *args, **kwargs) -> None:
        """Keep reading tags inside <script> and <style>: an unclosed one must not hide the
        rest of the body, and whatever a pasted embed carries is worth reporting too."""

    def run(self) -> None:
        # Autolinks were checked as links; <!, <? and </ without a name are declarations and
        # bogus comments the parser would hide text in, while Markdown may print them as text.
        text = _ANGLE_TARGET.sub(
            lambda m: blank(m.group()) if _is_autolink(m.group(1)) else m.group(), self.text
        )
        text = re.sub(r"<(?=[!?]|/[^a-zA-Z])", " ", text)
        self.feed(text)
        self.close()
        # A tag the parser could not finish (an unclosed quote) comes back as text, yet a
        # browser may still read it as a tag. Without a ">" or a quoted value after it, as in
        # "a<b", Markdown prints it as text.
        tag_starts = [start for start, _ in self.tags]
        for match in re.finditer(r"""<([a-zA-Z][^\s/>]*)(?=[^<]*?(?:>|=\s*["']))""", text):
            before = bisect.bisect_right(tag_starts, match.start()) - 1
            if before >= 0 and match.start() < self.tags[before][1]:
                continue  # part of a tag that was read, e.g. inside title="<b>"
            tag = match.group(1).lower()
            if tag in ALLOWED_TAGS:
                self.report(
                    match.start(),
                    f"the <{tag}> tag is never finished",
                    "check that every quote in it is closed and that it ends with >",
                )
            else:
                self.report(match.start(), *_tag_problem(tag, []))

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        offset = self._offset()
        raw = self.get_starttag_text() or ""
        self.tags.append((offset, offset + len(raw)))
        if tag not in ALLOWED_TAGS:
            self.report(offset, *_tag_problem(tag, attrs))
            return
        for name, value in attrs:
            if problem := _attribute_problem(tag, name, value or ""):
                self.report(offset, *problem)
        if re.search(r"""=\s*(?:"[^"]*[<>][^"]*"|'[^']*[<>][^']*')""", raw):
            # Markdown ends an inline tag at the first >, so the page would differ from this.
            self.report(
                offset,
                f"<{tag}> has a < or > inside an attribute value",
                "write &lt; or &gt; instead",
            )


def _is_autolink(target: str) -> bool:
    return url_scheme(target) is not None or "@" in target


def _tag_problem(tag: str, attrs: list[tuple[str, str | None]]) -> tuple[str, str]:
    message = f"the HTML tag <{tag}> is not allowed"
    hint = _TAG_HINTS.get(tag)
    if hint is None:
        return message, (
            "write it in Markdown instead, or use one of the simple tags the guide "
            f"lists, such as <em>, <abbr> or <table>; to show the text <{tag}> "
            f"itself, put it in backticks: `<{tag}>`"
        )
    if hint is _EMBED_HINT:
        for name, value in attrs:
            host = re.match(r"\s*(?:[a-zA-Z][a-zA-Z0-9+.\-]*:)?//([^/?#\s:@]+)", value or "")
            if name in ("src", "data") and host:
                message += f": it would show {host.group(1)} inside the page"
                break
    return message, hint


def _attribute_problem(tag: str, name: str, value: str) -> tuple[str, str] | None:
    allowed = _ANY_TAG_ATTRIBUTES | _TAG_ATTRIBUTES.get(tag, set())
    if name in allowed:
        if name == "markdown" and value not in MARKDOWN_SWITCH:
            return (
                f'<{tag}> has markdown="{value}"',
                'write markdown="1" to use Markdown inside it, or remove markdown=',
            )
        if name == "cite":
            return _link_problem(value)
        return None
    if name.startswith("on"):
        return (
            f"<{tag}> has an event handler ({name}=)",
            f"remove {name}=...; pages have no scripts",
        )
    if name in ("style", "class"):
        return (
            f"<{tag}> has {name}=",
            f"remove {name}=...; formatting is done by the site's theme",
        )
    if name == "id":
        return (
            f"<{tag}> has id=",
            "remove id=...; formatting is done by the site's theme, and headings get their own ids",
        )
    listed = ", ".join(f"{attribute}=" for attribute in sorted(allowed - {"markdown"}))
    return (
        f"<{tag}> has {name}=, which is not allowed",
        f"remove {name}=...; <{tag}> may only have {listed}",
    )


# --- The second line of defence -------------------------------------------------------------

_SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def _url_list_filter(element: str, attribute: str, value: str) -> str | None:
    """Ammonia checks href and src; check the other URL attributes kept here the same way."""
    if attribute == "srcset":
        urls = [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
    elif attribute == "cite":
        urls = [value]
    else:
        return value
    safe = all(url_scheme(url) in (None, *_SAFE_URL_SCHEMES) for url in urls)
    return value if safe else None


_CLEANER = nh3.Cleaner(
    tags={
        # Python-Markdown and its extensions (tables, def_list, admonition, details, toc,
        # superfences with highlighting), and the raw HTML staff may write.
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        # The archive's own generated blocks: pictures, media, sections.
        "picture",
        "source",
        "audio",
        "video",
        "track",
        "nav",
        "section",
        "aside",
    },
    clean_content_tags={"script", "style"},
    attributes={
        "*": {
            "class",
            "id",
            "lang",
            "dir",
            "title",
            "aria-label",
            "aria-labelledby",
            "aria-describedby",
            "role",
            "hidden",
        },
        "a": {"href"},
        "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
        "source": {"src", "srcset", "type", "sizes", "media"},
        "audio": {"src", "controls", "preload"},
        "video": {"src", "controls", "preload", "width", "height", "poster"},
        "track": {"kind", "src", "srclang", "label", "default"},
        "time": {"datetime"},
        "del": {"datetime", "cite"},
        "ins": {"datetime", "cite"},
        "q": {"cite"},
        "blockquote": {"cite"},
        "details": {"open"},
        "ol": {"start"},
        # Tables: align= is what the tables extension writes with use_align_attribute.
        "th": {"colspan", "rowspan", "scope", "align"},
        "td": {"colspan", "rowspan", "align"},
    },
    attribute_filter=_url_list_filter,
    url_schemes=set(_SAFE_URL_SCHEMES),
    link_rel=None,  # links are the archive's own or chosen by staff: leave rel alone
    strip_comments=True,
)


def sanitize(html_text: str) -> str:
    """Rendered story HTML with anything that is not on the allow-list removed."""
    return _CLEANER.clean(html_text)
