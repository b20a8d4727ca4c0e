"""Links between stories and areas: one syntax that survives renames.

Write ``[the hub opens](story:hub-opens)`` or ``[Par Bay](area:par-bay#legacy)`` in any story or
area. The validator reports a target that does not exist; the build turns each link into a
relative link to the page. After ``voices rename`` the old slug is an alias, so old links still
resolve.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from voices.contract import did_you_mean
from voices.problems import Problem

# [text](story:slug#part "title"), and reference definitions: [id]: story:slug
_INLINE = re.compile(r"(\]\(\s*<?)(story|area):([^\s)#>]*)(#[^\s)>]*)?(>?)")
# The whole inline link, to rewrite it: [text](story:slug#part "title")
_WHOLE_INLINE = re.compile(r'\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?(story|area):([^\s)#>]*)(#[^\s)>]*)?>?((?:\s+"[^"]*")?)\s*\)')
_REFERENCE = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*<?)(story|area):([^\s#>]*)(#\S*?)?(>?)(?=\s|$)", re.MULTILINE)


def _links(body: str) -> list[tuple[re.Match[str], str]]:
    return [(m, "inline") for m in _INLINE.finditer(body)] + [(m, "ref") for m in _REFERENCE.finditer(body)]


def link_problems(body: str, path: str, first_line: int, stories: set[str], areas: set[str],
                  story_aliases: dict[str, str], masked: str | None = None) -> list[Problem]:
    """Every ``story:`` or ``area:`` link whose target does not exist, with its line.

    ``masked`` is the body with code blocks blanked out (same length), so examples in code
    are not checked.
    """
    problems = []
    for match, _ in _links(masked if masked is not None else body):
        kind, slug = match.group(2), match.group(3)
        # Two lookups, never a union: building stories | aliases for each link grew as stories².
        exists = (slug in stories or slug in story_aliases) if kind == "story" else slug in areas
        if exists:
            continue
        line = first_line + body.count("\n", 0, match.start(2))
        hint = did_you_mean(slug, stories if kind == "story" else areas) if slug else ""
        if not slug or hint.startswith("use"):
            hint = f"use the {kind}'s file name, e.g. [{kind} title]({kind}:{'par-bay' if kind == 'area' else 'a-story'})"
        problems.append(Problem(path, line, "body", f"links to {kind}:{slug}, which does not exist", hint))
    return problems


def resolve_links(body: str, from_src: str, target: Callable[[str, str], str | None]) -> str:
    """Replace ``story:``/``area:`` link targets with relative links to the pages' sources.

    ``target(kind, slug)`` gives the generated page's source path (``stories/x.md``), or None
    when the page is not published in this build (a draft): the link then becomes plain text.
    """
    from_dir = posixpath.dirname(from_src)

    def href(kind: str, slug: str, anchor: str | None) -> str | None:
        src = target(kind, slug)
        return None if src is None else posixpath.relpath(src, from_dir or ".") + (anchor or "")

    def inline(match: re.Match[str]) -> str:
        new = href(match.group(2), match.group(3), match.group(4))
        return f"[{match.group(1)}]({new}{match.group(5)})" if new else match.group(1)

    def reference(match: re.Match[str]) -> str:
        new = href(match.group(2), match.group(3), match.group(4))
        return match.group(1) + (new or "#") + match.group(5)

    return _REFERENCE.sub(reference, _WHOLE_INLINE.sub(inline, body))
