"""Check parsed content against the contract and across files; every result is a Problem.

Nothing here raises for bad content: pydantic's errors are turned into plain English with
the file's line, and the rules that span several fields or files are checked on the raw
data so that one mistake does not hide another.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from pydantic import ValidationError

from voices.content.body_targets import Target, body_targets, unreadable
from voices.content.content_files import NOT_IN_FOLDER, is_outside, reference_problem
from voices.content.contract import AreaFrontMatter, ContractContext, StoryFrontMatter, did_you_mean
from voices.content.contract_errors import problems_from_validation_error
from voices.content.field_examples import EXAMPLES
from voices.content.file_types import TRANSCRIPT_SUFFIXES
from voices.content.names import NameFinder, common_word_name, fold, name_key
from voices.content.problems import Problem
from voices.content.reading import FieldPath, ParsedFile, field_name
from voices.content.safe_html import url_scheme

# Free-text fields where an unquoted " #" silently cuts the value short.
_TEXT_KEYS = {
    "title",
    "summary",
    "alt",
    "credit",
    "name",
    "note",
    "ref",
    "description",
    "label",
    "authors",
    "people",
    "former_names",
    "registration",
}


def comment_cut_problems(parsed: ParsedFile) -> list[Problem]:
    """Free text like ``title: We are #1`` loses everything after the ``#``: say so."""
    problems = []
    for path, scalar in parsed.scalars.items():
        last = next((part for part in reversed(path) if isinstance(part, str)), "")
        if scalar.comment_after and last in _TEXT_KEYS:
            problems.append(
                Problem(
                    parsed.path,
                    scalar.line,
                    field_name(path),
                    "the text after “#” is treated as a comment and left out",
                    f'put the whole text in double quotes, e.g. {last}: "We are #1"',
                )
            )
    return problems


# --- stories -------------------------------------------------------------------------------


def check_story(
    parsed: ParsedFile,
    folder: Path | None,
    context: ContractContext,
    kinds_needing_consent: frozenset[str],
) -> tuple[StoryFrontMatter | None, list[Problem]]:
    """Check one story's front matter; return the model when its fields are well formed."""
    problems = comment_cut_problems(parsed)
    try:
        story = StoryFrontMatter.model_validate(parsed.data, context=context)
    except ValidationError as error:
        story = None
        problems += problems_from_validation_error(error, parsed, StoryFrontMatter)
    problems += _story_rules(parsed, kinds_needing_consent)
    if parsed.data.get("status") != "withdrawn":
        problems += _people_rules(parsed)
    if parsed.data.get("status") == "withdrawn":
        # The repository is public: a withdrawn story's words, names and files must be gone.
        problems += withdrawal_residue(
            parsed.data,
            parsed.path,
            parsed.line_of,
            folder,
            body=parsed.body,
            body_line=parsed.body_line,
        )
    else:
        problems += _story_files(parsed, folder)
    return story, problems


# --- withdrawn stories ---------------------------------------------------------------------------

# Fields that hold the story's words, names, pictures or where to find them; the validator
# refuses a withdrawn story that keeps any of them.
CONTENT_FIELDS = (
    "summary",
    "people",
    "authors",
    "image",
    "media",
    "attachments",
    "consent",
    "source_url",
)


def withdrawal_residue(
    data: dict[Any, Any],
    path: str,
    lines: Callable[[FieldPath], int],
    folder: Path | None,
    *,
    body: str = "",
    body_line: int = 1,
) -> list[Problem]:
    """Problems for a withdrawn story that still holds content: a content field, a body, a
    title it said to erase, or a file in its folder. Only checks; any odd data is skipped."""
    if not isinstance(data, dict) or data.get("status") != "withdrawn":
        return []
    withdrawn = data.get("withdrawn")
    reason = withdrawn.get("reason") if isinstance(withdrawn, dict) else None
    file = PurePosixPath(path)
    slug = file.parent.name if file.name == "index.md" else file.stem
    hint = (
        f"run: voices withdraw {slug} --reason {reason if isinstance(reason, str) else '<reason>'}"
    )
    why = "the repository is public"
    problems = [
        Problem(
            path,
            lines((key,)),
            key,
            f"a withdrawn story must not keep its {key}: {why}",
            f"{hint}, or delete the field",
        )
        for key in CONTENT_FIELDS
        if _holds(data.get(key))
    ]
    if isinstance(body, str) and body.strip():
        problems.append(
            Problem(
                path,
                body_line,
                "body",
                f"a withdrawn story must not keep its text: {why}",
                f"{hint}, or delete everything below the closing ---",
            )
        )
    if (
        isinstance(withdrawn, dict)
        and withdrawn.get("erase_title") is True
        and _holds(data.get("title"))
    ):
        problems.append(
            Problem(
                path,
                lines(("title",)),
                "title",
                f"the withdrawal says to erase the title, but it is still here: {why}",
                f"{hint}, or delete the field",
            )
        )
    problems += [
        Problem(
            path,
            1,
            "file",
            f"“{name}” is still in the withdrawn story's folder: {why}",
            f"{hint}, or delete the file",
        )
        for name in _leftover_files(folder)
    ]
    return problems


def _holds(value: Any) -> bool:
    """Whether a field holds anything: an empty value (``people: []``) shows nothing."""
    return value is not None and value != "" and value != [] and value != {}


def _leftover_files(folder: Path | None) -> list[str]:
    """Files in a story's folder besides its index.md, relative to the folder."""
    if folder is None:
        return []
    try:
        return sorted(
            file.relative_to(folder).as_posix()
            for file in folder.rglob("*")
            if file.is_file() and file != folder / "index.md"
        )
    except OSError:
        return []


# Fields shown beyond the story's own page: in lists, feeds, the search index and open data.
_SHOWN_ELSEWHERE: tuple[FieldPath, ...] = (
    ("title",),
    ("summary",),
    ("image", "alt"),
    ("image", "credit"),
)
_NAME_HINT = (
    "names in people appear only in the list of people on the story's own page; say "
    "“a resident” or a role instead"
)


def _people_rules(parsed: ParsedFile) -> list[Problem]:
    """A name in ``people`` is kept to the story's page: the audit looks for it everywhere else,
    in any case, spelling of spaces, dashes, apostrophes and accents, as a whole word. So it may
    not be in the fields and text shown elsewhere, and it must be more than an everyday word."""
    people = parsed.data.get("people")
    names = (
        [name for name in people if isinstance(name, str) and name.strip()]
        if isinstance(people, list)
        else []
    )
    if not names:
        return []
    problems = []
    for index, name in enumerate(names):
        if common_word_name(name):
            problems.append(
                Problem(
                    parsed.path,
                    parsed.line_of(("people", index)),
                    "people",
                    f"“{name}” is also an everyday word, so the checks cannot tell where this "
                    "person is named and where the word is used",
                    f"give the name as written in full, e.g. “{name} Example”",
                )
            )
    finder = NameFinder(names)
    by_key = {name_key(name): name for name in names}

    def report(line: int, where: str, found: set[str]) -> None:
        for key in sorted(found):
            shown = by_key.get(key, key)
            problems.append(
                Problem(
                    parsed.path,
                    line,
                    where,
                    f"names {shown}, who is listed in people, so the name "
                    "would appear in lists, feeds, search and open data",
                    _NAME_HINT,
                )
            )

    data = parsed.data
    candidates: list[tuple[FieldPath, object]] = [
        (path, _value_at(data, path)) for path in _SHOWN_ELSEWHERE
    ]
    for group, key in (("media", "title"), ("media", "transcript"), ("attachments", "title")):
        items = data.get(group)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                candidates.append(((group, index, key), item.get(key)))
    for path, value in candidates:
        if isinstance(value, str):
            report(parsed.line_of(path), field_name(path), finder.found_in(fold(value)))
    for offset, key in finder.lines_naming(parsed.body):
        report(parsed.body_line + offset - 1, "body", {key})
    return problems


def _value_at(data: dict[Any, Any], path: FieldPath) -> object:
    value: object = data
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _story_rules(parsed: ParsedFile, kinds_needing_consent: frozenset[str]) -> list[Problem]:
    """Rules that span fields; read from the raw data so a type error elsewhere hides nothing."""
    data = parsed.data
    problems: list[Problem] = []

    def add(path: FieldPath, message: str, hint: str) -> None:
        problems.append(Problem(parsed.path, parsed.line_of(path), field_name(path), message, hint))

    status = data.get("status", "published")
    withdrawn = data.get("withdrawn")
    erase_title = isinstance(withdrawn, dict) and withdrawn.get("erase_title") is True
    if status == "withdrawn":
        if withdrawn is None:
            add(
                ("status",),
                "a withdrawn story needs a withdrawn: block with its date and reason",
                f"add it, e.g. {EXAMPLES['withdrawn']}",
            )
    elif withdrawn is not None:
        add(
            ("withdrawn",),
            "is only for withdrawn stories",
            "set status: withdrawn, or remove the withdrawn: block",
        )
    if "title" not in data and not (status == "withdrawn" and erase_title):
        add(("title",), "is required", f"add it, e.g. {EXAMPLES['title']}")
    if "summary" not in data and status != "withdrawn":
        add(("summary",), "is required", f"add it, e.g. {EXAMPLES['summary']}")

    people = data.get("people")
    kind = data.get("kind", "story")
    needs_consent = bool(people) or (isinstance(kind, str) and kind in kinds_needing_consent)
    if needs_consent and data.get("consent") is None and status != "withdrawn":
        why = (
            "it names people"
            if people
            else f"it is {'an' if str(kind)[0] in 'aeiou' else 'a'} {kind}"
        )
        add(
            ("consent",) if "consent" in data else ("people",) if people else ("kind",),
            f"consent must be recorded because {why}",
            "add a consent: block with recorded, reference and scope (see the template)",
        )

    consent = data.get("consent") if isinstance(data.get("consent"), dict) else None
    scope = consent.get("scope") if consent else None
    scopes = (
        {scope}
        if isinstance(scope, str)
        else {s for s in scope if isinstance(s, str)}
        if isinstance(scope, list)
        else set()
    )
    if consent and consent.get("minors") is True and "minors" not in scopes:
        add(
            ("consent", "scope") if "scope" in consent else ("consent", "minors"),
            "names or shows someone under 18, so the consent scope must include minors",
            "add minors to scope once a parent or guardian has agreed: scope: [web, archive, minors]",
        )
    image = data.get("image")
    if isinstance(image, dict) and image.get("shows_people") is True and status != "withdrawn":
        if consent is None:
            add(
                ("image", "shows_people"),
                "the photo shows people, so consent must be recorded",
                "add a consent: block whose scope includes photos",
            )
        elif "photos" not in scopes:
            add(
                ("image", "shows_people"),
                "the photo shows people, but the consent scope does not include photos",
                "add photos to consent.scope if it was agreed; otherwise use a photo without people",
            )

    if status == "published":
        for path in _template_examples(data):
            add(
                path,
                "still holds the template's example text",
                "replace it with the real value, or keep status: draft until the story is ready",
            )
        if TEMPLATE_BODY_MARK in parsed.body:
            line = parsed.body_line + parsed.body[: parsed.body.index(TEMPLATE_BODY_MARK)].count(
                "\n"
            )
            problems.append(
                Problem(
                    parsed.path,
                    line,
                    "body",
                    "still holds the template's example text",
                    "write the story in its place, or keep status: draft until it is ready",
                )
            )

    media = data.get("media")
    if isinstance(media, list):
        for index, item in enumerate(media):
            if not isinstance(item, dict):
                continue
            has_src, has_url = "src" in item, "url" in item
            if has_src == has_url:
                add(
                    ("media", index),
                    "needs either src (a file in the folder) or url (a link), not "
                    + ("both" if has_src else "neither"),
                    "use src for a file beside index.md, url for media hosted elsewhere",
                )
            if has_src and item.get("type") == "video" and not item.get("captions"):
                add(
                    ("media", index, "captions"),
                    "is required for a video file",
                    "add a WebVTT captions file, e.g. captions: film.en.vtt",
                )
    return problems


TEMPLATE_EXAMPLE = "Example:"  # how stories/_template.md marks a value to replace
TEMPLATE_BODY_MARK = "Example: delete these lines"


def _template_examples(
    value: Any, path: FieldPath = (), seen: set[int] | None = None
) -> list[FieldPath]:
    """Where the template's example values were left in (a published story must not keep them)."""
    if isinstance(value, str):
        return [path] if value.strip().startswith(TEMPLATE_EXAMPLE) else []
    seen = set() if seen is None else seen
    if not isinstance(value, (dict, list)) or id(value) in seen:
        return []  # each list or mapping once: YAML aliases can repeat one a billion times
    seen.add(id(value))
    items = value.items() if isinstance(value, dict) else enumerate(value)
    return [found for key, item in items for found in _template_examples(item, (*path, key), seen)]


def _story_files(parsed: ParsedFile, folder: Path | None) -> list[Problem]:
    """Every file the front matter names must be a usable file inside the story's own folder."""
    problems: list[Problem] = []
    for path, name, kind in named_files(parsed.data):
        where = field_name(path)
        line = parsed.line_of(path)
        if folder is None:
            problems.append(
                Problem(
                    parsed.path,
                    line,
                    where,
                    "a story with files must be a folder",
                    f"move {parsed.path} to {parsed.path[:-3]}/index.md and put {name} beside it",
                )
            )
            continue
        found = reference_problem(folder, name, kind)
        if found and found[0] == NOT_IN_FOLDER:
            present = sorted(
                p.name for p in folder.iterdir() if p.is_file() and p.name != "index.md"
            )
            hint = (
                did_you_mean(name, present)
                if present
                else "upload the file into the story's folder"
            )
            if hint.startswith("use"):
                hint = f"files in the folder: {', '.join(present)}"
            problems.append(
                Problem(parsed.path, line, where, f"“{name}” is not in the story's folder", hint)
            )
        elif found:
            problems.append(Problem(parsed.path, line, where, f"“{name}” {found[0]}", found[1]))
    return problems


# ![alt](file "title"){ attributes }: images written in a story's or area's text
MARKDOWN_IMAGE = re.compile(
    r'!\[((?:[^\[\]\\]|\\.)*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)(\{[^}\n]*\})?'
)


def body_image_problems(
    body: str, masked: str, path: str, first_line: int, folder: Path | None
) -> list[Problem]:
    """Images in the text have alt text (decorative ones say alt="" explicitly). Where their
    files are and what they hold is checked with every other address (``body_file_problems``)."""
    problems = []
    for match in MARKDOWN_IMAGE.finditer(masked):
        alt, name, attributes = (
            body[match.start(1) : match.end(1)],
            match.group(2),
            match.group(3) or "",
        )
        line = first_line + masked.count("\n", 0, match.start())
        if not alt.strip() and 'alt=""' not in attributes.replace("'", '"'):
            problems.append(
                Problem(
                    path,
                    line,
                    "body",
                    f"the image {name} has no alt text",
                    f"describe it: ![what the picture shows]({name}) — or, if it is only "
                    f'decoration, write ![]({name}){{: alt="" }}',
                )
            )
    return problems


def body_file_problems(
    body: str, masked: str, path: str, first_line: int, folder: Path | None
) -> tuple[list[Problem], set[str]]:
    """Every address the text links to or loads (voices/content/body_targets.py): nothing loaded from
    another site, and every file named a usable file in the page's own folder. Also the names
    of the folder's files the text uses (so the folder check does not report them again)."""
    problems: list[Problem] = []
    named: set[str] = set()
    inline_images = {match.group(2) for match in MARKDOWN_IMAGE.finditer(masked)}
    where = "the story's folder" if path.startswith("stories/") else "the area's folder"
    why = unreadable(body)
    if why:
        problems.append(
            Problem(
                path,
                first_line,
                "body",
                f"cannot be turned into a web page ({why})",
                "look for an attribute list such as {: id } with no value, or an unfinished "
                "HTML tag; other messages for this file may point at it",
            )
        )
    for target in body_targets(body, first_line):
        reference = body_file_reference(target)
        if reference is None:
            continue
        name, remote = reference
        picture = target.loads
        if remote:
            problems.append(
                Problem(
                    path,
                    target.line,
                    "body",
                    f"the {'image' if target.tag == 'img' else 'file'} "
                    f"{name} is on another site, and the archive's pages load nothing from other sites",
                    "with permission, download it, upload it beside index.md and give just its "
                    "file name; or link to it: [what it shows](" + name + ")",
                )
            )
            continue
        what = "image" if picture else "file"
        if folder is None:
            problems.append(
                Problem(
                    path,
                    target.line,
                    "body",
                    f"the {what} {name} is not in a folder (stories/<slug>/index.md)",
                    "make the story a folder: move it to "
                    f"{path[:-3]}/index.md and upload {name} beside it",
                )
            )
            continue
        found = reference_problem(folder, name, "photo" if picture else "document")
        if found is None and picture and ("/" in name or name not in inline_images):
            found = (
                "is not written as an image in place",
                (
                    f"write ![what it shows]({PurePosixPath(name).name}) where it belongs, with the file beside "
                    "index.md (reference-style images and subfolders are not made into the site's picture copies)"
                ),
            )
        if found and found[0] == NOT_IN_FOLDER:
            found = (f"is not in {where}", "upload it beside index.md and give just its file name")
        if found:
            problems.append(
                Problem(path, target.line, "body", f"the {what} {name} {found[0]}", found[1])
            )
        if not is_outside(folder, name):
            named.add(
                PurePosixPath(name).as_posix()
            )  # reported here, if at all: not again as a loose file
    return sorted(dict.fromkeys(problems), key=lambda p: p.line), named


def body_file_reference(target: Target) -> tuple[str, bool] | None:
    """(file name or address, whether it is on another site) when ``target`` names a file or
    loads something; None for links to pages, anchors, email and the archive's own links."""
    url = target.url.strip()
    scheme = url_scheme(url)
    remote = scheme in ("http", "https") or url.replace("\\", "/").startswith("//")
    if remote:
        return (url, True) if target.loads else None
    if scheme is not None or not url or url.startswith("#"):
        return None  # mailto:, story: and the like; what is refused there is safe_html's business
    name = unquote(url.split("#", 1)[0].split("?", 1)[0])
    last = PurePosixPath(name.replace("\\", "/")).name
    if not target.loads and (
        name.endswith(("/", "\\"))
        or "." not in last
        or last.lower().endswith((".md", ".html", ".htm"))
    ):
        return (
            None  # a page of the site (MkDocs and the path-link check see to those; an .html file
        )
        # in a folder is refused by the folder check)
    return name.removeprefix("./"), False


def named_files(data: dict[Any, Any]) -> list[tuple[FieldPath, str, str]]:
    """(field path, file name, kind of file) for every file the front matter points at. Values
    the contract refuses as paths (``..``, absolute) are left to its message, except the
    transcript, which may also be plain text and so has no such rule there."""
    found: list[tuple[FieldPath, str, str]] = []

    def take(path: FieldPath, value: Any, kind: str, any_path: bool = False) -> None:
        if (
            isinstance(value, str)
            and value.strip()
            and (
                any_path
                or (
                    "://" not in value
                    and not value.startswith("/")
                    and ".." not in value.split("/")
                )
            )
        ):
            found.append((path, value.strip(), kind))

    image = data.get("image")
    if isinstance(image, dict):
        take(("image", "src"), image.get("src"), "photo")
    for group, keys in (("media", ("src", "captions")), ("attachments", ("src",))):
        items = data.get(group)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            for key in keys:
                kind = (
                    "document"
                    if group == "attachments"
                    else "captions"
                    if key == "captions"
                    else item.get("type")
                    if item.get("type") in ("audio", "video")
                    else "media"
                )
                take((group, index, key), item.get(key), kind)
            transcript = item.get("transcript")
            if group == "media" and is_transcript_file(transcript):
                take((group, index, "transcript"), transcript, "transcript", any_path=True)
    return found


def is_transcript_file(value: Any) -> bool:
    """Whether a media item's transcript names a file (else it is the text itself)."""
    return (
        isinstance(value, str)
        and "\n" not in value.strip()
        and value.strip().lower().endswith(tuple(TRANSCRIPT_SUFFIXES))
    )


# --- areas ---------------------------------------------------------------------------------


def check_area(
    parsed: ParsedFile, context: ContractContext
) -> tuple[AreaFrontMatter | None, list[Problem]]:
    """Check one area's front matter."""
    problems = comment_cut_problems(parsed)
    try:
        area = AreaFrontMatter.model_validate(parsed.data, context=context)
    except ValidationError as error:
        area = None
        problems += problems_from_validation_error(error, parsed, AreaFrontMatter)
    sources = parsed.data.get("sources")
    if isinstance(sources, list):
        for index, source in enumerate(sources):
            if isinstance(source, dict) and not source.get("url") and not source.get("ref"):
                problems.append(
                    Problem(
                        parsed.path,
                        parsed.line_of(("sources", index)),
                        f"sources[{index + 1}]",
                        "needs a url or a ref",
                        "give the web address, or a citation of a printed source",
                    )
                )
    return area, problems
