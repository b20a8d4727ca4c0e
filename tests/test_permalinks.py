"""URLs that never break: the registry of published addresses, and ``voices rename``."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import GOOD_STORY, SMALL_JPEG

from voices.archive import load_archive
from voices.cli import main
from voices.permalinks import (
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
    assert (tmp_path / REGISTRY_FILE).read_text(encoding="utf-8") == "# our own note\n/stories/a/\n/stories/b/\n"


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
    assert str(problem).startswith(f"urls.txt:{problem.line}: url: /stories/gone/ was published before "
                                   "and would now disappear (restore it, add it to the aliases")
    assert registry_problems(registry, {"/", "/areas/ramsey/", "/stories/gone/", "/stories/kept/"}) == []


def test_the_repository_registry_is_sorted_and_normalised():
    from conftest import REPO

    registry = read_registry(REPO)
    assert registry, "urls.txt lists the addresses published so far"
    assert list(registry) == sorted(registry)
    assert all(url.startswith("/") and url.endswith("/") for url in registry)


# --- voices rename ---------------------------------------------------------------------------

LINKING = GOOD_STORY + "\nSee [the old one](story:old) and [its part](story:old#part), not [x](story:older).\n\n[ref]: story:old#part\n"


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
    tiny.story("old", GOOD_STORY.replace("themes:", "image:\n  src: photo.jpg\n  alt: A photo\nthemes:"),
               files={"photo.jpg": SMALL_JPEG})
    lines = rename_story(tiny.root, "old", "new")
    assert not (tiny.root / "stories" / "old").exists()
    assert (tiny.root / "stories" / "new" / "photo.jpg").read_bytes() == SMALL_JPEG
    assert lines[0].startswith("moved stories/old/ → stories/new/")
    assert "stories/new/index.md" in lines[1]
    archive, problems = load_archive(tiny.root)
    assert problems == []
    assert archive.stories["new"].meta.aliases == ["/stories/old/"]


@pytest.mark.parametrize(("written", "expected"), [
    ("aliases: [/stories/first/]  # from the 2020 site\n",
     "aliases: [/stories/first/, /stories/old/]  # from the 2020 site\n"),
    ("# old addresses\naliases:\n    - /stories/first/\n    # kept for the 2020 links\n",
     "# old addresses\naliases:\n    - /stories/first/\n    - /stories/old/\n    # kept for the 2020 links\n"),
    ("aliases: /stories/first/\n", "aliases: [/stories/first/, /stories/old/]\n"),
    ("aliases: []\n", "aliases: [/stories/old/]\n"),
])
def test_alias_added_in_the_list_style_already_used(tiny, written, expected):
    tiny.story("old", GOOD_STORY.replace("themes:", "# a note about themes\n" + written + "themes:"))
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
    tiny.area("ramsey", "---\nname: Ramsey\n---\n\nRead [this](story:old#part) and [that](<story:old>).\n")
    lines = rename_story(tiny.root, "old", "new")
    assert lines[2] == "rewrote story:old links in 2 files"
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
    tracked = subprocess.run(["git", "ls-files", "stories"], cwd=tiny.root, check=True, capture_output=True,
                             text=True).stdout
    assert tracked.splitlines() == ["stories/new.md"]  # git's index followed the move


@pytest.mark.parametrize(("old", "new", "message"), [
    ("missing", "new", "there is no story “missing”"),
    ("olb", "new", "did you mean old?"),
    ("old", "New Name", "try new-name"),
    ("old", "taken", "already taken by stories/taken"),
    ("old", "old", "already called “old”"),
    ("old", "former", "/stories/former/ is an old address that stories/taken.md redirects from"),
])
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
