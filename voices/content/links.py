"""Links between stories and areas: one syntax that survives renames.

Write ``[the hub opens](story:hub-opens)`` or ``[Par Bay](area:par-bay#legacy)`` in any story or
area. The validator reports a target that does not exist; the build turns each link into a
relative link to the page. After ``voices rename`` the old slug is an alias, so old links still
resolve.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from voices.content.code_masking import mask_code
from voices.content.contract import did_you_mean
from voices.content.problems import Problem
from voices.content.safe_html import link_targets, url_scheme
from voices.site.addresses import page_url, story_url

# [text](story:slug#part "title"), and reference definitions: [id]: story:slug
_INLINE = re.compile(r"(\]\(\s*<?)(story|area):([^\s)#>]*)(#[^\s)>]*)?(>?)")
# The whole inline link, to rewrite it: [text](story:slug#part "title")
_WHOLE_INLINE = re.compile(
    r'\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?(story|area):([^\s)#>]*)(#[^\s)>]*)?>?((?:\s+"[^"]*")?)\s*\)'
)
_REFERENCE = re.compile(
    r"^(\s{0,3}\[[^\]]+\]:\s*<?)(story|area):([^\s#>]*)(#\S*?)?(>?)(?=\s|$)", re.MULTILINE
)


def _links(body: str) -> list[tuple[re.Match[str], str]]:
    return [(m, "inline") for m in _INLINE.finditer(body)] + [
        (m, "ref") for m in _REFERENCE.finditer(body)
    ]


def link_problems(
    body: str,
    path: str,
    first_line: int,
    stories: set[str],
    areas: set[str],
    story_aliases: dict[str, str],
    masked: str | None = None,
) -> list[Problem]:
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
        problems.append(
            Problem(path, line, "body", f"links to {kind}:{slug}, which does not exist", hint)
        )
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


# --- links by path or address: refused between content files, rewritten by renames -------------

# A story's or area's page, as a site path or a source file: stories/x, stories/x/,
# stories/x.md, stories/x/index.md, stories/x.html, stories/x/index.html.
_PAGE_PATH = re.compile(
    r"(stories|areas)/([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.md|\.html|/|/index\.md|/index\.html)?"
)


def _address(target: str) -> str:
    """The address in a link target as ``link_targets`` gives it: without ``<...>`` or a title,
    with what Markdown and browsers see through undone (entities, escapes, %-encoding)."""
    text = target.strip()
    if text.startswith("<"):
        text = text[1:].split(">", 1)[0]
    else:
        text = text.split(None, 1)[0] if text.split() else ""
    for _ in range(3):
        text = html.unescape(text)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return unquote(re.sub(r"[\x00-\x20]", "", text))


def linked_page(
    target: str, source: str, site_url: str, exists: Callable[[str, str], bool]
) -> tuple[str, str, str] | None:
    """The story or area a link target reaches by a path or a web address rather than a
    ``story:``/``area:`` link: ("story" or "area", slug, "#anchor" or ""), else None.

    ``source`` is the linking page's source path (``areas/x.md``, ``stories/y/index.md``,
    ``guide/index.md``): a relative path may be read from it (as MkDocs reads ``.md`` links)
    or from the page's address (as a browser does), so both are tried. Absolute paths and the
    archive's own full addresses (``site_url``, any scheme or ``//``) count too, and a relative
    path written from the top (``stories/x/index.md``). Only a page that ``exists(kind, slug)``.
    """
    address = _address(target)
    path, _, anchor = address.partition("#")
    path = path.split("?", 1)[0]
    if not path:
        return None
    site = urlsplit(site_url)
    site_path = site.path if site.path.endswith("/") else site.path + "/"
    if path.startswith("//") or url_scheme(path) is not None:
        parts = urlsplit("https:" + path if path.startswith("//") else path)
        if (
            parts.scheme.lower() not in ("http", "https")
            or (parts.hostname or "") != (site.hostname or "").lower()
        ):
            return None
        if not (parts.path.lower() + "/").startswith(site_path.lower()):
            return None  # another site on the same host
        candidates = [parts.path]
    elif path.startswith("/"):
        candidates = [path]
    else:
        candidates = [
            posixpath.join(posixpath.dirname(source), path),
            posixpath.join(page_url(source), path),
            path,
        ]
    for candidate in candidates:
        # ".." above the top stays at the top, as in a browser
        candidate = posixpath.normpath("/" + candidate.lower().lstrip("/")) + (
            "/" if path.endswith("/") else ""
        )
        if candidate.startswith(site_path.lower()):
            candidate = "/" + candidate[len(site_path) :]
        match = _PAGE_PATH.fullmatch(candidate.lstrip("/"))
        kind = "story" if match and match.group(1) == "stories" else "area"
        if match and exists(kind, match.group(2)):
            return kind, match.group(2), anchor and "#" + anchor
    return None


def path_link_problems(
    masked: str,
    path: str,
    first_line: int,
    source: str,
    site_url: str,
    exists: Callable[[str, str], bool],
) -> list[Problem]:
    """Links from a story or area (or its transcript) to another story or area by a file path or
    web address: each must be a ``story:``/``area:`` link, which the build checks and a rename
    keeps working. ``masked`` is the text with code blanked out (``mask_code``)."""
    problems = []
    for offset, target in link_targets(masked):
        found = linked_page(target, source, site_url, exists)
        if found is None:
            continue
        kind, slug, anchor = found
        problems.append(
            Problem(
                path,
                first_line + masked.count("\n", 0, offset),
                "body",
                f"links to the {kind} “{slug}” by its file or web address, which breaks when "
                f"the {kind} is renamed",
                f"write the link as [text]({kind}:{slug}{anchor})",
            )
        )
    return list(dict.fromkeys(problems))  # <target> inside [text](<target>) is seen twice


def rename_story_links(text: str, old: str, new: str) -> str:
    """``text`` (a story, area or transcript) with every ``story:old`` link target, inline or
    reference-style, in angle brackets or not, with or without an #anchor, pointing at ``new``."""
    return re.sub(rf"(?<![\w.+-])story:{re.escape(old)}(?![\w-])", f"story:{new}", text)


def rename_page_links(text: str, source: str, site_url: str, old: str, new: str) -> str:
    """A hand-written page (``docs/``, where ``story:`` links are not used) with every link to
    story ``old`` by path or address pointing at ``new``; ``source`` is its path in docs/."""
    masked = mask_code(text)
    edits = []
    for offset, target in link_targets(masked):
        found = linked_page(
            target, source, site_url, lambda kind, slug: (kind, slug) == ("story", old)
        )
        if found is not None:
            segment = re.search(rf"{re.escape(story_url(old).rstrip('/'))}(?![a-z0-9-])", target)
            if segment:
                edits.append((offset + segment.start(), offset + segment.end()))
    for start, end in sorted(set(edits), reverse=True):
        text = text[:start] + story_url(new).rstrip("/") + text[end:]
    return text
