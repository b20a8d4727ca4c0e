"""The built site makes no request to another site: no fonts, CDNs, analytics or embeds."""

from __future__ import annotations

import pytest
import yaml
from conftest import REPO

from voices.content.settings import load_settings
from voices.site.third_party import (
    is_off_site,
    requests_in_html,
    requests_in_js,
    third_party_requests,
)

SITE_URL = load_settings(REPO / "archive.yml", "archive.yml")[0].site_url


def test_the_repository_site_requests_nothing_from_other_sites(repo_site):
    scanned = [f for f in repo_site.rglob("*") if f.suffix in (".html", ".css", ".js")]
    assert (
        len(scanned) > 200
        and any(f.suffix == ".css" for f in scanned)
        and any(f.suffix == ".js" for f in scanned)
    )
    assert third_party_requests(repo_site, SITE_URL) == []


def test_material_is_configured_not_to_load_from_elsewhere():
    # Material loads Google Fonts unless font is false, and calls the GitHub API from every
    # page when repo_url is set (see voices/site/third_party.py for what else its script holds).
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert config["theme"]["font"] == "false"
    assert "repo_url" not in config
    assert not {"offline", "privacy", "social", "material/offline"} & set(
        config.get("plugins") or []
    )


def test_an_external_stylesheet_is_caught_with_file_line_and_address(tmp_path):
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "index.html").write_text(
        "<!doctype html>\n<html><head>\n"
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">\n'
        f'<link rel="canonical" href="{SITE_URL}stories/">\n'
        '</head><body><a href="https://example.com/">a link to follow is fine</a>\n'
        '<img src="//cdn.example.net/x.png" alt=""><img src="photo.jpg" srcset="a.jpg 1w, https://img.example.net/b.jpg 2w" alt="">\n'
        '<div style="background: url(https://track.example.net/pixel.gif)"></div>\n'
        "</body></html>\n",
        encoding="utf-8",
    )
    (tmp_path / "theme.css").write_text(
        'body { color: red; }\n@import url("https://cdn.example.net/x.css");\n'
        ".a { background: url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E\"); }\n"
        ".b { background: url(../img/local.png); }\n",
        encoding="utf-8",
    )
    (tmp_path / "app.js").write_text(
        'const here = "https://example.com/not-fetched";\n'
        'fetch("https://api.example.net/count");\n',
        encoding="utf-8",
    )
    assert third_party_requests(tmp_path, SITE_URL) == [
        "app.js:2: https://api.example.net/count",
        "stories/index.html:3: https://fonts.googleapis.com/css?family=Roboto",
        "stories/index.html:6: //cdn.example.net/x.png",
        "stories/index.html:6: https://img.example.net/b.jpg",
        "stories/index.html:7: https://track.example.net/pixel.gif",
        "theme.css:2: https://cdn.example.net/x.css",
    ]


@pytest.mark.parametrize(
    "script",
    [
        'import("https://cdn.example.net/m.js")',
        "import x from 'https://cdn.example.net/m.js'",
        "new Worker(`https://cdn.example.net/w.js`)",
        'xhr.open("GET", "https://api.example.net/")',
        'navigator.sendBeacon("https://stats.example.net/hit", data)',
        'new EventSource("//push.example.net/")',
    ],
)
def test_script_requests_are_found(script):
    assert len(requests_in_js(script)) == 1


def test_a_mermaid_diagram_counts_as_a_request():
    # Material's script fetches Mermaid from unpkg.com for any <pre class="mermaid">.
    assert requests_in_html('<pre class="mermaid"><code>graph LR</code></pre>')


@pytest.mark.parametrize(
    ("address", "off"),
    [
        ("https://cdn.example.net/x.js", True),
        ("//cdn.example.net/x.js", True),
        (SITE_URL + "assets/x.css", False),
        ("https://example.org/elsewhere/x.css", True),
        ("assets/x.css", False),
        ("data:image/png;base64,AAAA", False),
        ("mailto:someone@example.org", False),
    ],
)
def test_what_counts_as_off_site(address, off):
    assert is_off_site(address, SITE_URL) is off


def test_a_story_image_from_another_site_is_refused(tiny):
    tiny.story(
        "elsewhere",
        "---\ntitle: Elsewhere\ndate: 2020\nsummary: S.\nareas: [par-bay]\n"
        "themes: [environment]\n---\n\nText.\n\n![The hall](https://example.net/hall.jpg)\n",
    )
    problem = tiny.only("body")
    assert str(problem).startswith(
        "stories/elsewhere.md:11: body: the image https://example.net/hall.jpg is on another site"
    )
    assert (
        "upload it beside index.md" in problem.hint
        and "[what it shows](https://example.net/hall.jpg)" in problem.hint
    )
