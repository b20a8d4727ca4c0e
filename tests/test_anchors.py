"""Odd ids and attributes without a value never crash a build (issue 15, item 7): in code they
are text; in a story's attribute list they are a problem with a line; in a hand-written page
the build stops with the file's name, not a traceback."""

from __future__ import annotations

import pytest
from conftest import GOOD_STORY, mkdocs_build
from test_site_pages import make_site

from voices.content.safe_html import body_problems

IN_CODE = """Code `<x id>` and `<a name>` and `<b id=>` and `<i id="">` here.

```html
<div id>inside a fence</div>
```

    <span id>indented</span>

- a list `<p id>` item
"""


def test_tags_with_valueless_ids_in_code_build(tiny):
    tiny.story("code", GOOD_STORY.replace("The story's text.", IN_CODE))
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "stories" / "code" / "index.html").read_text(encoding="utf-8")
    assert "&lt;x id&gt;" in page and "inside a fence" in page and "&lt;span id&gt;indented" in page
    # A second build reuses the kept conversion, ids and all.
    again = mkdocs_build(root / "mkdocs.yml", root / "site", cwd=root)
    assert again.returncode == 0, again.stderr
    assert "Render cache: 0 page(s) reused" not in again.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("## Our hall {: id }", "an attribute list gives id no value"),
        ("## Our hall {: id= }", "an attribute list gives id no value"),
        ("## Our hall {: .wide id }", "an attribute list gives id no value"),
        ("Text.\n{: title }", "an attribute list gives title no value"),
        ("[home](https://example.org){: id }", "an attribute list gives id no value"),
        ("`code`{: id }", "an attribute list gives id no value"),
        ('<div markdown="1">\n\n## Hall {: id }\n\n</div>', "an attribute list gives id no value"),
        ("## Our hall {#}", "an attribute list sets the id “”, which no link can use"),
        ("## Our hall {: id='' }", "an attribute list sets the id “”, which no link can use"),
        (
            '## Our hall {: id="two words" }',
            "an attribute list sets the id “two words”, which no link can use",
        ),
        (
            "## Our hall {#__search}",
            "an attribute list sets the id “__search”, which no link can use",
        ),
        ("## Our hall {: #a.b }", "an attribute list sets the id “a.b”, which no link can use"),
    ],
)
def test_valueless_attributes_and_unusable_ids_are_refused_with_their_line(body, message):
    problems = body_problems("Intro.\n\n" + body, "stories/x.md", 10)
    assert [(p.line, p.message) for p in problems if "attribute list" in p.message] == [
        (12 + body.count("\n", 0, body.index("{")), message)
    ]


@pytest.mark.parametrize(
    "body",
    [
        "## Our hall {: #the-hall .wide }",
        "Text.\n{: .lead }",
        "We used {this} word.",
        "## Hall {#hall_2}",
        '![Door](door.jpg){: alt="" }',
    ],
)
def test_usual_attribute_lists_and_braces_in_text_pass(body):
    assert [
        p for p in body_problems(body, "stories/x.md", 1) if "attribute list" in p.message
    ] == []


def test_a_valueless_id_in_a_story_is_reported_not_crashed_on(tiny):
    tiny.story("hall", GOOD_STORY.replace("The story's text.", "## Our hall {: id }\n\nText."))
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", cwd=root)
    assert result.returncode != 0
    assert "stories/hall.md:9: body: an attribute list gives id no value" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_hand_written_page_that_cannot_be_converted_is_named_without_a_traceback(tiny):
    root = make_site(tiny)
    (root / "docs" / "odd.md").write_text(
        "# Odd\n\n<div id>x</div>\n\n## Part {: id }\n", encoding="utf-8"
    )
    result = mkdocs_build(root / "mkdocs.yml", root / "site", cwd=root)
    assert result.returncode != 0
    assert "docs/odd.md: could not be turned into a web page" in result.stderr
    assert "Traceback" not in result.stderr
