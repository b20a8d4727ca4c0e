"""The repository files the site publishes: those a story's page uses, the responsive copies made
of its photos on every core (voices/media/images.py makes each copy), and every source it shows."""

from __future__ import annotations

import html
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from voices.build.caches import IMAGE_CACHE
from voices.build.forks import can_fork, usable_cores
from voices.content.body_targets import body_targets
from voices.content.content_files import publishable
from voices.content.loading import Archive, Area, Story
from voices.content.paths import TEMPLATE_FILE
from voices.content.problems import Problem
from voices.content.validate import MARKDOWN_IMAGE, body_file_reference
from voices.media.images import (
    DEFAULT_SETTINGS,
    IMAGE_SUFFIXES,
    ImageProblem,
    encode_count,
    picture_html,
    process_image,
)
from voices.publish import offline
from voices.site.permalinks import REGISTRY_FILE
from voices.site.plan import SitePlan


@dataclass
class SiteImages:
    """The responsive copies made of the images pages use."""

    pictures: dict[tuple[str, str], str] = field(default_factory=dict)  # (slug, name) → <picture>
    files: dict[str, Path] = field(default_factory=dict)  # published path → copy on disk
    encoded: int = 0  # images encoded in this build; the rest came from the cache


def process_images(
    root: Path, stories: list[Story], areas: list[Area] = ()
) -> tuple[SiteImages, list[Problem]]:
    """Make the site copies of every image the shown stories and the areas use (heroes and
    images in the text), cached by content, so a rebuild re-encodes only new or changed ones."""
    result, problems = SiteImages(), []
    cache = root / IMAGE_CACHE
    jobs = []  # (entry, folder, name, alt, lazy, sizes), in page order
    for entry in [*stories, *areas]:
        if entry.folder is None:
            continue
        folder = entry.url.rstrip("/")  # stories/<slug> or areas/<slug>: files sit beside the page
        wanted = {}
        image = getattr(entry.meta, "image", None)
        if image and Path(image.src).suffix.lower() in IMAGE_SUFFIXES:
            wanted[image.src] = (image.alt, False, HERO_SIZES)
        for match in MARKDOWN_IMAGE.finditer(entry.body):
            name = match.group(2)
            if (
                Path(name).suffix.lower() in IMAGE_SUFFIXES
                and "/" not in name
                and name not in wanted
            ):
                wanted[name] = (html.unescape(match.group(1)), True, BODY_SIZES)
        jobs += [
            (entry, folder, name, alt, lazy, sizes)
            for name, (alt, lazy, sizes) in wanted.items()
            if publishable(entry.folder, name)
        ]  # whatever the checks said, nothing from outside
    work = [
        (entry.folder / name, cache / "site" / folder, cache / "store")
        for entry, folder, name, *_ in jobs
    ]
    for (entry, folder, name, alt, lazy, sizes), (variants, encoded, failure) in zip(
        jobs, _copies_of(work)
    ):
        result.encoded += encoded
        if failure is not None:
            problems.append(Problem(entry.path, 1, "image", f"“{name}” {failure[0]}", failure[1]))
            continue
        result.pictures[(folder, name)] = picture_html(variants, alt, sizes, lazy)
        for variant in variants:
            result.files[f"{folder}/{variant.path}"] = cache / "site" / folder / variant.path
    return result, problems


def _copies_of(
    work: list[tuple[Path, Path, Path]],
) -> list[tuple[list, int, tuple[str, str] | None]]:
    """Each image's copies (``process_image``), encoded on every core when there are many:
    a cold build of 10,000 stories encodes about 500 photos, one core at a time otherwise."""
    cores = usable_cores()
    if cores < 2 or len(work) < 8 or not can_fork():
        return [_copies(*item) for item in work]
    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_copies, *zip(*work), chunksize=4))


def _copies(source: Path, out_dir: Path, store: Path) -> tuple[list, int, tuple[str, str] | None]:
    """(copies, how many images were encoded, (message, hint) of a problem or None)."""
    before = encode_count()
    try:
        variants = process_image(source, out_dir, DEFAULT_SETTINGS, store)
    except ImageProblem as problem:  # passed back as text: it crosses a process boundary
        return [], encode_count() - before, (problem.message, problem.hint)
    return variants, encode_count() - before, None


# Layout widths: the content column is at most ~46rem wide; phones use the full width.
HERO_SIZES = "(min-width: 76.25em) 46rem, 100vw"
BODY_SIZES = HERO_SIZES


def used_files(story: Story) -> list[str]:
    """The files in a story's folder that its page uses: photo, media, captions, attachments,
    and files its text links to or shows. Only plain files inside the folder, of types on the
    allow-list, with safe names: the checks refuse anything else, and the build must not be a
    second way round them."""
    if story.folder is None:
        return []
    meta = story.meta
    names = [meta.image.src] if meta.image else []
    for item in meta.media:
        names += [n for n in (item.src, item.captions) if n]
    names += [a.src for a in meta.attachments]
    names += [
        reference[0]
        for target in body_targets(story.body)
        if (reference := body_file_reference(target)) is not None and not reference[1]
    ]
    return [name for name in dict.fromkeys(names) if publishable(story.folder, name)]


def published_sources(root: Path, archive: Archive, plan: SitePlan) -> set[Path]:
    """The repository files this site shows on purpose (resolved): the shown stories and their
    files, the areas and theirs, the taxonomy, urls.txt and the template the guide shows.
    Lines of any other file found in the site fail the audit."""
    files = {
        root / name
        for name in (
            "taxonomy.yml",
            REGISTRY_FILE,
            TEMPLATE_FILE,
            "mkdocs.yml",
            offline.OFFLINE_CONFIG,
        )
    }
    for story in plan.stories:
        files.add(root / story.path)
        if story.folder is not None:
            names = used_files(story) + [
                item.transcript.strip()
                for item in story.meta.media
                if "\n" not in item.transcript.strip()
            ]
            files.update(story.folder / name for name in names if name)
    for area in archive.areas.values():
        files.add(root / area.path)
        if area.folder is not None:
            files.update(area.folder / m.group(2) for m in MARKDOWN_IMAGE.finditer(area.body))
    return {file.resolve() for file in files}
