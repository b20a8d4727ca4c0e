"""Web addresses in front matter (issue 15, item 4): only plain http(s) addresses of named sites
pass the check, and wherever the build writes one, nothing in it can leave the link."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import pytest
from conftest import GOOD_STORY
from test_site_pages import build

HINT = "copy the whole address from the browser's address bar; it starts with https://"
TRACKER = "https://example.org/a)<img/src=https://tracker.example/s.gif>"

HOSTILE = [
    (TRACKER, "it contains an angle bracket (<)"),
    ('https://example.org/a"onmouseover="x', 'it contains a double quote (")'),
    ("https://example.org/a'b", "it contains a quote (')"),
    ("https://example.org/a`b`", "it contains a backtick (`)"),
    ("https://example.org\\@tracker.example/", "it contains a backslash (\\)"),
    ("https://example.org/a b", "it contains a space"),
    ("https://example.org/a\tb", "it contains an invisible character or space (U+0009)"),
    ("https://example.org/\u202egnp.exe", "it contains an invisible character or space (U+202E)"),
    ("https://exa\u200bmple.org/", "it contains an invisible character or space (U+200B)"),
    ("https://example.org/\u00a0", "it contains an invisible character or space (U+00A0)"),
    ("https://example.org/a)", "its brackets ( ) do not pair up"),
    ("https://example.org/a)(", "its brackets ( ) do not pair up"),
    ("https://example.org/(a", "its brackets ( ) do not pair up"),
    ("https://user:secret@example.org/", "it holds a user name or password (before the @)"),
    ("https://tracker.example@example.org/", "it holds a user name or password (before the @)"),
    ("javascript:alert(1)", "it does not start with https:// or http://"),
    ("data:text/html,hello", "it does not start with https:// or http://"),
    ("//tracker.example/s.gif", "it does not start with https:// or http://"),
    ("ftp://example.org/file", "it does not start with https:// or http://"),
    ("example.org", "it does not start with https:// or http://"),
    ("https://example.org/%zz", "it has a % that is not followed by two hexadecimal digits"),
    ("https://example.org:http/", "its site name or port cannot be read"),
    ("https://example.org:99999/", "its site name or port cannot be read"),
    ("https://192.168.1.1/admin", "“192.168.1.1” is not a site name on the web"),
    ("https://localhost/", "“localhost” is not a site name on the web"),
    ("https://[::1]/", "“::1” is not a site name"),
    ("https://a_b.example.org/", "“a_b.example.org” is not a site name"),
    ("https:///path", "“” is not a site name"),
    ("https://example.org/" + "a" * 2000, "it is longer than 2,000 characters"),
]


def shown(url: str) -> str:
    return url if len(url) <= 200 else url[:200] + "…"


@pytest.mark.parametrize(("url", "why"), HOSTILE)
def test_a_hostile_source_url_is_refused_on_its_line(tiny, url, why):
    quoted = url.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    tiny.story(
        "hostile",
        GOOD_STORY.replace(
            "themes: [environment]\n", f'themes: [environment]\nsource_url: "{quoted}"\n'
        ),
    )
    assert [str(p) for p in tiny.problems()] == [
        f"stories/hostile.md:7: source_url: “{shown(url)}” is not a web address: {why} ({HINT})"
    ]


def test_every_web_address_field_is_checked_the_same_way(tiny):
    tiny.story(
        "media",
        GOOD_STORY.replace(
            "themes: [environment]\n",
            (
                "themes: [environment]\nkind: film\nconsent:\n  recorded: 2024-05-01\n  reference: VBL-2024-017\n"
                f'  scope: [web, archive]\nmedia:\n  - url: "{TRACKER}"\n    type: video\n    transcript: Words.\n'
            ),
        ),
    )
    tiny.area(
        "ramsey",
        (
            f'---\nname: Ramsey\nwebsite: "{TRACKER}"\nlegacy:\n  - name: Ramsey Trust\n'
            f'    url: "{TRACKER}"\nsources:\n  - url: "{TRACKER}"\n---\n'
        ),
    )
    settings = tiny.root / "archive.yml"
    text = settings.read_text(encoding="utf-8")
    licence_line = next(
        n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith("url:")
    )
    settings.write_text(
        text.replace(
            text.splitlines()[licence_line - 1],
            text.splitlines()[licence_line - 1].split("url:")[0] + f'url: "{TRACKER}"',
        ),
        encoding="utf-8",
    )
    message = f"“{TRACKER}” is not a web address: it contains an angle bracket (<) ({HINT})"
    assert [str(p) for p in tiny.problems()] == [
        f"archive.yml:{licence_line}: licences[1].url: {message}",
        f"areas/ramsey.md:3: website: {message}",
        f"areas/ramsey.md:6: legacy[1].url: {message}",
        f"areas/ramsey.md:8: sources[1].url: {message}",
        f"stories/media.md:13: media[1].url: {message}",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "http://www.example.org/news/1m-boost-for-dyke-house-area-1-4294322",
        "https://en.wikipedia.org/wiki/Big_Local_(programme)",
        "https://example.org/search?q=big+local&page=2#results",
        "https://example.org/lottery-scheme-south-%c2%a0east",
        "HTTPS://EXAMPLE.ORG/Path",
        "https://bücher.example/straße",
        "https://xn--bcher-kva.example/",
        "https://example.org:8443/x",
        "https://example.org/list[1]*x*",
    ],
)
def test_ordinary_addresses_pass(tiny, url):
    tiny.story(
        "fine",
        GOOD_STORY.replace(
            "themes: [environment]\n", f'themes: [environment]\nsource_url: "{url}"\n'
        ),
    )
    assert tiny.problems() == []


# --- where addresses are written ---------------------------------------------------------------


class Links(HTMLParser):
    """Every element of a fragment, and the links with their attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs))

    def handle_data(self, data):
        self.text += data


def rendered(source: str) -> Links:
    html = markdown.markdown(source, extensions=["attr_list", "md_in_html"])
    parser = Links()
    parser.feed(html)
    return parser


@pytest.mark.parametrize(
    ("url", "href"),
    [
        # Valid addresses that Markdown's [label](url) would cut short or read as Markdown.
        (
            "https://en.wikipedia.org/wiki/Big_Local_(programme)",
            "https://en.wikipedia.org/wiki/Big_Local_(programme)",
        ),
        ("https://example.org/a?x=1&y=2&lt=3", "https://example.org/a?x=1&y=2&lt=3"),
        ("https://example.org/list[1](x)", "https://example.org/list%5B1%5D(x)"),
        ("https://example.org/*strong*_em_", "https://example.org/*strong*_em_"),
        ("https://bücher.example/straße", "https://bücher.example/straße"),
        # Never valid, yet still kept inside the link if one ever got this far.
        (TRACKER, "https://example.org/a)%3Cimg/src=https://tracker.example/s.gif%3E"),
        (
            'https://example.org/"><script>x</script>',
            "https://example.org/%22%3E%3Cscript%3Ex%3C/script%3E",
        ),
        ("https://example.org/`code` \\", "https://example.org/%60code%60%20%5C"),
    ],
)
def test_an_address_stays_inside_its_link(url, href):
    from voices.site.pages import external_link

    page = rendered(f"First published at {external_link('a *site*', url, 'voices-external')}.")
    assert page.tags == ["p", "a", "em"]
    assert page.links == [{"href": href, "class": "voices-external"}]
    assert page.text == "First published at a site."


def test_built_pages_link_hostile_but_valid_addresses_exactly(tiny):
    source = "https://en.wikipedia.org/wiki/Big_Local_(programme)?a=1&b=[2]"
    website = "https://bücher.example/x_(y)_*z*"
    tiny.story(
        "linked",
        GOOD_STORY.replace(
            "themes: [environment]\n", f'themes: [environment]\nsource_url: "{source}"\n'
        ),
    )
    tiny.area(
        "ramsey",
        f'---\nname: Ramsey\nwebsite: "{website}"\nlegacy:\n  - name: Ramsey Trust\n'
        f'    url: "{website}"\nsources:\n  - url: "{source}"\n---\n',
    )
    site, _ = build(tiny)

    def links(page: str) -> list[dict[str, str | None]]:
        parser = Links()
        parser.feed((site / page).read_text(encoding="utf-8"))
        return [
            link
            for link in parser.links
            if (link.get("href") or "").startswith(("https://en.", "https://bü"))
        ]

    encoded = "https://en.wikipedia.org/wiki/Big_Local_(programme)?a=1&b=%5B2%5D"
    assert links("stories/linked/index.html") == [{"href": encoded}]
    assert links("areas/ramsey/index.html") == [
        {"href": website},
        {"href": website},
        {"href": encoded},
    ]
