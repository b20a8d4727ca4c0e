"""Bodies shaped to make the parsers take minutes or crash are refused first, with a line.

Python's HTML parser and Python-Markdown take time that grows with the square of the text on
tags that never end and on thousands of "[" or "{", and recurse once per level of nesting. The
check runs in a subprocess with a time limit, so a regression shows as a failure, not a hang.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import GOOD_STORY, TinyArchive

HOSTILE_BODIES = {
    "unclosed-tags": ("<a " * 20_000, 9, "HTML tags"),
    "tag-never-closed": ("Some text.\n\n<a href='" + "x" * 10_000, 11, "never closed"),
    "quoted-tags": ("<a x='>' " * 1_999 + "'" + "z" * 19_000, 9, "characters long"),
    "many-brackets": ("[" * 30_000 + "](" * 30_000, 9, "“[” signs"),
    "many-braces": ("{: " * 30_000, 9, "“{” signs"),
    "long-line": ("word " * 5_000, 9, "characters long"),
    "deep-list": ("".join("  " * i + "- x\n" for i in range(300)), 110, "nested too deep"),
    "deep-quote": ("Text.\n\n" + "> " * 40 + "deep", 11, "nested too deep"),
}


def test_bodies_the_parsers_cannot_read_in_time_are_refused_with_their_line(
    tiny: TinyArchive,
) -> None:
    for slug, (body, _, _) in HOSTILE_BODIES.items():
        tiny.story(slug, GOOD_STORY.replace("The story's text.", body))
    result = subprocess.run(
        [sys.executable, "-m", "voices", "check"],
        cwd=tiny.root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    for slug, (_, line, words) in HOSTILE_BODIES.items():
        lines = [
            out
            for out in result.stdout.splitlines()
            if out.startswith(f"stories/{slug}.md:{line}: body: ")
        ]
        assert lines and words in lines[0], (slug, result.stdout[-3000:])


@pytest.mark.parametrize(
    "body",
    [
        "A story with a [link](https://example.org) and *emphasis*.\n\n" * 200,
        "".join("  " * i + "- level\n" for i in range(10)),
        "> A quote\n> > and a quote in it\n",
    ],
)
def test_ordinary_long_stories_pass(tiny: TinyArchive, body: str) -> None:
    tiny.story("fine", GOOD_STORY.replace("The story's text.", body))
    assert tiny.problems() == []
