"""What contributors meet before review: the pull request checklist and the pre-commit hook."""

from __future__ import annotations

import re
import shlex
import subprocess

import yaml
from conftest import GOOD_STORY, REPO


def test_pull_request_template_has_the_checklist():
    template = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = re.findall(r"^- \[ \] \*\*(.+?)\*\*", template, re.MULTILINE)
    assert items == [
        "Consent is recorded",
        "Every image has alt text",
        "No names or contact details of anyone who did not consent",
        "Dates and areas are checked",
        "I read the preview",
    ]
    # The format the checklist asks for is the one the validator enforces.
    settings = yaml.safe_load((REPO / "archive.yml").read_text(encoding="utf-8"))[
        "consent_reference"
    ]
    assert "`VBL-YYYY-NNN`" in template
    example = re.search(r"such as `(VBL-[0-9-]+)`", template).group(1)
    assert re.fullmatch(settings["pattern"], example) and re.fullmatch(
        settings["pattern"], settings["example"]
    )
    assert "never a name, an email address or a phone" in template.replace("\n      ", " ")


def hook() -> dict:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    (found,) = repo["hooks"]
    return found


def test_pre_commit_hook_runs_on_content_files_only():
    found = hook()
    assert found["language"] == "system" and found["pass_filenames"] is False
    files = re.compile(found["files"])  # pre-commit matches with re.search
    for path in (
        "stories/garden.md",
        "stories/garden/photo.jpg",
        "areas/par-bay.md",
        "taxonomy.yml",
        "archive.yml",
    ):
        assert files.search(path), path
    for path in ("docs/index.md", "README.md", "voices/cli.py", "old-archive.yml", "mkdocs.yml"):
        assert not files.search(path), path


def test_pre_commit_hook_refuses_a_bad_story_with_the_message(tiny):
    (tiny.root / ".venv").symlink_to(REPO / ".venv")
    entry = shlex.split(hook()["entry"])
    tiny.story("good", GOOD_STORY)
    passed = subprocess.run(entry, cwd=tiny.root, capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    tiny.story("bad", GOOD_STORY.replace("title: A good story", "title: Yes"))
    failed = subprocess.run(entry, cwd=tiny.root, capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert (
        "stories/bad.md:2: title: must be text, but YAML reads Yes as yes/no (put it in double quotes: "
        'title: "Yes")'
    ) in failed.stdout
