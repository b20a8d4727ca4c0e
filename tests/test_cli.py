"""The ``voices`` command as staff and CI use it: output, annotations and exit codes."""

from __future__ import annotations

import subprocess
import sys

from conftest import GOOD_STORY

from voices.cli import main


def test_check_passes_on_good_content(tiny, capsys):
    tiny.story("good", GOOD_STORY)
    assert main(["--root", str(tiny.root), "check"]) == 0
    assert "All good: 1 stories and 2 areas" in capsys.readouterr().err


def test_check_lists_every_problem_and_exits_1(tiny, capsys, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    tiny.story("one", GOOD_STORY.replace("title: A good story", "title: Yes"))
    tiny.story("two", GOOD_STORY.replace("date: 2019-06-14", "date: 12/03/2024"))
    assert main(["--root", str(tiny.root), "check"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        'stories/one.md:2: title: must be text, but YAML reads Yes as yes/no (put it in double quotes: title: "Yes")',
        "stories/two.md:3: date: “12/03/2024” is not written as a date (write YYYY-MM-DD, e.g. 2024-03-12; "
        "or YYYY-MM or YYYY when only that is known)",
    ]
    assert "::error" not in out
    assert "2 problems in 2 files" in err


def test_github_annotations_and_job_summary(tiny, capsys, monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    tiny.story("one", GOOD_STORY.replace("title: A good story", "title: Yes"))
    assert main(["--root", str(tiny.root), "check"]) == 1
    out = capsys.readouterr().out
    assert (
        "::error file=stories/one.md,line=2,title=title::must be text, but YAML reads Yes as yes/no "
        '(put it in double quotes: title: "Yes")'
    ) in out.splitlines()
    assert "`stories/one.md:2` **title**" in summary.read_text(encoding="utf-8")


def test_annotation_escapes_newlines_and_commas():
    from voices.content.problems import Problem

    line = Problem("stories/a,b.md", 3, "title", "bad\nthing", "fix: it").github_annotation()
    assert line == "::error file=stories/a%2Cb.md,line=3,title=title::bad%0Athing (fix: it)"


def test_bad_usage_exits_2(tiny, capsys):
    assert main(["--root", str(tiny.root), "frobnicate"]) == 2
    assert main([]) == 2


def test_outside_an_archive_exits_2(tmp_path, capsys):
    assert main(["--root", str(tmp_path), "check"]) == 2
    assert "archive.yml" in capsys.readouterr().err


def test_console_script_runs_from_a_subfolder(tiny):
    tiny.story("one", GOOD_STORY.replace("title: A good story", "title: Yes"))
    result = subprocess.run(
        [sys.executable, "-m", "voices", "check"],
        cwd=tiny.root / "stories",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("stories/one.md:2: title:")
    assert "Traceback" not in result.stderr


def test_check_reports_body_problems_too(tiny, capsys):
    tiny.story(
        "links",
        GOOD_STORY.replace(
            "The story's text.", "See [x](story:nowhere).\n\n<iframe src=x></iframe>"
        ),
    )
    assert main(["--root", str(tiny.root), "check"]) == 1
    out = capsys.readouterr().out
    assert "stories/links.md:9: body: links to story:nowhere, which does not exist" in out
    assert "stories/links.md:11: body:" in out and "iframe" in out
