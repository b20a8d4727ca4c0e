"""``voices new``: start a story from the template, with the answers staff gave filled in.

The file is written from ``stories/_template.md`` itself, so every field keeps its explaining
comment and the template stays the one place that documents them. A new story starts as a
draft: it cannot go live with the template's example text still in it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from voices.content.contract import SLUG_PATTERN, did_you_mean, slugify
from voices.content.loading import find_content_files, load_archive
from voices.content.paths import AREAS_DIR, STORIES_DIR, TAXONOMY_FILE, TEMPLATE_FILE
from voices.content.problems import Problem
from voices.content.taxonomy import load_taxonomy
from voices.site.addresses import story_slug
from voices.site.permalinks import read_registry

TEMPLATE = TEMPLATE_FILE
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SLUG = re.compile(SLUG_PATTERN)
SCHEMA_LINE = "# yaml-language-server: $schema="  # editors use it for completion and inline errors
MAX_SLUG = 60  # long enough to say what the story is, short enough to cite


class ScaffoldError(Exception):
    """An answer ``voices new`` cannot use; the message says what to give instead."""


@dataclass
class StoryAnswers:
    """What staff tell ``voices new`` about the story."""

    title: str
    areas: list[str]
    themes: list[str]
    date: str
    summary: str = ""
    kind: str = "story"
    slug: str = ""
    folder: bool = False  # a folder story, for photos, recordings or documents


@dataclass(frozen=True)
class Choices:
    """The values the answers must come from: the archive's areas, themes and kinds."""

    areas: frozenset[str]
    themes: frozenset[str]
    kinds: frozenset[str]
    taken: frozenset[str]  # slugs already used: files, folders and every address ever published


def read_choices(root: Path) -> Choices:
    """The areas (file names in areas/), the taxonomy's themes and kinds, and the slugs in use."""
    taxonomy, problems = load_taxonomy(root / TAXONOMY_FILE, TAXONOMY_FILE)
    if taxonomy is None:
        raise ScaffoldError(f"{TAXONOMY_FILE} has problems; run voices check ({problems[0]})")
    areas = {entry.slug for entry in find_content_files(root / AREAS_DIR, root)[0]}
    taken = {entry.slug for entry in find_content_files(root / STORIES_DIR, root)[0]}
    taken |= {slug for path in read_registry(root) if (slug := story_slug(path)) is not None}
    return Choices(
        frozenset(areas),
        frozenset(taxonomy.labels("themes")),
        frozenset(taxonomy.labels("kinds")),
        frozenset(taken),
    )


def answer_problems(answers: StoryAnswers, choices: Choices) -> dict[str, str]:
    """Each answer that cannot be used, by field, with what to give instead."""
    found: dict[str, str] = {}
    title = answers.title.strip()
    if not title:
        found["title"] = "is required: the story's title, in plain text"
    elif len(title) > 150:
        found["title"] = f"is {len(title)} characters long; keep it to 150"
    if not answers.areas:
        found["area"] = "is required: the file name of an area in areas/, without .md"
    for area in answers.areas:
        if area not in choices.areas:
            found["area"] = f"“{area}” is not an area ({did_you_mean(area, choices.areas)})"
    if not answers.themes:
        found["theme"] = "is required: " + ", ".join(sorted(choices.themes))
    for theme in answers.themes:
        if theme not in choices.themes:
            found["theme"] = f"“{theme}” is not a theme ({did_you_mean(theme, choices.themes)})"
    if not _DATE.match(answers.date.strip()):
        found["date"] = (
            f"“{answers.date}” is not a date: write YYYY-MM-DD, or YYYY-MM or YYYY when the day is not known"
        )
    if choices.kinds and answers.kind not in choices.kinds:
        found["kind"] = (
            f"“{answers.kind}” is not a kind ({did_you_mean(answers.kind, choices.kinds)})"
        )
    if len(answers.summary) > 300:
        found["summary"] = f"is {len(answers.summary)} characters long; keep it to 300"
    if answers.slug:
        if not _SLUG.match(answers.slug):
            found["slug"] = (
                f"“{answers.slug}” is not a slug: lowercase letters, digits and single hyphens, "
                f"e.g. {slugify(answers.slug) or 'a-short-name'}"
            )
        elif answers.slug in choices.taken:
            found["slug"] = (
                f"“{answers.slug}” is already used by a story, or was used before; choose another"
            )
    return found


def choose_slug(title: str, taken: frozenset[str]) -> str:
    """A free slug from the title: cut at a word boundary, numbered when already used."""
    full = slugify(title)
    base = full[:MAX_SLUG]
    if len(full) > MAX_SLUG and full[MAX_SLUG] != "-" and "-" in base:
        base = base.rsplit("-", 1)[0]  # the cut fell inside a word: drop that word
    base = base.rstrip("-") or "story"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted string: quotes and colons are safe inside.
    return json.dumps(text.strip(), ensure_ascii=False)


def _inline_list(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def fill_template(template: str, answers: StoryAnswers, today: date) -> str:
    """The template with the answers in place, the story marked draft, and the notes that told
    staff to replace those example values removed."""
    replacements = {
        "title": _quoted(answers.title),
        "date": answers.date.strip(),
        "areas": _inline_list(answers.areas),
        "themes": _inline_list(answers.themes),
        "kind": answers.kind,
        "status": "draft",
    }
    if answers.summary.strip():
        replacements["summary"] = _quoted(answers.summary)
    lines = template.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ScaffoldError(
            f"{TEMPLATE} does not start with its front matter (---); restore it from git"
        )
    done: set[str] = set()
    out: list[str] = []
    closed = False
    for index, line in enumerate(lines):
        if index > 0 and not closed and line.strip() == "---":
            closed = True
        if not closed and index > 0:
            key = line.split(":", 1)[0]
            if key in replacements and key not in done and ":" in line:
                line = f"{key}: {replacements[key]}"
                done.add(key)
            elif re.match(r"^# Example [a-z]+: replace it\.$", line):
                continue  # that example is now the real value
            elif line.startswith(SCHEMA_LINE) and answers.folder:
                line = line.replace("=../", "=../../", 1)  # index.md sits one folder deeper
            elif line.startswith("# STORY TEMPLATE:"):
                line = (
                    f"# Started with `voices new` on {today.isoformat()} from {TEMPLATE}. It is a draft: "
                    "finish it, then set status: published."
                )
        out.append(line)
    missing = set(replacements) - done
    if missing:
        raise ScaffoldError(
            f"{TEMPLATE} has no {', '.join(sorted(missing))} line to fill in; restore it from git"
        )
    return "\n".join(out)


def new_story(
    root: Path, answers: StoryAnswers, today: date | None = None
) -> tuple[Path, list[Problem]]:
    """Write the new story (``stories/<slug>.md``, or ``stories/<slug>/index.md`` for a folder)
    and check it; return its file and the problems found in it."""
    choices = read_choices(root)
    found = answer_problems(answers, choices)
    if found:
        raise ScaffoldError("; ".join(f"{name}: {message}" for name, message in found.items()))
    template_file = root / TEMPLATE
    if not template_file.is_file():
        raise ScaffoldError(f"{TEMPLATE} is missing; restore it from git")
    slug = answers.slug or choose_slug(answers.title, choices.taken)
    text = fill_template(template_file.read_text(encoding="utf-8"), answers, today or date.today())
    target = (
        root / STORIES_DIR / slug / "index.md"
        if answers.folder
        else root / STORIES_DIR / f"{slug}.md"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    path = target.relative_to(root).as_posix()
    _, problems = load_archive(root)
    return target, [problem for problem in problems if problem.path == path]
