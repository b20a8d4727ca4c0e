"""The preservation package (``voices bag OUT_DIR``): a BagIt bag (RFC 8493) that holds the
archive as an object to keep, not a project to rebuild.

``data/site/`` is the offline copy: in ten years someone opens ``data/site/index.html``.
``data/sources/`` holds what a rebuild needs: the published stories and areas, the settings,
the pages, the code and the pinned dependencies. Never a draft, never a withdrawn story's
file (its notice is written afresh from the notice's own fields), never an original photo
with its metadata (every image is scrubbed), and no audio, video or PDF that records a place.
``data/exports/`` is the open data. Bag manifests are SHA-256 and SHA-512.
"""

from __future__ import annotations

import datetime
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import bagit
import yaml

from voices.build.session import SiteBuild
from voices.content.content_files import publishable, transcript_readable
from voices.content.loading import Area, Story
from voices.content.paths import TEMPLATE_FILE
from voices.content.problems import Problem
from voices.content.validate import MARKDOWN_IMAGE
from voices.media.images import IMAGE_SUFFIXES, ImageProblem
from voices.media.originals import original_file_problem, scrub_in_place
from voices.media.site_images import used_files
from voices.publish.offline import OFFLINE_CONFIG, build_offline
from voices.site.exports import data_files
from voices.site.history import write_dates

CHECKSUMS = ["sha256", "sha512"]
PYTHON_VERSION = "3.11.5 or newer (tested with 3.11)"
# Repository files and folders a rebuild needs, besides the stories and areas.
SOURCE_FILES = (
    "archive.yml",
    "taxonomy.yml",
    "mkdocs.yml",
    OFFLINE_CONFIG,
    "pyproject.toml",
    "requirements.lock",
    "urls.txt",
    "README.md",
    "CITATION.cff",
    ".zenodo.json",
    TEMPLATE_FILE,
)
SOURCE_FOLDERS = ("docs", "hooks", "voices", "scripts")
_SKIPPED = {"__pycache__", "node_modules", ".DS_Store"}


class BagError(Exception):
    """The package cannot be made; the message says why."""


class BagUsageError(BagError):
    """The command was asked for something it cannot do (a folder in use, no built site)."""


@dataclass
class BagReport:
    path: Path
    files: int = 0
    bytes: int = 0
    left_out: list[str] = field(default_factory=list)  # source files not packed, and why


def make_bag(
    root: Path, out: Path, site_dir: Path | None = None, today: datetime.date | None = None
) -> tuple[BagReport | None, list[Problem]]:
    """Pack the archive at ``root`` into the new or empty folder ``out``. ``site_dir`` is an
    offline copy built already (``./scripts/build --offline``); without it one is built.
    Returns the content's problems instead when it has any (then nothing is written)."""
    today = today or datetime.date.today()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BagUsageError(f"{out} is not an empty folder: give a new or empty one")
    if not (root / "requirements.lock").is_file():
        raise BagUsageError(
            f"{root} has no requirements.lock: the package must say what rebuilds it"
        )
    if site_dir is not None and not (site_dir / "index.html").is_file():
        raise BagUsageError(f"{site_dir} holds no built site (no index.html)")
    if site_dir is not None and not (site_dir / "search.html").is_file():
        raise BagUsageError(
            f"{site_dir} is not an offline copy (no search.html): build it with ./scripts/build --offline"
        )
    site, problems = SiteBuild.load(root)
    if site is None:
        return None, problems
    out.mkdir(parents=True, exist_ok=True)
    report = BagReport(out)
    if site_dir is None:
        result = build_offline(root, out / "site")
        if result.returncode != 0:
            raise BagError("the offline copy did not build:\n" + result.stderr.strip()[-3000:])
    else:
        shutil.copytree(site_dir, out / "site")
    findings = site.audit(out / "site")
    if findings:
        raise BagError("the offline copy fails the leak audit:\n" + "\n".join(findings))
    report.left_out = write_sources(site, out / "sources")
    for path, text in data_files(site.archive, site.plan, site.schemas()).items():
        target = out / "exports" / path.removeprefix("data/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    shutil.copyfile(root / "requirements.lock", out / "requirements.lock")
    (out / "README.txt").write_text(readme_text(site, today), encoding="utf-8")
    bag = bagit.make_bag(str(out), bag_info(site, root, today), checksums=CHECKSUMS)
    report.files = len(bag.payload_entries())
    report.bytes = sum(f.stat().st_size for f in (out / "data").rglob("*") if f.is_file())
    return report, []


def bag_info(site: SiteBuild, root: Path, today: datetime.date) -> dict[str, str]:
    """bag-info.txt: who holds the archive (from archive.yml; placeholders until the custodians
    fill them in), what it is and when it was packed."""
    settings = site.archive.settings
    contacts = settings.contacts
    published = sum(1 for story in site.plan.stories if story.meta.status == "published")
    info = {
        "Source-Organization": str(contacts.get("custodian", "[To be confirmed]")),
        "Organization-Address": str(contacts.get("custodian_address", "[To be confirmed]")),
        "Contact-Email": str(contacts.get("email", "[To be confirmed]")),
        "External-Identifier": settings.site_url,
        "External-Description": (
            f"{settings.name}: {published} published stories and "
            f"{len(site.archive.areas)} areas, as a website that opens from "
            "disk (data/site/index.html), its content sources, open data and "
            "what is needed to rebuild it. See data/README.txt."
        ),
        "Bagging-Date": today.isoformat(),
        "Internal-Sender-Identifier": settings.repository_url,
    }
    citation = root / "CITATION.cff"
    if citation.is_file():
        version = (yaml.safe_load(citation.read_text(encoding="utf-8")) or {}).get("version")
        if version:
            info["Archive-Version"] = str(version)
    return info


README = """\
{name}
{underline}

A preservation package of the archive at {site_url}
packed on {date}: {published} published stories and {areas} areas.

This folder is a BagIt bag (RFC 8493). bagit.txt, bag-info.txt and the manifests sit beside
data/; the manifests hold a SHA-256 and a SHA-512 checksum of every file, so anyone can check
that nothing has changed or gone missing, with any BagIt tool, for example:
    python3 -m pip install bagit && python3 -m bagit --validate PATH-TO-THIS-BAG


TO READ THE ARCHIVE
-------------------
Open data/site/index.html in a web browser. No web server and no internet connection are
needed: every page, photo and link works from the files. Searching needs the website; without
it, every story is reached from the lists of areas, regions, themes and years.


WHAT IS HERE
------------
data/site/          the website, as files (the "offline copy").
data/exports/       open data: stories.csv / .json and areas.csv / .json, their JSON Schemas,
                    and datapackage.json (Frictionless Data) describing the CSV files.
data/sources/       what the website is made from: stories/ and areas/ (Markdown files with
                    YAML front matter; published stories only, photos without their metadata),
                    taxonomy.yml, archive.yml (settings), docs/ (the other pages), urls.txt
                    (every address ever published), last-modified.txt (when each file last
                    changed, for the pages' dates), and the tools: voices/ (Python), hooks/,
                    scripts/, mkdocs.yml, pyproject.toml. README.md there describes the format.
data/requirements.lock   the exact versions (with checksums) of everything the tools use.
data/README.txt     this file.

Withdrawn stories appear only as their notice (sources/stories/<slug>.md holds only what the
notice shows). Drafts are not in this package.


TO REBUILD THE WEBSITE
----------------------
The tools were written for Python {python}. In a copy of data/sources (with
requirements.lock beside it, as it is there):

    python3 -m venv .venv
    .venv/bin/pip install --require-hashes -r requirements.lock
    .venv/bin/pip install --no-deps -e .
    .venv/bin/voices check                                  (checks every story and area)
    .venv/bin/mkdocs build --strict                         (the website, into site/)
    .venv/bin/mkdocs build --strict -f mkdocs.offline.yml   (the offline copy, into site-offline/)

pip fetches the packages from the Python Package Index (PyPI). If a package is no longer
there, or MkDocs or its theme Material for MkDocs no longer work, the content still can be
used: it is plain Markdown and YAML. `voices assemble --out DIR` writes every page as plain
Markdown for another generator; docs/guide/preservation.md in data/sources (the page
"Preserving the archive" in data/site) describes that route.
"""


def readme_text(site: SiteBuild, today: datetime.date) -> str:
    settings = site.archive.settings
    published = sum(1 for story in site.plan.stories if story.meta.status == "published")
    title = f"{settings.name}: preservation package"
    return README.format(
        name=title,
        underline="=" * len(title),
        site_url=settings.site_url,
        date=today.isoformat(),
        published=published,
        areas=len(site.archive.areas),
        python=PYTHON_VERSION,
    )


# --- sources ---------------------------------------------------------------------------------


def write_sources(site: SiteBuild, out: Path) -> list[str]:
    """Copy what a rebuild needs into ``out``; returns the files left out, each with why."""
    root = site.root
    left_out: list[str] = []
    for story in site.plan.stories:
        if story.meta.status == "published":  # a preview build's drafts never come here
            left_out += _copy_entry(root, story, _story_files(story), out)
    for story in site.plan.withdrawn:
        target = out / "stories" / f"{story.slug}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(withdrawal_notice(story), encoding="utf-8")
    for area in site.archive.areas.values():
        left_out += _copy_entry(root, area, _area_files(area), out)
    for name in SOURCE_FILES:
        if (root / name).is_file():
            left_out += _copy_file(
                root / name, out / name, name, content=name.startswith(("stories/", "areas/"))
            )
    for folder in SOURCE_FOLDERS:
        for file in sorted((root / folder).rglob("*")):
            rel = file.relative_to(root)
            if file.is_file() and not _SKIPPED & set(rel.parts) and file.suffix != ".pyc":
                left_out += _copy_file(file, out / rel, rel.as_posix(), content=False)
    # No git history travels in the package: without these dates every page would seem changed
    # on the day of a rebuild (voices/site/history.py reads them).
    write_dates(root, out, [f.relative_to(out).as_posix() for f in out.rglob("*") if f.is_file()])
    return left_out


def withdrawal_notice(story: Story) -> str:
    """A withdrawn story's file holding only what its notice shows, written afresh, so nothing
    else that file may still hold (a comment, say) is packed."""
    meta, withdrawn = story.meta, story.meta.withdrawn
    assert withdrawn is not None  # the validator guarantees it
    data: dict[str, object] = {}
    if meta.title and not withdrawn.erase_title:
        data["title"] = meta.title
    data |= {
        "date": meta.date,
        "areas": list(meta.areas),
        "themes": list(meta.themes),
        "status": "withdrawn",
        "withdrawn": {
            "date": withdrawn.date,
            "reason": withdrawn.reason,
            **({"erase_title": True} if withdrawn.erase_title else {}),
        },
    }
    if meta.aliases:
        data["aliases"] = list(meta.aliases)
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n"


def _story_files(story: Story) -> list[str]:
    names = used_files(story)
    names += [
        item.transcript.strip()
        for item in story.meta.media
        if story.folder is not None
        and "\n" not in item.transcript.strip()
        and transcript_readable(story.folder, item.transcript.strip())
    ]
    return list(dict.fromkeys(names))


def _area_files(area: Area) -> list[str]:
    return list(
        dict.fromkeys(
            match.group(2)
            for match in MARKDOWN_IMAGE.finditer(area.body)
            if "/" not in match.group(2)
            and "://" not in match.group(2)
            and area.folder is not None
            and publishable(area.folder, match.group(2))
        )
    )


def _copy_entry(root: Path, entry: Story | Area, names: list[str], out: Path) -> list[str]:
    """A story or area: its Markdown file, and in folder form the files its page uses."""
    source = root / entry.path
    left_out = _copy_file(source, out / entry.path, entry.path)
    if entry.folder is None:
        return left_out
    for name in names:
        file = entry.folder / name
        if file.is_file() and file.resolve().is_relative_to(entry.folder.resolve()):
            rel = (source.parent / name).relative_to(root).as_posix()
            left_out += _copy_file(file, out / rel, rel)
    return left_out


def _copy_file(source: Path, target: Path, rel: str, content: bool = True) -> list[str]:
    """Copy one file; images leave their metadata behind, and content files (not the code and
    pages that build the site, which describe such data) that record a place stay out.
    Returns ``["path: why"]`` when the file is left out."""
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = source.suffix.lower()
    problem = None if suffix in IMAGE_SUFFIXES or not content else original_file_problem(source)
    if problem:
        return [f"{rel}: {problem[0]}"]
    shutil.copyfile(source, target)
    if suffix in IMAGE_SUFFIXES:
        try:
            scrub_in_place(target)
        except ImageProblem as error:
            target.unlink()
            return [f"{rel}: {error.message}, so its metadata could not be removed"]
    return []
