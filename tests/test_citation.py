"""CITATION.cff and .zenodo.json: valid, complete, and saying the same as archive.yml."""

from __future__ import annotations

import json
import tomllib

import jsonschema
import pytest
import yaml
from conftest import REPO

from voices.content.settings import load_settings

CFF_SCHEMA = json.loads(
    (REPO / "tests" / "schemas" / "citation-file-format-1.2.0.schema.json").read_text(
        encoding="utf-8"
    )
)


@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def zenodo() -> dict:
    return json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def settings():
    loaded, problems = load_settings(REPO / "archive.yml", "archive.yml")
    assert problems == []
    return loaded


def cff_errors(data: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(
        CFF_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(data)
    ]


def test_citation_cff_is_valid_cff_1_2_0(cff):
    assert cff_errors(cff) == []
    for key in (
        "cff-version",
        "message",
        "title",
        "type",
        "authors",
        "license",
        "repository-code",
        "version",
        "date-released",
    ):
        assert key in cff, key
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"


def test_the_schema_check_catches_mistakes(cff):
    broken = {
        **cff,
        "authors": [{"given-names": 7}],
        "date-released": "23/11/2026",
        "type": "website",
    }
    del broken["message"]
    errors = cff_errors(broken)
    assert any("message" in e for e in errors) and any(
        e.startswith("date-released") for e in errors
    )
    assert any(e.startswith("type") for e in errors) and any(
        e.startswith("authors") for e in errors
    )


def test_zenodo_metadata_is_complete(zenodo):
    for key in (
        "title",
        "upload_type",
        "description",
        "creators",
        "license",
        "keywords",
        "version",
    ):
        assert zenodo.get(key), key
    assert zenodo["upload_type"] == "dataset"
    assert all(
        set(creator) <= {"name", "affiliation", "orcid"} and creator["name"]
        for creator in zenodo["creators"]
    )


def test_both_agree_with_each_other_and_with_archive_yml(cff, zenodo, settings):
    assert cff["title"] == zenodo["title"] == settings.name
    assert cff["repository-code"] == settings.repository_url and cff["url"] == settings.site_url
    assert settings.site_url in zenodo["description"]
    assert (
        cff["license"] == settings.default_licence
        and zenodo["license"].lower() == settings.default_licence.lower()
    )
    # The author is the organisation looking after the archive: a placeholder until the custodians say.
    names = [author["name"] for author in cff["authors"]]
    assert (
        names
        == [creator["name"] for creator in zenodo["creators"]]
        == [settings.contacts["custodian"]]
    )
    assert all(
        "family-names" not in author for author in cff["authors"]
    )  # an organisation, never a person
    assert cff["version"] == zenodo["version"]
    assert sorted(cff["keywords"]) == sorted(zenodo["keywords"])


def test_the_release_version_is_the_package_version(cff):
    with open(REPO / "pyproject.toml", "rb") as handle:
        assert cff["version"] == tomllib.load(handle)["project"]["version"]
