"""Feeds and open data on a built fixture site: valid, published stories only, nothing private."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import feedparser
import pytest
from conftest import mkdocs_build
from test_site_pages import SITE_URL, make_site, story

CONSENT = "consent:\n  recorded: 2024-05-01\n  reference: VBL-2024-555\n  scope: [web, archive]\n"


@pytest.fixture
def site(tiny):
    tiny.story(
        "talk",
        story(
            "An interview",
            "2020-03-04",
            more="kind: interview\nauthors: [Jo Example]\n"
            "people: [Marmaduke Fennimore]\n" + CONSENT,
            themes="[skills]",
        ),
    )
    tiny.story("walk", story("A walk", "2019", areas="[ramsey]"))
    tiny.story("draft", story("Draft words", "2021", more="status: draft\n"))
    tiny.story(
        "gone",
        "---\ntitle: Gone\ndate: 2017\nareas: [par-bay]\nthemes: [skills]\nstatus: withdrawn\n"
        "withdrawn:\n  date: 2026-01-05\n  reason: rights\n---\n",
    )
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_atom_feeds_are_valid_and_hold_published_stories_only(site):
    whole = feedparser.parse((site / "feed.xml").read_bytes())
    assert not whole.bozo, whole.get("bozo_exception")
    assert [entry.title for entry in whole.entries] == ["An interview", "A walk"]
    first = whole.entries[0]
    assert first.link == f"{SITE_URL}stories/talk/" and first.published.startswith("2020-03-04")
    assert "published" not in whole.entries[1]  # "2019" is never given an invented day
    area = feedparser.parse((site / "areas" / "ramsey" / "feed.xml").read_bytes())
    assert [entry.title for entry in area.entries] == ["A walk"]
    theme = feedparser.parse((site / "themes" / "skills" / "feed.xml").read_bytes())
    assert [entry.title for entry in theme.entries] == ["An interview"]
    assert not any("Fennimore" in f.read_text(encoding="utf-8") for f in site.rglob("feed.xml"))


def test_data_exports_hold_published_stories_with_their_licence(site):
    stories = json.loads((site / "data" / "stories.json").read_text(encoding="utf-8"))
    assert [s["slug"] for s in stories] == ["talk", "walk"]
    assert stories[0]["licence"] == "CC-BY-4.0" and stories[0]["licence_url"].startswith(
        "https://creativecommons"
    )
    rows = list(
        csv.DictReader((site / "data" / "stories.csv").read_text(encoding="utf-8").splitlines())
    )
    assert [row["slug"] for row in rows] == ["talk", "walk"] and rows[0]["authors"] == "Jo Example"
    areas = json.loads((site / "data" / "areas.json").read_text(encoding="utf-8"))
    assert {a["slug"]: a["stories"] for a in areas} == {"par-bay": 1, "ramsey": 1}
    everything = "".join(
        f.read_text(encoding="utf-8")
        for f in (site / "data").iterdir()
        if not f.name.endswith(".schema.json")
    )  # the contract itself names the fields
    for private in ("Fennimore", "VBL-2024-555", "consent", "people", "Draft words"):
        assert private not in everything
    assert json.loads((site / "data" / "story.schema.json").read_text(encoding="utf-8"))["title"]


def test_frictionless_validates_the_data_package(site):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "frictionless",
            "validate",
            "--json",
            str(site / "data" / "datapackage.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps(report, indent=1)[:3000]


# Cells a spreadsheet would run as a formula (OWASP "CSV Injection"), and siblings: after
# leading spaces or quotes, full-width forms, inside a list.
FORMULAS = {
    "equals": '=HYPERLINK("https://tracker.example/","x")',
    "plus": "+1+1",
    "minus": "-2+3",
    "at": "@SUM(1,2)",
    "tab": "\t=1+2",
    "cr": "\r=1+2",
    "spaced": "  =1+2",
    "quoted": '"=1+2',
    "fullwidth": "\uff1d1+2",
}


@pytest.fixture
def formula_site(tiny):
    for slug, value in FORMULAS.items():
        text = json.dumps(value)  # a YAML double-quoted string holds every one exactly
        tiny.story(
            f"f-{slug}",
            f"---\ntitle: {text}\ndate: 2020\nsummary: {json.dumps(value + ' summary')}\n"
            f"areas: [par-bay]\nthemes: [environment]\nauthors: [Jo Example, {text}]\n---\n\nBody.\n",
        )
    tiny.area(
        "ramsey",
        f'---\nname: {json.dumps(FORMULAS["equals"])}\nsummary: "-1 area"\n'
        "location: {lat: 52.45, lon: -0.1}\n---\n",
    )
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


def _csv_rows(path) -> dict[str, dict[str, str]]:
    with path.open(
        encoding="utf-8", newline=""
    ) as handle:  # newline="": a CR inside a cell stays a CR
        return {row["slug"]: row for row in csv.DictReader(handle)}


def test_csv_cells_never_start_a_formula_and_json_keeps_the_exact_text(formula_site):
    data = formula_site / "data"
    stories = {
        s["slug"]: s for s in json.loads((data / "stories.json").read_text(encoding="utf-8"))
    }
    rows = _csv_rows(data / "stories.csv")
    for slug, value in FORMULAS.items():
        record, row = stories[f"f-{slug}"], rows[f"f-{slug}"]
        assert (record["title"], record["summary"]) == (value, value + " summary")  # JSON: exact
        assert record["authors"] == ["Jo Example", value]
        assert row["title"] == "'" + value and row["summary"] == "'" + value + " summary"
        assert row["authors"] == "Jo Example;'" + value
    areas = _csv_rows(data / "areas.csv")
    assert (
        areas["ramsey"]["name"] == "'" + FORMULAS["equals"]
        and areas["ramsey"]["summary"] == "'-1 area"
    )
    assert areas["ramsey"]["lon"] == "-0.1"  # a number is not a formula: it stays a number
    assert areas["par-bay"]["name"] == "Par Bay"  # ordinary text is untouched
    exact = {a["slug"]: a for a in json.loads((data / "areas.json").read_text(encoding="utf-8"))}
    assert exact["ramsey"]["name"] == FORMULAS["equals"] and exact["ramsey"]["lon"] == -0.1
    report = subprocess.run(
        [
            sys.executable,
            "-m",
            "frictionless",
            "validate",
            "--json",
            str(data / "datapackage.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(report.stdout)["valid"], report.stdout[:3000]
