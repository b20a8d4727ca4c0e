"""The area contract, one bad file each."""

from __future__ import annotations

from voices.content.loading import load_archive

GOOD_AREA = """\
---
name: Example Area
programmes: [big-local]
local_authority: Cornwall
local_authority_code: E06000052
region: south-west
started: 2012
location:
  lat: 50.35
  lon: -4.70
sources:
  - url: https://example.org/source
    note: local authority
---

The legacy story.
"""


def test_a_full_area_is_fine(tiny):
    tiny.area("example", GOOD_AREA)
    archive, problems = load_archive(tiny.root)
    assert problems == []
    assert archive.areas["example"].meta.region == "south-west"
    assert archive.areas["example"].body.strip() == "The legacy story."


def test_area_defaults_to_big_local(tiny):
    archive, _ = load_archive(tiny.root)
    assert archive.areas["ramsey"].meta.programmes == ["big-local"]


def test_name_is_required(tiny):
    tiny.area("nameless", "---\nregion: london\n---\n")
    problem = tiny.only("name")
    assert problem.path == "areas/nameless.md" and problem.message == "is required"


def test_region_written_as_its_label(tiny):
    tiny.area("example", GOOD_AREA.replace("region: south-west", "region: South West"))
    problem = tiny.only("region")
    assert problem.line == 6
    assert "nine regions" in problem.message and problem.hint == "write south-west"


def test_region_that_is_not_in_england(tiny):
    tiny.area("example", GOOD_AREA.replace("region: south-west", "region: wales"))
    assert "nine regions" in tiny.only("region").message


def test_location_outside_england(tiny):
    tiny.area("example", GOOD_AREA.replace("lat: 50.35", "lat: 40.4"))
    problem = tiny.only("location.lat")
    assert problem.line == 9 and "outside England" in problem.message and "swapped" in problem.hint


def test_gss_code(tiny):
    tiny.area("example", GOOD_AREA.replace("E06000052", "W06000001"))
    assert "local authority code" in tiny.only("local_authority_code").message


def test_started_year(tiny):
    tiny.area("example", GOOD_AREA.replace("started: 2012", "started: 12"))
    assert "plausible" in tiny.only("started").message


def test_source_needs_url_or_ref(tiny):
    tiny.area(
        "example",
        GOOD_AREA.replace("  - url: https://example.org/source\n", "  - note: x\n").replace(
            "    note: local authority\n", ""
        ),
    )
    problem = tiny.only("sources[1]")
    assert problem.line == 12 and "url or a ref" in problem.message


def test_unknown_area_key(tiny):
    tiny.area("example", GOOD_AREA.replace("started: 2012", "sumary: x"))
    problem = tiny.only("sumary")
    assert (
        "not a field areas can have" in problem.message and problem.hint == "did you mean summary?"
    )


def test_unknown_programme(tiny):
    tiny.area("example", GOOD_AREA.replace("programmes: [big-local]", "programmes: [big-lottery]"))
    assert "not a known programme" in tiny.only("programmes[1]").message


def test_legacy_body_needs_a_name(tiny):
    tiny.area("example", GOOD_AREA.replace("started: 2012", "legacy:\n  - kind: charity"))
    assert tiny.only("legacy[1].name").message == "is required"


def test_website_must_be_a_web_address(tiny):
    tiny.area("example", GOOD_AREA.replace("started: 2012", "website: www.example.org"))
    assert "https://" in tiny.only("website").hint


def test_a_story_in_a_deleted_area_is_reported(tiny):
    (tiny.root / "areas" / "ramsey.md").unlink()
    tiny.story(
        "s", "---\ntitle: T\ndate: 2019\nsummary: S\nareas: [ramsey]\nthemes: [skills]\n---\n"
    )
    assert "not a known area" in tiny.only("areas[1]").message
