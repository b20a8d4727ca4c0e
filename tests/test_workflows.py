"""The GitHub workflows: they pass the workflow linter, and each does what the archive relies on
(checks on every pull request, deploys from main with the takedown switch, previews, the weekly
link check), with exact action versions, minimal permissions and the hash-pinned lock."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
LINTER = Path(sys.executable).parent / "jactionlint"  # from the test extra (requirements.lock)


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    return (
        on
        if isinstance(on, dict)
        else {name: None for name in ([on] if isinstance(on, str) else on)}
    )


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def runs(workflow: dict) -> list[str]:
    return [step["run"] for step in steps(workflow) if "run" in step]


def step_running(workflow: dict, command: str, exactly: bool = False) -> dict:
    found = [
        step
        for step in steps(workflow)
        if (step.get("run", "").strip() == command if exactly else command in step.get("run", ""))
    ]
    assert len(found) == 1, f"expected one step running {command!r}, found {len(found)}"
    return found[0]


def lint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINTER), "--no-online", "--no-color", "--oneline", *map(str, files)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


ALL = sorted(WORKFLOWS.glob("*.yml"))


def test_the_four_workflows_exist():
    assert {path.name for path in ALL} == {"checks.yml", "deploy.yml", "preview.yml", "links.yml"}


@pytest.mark.parametrize("workflow", ALL, ids=lambda path: path.name)
def test_workflow_passes_the_linter(workflow):
    result = lint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linter_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    text = (WORKFLOWS / "checks.yml").read_text(encoding="utf-8")
    broken.write_text(
        text.replace("cache-dependency-path:", "cache-dependency-paths:").replace(
            "github.ref }}", "github.reff }}"
        ),
        encoding="utf-8",
    )
    result = lint(broken)
    assert result.returncode == 1
    assert "cache-dependency-paths" in result.stdout and "reff" in result.stdout


def test_pull_requests_are_checked_built_strictly_and_tested():
    workflow = load("checks.yml")
    assert "pull_request" in triggers(workflow) and triggers(workflow)["push"]["branches"] == [
        "main"
    ]
    commands = runs(workflow)
    check, build, test = (
        commands.index(step_running(workflow, command)["run"])
        for command in (".venv/bin/voices check", "./scripts/build", "./scripts/test")
    )
    assert check < build < test  # the check is a step of its own, so its annotations show clearly
    assert step_running(workflow, "./scripts/test").get("env", {}).get("CI") == "true"
    checkout = next(
        step for step in steps(workflow) if step.get("uses", "").startswith("actions/checkout@")
    )
    assert checkout["with"]["fetch-depth"] == 0  # page dates come from git
    build_script = (REPO / "scripts" / "build").read_text(encoding="utf-8")
    normal_build = build_script[build_script.rindex("else\n") :]
    assert (
        ".venv/bin/voices check" in normal_build
        and ".venv/bin/mkdocs build --strict" in normal_build
    )


def test_caches_for_pip_and_the_image_copies():
    for name in ("checks.yml", "deploy.yml", "preview.yml"):
        workflow = load(name)
        python = next(
            step
            for step in steps(workflow)
            if step.get("uses", "").startswith("actions/setup-python@")
        )
        assert (
            python["with"]["cache"] == "pip"
            and python["with"]["cache-dependency-path"] == "requirements.lock"
        )
        cache = next(
            step for step in steps(workflow) if step.get("uses", "").startswith("actions/cache@")
        )
        assert (
            cache["with"]["path"] == ".cache/images" and cache["with"]["restore-keys"] == "images-"
        )
        assert (
            "stories/**/*.jpg" in cache["with"]["key"]
            and "voices/media/images.py" in cache["with"]["key"]
        )


def test_a_takedown_deploy_neither_restores_nor_saves_the_build_caches():
    # A cache saved before the withdrawal holds the story's pages and photo copies.
    workflow = load("deploy.yml")
    caches = [step for step in steps(workflow) if step.get("uses", "").startswith("actions/cache@")]
    assert {step["with"]["path"] for step in caches} == {".cache/images", ".cache/rendered"}
    assert all(step.get("if") == "${{ !inputs.takedown }}" for step in caches)


def test_deploy_runs_on_main_and_by_hand_with_the_takedown_switch():
    workflow = load("deploy.yml")
    on = triggers(workflow)
    assert on["push"]["branches"] == ["main"]
    takedown = on["workflow_dispatch"]["inputs"]["takedown"]
    assert takedown["type"] == "boolean" and takedown["default"] is False
    job = workflow["jobs"]["deploy"]
    assert job["if"] == "github.ref == 'refs/heads/main'"
    assert (
        workflow["concurrency"]["cancel-in-progress"] is False
    )  # deploys never race or stop half-way
    normal = step_running(workflow, "./scripts/build", exactly=True)
    emergency = step_running(workflow, "./scripts/build --takedown", exactly=True)
    assert normal["if"] == "${{ !inputs.takedown }}" and emergency["if"] == "${{ inputs.takedown }}"
    publish = step_running(workflow, "./scripts/publish-gh-pages site")
    drop = step_running(workflow, "./scripts/publish-gh-pages --drop-previews site")
    assert publish["if"] == "${{ !inputs.takedown }}" and drop["if"] == "${{ inputs.takedown }}"
    order = runs(workflow)
    assert order.index(normal["run"]) < order.index(publish["run"])
    assert order.index(emergency["run"]) < order.index(drop["run"])


def test_previews_for_pull_requests_from_this_repository_only():
    workflow = load("preview.yml")
    assert set(triggers(workflow)["pull_request"]["types"]) == {
        "opened",
        "reopened",
        "synchronize",
        "closed",
    }
    job = workflow["jobs"]["preview"]
    assert (
        job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    )  # forks: no token
    build = step_running(workflow, "./scripts/build --preview")
    assert 'VOICES_SITE_URL="$site_url/pr-preview/pr-$PR_NUMBER/"' in build["run"]
    assert build["if"] == "github.event.action != 'closed'"
    action = next(
        step
        for step in steps(workflow)
        if step.get("uses", "").startswith("rossjrw/pr-preview-action@")
    )
    assert action["with"] == {
        "source-dir": "site",
        "preview-branch": "gh-pages",
        "umbrella-dir": "pr-preview",
        "action": "auto",
    }
    # The deploy keeps exactly that folder of previews (and drops it on a takedown).
    assert "keep=(CNAME pr-preview)" in (REPO / "scripts" / "publish-gh-pages").read_text(
        encoding="utf-8"
    )


def test_every_action_is_pinned_to_an_exact_version():
    for path in ALL:
        for step in steps(load(path.name)):
            if "uses" in step:
                assert re.fullmatch(
                    r"[\w.-]+/[\w.-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})", step["uses"]
                ), (path.name, step)


def test_permissions_are_the_least_each_job_needs():
    needed = {
        "checks.yml": {"checks": {"contents": "read"}},
        "deploy.yml": {"deploy": {"contents": "write"}},
        "preview.yml": {"preview": {"contents": "write", "pull-requests": "write"}},
        "links.yml": {"links": {"contents": "read", "issues": "write"}},
    }
    for name, jobs in needed.items():
        workflow = load(name)
        assert workflow["permissions"] == {}, name  # nothing by default; a new job must ask
        assert {job: spec.get("permissions") for job, spec in workflow["jobs"].items()} == jobs, (
            name
        )


def test_everything_installs_from_the_hash_pinned_lock():
    ensure_env = (REPO / "scripts" / "ensure-env").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r requirements.lock" in ensure_env
    for path in ALL:
        workflow = load(path.name)
        commands = "\n".join(runs(workflow))
        assert "pip install" not in commands and "pip3 install" not in commands, path.name
        # The first command to need the environment makes it from the lock (scripts/build does too).
        # (scripts/live-addresses is plain git and shell: it needs no environment.)
        first = next(
            run
            for run in runs(workflow)
            if (".venv/bin/" in run or "scripts/" in run) and run != "scripts/live-addresses"
        )
        assert first.startswith(("source scripts/ensure-env", "./scripts/build")), (
            path.name,
            first,
        )


def test_builds_that_guard_addresses_first_learn_every_address_the_live_site_published():
    for name in ("checks.yml", "deploy.yml"):
        commands = runs(load(name))
        assert "scripts/live-addresses" in commands, name
        assert commands.index("scripts/live-addresses") < commands.index("./scripts/build"), name


def test_link_check_is_weekly_and_never_blocks_a_deploy():
    workflow = load("links.yml")
    on = triggers(workflow)
    assert "workflow_dispatch" in on and len(on["schedule"]) == 1
    assert (
        step_running(workflow, ".venv/bin/voices links --report links-report.md")["id"] == "check"
    )
    assert set(triggers(load("deploy.yml"))) == {"push", "workflow_dispatch"}  # never waits for it


GH_STUB = """#!/usr/bin/env bash
echo "gh $*" >> "$GH_LOG"
if [ "$1 $2" = "issue list" ]; then printf '%s' "$OPEN_ISSUE"; fi
"""


@pytest.mark.parametrize(
    ("dead", "open_issue", "expected"),
    [
        (
            "3",
            "",
            [
                "gh label create broken-links",
                (
                    "gh issue create --title Broken links to other websites "
                    "--label broken-links --body-file links-report.md"
                ),
            ],
        ),
        ("3", "17", ["gh issue edit 17 --body-file links-report.md"]),
        ("0", "17", ["gh issue close 17 --comment The link check of"]),
        ("0", "", []),
    ],
)
def test_link_check_keeps_one_issue(tmp_path, dead, open_issue, expected):
    script = step_running(load("links.yml"), "gh issue list")["run"]
    stub = tmp_path / "bin" / "gh"
    stub.parent.mkdir()
    stub.write_text(GH_STUB, encoding="utf-8")
    stub.chmod(0o755)
    log = tmp_path / "gh.log"
    environ = {
        **os.environ,
        "PATH": f"{stub.parent}:{os.environ['PATH']}",
        "GH_LOG": str(log),
        "OPEN_ISSUE": open_issue,
        "DEAD": dead,
    }
    result = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls[0].startswith("gh issue list --label broken-links --state open")
    assert len(calls) - 1 == len(expected)
    for call, start in zip(calls[1:], expected, strict=True):
        assert call.startswith(start), (call, start)


# --- credentials: nothing that builds content can reach a token (issue 15, item 1) --------------


def _mentions_a_token(value: object) -> bool:
    text = str(value)
    return any(mark in text for mark in ("github.token", "secrets.", "GITHUB_TOKEN", "GH_TOKEN"))


@pytest.mark.parametrize("workflow", ALL, ids=lambda path: path.name)
def test_no_checkout_keeps_its_credentials(workflow):
    checkouts = [
        step
        for step in steps(load(workflow.name))
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts, workflow.name
    for step in checkouts:
        # Kept, they would sit in .git/config, a file a build could read.
        assert step.get("with", {}).get("persist-credentials") is False, (workflow.name, step)


# The steps that may hold a token: they publish or report, and build nothing.
TOKEN_STEPS = {"./scripts/publish-gh-pages site", "./scripts/publish-gh-pages --drop-previews site"}


@pytest.mark.parametrize("workflow", ALL, ids=lambda path: path.name)
def test_only_the_publishing_steps_are_given_a_token(workflow):
    spec = load(workflow.name)
    assert not _mentions_a_token(spec.get("env", {})), workflow.name
    for job in spec["jobs"].values():
        assert not _mentions_a_token(job.get("env", {})), workflow.name
        for step in job["steps"]:
            run = step.get("run", "")
            if not _mentions_a_token({key: value for key, value in step.items() if key != "name"}):
                continue
            builds = any(
                word in run
                for word in ("scripts/build", "voices", "mkdocs", "scripts/test", "ensure-env")
            )
            assert not builds, (workflow.name, step)
            assert run.strip() in TOKEN_STEPS or run.lstrip().startswith(
                "number=$(gh issue list"
            ), (workflow.name, step)


def test_the_deploy_build_has_no_token_and_the_push_has_one():
    workflow = load("deploy.yml")
    for command in ("./scripts/build", "./scripts/build --takedown", "scripts/live-addresses"):
        assert not _mentions_a_token(step_running(workflow, command, exactly=True)), command
    for command in TOKEN_STEPS:
        assert step_running(workflow, command, exactly=True)["env"] == {
            "GH_TOKEN": "${{ github.token }}"
        }
