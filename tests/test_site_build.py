"""Build real sites with MkDocs and look at what a reader gets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import GOOD_STORY, REPO, mkdocs_build


def test_repository_builds_with_stories_and_areas(repo_site):
    story = (repo_site / "stories" / "dyke-house-streetgames" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "Dyke House and StreetGames" in story
    area = (repo_site / "areas" / "dyke-house" / "index.html").read_text(encoding="utf-8")
    assert "Hartlepool" in area and "dyke-house-streetgames" in area
    assert len(list((repo_site / "areas").glob("*/index.html"))) == 150


def test_area_page_says_what_is_not_recorded(repo_site):
    area = (repo_site / "areas" / "kingsbrook-and-cauldwell" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "not yet recorded" in area


def test_partial_dates_are_shown_as_written(repo_site):
    page = (repo_site / "stories" / "cell-first-area-to-spend-its-grant" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "June 2022" in page and "1 June 2022" not in page


def test_policy_pages_show_configured_contacts_not_placeholders(repo_site):
    for page in (
        "privacy",
        "corrections-and-withdrawals",
        "accessibility",
        "licence-and-reuse",
        "custodians",
    ):
        html = (repo_site / "policies" / page / "index.html").read_text(encoding="utf-8")
        assert "{{" not in html, page
    privacy = (repo_site / "policies" / "privacy" / "index.html").read_text(encoding="utf-8")
    assert "[To be confirmed" in privacy


def test_no_third_party_fonts(repo_site):
    html = (repo_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_schema_is_published(repo_site):
    assert (repo_site / "schema" / "story.schema.json").is_file()


@pytest.fixture
def fixture_site(tiny) -> Path:
    """A tiny site: the tiny archive plus a minimal mkdocs.yml using the real hooks."""
    shutil.copytree(REPO / "hooks", tiny.root / "hooks")
    (tiny.root / "mkdocs.yml").write_text(
        "site_name: Test archive\ntheme:\n  name: material\n  font: false\nplugins: []\n"
        "hooks:\n  - hooks/archive.py\nnot_in_nav: |\n  /stories/\n  /areas/\n",
        encoding="utf-8",
    )
    return tiny.root


def test_bad_content_fails_the_build_naming_file_and_line(tiny, fixture_site):
    tiny.story("good", GOOD_STORY)
    tiny.story("bad", GOOD_STORY.replace("title: A good story", "title: Yes"))
    result = mkdocs_build(fixture_site / "mkdocs.yml", fixture_site / "site")
    assert result.returncode != 0
    assert "stories/bad.md:2: title: must be text, but YAML reads Yes as yes/no" in result.stderr
    assert "Traceback" not in result.stderr


def test_drafts_never_reach_a_build(tiny, fixture_site):
    tiny.story("good", GOOD_STORY)
    tiny.story(
        "secret", GOOD_STORY.replace("title: A good story", "title: Secret draft\nstatus: draft")
    )
    result = mkdocs_build(fixture_site / "mkdocs.yml", fixture_site / "site")
    assert result.returncode == 0, result.stderr
    site = fixture_site / "site"
    assert (site / "stories" / "good" / "index.html").is_file()
    assert not (site / "stories" / "secret").exists()
    assert not any(
        "Secret draft" in p.read_text(encoding="utf-8", errors="ignore")
        for p in site.rglob("*.html")
    )


def test_gaps_page_lists_what_areas_lack(repo_site):
    html = (repo_site / "staff" / "gaps" / "index.html").read_text(encoding="utf-8")
    assert "Kingsbrook and Cauldwell" in html and "local authority, region" in html
    assert "contacts.email" in html


def test_unknown_placeholder_fails_the_build(tiny, fixture_site):
    (fixture_site / "docs" / "index.md").write_text(
        "# Home\n\nWrite to {{ contacts.fax }}.\n", encoding="utf-8"
    )
    result = mkdocs_build(fixture_site / "mkdocs.yml", fixture_site / "site")
    assert result.returncode != 0
    assert "index.md: unknown placeholder {{ contacts.fax }}" in result.stderr
