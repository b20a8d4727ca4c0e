"""What Python-Markdown will show as code, blanked out so the body checks skip it: fenced and
indented code, code spans and comments (read as Python-Markdown 3.11 and SuperFences read them)."""

from __future__ import annotations

import bisect
import re
from html.parser import HTMLParser

# md_in_html's markdown="..." values that make Markdown read inside a raw HTML block.
MARKDOWN_SWITCH = frozenset({"1", "block", "span"})


def mask_code(body: str) -> str:
    """The body with code and HTML comments blanked out: same length, same line breaks.

    Fenced code (SuperFences), indented code blocks and code spans (Python-Markdown) are what
    a reader sees as code; comments are never shown.
    """
    lines = body.split("\n")
    for index in _fenced_code_lines(lines):
        lines[index] = blank(lines[index])
    blocks = _RawBlocks("\n".join(lines))
    raw = blocks.raw
    for index in _indented_code_lines(lines, raw):
        lines[index] = blank(lines[index])
    text = "\n".join(lines)
    if "`" not in text and "<!--" not in text:
        return text  # no code spans or comments: nothing more to blank (the common case, fast)
    # Which backtick closes a code span depends on where Markdown's paragraphs end and on
    # which lines are raw HTML; whether "<!-- ` -->" is a comment or holds the start of a code
    # span depends on which comes first. Read it each way and blank only what every reading
    # hides, so whatever may show on the page is checked.
    readings = []
    for raw_lines in (raw, set()):
        for by_line in (False, True):
            code_first = _blank_spans(text, _code_spans(text, raw_lines, by_line))
            readings.append(
                _blank_spans(code_first, _comments(code_first, blocks.comments, by_line))
            )
            comments_first = _blank_spans(text, _comments(text, blocks.comments, by_line))
            readings.append(
                _blank_spans(comments_first, _code_spans(comments_first, raw_lines, by_line))
            )
    if all(reading == readings[0] for reading in readings):
        return readings[0]
    return "".join(c if c in kept else " " for c, *kept in zip(text, *readings))


# SuperFences (a preprocessor: it runs before anything else): an opening fence may follow any
# run of spaces, tabs and ">"; its header must be a language, {attributes} or known options,
# or it is no fence at all. The closing fence is the same fence at the same indentation.
_FENCE_OPEN = re.compile(
    r"""
    (?P<prefix>[> \t]*)(?P<fence>`{3,}|~{3,})
    (?:[ \t]*\.?[\w#.+-]+(?=[\t ]|$))?                                   # ```python
    (?:[ \t]*\{[^\n]*\}                                                  # ```{.python}
      |(?P<options>(?:[ \t]*[a-z_]+=(?:"[^"]*"|'[^']*')(?=[\t ]|$))+)    # ```py title="x"
    )?[ \t]*$""",
    re.VERBOSE,
)
_FENCE_OPTION = re.compile(r"""([a-z_]+)=(?:"([^"]*)"|'([^']*)')""")


def _known_fence_option(key: str, double_quoted: str, single_quoted: str) -> bool:
    """An option SuperFences (with highlighting) accepts; any other makes the line no fence."""
    value = double_quoted or single_quoted
    if key in ("title", "title_mode"):
        return True
    if key == "hl_lines":
        return re.fullmatch(r"\d+(?:-\d+)?(?:[ \t]+\d+(?:-\d+)?)*", value) is not None
    return key == "linenums" and re.match(r"\d", value) is not None


def _fenced_code_lines(lines: list[str]) -> set[int]:
    code: set[int] = set()
    fence = None  # (width of the prefix, its ">" count, the fence, the line it opened on)
    for index, line in enumerate(lines):
        if fence is None:
            match = _FENCE_OPEN.match(line)
            options = _FENCE_OPTION.findall(match["options"] or "") if match else []
            if match and all(_known_fence_option(*option) for option in options):
                prefix = match["prefix"]
                fence = (_width(prefix), prefix.count(">"), match["fence"], index)
            continue
        width, quotes, mark, opened = fence
        prefix = _prefix(line, width)
        content = line[len(prefix) :]
        if prefix.count(">") > quotes:
            fence = None  # a deeper quote: SuperFences gives up on the block
        elif not (content if quotes else line).strip():
            continue  # blank lines belong to the block
        elif prefix.count(">") != quotes or _width(prefix) != width:
            fence = None  # not indented enough: not a fence after all
        elif re.fullmatch(re.escape(mark) + r"[ \t]*", content):
            code.update(range(opened + 1, index))
            fence = None
    return code  # a fence never closed is not code


def _prefix(line: str, width: int) -> str:
    """The leading spaces, tabs and ">" of a line, up to ``width`` columns."""
    end = column = 0
    while end < len(line) and line[end] in "> \t" and column < width:
        column += 4 - column % 4 if line[end] == "\t" else 1
        end += 1
    return line[:end]


def _width(prefix: str) -> int:
    return len(prefix.expandtabs(4))


# Python-Markdown's block-level tags: at the start of a line they open a raw HTML block.
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "canvas",
        "center",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "group",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "main",
        "map",
        "math",
        "menu",
        "nav",
        "noscript",
        "object",
        "ol",
        "option",
        "output",
        "p",
        "pre",
        "progress",
        "script",
        "section",
        "style",
        "summary",
        "table",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "video",
    }
)


class _RawBlocks(HTMLParser):
    """The lines Python-Markdown passes through as raw HTML, where `backticks` are no code.

    Its rule: a block-level tag at the start of a line (or right after the end of the last
    raw block) opens a raw block, which lasts until that tag is closed, or to the end. With
    md_in_html's markdown="1" the inside is Markdown again. Marking too much is harmless:
    ``mask_code`` also reads the body as if no line were raw.
    """

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.lines = text.split("\n")
        self.starts = line_starts(text)
        self.stack: list[str] = []
        self.opened = 0
        self.tail = -1  # the line the last raw block ended on: what follows it starts afresh
        self.markdown_line = -1  # the line of the last markdown="1" tag: a tag after it may too
        self.raw: set[int] = set()
        self.comments: set[int] = set()  # where the comments that stand as blocks start
        self.no_close: dict[re.Pattern[str], int] = {}
        try:
            self.feed(text)
            self.close()
        except AssertionError:  # html.parser's own checks, on markup odd enough to trip them
            self.stack = [""]  # then take every line as raw: blank less, check more
            self.opened = 0
        if self.stack:
            self.raw.update(range(self.opened, len(self.lines)))

    def _at_start(self) -> bool:
        line, column = self.getpos()
        before = self.lines[line - 1][:column]
        return not self.stack and (
            not before.strip() and _width(before) <= 3 or line - 1 == self.tail
        )

    def _opens_block(self, tag: str) -> bool:
        after_markdown_tag = self.getpos()[0] - 1 == self.markdown_line
        return tag in _BLOCK_TAGS and not self.stack and (self._at_start() or after_markdown_tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "hr":  # Markdown never treats <hr> as an open element
            self.handle_startendtag(tag, attrs)
        elif self.stack:
            self.stack.append(tag)
        elif self._opens_block(tag):
            if any(name == "markdown" and value in MARKDOWN_SWITCH for name, value in attrs):
                self.markdown_line = self.getpos()[0] - 1
            else:
                self.stack.append(tag)
                self.opened = self.getpos()[0] - 1

    def set_cdata_mode(self, *args, **kwargs) -> None:
        if self.stack:  # as Markdown: only inside a raw block does <script> hide what follows
            super().set_cdata_mode(*args, **kwargs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._opens_block(tag):
            self.tail = self.getpos()[0] - 1
            self.raw.add(self.tail)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass
            if not self.stack:
                self.tail = self.getpos()[0] - 1
                self.raw.update(range(self.opened, self.tail + 1))

    # A comment, declaration or processing instruction at the start of a line is raw too.
    def handle_comment(self, data: str) -> None:
        if self._raw_construct(data):
            line, column = self.getpos()
            self.comments.add(self.starts[line - 1] + column)

    def handle_decl(self, data: str) -> None:
        self._raw_construct(data)

    def handle_pi(self, data: str) -> None:
        self._raw_construct(data)

    def unknown_decl(self, data: str) -> None:
        self._raw_construct(data)

    def _raw_construct(self, data: str) -> bool:
        if not self._at_start():
            return False
        line = self.getpos()[0] - 1
        self.tail = line + data.count("\n")
        self.raw.update(range(line, self.tail + 1))
        return True

    # Python-Markdown's own readings, where they differ from html.parser's: a comment ends at
    # "-->" or "--!>", a processing instruction only at "?>"; unclosed, each is text. "<!x>"
    # and "</ x>" (bogus comments) are text to it, never raw blocks.
    def parse_comment(self, i: int, report: bool = True) -> int:
        return self._parse_until(i, 4, _COMMENT_END, self.handle_comment if report else None)

    def parse_pi(self, i: int) -> int:
        return self._parse_until(i, 2, _PI_END, self.handle_pi)

    def parse_bogus_comment(self, i: int, report: bool = False) -> int:
        return super().parse_bogus_comment(i, False)

    def parse_html_declaration(self, i: int) -> int:
        if self.rawdata.startswith("<![", i) and not self.rawdata.startswith("<![CDATA[", i):
            return self.parse_bogus_comment(i)  # as Markdown; html.parser may raise on "<![0"
        return super().parse_html_declaration(i)

    def _parse_until(self, i: int, skip: int, end: re.Pattern[str], handle) -> int:
        closes = self.no_close.get(end)
        match = None if closes is not None and i >= closes else end.search(self.rawdata, i + skip)
        if match is None:
            self.no_close[end] = i  # none closes after this one either: don't search again
            self.handle_data(self.rawdata[i : i + skip])
            return i + skip
        if handle:
            handle(self.rawdata[i + skip : match.start()])
        return match.end()


_COMMENT_END = re.compile(r"--!?>")
_PI_END = re.compile(r"\?>")


# Lines that open a list item, definition, admonition or details block: the indented lines
# after them are the block's own text, not code.
_CONTAINER = re.compile(r" {0,3}(?:[*+-][ \t]|\d+\.[ \t]|:[ \t]|!!!|\?\?\?)")


def _indented_code_lines(lines: list[str], raw: set[int]) -> set[int]:
    """Indented code blocks: four spaces (or a tab) after a blank line, outside containers."""
    code: set[int] = set()
    in_code, after_blank, in_container = False, True, False
    for index, line in enumerate(lines):
        if not line.strip() and (index or not line):  # Markdown keeps a first line of spaces
            after_blank = True
            continue
        indented = _width(line[: len(line) - len(line.lstrip(" \t"))]) >= 4
        if index in raw or not indented and line.lstrip().startswith("<"):
            # Markdown puts a blank line after a raw block; what follows a tag on the same line
            # may open a container ("<hr>!!! note"), so take indented lines after it as text.
            in_code, after_blank, in_container = False, True, True
            continue
        if indented:
            in_code = in_code or (after_blank and not in_container)
            if in_code:
                code.add(index)
        else:
            in_code = False
            if _CONTAINER.match(line):
                in_container = True
            elif after_blank:
                in_container = False
        after_blank = False
    return code


def _code_spans(text: str, raw: set[int], by_line: bool) -> list[tuple[int, int]]:
    spans = []
    for start, end in _paragraphs(text, raw, by_line):
        spans += _code_spans_between(text, start, end)
    return spans


def _paragraphs(text: str, raw: set[int], by_line: bool) -> list[tuple[int, int]]:
    """(start, end) of each run of Markdown lines between blank lines and raw HTML, or of
    each table cell or line by itself (the finest Markdown may cut a paragraph)."""
    runs: list[tuple[int, int]] = []
    offset, joins = 0, False
    for index, line in enumerate(text.split("\n")):
        end = offset + len(line)
        markdown = bool(line.strip()) and index not in raw
        if markdown and joins:
            runs[-1] = (runs[-1][0], end)
        elif markdown and by_line:
            runs += [
                (offset + cell.start(), offset + cell.end()) for cell in re.finditer(r"[^|]+", line)
            ]
        elif markdown:
            runs.append((offset, end))
        joins = markdown and not by_line
        offset = end + 1
    return runs


_TICKS = re.compile(r"`+")
_OPENING_TICK = re.compile(r"(?<!\\)((?:\\{2})+)(?=`)|(?<!\\)`")  # markdown's BACKTICK_RE


def _code_spans_between(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Code spans as Python-Markdown 3.11 pairs backticks (BacktickInlineProcessor).

    A run of backticks closes at the next run of the same length or, failing that, at the
    longest later run if that is shorter. An unpaired run is skipped together with as many
    characters after it. A backtick after an odd number of backslashes opens nothing.
    """
    runs = [match.span() for match in _TICKS.finditer(text, start, end)]
    if not runs:
        return []
    run_starts = [run_start for run_start, _ in runs]
    by_length: dict[int, list[int]] = {}
    for index, (run_start, run_end) in enumerate(runs):
        by_length.setdefault(run_end - run_start, []).append(index)
    # longest_from[i]: the first of the longest runs from run i on (all lookups stay fast)
    longest_from = [len(runs) - 1] * len(runs)
    for index in range(len(runs) - 2, -1, -1):
        best = longest_from[index + 1]
        longer = runs[index][1] - runs[index][0] >= runs[best][1] - runs[best][0]
        longest_from[index] = index if longer else best

    spans = []
    position, after_backslashes = start, None
    while True:
        if after_backslashes is not None:  # "\\`": an escaped backslash, then a real backtick
            begin, after_backslashes = after_backslashes, None
        elif match := _OPENING_TICK.search(text, position, end):
            if match.group(1):
                after_backslashes = match.end()
                continue
            begin = match.start()
        else:
            return spans
        run = bisect.bisect_right(run_starts, begin) - 1
        ticks = runs[run][1] - begin
        same = by_length.get(ticks, [])
        following = bisect.bisect_right(same, run)
        close = None
        if following < len(same):
            close = runs[same[following]][1]
        elif run + 1 < len(runs):
            longest = runs[longest_from[run + 1]]
            if longest[1] - longest[0] < ticks:
                close = longest[1]
        if close is None:
            position = min(begin + 2 * ticks, end)
        else:
            spans.append((begin, close))
            position = close


# Comments end where a browser ends them: at the first "-->" or "--!>", or at once for "<!-->"
# and "<!--->". One standing at the start of a line is a block and may span blank lines. One
# inside a paragraph may not, nor hold "<!--", nor end in "\-->" (an escaped "-"): Markdown
# would print it as text, and what it holds would show.
_BLOCK_COMMENT = re.compile(r"<!--(?:-?>|.*?--!?>)", re.DOTALL)
_INLINE_COMMENT = re.compile(r"<!--(?!-?>)(?:(?!<!--|-->|--!>|\n[ \t]*\n).)*(?<!\\)-->", re.DOTALL)


def _comments(text: str, blocks: set[int], by_line: bool) -> list[tuple[int, int]]:
    """Comments; ``blocks`` are where Markdown reads one as a block (at the start of a line)."""
    spans: list[tuple[int, int]] = []
    position, no_close_after = 0, len(text)
    while (start := text.find("<!--", position)) != -1:
        block = start in blocks
        if block and start > no_close_after and not text.startswith(("<!-->", "<!--->"), start):
            position = start + 1  # none closes after an earlier one failed to: don't search again
            continue
        match = (_BLOCK_COMMENT if block else _INLINE_COMMENT).match(text, start)
        if match and by_line and not block and "\n" in match.group():
            match = None  # the lines may be separate blocks (list items, say)
        if match:
            spans.append(match.span())
            position = match.end()
        else:
            if block:
                no_close_after = min(no_close_after, start)
            position = start + 1
    return spans


# --- Small helpers --------------------------------------------------------------------------


def blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    parts, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        parts += [text[last:start], blank(text[start:end])]
        last = end
    return "".join(parts) + text[last:]


def line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in re.finditer("\n", text)]
