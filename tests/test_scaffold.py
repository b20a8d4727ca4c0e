"""``voices new``: a story started from the template, with the answers filled in and checked."""

from __future__ import annotations

import shutil

import pytest
from conftest import REPO

from voices.cli import main
from voices.content.reading import parse_front_matter_file
from voices.edit.new_story import choose_slug


@pytest.fixture
def archive(tiny):
    shutil.copy(REPO / "stories" / "_template.md", tiny.root / "stories" / "_template.md")
    return tiny


def run(archive, *args: str) -> int:
    return main(["--root", str(archive.root), "new", *args])


def test_new_story_is_written_from_the_template_as_a_checked_draft(archive, capsys):
    status = run(
        archive,
        "--title",
        "Planting day at the 'Bay': part one",
        "--area",
        "par-bay",
        "--theme",
        "environment,skills",
        "--date",
        "2021-04",
    )
    out = capsys.readouterr().out
    assert status == 0, out
    file = archive.root / "stories" / "planting-day-at-the-bay-part-one.md"
    assert "wrote stories/planting-day-at-the-bay-part-one.md (status: draft)" in out
    parsed, problems = parse_front_matter_file(file, "x.md")
    assert problems == []
    assert parsed.data["title"] == "Planting day at the 'Bay': part one"
    assert parsed.data["areas"] == ["par-bay"] and parsed.data["themes"] == [
        "environment",
        "skills",
    ]
    assert parsed.data["date"] == "2021-04" and parsed.data["status"] == "draft"
    text = file.read_text(encoding="utf-8")
    # Every field keeps its explanation; the notes about replacing example values are gone.
    assert "# summary: one or two plain sentences" in text and "# consent:" in text
    assert "Example date: replace it" not in text and "Example area: replace it" not in text
    assert archive.problems() == []


def test_publishing_with_the_template_text_left_in_is_refused(archive, capsys):
    run(
        archive,
        "--title",
        "A market day",
        "--area",
        "ramsey",
        "--theme",
        "local-economies",
        "--date",
        "2019",
    )
    file = archive.root / "stories" / "a-market-day.md"
    file.write_text(
        file.read_text(encoding="utf-8").replace("status: draft", "status: published"),
        encoding="utf-8",
    )
    found = {(p.field, p.message) for p in archive.problems()}
    assert ("summary", "still holds the template's example text") in found
    assert ("authors[1]", "still holds the template's example text") in found
    assert ("body", "still holds the template's example text") in found
    body = next(p for p in archive.problems() if p.field == "body")
    assert (
        file.read_text(encoding="utf-8")
        .split("\n")[body.line - 1]
        .startswith("Example: delete these lines")
    )


def test_a_folder_story_for_photos(archive, capsys):
    assert (
        run(
            archive,
            "--title",
            "Photos",
            "--area",
            "par-bay",
            "--theme",
            "skills",
            "--date",
            "2020-01-02",
            "--folder",
            "--summary",
            "Pictures of the day.",
        )
        == 0
    )
    file = archive.root / "stories" / "photos" / "index.md"
    assert 'summary: "Pictures of the day."' in file.read_text(encoding="utf-8")
    assert "upload its files beside index.md" in capsys.readouterr().out


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--area", "par-by"], "area: “par-by” is not an area (did you mean par-bay?)"),
        (
            ["--theme", "enviroment"],
            "theme: “enviroment” is not a theme (did you mean environment?)",
        ),
        (["--date", "14/06/2019"], "date: “14/06/2019” is not a date"),
        (["--slug", "Bad Slug"], "slug: “Bad Slug” is not a slug"),
    ],
)
def test_unusable_answers_are_refused_with_the_fix(archive, capsys, flags, message):
    args = {"--title": "A day out", "--area": "par-bay", "--theme": "skills", "--date": "2019"}
    args.update(dict(zip(flags[::2], flags[1::2])))
    assert run(archive, *[part for pair in args.items() for part in pair]) == 2
    assert message in capsys.readouterr().err
    assert [p.name for p in (archive.root / "stories").iterdir()] == ["_template.md"]


def test_missing_answers_without_a_terminal_name_the_flags(archive, capsys):
    assert run(archive, "--title", "A day out") == 2
    assert "give --area, --theme, --date" in capsys.readouterr().err


def test_in_a_terminal_it_asks_again_until_an_answer_can_be_used(archive, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["Our new hub", "par-by", "par-bay", "environment", "2022-13-45x", "2022-07-01"])
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or next(answers))
    assert run(archive) == 0
    out = capsys.readouterr().out
    assert "area: “par-by” is not an area (did you mean par-bay?)" in out
    assert len(asked) == 6 and asked[1].startswith("Area")
    assert (archive.root / "stories" / "our-new-hub.md").is_file()


def test_slugs_never_reuse_an_address(archive):
    (archive.root / "urls.txt").write_text("/stories/a-day-out/\n", encoding="utf-8")
    archive.story("a-day-out-2", "---\ntitle: x\n---\n")
    assert (
        run(
            archive,
            "--title",
            "A day out",
            "--area",
            "par-bay",
            "--theme",
            "skills",
            "--date",
            "2019",
        )
        == 0
    )
    assert (archive.root / "stories" / "a-day-out-3.md").is_file()


def test_long_titles_make_short_slugs_cut_at_a_word():
    slug = choose_slug(
        "The community garden that residents built together over ten long summers in Par",
        frozenset(),
    )
    assert len(slug) <= 60 and slug == "the-community-garden-that-residents-built-together-over-ten"


@pytest.mark.parametrize("folder", [False, True])
def test_the_schema_line_points_editors_at_the_published_schema(archive, folder):
    args = ["--title", "Schema", "--area", "par-bay", "--theme", "skills", "--date", "2019"]
    assert run(archive, *args, *(["--folder"] if folder else [])) == 0
    file = archive.root / "stories" / ("schema/index.md" if folder else "schema.md")
    first = file.read_text(encoding="utf-8").split("\n")[1]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (file.parent / first.split("=", 1)[1]).resolve()
    # The tiny archive has no docs/schema; the path must reach the repository's layout.
    assert target == (archive.root / "docs" / "schema" / "story.schema.json").resolve()


def test_a_new_draft_never_stops_the_published_build(tiny):
    """Issue 15, item 9: the draft holds the template's words, and the guide shows the template;
    the audit must read the guide as published, not take those words for a leak of the draft."""
    from datetime import date

    from conftest import mkdocs_build
    from test_inclusion import guide_site

    from voices.edit.new_story import StoryAnswers, new_story

    tiny.story(
        "garden",
        "---\ntitle: The garden\ndate: 2019-06-14\nsummary: About the garden.\n"
        "areas: [par-bay]\nthemes: [environment]\n---\n\nPlanting began.\n",
    )
    root = guide_site(tiny, (REPO / "stories" / "_template.md").read_text(encoding="utf-8"))
    for folder in (False, True):
        answers = StoryAnswers(
            title=f"Draft {folder}",
            areas=["par-bay"],
            themes=["skills"],
            date="2024",
            summary="Words still to write.",
            folder=folder,
        )
        draft, problems = new_story(root, answers, today=date(2026, 1, 5))
        assert problems == [], problems
        assert "status: draft" in draft.read_text(encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "stories" / "garden" / "index.html").is_file()
    assert not (root / "site" / "stories" / "draft-true").exists()
    assert "Words still to write" not in "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in (root / "site").rglob("*.html")
    )
