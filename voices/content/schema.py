"""Export the content contract as JSON Schema, filled with the archive's known values.

Editors that speak yaml-language-server use it for autocompletion and inline errors;
the site publishes it beside the data exports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from voices.content.contract import AreaFrontMatter, StoryFrontMatter

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILES = {"story": "story.schema.json", "area": "area.schema.json"}


def story_schema(
    known: dict[str, list[str]] | None = None, kinds_needing_consent: list[str] | None = None
) -> dict[str, Any]:
    """JSON Schema of story front matter; ``known`` lists valid slugs per group."""
    schema = _base(StoryFrontMatter, "story", known)
    rules: list[dict[str, Any]] = [
        {  # withdrawn stories carry a withdrawn: block and may have lost title and summary
            "if": {"properties": {"status": {"const": "withdrawn"}}, "required": ["status"]},
            "then": {"required": ["withdrawn"]},
            "else": {"required": ["title", "summary"], "not": {"required": ["withdrawn"]}},
        },
        {  # naming people means recording consent
            "if": {
                "properties": {"people": {"type": "array", "minItems": 1}},
                "required": ["people"],
            },
            "then": {"required": ["consent"]},
        },
    ]
    if kinds_needing_consent:
        rules.append(
            {
                "if": {
                    "properties": {"kind": {"enum": sorted(kinds_needing_consent)}},
                    "required": ["kind"],
                },
                "then": {"required": ["consent"]},
            }
        )
    schema["allOf"] = rules
    media = schema["$defs"]["MediaItem"]
    media["oneOf"] = [
        {"required": ["src"], "not": {"required": ["url"]}},
        {"required": ["url"], "not": {"required": ["src"]}},
    ]
    return schema


def area_schema(known: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """JSON Schema of area front matter."""
    schema = _base(AreaFrontMatter, "area", known)
    schema["$defs"]["Source"]["anyOf"] = [{"required": ["url"]}, {"required": ["ref"]}]
    return schema


def known_values(archive) -> dict[str, list[str]]:
    """Every value the archive knows, per group, to fill the schemas' lists."""
    taxonomy = archive.taxonomy
    known = {
        group: [term.slug for term in getattr(taxonomy, group)]
        for group in ("themes", "programmes", "kinds", "withdrawal_reasons", "consent_scopes")
    }
    known["areas"] = sorted(archive.areas)
    known["licences"] = sorted(archive.settings.licence_ids())
    return known


def write_schemas(
    directory: Path,
    known: dict[str, list[str]] | None = None,
    kinds_needing_consent: list[str] | None = None,
) -> list[Path]:
    """Write both schemas into ``directory``; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in (
        ("story", story_schema(known, kinds_needing_consent)),
        ("area", area_schema(known)),
    ):
        target = directory / SCHEMA_FILES[name]
        target.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def _base(model: Any, name: str, known: dict[str, list[str]] | None) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    schema = _fill_known(schema, known or {})
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_FILES[name], **schema}


def _fill_known(node: Any, known: dict[str, list[str]]) -> Any:
    """Replace ``x-voices-known`` markers with the list of values the archive knows."""
    if isinstance(node, list):
        return [_fill_known(item, known) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _fill_known(value, known) for key, value in node.items() if key != "x-voices-known"}
    group = node.get("x-voices-known")
    if group and known.get(group):
        out["enum"] = sorted(known[group])
        out.pop("pattern", None)
    return out
