"""Hostile or broken front matter: every file gets a plain problem with its line, quickly;
never a traceback, a hang or a crash (issue 15, item 7)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ENV, GOOD_STORY

MAX_DEPTH = 20  # as voices/content/reading.py says in its message

NOT_A_FIELD_HINT = (
    "start the line with the field's name, then a colon and the value, e.g. title: Our garden"
)
TAG_HINT = (
    "remove the tag and write the value as plain text, a number, a date, true or false; "
    "a value that starts with ! must be in double quotes"
)


def with_field(line: str) -> str:
    """GOOD_STORY with one more line after the summary (line 5)."""
    return GOOD_STORY.replace("summary: A short summary.\n", f"summary: A short summary.\n{line}\n")


def check(tiny, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``voices check`` as staff run it, in its own process: a hang fails the test at ``timeout``
    instead of stalling the suite, and a crash shows as a signal, not as a passing test."""
    return subprocess.run(
        [sys.executable, "-m", "voices", "--root", str(tiny.root), "check"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=timeout,
        check=False,
    )


def lines_of(tiny) -> list[str]:
    return [str(problem) for problem in tiny.problems()]


# --- values PyYAML cannot build ------------------------------------------------------------


@pytest.mark.parametrize("date", ["2019-02-29", "2020-13-45", "2021-04-31"])
def test_an_impossible_unquoted_date_is_reported_on_its_line(tiny, date):
    tiny.story("leap", GOOD_STORY.replace("date: 2019-06-14", f"date: {date}"))
    assert lines_of(tiny) == [
        f"stories/leap.md:3: date: “{date}” is not a real date (check the month (01–12) and the day)"
    ]


def test_an_impossible_date_inside_a_group_is_reported_on_its_line(tiny):
    tiny.story(
        "consent",
        GOOD_STORY.replace(
            "themes: [environment]\n",
            "themes: [environment]\nkind: interview\nconsent:\n  recorded: 2023-02-30\n"
            "  reference: VBL-2024-017\n  scope: [web]\n",
        ),
    )
    assert lines_of(tiny) == [
        (
            "stories/consent.md:9: consent.recorded: “2023-02-30” is not a real date "
            "(check the month (01–12) and the day)"
        )
    ]


def test_an_impossible_time_is_not_a_date(tiny):
    tiny.story("late", GOOD_STORY.replace("date: 2019-06-14", "date: 2019-06-14 25:61:00"))
    assert lines_of(tiny) == [
        (
            "stories/late.md:3: date: “2019-06-14 25:61:00” is not written as a date "
            "(write YYYY-MM-DD, e.g. 2024-03-12; or YYYY-MM or YYYY when only that is known)"
        )
    ]


def test_a_number_too_long_for_python_is_reported(tiny):
    tiny.story("digits", GOOD_STORY.replace("title: A good story", "title: " + "9" * 5000))
    assert lines_of(tiny) == [
        (
            "stories/digits.md:2: title: is 5000 characters long; at most 150 are allowed "
            "(shorten it)"
        )
    ]


# --- anchors, aliases, tags, merge keys: refused before anything is built -------------------


def test_an_alias_bomb_is_refused_at_once(tiny):
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n"
    for level in range(1, 10):
        bomb += (
            f"l{level}: &l{level} ["
            + ", ".join([f"*{'a' if level == 1 else f'l{level - 1}'}"] * 9)
            + "]\n"
        )
    # authors is a list of names: the contract would walk all 9^10 of them.
    tiny.story("bomb", bomb + "authors: *l9\n---\n\nText.\n")
    result = check(tiny)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        (
            "stories/bomb.md:2: front matter: YAML anchors and aliases (values starting with & or *) are not "
            "allowed (write each value out in full; a value that starts with & or * must be in double quotes, "
            'e.g. title: "*Our* garden")'
        )
    ]


def test_a_lone_anchor_is_refused_too(tiny):
    tiny.story("anchor", GOOD_STORY.replace("title: A good story", "title: &t A good story"))
    assert lines_of(tiny) == [
        (
            "stories/anchor.md:2: front matter: YAML anchors and aliases (values starting with & or *) are not "
            "allowed (write each value out in full; a value that starts with & or * must be in double quotes, "
            'e.g. title: "*Our* garden")'
        )
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!python/object/apply:os.system ['echo hi']", "!!python/object/apply:os.system"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!str A good story", "!!str"),
        ("!custom A good story", "!custom"),
        ("! A good story", "!"),
        ("!!set {a, b}", "!!set"),
    ],
)
def test_every_yaml_tag_is_refused(tiny, value, shown):
    tiny.story("tagged", GOOD_STORY.replace("title: A good story", f"title: {value}"))
    assert lines_of(tiny) == [
        (
            f"stories/tagged.md:2: front matter: a YAML tag ({shown}) is not allowed here "
            f"({TAG_HINT})"
        )
    ]


def test_a_merge_key_is_refused(tiny):
    # Without the refusal, "kind: film" would arrive unseen, from a line that names no field.
    tiny.story("merge", with_field("<<: {kind: film}"))
    assert lines_of(tiny) == [
        (
            "stories/merge.md:5: front matter: a YAML merge key (<<) is not allowed "
            "(write each field out in full)"
        )
    ]


# --- field names that are not names ---------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "read_as"),
    [
        ("~", "nothing (empty)"),
        ("null", "nothing (empty)"),
        ("12", "a number"),
        ("1.5", "a number"),
        ("yes", "yes/no"),
        ("off", "yes/no"),
        ("2019-06-14", "a date"),
    ],
)
def test_a_field_name_yaml_reads_as_another_type(tiny, key, read_as):
    tiny.story("key", with_field(f"{key}: x"))
    assert lines_of(tiny) == [
        (
            f"stories/key.md:5: front matter: “{key}” before the colon is not a field name: "
            f"YAML reads it as {read_as} ({NOT_A_FIELD_HINT})"
        )
    ]


def test_an_empty_field_name(tiny):
    tiny.story("key", with_field("?\n: x"))
    tiny.story("quoted", with_field('"": x'))
    assert lines_of(tiny) == [
        (
            "stories/key.md:5: front matter: “(nothing)” before the colon is not a field name: YAML reads it as "
            f"nothing (empty) ({NOT_A_FIELD_HINT})"
        ),
        f"stories/quoted.md:5: front matter: the field name before the colon is empty ({NOT_A_FIELD_HINT})",
    ]


@pytest.mark.parametrize("line", ["[a, b]: x", "{a: b}: x", "? [a]\n: x"])
def test_a_list_or_group_as_a_field_name(tiny, line):
    tiny.story("key", with_field(line))
    assert lines_of(tiny) == [
        (
            "stories/key.md:5: front matter: a field name must be a single word, not a list "
            f"or group ({NOT_A_FIELD_HINT})"
        )
    ]


def test_a_wrong_field_name_inside_a_group_names_the_group(tiny):
    tiny.story("key", with_field("image:\n  src: a.jpg\n  ~: x"))
    problems = [p for p in tiny.problems() if p.line == 7]
    assert [str(p) for p in problems] == [
        (
            "stories/key.md:7: image: “~” before the colon is not a field name: YAML reads it as nothing (empty) "
            f"({NOT_A_FIELD_HINT})"
        )
    ]


def test_a_field_given_twice_is_reported_with_both_lines(tiny):
    tiny.story("twice", with_field("title: Another"))
    assert lines_of(tiny) == [
        (
            "stories/twice.md:5: title: is given twice (first on line 2) "
            "(keep only one; otherwise the last one silently wins)"
        )
    ]


# --- depth and size ---------------------------------------------------------------------------

DEPTH_MESSAGE = (
    f"front matter: the fields are nested more than {MAX_DEPTH} levels deep (a story's fields "
    "are at most two levels deep: check the indentation and the brackets)"
)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500])
def test_deep_nesting_in_brackets_is_refused(tiny, depth):
    tiny.story(
        "deep", GOOD_STORY.replace("title: A good story", "title: " + "[" * depth + "]" * depth)
    )
    assert lines_of(tiny) == [f"stories/deep.md:2: {DEPTH_MESSAGE}"]


def test_deep_nesting_by_indentation_is_refused_on_the_line_it_goes_too_deep(tiny):
    fields = "".join(" " * level + f"l{level}:\n" for level in range(MAX_DEPTH + 5))
    tiny.story("deep", "---\n" + fields + "---\n")
    assert lines_of(tiny) == [f"stories/deep.md:{MAX_DEPTH + 2}: {DEPTH_MESSAGE}"]


def test_nesting_thirty_thousand_deep_does_not_crash(tiny):
    depth = 30_000  # PyYAML's own composer recurses: Python dies with a segmentation fault
    tiny.story("deep", "---\ntitle: " + "[" * depth + "]" * depth + "\n---\n")
    result = check(tiny)
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stdout.splitlines() == [f"stories/deep.md:2: {DEPTH_MESSAGE}"]


def test_a_front_matter_of_megabytes_on_one_line_is_refused_quickly(tiny):
    # Reading used to slice the rest of the line for every value: minutes for a few MB.
    tiny.story("long", "---\nauthors: [" + ", ".join(["x"] * 600_000) + "]\n---\n")
    result = check(tiny, timeout=30)
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stdout.splitlines() == [
        (
            "stories/long.md:2: front matter: the fields are longer than 200,000 characters (put long text in the "
            "story's body below the second ---, or in a file beside index.md)"
        )
    ]


def test_a_long_front_matter_within_the_limit_is_read(tiny):
    from voices.content.reading import parse_front_matter_text

    text = "---\nauthors: [" + ", ".join(["x"] * 60_000) + "]\n---\n"
    parsed, problems = parse_front_matter_text(text, "stories/long.md")
    assert problems == [] and len(parsed.data["authors"]) == 60_000


def test_a_file_too_large_to_be_a_story(tiny):
    tiny.story("huge", GOOD_STORY + ("A line of the story's text.\n" * 80_000))
    assert lines_of(tiny) == [
        (
            "stories/huge.md:1: file: is larger than 2 MB, too large for a story or area file "
            "(put long documents and transcripts in their own files beside index.md "
            "(attachments: or transcript:))"
        )
    ]


# --- encodings, line endings and invisible characters ------------------------------------------

UTF16 = (
    "stories/wide.md:1: file: the file is saved as UTF-16 (or UTF-32), not UTF-8 (save it again choosing "
    "the UTF-8 encoding; GitHub's web editor always does)"
)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_utf16_file_is_named_as_such(tiny, encoding):
    (tiny.root / "stories" / "wide.md").write_bytes(GOOD_STORY.encode(encoding))
    assert lines_of(tiny) == [UTF16]


def test_invalid_utf8_names_the_line_with_cr_line_endings(tiny):
    text = (
        GOOD_STORY.replace("The story's text.", "Caf\xe9 opened.")
        .replace("\n", "\r")
        .encode("latin-1")
    )
    (tiny.root / "stories" / "mac.md").write_bytes(text)
    assert lines_of(tiny) == [
        (
            "stories/mac.md:9: file: the file is not saved as UTF-8 text (save it again "
            "choosing the UTF-8 encoding; GitHub's web editor always does)"
        )
    ]


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_old_mac_and_windows_line_endings_keep_line_numbers(tiny, ending):
    text = GOOD_STORY.replace("date: 2019-06-14", "date: 2019-02-29").replace("\n", ending)
    (tiny.root / "stories" / "endings.md").write_bytes(("\ufeff" + text).encode("utf-8"))
    assert lines_of(tiny) == [
        (
            "stories/endings.md:3: date: “2019-02-29” is not a real date "
            "(check the month (01–12) and the day)"
        )
    ]


@pytest.mark.parametrize(
    ("character", "where", "line"),
    [
        ("\x00", "The story's text.", 9),
        ("\x07", "A good story", 2),
        ("\x1b", "The story's text.", 9),
        ("\x7f", "A short summary.", 4),
        ("\x85", "A good story", 2),  # a line break to YAML: every line number after it would shift
        ("\u2028", "A short summary.", 4),
    ],
)
def test_control_characters_are_refused_with_their_line(tiny, character, where, line):
    tiny.story("control", GOOD_STORY.replace(where, where[:3] + character + where[3:]))
    assert lines_of(tiny) == [
        (
            f"stories/control.md:{line}: file: contains an invisible control character "
            f"(U+{ord(character):04X}) (delete it: retype the text around it; it often comes "
            "with text copied from another program)"
        )
    ]


def test_a_nul_byte_at_the_start_is_not_text(tiny):
    (tiny.root / "stories" / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert lines_of(tiny) == [
        (
            "stories/binary.md:1: file: this is not a text file (stories and areas are Markdown "
            "files; put images and other files in the story's folder beside index.md)"
        )
    ]


# --- the shape of the file ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["---", "---\n", "---\ntitle: Open\n"])
def test_front_matter_that_never_closes(tiny, text):
    tiny.story("open", text)
    assert lines_of(tiny) == [
        (
            "stories/open.md:1: front matter: the front matter is never closed "
            "(add a line holding only --- after the last field)"
        )
    ]


def test_a_second_yaml_document_is_refused(tiny):
    tiny.story(
        "two",
        GOOD_STORY.replace(
            "themes: [environment]\n", "themes: [environment]\n...\n--- {kind: film}\n"
        ),
    )
    assert lines_of(tiny) == [
        (
            "stories/two.md:8: front matter: the fields hold a second YAML document (after a "
            "line “...”) (remove the line holding only ... ; the fields end at the second ---)"
        )
    ]


def test_a_front_matter_of_only_a_null_is_an_empty_one(tiny):
    tiny.story("nothing", "---\n~\n---\n")
    assert "stories/nothing.md:1: title: is required" in "\n".join(lines_of(tiny))


# --- the settings and the taxonomy share the reader ----------------------------------------------


def test_taxonomy_and_settings_get_the_same_refusals(tiny):
    taxonomy = tiny.root / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8") + "extra: &x [*x]\n", encoding="utf-8")
    settings = tiny.root / "archive.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "~: x\n", encoding="utf-8")
    taxonomy_line = taxonomy.read_text(encoding="utf-8").count("\n")
    settings_line = settings.read_text(encoding="utf-8").count("\n")
    result = check(tiny)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        (
            f"archive.yml:{settings_line}: front matter: “~” before the colon is not a field name: YAML reads it as "
            f"nothing (empty) ({NOT_A_FIELD_HINT})"
        ),
        (
            f"taxonomy.yml:{taxonomy_line}: front matter: YAML anchors and aliases (values starting with & or *) are "
            "not allowed (write each value out in full; a value that starts with & or * must be in double quotes, "
            'e.g. title: "*Our* garden")'
        ),
    ]


@pytest.mark.parametrize(
    "escape, code",
    [
        (r"\0", "U+0000"),
        (r"\e", "U+001B"),
        (r"\u202e", "U+202E"),
        (r"\u2028", "U+2028"),
        (r"\x85", "U+0085"),
    ],
)
def test_a_control_character_written_as_an_escape_is_refused_on_its_line(
    tiny, escape: str, code: str
) -> None:
    # The raw file is clean text; only YAML's escapes in double quotes make the character.
    tiny.story(
        "s",
        GOOD_STORY.replace("summary: A short summary.", f'summary: "A short {escape} summary."'),
    )
    assert lines_of(tiny) == [
        f"stories/s.md:4: summary: holds an invisible control character ({code}) "
        "(retype the text: such characters come in with a copy and paste, or from a "
        r"backslash code such as \0 or \u202e)"
    ]


def test_tabs_and_new_lines_in_long_text_are_fine(tiny) -> None:
    tiny.story(
        "s", GOOD_STORY.replace("summary: A short summary.", 'summary: "A short\\tsummary."')
    )
    assert lines_of(tiny) == []
