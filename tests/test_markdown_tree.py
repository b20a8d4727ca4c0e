"""``voices assemble --out DIR``: the archive as a plain Markdown tree another generator can build."""

from __future__ import annotations

import io
import posixpath
import re
import shutil
from pathlib import Path

import pytest
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
    tiny.story("garden", story("The garden opens", "2019-06-14", more=(
        "image:\n  src: garden.jpg\n  alt: Raised beds by the hall\n"
        "attachments:\n  - src: report.pdf\n    title: Annual report\n"),
        body="Planting began. Read [about buses](story:buses)."),
        files={"garden.jpg": camera_jpeg(), "report.pdf": b"%PDF-1.4 example",
               "spare.jpg": jpeg(300, 200)})  # used by nothing (one with GPS would be refused)
    tiny.story("buses", story("Buses for Ramsey", "2018", areas="[ramsey]", themes="[spaces-and-services]",
                              more="aliases: [/stories/old-buses/]\n"))
    tiny.story("secret", story("Secret plans", "2020", more="status: draft\n",
                               body=f"{DRAFT_WORD} is only in this draft."),
               files={"plan.jpg": jpeg(300, 200)})
    tiny.story("gone", "---\ntitle: Gone story\ndate: 2017\nareas: [par-bay]\nthemes: [skills]\n"
                       f"# {WITHDRAWN_WORD} was said here before the story was withdrawn\n"
                       "status: withdrawn\nwithdrawn:\n  date: 2026-01-05\n  reason: at-request-of-contributor\n---\n")
    docs = tiny.root / "docs"
    (docs / "about.md").write_text("# About {{ name }}\n\nWrite to {{ contacts.email }}. [Home](index.md)\n",
                                   encoding="utf-8")
    (docs / "policies").mkdir()
    (docs / "policies" / "corrections-and-withdrawals.md").write_text("# Corrections\n", encoding="utf-8")
    shutil.copy(REPO / "docs" / "search.md", docs / "search.md")
    shutil.copytree(REPO / "docs" / "schema", docs / "schema")


def all_text(folder: Path) -> str:
    return "\n".join(f.read_bytes().decode("utf-8", "replace") for f in folder.rglob("*") if f.is_file())


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
    assert garden.startswith("---\ntitle: The garden opens\nkind: story\n"
                             "url: https://example.org/voices-of-big-local/stories/garden/\n"
                             "source: stories/garden/index.md\ndate: '2019-06-14'\n---\n\n# The garden opens")
    assert "[about buses](../buses.md)" in garden and "[Annual report](report.pdf)" in garden
    for page in ("stories/buses.md", "areas/par-bay.md", "areas/ramsey.md", "areas/index.md",
                 "themes/environment.md", "years/index.md", "index.md", "about.md", "search.md", "README.md"):
        assert (tree / page).is_file(), page
    assert "Buses for Ramsey" in (tree / "areas" / "ramsey.md").read_text(encoding="utf-8")


def test_every_relative_link_leads_to_a_file(tree):
    assert broken_links(tree) == []
    assert len(_MD_LINK.findall((tree / "index.md").read_text(encoding="utf-8"))) > 5  # the home page's listings


def test_link_check_catches_a_broken_link(tmp_path):
    (tmp_path / "a.md").write_text("[gone](b.md) [fine](a.md) [web](https://example.org/)\n", encoding="utf-8")
    assert broken_links(tmp_path) == ["a.md: b.md"]


def test_no_draft_and_withdrawn_stories_are_only_notices(tree):
    assert not (tree / "stories" / "secret.md").exists() and not (tree / "stories" / "secret").exists()
    gone = (tree / "stories" / "gone.md").read_text(encoding="utf-8")
    assert "kind: withdrawn" in gone and "robots: noindex" in gone and "was withdrawn from the archive" in gone
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
    assert "# About Voices of Big Local" in about and "{{" not in about and "[To be confirmed" in about
    search = (tree / "search.md").read_text(encoding="utf-8")
    assert "search.js" not in search and "[Areas A to Z](areas/index.md)" in search
    assert (tree / "redirects.json").read_text(encoding="utf-8").strip() == \
        '{\n "/stories/old-buses/": "/stories/buses/"\n}'
    assert "## Front matter" in (tree / "README.md").read_text(encoding="utf-8")


def test_content_problems_stop_it_with_their_messages(tiny, tmp_path, capsys):
    tiny.story("bad", "---\ntitle: Bad\ndate: someday\nsummary: S.\nareas: [par-bay]\nthemes: [environment]\n---\n")
    assert main(["--root", str(tiny.root), "assemble", "--out", str(tmp_path / "out")]) == 1
    assert "stories/bad.md:3: date:" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_a_folder_with_files_in_it_is_refused(tiny, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["--root", str(tiny.root), "assemble", "--out", str(tmp_path / "out")]) == 2
    assert "is not an empty folder" in capsys.readouterr().err
    assert (tmp_path / "out" / "keep.txt").read_text(encoding="utf-8") == "mine"
