"""URLs that never break: the registry of published addresses, and ``voices rename``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import GOOD_STORY, SMALL_JPEG

from voices.cli import main
from voices.content.loading import load_archive
from voices.site.permalinks import (
    REGISTRY_FILE,
    RenameError,
    read_registry,
    registry_problems,
    rename_story,
    write_registry,
)

# --- the registry ----------------------------------------------------------------------------


def test_registry_round_trip_is_sorted_with_a_header(tmp_path):
    assert read_registry(tmp_path) == {}
    assert write_registry(tmp_path, ["/stories/b/", "/areas/ramsey/", "/stories/a/"]) is True
    lines = (tmp_path / REGISTRY_FILE).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    entries = [line for line in lines if not line.startswith("#")]
    assert entries == ["/areas/ramsey/", "/stories/a/", "/stories/b/"]
    registry = read_registry(tmp_path)
    assert list(registry) == entries
    assert lines[registry["/stories/a/"] - 1] == "/stories/a/"


def test_registry_never_drops_entries_and_reports_no_change(tmp_path):
    write_registry(tmp_path, ["/stories/a/", "/stories/b/"])
    assert write_registry(tmp_path, ["/stories/c/"]) is True
    assert set(read_registry(tmp_path)) == {"/stories/a/", "/stories/b/", "/stories/c/"}
    assert write_registry(tmp_path, []) is False
    assert write_registry(tmp_path, ["/stories/a/"]) is False


def test_registry_keeps_its_own_comments(tmp_path):
    (tmp_path / REGISTRY_FILE).write_text("# our own note\n/stories/a/\n", encoding="utf-8")
    write_registry(tmp_path, ["/stories/b/"])
    assert (tmp_path / REGISTRY_FILE).read_text(
        encoding="utf-8"
    ) == "# our own note\n/stories/a/\n/stories/b/\n"


def test_paths_with_and_without_slashes_are_one(tmp_path):
    (tmp_path / REGISTRY_FILE).write_text("# header\n\n/stories/x\nstories/y/\n", encoding="utf-8")
    assert read_registry(tmp_path) == {"/stories/x/": 3, "/stories/y/": 4}
    assert write_registry(tmp_path, ["/stories/x/", "stories/y", "/stories/y/index.html"]) is True
    assert list(read_registry(tmp_path)) == ["/stories/x/", "/stories/y/"]
    assert registry_problems({"/stories/x": 3}, {"stories/x/"}) == []


def test_a_vanished_url_is_a_problem_on_its_line(tmp_path):
    write_registry(tmp_path, ["/", "/areas/ramsey/", "/stories/gone/", "/stories/kept/"])
    registry = read_registry(tmp_path)
    [problem] = registry_problems(registry, {"/", "/areas/ramsey/", "/stories/kept/"})
    assert problem.path == REGISTRY_FILE
    assert problem.field == "url"
    assert problem.line == registry["/stories/gone/"]
    lines = (tmp_path / REGISTRY_FILE).read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1] == "/stories/gone/"
    assert str(problem).startswith(
        f"urls.txt:{problem.line}: url: /stories/gone/ was published before "
        "and would now disappear (restore it, add it to the aliases"
    )
    assert (
        registry_problems(registry, {"/", "/areas/ramsey/", "/stories/gone/", "/stories/kept/"})
        == []
    )


def test_the_repository_registry_is_sorted_and_normalised():
    from conftest import REPO

    registry = read_registry(REPO)
    assert registry, "urls.txt lists the addresses published so far"
    assert list(registry) == sorted(registry)
    assert all(url.startswith("/") and url.endswith("/") for url in registry)


# --- voices rename ---------------------------------------------------------------------------

LINKING = (
    GOOD_STORY
    + "\nSee [the old one](story:old) and [its part](story:old#part), not [x](story:older).\n\n[ref]: story:old#part\n"
)


def test_rename_single_file_story(tiny):
    tiny.story("old", GOOD_STORY)
    lines = rename_story(tiny.root, "old", "new")
    assert not (tiny.root / "stories" / "old.md").exists()
    text = (tiny.root / "stories" / "new.md").read_text(encoding="utf-8")
    assert "aliases: [/stories/old/]\n---\n" in text
    assert lines[0] == "moved stories/old.md → stories/new.md"
    assert "/stories/old/" in lines[1]
    assert lines[-1] == "commit the change; the old address now redirects"
    archive, problems = load_archive(tiny.root)
    assert problems == []
    assert archive.stories["new"].meta.aliases == ["/stories/old/"]


def test_rename_folder_story_moves_the_files_beside_it(tiny):
    tiny.story(
        "old",
        GOOD_STORY.replace("themes:", "image:\n  src: photo.jpg\n  alt: A photo\nthemes:"),
        files={"photo.jpg": SMALL_JPEG},
    )
    lines = rename_story(tiny.root, "old", "new")
    assert not (tiny.root / "stories" / "old").exists()
    assert (tiny.root / "stories" / "new" / "photo.jpg").read_bytes() == SMALL_JPEG
    assert lines[0].startswith("moved stories/old/ → stories/new/")
    assert "stories/new/index.md" in lines[1]
    archive, problems = load_archive(tiny.root)
    assert problems == []
    assert archive.stories["new"].meta.aliases == ["/stories/old/"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "aliases: [/stories/first/]  # from the 2020 site\n",
            "aliases: [/stories/first/, /stories/old/]  # from the 2020 site\n",
        ),
        (
            "# old addresses\naliases:\n    - /stories/first/\n    # kept for the 2020 links\n",
            "# old addresses\naliases:\n    - /stories/first/\n    - /stories/old/\n    # kept for the 2020 links\n",
        ),
        ("aliases: /stories/first/\n", "aliases: [/stories/first/, /stories/old/]\n"),
        ("aliases: []\n", "aliases: [/stories/old/]\n"),
    ],
)
def test_alias_added_in_the_list_style_already_used(tiny, written, expected):
    tiny.story(
        "old", GOOD_STORY.replace("themes:", "# a note about themes\n" + written + "themes:")
    )
    rename_story(tiny.root, "old", "new")
    text = (tiny.root / "stories" / "new.md").read_text(encoding="utf-8")
    assert "# a note about themes\n" + expected + "themes: [environment]\n---\n" in text
    archive, problems = load_archive(tiny.root)
    assert problems == []
    assert archive.stories["new"].meta.aliases[-1] == "/stories/old/"


def test_alias_inserted_before_the_closing_line_keeping_comments(tiny):
    original = GOOD_STORY.replace("themes:", "# comment kept\nthemes:")
    tiny.story("old", original)
    rename_story(tiny.root, "old", "new")
    expected = original.replace("---\n\n", "aliases: [/stories/old/]\n---\n\n", 1)
    assert (tiny.root / "stories" / "new.md").read_text(encoding="utf-8") == expected


def test_links_rewritten_in_stories_and_areas(tiny):
    tiny.story("old", GOOD_STORY)
    tiny.story("older", GOOD_STORY)  # a slug that merely starts with the old one: left alone
    tiny.story("other", LINKING)
    tiny.area(
        "ramsey", "---\nname: Ramsey\n---\n\nRead [this](story:old#part) and [that](<story:old>).\n"
    )
    lines = rename_story(tiny.root, "old", "new")
    assert lines[2] == "pointed the links to old at new in 2 files"
    other = (tiny.root / "stories" / "other.md").read_text(encoding="utf-8")
    assert "[the old one](story:new) and [its part](story:new#part), not [x](story:older)." in other
    assert "[ref]: story:new#part" in other
    area = (tiny.root / "areas" / "ramsey.md").read_text(encoding="utf-8")
    assert "[this](story:new#part) and [that](<story:new>)." in area
    assert load_archive(tiny.root)[1] == []


def test_existing_aliases_carry_over(tiny):
    tiny.story("old", GOOD_STORY.replace("themes:", "aliases: [/stories/oldest/]\nthemes:"))
    rename_story(tiny.root, "old", "new")
    archive, problems = load_archive(tiny.root)
    assert problems == []
    assert archive.stories["new"].meta.aliases == ["/stories/oldest/", "/stories/old/"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_rename_uses_git_mv_for_a_tracked_story(tiny):
    tiny.story("old", GOOD_STORY)
    subprocess.run(["git", "init", "-q"], cwd=tiny.root, check=True)
    subprocess.run(["git", "add", "stories/old.md"], cwd=tiny.root, check=True)
    rename_story(tiny.root, "old", "new")
    tracked = subprocess.run(
        ["git", "ls-files", "stories"], cwd=tiny.root, check=True, capture_output=True, text=True
    ).stdout
    assert tracked.splitlines() == ["stories/new.md"]  # git's index followed the move


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("missing", "new", "there is no story “missing”"),
        ("olb", "new", "did you mean old?"),
        ("old", "New Name", "try new-name"),
        ("old", "taken", "already taken by stories/taken"),
        ("old", "old", "already called “old”"),
        (
            "old",
            "former",
            "/stories/former/ is an old address that stories/taken.md redirects from",
        ),
    ],
)
def test_bad_usage_raises_a_helpful_error(tiny, old, new, message):
    tiny.story("old", GOOD_STORY)
    tiny.story("taken", GOOD_STORY.replace("themes:", "aliases: [/stories/former/]\nthemes:"))
    with pytest.raises(RenameError, match=message):
        rename_story(tiny.root, old, new)
    assert (tiny.root / "stories" / "old.md").read_text(encoding="utf-8") == GOOD_STORY


def test_cli_rename_exits_0_and_prints_what_it_did(tiny, capsys):
    tiny.story("old", GOOD_STORY)
    assert main(["--root", str(tiny.root), "rename", "old", "new"]) == 0
    out = capsys.readouterr().out
    assert "moved stories/old.md → stories/new.md" in out
    assert "commit the change; the old address now redirects" in out


def test_cli_rename_bad_usage_exits_2(tiny, capsys):
    assert main(["--root", str(tiny.root), "rename", "missing", "new"]) == 2
    assert "voices rename: there is no story “missing”" in capsys.readouterr().err
    assert main(["--root", str(tiny.root), "rename", "only-one"]) == 2


# --- links between stories and areas: story:/area: only, so renames keep them working ------

SITE = "https://example.org/voices-of-big-local/"  # archive.yml's site_url


@pytest.mark.parametrize(
    "link",
    [
        "[x](../stories/linked.md)",
        "[x](/stories/linked/)",
        "[x](stories/linked/index.md)",
        f"[x]({SITE}stories/linked/)",
        "[x](//example.org/voices-of-big-local/stories/linked/)",
        '[x](<../stories/linked.md> "its title")',
        "[x](../stories/linked/#part)",
        "<{SITE}stories/linked/>",
        "[x][r]\n\n[r]: ../stories/linked.md",
        "- [r]: /stories/linked/",
        "> [r]:\n>   ../stories/linked.md",
        "[x](../stories/linked.html)",
        "[x](..%2Fstories%2Flinked.md)",
        "[x](../stories/linked&#46;md)",
    ],
)
def test_a_link_to_a_story_by_path_or_address_is_refused_with_the_story_form(tiny, link):
    tiny.story("linked", GOOD_STORY)
    tiny.area(
        "ramsey", "---\nname: Ramsey\n---\n\nIntro.\n\n" + link.replace("{SITE}", SITE) + "\n"
    )
    problem = tiny.only("body")
    assert (problem.path, problem.line) == (
        "areas/ramsey.md",
        7 + link[: link.index("stories")].count("\n"),
    )
    assert "links to the story “linked” by its file or web address" in problem.message
    anchor = "#part" if "#part" in link else ""
    assert problem.hint == f"write the link as [text](story:linked{anchor})"


def test_links_between_stories_and_to_areas_by_path_are_refused_too(tiny):
    tiny.story("linked", GOOD_STORY)
    tiny.story(
        "from-folder",
        GOOD_STORY + "\nSee [it](../linked/) and [Ramsey](../../areas/ramsey/#facts).\n",
        files={},
    )
    found = sorted((p.line, p.hint) for p in tiny.problems())
    assert found == [
        (11, "write the link as [text](area:ramsey#facts)"),
        (11, "write the link as [text](story:linked)"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "[x](story:linked) and [y](area:ramsey)",
        "[site](https://example.org/other/stories/linked/)",
        "`[x](../stories/linked.md)` in code",
        "```\n[x](../stories/linked.md)\n```",
        "[list](../stories/index.md)",
        "[a file](../stories/linked/photo.jpg)",
        "[gone](../stories/missing/)",
    ],
)
def test_story_links_code_and_other_addresses_are_not_path_links(tiny, body):
    tiny.story("linked", GOOD_STORY)
    tiny.area("ramsey", "---\nname: Ramsey\n---\n\n" + body + "\n")
    assert not [p for p in tiny.problems() if "by its file or web address" in p.message]


def test_a_markdown_transcript_is_checked_and_its_story_links_are_resolved(tiny):
    from test_site_pages import build

    tiny.story("linked", GOOD_STORY)
    media = "media:\n  - url: https://example.org/talk\n    type: audio\n    transcript: talk.md\n"
    tiny.story(
        "talk",
        GOOD_STORY.replace("themes:", media + "themes:"),
        files={"talk.md": b"Q: see [the other](../linked.md).\n"},
    )
    problem = tiny.only("body")
    assert (problem.path, problem.line, problem.hint) == (
        "stories/talk/talk.md",
        1,
        "write the link as [text](story:linked)",
    )
    (tiny.root / "stories" / "talk" / "talk.md").write_text(
        "Q: see [the other](story:linked#part).\n"
    )
    site, _ = build(tiny)
    assert 'href="../linked/#part"' in (site / "stories" / "talk" / "index.html").read_text(
        encoding="utf-8"
    )


def test_rename_rewrites_every_story_link_form_and_docs_links(tiny):
    tiny.story("old", GOOD_STORY)
    tiny.story("old-two", GOOD_STORY)
    media = "media:\n  - url: https://example.org/talk\n    type: audio\n    transcript: talk.md\n"
    tiny.story(
        "talk",
        GOOD_STORY.replace("themes:", media + "themes:") + "\n- [ref]: <story:old#part>\n",
        files={"talk.md": b"See [it][r] and [two](story:old-two).\n\n> [r]:\n>   story:old\n"},
    )
    tiny.area("ramsey", '---\nname: Ramsey\n---\n\n[a](<story:old> "t") [b](story:old#x)\n')
    (tiny.root / "docs" / "guide").mkdir()
    (tiny.root / "docs" / "guide" / "index.md").write_text(
        f"[a](../stories/old.md#p) [b]({SITE}stories/old/) [c](../stories/old-two.md)\n",
        encoding="utf-8",
    )
    lines = rename_story(tiny.root, "old", "new")
    assert lines[2] == "pointed the links to old at new in 4 files"
    talk = tiny.root / "stories" / "talk"
    assert (talk / "index.md").read_text(encoding="utf-8").endswith("- [ref]: <story:new#part>\n")
    assert (
        talk / "talk.md"
    ).read_text() == "See [it][r] and [two](story:old-two).\n\n> [r]:\n>   story:new\n"
    assert (
        '[a](<story:new> "t") [b](story:new#x)' in (tiny.root / "areas" / "ramsey.md").read_text()
    )
    assert (tiny.root / "docs" / "guide" / "index.md").read_text() == (
        f"[a](../stories/new.md#p) [b]({SITE}stories/new/) [c](../stories/old-two.md)\n"
    )
    assert tiny.problems() == []


def _repository_copy(tiny) -> list[str]:
    """The repository's stories, the areas they name and every area that links to a story,
    in ``tiny``; the slugs of the stories."""
    import yaml
    from conftest import REPO

    stories = sorted(path for path in (REPO / "stories").iterdir() if not path.name.startswith("_"))
    needed = set()
    for path in stories:
        target = tiny.root / "stories" / path.name
        (shutil.copytree if path.is_dir() else shutil.copy)(path, target)
        file = target / "index.md" if path.is_dir() else target
        needed |= set(yaml.safe_load(file.read_text(encoding="utf-8").split("---")[1])["areas"])
    for area in sorted((REPO / "areas").glob("*.md")):
        if area.stem in needed or "story:" in area.read_text(encoding="utf-8"):
            shutil.copy(area, tiny.root / "areas" / area.name)
    return [path.name.removesuffix(".md") for path in stories]


def test_renaming_every_real_story_keeps_the_strict_build_working(tiny):
    """The repository's own stories and the areas linking to them: each rename is followed by
    a strict build, which fails on any link left pointing at a file that moved."""
    from conftest import mkdocs_build
    from test_site_pages import make_site

    def build() -> Path:
        result = mkdocs_build(tiny.root / "mkdocs.yml", tiny.root / "site")
        assert result.returncode == 0, result.stderr
        return tiny.root / "site"

    slugs = _repository_copy(tiny)
    assert len(slugs) >= 6 and tiny.problems() == []
    linking = {
        area.stem
        for area in (tiny.root / "areas").glob("*.md")
        if "story:" in area.read_text(encoding="utf-8")
    }
    assert len(linking) >= 18  # the areas that once linked with ../stories/x.md
    make_site(tiny)
    build()  # records every address in urls.txt: a rename must keep each one
    for slug in slugs:
        rename_story(tiny.root, slug, f"{slug}-renamed")
        site = build()
        assert (site / "stories" / slug / "index.html").is_file()  # the old address redirects
        pages = " ".join(
            (site / "areas" / area / "index.html").read_text(encoding="utf-8") for area in linking
        )
        assert f"stories/{slug}/" not in pages.replace(f"stories/{slug}-renamed/", "")
    assert "story:" in (tiny.root / "areas" / "par-bay.md").read_text(encoding="utf-8")
