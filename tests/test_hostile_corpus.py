"""A corpus of hostile content, run through ``voices check`` and a real build (issue 15).

Each case is one entry in ``CASES``: the files a contributor could put in a pull request, and
what the archive must do with them. For every case, either

- ``voices check`` refuses it, naming the hostile file and a line, with no traceback or hang; or
- the site builds, and in every output file (the search index and .gz decompressed, binary
  files read as bytes) there is no trace of it: no planted secret, no third-party request, no
  event handler or script address, no dangerous element in the page's text, no file type off
  the allow-list in a story's folder, no person's name off their own story's page.

Some cases must be refused (``must_refuse``): the repository is public, so an original that
carries a location is published the moment it is merged, whatever the build does with it.

Placeholders in paths and contents, replaced per case so that findings name their case:
``@SLUG@`` (the case id, also its story's slug), ``@CANARY@`` (a secret word that must never
be published), ``@HOST@`` (a tracker's host), ``@TOKEN@`` (a marker for scripts and
addresses), ``@ROOT@`` (the archive's absolute path). Every archive also holds
``private/@SLUG@.txt`` (the case's secret) and ``.git/config`` (a stand-in deploy token).

All accepted cases are built together in one site (a build costs seconds); when that build
fails, the cases it names are set aside and the rest rebuilt, halving when it names none.
Adding a case is one entry; run one case with ``-k its-id``.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import os
import re
import signal
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import hostile_files as hf
import pytest
from conftest import ENV, SMALL_JPEG, TinyArchive
from test_site_pages import SITE_URL, make_site

from voices.content.file_types import is_publishable_suffix
from voices.content.safe_html import url_scheme
from voices.site.addresses import page_url
from voices.site.audit import output_texts
from voices.site.third_party import is_off_site, requests_in_css, requests_in_html, requests_in_js

# --- The corpus ------------------------------------------------------------------------------

STORY = "stories/@SLUG@/index.md"
FILE_STORY = "stories/@SLUG@.md"
AREA = "areas/@SLUG@.md"
SECRET = "private/@SLUG@.txt"
GIT_SECRET = "Gitdeploytokenqqzx"  # in .git/config of every archive
CONSENT = (
    "consent:\n  recorded: 2024-05-01\n  reference: VBL-2024-917\n  scope: [web, archive, photos]\n"
)


@dataclass(frozen=True)
class Symlink:
    target: str  # relative to the link's folder


@dataclass(frozen=True)
class Case:
    id: str
    why: str
    files: dict[str, str | bytes | Symlink]
    must_refuse: bool = False
    hostile: tuple[str, ...] = ()  # files a refusal may name (default: the first file)
    names: tuple[str, ...] = ()  # people's names: only on this case's own story page
    timeout: float = 30  # seconds for its check
    alone: bool = False  # built on its own, in at most ALONE_SECONDS (inputs that may hang a build)


def story(body: str = "The story's text.", more: str = "", head: str = "") -> str:
    """A story's text; ``head`` replaces the first front matter lines (title to summary)."""
    head = (
        head
        or "title: Hostile case @SLUG@\ndate: 2019-06-14\nsummary: A case of the hostile corpus.\n"
    )
    more = more if not more or more.endswith("\n") else more + "\n"
    return f"---\n{head}areas: [par-bay]\nthemes: [environment]\n{more}---\n\n{body}\n"


def area(more: str = "", body: str = "The area's legacy.") -> str:
    return f"---\nname: Area @SLUG@\nregion: south-west\n{more}---\n\n{body}\n"


def body(
    case_id: str, why: str, text: str, more: str = "", extra: dict | None = None, **kw
) -> Case:
    """A case that is one folder story with ``text`` as its body (and ``extra`` files beside it)."""
    return Case(case_id, why, {STORY: story(text, more), **(extra or {})}, **kw)


def meta(
    case_id: str,
    why: str,
    more: str,
    extra: dict | None = None,
    text: str = "The story's text.",
    **kw,
) -> Case:
    """A case that is one folder story with hostile front matter ``more``."""
    return Case(case_id, why, {STORY: story(text, more), **(extra or {})}, **kw)


def attach(case_id: str, why: str, name: str, content: str | bytes, **kw) -> Case:
    """A story publishing ``name`` as an attachment."""
    return meta(
        case_id,
        why,
        f'attachments:\n  - src: "{name}"\n    title: The document\n',
        {f"stories/@SLUG@/{name}": content},
        **kw,
    )


def transcript(
    case_id: str, why: str, name: str, content: str | bytes | Symlink | None, **kw
) -> Case:
    """A story with a linked recording whose transcript is the file ``name``."""
    more = f'media:\n  - type: audio\n    url: https://example.org/recording\n    transcript: "{name}"\n'
    extra = {f"stories/@SLUG@/{name}": content} if content is not None else {}
    return meta(case_id, why, more, extra, **kw)


def photo(case_id: str, why: str, name: str, content: bytes, used: str = "image", **kw) -> Case:
    """A story with a photo ``name``: as its image, in its text, or not used at all."""
    if used == "image":
        return meta(
            case_id,
            why,
            f"image:\n  src: {name}\n  alt: A made-up picture\n",
            {f"stories/@SLUG@/{name}": content},
            **kw,
        )
    text = f"![A made-up picture]({name})" if used == "body" else "The story's text."
    return body(case_id, why, text, extra={f"stories/@SLUG@/{name}": content}, **kw)


def snippet(case_id: str, why: str, text: str, **kw) -> Case:
    return body(case_id, why, text.replace("SNIP", '--8<-- "private/@SLUG@.txt"'), **kw)


def people(
    case_id: str, why: str, name: str, text: str = "The story's text.", more: str = "", **kw
) -> Case:
    return meta(
        case_id,
        why,
        f"kind: interview\npeople: [{name}]\n{CONSENT}{more}",
        text=text,
        names=kw.pop("names", (name,)),
        **kw,
    )


def alias(case_id: str, why: str, address: str) -> Case:
    return meta(case_id, why, f'aliases: ["{address}"]\n')


def yaml_case(case_id: str, why: str, front: str, **kw) -> Case:
    """A file story whose whole front matter is ``front`` (refusals must name the file)."""
    return Case(case_id, why, {FILE_STORY: f"---\n{front}\n---\n\nText.\n"}, **kw)


def bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines)


HEAD = "title: Bomb\ndate: 2019\nsummary: s.\nareas: [par-bay]\nthemes: [environment]\n"

CASES: list[Case] = [
    # Snippets in every container (issue 15 item 1's class)
    snippet("snippet-tilde-fence", "a tilde fence hides --8<-- from the check", "~~~\nSNIP\n~~~"),
    snippet(
        "snippet-fence-with-language",
        "a fenced block with a language and options",
        '```text title="x"\nSNIP\n```',
    ),
    snippet(
        "snippet-four-backticks",
        "a longer fence holding a shorter one",
        "````\n```\nSNIP\n```\n````",
    ),
    snippet("snippet-indented-code", "an indented code block", "Text.\n\n    SNIP\n"),
    snippet(
        "snippet-list-item-fence",
        "a fence inside a list item",
        "- item\n\n    ```\n    SNIP\n    ```\n",
    ),
    snippet(
        "snippet-nested-list", "a line deep in a nested list", "- a\n    - b\n        - SNIP\n"
    ),
    snippet("snippet-blockquote", "a quoted line", "> SNIP\n"),
    snippet("snippet-blockquote-fence", "a fence inside a quote", "> ```\n> SNIP\n> ```\n"),
    snippet("snippet-admonition", "inside an admonition", '!!! note "Read this"\n    SNIP\n'),
    snippet("snippet-details", "inside a collapsible details block", '??? note "More"\n    SNIP\n'),
    snippet(
        "snippet-md-in-html", "inside <div markdown>", '<div markdown="1">\n\nSNIP\n\n</div>\n'
    ),
    snippet("snippet-html-comment", "inside an HTML comment", "<!--\nSNIP\n-->\n"),
    snippet("snippet-table-cell", "in a table cell", "| a |\n|---|\n| SNIP |\n"),
    snippet("snippet-footnote", "in a footnote's text", "Text[^1].\n\n[^1]: A note.\n\n    SNIP\n"),
    snippet("snippet-definition-list", "in a definition", "Term\n:   SNIP\n"),
    body(
        "snippet-block-form",
        "the multi-line snippet form inside a fence",
        "```\n--8<--\nprivate/@SLUG@.txt\n--8<--\n```",
    ),
    body(
        "snippet-long-scissors",
        "a longer --8<-- marker in a fence",
        '```\n-----8<----- "private/@SLUG@.txt"\n```',
    ),
    body("snippet-git-config", "the deploy token in .git/config", '```\n--8<-- ".git/config"\n```'),
    body(
        "snippet-absolute-path", "an absolute path", '```\n--8<-- "@ROOT@/private/@SLUG@.txt"\n```'
    ),
    body("snippet-remote-url", "a remote snippet", '```\n--8<-- "https://@HOST@/x.md"\n```'),
    Case(
        "snippet-in-area-fence",
        "an area body is content too",
        {AREA: area(body='```\n--8<-- "private/@SLUG@.txt"\n```')},
    ),
    transcript(
        "snippet-in-transcript-md",
        "a transcript file is read into the page",
        "transcript.md",
        '--8<-- "private/@SLUG@.txt"\n',
        hostile=(STORY, "stories/@SLUG@/transcript.md"),
    ),
    transcript(
        "snippet-in-transcript-txt",
        "a plain-text transcript",
        "transcript.txt",
        '--8<-- "private/@SLUG@.txt"\n',
        hostile=(STORY, "stories/@SLUG@/transcript.txt"),
    ),
    meta(
        "snippet-in-inline-transcript",
        "an inline transcript of several lines",
        "media:\n  - type: audio\n    url: https://example.org/recording\n    transcript: |\n      Hello.\n\n"
        '      --8<-- "private/@SLUG@.txt"\n',
    ),
    # Raw HTML with scripts, embeds and requests
    body(
        "html-img-onerror",
        "an event handler on a picture",
        "<img src=x onerror=\"alert('@TOKEN@')\">",
    ),
    body(
        "html-svg-onload",
        "inline SVG with onload",
        "<svg onload=\"alert('@TOKEN@')\"><circle r=1 /></svg>",
    ),
    body("html-iframe", "an embedded page", '<iframe src="https://@HOST@/embed"></iframe>'),
    body(
        "html-object-embed",
        "plugins",
        '<object data="https://@HOST@/x.swf"></object>\n<embed src="https://@HOST@/y.swf">',
    ),
    body(
        "html-base-href", "a <base> changes every relative address", '<base href="https://@HOST@/">'
    ),
    body(
        "html-meta-refresh",
        "a redirect away",
        '<meta http-equiv="refresh" content="0;url=https://@HOST@/">',
    ),
    body(
        "html-form",
        "a form posting elsewhere",
        '<form action="https://@HOST@/"><input name=q><button>Go</button></form>',
    ),
    body(
        "html-style-import",
        "a style block loading elsewhere",
        "<style>@import url(https://@HOST@/x.css); p { background: url(https://@HOST@/b.png) }</style>",
    ),
    body(
        "html-link-stylesheet",
        "a stylesheet link",
        '<link rel="stylesheet" href="https://@HOST@/x.css">',
    ),
    body(
        "html-svg-image-href",
        "an SVG <image> fetching",
        '<svg><image href="https://@HOST@/i.png"/></svg>',
    ),
    body(
        "html-picture-srcset",
        "a remote entry in srcset",
        '<picture><source srcset="https://@HOST@/a.png 2x"></picture>',
    ),
    body(
        "html-span-onclick",
        "an allowed tag with a handler",
        "<span onclick=\"alert('@TOKEN@')\">Hello</span>",
    ),
    body(
        "html-span-style-url",
        "an allowed tag with a style fetching",
        '<span style="background:url(https://@HOST@/t.png)">Hi</span>',
    ),
    body(
        "html-details-ontoggle",
        "details fire ontoggle by themselves",
        "<details open ontoggle=\"alert('@TOKEN@')\"><summary>x</summary>y</details>",
    ),
    body(
        "html-blockquote-cite-script",
        "a script address in cite",
        "<blockquote cite=\"javascript:alert('@TOKEN@')\">Quote</blockquote>",
    ),
    body("html-unclosed-script", "a script tag never closed", '<script src="https://@HOST@/x.js"'),
    body("html-uppercase-script", "upper case tag names", "<SCRIPT>alert('@TOKEN@')</SCRIPT>"),
    body(
        "html-split-script",
        "a tag split to dodge a filter",
        "<scr<script>ipt>alert('@TOKEN@')</script>",
    ),
    body(
        "html-math-xlink",
        "MathML links",
        '<math><maction actiontype="toggle" xlink:href="javascript:alert(\'@TOKEN@\')">x</maction></math>',
    ),
    body(
        "html-in-md-in-html",
        "an <img> inside a markdown div",
        '<div markdown="1">\n\n<img src="https://@HOST@/p.png" alt="p">\n\n</div>',
    ),
    body(
        "html-svg-foreignobject",
        "SVG smuggling HTML",
        '<svg><foreignObject><iframe src="https://@HOST@/"></iframe></foreignObject></svg>',
    ),
    # attr_list and Markdown link syntax
    body(
        "attr-list-onclick",
        "attr_list adds a handler to a paragraph",
        "Paragraph.\n{: onclick=\"alert('@TOKEN@')\" }",
    ),
    body(
        "attr-list-style-url",
        "attr_list adds a style fetching",
        'Paragraph.\n{: style="background:url(https://@HOST@/a.png)" }',
    ),
    body(
        "attr-list-heading-handler",
        "attr_list on a heading",
        "## Heading { onmouseover=\"alert('@TOKEN@')\" }",
    ),
    body(
        "attr-list-href-override",
        "attr_list replaces a link's address",
        "[x](https://example.org){: href=\"javascript:alert('@TOKEN@')\" }",
    ),
    body(
        "attr-list-image-src",
        "attr_list replaces an image's address",
        '![a](pic.jpg){: src="https://@HOST@/t.png" }',
        extra={"stories/@SLUG@/pic.jpg": SMALL_JPEG},
    ),
    body(
        "link-title-breakout",
        "quotes in a link title",
        '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    ),
    body("link-javascript-mixed-case", "JaVaScRiPt:", "[x](JaVaScRiPt:alert('@TOKEN@'))"),
    body("link-entity-encoded-scheme", "&#106;avascript:", "[x](&#106;avascript:alert('@TOKEN@'))"),
    body(
        "link-tab-in-scheme",
        "a tab entity inside the scheme",
        "[x](java&#x09;script:alert('@TOKEN@'))",
    ),
    body("link-vbscript", "vbscript:", "[x](vbscript:msgbox)"),
    body(
        "link-data-html",
        "a data: page",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ),
    body("link-file-scheme", "file:", "[x](file:///etc/passwd)"),
    body(
        "link-reference-javascript",
        "a reference definition to a script",
        "[x][r]\n\n[r]: javascript:alert('@TOKEN@')",
    ),
    body(
        "link-reference-in-list",
        "a reference definition inside a list item",
        "[x][r]\n\n- item\n\n    [r]: javascript:alert(1)",
    ),
    body("image-protocol-relative", "//host", "![a](//@HOST@/p.png)"),
    body("image-backslash-host", "browsers read /\\host as //host", "![a](/\\\\@HOST@/p.png)"),
    body("image-https-backslashes", "https:\\\\host", "![a](https:\\\\\\\\@HOST@\\\\p.png)"),
    body(
        "image-reference-remote",
        "a reference-style image elsewhere",
        "![a][r]\n\n[r]: https://@HOST@/r.gif",
    ),
    body(
        "image-reference-protocol-relative",
        "a reference-style image at //host",
        "![a][r]\n\n[r]: //@HOST@/r.gif",
    ),
    body(
        "image-nested-brackets-alt", "brackets in the alt text", "![a [b] c](https://@HOST@/x.png)"
    ),
    body("image-uppercase-scheme", "HTTPS://", "![a](HTTPS://@HOST@/x.png)"),
    body(
        "image-angle-brackets-space",
        "an address in <> with a space",
        "![a](<https://@HOST@/a b.png>)",
    ),
    body(
        "image-in-footnote",
        "a remote image in a footnote",
        "Text[^1].\n\n[^1]: ![a](https://@HOST@/f.png)",
    ),
    body(
        "image-in-table-cell",
        "a remote image in a table",
        "| a |\n|---|\n| ![a](https://@HOST@/t.png) |",
    ),
    body(
        "image-in-admonition",
        "a remote image in an admonition",
        "!!! note\n    ![a](https://@HOST@/n.png)",
    ),
    body(
        "image-reference-uppercase-label",
        "labels are case-insensitive",
        "![a][R]\n\n[r]: https://@HOST@/r.gif",
    ),
    body("image-reference-angle", "a definition in <>", "![a][r]\n\n[r]: <https://@HOST@/r.gif>"),
    # URL fields (item 4's class)
    meta(
        "field-source-url-breakout",
        "markup after a closing bracket",
        'source_url: "https://example.org/a)<img/src=https://@HOST@/s.gif>"',
    ),
    meta(
        "field-source-url-quote",
        "a quote in a URL",
        "source_url: 'https://example.org/\"onmouseover=\"alert(1)'",
    ),
    meta(
        "field-media-url-javascript",
        "a script as a media address",
        "media:\n  - type: video\n    url: \"javascript://https://example.org/%0Aalert('@TOKEN@')\"\n    transcript: Words.\n",
    ),
    meta(
        "field-media-url-markdown",
        "Markdown inside a media address",
        'media:\n  - type: video\n    url: "https://example.org/v](https://x.org){: onclick=alert(1) }"\n    transcript: Words.\n',
    ),
    Case(
        "field-area-website-image",
        "an area website that closes the link",
        {AREA: area('website: "https://example.org/)![t](https://@HOST@/w.png"\n')},
    ),
    Case(
        "field-area-source-url",
        "an area source with markup",
        {AREA: area('sources:\n  - url: "https://example.org/<script>alert(1)</script>"\n')},
    ),
    Case(
        "field-legacy-url-newline",
        "an encoded line break in a URL",
        {
            AREA: area(
                'legacy:\n  - name: Trust\n    url: "https://example.org/%0A%0A![t](https://@HOST@/l.png)"\n'
            )
        },
    ),
    # Text fields that reach other pages, feeds and head tags
    Case(
        "title-script-breakout",
        "a title closing the JSON-LD script",
        {
            STORY: story(
                head="title: \"</script><script>alert('@TOKEN@')</script>\"\ndate: 2019\nsummary: s.\n"
            )
        },
    ),
    Case(
        "title-markdown-image",
        "a title that is Markdown",
        {STORY: story(head='title: "![t](https://@HOST@/t.png)"\ndate: 2019\nsummary: s.\n')},
    ),
    Case(
        "summary-markdown-image",
        "summaries are listed on other pages",
        {
            STORY: story(
                head='title: A summary\ndate: 2019\nsummary: "See ![t](https://@HOST@/s.png) here"\n'
            )
        },
    ),
    Case(
        "summary-attr-list",
        "an attribute list in a summary",
        {
            STORY: story(
                head='title: A summary\ndate: 2019\nsummary: "Words {: onclick=\\"alert(1)\\" }"\n'
            )
        },
    ),
    meta(
        "alt-text-breakout",
        "quotes in alt text",
        'image:\n  src: p.jpg\n  alt: "\\"><img src=//@HOST@/a.png onerror=alert(1)>"\n',
        {"stories/@SLUG@/p.jpg": SMALL_JPEG},
    ),
    meta(
        "attachment-title-link",
        "a link in an attachment title",
        "attachments:\n  - src: a.pdf\n    title: \"[x](javascript:alert('@TOKEN@'))\"\n",
        {"stories/@SLUG@/a.pdf": hf.pdf("x")},
    ),
    meta(
        "author-markdown-image",
        "Markdown in an author's name",
        'authors: ["![t](https://@HOST@/a.png)"]\n',
    ),
    Case(
        "area-name-entity",
        "entities in an area name",
        {AREA: area().replace("name: Area @SLUG@", 'name: "Area &lt;img src=//@HOST@/e.png&gt;"')},
    ),
    # Files: types, names, polyglots (item 2's class)
    attach(
        "file-xhtml",
        "XHTML runs scripts",
        "page.xhtml",
        '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert("@TOKEN@")</script></html>',
    ),
    attach(
        "file-svg",
        "SVG runs scripts",
        "pic.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'@TOKEN@\')"/>',
    ),
    attach(
        "file-svgz",
        "compressed SVG",
        "pic.svgz",
        gzip.compress(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ),
    attach("file-htm", ".htm", "page.htm", "<script>alert('@TOKEN@')</script>"),
    attach(
        "file-shtml",
        ".shtml",
        "page.shtml",
        '<!--#include virtual="/etc/passwd" --><script>alert(1)</script>',
    ),
    attach(
        "file-xml-xsl",
        "XML with a stylesheet that runs",
        "data.xml",
        '<?xml version="1.0"?><?xml-stylesheet href="https://@HOST@/s.xsl" type="text/xsl"?><a/>',
    ),
    attach(
        "file-xsl",
        "an XSL stylesheet",
        "s.xsl",
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>',
    ),
    attach("file-swf", "Flash", "movie.swf", b"FWS\x0a" + b"\x00" * 32),
    attach("file-wasm", "WebAssembly", "code.wasm", b"\x00asm\x01\x00\x00\x00"),
    attach(
        "file-double-extension",
        "a.pdf.html",
        "report.pdf.html",
        "<script>alert('@TOKEN@')</script>",
    ),
    attach(
        "file-uppercase-html", "upper case suffix", "PAGE.HTML", "<script>alert('@TOKEN@')</script>"
    ),
    attach(
        "file-pdf-polyglot",
        "a .pdf that is an HTML page",
        "report.pdf",
        hf.html_polyglot_pdf("@HOST@"),
    ),
    attach(
        "file-mp4-that-is-html",
        "an .mp4 that is an HTML page",
        "clip.mp4",
        "<!doctype html><script>alert('@TOKEN@')</script>",
    ),
    body(
        "file-linked-mjs",
        "a script module linked from the text",
        "[code](app.mjs)",
        extra={"stories/@SLUG@/app.mjs": "import('https://@HOST@/x.js')"},
    ),
    body(
        "file-linked-js-query",
        "a linked script with a query string",
        "[code](app.js?v=1)",
        extra={"stories/@SLUG@/app.js": "fetch('https://@HOST@/x')"},
    ),
    body(
        "file-body-svg-image",
        "an SVG shown as a picture",
        "![a picture](pic.svg)",
        extra={
            "stories/@SLUG@/pic.svg": '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://@HOST@/i.png"/></svg>'
        },
    ),
    attach(
        "file-rtl-override-name",
        "a right-to-left override in the name",
        "report\u202efdp.html",
        "<script>alert(1)</script>",
    ),
    attach(
        "file-zero-width-name", "a zero-width space in the name", "rep\u200bort.pdf", hf.pdf("x")
    ),
    attach(
        "file-named-index-html",
        "an attachment that replaces the page",
        "index.html",
        "<p>Replaced @CANARY@</p>",
    ),
    Case(
        "file-html-in-area-folder",
        "an area folder with a page in it",
        {
            "areas/@SLUG@/index.md": area(body="[page](evil.html)"),
            "areas/@SLUG@/evil.html": "<script>alert(1)</script>",
        },
    ),
    Case(
        "slug-cyrillic-lookalike",
        "a slug with a Cyrillic letter",
        {"stories/\u0455tory-@SLUG@.md": story()},
    ),
    # Paths (item 3's class)
    transcript(
        "path-transcript-dotdot",
        "a transcript outside the folder",
        "../../private/@SLUG@.txt",
        None,
    ),
    transcript(
        "path-transcript-absolute", "an absolute transcript path", "@ROOT@/private/@SLUG@.txt", None
    ),
    transcript(
        "path-transcript-symlink",
        "a transcript that is a link to a secret",
        "notes.txt",
        Symlink("../../private/@SLUG@.txt"),
    ),
    transcript(
        "path-transcript-percent",
        "%2e%2e in a transcript path",
        "%2e%2e/%2e%2e/private/@SLUG@.txt",
        None,
    ),
    transcript("path-transcript-backslash", "Windows ..\\", "..\\..\\private\\@SLUG@.txt", None),
    transcript("path-transcript-tilde", "a home folder", "~/private/@SLUG@.txt", None),
    transcript(
        "path-transcript-utf16",
        "a transcript saved as UTF-16",
        "words.txt",
        "\ufeffHello from the allotment.\n".encode("utf-16-le"),
    ),
    transcript(
        "path-transcript-overlong",
        "a transcript with an overlong encoding",
        "words.md",
        b"Hello \xc0\xae\xc0\xae/ there\n",
    ),
    attach(
        "path-attachment-symlink-git",
        "an attachment linking to .git/config",
        "notes.txt",
        Symlink("../../.git/config"),
    ),
    Case(
        "path-story-symlink",
        "a story file that is a link to a private file",
        {
            FILE_STORY: Symlink("../private/@SLUG@.md"),
            "private/@SLUG@.md": story("@CANARY@ private words."),
        },
        must_refuse=True,
    ),
    Case(
        "path-story-folder-symlink",
        "a story folder that is a link",
        {
            "stories/@SLUG@": Symlink("../private/@SLUG@-folder"),
            "private/@SLUG@-folder/index.md": story("@CANARY@ words."),
        },
        must_refuse=True,
        hostile=(STORY, "stories/@SLUG@"),
    ),
    body(
        "path-body-link-repository-file",
        "a text link to a repository file",
        "[secret](../../private/@SLUG@.txt)",
    ),
    body("path-body-link-dotgit", "a text link into .git", "[cfg](../../.git/config)"),
    meta(
        "path-captions-dotdot",
        "captions outside the folder",
        "media:\n  - type: video\n    src: v.mp4\n    captions: ../../private/@SLUG@.txt\n    transcript: Words.\n",
        {"stories/@SLUG@/v.mp4": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"},
    ),
    # Metadata carriers (item 6's class): the repository is public, so originals must be refused
    photo(
        "carrier-png-exif-gps",
        "GPS in a PNG eXIf chunk",
        "p.png",
        hf.png_exif("@CANARY@"),
        must_refuse=True,
    ),
    photo(
        "carrier-png-xmp-gps",
        "GPS in a PNG iTXt XMP packet",
        "p.png",
        hf.png_text("@CANARY@"),
        must_refuse=True,
    ),
    photo(
        "carrier-webp-xmp-gps",
        "GPS in WebP XMP",
        "p.webp",
        hf.webp_xmp("@CANARY@"),
        must_refuse=True,
    ),
    photo(
        "carrier-jpeg-xmp-only",
        "GPS only in a JPEG's XMP segment",
        "p.jpg",
        hf.jpeg_xmp("@CANARY@"),
        must_refuse=True,
    ),
    photo("carrier-heic-gps", "GPS in HEIC", "p.heic", hf.heic_exif("@CANARY@"), must_refuse=True),
    photo(
        "carrier-unused-jfif",
        "an unused original named .jfif",
        "p.jfif",
        hf.jpeg_exif("@CANARY@"),
        used="none",
        must_refuse=True,
        hostile=(STORY, "stories/@SLUG@/p.jfif"),
    ),
    photo(
        "carrier-unused-uppercase-jpg",
        "an unused original named .JPG",
        "P.JPG",
        hf.jpeg_exif("@CANARY@"),
        used="none",
        must_refuse=True,
        hostile=(STORY, "stories/@SLUG@/P.JPG"),
    ),
    meta(
        "carrier-m4a-xyz",
        "©xyz in an M4A audio file",
        "media:\n  - type: audio\n    src: a.m4a\n    transcript: Words.\n",
        {"stories/@SLUG@/a.m4a": hf.mp4_xyz("@CANARY@")},
        must_refuse=True,
    ),
    meta(
        "carrier-flac-vorbis",
        "a LOCATION Vorbis comment in FLAC",
        "media:\n  - type: audio\n    src: a.flac\n    transcript: Words.\n",
        {"stories/@SLUG@/a.flac": hf.flac_vorbis("@CANARY@")},
        must_refuse=True,
    ),
    meta(
        "carrier-mp3-id3v1",
        "a place and a name in an ID3v1 tag",
        "media:\n  - type: audio\n    src: a.mp3\n    transcript: Words.\n",
        {"stories/@SLUG@/a.mp3": hf.mp3_id3v1("@CANARY@")},
        must_refuse=True,
    ),
    attach(
        "carrier-pdf-deflated-xmp",
        "GPS in deflated PDF XMP",
        "r.pdf",
        hf.pdf("@CANARY@", gps=True, compressed_xmp=True),
        must_refuse=True,
    ),
    # YAML (item 7's class): messages, never a traceback, a hang or a crash
    yaml_case(
        "yaml-alias-bomb-merge",
        "a billion laughs through merge keys",
        bomb() + "\n" + HEAD + "consent:\n  <<: *l8\n",
        timeout=20,
    ),
    yaml_case(
        "yaml-alias-bomb-people",
        "a billion laughs in a list field",
        bomb() + "\n" + HEAD + "people: *l8",
        timeout=20,
    ),
    yaml_case(
        "yaml-python-tag",
        "a Python object tag",
        HEAD + "featured: !!python/object/apply:os.system ['true']",
    ),
    yaml_case(
        "yaml-binary-tag", "a binary title", HEAD.replace("title: Bomb", "title: !!binary aGVsbG8=")
    ),
    yaml_case(
        "yaml-set-tag",
        "a set of themes",
        HEAD.replace("themes: [environment]", "themes: !!set {environment}"),
    ),
    yaml_case(
        "yaml-impossible-datetime",
        "25:61 o'clock",
        HEAD.replace("date: 2019", "date: 2019-06-14T25:61:00Z"),
    ),
    yaml_case(
        "yaml-impossible-nested-date",
        "an impossible date inside consent",
        HEAD
        + "kind: interview\npeople: [Ann Example]\nconsent:\n  recorded: 2023-02-30\n  reference: VBL-2024-917\n  scope: [web]\n",
    ),
    yaml_case(
        "yaml-deep-flow",
        "100,000 nested [",
        HEAD + "authors: " + "[" * 100_000 + "]" * 100_000,
        timeout=20,
    ),
    yaml_case(
        "yaml-deep-block",
        "3,000 nested mappings",
        HEAD + "".join(f"{'  ' * i}k{i}:\n" for i in range(3000)) + "  " * 3000 + "v",
        timeout=20,
    ),
    yaml_case(
        "yaml-huge-line",
        "a 4 MB value on one line",
        HEAD.replace("summary: s.", "summary: " + "x" * 4_000_000),
        timeout=20,
    ),
    yaml_case(
        "yaml-many-keys",
        "20,000 unknown fields",
        HEAD + "".join(f"f{i}: {i}\n" for i in range(20_000)),
        timeout=20,
    ),
    yaml_case(
        "yaml-non-string-keys",
        "numbers, dates and booleans as keys",
        HEAD + "1: a\n2019-01-01: b\ntrue: c\nnull: d",
    ),
    yaml_case("yaml-complex-key", "a mapping as a key", HEAD + "? {a: 1}\n: x"),
    yaml_case(
        "yaml-huge-year",
        "a year with twenty digits",
        HEAD.replace("date: 2019", "date: 99999999999999999999"),
    ),
    yaml_case("yaml-nan-date", "not a number as a date", HEAD.replace("date: 2019", "date: .nan")),
    yaml_case(
        "yaml-escaped-nul",
        "a NUL and an escape in the title",
        HEAD.replace("title: Bomb", 'title: "A\\0B\\x1bC"'),
    ),
    Case(
        "encoding-utf16-story",
        "a story saved as UTF-16",
        {FILE_STORY: ("\ufeff" + story()).encode("utf-16-le")},
    ),
    Case(
        "encoding-nul-after-8k",
        "a NUL byte late in the body",
        {FILE_STORY: story("x" * 9000 + "\x00 @TOKEN@").encode()},
    ),
    Case(
        "encoding-overlong-utf8",
        "an overlong encoding of '.'",
        {FILE_STORY: story().encode() + b"\xc0\xae\xc0\xae/\n"},
    ),
    Case(
        "encoding-utf8-bom",
        "a byte order mark then front matter",
        {FILE_STORY: b"\xef\xbb\xbf" + story().encode()},
    ),
    Case(
        "encoding-bidi-in-title",
        "a right-to-left override in the title",
        {FILE_STORY: story(head='title: "Minutes \u202egnp.exe"\ndate: 2019\nsummary: s.\n')},
    ),
    yaml_case(
        "yaml-alias-people-as-authors",
        "an alias makes a resident an author",
        HEAD + "kind: interview\npeople: &p [@PERSON@]\nauthors: *p\n" + CONSENT,
        names=("@PERSON@",),
    ),
    # Markdown that crashes or hangs the renderer (item 7's class)
    body("markdown-deep-blockquote", "a quote 2,000 deep", ">" * 2000 + " deep", alone=True),
    body(
        "markdown-deep-list",
        "a list 1,000 deep",
        "\n".join("    " * i + "- x" for i in range(1000)),
        alone=True,
    ),
    body(
        "markdown-heading-code-span-id",
        "a tag with a bare id in a heading's code",
        "## The `<x id>` tag\n\nText.",
    ),
    body("markdown-many-brackets", "100,000 unclosed brackets", "[" * 100_000, alone=True),
    # Names (item 5's class)
    Case(
        "name-lowercase-in-summary",
        "a name in lower case in the summary",
        {
            STORY: story(
                head="title: A talk\ndate: 2019\nsummary: We met @PERSON_LOWER@ there.\n",
                more=f"kind: interview\npeople: [@PERSON@]\n{CONSENT}",
            )
        },
        names=("@PERSON@",),
    ),
    Case(
        "name-nbsp-in-summary",
        "a no-break space inside the name",
        {
            STORY: story(
                head="title: A talk\ndate: 2019\nsummary: We met @PERSON_NBSP@ there.\n",
                more=f"kind: interview\npeople: [@PERSON@]\n{CONSENT}",
            )
        },
        names=("@PERSON@",),
    ),
    Case(
        "name-zero-width-in-title",
        "a zero-width space inside the name",
        {
            STORY: story(
                head="title: Talking to @PERSON_ZWSP@\ndate: 2019\nsummary: s.\n",
                more=f"kind: interview\npeople: [@PERSON@]\n{CONSENT}",
            )
        },
        names=("@PERSON@",),
    ),
    Case(
        "name-decomposed-diacritic",
        "Zoë written with a combining diaeresis",
        {
            STORY: story(
                head="title: A talk\ndate: 2019\nsummary: We met Zoe\u0308 @SURNAME@.\n",
                more=f"kind: interview\npeople: [Zo\u00eb @SURNAME@]\n{CONSENT}",
            )
        },
        names=("Zoë @SURNAME@",),
    ),
    Case(
        "name-without-diacritic",
        "Zoë written Zoe",
        {
            STORY: story(
                head="title: A talk\ndate: 2019\nsummary: We met Zoe @SURNAME@.\n",
                more=f"kind: interview\npeople: [Zo\u00eb @SURNAME@]\n{CONSENT}",
            )
        },
        names=("Zoë @SURNAME@",),
    ),
    Case(
        "name-short-in-title",
        "a two-letter name in the title",
        {
            STORY: story(
                head="title: Bo and the bees\ndate: 2019\nsummary: s.\n",
                more=f"kind: interview\npeople: [Bo]\n{CONSENT}",
            )
        },
        names=("Bo",),
    ),
    people(
        "name-in-heading-anchor",
        "a heading's anchor carries the name",
        "@PERSON@",
        text="## @PERSON@ remembers\n\nWords.",
    ),
    people(
        "name-in-image-alt",
        "a name in the photo's alt text",
        "@PERSON@",
        more="image:\n  src: p.jpg\n  alt: @PERSON@ at the gate\n  shows_people: true\n",
        extra={"stories/@SLUG@/p.jpg": SMALL_JPEG},
    ),
    people(
        "name-possessive-upper",
        "an upper-case possessive in the body",
        "@PERSON@",
        text="@PERSON_UPPER@'S garden.",
    ),
    # Addresses that collide with generated or reserved ones (items 7 and 14)
    alias("address-alias-sitemap", "an alias onto the sitemap", "/sitemap.xml"),
    alias("address-alias-404", "an alias onto the 404 page", "/404.html"),
    alias("address-alias-pagefind", "an alias onto the search code", "/pagefind/pagefind.js"),
    alias("address-alias-stories-csv", "an alias onto the open data", "/data/stories.csv"),
    alias("address-alias-robots", "an alias onto robots.txt", "/robots.txt"),
    alias(
        "address-alias-theme-listing",
        "an alias onto a generated theme page",
        "/themes/environment/",
    ),
    alias("address-alias-area-feed", "an alias onto an area's feed", "/areas/par-bay/feed.xml"),
    alias(
        "address-alias-schema", "an alias onto the published schema", "/schema/story.schema.json"
    ),
    alias("address-alias-percent-dotdot", "an encoded ../ in an alias", "/%2e%2e/%2e%2e/@TOKEN@/"),
    alias("address-alias-backslash", "backslashes in an alias", "/..\\..\\@TOKEN@/"),
    Case(
        "address-area-slug-index",
        "an area called index takes the A to Z page",
        {"areas/index.md": area()},
        hostile=("areas/index.md",),
    ),
    Case(
        "address-story-slug-feed",
        "a story called feed",
        {"stories/feed.md": story()},
        hostile=("stories/feed.md",),
    ),
]

CASES_BY_ID = {case.id: case for case in CASES}
assert len(CASES_BY_ID) == len(CASES), "case ids must be unique"

# --- Running the corpus ----------------------------------------------------------------------

PROBLEM_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+): (?P<field>[^:\n]*): (?P<message>.*)$", re.MULTILINE
)


def _letters(text: str, length: int = 10) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(chr(ord("a") + byte % 26) for byte in digest[:length])


@dataclass(frozen=True)
class Marks:
    """The per-case values the placeholders stand for."""

    slug: str
    token: str
    canary: str
    host: str

    @classmethod
    def of(cls, case: Case) -> Marks:
        token = "zq" + _letters(case.id)
        return cls(case.id, token, "Canary" + token, f"{token}.tracker.example")

    @property
    def person(self) -> str:  # a made-up resident, one per case
        return f"Peregrine {self.token.capitalize()}"

    def fill(self, text: str, root: Path) -> str:
        person = self.person
        for key, value in (
            ("@SLUG@", self.slug),
            ("@TOKEN@", self.token),
            ("@CANARY@", self.canary),
            ("@HOST@", self.host),
            ("@ROOT@", str(root)),
            ("@PERSON_LOWER@", person.lower()),
            ("@PERSON_UPPER@", person.upper()),
            ("@PERSON_NBSP@", person.replace(" ", "\xa0")),
            ("@PERSON_ZWSP@", person[:5] + "\u200b" + person[5:]),
            ("@PERSON@", person),
            ("@SURNAME@", self.token.capitalize()),
        ):
            text = text.replace(key, value)
        return text


def plant(case: Case, root: Path) -> None:
    """Write one case's files (and its secret) into the archive at ``root``."""
    marks = Marks.of(case)
    files: dict[str, str | bytes | Symlink] = {
        SECRET: f"{marks.canary} is a secret that must stay here.\n",
        **case.files,
    }
    for name, content in files.items():
        path = root / marks.fill(name, root)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Symlink):
            path.symlink_to(marks.fill(content.target, root))
        elif isinstance(content, bytes):
            path.write_bytes(
                content.replace(b"@CANARY@", marks.canary.encode())
                .replace(b"@HOST@", marks.host.encode())
                .replace(b"@TOKEN@", marks.token.encode())
            )
        else:
            path.write_text(marks.fill(content, root), encoding="utf-8")


def new_archive(root: Path) -> TinyArchive:
    root.mkdir(parents=True)
    tiny = TinyArchive(root)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(
        f'[remote "origin"]\n\turl = https://x-access-token:{GIT_SECRET}@github.com/example/voices.git\n',
        encoding="utf-8",
    )
    return tiny


# `voices check` with at most 2 GB of memory: a YAML bomb must not take the machine's.
CHECK = [
    sys.executable,
    "-c",
    (
        "import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
        "sys.argv = ['voices', 'check']; runpy.run_module('voices', run_name='__main__')"
    ),
]


@dataclass
class Run:
    returncode: int | None  # None: killed after its time ran out
    output: str
    seconds: float

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.output


def run(command: list[str], cwd: Path, timeout: float) -> Run:
    """Run a command in its own process group: on time-out the group goes (the build's
    search indexer too), so a hang leaves nothing running."""
    started = time.perf_counter()
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
            return Run(process.returncode, output, time.perf_counter() - started)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            return Run(None, output, time.perf_counter() - started)


def check_case(case: Case, folder: Path) -> Run:
    root = folder / case.id
    new_archive(root)
    plant(case, root)
    return run(CHECK, root, case.timeout)


@dataclass
class Build:
    cases: list[Case]
    run: Run
    site: Path

    @property
    def ok(self) -> bool:
        return self.run.returncode == 0


def build_cases(cases: list[Case], folder: Path, builds: list[Build]) -> dict[str, Build]:
    """Build ``cases`` together; on failure set aside the cases the output names, or halve."""
    root = folder / f"build-{len(builds) + 1}"
    tiny = new_archive(root)
    for case in cases:
        plant(case, root)
    make_site(tiny)
    config, site = root / "mkdocs.yml", root / "site"
    timeout = ALONE_SECONDS if len(cases) == 1 else 60 + len(cases)  # seconds, on a busy machine
    result = run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        root,
        timeout,
    )
    build = Build(cases, result, site)
    builds.append(build)
    if build.ok or len(cases) == 1:
        return {case.id: build for case in cases}
    named = [case for case in cases if _names_case(result.output, case)]
    if named and len(named) < len(cases):
        rest = [case for case in cases if case not in named]
        return {**{case.id: build for case in named}, **build_cases(rest, folder, builds)}
    half = len(cases) // 2
    return {
        **build_cases(cases[:half], folder, builds),
        **build_cases(cases[half:], folder, builds),
    }


def _names_case(output: str, case: Case) -> bool:
    marks = Marks.of(case)
    return (
        bool(re.search(rf"(?:stories|areas)/{re.escape(case.id)}(?![a-z0-9-])", output))
        or marks.token in output
    )


# --- Reading a built site ----------------------------------------------------------------------

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "cite",
    "background",
    "srcset",
    "imagesrcset",
    "ping",
    "manifest",
    "codebase",
    "archive",
    "longdesc",
    "usemap",
}
SCRIPT_SCHEMES = {"javascript", "vbscript", "livescript"}
# Elements that must never come from content: the theme's own scripts, forms and styles are in
# its header and footer, outside the page's <article>.
DANGEROUS_IN_ARTICLE = {
    "script",
    "style",
    "link",
    "meta",
    "base",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "svg",
    "math",
    "image",
    "foreignobject",
    "portal",
    "template",
    "noscript",
}
THEME_ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'  # Material's buttons in <article>
GENERATED_IN_FOLDERS = {"index.html", "feed.xml"}
# Types whose bytes a browser must not be able to sniff as a page.
BINARY_TYPES = {
    ".pdf",
    ".odt",
    ".ods",
    ".docx",
    ".xlsx",
    ".mp3",
    ".m4a",
    ".ogg",
    ".oga",
    ".opus",
    ".wav",
    ".flac",
    ".mp4",
    ".m4v",
    ".webm",
    ".mov",
    ".ogv",
}


class _Markup(HTMLParser):
    """Event handlers, script addresses and dangerous elements in one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.article_depth = 0
        self.in_script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        line = self.getpos()[0]
        if tag == "article":
            self.article_depth += 1
        elif self.article_depth and tag in DANGEROUS_IN_ARTICLE and raw != THEME_ICON:
            self.found.append(f"{line}: <{tag}> in the page's text: {raw[:160]}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{line}: event handler {name}= in {raw[:160]}")
            elif name in URL_ATTRIBUTES:
                for address in value.split(",") if "srcset" in name else [value]:
                    if url_scheme(address.strip()) in SCRIPT_SCHEMES | {"data"} and not (
                        tag in ("img", "source") and address.strip().startswith("data:image/")
                    ):
                        self.found.append(f"{line}: {name}={address.strip()[:80]} in <{tag}>")
            elif name == "content" and re.search(
                r"url\s*=\s*['\"]?\s*(?:java|vb)script:", value, re.IGNORECASE
            ):
                self.found.append(f"{line}: a refresh to a script: {raw[:160]}")
        if tag == "script":
            self.in_script = dict(attrs).get("type") or "text/javascript"

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.article_depth:
            self.article_depth -= 1
        if tag == "script":
            self.in_script = None

    def handle_data(self, data: str) -> None:
        if self.in_script and re.search(r"\bzq[a-z]{10}\b", data) and "alert" in data:
            self.found.append(f"{self.getpos()[0]}: a script runs content: {data.strip()[:120]}")


def markup_findings(site: Path) -> list[tuple[str, str]]:
    """(file, finding) for every script, handler or dangerous element in the site's pages;
    the hand-written pages of docs/ (the search page's form, say) are the maintainers' own."""
    docs = site.parent / "docs"
    hand_written = {
        page_url(md.relative_to(docs).as_posix()) + "index.html" for md in docs.rglob("*.md")
    } - {"index.html"}
    found = []
    for file in sorted(site.rglob("*")):
        if (
            file.suffix.lower() not in (".html", ".htm", ".xhtml", ".svg", ".shtml")
            or not file.is_file()
        ):
            continue
        rel = file.relative_to(site).as_posix()
        if rel.startswith("assets/") or rel in hand_written:
            continue
        parser = _Markup()
        parser.feed(file.read_text(encoding="utf-8", errors="replace"))
        found += [(rel, finding) for finding in parser.found]
    return found


def folder_findings(site: Path) -> list[tuple[str, str]]:
    """(file, finding) for every file in a story's or area's folder off the allow-list, or
    whose bytes are a page while its name says a document or media."""
    found = []
    for top in ("stories", "areas"):
        for file in sorted((site / top).rglob("*")) if (site / top).is_dir() else []:
            if not file.is_file():
                continue
            rel = file.relative_to(site).as_posix()
            suffix = file.suffix.lower()
            if file.name in GENERATED_IN_FOLDERS:
                continue
            if not is_publishable_suffix(suffix):
                found.append(
                    (rel, f"published file type {suffix or '(none)'} is not on the allow-list")
                )
            elif suffix in BINARY_TYPES and re.match(rb"\s*<", file.read_bytes()[:512]):
                found.append((rel, f"a {suffix} file that is really markup"))
    return found


def off_site_requests(site: Path) -> list[str]:
    """``file:line: address`` of every request to another site, reading each address as a
    browser does (voices/site/third_party.py's readers): tabs and line breaks dropped, and a
    backslash taken as a slash, so that ``/\\host/x.png`` is ``//host/x.png``."""
    readers = {
        ".html": requests_in_html,
        ".htm": requests_in_html,
        ".xhtml": requests_in_html,
        ".svg": requests_in_html,
        ".css": requests_in_css,
        ".js": requests_in_js,
        ".mjs": requests_in_js,
    }
    found = []
    for file in sorted(site.rglob("*")):
        read = readers.get(file.suffix.lower())
        if read is None or not file.is_file():
            continue
        rel = file.relative_to(site).as_posix()
        for line, address in read(file.read_text(encoding="utf-8", errors="replace")):
            seen = re.sub(r"[\t\n\r]", "", html.unescape(address)).replace("\\", "/")
            if address.startswith("https://unpkg.com/mermaid") or is_off_site(seen, SITE_URL):
                found.append(f"{rel}:{line}: {address}")
    return found


def normalised(text: str) -> str:
    """Text as a person reads it: no case, accents, invisible characters or punctuation."""
    text = unicodedata.normalize("NFKD", html.unescape(text))
    text = "".join(
        c for c in text if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    )
    return " " + " ".join(re.findall(r"[^\W_]+", text.casefold())) + " "


@dataclass
class SiteText:
    """Every output file of a built site, read once: text (decompressed) and raw bytes."""

    texts: dict[str, str] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)
    plain: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, site: Path) -> SiteText:
        found = cls()
        found.texts = dict(output_texts(site))
        for file in sorted(site.rglob("*")):
            if file.is_file():
                rel = file.relative_to(site).as_posix()
                data = file.read_bytes()
                if data[:2] == b"\x1f\x8b":
                    try:
                        data = gzip.decompress(data)
                    except (OSError, EOFError):
                        pass
                found.raw[rel] = data.lower()
        found.plain = {rel: normalised(text) for rel, text in found.texts.items()}
        return found

    def holding(self, word: str) -> list[str]:
        needle = word.lower().encode()
        return sorted(rel for rel, data in self.raw.items() if needle in data)

    def naming(self, name: str) -> list[str]:
        needle = normalised(name)
        return sorted(rel for rel, text in self.plain.items() if needle in text)


# --- The fixtures: everything runs once per session -------------------------------------------


@dataclass
class Outcome:
    check: Run
    build: Build | None = None


@dataclass
class Corpus:
    outcomes: dict[str, Outcome]
    builds: list[Build]
    texts: dict[Path, SiteText]
    markup: dict[Path, list[tuple[str, str]]]
    folders: dict[Path, list[tuple[str, str]]]
    requests: dict[Path, list[str]]


CONTROL = Case(
    "control-published-marker",
    "the harness sees what a story publishes",
    {
        STORY: story(
            "Visible @CANARY@ words, by @PERSON@.",
            more="image:\n  src: p.jpg\n  alt: A made-up picture\n",
        ),
        "stories/@SLUG@/p.jpg": SMALL_JPEG,
    },
)
CONTROL_IN_BATCH = Case("control-in-batch", CONTROL.why, CONTROL.files)
ALONE_SECONDS = 45


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, request) -> Corpus:
    folder = tmp_path_factory.mktemp("hostile")
    chosen = {
        item.callspec.id for item in request.session.items if hasattr(item, "callspec")
    }  # honour -k
    cases = [case for case in CASES if case.id in chosen] or CASES
    with ThreadPoolExecutor(max_workers=2) as pool:
        checks = dict(
            zip([c.id for c in cases], pool.map(lambda c: check_case(c, folder / "check"), cases))
        )
    outcomes = {case_id: Outcome(run) for case_id, run in checks.items()}
    accepted = [case for case in cases if checks[case.id].returncode == 0]
    builds: list[Build] = []
    # The control alone first: what a clean site holds. Cases that may hang a build go alone.
    batches = [
        [CONTROL],
        [CONTROL_IN_BATCH, *(case for case in accepted if not case.alone)],
        *([case] for case in accepted if case.alone),
    ]
    for batch in batches:
        for case_id, build in build_cases(batch, folder / "build", builds).items():
            outcomes.setdefault(case_id, Outcome(Run(0, "", 0))).build = build
    sites = {build.site for build in builds if build.ok}
    return Corpus(
        outcomes,
        builds,
        {site: SiteText.read(site) for site in sites},
        {site: markup_findings(site) for site in sites},
        {site: folder_findings(site) for site in sites},
        {site: off_site_requests(site) for site in sites},
    )


def _own(case: Case, rel: str, text: str) -> bool:
    """Whether a finding in file ``rel`` (about ``text``) belongs to ``case``."""
    marks = Marks.of(case)
    return (
        rel.startswith((f"stories/{case.id}/", f"areas/{case.id}/", f"stories/{case.id}.html"))
        or marks.token in text
        or marks.host in text
    )


def leaks(case: Case, corpus: Corpus, build: Build) -> list[str]:
    """Everything of ``case`` that the built site must not hold."""
    marks, site = Marks.of(case), build.site
    text = corpus.texts[site]
    found = [f"{rel}: holds the secret {marks.canary}" for rel in text.holding(marks.canary)]
    if any(".git" in str(content) for content in case.files.values()):
        found += [f"{rel}: holds the .git/config token" for rel in text.holding(GIT_SECRET)]
    found += [
        f"third-party request {request}"
        for request in corpus.requests[site]
        if _own(case, request.split(":", 1)[0], request)
    ]
    found += [
        f"{rel}: {finding}" for rel, finding in corpus.markup[site] if _own(case, rel, finding)
    ]
    found += [
        f"{rel}: {finding}" for rel, finding in corpus.folders[site] if _own(case, rel, finding)
    ]
    baseline = corpus.outcomes[CONTROL.id].build
    generated = set(corpus.texts[baseline.site].raw) if baseline and baseline.ok else set()
    for address in re.findall(r'aliases: \["([^"]*)"\]', str(case.files.get(STORY, ""))):
        written = (
            address.lstrip("/") if address.endswith(".html") else address.strip("/") + "/index.html"
        )
        taken = [
            p
            for p in (written, *(str(parent) for parent in Path(written).parents))
            if p in generated
        ]
        found += [f"the alias {address} is written over the site's own {path}" for path in taken]
    own_page = {f"stories/{case.id}/index.html"}
    for name in (marks.fill(name, Path("/")) for name in case.names):
        found += [
            f"{rel}: names {name!r} off the story's own page"
            for rel in text.naming(name)
            if rel not in own_page
        ]
    return found


def refusal(case: Case, run: Run) -> tuple[bool, str]:
    """Whether ``voices check`` refused the case properly, and why not."""
    marks = Marks.of(case)
    allowed = {marks.fill(path, Path("/")) for path in (case.hostile or (next(iter(case.files)),))}
    problems = [m.groupdict() for m in PROBLEM_LINE.finditer(run.output)]
    # A folder story's problem may name the bad file beside index.md (evil.html, a transcript).
    folders = tuple(path.removesuffix("index.md") for path in allowed if path.endswith("/index.md"))
    named = [
        p
        for p in problems
        if (p["path"] in allowed or p["path"].startswith(folders) and folders)
        and int(p["line"]) > 0
    ]
    if not named:
        return False, f"refused without naming {sorted(allowed)} and a line:\n{run.output[-3000:]}"
    return True, ""


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input_is_refused_or_harmless(case: Case, corpus: Corpus) -> None:
    outcome = corpus.outcomes[case.id]
    check = outcome.check
    assert check.returncode is not None, f"voices check did not finish in {case.timeout} s"
    assert not check.traceback, f"voices check printed a traceback:\n{check.output[-3000:]}"
    assert check.returncode in (0, 1), (
        f"voices check crashed (exit {check.returncode}):\n{check.output[-2000:]}"
    )
    if check.returncode == 1:
        named, why = refusal(case, check)
        assert named, why
        return
    assert not case.must_refuse, f"voices check accepted it; it must be refused:\n{case.why}"
    build = outcome.build
    assert build is not None
    if not build.ok:
        # A build may still refuse content cleanly (its audit), naming the file; never a traceback.
        assert build.run.returncode is not None, (
            f"the build did not finish in {build.run.seconds:.0f} s"
        )
        assert not build.run.traceback, (
            f"check passed, then the build crashed:\n{build.run.output[-3000:]}"
        )
        assert _names_case(build.run.output, case), (
            f"check passed, then the build failed:\n{build.run.output[-3000:]}"
        )
        return
    found = leaks(case, corpus, build)
    assert not found, "built, but:\n" + "\n".join(found[:20])


def test_harness_sees_what_a_story_publishes(corpus: Corpus) -> None:
    """The scan is not blind: a control story's word, picture and name are found where published."""
    for control in (CONTROL, CONTROL_IN_BATCH):
        build = corpus.outcomes[control.id].build
        assert build is not None and build.ok, build.run.output[-3000:] if build else "not built"
        text, marks = corpus.texts[build.site], Marks.of(control)
        where = text.holding(marks.canary)
        assert f"stories/{control.id}/index.html" in where
        assert any(rel.startswith("pagefind/fragment/") for rel in where)  # read decompressed
        assert text.naming(marks.person.upper()) and text.naming(
            marks.person.replace(" ", "  ").lower()
        )
        assert any(
            rel.startswith(f"stories/{control.id}/") and rel.endswith(".webp") for rel in text.raw
        )


def test_every_finding_in_the_corpus_site_belongs_to_a_case(corpus: Corpus) -> None:
    """Nothing in the built corpus site is unsafe without a case to blame (the theme included)."""
    cases = [CONTROL, CONTROL_IN_BATCH, *CASES]
    stray = []
    for site in corpus.texts:
        stray += [
            r
            for r in corpus.requests[site]
            if not any(_own(c, r.split(":", 1)[0], r) for c in cases)
        ]
        for rel, finding in corpus.markup[site] + corpus.folders[site]:
            if not any(_own(c, rel, finding) for c in cases):
                stray.append(f"{rel}: {finding}")
    assert not stray, "\n".join(stray[:30])


def test_corpus_is_large_and_every_case_says_why() -> None:
    assert len(CASES) >= 70
    assert all(case.why and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", case.id) for case in CASES)


if os.environ.get("VOICES_HOSTILE_REPORT"):  # a table of outcomes for the maintainer (-s)

    @pytest.fixture(scope="module", autouse=True)
    def _report(corpus: Corpus):
        yield
        for build in corpus.builds:
            print(
                f"build of {len(build.cases)} case(s): exit {build.run.returncode}, {build.run.seconds:.1f} s"
                + (f" ({build.cases[0].id})" if len(build.cases) == 1 else "")
            )
