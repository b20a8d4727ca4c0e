"""The contract's errors in plain English: pydantic's error for a front matter field, settings
or taxonomy entry becomes a ``Problem`` with the file's line, a message and a hint.

Its own module because every file the contract checks needs it (stories and areas in
validate.py, archive.yml in settings.py, taxonomy.yml in taxonomy.py), while it needs only the
contract and the reader.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from voices.content.contract import AreaFrontMatter, StoryFrontMatter, did_you_mean
from voices.content.field_examples import EXAMPLES
from voices.content.problems import Problem
from voices.content.reading import FieldPath, ParsedFile, field_name


def problems_from_validation_error(
    error: ValidationError, parsed: ParsedFile, model: type[BaseModel]
) -> list[Problem]:
    """Turn pydantic's errors into problems with lines, plain messages and hints."""
    return [_problem(detail, parsed, model) for detail in error.errors(include_url=False)]


def _problem(detail: Any, parsed: ParsedFile, model: type[BaseModel]) -> Problem:
    loc: FieldPath = tuple(detail["loc"])
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    value = detail.get("input")
    name = field_name(loc) or "front matter"
    key = ".".join(str(part) for part in loc if isinstance(part, str))
    last = next((str(part) for part in reversed(loc) if isinstance(part, str)), name)
    example = EXAMPLES.get(key, "")
    line = parsed.line_of(loc)

    def problem(message: str, hint: str = "") -> Problem:
        return Problem(parsed.path, line, name, message, hint)

    if kind == "voices":
        return problem(ctx["message"], ctx.get("hint", ""))
    if kind == "missing":
        return problem("is required", f"add it, e.g. {example}" if example else "add it")
    if kind == "extra_forbidden":
        known = _field_names(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), known) if known else "remove it"
        if hint.startswith("use "):
            hint = "remove it, or check the spelling against the template"
        what = (
            "stories"
            if model is StoryFrontMatter
            else "areas"
            if model is AreaFrontMatter
            else "this file"
        )
        return problem(f"is not a field {what} can have", hint)
    if kind == "string_type":
        return problem(*_not_text(value, parsed.scalars.get(loc), last))
    if kind == "string_too_long":
        return problem(
            f"is {len(value)} characters long; at most {ctx['max_length']} are allowed",
            "shorten it",
        )
    if kind == "string_too_short":
        return problem(
            "is empty", f"write it, e.g. {example}" if example else "write it, or remove the line"
        )
    if kind == "too_short":
        return problem("needs at least one entry", f"e.g. {example}" if example else "add one")
    if kind == "list_type":
        return problem("must be a list", f"e.g. {example}" if example else "write [first, second]")
    if kind == "bool_type":
        return problem(
            f"must be true or false, not “{_show(value, parsed.scalars.get(loc))}”",
            f"write {last}: true  or  {last}: false",
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        hint = (
            f"indent its fields under it, e.g. {example}"
            if example
            else "indent its fields under it"
        )
        return problem("must be a group of fields", hint)
    if kind == "literal_error":
        expected = [
            choice.strip(" '")
            for choice in str(ctx.get("expected", "")).replace(" or ", ",").split(",")
        ]
        return problem(
            f"“{_show(value, parsed.scalars.get(loc))}” is not allowed",
            did_you_mean(str(value), [c for c in expected if c]),
        )
    if kind in ("int_type", "float_type", "int_parsing", "float_parsing", "int_from_float"):
        return problem(
            f"must be a number, not “{_show(value, parsed.scalars.get(loc))}”",
            f"e.g. {example}" if example else "write digits only",
        )
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if loc and loc[0] == "location":
            return problem(
                f"{value} is outside England",
                "check the number, and that lat and lon are not swapped",
            )
        return problem(detail["msg"].lower(), f"e.g. {example}" if example else "")
    return problem(detail["msg"], f"e.g. {example}" if example else "")


def _show(value: Any, scalar: Any) -> str:
    return scalar.text if scalar is not None else str(value)


def _not_text(value: Any, scalar: Any, last: str) -> tuple[str, str]:
    """Why YAML read this as something other than text, and how to write it."""
    raw = scalar.text if scalar is not None else str(value)
    if value is None:
        return "is empty", f"write the text after {last}: , or remove the line"
    if isinstance(value, bool):
        return (
            f"must be text, but YAML reads {raw} as yes/no",
            f'put it in double quotes: {last}: "{raw}"',
        )
    if isinstance(value, (int, float)):
        return (
            f"must be text, but YAML reads {raw} as a number",
            f'put it in double quotes: {last}: "{raw}"',
        )
    if isinstance(value, (dt.date, dt.datetime)):
        return (
            f"must be text, but YAML reads {raw} as a date",
            f'put it in double quotes: {last}: "{raw}"',
        )
    if isinstance(value, list):
        return "must be a single piece of text, not a list", "remove the dashes or brackets"
    if isinstance(value, dict):
        return (
            "must be a single piece of text, not a group of fields",
            'a value containing ": " must be in double quotes',
        )
    return "must be text", f'put it in double quotes: {last}: "..."'


def _field_names(model: type[BaseModel], path: FieldPath) -> list[str]:
    """The field names allowed at ``path`` inside ``model`` (for "did you mean")."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None
