"""The repository's own content: valid, sourced, and nothing added that the facts lack."""

from __future__ import annotations

import csv

import pytest
from conftest import REPO

from voices.content.contract import slugify
from voices.content.england import REGIONS
from voices.content.loading import load_archive

FACTS = REPO.parent / "shared" / "data" / "areas.csv"


@pytest.fixture(scope="module")
def archive():
    archive, problems = load_archive(REPO)
    assert problems == [], "\n".join(map(str, problems))
    return archive


def test_every_area_states_its_sources(archive):
    assert len(archive.areas) >= 150
    for area in archive.areas.values():
        assert area.meta.sources, area.path


def test_every_story_has_a_source_url(archive):
    assert archive.stories
    for story in archive.stories.values():
        assert story.meta.source_url, story.path


def test_themes_are_local_trusts_eight_topic_tags(archive):
    assert [t.label for t in archive.taxonomy.themes] == [
        "Community spirit",
        "Culture and creativity",
        "Environment",
        "Local economies",
        "Organising and deciding",
        "Power and leadership",
        "Skills",
        "Spaces and services",
    ]


@pytest.mark.skipif(
    not FACTS.is_file(), reason="the fact tables (shared/data) are not beside this clone"
)
def test_area_files_hold_the_fact_table_and_nothing_invented(archive):
    with FACTS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 150
    for row in rows:
        area = archive.areas[slugify(row["name"])]
        assert area.meta.name == row["name"]
        assert (area.meta.local_authority or "") == row["local_authority"]
        assert REGIONS.get(area.meta.region or "", "") == row["region"]
