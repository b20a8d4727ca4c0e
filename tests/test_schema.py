"""The exported JSON Schema is valid, agrees with the validator, and is kept up to date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import GOOD_STORY, REPO

from voices.cli import main
from voices.content.reading import parse_front_matter_file


def _front_matter(file: Path) -> dict:
    parsed, problems = parse_front_matter_file(file, file.name)
    assert parsed is not None and not problems
    # JSON has no dates: dates travel as the strings YAML editors see.
    return json.loads(
        json.dumps(parsed.data, default=lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    )


@pytest.fixture(scope="module")
def schemas(tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("schema")
    assert main(["--root", str(REPO), "schema", "--output", str(out)]) == 0
    return {
        name: json.loads((out / f"{name}.schema.json").read_text(encoding="utf-8"))
        for name in ("story", "area")
    }


def test_schemas_are_valid_json_schema(schemas):
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_lists_the_known_areas_and_themes(schemas):
    defs = json.dumps(schemas["story"])
    assert '"par-bay"' in defs and '"community-spirit"' in defs
    assert schemas["story"]["additionalProperties"] is False


def test_every_story_and_area_in_the_repository_passes_the_schema(schemas):
    for kind, folder in (("story", "stories"), ("area", "areas")):
        validator = jsonschema.Draft202012Validator(schemas[kind])
        files = [p for p in (REPO / folder).glob("*.md") if not p.name.startswith("_")]
        files += list((REPO / folder).glob("*/index.md"))
        assert files
        for file in files:
            errors = list(validator.iter_errors(_front_matter(file)))
            assert not errors, f"{file}: {errors[0].message}"


@pytest.mark.parametrize(
    "change",
    [
        ("title: A good story\n", ""),  # required
        ("themes: [environment]\n", "themes: [environment]\nsumary: x\n"),  # unknown key
        ("areas: [par-bay]", "areas: [atlantis]"),  # unknown area
        ("date: 2019-06-14", "date: 12/03/2024"),  # date format
        ("themes: [environment]\n", "themes: [environment]\npeople: [Sam]\n"),  # consent needed
    ],
)
def test_schema_rejects_what_the_validator_rejects(schemas, tmp_path, change):
    file = tmp_path / "story.md"
    file.write_text(GOOD_STORY.replace(*change), encoding="utf-8")
    validator = jsonschema.Draft202012Validator(schemas["story"])
    assert list(validator.iter_errors(_front_matter(file)))


def test_committed_schema_is_current(schemas):
    for name, schema in schemas.items():
        committed = json.loads(
            (REPO / "docs" / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
        )
        assert committed == schema, f"docs/schema/{name}.schema.json is stale: run `voices schema`"


def test_template_is_valid_yaml_and_passes_the_schema(schemas):
    data = _front_matter(REPO / "stories" / "_template.md")
    assert not list(jsonschema.Draft202012Validator(schemas["story"]).iter_errors(data))


def test_template_tells_editors_where_the_schema_is():
    """yaml-language-server reads this line for completion and inline errors in front matter."""
    line = (REPO / "stories" / "_template.md").read_text(encoding="utf-8").split("\n")[1]
    assert line.startswith("# yaml-language-server: $schema=")
    schema = (REPO / "stories" / line.split("=", 1)[1]).resolve()
    assert schema == REPO / "docs" / "schema" / "story.schema.json" and schema.is_file()
