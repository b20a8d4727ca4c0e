"""The archive as data: find and load every story and area, validated, with all problems.

``load_archive`` is the one entry point the command line, the MkDocs hooks and the tests use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from voices.content.body_targets import body_targets
from voices.content.code_masking import mask_code
from voices.content.content_files import clash_problems, folder_problems, transcript_readable
from voices.content.contract import (
    AreaFrontMatter,
    ContractContext,
    StoryFrontMatter,
    did_you_mean,
    slugify,
)
from voices.content.links import link_problems, path_link_problems
from voices.content.paths import AREAS_DIR, DOCS_DIR, SETTINGS_FILE, STORIES_DIR, TAXONOMY_FILE
from voices.content.problems import Problem
from voices.content.reading import FieldPath, ParsedFile, field_name, parse_front_matter_file
from voices.content.safe_html import body_problems, markup_limit_problem, url_scheme
from voices.content.settings import ArchiveSettings, load_settings
from voices.content.taxonomy import Taxonomy, load_taxonomy
from voices.content.validate import (
    body_file_problems,
    body_image_problems,
    check_area,
    check_story,
    is_transcript_file,
    named_files,
)
from voices.site.addresses import (
    GENERATED_TOP_LEVEL,
    RESERVED_SLUGS,
    area_url,
    page_source,
    redirect_file,
    story_slug,
    story_url,
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ContentFile:
    """Where one story or area lives: ``<dir>/<slug>.md`` or ``<dir>/<slug>/index.md``."""

    slug: str
    file: Path
    path: str  # relative to the repository root
    folder: Path | None  # the entry's own folder, in folder form


@dataclass
class Story:
    """A story that passed its checks."""

    slug: str
    path: str
    folder: Path | None
    meta: StoryFrontMatter
    body: str
    body_line: int
    lines: dict[FieldPath, int] = field(default_factory=dict, repr=False)

    @property
    def url(self) -> str:
        return story_url(self.slug)

    @property
    def is_published(self) -> bool:
        return self.meta.status == "published"

    def earlier_slugs(self) -> list[str]:
        """The slugs of the story's earlier addresses (its ``/stories/<slug>/`` aliases)."""
        return [
            slug
            for alias in self.meta.aliases
            if (slug := story_slug(alias)) is not None and "/" not in slug
        ]

    @property
    def page_source(self) -> str:
        """The generated page's source path; a folder story keeps its folder so that files
        written beside index.md resolve as they do in the repository."""
        return page_source(
            self.url, folder=self.folder is not None and self.meta.status != "withdrawn"
        )

    def transcript_files(self) -> list[tuple[str, Path]]:
        """(name, file) of each transcript kept as a file in the story's folder, rather than
        written in the front matter: a one-line value ending in .md or .txt."""
        if self.folder is None:
            return []
        names = [item.transcript.strip() for item in self.meta.media]
        # Only plain files inside the folder: the checks refuse anything else, and reading must
        # not be a second way round them.
        return [
            (name, self.folder / name)
            for name in names
            if is_transcript_file(name) and transcript_readable(self.folder, name)
        ]


@dataclass
class Area:
    """An area that passed its checks."""

    slug: str
    path: str
    folder: Path | None
    meta: AreaFrontMatter
    body: str
    body_line: int
    lines: dict[FieldPath, int] = field(default_factory=dict, repr=False)

    @property
    def url(self) -> str:
        return area_url(self.slug)

    @property
    def page_source(self) -> str:
        return page_source(self.url, folder=self.folder is not None)


@dataclass
class Archive:
    """Everything the build publishes from."""

    root: Path
    settings: ArchiveSettings
    taxonomy: Taxonomy
    areas: dict[str, Area] = field(default_factory=dict)
    stories: dict[str, Story] = field(default_factory=dict)

    def without(self, paths: set[str]) -> Archive:
        """The archive less the stories and areas whose files have problems (emergency takedown)."""
        areas = {slug: a for slug, a in self.areas.items() if a.path not in paths}
        # A story whose area was left out cannot be listed under it: leave the story out too.
        stories = {
            slug: s
            for slug, s in self.stories.items()
            if s.path not in paths and all(a in areas for a in s.meta.areas)
        }
        return replace(self, stories=stories, areas=areas)

    def served_at(self, site_url: str) -> Archive:
        """The archive as served from another address (a preview): every absolute link follows."""
        return replace(self, settings=self.settings.model_copy(update={"site_url": site_url}))


def find_content_files(directory: Path, root: Path) -> tuple[list[ContentFile], list[Problem]]:
    """Every entry in ``stories/`` or ``areas/``; names starting ``_`` or ``.`` are not content."""
    entries: dict[str, ContentFile] = {}
    problems: list[Problem] = []
    if not directory.is_dir():
        return [], problems
    for item in sorted(directory.iterdir()):
        if item.name.startswith(("_", ".")):
            continue
        rel = item.relative_to(root).as_posix()  # item comes from root, already resolved
        if item.is_symlink() or (item.is_dir() and (item / "index.md").is_symlink()):
            # A link can point anywhere (a draft, a file outside the repository): it would be published.
            shown = rel if item.is_symlink() else f"{rel}/index.md"
            problems.append(
                Problem(
                    shown,
                    1,
                    "file",
                    "is a link to another file or folder (a symbolic link), "
                    "which could publish anything",
                    "put the file itself here instead of a link",
                )
            )
            continue
        if item.is_dir():
            slug, file, folder = item.name, item / "index.md", item
            if not file.is_file():
                problems.append(
                    Problem(
                        rel,
                        1,
                        "file",
                        "this folder has no index.md",
                        f"put the text in {rel}/index.md, beside its images",
                    )
                )
                continue
        elif item.suffix == ".md":
            slug, file, folder = item.stem, item, None
        else:
            what = "story" if directory.name == STORIES_DIR else "area"
            hint = (
                "rename it to end in .md"
                if item.suffix.lower() in (".md", ".markdown", ".txt")
                else f"put it inside a {what}'s folder, beside index.md"
            )
            problems.append(Problem(rel, 1, "file", f"is not a Markdown {what} file", hint))
            continue
        path = file.relative_to(root).as_posix()
        if not _SLUG.match(slug):
            problems.append(
                Problem(
                    path,
                    1,
                    "file name",
                    f"“{slug}” is not a valid slug: the file name becomes the address",
                    f"rename it to {slugify(slug) or 'a-short-name'} (lowercase letters, "
                    "digits and single hyphens)",
                )
            )
            continue
        if slug in RESERVED_SLUGS:
            what = "stories" if directory.name == STORIES_DIR else "areas"
            problems.append(
                Problem(
                    path,
                    1,
                    "file name",
                    f"“{slug}” cannot be the name of a story or area: /{what}/{slug}/ is the "
                    f"list of all {what}",
                    "rename the file to a short name of its own, e.g. our-garden.md",
                )
            )
            continue
        if slug in entries:
            problems.append(
                Problem(
                    path,
                    1,
                    "file name",
                    f"the slug “{slug}” is used twice",
                    f"also {entries[slug].path}; keep one of them",
                )
            )
            continue
        entries[slug] = ContentFile(slug, file, path, folder)
    return list(entries.values()), problems


def story_entry(root: Path, slug: str) -> tuple[ContentFile | None, str]:
    """Where story ``slug`` lives, or None and a sentence saying it does not exist (with a
    "did you mean"): for commands such as ``voices rename`` and ``voices withdraw``."""
    entries = {entry.slug: entry for entry in find_content_files(root / STORIES_DIR, root)[0]}
    if slug in entries:
        return entries[slug], ""
    hint = did_you_mean(slug, set(entries)) if entries else "the archive has no stories yet"
    return (
        None,
        f"there is no story “{slug}” (no {STORIES_DIR}/{slug}.md or {STORIES_DIR}/{slug}/index.md); {hint}",
    )


def load_archive(root: Path) -> tuple[Archive | None, list[Problem]]:
    """Load and check the whole archive under ``root``; return it with every problem found.

    The archive is ``None`` only when the settings or taxonomy cannot be read; content
    problems never stop the other files from being checked.
    """
    root = root.resolve()
    problems: list[Problem] = []
    settings, found = load_settings(root / SETTINGS_FILE, SETTINGS_FILE)
    problems += found
    taxonomy, found = load_taxonomy(root / TAXONOMY_FILE, TAXONOMY_FILE)
    problems += found
    area_files, found = find_content_files(root / AREAS_DIR, root)
    problems += found
    story_files, found = find_content_files(root / STORIES_DIR, root)
    problems += found

    context = _context(settings, taxonomy, area_files)
    needs_consent = taxonomy.kinds_needing_consent() if taxonomy else frozenset()
    areas: dict[str, Area] = {}
    for entry in area_files:
        parsed, found = parse_front_matter_file(entry.file, entry.path)
        problems += found
        if parsed is None:
            continue
        meta, found = check_area(parsed, context)
        unreadable = markup_limit_problem(parsed.body, entry.path, parsed.body_line)
        problems += found + ([unreadable] if unreadable else file_problems(root, entry, parsed))
        if meta is not None and unreadable is None:
            areas[entry.slug] = Area(
                entry.slug,
                entry.path,
                entry.folder,
                meta,
                parsed.body,
                parsed.body_line,
                parsed.lines,
            )
    stories: dict[str, Story] = {}
    for entry in story_files:
        parsed, found = parse_front_matter_file(entry.file, entry.path)
        problems += found
        if parsed is None:
            continue
        meta, found = check_story(parsed, entry.folder, context, needs_consent)
        # A body no parser can read in reasonable time is refused before any of them tries.
        unreadable = markup_limit_problem(parsed.body, entry.path, parsed.body_line)
        problems += found + ([unreadable] if unreadable else file_problems(root, entry, parsed))
        if meta is not None and unreadable is None:
            stories[entry.slug] = Story(
                entry.slug,
                entry.path,
                entry.folder,
                meta,
                parsed.body,
                parsed.body_line,
                parsed.lines,
            )
    if settings is None or taxonomy is None:
        return None, sorted(problems)
    archive = Archive(root, settings, taxonomy, areas, stories)
    problems += check_addresses(archive)
    problems += check_bodies(archive)
    return archive, sorted(problems)


def file_problems(root: Path, entry: ContentFile, parsed: ParsedFile) -> list[Problem]:
    """The files a story or area names in its text, and every file in its folder, named or not
    (a withdrawn story's folder must be empty: voices/edit/withdraw.py says so)."""
    if parsed.data.get("status") == "withdrawn":
        return []
    found, named = body_file_problems(
        parsed.body, mask_code(parsed.body), entry.path, parsed.body_line, entry.folder
    )
    if entry.folder is not None:
        named |= {name for _, name, _ in named_files(parsed.data)}
        found += folder_problems(entry.folder, root, named)
        used = [
            (name, parsed.line_of(path), field_name(path))
            for path, name, _ in named_files(parsed.data)
        ]
        used += [
            (target.url, target.line, "body")
            for target in body_targets(parsed.body, parsed.body_line)
            if target.tag == "img" and target.attribute == "src"
        ]
        found += clash_problems(entry.path, used)
    return found


def check_bodies(archive: Archive) -> list[Problem]:
    """Story and area bodies, and Markdown transcripts (they are part of the story's page):
    links to pages that do not exist, and unsafe HTML."""
    stories, areas = set(archive.stories), set(archive.areas)
    aliases = {
        old: story.slug
        for story in archive.stories.values()
        for alias in story.meta.aliases
        if (old := story_slug(alias)) is not None
    }
    problems: list[Problem] = []

    def exists(kind: str, slug: str) -> bool:
        return slug in areas if kind == "area" else slug in stories or slug in aliases

    def check(text: str, path: str, first_line: int, folder: Path | None, page_source: str) -> str:
        masked = mask_code(text)  # examples inside code are not checked
        problems.extend(link_problems(text, path, first_line, stories, areas, aliases, masked))
        problems.extend(
            path_link_problems(
                masked, path, first_line, page_source, archive.settings.site_url, exists
            )
        )
        problems.extend(body_problems(text, path, first_line, masked))
        problems.extend(body_image_problems(text, masked, path, first_line, folder))
        return masked

    for entry in [*archive.stories.values(), *archive.areas.values()]:
        check(entry.body, entry.path, entry.body_line, entry.folder, entry.page_source)
    for story in archive.stories.values():
        for name, file in story.transcript_files():
            path = f"{story.path.rsplit('/', 1)[0]}/{name}"  # beside the story's index.md
            text, found = _read_transcript(file, path)
            problems.extend(found)
            unreadable = markup_limit_problem(text, path, 1) if text is not None else None
            if unreadable:
                problems.append(unreadable)
            elif text is not None and name.lower().endswith(".md"):
                masked = check(text, path, 1, story.folder, story.page_source)
                problems.extend(_transcript_file_problems(masked, path))
    return problems


def _read_transcript(file: Path, path: str) -> tuple[str | None, list[Problem]]:
    """A transcript file's text (``Story.transcript_files`` gives only plain files inside the
    folder), or None and what is wrong with it."""
    try:
        return file.read_bytes().decode("utf-8"), []
    except UnicodeDecodeError:
        return None, [
            Problem(
                path,
                1,
                "transcript",
                "is not UTF-8 text",
                "open it in a text editor and save it as UTF-8 (Unicode) text",
            )
        ]
    except OSError as error:
        return None, [
            Problem(
                path, 1, "transcript", f"cannot be read ({error.strerror})", "upload the file again"
            )
        ]


# In a transcript: [text](target) and [id]: target definitions, with the target.
_TRANSCRIPT_LINK = re.compile(
    r"\]\(\s*<?([^)\s>]*)|^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]*)", re.MULTILINE
)


def _transcript_file_problems(masked: str, path: str) -> list[Problem]:
    """A transcript shows no pictures and links to no file: only the story's own text and
    front matter decide which of its files are published."""
    problems = []
    for match in re.finditer(r"!\[", masked):
        problems.append(
            Problem(
                path,
                1 + masked.count("\n", 0, match.start()),
                "transcript",
                "a transcript cannot show a picture",
                "put the picture in the story's text (index.md) instead",
            )
        )
    for match in _TRANSCRIPT_LINK.finditer(masked):
        target = match.group(1) if match.group(1) is not None else match.group(2)
        if target and not target.startswith("#") and url_scheme(target) is None:
            problems.append(
                Problem(
                    path,
                    1 + masked.count("\n", 0, match.start()),
                    "transcript",
                    f"links to the file {target}, but a transcript can link only to web pages, "
                    "stories and areas",
                    "link to the file from the story's text, or list it under attachments:",
                )
            )
    return problems


def _context(
    settings: ArchiveSettings | None, taxonomy: Taxonomy | None, area_files: list[ContentFile]
) -> ContractContext:
    known = {}
    if taxonomy is not None:
        known = {
            group: frozenset(term.slug for term in getattr(taxonomy, group))
            for group in ("themes", "programmes", "kinds", "withdrawal_reasons", "consent_scopes")
        }
    if settings is not None:
        known["licences"] = settings.licence_ids()
        known["consent_reference_pattern"] = settings.consent_reference.pattern
        known["consent_reference_example"] = settings.consent_reference.example
    return ContractContext(areas=frozenset(entry.slug for entry in area_files), **known)


def page_urls(root: Path) -> set[str]:
    """Site paths of the hand-written pages in ``docs/`` (``docs/about.md`` → ``/about/``)."""
    urls = set()
    docs = root / DOCS_DIR
    for file in docs.rglob("*.md"):
        rel = file.relative_to(docs).with_suffix("").as_posix()
        if rel == "index" or rel.endswith("/index"):
            rel = rel[: -len("index")]
        urls.add("/" + (rel + "/" if rel and not rel.endswith("/") else rel))
    return urls


def _normal_path(path: str) -> str:
    """Compare site paths ignoring a trailing slash or ``index.html``."""
    path = path.removesuffix("index.html")
    return path if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else path + "/"


def reserved_top_level(root: Path) -> frozenset[str]:
    """The first parts of addresses the site's own pages and files use: what the build
    generates (``GENERATED_TOP_LEVEL``) and the hand-written pages and files in ``docs/``."""
    docs = root / DOCS_DIR
    written = (
        {entry.stem if entry.suffix == ".md" else entry.name for entry in docs.iterdir()}
        if docs.is_dir()
        else set()
    )
    return frozenset(name.casefold() for name in GENERATED_TOP_LEVEL | written)


def _reserved_address(alias: str, reserved: frozenset[str]) -> bool:
    """Whether an alias would write into the site's own pages or files. Under /stories/ an old
    story's address (one part: /stories/old-name/) is what aliases are for; anything deeper
    is where stories keep their files. Names are compared ignoring case, as some disks do."""
    parts = alias.strip("/").split("/")
    first = parts[0].casefold()
    if first == STORIES_DIR:
        return len(parts) != 2 or parts[1].removesuffix(".html").casefold() in RESERVED_SLUGS
    return first in reserved or first == ""


def check_addresses(archive: Archive) -> list[Problem]:
    """An alias must not take the address of a real page, of a page or file the build writes
    (feeds, open data, search, browse pages, the theme's files), or another story's alias."""
    problems: list[Problem] = []
    taken = {f"/{story.url}": story.path for story in archive.stories.values()}
    taken |= {f"/{area.url}": area.path for area in archive.areas.values()}
    taken |= {url: f"{DOCS_DIR}/ page" for url in page_urls(archive.root)}
    reserved = reserved_top_level(archive.root)
    claimed: dict[str, str] = {}
    files = {
        redirect_file(alias).casefold(): alias
        for story in archive.stories.values()
        for alias in story.meta.aliases
    }
    for story in archive.stories.values():
        for index, alias in enumerate(story.meta.aliases):
            key = _normal_path(alias)
            line = story.lines.get(("aliases", index), story.lines.get(("aliases",), 1))
            inside = next(
                (
                    files[folder]
                    for folder in _folders(redirect_file(alias).casefold())
                    if folder in files
                ),
                None,
            )
            if key in taken:
                found = (
                    f"{alias} is the address of a page that exists ({taken[key]})",
                    "an alias is an old address that no longer has its own page",
                )
            elif _reserved_address(key, reserved):
                found = (
                    f"{alias} is an address the archive's own pages and files use",
                    "an alias is an old address of this story, e.g. /stories/old-name/; remove this one",
                )
            elif inside is not None:
                found = (
                    f"{alias} is inside another alias's address ({inside})",
                    "keep one of the two; an old address ending in .html cannot hold others",
                )
            elif key in claimed and claimed[key] != story.path:
                found = (
                    f"{alias} is already an alias of {claimed[key]}",
                    "an old address can redirect to one story only",
                )
            else:
                claimed[key] = story.path
                continue
            problems.append(Problem(story.path, line, f"aliases[{index + 1}]", *found))
            claimed.setdefault(key, story.path)
    return problems


def _folders(path: str) -> list[str]:
    """``a/b/c.html`` → ``a``, ``a/b``: the folders a file is written in."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
