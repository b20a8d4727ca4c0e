"""The assembled archive as a plain Markdown tree, for any other generator (``voices assemble``).

Every page the site publishes, written as the Markdown the MkDocs build renders: the generated
story, area, notice and browse pages, and the hand-written pages with their placeholders
filled. Links between pages are relative links to ``.md`` files; each page starts with a short
YAML front matter (title, kind, permanent address, source file). The files stories use sit
beside their pages: photos only as the metadata-free copies the site publishes, never the
originals. Nothing of a draft is written; a withdrawn story is only its notice.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from voices.content.loading import Story
from voices.content.body_targets import EXTENSION_CONFIGS, EXTENSIONS
from voices.media.images import widest_copies
from voices.site.metadata import area_json_ld, story_json_ld
from voices.site.pages import story_file
from voices.content.problems import Problem
from voices.site.search import area_fields, story_fields
from voices.content.settings import ArchiveSettings
from voices.build.session import SiteBuild
from voices.site.addresses import absolute_url, page_url

# Hand-written pages that are the MkDocs theme's, not content.
_NOT_PAGES = ("overrides/", "assets/")

TREE_README = """\
# {name}: the archive as plain Markdown

Written by `voices assemble` on {date}. Every page of the archive's website is here as the
Markdown that the site's generator (MkDocs with Material for MkDocs) turned into HTML, so any
other generator can build the archive from it.

## Layout

| path | what |
|---|---|
| `index.md` | the home page |
| `stories/<slug>.md`, `stories/<slug>/index.md` | one page per published story; a folder holds the files the story uses (photos as web-ready copies without metadata, audio, video, documents) |
| `areas/<slug>.md` | one page per area: facts, legacy, stories |
| `stories/index.md`, `areas/index.md`, `themes/`, `regions/`, `programmes/`, `kinds/`, `years/` | browse pages; long lists run over `page/2.md`, `page/3.md` and so on, 50 stories a page |
| `about.md`, `guide/`, `policies/`, `staff/` | hand-written pages |
| `search.md` | points readers to the browse pages: search is added by the generator (the website uses Pagefind, run over the built HTML) |
| `schema/` | the content contract as JSON Schema |
| `redirects.json` | old addresses → the address each story now has; publish a redirect page at each |

A page's address on the website is its path without `.md` (`stories/x.md` → `/stories/x/`,
`stories/x/index.md` → `/stories/x/`); the front matter gives it as `address`. Keep those addresses:
they are cited.

## Front matter

Each page starts with YAML between `---` lines:

- `title`: the page title (plain text).
- `kind`: `story`, `withdrawn` (only the notice is left), `area`, `listing` (a theme, region,
  programme, kind or year), `index` (the other browse pages) or `page` (hand-written).
- `address`: the page's permanent address on the website.
- `description`: for stories and areas, the summary (generators put it in the page's head).
- `source`: the repository file the page is made from, when there is one.
- `story_date`: for stories, the date as known (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`).
- `robots: noindex` and `search: {{exclude: true}}`: on withdrawal notices; keep them out of
  search engines and the site's own search.

No key is one Hugo, MkDocs or Zensical reserves for something else (Hugo's `url` and `date`).

## Markdown used

CommonMark with tables, plus Python-Markdown extensions that other tools also read:
`<div markdown>` blocks (HTML whose inside is Markdown; pandoc reads them as divs),
`{{ .class }}` attributes after a link, `!!! note` admonitions and `<details>`. Photos appear as
`<picture>` HTML naming the copies beside the page. The website's look (Material for MkDocs)
is not part of this tree; the archive's class names (`voices-…`) are kept so a new theme can
style them.

## Building it with something else

- pandoc, page by page: `pandoc -f markdown -t html5 -s stories/x.md -o stories/x/index.html`
  (rewrite `.md` links to the new addresses, e.g. with a Lua filter).
- Zensical: `voices assemble --zensical --out DIR` puts the pages in `DIR/docs` beside a
  `zensical.toml`; run `zensical build` in `DIR`.
- Hugo: use this folder as the content folder; turn `index.md` into `_index.md` where it asks
  for it, and set addresses from `address`.

The archive's own guide, `guide/preservation.md`, describes the routes in full.
"""


@dataclass
class TreeReport:
    pages: int = 0
    files: int = 0
    warnings: list[str] = field(default_factory=list)


def page_front_matter(title: str, kind: str, url: str, site_url: str, source: str | None = None,
                      date: str | None = None, description: str | None = None,
                      more: dict[str, object] | None = None) -> str:
    """The page's YAML front matter, in keys no generator reserves for something else: Hugo takes
    ``url`` and ``date`` as its own (and refuses a date such as ``2018``), so the address is
    ``address`` and a story's date ``story_date``. ``description`` is the key MkDocs themes,
    Zensical and Hugo all put in the head's meta description."""
    data: dict[str, object] = {"title": title, "kind": kind, "address": absolute_url(site_url, url)}
    if description:
        data["description"] = description
    if source:
        data["source"] = source
    if date:
        data["story_date"] = date
    data.update(more or {})
    if kind == "withdrawn":
        data["robots"] = "noindex"
        data["search"] = {"exclude": True}  # Zensical's and Material's key: keep the notice out of search
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n\n"


# The navigation: the browse pages only, as on the website. Left to itself a generator lists
# every page, and that list, copied into every page, grows with the square of the archive.
NAV_PAGES = ("index.md", "search.md", "areas/index.md", "stories/index.md", "themes/index.md",
             "years/index.md", "about.md")


def zensical_config(settings: ArchiveSettings, titles: dict[str, str], docs_dir: str = "docs") -> str:
    """A minimal ``zensical.toml`` that builds the tree in ``docs_dir`` with no hooks or plugins,
    and with the site's own Markdown extensions only: Zensical's defaults add others (bare
    addresses made links, emoji, maths, tabs) that the checks of a story's body do not know.
    ``titles``: the tree's pages and their titles."""
    def string(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string

    lines = ["# Written by voices assemble: builds the archive's pages with Zensical (zensical build).",
             "[project]", f"site_name = {string(settings.name)}", f"site_url = {string(settings.site_url)}",
             f"docs_dir = {string(docs_dir)}", 'site_dir = "site"', "use_directory_urls = true",
             "nav = [" + ", ".join(f"{{{string(titles[page])} = {string(page)}}}"
                                   for page in NAV_PAGES if page in titles) + "]"]
    for name in EXTENSIONS:
        lines += ["", f"[project.markdown_extensions.{string(name)}]"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in EXTENSION_CONFIGS.get(name, {}).items()]
    return "\n".join(lines) + "\n"


def story_data(site: SiteBuild, story: Story, copies: dict[str, str]) -> dict[str, object]:
    """What the website puts around a story's page, for a generator's templates: the search
    facets (the website's Pagefind filters) and the schema.org description (its JSON-LD).
    ``copies``: see ``widest_copies``."""
    image = story.meta.image
    copy = copies.get(story_file(story, Path(image.src).stem)) if image else None
    image_url = absolute_url(site.archive.settings.site_url, copy) if copy else None
    return {"facets": story_fields(story, site.archive)[0],
            "json_ld": story_json_ld(story, site.archive, image_url)}


def write_tree(site: SiteBuild, out: Path, date: str, zensical: bool = False) -> TreeReport:
    """Write the assembled archive of ``site`` into the empty or new folder ``out``; with
    ``zensical``, the pages go into ``out/docs`` beside a ``zensical.toml`` that builds them (the
    README stays outside the pages: a README.md among them would replace the home page)."""
    project = out
    if zensical:
        out = project / "docs"
    report = TreeReport()
    titles: dict[str, str] = {}
    settings = site.archive.settings
    docs = site.root / "docs"

    def write(src_uri: str, title: str, text: str) -> None:
        titles[src_uri] = title
        target = out / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        report.pages += 1

    copies = widest_copies(site.story_files())
    for src_uri, page in sorted(site.pages.items()):
        date_known, summary, more = None, None, None
        if page.kind == "story" and page.story is not None:
            date_known, summary, more = page.story.meta.date, page.story.meta.summary, story_data(site, page.story, copies)
        elif page.kind == "area" and page.area is not None:
            summary = page.area.meta.summary
            more = {"facets": area_fields(page.area, site.archive)[0],
                    "json_ld": area_json_ld(page.area, site.archive)}
        write(src_uri, page.title, page_front_matter(page.title, page.kind, page_url(src_uri), settings.site_url,
                                         page.source_path, date_known, summary, more) + page.markdown)
    for file in sorted(docs.rglob("*")):
        rel = file.relative_to(docs).as_posix()
        if not file.is_file() or rel.startswith(_NOT_PAGES) or rel in site.pages:
            continue
        if file.suffix != ".md":
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
            report.files += 1
            continue
        # Filled as the website fills them (one place); search is the offline copy's page, which
        # points to the browse lists, since the website's needs Pagefind's script and index.
        markdown, unknown = site.doc_markdown(rel, file.read_text(encoding="utf-8"), offline_copy=True)
        report.warnings += [f"docs/{rel}: unknown placeholder {{{{ {name} }}}}" for name in unknown]
        title = next((line[2:].strip() for line in markdown.splitlines() if line.startswith("# ")), rel)
        write(rel, title, page_front_matter(title, "page", page_url(rel), settings.site_url, f"docs/{rel}") + markdown)
    for src_uri, source in sorted(site.story_files().items()):
        target = out / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        report.files += 1
    redirects = {"/" + alias.lstrip("/"): "/" + target for alias, target in sorted(site.plan.redirects.items())}
    (out / "redirects.json").write_text(json.dumps(redirects, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if zensical:
        (project / "zensical.toml").write_text(zensical_config(settings, titles), encoding="utf-8")
    (project / "README.md").write_text(TREE_README.format(name=settings.name, date=date), encoding="utf-8")
    return report


class TreeError(Exception):
    """The tree cannot be written where asked."""


def assemble(root: Path, out: Path, zensical: bool = False) -> tuple[TreeReport | None, list[Problem]]:
    """Check the archive at ``root`` and write its pages into ``out`` (new or empty): the report,
    or the content's problems when there are any (then nothing is written)."""
    import datetime

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TreeError(f"{out} is not an empty folder: give a new or empty one")
    site, problems = SiteBuild.load(root)
    if site is None:
        return None, problems
    out.mkdir(parents=True, exist_ok=True)
    return write_tree(site, out, datetime.date.today().isoformat(), zensical), []
