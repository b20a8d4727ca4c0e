"""A pull request's preview: built like the site, with drafts shown and marked, every page kept
out of search engines, served at its own address, and no address recorded in urls.txt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from test_site_pages import SITE_URL, make_site, story

PREVIEW_URL = SITE_URL + "pr-preview/pr-12/"


def mkdocs(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("VOICES_")}
    environ.update(NO_MKDOCS_2_WARNING="1", **env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(root / "mkdocs.yml"),
            "-d",
            str(root / "site"),
        ],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
    )


@pytest.fixture
def archive(tiny) -> Path:
    tiny.story("garden", story("The garden opens", "2019-06-14"))
    tiny.story(
        "secret",
        story("Secret plans", "2020", more="status: draft\n", body="Draftword unpublished."),
    )
    return make_site(tiny)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_preview_shows_the_draft_with_its_banner_and_nothing_is_indexed(archive):
    registry_before = (
        (archive / "urls.txt").read_text(encoding="utf-8")
        if (archive / "urls.txt").exists()
        else None
    )
    result = mkdocs(archive, VOICES_PREVIEW="1", VOICES_SITE_URL=PREVIEW_URL)
    assert result.returncode == 0, result.stderr
    site = archive / "site"
    draft = (site / "stories" / "secret" / "index.html").read_text(encoding="utf-8")
    assert "Secret plans" in draft and "Draftword unpublished." in draft
    assert "voices-draft-banner" in draft and "<strong>Draft</strong>" in draft
    assert "Secret plans" in (site / "areas" / "par-bay" / "index.html").read_text(encoding="utf-8")
    for page in pages(site):  # every page, the 404 page and redirects included
        html = page.read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex">' in html, page
        assert html.count('name="robots"') == 1, page
    published = (site / "stories" / "garden" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{PREVIEW_URL}stories/garden/">' in published
    assert f"<loc>{PREVIEW_URL}stories/garden/</loc>" in (site / "sitemap.xml").read_text(
        encoding="utf-8"
    )
    # A draft's address is not a promise: the registry of published addresses is untouched.
    after = (
        (archive / "urls.txt").read_text(encoding="utf-8")
        if (archive / "urls.txt").exists()
        else None
    )
    assert after == registry_before


def test_a_normal_build_has_no_draft_and_is_indexable(archive):
    result = mkdocs(archive)
    assert result.returncode == 0, result.stderr
    site = archive / "site"
    assert not (site / "stories" / "secret").exists()
    assert not any("Draftword" in page.read_text(encoding="utf-8") for page in pages(site))
    garden = (site / "stories" / "garden" / "index.html").read_text(encoding="utf-8")
    assert 'name="robots"' not in garden
    assert f'<link rel="canonical" href="{SITE_URL}stories/garden/">' in garden
    registry = (archive / "urls.txt").read_text(encoding="utf-8")
    assert "/stories/garden/" in registry and "secret" not in registry


def test_a_bad_preview_address_is_a_message_not_a_traceback(archive):
    result = mkdocs(archive, VOICES_PREVIEW="1", VOICES_SITE_URL="pr-preview/pr-12")
    assert result.returncode == 1
    assert "VOICES_SITE_URL “pr-preview/pr-12” is not a web address" in result.stderr
    assert "Traceback" not in result.stderr


def scripts_build(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the repository's ./scripts/build on a fixture archive, with the repository's .venv."""
    (root / "scripts").mkdir(exist_ok=True)
    for name in ("build", "ensure-env"):
        shutil.copy2(REPO / "scripts" / name, root / "scripts" / name)
    if not (root / ".venv").exists():
        (root / ".venv").symlink_to(REPO / ".venv")
    environ = {key: value for key, value in os.environ.items() if not key.startswith("VOICES_")}
    environ.update(env)
    return subprocess.run(
        ["bash", str(root / "scripts" / "build"), *args],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
    )


def test_scripts_build_preview_and_a_normal_build_that_ignores_a_stray_preview_setting(archive):
    result = scripts_build(archive, "--preview", VOICES_SITE_URL=PREVIEW_URL)
    assert result.returncode == 0, result.stderr
    draft = (archive / "site" / "stories" / "secret" / "index.html").read_text(encoding="utf-8")
    assert "voices-draft-banner" in draft and '<meta name="robots" content="noindex">' in draft
    result = scripts_build(
        archive, VOICES_PREVIEW="1"
    )  # a deploy never shows drafts, whatever the env says
    assert result.returncode == 0, result.stderr
    assert not (archive / "site" / "stories" / "secret").exists()


def test_noindex_is_added_once():
    from voices.build.preview import NOINDEX, noindex

    page = '<!doctype html><html lang="en-GB"><head>\n<meta charset="utf-8"></head><body></body></html>'
    marked = noindex(page)
    assert marked.count(NOINDEX) == 1 and marked.index(NOINDEX) < marked.index("</head>")
    assert noindex(marked) == marked
