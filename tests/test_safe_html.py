"""Raw HTML in bodies: each unsafe thing is a problem with its line and a fix; code is not."""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voices.content.code_masking import mask_code
from voices.content.problems import Problem
from voices.content.safe_html import body_problems, sanitize, url_scheme

PATH = "stories/the-hub-opens.md"
EMBED_HINT = (
    "the archive never embeds other sites: link to the video, or add it under media: "
    "with url: and its transcript"
)
ATTR_LIST_HINT = "remove the {: ... } part; the theme does the formatting"


def check(body: str, first_line: int = 10) -> list[Problem]:
    return body_problems(body, PATH, first_line)


def only(body: str, first_line: int = 10) -> Problem:
    problems = check(body, first_line)
    assert len(problems) == 1, problems
    return problems[0]


# --- Tags ----------------------------------------------------------------------------------


def test_youtube_iframe_on_body_line_3_is_reported_on_file_line_12():
    body = (
        "We filmed the opening.\n\n"
        '<iframe width="560" src="https://www.youtube.com/embed/abc123" allowfullscreen>'
        "</iframe>\n\nThanks to everyone.\n"
    )
    problem = only(body, first_line=10)
    assert (problem.path, problem.line, problem.field) == (PATH, 12, "body")
    assert problem.message == (
        "the HTML tag <iframe> is not allowed: it would show www.youtube.com inside the page"
    )
    assert problem.hint == EMBED_HINT
    assert str(problem).startswith(f"{PATH}:12: body: the HTML tag <iframe> is not allowed")


@pytest.mark.parametrize(
    "tag, hint",
    [
        ("script", "scripts never run on the archive; remove it"),
        ("embed", EMBED_HINT),
        ("object", EMBED_HINT),
        ("img", "use Markdown: ![what the picture shows](photo.jpg)"),
        ("audio", "list it under media: in the front matter"),
        ("video", "list it under media: in the front matter"),
        (
            "form",
            "the archive has no forms: link to the form instead, "
            "e.g. [Fill in the form](https://...)",
        ),
        (
            "input",
            "the archive has no forms: link to the form instead, "
            "e.g. [Fill in the form](https://...)",
        ),
        (
            "button",
            "the archive has no forms: link to the form instead, "
            "e.g. [Fill in the form](https://...)",
        ),
        ("style", "formatting is done by the site's theme; remove it"),
        ("link", "formatting is done by the site's theme; remove it"),
        ("meta", "page details come from the front matter; remove it"),
        ("base", "page details come from the front matter; remove it"),
        (
            "svg",
            "SVG and MathML can carry scripts: save it as a picture (PNG or JPEG) and use "
            "![what it shows](picture.png)",
        ),
        (
            "math",
            "SVG and MathML can carry scripts: save it as a picture (PNG or JPEG) and use "
            "![what it shows](picture.png)",
        ),
        ("a", "write the link in Markdown: [text](https://...)"),
        ("h1", "the title is the page's only top-level heading; start a heading with ## instead"),
    ],
)
def test_each_disallowed_tag_has_its_own_hint(tag, hint):
    problem = only(f'First line.\n\nSee <{tag} title="x">this</{tag}> here.\n', first_line=5)
    assert problem.line == 7
    assert problem.message == f"the HTML tag <{tag}> is not allowed"
    assert problem.hint == hint


def test_an_unknown_tag_gets_the_general_hint():
    problem = only("Use the <marquee>moving</marquee> text.")
    assert problem.message == "the HTML tag <marquee> is not allowed"
    assert "write it in Markdown instead" in problem.hint
    assert "put it in backticks: `<marquee>`" in problem.hint


def test_a_placeholder_in_angle_brackets_is_a_tag_markdown_would_hide():
    assert only("Write to <name> at the office.").message == "the HTML tag <name> is not allowed"


def test_uppercase_and_mixed_case_tags_are_caught():
    problems = check("<SCRIPT>alert(1)</SCRIPT>\n\n<IFrame SRC='https://player.vimeo.com/video/1'>")
    assert [(p.line, p.message) for p in problems] == [
        (10, "the HTML tag <script> is not allowed"),
        (
            12,
            "the HTML tag <iframe> is not allowed: it would show player.vimeo.com inside the page",
        ),
    ]


def test_a_tag_split_over_lines_is_reported_on_its_first_line():
    body = 'Intro.\n\n<span\n  title="ok"\n  ONCLICK="steal()">hi</span>\n'
    problem = only(body, first_line=3)
    assert problem.line == 5
    assert problem.message == "<span> has an event handler (onclick=)"
    assert problem.hint == "remove onclick=...; pages have no scripts"


def test_self_closing_forms_are_read():
    assert check("Line<br/>break<br />again<hr/>") == []
    assert only('A picture: <img src="a.jpg" />').message == "the HTML tag <img> is not allowed"


def test_a_tag_with_an_unclosed_quote_is_still_caught():
    assert only('<iframe src="https://www.youtube.com/embed/x').message.startswith(
        "the HTML tag <iframe> is not allowed"
    )
    problem = only('<span title="oops>text</span> and more')
    assert problem.message == "the <span> tag is never finished"
    assert "quote" in problem.hint


def test_a_less_than_sign_in_prose_is_fine():
    assert check("Numbers went from 3 < 5 and a<b, then it's done.") == []


# --- Attributes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attribute, message, hint",
    [
        (
            'onmouseover="x()"',
            "<span> has an event handler (onmouseover=)",
            "remove onmouseover=...; pages have no scripts",
        ),
        (
            'style="color: red"',
            "<span> has style=",
            "remove style=...; formatting is done by the site's theme",
        ),
        (
            'class="big"',
            "<span> has class=",
            "remove class=...; formatting is done by the site's theme",
        ),
        (
            'id="top"',
            "<span> has id=",
            "remove id=...; formatting is done by the site's theme, and headings get their own ids",
        ),
        (
            'width="3"',
            "<span> has width=, which is not allowed",
            "remove width=...; <span> may only have dir=, lang=, title=",
        ),
        (
            'markdown="0"',
            '<span> has markdown="0"',
            'write markdown="1" to use Markdown inside it, or remove markdown=',
        ),
    ],
)
def test_attributes_outside_the_safe_list(attribute, message, hint):
    problem = only(f"Some <span {attribute}>words</span>.")
    assert (problem.line, problem.message, problem.hint) == (10, message, hint)


def test_allowed_tags_and_attributes_pass():
    body = """\
<abbr title="Big Local" lang="en" dir="ltr">BL</abbr>, <time datetime="2019-06-14">June</time>,
<q cite="https://example.org/report">a quote</q>, <del datetime="2020-01-01">old</del>
<ins>new</ins>,
<mark>marked</mark>, <kbd>Ctrl</kbd>, <small>small</small>, H<sub>2</sub>O, x<sup>2</sup>.

<details open markdown="1">
<summary>More</summary>

Hidden **Markdown** text.

</details>

<table>
<caption>Money raised</caption>
<thead><tr><th scope="col">Year</th><th scope="col">Amount</th></tr></thead>
<tbody><tr><td colspan="2" rowspan="1">None yet</td></tr></tbody>
</table>

<figure markdown="1">
![The new hub](hub.jpg)
<figcaption>The new hub</figcaption>
</figure>

<blockquote cite="https://example.org">Said at the opening.</blockquote>
"""
    assert check(body) == []


def test_a_less_than_sign_inside_an_attribute_value_is_reported():
    problem = only('<abbr title="a > b">gt</abbr>')
    assert problem.message == "<abbr> has a < or > inside an attribute value"


# --- Links ---------------------------------------------------------------------------------

SCRIPT_LINK = "a link or picture address starts with javascript:, which runs a script"


@pytest.mark.parametrize(
    "body",
    [
        "[Click me](javascript:alert(1))",
        "[Click me](JavaScript:alert(1))",
        "[Click me]( javascript:alert(1) )",
        "[Click me](<javascript:alert(1)>)",
        "[Click me](java&#115;cript:alert(1))",
        "[Click me](java&#x73;cript&colon;alert(1))",
        "[Click me](jav&#x09;ascript:alert(1))",
        "[Click me](java\nscript:alert(1))",
        "[Click me][id]\n\n[id]: javascript:alert(1)",
        "[Click me][id]\n\n  [id]: <javascript:alert(1)>",
        "<javascript:alert(1)>",
        "<java&#115;cript:alert(1)>",
        '<q cite="javascript:alert(1)">quoted</q>',
    ],
)
def test_script_links_are_reported_however_they_are_written(body):
    assert [p.message for p in check(body)] == [SCRIPT_LINK]


def test_link_problems_name_the_scheme_and_the_line():
    problems = check(
        "Intro\n\n![chart](data:image/png;base64,AAAA)\n\n"
        "[old site](vbscript:msgbox)\n\n[files](ftp://example.org/x)\n"
    )
    assert [(p.line, p.message) for p in problems] == [
        (12, "a link or picture address starts with data:, which hides a file inside the page"),
        (14, "a link or picture address starts with vbscript:, which runs a script"),
        (16, "a link or picture address starts with ftp:, which the archive does not allow"),
    ]
    assert problems[0].hint == (
        "put the file beside the story and use its name, e.g. ![what it shows](photo.jpg)"
    )
    assert "story:its-file-name" in problems[1].hint


def test_allowed_link_targets_pass():
    body = """\
[web](https://example.org/a?b=c) [plain](http://example.org) [mail](mailto:hub@example.org)
[phone](tel:+441234567890) [file](minutes.pdf) [up](../other/page.md) [part](#the-garden)
[story](story:hub-opens) [area](area:par-bay#legacy "Par Bay") ![photo](photos/hub.jpg)
<https://example.org/autolink> <hub@example.org>

[ref]: https://example.org/ref
[other]: story:summer-fair
"""
    assert check(body) == []


@pytest.mark.parametrize(
    "target, scheme",
    [
        ("https://example.org", "https"),
        ("story:hub", "story"),
        ("photo.jpg", None),
        ("#part", None),
        ("//example.org/x", None),
        ("  JAVASCRIPT:x", "javascript"),
        ("java\tscript:x", "javascript"),
        ("&#106;avascript:x", "javascript"),
        ("java script:x", None),
        ("a/b:c", None),
    ],
)
def test_url_scheme_sees_what_a_browser_sees(target, scheme):
    assert url_scheme(target) == scheme


# --- Attribute lists -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, line, message",
    [
        (
            'A paragraph.\n{: onclick="steal()" }',
            11,
            "an attribute list adds an event handler (onclick=)",
        ),
        (
            "## Our hall { onclick=steal() }",
            10,
            "an attribute list adds an event handler (onclick=)",
        ),
        (
            'Intro\n\n## Our hall\n{: style="color: red" }',
            13,
            "an attribute list adds style=, which is not allowed",
        ),
        (
            '[home](https://example.org){: href="javascript:x" }',
            10,
            "an attribute list adds href=, which is not allowed",
        ),
        (
            '![hall](hall.jpg){ src="https://tracker.example/p.gif" }',
            10,
            "an attribute list adds src=, which is not allowed",
        ),
    ],
)
def test_attribute_lists_adding_unsafe_attributes(body, line, message):
    problem = only(body)
    assert (problem.line, problem.message, problem.hint) == (line, message, ATTR_LIST_HINT)


def test_plain_attribute_lists_pass():
    body = (
        "## Our hall {: #the-hall .wide }\n\nText.\n{: .lead }\n\n"
        '![hall](hall.jpg){ width="300" loading=lazy alt="The hall" }\n'
    )
    assert check(body) == []


# --- Code and comments are not checked -----------------------------------------------------

CLEAN_STORY = """\
## How the hub opened

The <abbr title="Big Local">BL</abbr> partnership opened the hub in <time datetime="2019-06">June
2019</time>. To embed a video, staff used to paste `<iframe src="...">` or even
``<script src="x.js"></script>``; now the guide says not to.

!!! note "Why no embeds"
    Embedded players track readers. Write `<video>` nowhere.

??? tip "Showing HTML"
    Put it in backticks: `<b>`.

| Year | Raised |
| ---- | ------ |
| 2019 | `<b>` 100 |

Term
:   Its definition with <em>emphasis</em>.

```html
<script>alert("an example")</script>
<iframe src="https://www.youtube.com/embed/x"></iframe>
```

~~~~ {.html title="tilde fence"}
<style>body { color: red }</style>
~~~~

   ```
   <form><input></form>
   ```

- A list item

    ```html
    <img src="x" onerror="alert(1)">
    ```

Before the indented code:

    <object data="movie.swf"></object>
    <svg onload="alert(1)"></svg>

<!-- a note for editors: <script>not shown</script> -->
<!--
Several lines, still a comment: <iframe></iframe>
-->

The end, with a [link](https://example.org).
"""


def test_a_clean_story_has_no_problems():
    assert check(CLEAN_STORY) == []


def test_line_numbers_stay_right_after_code():
    body = "```\n<script>\n\n</script>\n```\n\n`<b>` then <blink>x</blink>\n"
    assert only(body, first_line=20).line == 26


# Bodies where Markdown shows <script> as live HTML, though parts of them look like code.
LIVE_HTML = [
    ("- a list item\n\n    <script>x()</script>\n", 12),  # a list item's own paragraph
    ("!!! note\n    <script>x()</script>\n", 11),  # an admonition's text
    ("Term\n:   <script>x()</script>\n", 11),  # a definition
    ("```\n<script>x()</script>\n", 11),  # a fence never closed
    ("```\n<script>x()</script>\n   ```\n", 11),  # closes only at its own indent
    ("```js title=x\n<script>x()</script>\n```\n", 11),  # an option SuperFences rejects
    ("<div>\n`<script>x()</script>`\n</div>\n", 11),  # raw HTML: backticks are not code
    ("<!--><script>x()</script>-->\n", 10),  # "<!-->" ends the comment at once
    ("- `one\n- <script>x()</script> `\n", 11),  # a code span does not cross items
    ("text <!-- x\n\ny <script>x()</script> -->\n", 12),  # inline: no blank line in it
    ("a <!-- <!-- --> <script>x()</script> -->", 10),  # nor hold another "<!--"
]


@pytest.mark.parametrize("body, line", LIVE_HTML)
def test_what_markdown_shows_as_html_is_checked(body, line):
    problems = check(body)
    assert [(p.line, p.message) for p in problems] == [
        (line, "the HTML tag <script> is not allowed")
    ]


def test_markdown_really_shows_those_as_html():
    """The cases above are live HTML for the site's own Markdown settings, not guesses."""
    extensions = [
        "toc",
        "admonition",
        "attr_list",
        "md_in_html",
        "tables",
        "def_list",
        "pymdownx.details",
        "pymdownx.superfences",
    ]
    for body, _ in LIVE_HTML:
        assert "<script>x()</script>" in markdown.markdown(body, extensions=extensions), body
    # ...and the clean story shows every example as text (comments aside, which never show).
    shown = re.sub(
        r"<!--.*?-->", "", markdown.markdown(CLEAN_STORY, extensions=extensions), flags=re.DOTALL
    )
    assert re.search(r"<(script|iframe|object|svg|form|input|style|img|video|b)\b", shown) is None


def test_markdown_in_html_blocks_is_markdown_again():
    assert check('<div markdown="1">\n`<script>`\n</div>\n') == []


def test_mask_code_keeps_length_and_lines():
    masked = mask_code(CLEAN_STORY)
    assert len(masked) == len(CLEAN_STORY)
    assert [len(line) for line in masked.split("\n")] == [
        len(line) for line in CLEAN_STORY.split("\n")
    ]
    assert "<script" not in masked and "<iframe" not in masked
    assert "[link](https://example.org)" in masked


def test_every_problem_is_reported_in_line_order():
    body = (
        '<span style="x" onclick="y">a</span>\n[b](javascript:c)\n'
        "<iframe></iframe>\n{: onclick=z }\n<script>\n"
    )
    assert [(p.line, p.message) for p in check(body, first_line=1)] == [
        (1, "<span> has style="),
        (1, "<span> has an event handler (onclick=)"),
        (2, SCRIPT_LINK),
        (3, "the HTML tag <iframe> is not allowed"),
        (4, "an attribute list adds an event handler (onclick=)"),
        (5, "the HTML tag <script> is not allowed"),
    ]


# --- Whatever staff type: problems, never a crash --------------------------------------------

HTML_ISH = st.lists(
    st.sampled_from(
        [
            "<",
            ">",
            "</",
            "/>",
            "<!--",
            "-->",
            "<!-->",
            "<!",
            "<?",
            "?>",
            "`",
            "``",
            "```",
            "~~~",
            "\n",
            "\n\n",
            "    ",
            "\t",
            "- ",
            "!!! note\n",
            "> ",
            "|",
            "\\",
            '"',
            "'",
            "=",
            "{:",
            "}",
            "[x](",
            ")",
            "]: ",
            "javascript:",
            "&#115;",
            "script",
            "div",
            "span",
            " onclick=",
            'markdown="1"',
            "text",
            "é",
            "\x00",
            "\r",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(st.text(max_size=300), HTML_ISH), first_line=st.integers(1, 10_000))
def test_any_body_gives_problems_not_exceptions(body, first_line):
    problems = body_problems(body, PATH, first_line)
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.field == "body" and problem.message and problem.hint
        assert first_line <= problem.line <= first_line + body.count("\n")
    masked = mask_code(body)
    assert len(masked) == len(body)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [
        i for i, c in enumerate(body) if c == "\n"
    ]


# --- sanitize: the second line of defence --------------------------------------------------


def test_sanitize_removes_scripts_handlers_and_script_links():
    html = (
        "<p>Hi<script>alert(1)</script><style>p{}</style></p>"
        '<img src="x.jpg" onerror="alert(1)">'
        '<a href="javascript:alert(1)">a</a><a href="java&#115;cript:alert(1)">b</a>'
        '<p style="color:red" onclick="x()">c</p><iframe src="https://e.org"></iframe>'
        "<!-- note -->"
    )
    clean = sanitize(html)
    assert clean == '<p>Hi</p><img src="x.jpg"><a>a</a><a>b</a><p>c</p>'


def test_sanitize_keeps_what_markdown_and_material_write():
    html = (
        '<h2 id="the-hall">The hall<a class="headerlink" href="#the-hall" '
        'title="Permanent link">¶</a></h2>'
        '<div class="admonition note"><p class="admonition-title">Note</p><p>Text</p></div>'
        '<details class="tip" open=""><summary>Tip</summary><p>More</p></details>'
        '<div class="highlight"><pre><span></span><code><span class="nb">print</span>'
        "</code></pre></div>"
        '<table><thead><tr><th scope="col">A</th></tr></thead>'
        '<tbody><tr><td colspan="2" rowspan="1">1</td></tr></tbody></table>'
        "<dl><dt>Term</dt><dd>Definition</dd></dl>"
        '<p><a href="https://example.org/">web</a> <a href="../par-bay/">area</a> '
        '<a href="mailto:hub@example.org">mail</a> <a href="tel:+44">phone</a> '
        '<abbr title="Big Local">BL</abbr> <time datetime="2019-06-14">14 June</time></p>'
    )
    assert sanitize(html) == html


def test_sanitize_keeps_the_archives_own_blocks():
    html = (
        '<figure><picture><source srcset="hall.avif 1x, hall@2x.avif 2x" type="image/avif" '
        'sizes="100vw" media="(min-width: 40em)">'
        '<img src="hall.jpg" alt="The hall" width="800" height="600" loading="lazy" '
        'decoding="async" srcset="hall-400.jpg 400w, hall.jpg 800w" sizes="100vw"></picture>'
        "<figcaption>The hall</figcaption></figure>"
        '<audio controls="" preload="none" src="talk.mp3">'
        '<track kind="captions" src="talk.vtt" srclang="en" label="English" default=""></audio>'
        '<video controls="" preload="metadata" width="640" height="360" poster="still.jpg" '
        'src="film.mp4"></video>'
        '<nav aria-label="Related stories"><section id="more" role="region" '
        'aria-labelledby="more-title" aria-describedby="more-note" hidden=""><aside lang="cy">'
        "Hwyl</aside></section></nav>"
    )
    assert sanitize(html) == html


def test_sanitize_checks_every_kind_of_address():
    html = (
        '<img src="data:image/png;base64,AA" srcset="javascript:x 1x">'
        '<video poster="javascript:x" src="film.mp4"></video><q cite="javascript:x">q</q>'
        '<a href="https://example.org/" rel="noopener" target="blank">web</a>'
    )
    assert sanitize(html) == (
        '<img><video src="film.mp4"></video><q>q</q><a href="https://example.org/">web</a>'
    )
