"""The archive's own settings (``archive.yml``): names, addresses, licences, formats.

Kept apart from ``mkdocs.yml`` so the core, and any future generator, can read them.
Contact details are placeholders until the custodians fill them in; the build shows
them as written and never invents them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationError

from voices.content.contract import ContractModel, Name, WebUrl, fail
from voices.content.contract_errors import problems_from_validation_error
from voices.content.problems import Problem
from voices.content.reading import parse_yaml_file

# The archive is written in British English: every page's <html lang>, the redirect pages, the
# feed, the structured data and the search index say so, all from here.
LANGUAGE = "en-GB"


def _check_pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise fail(
            f"is not a valid regular expression: {error}", "see docs/maintaining.md"
        ) from None
    return value


class Licence(ContractModel):
    """A licence stories may be published under."""

    id: Name = Field(description="SPDX identifier, e.g. CC-BY-4.0.")
    label: Name
    url: WebUrl


class ConsentReferenceFormat(ContractModel):
    """What an internal consent reference looks like."""

    pattern: Annotated[str, AfterValidator(_check_pattern)]
    example: Name


class ArchiveSettings(ContractModel):
    """Settings the content checks and the pages rely on."""

    name: Name
    site_url: WebUrl
    repository_url: WebUrl
    edit_branch: Name = "main"
    default_licence: Name
    licences: list[Licence] = Field(min_length=1)
    consent_reference: ConsentReferenceFormat
    site_budget_mb: int = Field(
        900,
        ge=1,
        description="The build fails when the site grows past this "
        "(GitHub Pages refuses sites over 1 GB).",
    )
    contacts: dict[str, Any] = Field(
        default_factory=dict,
        description="Names, addresses and contacts quoted in the policy pages.",
    )

    def licence_ids(self) -> frozenset[str]:
        return frozenset(licence.id for licence in self.licences)

    def licence(self, wanted: str | None = None) -> Licence | None:
        """The licence a story names (its ``licence``), or the archive's default when it names
        none; None for one this file does not list, which the content check refuses."""
        wanted = wanted or self.default_licence
        return next((licence for licence in self.licences if licence.id == wanted), None)


def load_settings(file: Path, path: str) -> tuple[ArchiveSettings | None, list[Problem]]:
    """Load and check ``archive.yml``."""
    parsed, problems = parse_yaml_file(file, path)
    if parsed is None:
        return None, problems
    try:
        settings = ArchiveSettings.model_validate(parsed.data)
    except ValidationError as error:
        return None, problems + problems_from_validation_error(error, parsed, ArchiveSettings)
    if settings.default_licence not in settings.licence_ids():
        problems.append(
            Problem(
                path,
                parsed.line_of(("default_licence",)),
                "default_licence",
                f"“{settings.default_licence}” is not in licences",
                "add it to licences",
            )
        )
    return settings, problems


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")


def fill_placeholders(text: str, values: dict[str, Any]) -> tuple[str, list[str]]:
    """Replace ``{{ contacts.email }}``-style placeholders; return the text and unknown names."""
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        value: Any = values
        for part in match.group(1).split("."):
            if not isinstance(value, dict) or part not in value:
                unknown.append(match.group(1))
                return match.group(0)
            value = value[part]
        return str(value)

    return _PLACEHOLDER.sub(replace, text), unknown


def site_url_conflict(site_url: str, config_file: str, declared: object) -> str | None:
    """archive.yml is the one place the site's address (``site_url``) is set: the generator's own
    setting (``declared``, from ``config_file``) must be absent or the same, or every page would
    name two addresses (canonical links and sitemap one, metadata, feeds and data the other)."""
    if declared in (None, ""):
        return None
    if isinstance(declared, str) and declared.rstrip("/") == site_url.rstrip("/"):
        return None
    return (
        f"{config_file}: site_url: {declared} is not archive.yml's site_url ({site_url}); "
        f"the site's address is set in archive.yml only: remove site_url from {config_file}"
    )
