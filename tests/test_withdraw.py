"""``voices withdraw``: a withdrawn story keeps only its notice, and the check finds leftovers."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import SMALL_JPEG

from voices.cli import main
from voices.content.loading import load_archive
from voices.content.reading import parse_front_matter_file
from voices.content.validate import withdrawal_residue
from voices.edit.withdraw import KEPT_FIELDS, WithdrawError, withdraw_story

TODAY = dt.date(2026, 11, 23)
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
# Words planted in every part of the story that must go; none may survive in any file.
PLANTED = [
    "Zanzibarquux",
    "Plumtreeword",
    "Quentin Marlowgrave",
    "Hollyhockzeta",
    "VBL-2024-987",
    "Oakfernauthor",
    "Tidewatercredit",
]

FOLDER_STORY = """\
---
title: The garden of Voxelbraid
date: 2019-06-14
summary: Plumtreeword volunteers planted a garden.
areas: [par-bay]
themes: [environment]
kind: interview
authors: [Oakfernauthor Smith]
people: [Quentin Marlowgrave]
image:
  src: garden.jpg
  alt: Hollyhockzeta beds beside the hub
  credit: "Photo: Tidewatercredit"
attachments:
  - src: report.pdf
    title: Annual report
consent:
  recorded: 2024-05-01
  reference: VBL-2024-987
  scope: [web, archive, photos]
source_url: https://example.org/garden
licence: CC-BY-4.0
featured: true
aliases: [/stories/old-garden/]
---

Zanzibarquux said the garden changed everything.
"""


@pytest.fixture
def garden(tiny):
    tiny.story("garden", FOLDER_STORY, files={"garden.jpg": SMALL_JPEG, "report.pdf": PDF})
    assert tiny.problems() == []  # a valid story to begin with
    return tiny


def repository_files(root: Path) -> list[Path]:
    """Every file under the root except git's own."""
    return [
        file
        for file in root.rglob("*")
        if file.is_file() and ".git" not in file.relative_to(root).parts
    ]


def front_matter(file: Path) -> dict:
    text = file.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


# --- withdrawing -------------------------------------------------------------------------------


def test_a_folder_story_becomes_a_bare_notice(garden):
    lines = withdraw_story(garden.root, "garden", "at-request-of-contributor", today=TODAY)
    stories = garden.root / "stories"
    assert not (stories / "garden").exists()
    data = front_matter(stories / "garden.md")
    assert list(data) == [
        "title",
        "date",
        "areas",
        "themes",
        "kind",
        "aliases",
        "status",
        "withdrawn",
    ]
    assert set(data) - {"status", "withdrawn"} <= set(KEPT_FIELDS)
    assert data["status"] == "withdrawn"
    assert data["withdrawn"] == {"date": TODAY, "reason": "at-request-of-contributor"}
    assert data["aliases"] == ["/stories/old-garden/"]  # the old address still leads to the notice
    assert data["title"] == "The garden of Voxelbraid"
    text = (stories / "garden.md").read_text(encoding="utf-8")
    assert text.startswith("---\n# This story was withdrawn")
    assert text.endswith("---\n")  # no body at all

    for file in repository_files(garden.root):
        content = file.read_bytes()
        assert SMALL_JPEG not in content, file
        for word in PLANTED:
            assert word.encode() not in content, f"{word} is still in {file}"

    archive, problems = load_archive(garden.root)
    assert problems == []
    assert archive.stories["garden"].meta.status == "withdrawn"
    assert lines[1] == (
        "removed the body, summary, authors, people, image, attachments, consent, source_url, "
        "licence, featured, 2 files (garden.jpg, report.pdf)"
    )
    advice = "\n".join(lines)
    assert (
        "git filter-repo --invert-paths --path stories/garden/garden.jpg --path stories/garden/index.md "
        "--path stories/garden/report.pdf --path stories/old-garden/ --path stories/old-garden.md"
    ) in advice
    assert "git filter-repo --replace-text" in advice
    assert "docs/guide/takedown.md" in advice and "GitHub Support" in advice and "--force" in advice


def test_erase_title_removes_the_title(garden):
    withdraw_story(garden.root, "garden", "safeguarding", erase_title=True, today=TODAY)
    data = front_matter(garden.root / "stories" / "garden.md")
    assert "title" not in data
    assert data["withdrawn"] == {"date": TODAY, "reason": "safeguarding", "erase_title": True}
    assert "Voxelbraid" not in (garden.root / "stories" / "garden.md").read_text(encoding="utf-8")
    assert load_archive(garden.root)[1] == []


def test_a_single_file_story_stays_in_place_and_keeps_its_programme(tiny):
    tiny.story(
        "hub",
        """\
        ---
        title: "Hub: the story"
        date: 2019
        summary: Plumtreeword.
        areas: [par-bay, ramsey]
        themes: [environment]
        programme: big-local
        status: draft
        ---

        Zanzibarquux.
        """,
    )
    lines = withdraw_story(tiny.root, "hub", "accuracy", today=TODAY)
    data = front_matter(tiny.root / "stories" / "hub.md")
    assert data == {
        "title": "Hub: the story",
        "date": 2019,
        "areas": ["par-bay", "ramsey"],
        "themes": ["environment"],
        "programme": "big-local",
        "status": "withdrawn",
        "withdrawn": {"date": TODAY, "reason": "accuracy"},
    }
    assert lines[0] == "withdrew stories/hub.md: only the notice is left"
    assert "--invert-paths" not in "\n".join(lines)  # that would take the notice away too
    assert tiny.problems() == []


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_in_a_git_repository_the_removed_files_are_staged(garden):
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
            cwd=garden.root,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "start")
    withdraw_story(garden.root, "garden", "consent", today=TODAY)
    status = git("status", "--porcelain").splitlines()
    assert "D  stories/garden/garden.jpg" in status
    assert "D  stories/garden/report.pdf" in status
    assert git("ls-files", "stories").splitlines() == [
        "stories/garden.md"
    ]  # the notice is staged too
    assert not (garden.root / "stories" / "garden").exists()
    for file in repository_files(garden.root):
        assert b"Zanzibarquux" not in file.read_bytes()


def test_bad_usage_is_refused_with_a_plain_message(garden):
    with pytest.raises(WithdrawError, match="no story “gardn”.*did you mean garden"):
        withdraw_story(garden.root, "gardn", "consent")
    with pytest.raises(
        WithdrawError,
        match="“because” is not a withdrawal reason; use one of: "
        "at-request-of-contributor, consent, rights",
    ):
        withdraw_story(garden.root, "garden", "because")
    assert (garden.root / "stories" / "garden" / "garden.jpg").is_file()  # nothing changed
    withdraw_story(garden.root, "garden", "consent")
    with pytest.raises(WithdrawError, match="already withdrawn"):
        withdraw_story(garden.root, "garden", "consent")


def test_a_half_done_withdrawal_is_finished_keeping_its_date(tiny):
    tiny.story(
        "hub",
        """\
        ---
        title: Hub
        date: 2019
        summary: Plumtreeword.
        areas: [par-bay]
        themes: [environment]
        status: withdrawn
        withdrawn:
          date: 2025-01-02
          reason: rights
          erase_title: true
        ---
        """,
    )
    withdraw_story(tiny.root, "hub", "rights", today=TODAY)
    data = front_matter(tiny.root / "stories" / "hub.md")
    assert "summary" not in data and "title" not in data
    assert data["withdrawn"] == {
        "date": dt.date(2025, 1, 2),
        "reason": "rights",
        "erase_title": True,
    }


# --- what the validator reports ----------------------------------------------------------------


def residue(root: Path, slug: str, folder: bool = False):
    path = f"stories/{slug}/index.md" if folder else f"stories/{slug}.md"
    parsed, problems = parse_front_matter_file(root / path, path)
    assert parsed is not None, problems
    return withdrawal_residue(
        parsed.data,
        path,
        parsed.line_of,
        (root / "stories" / slug) if folder else None,
        body=parsed.body,
        body_line=parsed.body_line,
    )


def test_every_leftover_field_is_reported_at_its_line(garden):
    file = garden.root / "stories" / "garden" / "index.md"
    text = file.read_text(encoding="utf-8").replace(
        "aliases:", "status: withdrawn\nwithdrawn:\n  date: 2026-11-23\n  reason: consent\naliases:"
    )
    file.write_text(text, encoding="utf-8")
    found = residue(garden.root, "garden", folder=True)
    lines = text.split("\n")
    by_field = {problem.field: problem for problem in found}
    for key in ("summary", "people", "authors", "image", "attachments", "consent", "source_url"):
        problem = by_field[key]
        assert lines[problem.line - 1].startswith(f"{key}:"), key
        assert (
            problem.message
            == f"a withdrawn story must not keep its {key}: the repository is public"
        )
        assert problem.hint == "run: voices withdraw garden --reason consent, or delete the field"
        assert problem.path == "stories/garden/index.md"
    body = by_field["body"]
    assert lines[body.line - 1].startswith("Zanzibarquux")
    assert sorted(p.message for p in found if p.field == "file") == [
        "“garden.jpg” is still in the withdrawn story's folder: the repository is public",
        "“report.pdf” is still in the withdrawn story's folder: the repository is public",
    ]
    assert "title" not in by_field and "licence" not in by_field  # harmless ones are not reported


def test_a_title_it_said_to_erase_is_reported(tiny):
    tiny.story(
        "hub",
        """\
        ---
        date: 2019
        title: Hub
        areas: [par-bay]
        themes: [environment]
        status: withdrawn
        withdrawn: {date: 2026-11-23, reason: legal, erase_title: true}
        people: []
        ---
        """,
    )
    [problem] = residue(tiny.root, "hub")
    assert (problem.field, problem.line) == ("title", 3)
    assert problem.hint == "run: voices withdraw hub --reason legal, or delete the field"


def test_a_clean_notice_and_published_stories_have_no_residue(garden):
    assert (
        residue(garden.root, "garden", folder=True) == []
    )  # published: not the residue check's business
    withdraw_story(garden.root, "garden", "consent")
    assert residue(garden.root, "garden") == []


@pytest.mark.parametrize(
    "data",
    [
        {
            "status": "withdrawn",
            "withdrawn": "yes",
            "summary": 5,
            "people": {"a": 1},
            "title": None,
        },
        {
            "status": "withdrawn",
            "withdrawn": {"reason": ["x"], "erase_title": "true"},
            "title": "T",
        },
        {"status": ["withdrawn"]},
        {"status": "withdrawn", 3: None, "image": [1, 2]},
    ],
)
def test_odd_data_never_raises(data, tmp_path):
    found = withdrawal_residue(
        data, "stories/x.md", lambda path: 1, tmp_path / "missing", body=None, body_line=4
    )
    assert all(problem.field in ("summary", "people", "image") for problem in found)
    if data.get("summary") == 5:
        assert "<reason>" in found[0].hint


# --- the command -------------------------------------------------------------------------------


def test_the_command(garden, capsys):
    assert main(["--root", str(garden.root), "withdraw", "garden", "--reason", "nope"]) == 2
    assert "is not a withdrawal reason" in capsys.readouterr().err
    assert main(["--root", str(garden.root), "withdraw", "garden"]) == 2  # --reason is required
    assert (
        main(
            [
                "--root",
                str(garden.root),
                "withdraw",
                "garden",
                "--reason",
                "consent",
                "--erase-title",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("withdrew stories/garden/index.md → stories/garden.md")
    assert "git filter-repo" in out
    assert "title" not in front_matter(garden.root / "stories" / "garden.md")
    assert main(["--root", str(garden.root), "withdraw", "garden", "--reason", "consent"]) == 2
    assert "already withdrawn" in capsys.readouterr().err


# --- the build caches ----------------------------------------------------------------------------

GARDEN_NOTICE = """\
---
title: The garden of Voxelbraid
date: 2019-06-14
areas: [par-bay]
themes: [environment]
kind: interview
aliases: [/stories/old-garden/]
status: withdrawn
withdrawn:
  date: 2026-11-23
  reason: rights
---
"""


def _cache_leftovers(root: Path, copies: dict[str, bytes]) -> list[str]:
    """Every file under .cache/ holding the story's words or the bytes of its photo's copies."""
    found = []
    for file in (root / ".cache").rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            found += [f"{file}: {word}" for word in PLANTED[:5] if word.encode() in data]
            found += [f"{file}: {name}" for name, copy in copies.items() if data == copy]
    return found


@pytest.mark.parametrize("how", ["voices withdraw", "by hand, then the takedown build"])
def test_a_withdrawn_story_leaves_every_build_cache(garden, how):
    import os
    import sys

    from conftest import ENV, mkdocs_build
    from test_site_pages import make_site

    root = make_site(garden)
    garden.story(
        "other",
        FOLDER_STORY.split("---\n")[0] + "---\ntitle: Another\ndate: 2020\nsummary: Other.\n"
        "areas: [par-bay]\nthemes: [environment]\n---\n\nText.\n",
    )
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    copies = {
        file.name: file.read_bytes()
        for file in (root / "site" / "stories" / "garden").iterdir()
        if file.suffix in (".webp", ".jpg")
    }
    assert copies and _cache_leftovers(root, copies)  # the caches held its words and photo copies
    if how == "voices withdraw":
        withdraw_story(root, "garden", "rights", today=TODAY)
    else:
        shutil.rmtree(root / "stories" / "garden")
        (root / "stories" / "garden.md").write_text(GARDEN_NOTICE, encoding="utf-8")
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "-f",
                str(root / "mkdocs.yml"),
                "-d",
                str(root / "site"),
            ],
            capture_output=True,
            text=True,
            check=False,
            env={**ENV, "VOICES_TAKEDOWN": "1"},
        )
        assert result.returncode == 0, result.stderr
        assert os.listdir(
            root / ".cache" / "rendered"
        )  # the notice and the other pages are cached again
    assert _cache_leftovers(root, copies) == []
