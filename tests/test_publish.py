"""scripts/publish-gh-pages: the live site is one commit on gh-pages with no history, previews
and the custom domain survive a deploy, a takedown removes the previews, and a preview pushed
while a deploy runs is not lost."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

SCRIPT = REPO / "scripts" / "publish-gh-pages"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **IDENTITY, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def push_pages(remote: Path, scratch: Path, commits: list[dict[str, str]]) -> None:
    """Give the remote a gh-pages branch with these commits, each adding files."""
    git(scratch.parent, "clone", "--quiet", str(remote), scratch.name)
    git(scratch, "checkout", "--quiet", "--orphan", "gh-pages")
    for files in commits:
        write(scratch, files)
        git(scratch, "add", "--all")
        git(scratch, "commit", "--quiet", "-m", "pages")
    git(scratch, "push", "--quiet", "origin", "gh-pages")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    work = tmp_path / "work"
    git(tmp_path, "init", "--quiet", "-b", "main", str(work))
    git(work, "config", "user.email", "staff@example.org")
    git(work, "config", "user.name", "Staff")
    write(work, {"README.md": "archive\n"})
    git(work, "add", "--all")
    git(work, "commit", "--quiet", "-m", "start")
    git(work, "remote", "add", "origin", str(remote))
    write(
        work / "site",
        {
            "index.html": "<p>home</p>",
            "stories/garden/index.html": "<p>garden</p>",
            "_underscore/file.txt": "kept",
        },
    )
    return work


def publish(
    work: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PAGES_RETRY_SECONDS": "0", **(env or {})},
    )


def pages_files(work: Path) -> set[str]:
    git(work, "fetch", "--quiet", "origin", "+refs/heads/gh-pages:refs/remotes/origin/gh-pages")
    return set(git(work, "ls-tree", "-r", "--name-only", "origin/gh-pages").splitlines())


def pages_history(work: Path) -> list[str]:
    return git(work, "rev-list", "origin/gh-pages").splitlines()


@pytest.fixture
def old_pages(repo: Path) -> Path:
    """gh-pages as a deploy and two previews left it: a now-withdrawn story in its history."""
    push_pages(
        repo.parent / "remote.git",
        repo.parent / "scratch",
        [
            {
                "index.html": "old",
                "stories/withdrawn-story/index.html": "words that must go",
                "CNAME": "voices.example\n",
            },
            {
                "pr-preview/pr-3/index.html": "preview 3",
                "pr-preview/pr-4/stories/withdrawn-story/index.html": "draft",
            },
        ],
    )
    return repo


def test_first_publish_creates_the_branch_with_one_commit(repo):
    result = publish(repo)
    assert result.returncode == 0, result.stderr
    assert pages_files(repo) == {
        "index.html",
        "stories/garden/index.html",
        "_underscore/file.txt",
        ".nojekyll",
    }
    assert len(pages_history(repo)) == 1


def test_deploy_replaces_the_site_and_its_history_keeping_previews_and_domain(old_pages):
    result = publish(old_pages)
    assert result.returncode == 0, result.stderr
    files = pages_files(old_pages)
    assert {
        "index.html",
        "stories/garden/index.html",
        ".nojekyll",
        "CNAME",
        "pr-preview/pr-3/index.html",
        "pr-preview/pr-4/stories/withdrawn-story/index.html",
    } <= files
    assert "stories/withdrawn-story/index.html" not in files
    history = pages_history(old_pages)
    assert len(history) == 1  # no earlier version of the site in the branch
    assert git(old_pages, "show", "origin/gh-pages:index.html") == "<p>home</p>"
    assert "Publish the site built from" in git(
        old_pages, "log", "-1", "--format=%s", "origin/gh-pages"
    )


def test_takedown_removes_every_preview(old_pages):
    result = publish(old_pages, "--drop-previews")
    assert result.returncode == 0, result.stderr
    files = pages_files(old_pages)
    assert not any(name.startswith("pr-preview/") for name in files)
    assert "CNAME" in files and "stories/garden/index.html" in files
    assert len(pages_history(old_pages)) == 1
    assert "every pull-request preview removed" in git(
        old_pages, "log", "-1", "--format=%s", "origin/gh-pages"
    )


def test_a_preview_pushed_during_the_deploy_is_kept(old_pages, tmp_path):
    # A stand-in for git that, just before the deploy's first push, lets a preview land on gh-pages.
    real_git = subprocess.run(
        ["bash", "-c", "command -v git"], capture_output=True, text=True, check=True
    ).stdout.strip()
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", "-b", "gh-pages", str(tmp_path / "remote.git"), str(other))
    shim = tmp_path / "bin" / "git"
    shim.parent.mkdir()
    shim.write_text(
        f"""#!/usr/bin/env bash
if [ "$1" = push ] && [ ! -e "{tmp_path}/raced" ]; then
  touch "{tmp_path}/raced"
  (cd "{other}" && mkdir -p pr-preview/pr-9 && echo preview 9 > pr-preview/pr-9/index.html \\
    && "{real_git}" add --all && "{real_git}" commit --quiet -m "Deploy preview for PR 9" \\
    && "{real_git}" push --quiet origin gh-pages) >&2
fi
exec "{real_git}" "$@"
""",
        encoding="utf-8",
    )
    shim.chmod(0o755)
    result = publish(old_pages, env={"PATH": f"{shim.parent}:{os.environ['PATH']}", **IDENTITY})
    assert result.returncode == 0, result.stderr
    assert "changed while publishing" in result.stderr
    files = pages_files(old_pages)
    assert "pr-preview/pr-9/index.html" in files and "stories/garden/index.html" in files
    assert len(pages_history(old_pages)) == 1


def test_no_site_built_is_a_message(repo):
    result = publish(repo, "nowhere")
    assert result.returncode == 2
    assert "nowhere/index.html not found: build the site first" in result.stderr


def test_the_live_sites_addresses_join_urls_txt_before_a_build(repo, tmp_path):
    """A story added in the web editor never has its address committed to urls.txt; the live
    copy has it, so the next build must keep it or fail."""
    from voices.site.permalinks import read_registry, registry_problems

    (repo / "scripts").mkdir()
    (repo / "scripts" / "live-addresses").write_bytes(
        (REPO / "scripts" / "live-addresses").read_bytes()
    )
    (repo / "scripts" / "live-addresses").chmod(0o755)
    write(repo, {"urls.txt": "# Every address ever published.\n/\n/about/\n"})
    script = [str(repo / "scripts" / "live-addresses")]
    first = subprocess.run(script, cwd=repo, capture_output=True, text=True, check=True)
    assert "before the first deploy" in first.stdout
    assert (repo / "urls.txt").read_text(
        encoding="utf-8"
    ) == "# Every address ever published.\n/\n/about/\n"
    push_pages(
        tmp_path / "remote.git",
        tmp_path / "scratch",
        [
            {
                "index.html": "<p>home</p>",
                "urls.txt": "# Every address ever published.\n/\n/stories/web-editor-story/\n",
            }
        ],
    )
    subprocess.run(script, cwd=repo, capture_output=True, text=True, check=True)
    text = (repo / "urls.txt").read_text(encoding="utf-8")
    assert text.count("# Every address") == 1 and "/stories/web-editor-story/\n" in text
    problems = registry_problems(read_registry(repo), {"/", "/about/"})
    assert [problem.message for problem in problems] == [
        "/stories/web-editor-story/ was published before and would now disappear"
    ]


GIT_SPY = """#!/usr/bin/env bash
# Notes what each git command was given, then runs the real git.
{ printf '%s|' "$1"; printf '%s=%s|' "${GIT_CONFIG_KEY_0:-}" "${GIT_CONFIG_VALUE_0:-}"; printf 'token=%s\\n' "${GH_TOKEN:-}"; } >> "$SPY_LOG"
exec "$REAL_GIT" "$@"
"""


def test_the_token_reaches_the_push_only_and_is_never_written_down(repo, tmp_path):
    import base64
    import shutil

    spy = tmp_path / "spy" / "git"
    spy.parent.mkdir()
    spy.write_text(GIT_SPY, encoding="utf-8")
    spy.chmod(0o755)
    log = tmp_path / "spy.log"
    result = publish(
        repo,
        env={
            "GH_TOKEN": "tok-123",
            "PATH": f"{spy.parent}:{os.environ['PATH']}",
            "SPY_LOG": str(log),
            "REAL_GIT": shutil.which("git") or "git",
            "GITHUB_SERVER_URL": "https://github.example",
        },
    )
    assert result.returncode == 0, result.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    header = "AUTHORIZATION: basic " + base64.b64encode(b"x-access-token:tok-123").decode()
    push = [call for call in calls if call.startswith("push|")]
    assert push == [f"push|http.https://github.example/.extraheader={header}|token="]
    assert all("token=tok-123" not in call for call in calls)  # GH_TOKEN itself goes no further
    assert "tok-123" not in (repo / ".git" / "config").read_text(encoding="utf-8")
    assert header not in (repo / ".git" / "config").read_text(encoding="utf-8")
