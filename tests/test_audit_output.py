"""The audit every build runs on what it serves (voices/site/audit.py): requests to other sites,
event handlers and script addresses, file types, and lines of files the site does not publish.
Each bad thing is planted in a built tiny site (or reaches it through a hand-written page),
and the build or its audit must fail naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SMALL_JPEG, TinyArchive, mkdocs_build
from test_site_pages import make_site, story

from voices.build.session import SiteBuild

CONSENT = (
    "consent:\n  recorded: 2024-05-01\n  reference: VBL-2024-917\n  scope: [web, archive, photos]\n"
)
TOKEN_LINE = (
    "url = https://x-access-token:ghs_Qm9ndXNUb2tlbkZvclRlc3Rpbmc@github.com/example/voices.git"
)
DRAFT_LINE = "The committee argued for three hours about the colour of the new benches."


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, SiteBuild]:
    """A built tiny site: a folder story with a photo and a PDF, a story naming a person, a
    draft, and a repository whose git settings hold a token."""
    tiny = TinyArchive(tmp_path_factory.mktemp("archive"))
    tiny.story(
        "garden",
        story(
            "The garden opens",
            "2019-06-14",
            body="Planting began.\n\n![Beds](beds.jpg)\n\n[The report](report.pdf)",
        ),
        files={"beds.jpg": SMALL_JPEG, "report.pdf": b"%PDF-1.4\n%%EOF\n"},
    )
    tiny.story(
        "talk",
        story(
            "An interview",
            "2020",
            more="kind: interview\npeople: [Henrietta Oakhampton, Ann, 'Mary-Jane O''Neill']\n"
            + CONSENT,
            body="Words about the allotment.",
        ),
    )
    tiny.story("plans", story("Plans", "2021", more="status: draft\n", body=DRAFT_LINE))
    root = make_site(tiny)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(f'[remote "origin"]\n\t{TOKEN_LINE}\n', encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    build, problems = SiteBuild.load(root)
    assert problems == [] and build is not None
    return root, build


def audit_with(built, tmp_path: Path, planted: dict[str, str | bytes]) -> list[str]:
    """The audit of a copy of the built site with ``planted`` files written into it."""
    root, build = built
    site = tmp_path / "site"
    shutil.copytree(root / "site", site)
    for rel, content in planted.items():
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return build.audit(site)


def test_the_clean_site_passes(built, tmp_path):
    assert audit_with(built, tmp_path, {}) == []


@pytest.mark.parametrize(
    ("markup", "address"),
    [
        ('<img src="https://tracker.example/s.gif" alt="">', "https://tracker.example/s.gif"),
        ('<img src="//tracker.example/s.gif" alt="">', "//tracker.example/s.gif"),
        ('<img src="\\\\tracker.example\\s.gif" alt="">', "\\\\tracker.example\\s.gif"),
        (
            '<img src="https:&#x2F;&#x2F;tracker.example/s.gif" alt="">',
            "https://tracker.example/s.gif",
        ),
        (
            '<div style="background:url(https://tracker.example/bg.gif)"></div>',
            "https://tracker.example/bg.gif",
        ),
        ('<link rel="preconnect" href="https://fonts.example.net">', "https://fonts.example.net"),
        (
            '<meta http-equiv="refresh" content="0; url=https://elsewhere.example/">',
            "https://elsewhere.example/",
        ),
        (
            '<table background="https://tracker.example/t.gif"></table>',
            "https://tracker.example/t.gif",
        ),
    ],
)
def test_a_request_to_another_site_fails_naming_file_and_line(built, tmp_path, markup, address):
    page = (built[0] / "site" / "stories" / "garden" / "index.html").read_text(encoding="utf-8")
    planted = page.replace("<p>Planting began.</p>", f"<p>Planting began.</p>\n{markup}")
    line = planted[: planted.index(markup)].count("\n") + 1
    findings = audit_with(built, tmp_path, {"stories/garden/index.html": planted})
    assert (
        f"stories/garden/index.html:{line}: loads {address} from another site (from stories/garden/index.md)"
        in findings
    )


def test_a_script_or_style_loading_from_elsewhere_fails(built, tmp_path):
    findings = audit_with(
        built,
        tmp_path,
        {
            "assets/extra.js": 'fetch("https://api.tracker.example/hit");\n',
            "assets/extra.css": '@import url("https://cdn.example.net/x.css");\n',
        },
    )
    assert "assets/extra.js:1: loads https://api.tracker.example/hit from another site" in findings
    assert "assets/extra.css:1: loads https://cdn.example.net/x.css from another site" in findings


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="x.png" onerror="alert(1)" alt="">',
        '<svg><g onload="alert(1)"></g></svg>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt&colon;alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<iframe src="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
        '<object data="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="></object>',
        '<iframe srcdoc="<p>x</p>"></iframe>',
        '<form><button formaction="javascript:alert(1)">go</button></form>',
        '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    ],
)
def test_an_event_handler_or_script_address_fails_naming_the_file(built, tmp_path, markup):
    page = (built[0] / "site" / "index.html").read_text(encoding="utf-8")
    findings = audit_with(
        built, tmp_path, {"about.html": page.replace("</body>", markup + "\n</body>")}
    )
    assert any(
        f.startswith("about.html:") and "runs script" in f or "page written inside" in f
        for f in findings
    ), findings


def test_script_addresses_in_a_feed_fail(built, tmp_path):
    feed = (built[0] / "site" / "feed.xml").read_text(encoding="utf-8")
    planted = feed.replace("<entry>", '<entry><link rel="related" href="javascript:alert(1)" />', 1)
    findings = audit_with(built, tmp_path, {"feed.xml": planted})
    assert any(f.startswith('feed.xml:2: <link href="javascript:alert(1)">') for f in findings), (
        findings
    )


@pytest.mark.parametrize(
    ("rel", "why"),
    [
        ("stories/garden/evil.html", "a .html file in a story's or area's folder"),
        ("stories/garden/logo.svg", "a .svg file in a story's or area's folder"),
        ("stories/garden/app.js", "a .js file in a story's or area's folder"),
        ("stories/garden/page.xhtml", "a .xhtml file in a story's or area's folder"),
        ("stories/garden/original.heic", "a .heic file in a story's or area's folder"),
        ("areas/par-bay/notes", "a typeless file in a story's or area's folder"),
        ("evil.svg", "a .svg file, which is not a type"),
        ("tools/run.sh", "a .sh file, which is not a type"),
        ("payload.js", "a .js file, which is not a type"),
        ("pagefind/extra.html", "a .html file, which is not a type"),
        ("stories/garden/report\u202efdp.pdf", "invisible control character"),
    ],
)
def test_a_file_of_a_type_not_on_the_allow_list_fails(built, tmp_path, rel, why):
    findings = audit_with(built, tmp_path, {rel: b"x"})
    assert any(f.startswith(f"{rel}: ") and why in f for f in findings), findings
    if rel.startswith("stories/garden/"):
        assert any(f.endswith("(from stories/garden/index.md)") for f in findings)


def test_the_allowed_files_of_a_story_folder_pass(built):
    site = built[0] / "site" / "stories" / "garden"
    assert {p.suffix for p in site.iterdir()} >= {".html", ".pdf", ".webp", ".jpg"}


def test_lines_of_git_settings_or_a_draft_fail_naming_their_file(built, tmp_path):
    page = (built[0] / "site" / "stories" / "garden" / "index.html").read_text(encoding="utf-8")
    # As a snippet would have put them: inside a highlighted code block, escaped and split in spans.
    code = (
        '<pre><code><span class="k">[remote</span> <span class="s">&quot;origin&quot;]</span>\n'
        + "".join(f'<span class="n">{part}</span> ' for part in TOKEN_LINE.split(":"))
        + "</code></pre>"
    )
    findings = audit_with(
        built,
        tmp_path,
        {
            "stories/garden/index.html": page.replace("<p>Planting began.</p>", code),
            "data/notes.txt": DRAFT_LINE.upper(),
        },
    )
    assert (
        "stories/garden/index.html: holds lines of .git/config, which the site does not publish "
        "(from stories/garden/index.md)"
    ) in findings
    # A draft's own file is audited word by word (its unpublished words), not line by line.
    assert "data/notes.txt: contains “COMMITTEE” from unpublished stories/plans.md" in findings


def test_lines_of_settings_and_unused_story_files_fail(built, tmp_path):
    root, _ = built
    settings_line = next(
        line
        for line in (root / "archive.yml").read_text(encoding="utf-8").splitlines()
        if len(line) > 60 and ":" in line
    )
    findings = audit_with(built, tmp_path, {"about.html": f"<p>{settings_line}</p>"})
    assert "about.html: holds lines of archive.yml, which the site does not publish" in findings


@pytest.mark.parametrize(
    "written",
    [
        "HENRIETTA OAKHAMPTON",
        "henrietta\u00a0oakhampton",
        "Henriétta Oakhampton",
        "Henrietta\nOakhampton",
        "ANN",
        "Ann\u2019s",
        "MARY JANE O\u2019NEILL",
        "mary\u2011jane oneill",
    ],
)
def test_a_name_in_another_case_or_spacing_is_found_off_its_page(built, tmp_path, written):
    findings = audit_with(
        built, tmp_path, {"feed.xml": f"<feed><summary>{written} spoke.</summary></feed>"}
    )
    assert (
        "feed.xml: names a person from stories/talk (names appear on their story only)" in findings
    )


def test_a_short_name_is_found_as_a_word_only(built, tmp_path):
    assert any(
        "names a person" in f
        for f in audit_with(built, tmp_path, {"data/x.csv": "slug,summary\nx,Ann's plan\n"})
    )
    assert not any(
        "names a person" in f
        for f in audit_with(built, tmp_path / "2", {"data/x.csv": "Annual Joanne plan\n"})
    )


def test_a_tracker_and_handler_in_a_hand_written_page_fail_the_real_build(tmp_path):
    tiny = TinyArchive(tmp_path)
    tiny.story("garden", story("The garden opens", "2019"))
    root = make_site(tiny)
    (root / "docs" / "news.md").write_text(
        '# News\n\n<img src="https://tracker.example/s.gif" alt="">\n\n'
        '<p onclick="steal()">Click</p>\n',
        encoding="utf-8",
    )
    (root / "docs" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', encoding="utf-8"
    )
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode != 0
    assert "The built site fails its audit" in result.stderr
    assert "loads https://tracker.example/s.gif from another site" in result.stderr
    assert "<p onclick=...> (an event handler runs script)" in result.stderr
    assert "logo.svg: a .svg file, which is not a type" in result.stderr
