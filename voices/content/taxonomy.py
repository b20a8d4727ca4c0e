"""The taxonomy: themes, programmes, kinds, withdrawal reasons and consent scopes.

All of them come from one data file (``taxonomy.yml``) so that no code names a theme
or a programme; adding one is a content change.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from voices.content.contract import ContractModel, Slug, Summary, Title
from voices.content.contract_errors import problems_from_validation_error
from voices.content.problems import Problem
from voices.content.reading import parse_yaml_file
from voices.site.addresses import BROWSE_GROUPS, RESERVED_SLUGS


class Term(ContractModel):
    """One entry: a slug used in front matter, the label shown, and what it means."""

    slug: Slug
    label: Title
    description: Summary


class Kind(Term):
    """A kind of story; some (interviews, films, audio) always need consent recorded."""

    needs_consent: bool = Field(False, description="Stories of this kind must record consent.")


class Taxonomy(ContractModel):
    """Everything stories and areas may be tagged with."""

    themes: list[Term] = Field(min_length=1)
    programmes: list[Term] = Field(min_length=1)
    kinds: list[Kind] = Field(min_length=1)
    withdrawal_reasons: list[Term] = Field(min_length=1)
    consent_scopes: list[Term] = Field(min_length=1)

    def labels(self, group: str) -> dict[str, str]:
        """Slug → label for one group, in the file's order."""
        return {term.slug: term.label for term in getattr(self, group)}

    def kinds_needing_consent(self) -> frozenset[str]:
        return frozenset(kind.slug for kind in self.kinds if kind.needs_consent)


GROUPS = ("themes", "programmes", "kinds", "withdrawal_reasons", "consent_scopes")


def load_taxonomy(file: Path, path: str) -> tuple[Taxonomy | None, list[Problem]]:
    """Load and check ``taxonomy.yml``; problems carry lines like every other content file."""
    parsed, problems = parse_yaml_file(file, path)
    if parsed is None:
        return None, problems
    try:
        taxonomy = Taxonomy.model_validate(parsed.data)
    except ValidationError as error:
        return None, problems + problems_from_validation_error(error, parsed, Taxonomy)
    for group in GROUPS:
        seen: set[str] = set()
        for index, term in enumerate(getattr(taxonomy, group)):
            if term.slug in RESERVED_SLUGS and group in BROWSE_GROUPS:
                problems.append(
                    Problem(
                        path,
                        parsed.line_of((group, index, "slug")),
                        f"{group}[{index + 1}].slug",
                        f"“{term.slug}” cannot be a slug: /{group}/{term.slug}/ is the list of "
                        f"all {group}",
                        "give the entry a name of its own",
                    )
                )
            if term.slug in seen:
                problems.append(
                    Problem(
                        path,
                        parsed.line_of((group, index, "slug")),
                        f"{group}[{index + 1}].slug",
                        f"“{term.slug}” is listed twice",
                        "give each entry its own slug",
                    )
                )
            seen.add(term.slug)
    return taxonomy, problems
