"""Files that cannot be read as content each get one clear problem with a line, never a traceback."""

from __future__ import annotations

from conftest import GOOD_STORY


def test_a_good_story_has_no_problems(tiny):
    tiny.story("good", GOOD_STORY)
    assert tiny.problems() == []


def test_empty_file(tiny):
    (tiny.root / "stories" / "empty.md").write_text("  \n", encoding="utf-8")
    problem = tiny.only("file")
    assert (problem.path, problem.line) == ("stories/empty.md", 1)
    assert "empty" in problem.message and "_template.md" in problem.hint


def test_binary_file(tiny):
    (tiny.root / "stories" / "photo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    problem = tiny.only("file")
    assert problem.path == "stories/photo.md"
    assert "not a text file" in problem.message


def test_not_utf8_names_the_line(tiny):
    text = GOOD_STORY.replace("The story's text.", "Caf\xe9 opened.").encode("latin-1")
    (tiny.root / "stories" / "latin.md").write_bytes(text)
    problem = tiny.only("file")
    assert problem.line == 9
    assert "UTF-8" in problem.message and "UTF-8" in problem.hint


def test_no_front_matter(tiny):
    tiny.story("plain", "# Just a heading\n\nText.\n")
    problem = tiny.only("front matter")
    assert problem.line == 1
    assert "---" in problem.hint


def test_front_matter_never_closed(tiny):
    tiny.story("open", "---\ntitle: Open\ndate: 2019\n\nBody text.\n")
    problem = tiny.only("front matter")
    assert "never closed" in problem.message and "---" in problem.hint


def test_broken_yaml_names_the_line_and_hints_at_quotes(tiny):
    tiny.story(
        "broken", GOOD_STORY.replace("title: A good story", "title: Ramsey: a town on the move")
    )
    problem = tiny.only("front matter")
    assert problem.line == 2
    assert "cannot be read" in problem.message
    assert 'title: "Ramsey: a town on the move"' in problem.hint


def test_python_tag_is_refused_not_executed(tiny, tmp_path):
    marker = tmp_path / "executed"
    tiny.story(
        "evil",
        GOOD_STORY.replace(
            "title: A good story", f"title: !!python/object/apply:os.system ['touch {marker}']"
        ),
    )
    problem = tiny.only("front matter")
    assert problem.line == 2
    assert "tag" in problem.message
    assert not marker.exists()


def test_bom_and_crlf_are_fine(tiny):
    text = "\ufeff" + GOOD_STORY.replace("\n", "\r\n")
    (tiny.root / "stories" / "windows.md").write_bytes(text.encode("utf-8"))
    assert tiny.problems() == []


def test_crlf_keeps_line_numbers(tiny):
    text = GOOD_STORY.replace("date: 2019-06-14", "date: 12/03/2024").replace("\n", "\r\n")
    (tiny.root / "stories" / "windows.md").write_bytes(text.encode("utf-8"))
    assert tiny.only("date").line == 3


def test_blank_lines_after_the_opening_line_keep_line_numbers(tiny):
    tiny.story(
        "spaced",
        GOOD_STORY.replace("---\ntitle", "---\n\n\ntitle").replace(
            "date: 2019-06-14", "date: soon"
        ),
    )
    assert tiny.only("date").line == 5


def test_duplicate_key_is_an_error_with_both_lines(tiny):
    tiny.story(
        "twice",
        GOOD_STORY.replace(
            "summary: A short summary.\n", "summary: A short summary.\nsummary: Another.\n"
        ),
    )
    problem = tiny.only("summary")
    assert problem.line == 5
    assert "twice" in problem.message and "line 4" in problem.message
    assert "last one silently wins" in problem.hint


def test_front_matter_that_is_not_fields(tiny):
    tiny.story("list", "---\n- title\n- date\n---\n")
    problem = tiny.only("front matter")
    assert "list of fields" in problem.message


def test_alias_bomb_is_handled_quickly(tiny):
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n"
    for level in range(1, 12):
        bomb += (
            f"l{level}: &l{level} ["
            + ", ".join([f"*{'a' if level == 1 else 'l' + str(level - 1)}"] * 9)
            + "]\n"
        )
    tiny.story("bomb", bomb + "---\n")
    problems = tiny.problems()
    assert problems and all(p.path == "stories/bomb.md" for p in problems)
