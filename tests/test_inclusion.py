"""No story, area or transcript can pull another file of the repository into the site
(issue 15, item 1): the Markdown settings have no extension that reads files, the build refuses
one, the guide shows the story template through a placeholder the core fills, and Markdown
transcripts are checked like a story's text."""

from __future__ import annotations

import html
import re
import shutil

import pytest
from conftest import GOOD_STORY, REPO, mkdocs_build
from test_site_pages import make_site, story

from voices.site.audit import output_texts

SECRET = "Qzxvbnmsecretword"  # in files no page may include
SNIPPET = '--8<-- "secret.txt"'

# Every way of writing a snippet line, in every container Markdown has.
CONTAINERS = {
    "plain": f"Intro.\n\n{SNIPPET}\n",
    "fenced": f"Intro.\n\n```\n{SNIPPET}\n```\n",
    "tilde-fenced": f"Intro.\n\n~~~text\n{SNIPPET}\n~~~\n",
    "indented": f"Intro.\n\n    {SNIPPET}\n",
    "quote": f"> {SNIPPET}\n",
    "list": f"- item\n\n    {SNIPPET}\n",
    "admonition": f'!!! note "Note"\n\n    {SNIPPET}\n',
    "details": f'??? note "More"\n\n    {SNIPPET}\n',
    "html-block": f'<div markdown="1">\n\n{SNIPPET}\n\n</div>\n',
    "table": f"| a |\n|---|\n| {SNIPPET} |\n",
    "definition": f"Term\n:   {SNIPPET}\n",
    "escaped-start": 'Intro.\n\n;--8<-- "secret.txt"\n',
    "block-form": "Intro.\n\n--8<--\nsecret.txt\n.git/config\n--8<--\n",
    "git-config": 'Intro.\n\n```\n--8<-- ".git/config"\n```\n',
    "url": 'Intro.\n\n--8<-- "https://example.org/x.txt"\n',
}


def plant_secrets(root) -> None:
    (root / "secret.txt").write_text(f"{SECRET} from secret.txt\n", encoding="utf-8")
    (root / ".git").mkdir(exist_ok=True)
    (root / ".git" / "config").write_text(
        f'[http]\n\textraheader = "AUTHORIZATION: basic {SECRET}"\n', encoding="utf-8"
    )


def leaked(site) -> list[str]:
    """Every output file (search index decompressed) holding the secret."""
    return [rel for rel, text in output_texts(site) if SECRET.lower() in text.lower()]


def test_no_snippet_line_in_any_container_includes_a_file(tiny):
    for name, body in CONTAINERS.items():
        tiny.story(name, GOOD_STORY.replace("The story's text.", body))
    tiny.area("ramsey", f"---\nname: Ramsey\n---\n\n```\n{SNIPPET}\n```\n\n{SNIPPET}\n")
    root = make_site(tiny)
    plant_secrets(root)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    for name in CONTAINERS:
        assert (site / "stories" / name / "index.html").is_file(), name
    assert leaked(site) == []
    # The line is shown as the text it is.
    assert '--8&lt;-- "secret.txt"' in (site / "stories" / "fenced" / "index.html").read_text(
        encoding="utf-8"
    )


def test_the_build_refuses_a_markdown_extension_that_reads_files(tiny):
    tiny.story("fenced", GOOD_STORY.replace("The story's text.", CONTAINERS["fenced"]))
    root = make_site(tiny)
    plant_secrets(root)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "  - pymdownx.superfences\n",
        '  - pymdownx.superfences\n  - pymdownx.snippets:\n      base_path: ["."]\n',
    )
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", root / "site", cwd=root)
    assert result.returncode != 0
    assert "mkdocs.yml: markdown_extensions: pymdownx.snippets is not on the list" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "site").exists() or leaked(root / "site") == []


@pytest.mark.parametrize("config", ["mkdocs.yml", "mkdocs.offline.yml"])
def test_the_repository_settings_read_no_files(config):
    text = (REPO / config).read_text(encoding="utf-8")
    assert "snippets" not in re.sub(r"#.*", "", text)


def guide_site(tiny, template: str):
    root = make_site(tiny)
    (root / "docs" / "guide").mkdir(parents=True)
    shutil.copy(REPO / "docs" / "guide" / "index.md", root / "docs" / "guide" / "index.md")
    for linked in ("policies", "schema"):  # pages the guide links to
        shutil.copytree(REPO / "docs" / linked, root / "docs" / linked, dirs_exist_ok=True)
    (root / "stories" / "_template.md").write_text(template, encoding="utf-8")
    return root


def test_the_guide_shows_the_story_template_exactly_as_written(tiny):
    template = (
        '---\n# Notes for you {{ name }}\ntitle: "Example: a title"\n---\n\n'
        "Write here. ```` four ticks ```` and <script>alert(1)</script>\n\n```\nnot the end\n```\n"
    )
    root = guide_site(tiny, template)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "guide" / "index.html").read_text(encoding="utf-8")
    code = re.search(
        r"This is <code>stories/_template.md</code>.*?(<pre.*?</pre>)", page, re.DOTALL
    ).group(1)
    shown = re.sub(r"<[^>]+>", "", code)
    assert html.unescape(shown).strip() == template.strip()  # all of it, in one code block
    assert "<script>alert" not in page

    # The guide follows the template: a rebuild shows the changed text (the render cache too).
    (root / "stories" / "_template.md").write_text(
        template.replace("Write here.", "Tell it here."), encoding="utf-8"
    )
    result = mkdocs_build(root / "mkdocs.yml", root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Tell it here." in (root / "site" / "guide" / "index.html").read_text(encoding="utf-8")


# --- transcripts ---------------------------------------------------------------------------


def talk(transcript_name: str = "talk.md") -> str:
    return story(
        "A talk",
        "2020",
        more=(
            "media:\n  - url: https://example.org/talk\n    type: audio\n"
            f"    transcript: {transcript_name}\n"
        ),
    )


def test_a_markdown_transcript_is_checked_like_a_story_at_its_own_lines(tiny):
    words = (
        "Welcome.\n\n"  # 1-2
        "<script>alert(1)</script>\n\n"  # 3
        "[click](javascript:alert(1))\n\n"  # 5
        "![tracker](https://tracker.example/t.gif)\n\n"  # 7
        "[notes](secret-notes.pdf)\n\n"  # 9
        "See [the other](story:missing).\n\n"  # 11
        "## Part two {: onclick=x }\n\n"  # 13
        f"```\n{SNIPPET}\n```\n"
    )  # 15-17: harmless now
    tiny.story("talk", talk(), files={"talk.md": words.encode(), "secret-notes.pdf": b"%PDF-1.4"})
    found = {(p.path, p.line, p.field) for p in tiny.problems()}
    transcript = "stories/talk/talk.md"
    for line in (3, 5, 11, 13):
        assert (transcript, line, "body") in found, (line, found)
    assert (transcript, 7, "transcript") in found  # no pictures in a transcript, remote or not
    assert (transcript, 9, "transcript") in found  # nor links to files
    assert all(path == transcript for path, _, _ in found), found
    assert not any(line in (1, 15, 16, 17) for _, line, _ in found)


def test_a_transcript_that_is_not_utf8_is_a_problem_not_a_crash(tiny):
    tiny.story("talk", talk(), files={"talk.md": "Caf\xe9 talk".encode("latin-1")})
    problems = [str(p) for p in tiny.problems()]
    expected = (
        "stories/talk/talk.md:1: transcript: is not UTF-8 text (open it in a text editor and "
        "save it as UTF-8 (Unicode) text)"
    )
    assert problems == [expected]


def test_transcripts_publish_no_file_and_keep_their_links(tiny):
    tiny.story("other", story("The other one", "2019"))
    tiny.story(
        "talk",
        story(
            "A talk",
            "2020",
            more=(
                "media:\n  - url: https://example.org/talk\n    type: audio\n    transcript: talk.md\n"
                "  - url: https://example.org/film\n    type: video\n    transcript: film.txt\n"
            ),
        ),
        files={
            "talk.md": f"Said first.\n\n{SNIPPET}\n\nAs in [the other](story:other).\n".encode(),
            "film.txt": (
                f'{SNIPPET}\n<img src="https://tracker.example/t.gif">\n'
                "[x](javascript:alert(1)) *plain*\n"
            ).encode(),
        },
    )
    root = make_site(tiny)
    plant_secrets(root)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "stories" / "talk" / "index.html").read_text(encoding="utf-8")
    assert leaked(root / "site") == []
    assert 'href="../other/"' in page  # a story: link in a transcript works as in the story's text
    assert "tracker.example" not in re.sub(
        r"&lt;img[^<]*", "", page
    )  # the .txt is shown as text only
    assert "&lt;img src=" in page and "javascript:" not in re.sub(
        r"\[x\]\(javascript:alert\(1\)\)", "", page
    )
