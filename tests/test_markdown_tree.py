"""``voices assemble --out DIR``: the archive as a plain Markdown tree another generator can build."""

from __future__ import annotations

import importlib.util
import io
import os
import posixpath
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import REPO, TinyArchive
from PIL import Image
from test_images import assert_no_metadata
from test_site_pages import jpeg, story

from voices.cli import main

DRAFT_WORD, WITHDRAWN_WORD = "Zephyrinewort", "Quillophantine"  # planted: only a leak shows them


def camera_jpeg() -> bytes:
    """A photo carrying what a camera writes but nothing the validator refuses (no place, no owner)."""
    image = Image.new("RGB", (800, 600), (90, 140, 60))
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"  # Make
    exif[0x0132] = "2019:06:14 10:00:00"  # DateTime
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def write_preservation_archive(tiny: TinyArchive) -> None:
    """Published, draft and withdrawn stories, a photo with camera EXIF, a GPS photo the story does
    not use, a renamed story, and hand-written pages with placeholders."""
    tiny.area("ramsey", "---\nname: Ramsey\nregion: east-of-england\n---\n\nThe town's legacy.\n")
    tiny.story(
        "garden",
        story(
            "The garden opens",
            "2019-06-14",
            more=(
                "image:\n  src: garden.jpg\n  alt: Raised beds by the hall\n"
                "attachments:\n  - src: report.pdf\n    title: Annual report\n"
            ),
            body="Planting began. Read [about buses](story:buses).",
        ),
        files={
            "garden.jpg": camera_jpeg(),
            "report.pdf": b"%PDF-1.4 example",
            "spare.jpg": jpeg(300, 200),
        },
    )  # used by nothing (one with GPS would be refused)
    tiny.story(
        "buses",
        story(
            "Buses for Ramsey",
            "2018",
            areas="[ramsey]",
            themes="[spaces-and-services]",
            more="aliases: [/stories/old-buses/]\n",
        ),
    )
    tiny.story(
        "secret",
        story(
            "Secret plans",
            "2020",
            more="status: draft\n",
            body=f"{DRAFT_WORD} is only in this draft.",
        ),
        files={"plan.jpg": jpeg(300, 200)},
    )
    tiny.story(
        "gone",
        "---\ntitle: Gone story\ndate: 2017\nareas: [par-bay]\nthemes: [skills]\n"
        f"# {WITHDRAWN_WORD} was said here before the story was withdrawn\n"
        "status: withdrawn\nwithdrawn:\n  date: 2026-01-05\n  reason: at-request-of-contributor\n---\n",
    )
    docs = tiny.root / "docs"
    (docs / "about.md").write_text(
        "# About {{ name }}\n\nWrite to {{ contacts.email }}. [Home](index.md)\n", encoding="utf-8"
    )
    (docs / "policies").mkdir()
    (docs / "policies" / "corrections-and-withdrawals.md").write_text(
        "# Corrections\n", encoding="utf-8"
    )
    shutil.copy(REPO / "docs" / "search.md", docs / "search.md")
    shutil.copytree(REPO / "docs" / "schema", docs / "schema")


def all_text(folder: Path) -> str:
    return "\n".join(
        f.read_bytes().decode("utf-8", "replace") for f in folder.rglob("*") if f.is_file()
    )


_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_HTML_REF = re.compile(r'\b(?:src|href)="([^"]+)"|\bsrcset="([^"]+)"')


def broken_links(tree: Path) -> list[str]:
    broken = []
    for page in tree.rglob("*.md"):
        rel = page.relative_to(tree).as_posix()
        text = page.read_text(encoding="utf-8")
        targets = _MD_LINK.findall(text)
        for single, srcset in _HTML_REF.findall(text):
            targets += [single] if single else [part.split()[0] for part in srcset.split(",")]
        for target in targets:
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target.split("#")[0]))
            if not (tree / path).is_file():
                broken.append(f"{rel}: {target}")
    return broken


@pytest.fixture
def tree(tiny, tmp_path) -> Path:
    write_preservation_archive(tiny)
    out = tmp_path / "tree"
    assert main(["--root", str(tiny.root), "assemble", "--out", str(out)]) == 0
    return out


def test_every_story_and_area_has_a_page_with_front_matter(tree):
    garden = (tree / "stories" / "garden" / "index.md").read_text(encoding="utf-8")
    front, body = garden.removeprefix("---\n").split("\n---\n\n", 1)
    data = yaml.safe_load(front)
    assert body.startswith("# The garden opens")
    assert {
        key: data[key]
        for key in ("title", "kind", "address", "description", "source", "story_date")
    } == {
        "title": "The garden opens",
        "kind": "story",
        "address": "https://example.org/voices-of-big-local/stories/garden/",
        "description": "About The garden opens.",
        "source": "stories/garden/index.md",
        "story_date": "2019-06-14",
    }
    # No key a generator reserves: Hugo refuses `url`, and a `date` such as 2018
    assert not {"url", "date"} & set(data)
    # What the website puts around the page travels with it: search facets and schema.org data
    assert data["facets"]["theme"] == ["Environment"] and data["facets"]["year"] == ["2019"]
    assert (
        data["json_ld"]["@type"] == "Article" and data["json_ld"]["headline"] == "The garden opens"
    )
    image = data["json_ld"]["image"]
    image = image[0] if isinstance(image, list) else image
    image = image["url"] if isinstance(image, dict) else image
    assert (tree / image.removeprefix(SITE_URL)).is_file(), image  # the photo copy beside the page
    ramsey = yaml.safe_load(
        (tree / "areas" / "ramsey.md").read_text(encoding="utf-8").split("---\n")[1]
    )
    assert ramsey["facets"]["area"] == ["Ramsey"] and ramsey["json_ld"]["@type"] == "Place"
    assert "[about buses](../buses.md)" in garden and "[Annual report](report.pdf)" in garden
    for page in (
        "stories/buses.md",
        "areas/par-bay.md",
        "areas/ramsey.md",
        "areas/index.md",
        "themes/environment.md",
        "years/index.md",
        "index.md",
        "about.md",
        "search.md",
        "README.md",
    ):
        assert (tree / page).is_file(), page
    assert "Buses for Ramsey" in (tree / "areas" / "ramsey.md").read_text(encoding="utf-8")


def test_every_relative_link_leads_to_a_file(tree):
    assert broken_links(tree) == []
    assert (
        len(_MD_LINK.findall((tree / "index.md").read_text(encoding="utf-8"))) > 5
    )  # the home page's listings


def test_link_check_catches_a_broken_link(tmp_path):
    (tmp_path / "a.md").write_text(
        "[gone](b.md) [fine](a.md) [web](https://example.org/)\n", encoding="utf-8"
    )
    assert broken_links(tmp_path) == ["a.md: b.md"]


def test_no_draft_and_withdrawn_stories_are_only_notices(tree):
    assert (
        not (tree / "stories" / "secret.md").exists() and not (tree / "stories" / "secret").exists()
    )
    gone = (tree / "stories" / "gone.md").read_text(encoding="utf-8")
    assert (
        "kind: withdrawn" in gone
        and "robots: noindex" in gone
        and "was withdrawn from the archive" in gone
    )
    text = all_text(tree)
    assert DRAFT_WORD not in text and "Secret plans" not in text and WITHDRAWN_WORD not in text


def test_photos_are_only_the_metadata_free_copies(tree):
    folder = tree / "stories" / "garden"
    assert not (folder / "garden.jpg").exists() and not (folder / "spare.jpg").exists()
    copies = sorted(folder.glob("garden-*"))
    assert copies and (folder / "report.pdf").is_file()
    for copy in copies:
        assert_no_metadata(copy)


def test_hand_written_pages_have_their_placeholders_filled(tree):
    about = (tree / "about.md").read_text(encoding="utf-8")
    assert (
        "# About Voices of Big Local" in about and "{{" not in about and "[To be confirmed" in about
    )
    search = (tree / "search.md").read_text(encoding="utf-8")
    assert "search.js" not in search and "[Areas A to Z](areas/index.md)" in search
    assert (tree / "redirects.json").read_text(
        encoding="utf-8"
    ).strip() == '{\n "/stories/old-buses/": "/stories/buses/"\n}'
    assert "## Front matter" in (tree / "README.md").read_text(encoding="utf-8")
    assert "`search: {exclude: true}`" in (tree / "README.md").read_text(encoding="utf-8")


def test_content_problems_stop_it_with_their_messages(tiny, tmp_path, capsys):
    tiny.story(
        "bad",
        "---\ntitle: Bad\ndate: someday\nsummary: S.\nareas: [par-bay]\nthemes: [environment]\n---\n",
    )
    assert main(["--root", str(tiny.root), "assemble", "--out", str(tmp_path / "out")]) == 1
    assert "stories/bad.md:3: date:" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_a_folder_with_files_in_it_is_refused(tiny, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["--root", str(tiny.root), "assemble", "--out", str(tmp_path / "out")]) == 2
    assert "is not an empty folder" in capsys.readouterr().err
    assert (tmp_path / "out" / "keep.txt").read_text(encoding="utf-8") == "mine"


# --- the tree built by another generator: Zensical, with no hooks ---------------------------------

SITE_URL = "https://example.org/voices-of-big-local/"


def zensical_or_skip() -> None:
    """Zensical is in the test extras; only a machine without them may skip, never CI."""
    if importlib.util.find_spec("zensical") is None:
        if os.environ.get("CI"):
            pytest.fail("zensical is not installed: install the test extras from requirements.lock")
        pytest.skip("zensical is not installed (it is in requirements.lock's test extras)")


def broken_html_links(site: Path) -> list[str]:
    """Every link or source in the built HTML that points inside the site but to no built file."""
    broken = []
    for page in site.rglob("*.html"):
        targets = []
        for single, srcset in _HTML_REF.findall(page.read_text(encoding="utf-8")):
            targets += (
                [single]
                if single
                else [part.split()[0] for part in srcset.split(",") if part.strip()]
            )
        for target in map(unescape, targets):
            if target.startswith(SITE_URL):
                path = target[len(SITE_URL) :]
                base = site
            elif re.match(r"[a-z][a-z0-9+.-]*:|//|#", target) or not target:
                continue  # another site, mail, or a place on the same page
            elif target.startswith(
                urlsplit(SITE_URL).path
            ):  # the 404 page's links work from any address
                path, base = target[len(urlsplit(SITE_URL).path) :], site
            elif target.startswith("/"):
                broken.append(f"{page.relative_to(site)}: {target} (outside the site's address)")
                continue
            else:
                path, base = target, page.parent
            file = base / unquote(urlsplit(path).path)
            if file.is_dir():
                file = file / "index.html"
            if not file.is_file():
                broken.append(f"{page.relative_to(site)}: {target}")
    return broken


def test_link_check_of_the_html_catches_a_broken_link(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<a href="../b/">gone</a><a href="../a/">here</a><a href="https://example.org/">web</a>'
        f'<img src="{SITE_URL}c.png"><a href="#top">top</a><source srcset="d-480.webp 480w, index.html 800w">',
        encoding="utf-8",
    )
    assert broken_html_links(tmp_path) == [
        "a/index.html: ../b/",
        f"a/index.html: {SITE_URL}c.png",
        "a/index.html: d-480.webp",
    ]


def test_zensical_builds_the_tree_without_mkdocs(tiny, tmp_path):
    """The route off MkDocs: the assembled pages and the zensical.toml voices writes build with
    Zensical alone, and the site it makes holds every page, working links and nothing unpublished."""
    zensical_or_skip()
    write_preservation_archive(tiny)
    tiny.area(
        "hilltop",
        "---\nname: Hilltop\nregion: north-east\nsummary: A made-up estate.\n---\n\n"
        "Hilltop's legacy.\n",
    )
    tiny.story(
        "fair",
        story(
            "The winter fair",
            "2021-12",
            areas="[hilltop]",
            body="Stalls filled the hall. See [the garden](story:garden). Tickets: www.example.org, ~~sold~~.",
        ),
    )
    project = tmp_path / "project"
    assert main(["--root", str(tiny.root), "assemble", "--zensical", "--out", str(project)]) == 0
    assert not (project / "docs" / "README.md").exists()  # it would take the home page's place
    run = subprocess.run(
        [sys.executable, "-m", "zensical", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    site = project / "site"

    def page(path: str) -> str:
        assert (site / path / "index.html").is_file(), path
        return (site / path / "index.html").read_text(encoding="utf-8")

    for path, title, summary, body in [
        ("stories/garden", "The garden opens", "About The garden opens.", "Planting began."),
        (
            "stories/buses",
            "Buses for Ramsey",
            "About Buses for Ramsey.",
            "Body of Buses for Ramsey.",
        ),
        ("stories/fair", "The winter fair", "About The winter fair.", "Stalls filled the hall."),
        ("areas/hilltop", "Hilltop", "A made-up estate.", "Hilltop's legacy."),
        ("areas/ramsey", "Ramsey", None, "The town's legacy."),
    ]:
        html = page(path)
        assert f"<title>{title} - Voices of Big Local</title>" in html, path
        assert re.search(rf"<h1[^>]*>{re.escape(title)}<", html), path
        assert body in unescape(html), path
        if summary:
            assert summary in html.split("<article", 1)[1], (
                path
            )  # shown on the page, not only in the head
            assert f'<meta name="description" content="{summary}">' in html, path
    # Rendered with the site's Markdown extensions, not Zensical's defaults (which link bare addresses)
    assert "Tickets: www.example.org, ~~sold~~." in page("stories/fair")
    assert "Buses for Ramsey" not in page("stories/fair")  # no list of every story in every page
    assert "The winter fair" in page("areas/hilltop") and "Buses for Ramsey" in page("areas/ramsey")
    assert "The garden opens" in page("stories") and "Voices of Big Local" in page(".")
    assert "was withdrawn from the archive" in page("stories/gone")
    assert broken_html_links(site) == []
    text = all_text(project)
    assert DRAFT_WORD not in text and "Secret plans" not in text and WITHDRAWN_WORD not in text
    assert not (site / "stories" / "secret").exists()
    assert "Gone story" not in (site / "search.json").read_text(
        encoding="utf-8"
    )  # notices stay out of search


def test_html_the_checks_refuse_never_reaches_another_generator(tiny, tmp_path, capsys):
    """Zensical runs no sanitizer of ours: the tree is written only when every body passed the checks."""
    tiny.story(
        "bad",
        story(
            "Bad",
            "2019",
            body='Hi <img src="x.png" onerror="alert(1)"> '
            '<iframe src="https://elsewhere.example/"></iframe>',
        ),
    )
    project = tmp_path / "project"
    assert main(["--root", str(tiny.root), "assemble", "--zensical", "--out", str(project)]) == 1
    out = capsys.readouterr().out
    assert "stories/bad.md:9: body: the HTML tag <img> is not allowed" in out and "<iframe>" in out
    assert not project.exists()
