"""The generated pages as Markdown: stories, areas, tombstones, browse pages and the home sections.

Pure functions from the archive and its ``SitePlan`` to ``GeneratedPage`` values. Links between
generated pages are relative links to their ``.md`` sources, so MkDocs checks every one of them
and the site works under any base path. Front-matter text is always escaped here.
"""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote

from voices.content.loading import Archive, Area, Story
from voices.site.plan import Listing, SitePlan
from voices.site.citation import citation_text, display_date
from voices.content.england import REGIONS
from voices.content.links import resolve_links
from voices.site.addresses import index_source, listing_url, source_uri
from voices.content.validate import MARKDOWN_IMAGE

GROUP_TITLES = {"themes": "Themes", "regions": "Regions", "programmes": "Programmes",
                "kinds": "Kinds of story", "years": "Timeline"}
GROUP_SINGULAR = {"themes": "Theme", "regions": "Region", "programmes": "Programme", "kinds": "Kind", "years": "Year"}
NOT_RECORDED = "*not yet recorded*"


@dataclass
class GeneratedPage:
    """One page the build adds: its source path, Markdown, and what the adapter needs."""

    src_uri: str
    markdown: str
    title: str  # plain text; the adapter escapes it for templates
    kind: str  # story, draft, withdrawn, area, listing, index
    source_path: str | None = None  # repository file to edit, for "edit this page"
    story: Story | None = None
    area: Area | None = None
    stories: list[Story] = field(default_factory=list)  # what the page lists (sitemap dates)


def text(value: str) -> str:
    """Plain text made safe inside Markdown: HTML escaped, Markdown punctuation backslashed."""
    return re.sub(r"([\\`*_\[\]()#!{}|])", r"\\\1", html.escape(value, quote=False))


# Characters kept as they are in an address written into a page; every other ASCII character
# (quotes, angle brackets, backslashes, backticks, square brackets, spaces) is percent-encoded.
_HREF_KEPT = frozenset("-._~:/?#@!$&()*+,;=%")


def _href(url: str) -> str:
    """An address as it may stand in an ``href``: percent-encoded wherever it could end the
    attribute or be read as Markdown; letters of other alphabets (bücher.de) stay readable."""
    return "".join(
        character if (character.isascii() and (character.isalnum() or character in _HREF_KEPT))
        or (not character.isascii() and unicodedata.category(character)[0] not in "CZ")
        else quote(character, safe="")
        for character in url)


def external_link(label: str, url: str, css_class: str = "") -> str:
    """A link to another site, written as HTML rather than as Markdown's ``[label](url)``: the
    contract checks every address, and even so nothing in one can end the link, add an
    attribute or a tag, or start Markdown of its own. ``label`` is Markdown (escape it with
    ``text``)."""
    attributes = f' class="{html.escape(css_class, quote=True)}"' if css_class else ""
    return f'<a href="{html.escape(_href(url), quote=True)}"{attributes}>{label}</a>'


def link(from_src: str, to_src: str) -> str:
    """A relative link between two page sources (what ``posixpath.relpath`` gives)."""
    if ".." in from_src or ".." in to_src or from_src.startswith("/") or to_src.startswith("/"):
        return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")
    # relpath asks the system for the working directory on every call: a second or more when
    # the browse pages link 10,000 stories many times over. Page sources are plain relative paths.
    start = [part for part in posixpath.dirname(from_src).split("/") if part not in ("", ".")]
    target = [part for part in to_src.split("/") if part not in ("", ".")]
    common = 0
    while common < min(len(start), len(target)) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


# --- stories --------------------------------------------------------------------------------

def story_page(story: Story, archive: Archive, plan: SitePlan, target,
               pictures: dict[tuple[str, str], str] | None = None) -> GeneratedPage:
    src = story.page_source
    meta = story.meta
    labels = archive.taxonomy.labels
    out = [f"# {text(meta.title or '')}", ""]
    if meta.status == "draft":
        out += ['<p class="voices-draft-banner" role="note"><strong>Draft</strong>: a preview only. '
                "This story is not published and never appears in a published build.</p>", ""]
    byline = [f'<time datetime="{meta.date}">{display_date(meta.date)}</time>',
              f"[{text(labels('kinds').get(meta.kind, meta.kind))}]({link(src, source_uri(listing_url('kinds', meta.kind)))})"]
    if meta.authors:
        byline.append("By " + _and([text(name) for name in meta.authors]))
    out += ['<div class="voices-byline" markdown>', "", " · ".join(byline), "", "</div>", ""]
    out += ['<div class="voices-facts" markdown>', "",
            "- **" + ("Areas" if len(meta.areas) > 1 else "Area") + ":** "
            + ", ".join(f"[{text(archive.areas[a].meta.name)}]({link(src, archive.areas[a].page_source)})"
                        for a in meta.areas),
            "- **" + ("Themes" if len(meta.themes) > 1 else "Theme") + ":** "
            + ", ".join(f"[{text(labels('themes')[t])}]({link(src, source_uri(listing_url('themes', t)))})" for t in meta.themes),
            f"- **Programme:** [{text(labels('programmes')[meta.programme])}]"
            f"({link(src, source_uri(listing_url('programmes', meta.programme)))})",
            "", "</div>", ""]
    pictures = pictures or {}
    if meta.image is not None:
        credit = f"<figcaption>{html.escape(meta.image.credit)}</figcaption>" if meta.image.credit else ""
        picture = pictures.get((story.url.rstrip("/"), meta.image.src))
        image = picture or f"![{text(meta.image.alt)}]({link(src, story_file(story, meta.image.src))})"
        out += ['<figure class="voices-hero" markdown>', "", image, "", credit, "</figure>", ""]
    out += [f'<p class="voices-summary">{html.escape(meta.summary or "")}</p>', ""]
    out += [with_pictures(resolve_links(story.body, src, target), story.url.rstrip("/"), pictures).strip(), ""]
    out += _media(story, src, target)
    if meta.attachments:
        out += ["## Documents", ""]
        out += [f"- [{text(a.title)}]({link(src, story_file(story, a.src))}) ({_file_label(story, a.src)})"
                for a in meta.attachments] + [""]
    if meta.people and not (meta.consent and meta.consent.minors):  # minors are never named
        # Names are shown on the story only: the search index and excerpts skip this block.
        out += ['<div class="voices-people" markdown>', "", "## People in this story", "",
                _and([text(name) for name in meta.people]) + ".", "", "</div>", ""]
    out += _story_footer(story, archive, src)
    out += _more(story, archive, plan, src)
    return GeneratedPage(src, "\n".join(out) + "\n", meta.title or "",
                         "draft" if meta.status == "draft" else "story", story.path, story=story)


def _media(story: Story, src: str, target) -> list[str]:
    out: list[str] = []
    if not story.meta.media:
        return out
    out += ["## Listen and watch", ""]
    for number, item in enumerate(story.meta.media, start=1):
        label = item.title or f"Recording {number}"
        out += [f"### {text(label)}", ""]
        if item.src:
            # Raw HTML is not rewritten by MkDocs: the page lives at stories/<slug>/, beside its files.
            source = html.escape(item.src)
            if item.type == "audio":
                out += [f'<audio controls preload="none" src="{source}"></audio>', ""]
            else:
                track = (f'<track kind="captions" src="{html.escape(item.captions)}" srclang="en" label="English" default>'
                         if item.captions else "")
                out += [f'<video controls preload="none" src="{source}">{track}</video>', ""]
        else:
            what = "Listen to" if item.type == "audio" else "Watch"
            out += [external_link(f"{what} “{text(label)}” (opens on another site)", item.url or "", "voices-external"), ""]
        out += ['<details class="voices-transcript" markdown>', "<summary>Transcript</summary>", "",
                _transcript(story, item.transcript, src, target), "", "</details>", ""]
    return out


def _transcript(story: Story, transcript: str, src: str, target) -> str:
    """A transcript file as part of the page: Markdown (checked like the story's text, its
    story: and area: links resolved), or plain text shown exactly; or the text itself."""
    value = transcript.strip()
    files = dict(story.transcript_files())
    if value in files:
        content = files[value].read_text(encoding="utf-8")
        return resolve_links(content, src, target) if value.lower().endswith(".md") else text(content)
    return text(value)


def _story_footer(story: Story, archive: Archive, src: str) -> list[str]:

    settings = archive.settings
    licence = settings.licence(story.meta.licence)
    parts = [f"Published under {external_link(text(licence.label), licence.url)}."] if licence else []
    if story.meta.source_url:
        parts.append(f"First published at {external_link(text(_host(story.meta.source_url)), story.meta.source_url)}.")
    return ['<div class="voices-licence" markdown>', "", " ".join(parts), "", "</div>", "",
            "## Cite this story", "", '<div class="voices-cite" markdown>', "",
            text(citation_text(story, archive)), "", "</div>", ""]


def _more(story: Story, archive: Archive, plan: SitePlan, src: str) -> list[str]:
    out: list[str] = ['<div class="voices-more" markdown>', ""]
    older, newer = plan.neighbours.get(story.slug, (None, None))
    if older or newer:
        area = archive.areas[story.meta.areas[0]]
        out += [f"## More from {text(area.meta.name)}", ""]
        if older:
            out.append(f"- Earlier: {_story_item(older, src)}")
        if newer:
            out.append(f"- Later: {_story_item(newer, src)}")
        out.append("")
    related = plan.related.get(story.slug, [])
    if related:
        out += ["## Related stories", ""] + [f"- {_story_item(other, src)}" for other in related] + [""]
    return out + ["</div>", ""] if len(out) > 2 else []


def withdrawn_page(story: Story, archive: Archive) -> GeneratedPage:
    """The notice left at a withdrawn story's address: nothing of the story but its title."""
    src = story.page_source
    withdrawal = story.meta.withdrawn
    assert withdrawal is not None  # the validator guarantees it
    title = "Story withdrawn" if withdrawal.erase_title or not story.meta.title else story.meta.title
    reason = archive.taxonomy.labels("withdrawal_reasons")[withdrawal.reason]
    out = [f"# {text(title)}", "",
           f"This story was withdrawn from the archive on {display_date(withdrawal.date)}.", "",
           f"**Reason:** {text(reason)}.", "",
           f"[Browse the archive]({link(src, 'index.md')}) · "
           f"[How stories are withdrawn]({link(src, 'policies/corrections-and-withdrawals.md')})", ""]
    return GeneratedPage(src, "\n".join(out), title, "withdrawn")


# --- areas ----------------------------------------------------------------------------------

def area_page(area: Area, archive: Archive, plan: SitePlan, target,
              pictures: dict[tuple[str, str], str] | None = None) -> GeneratedPage:
    src = area.page_source
    meta = area.meta
    labels = archive.taxonomy.labels("programmes")
    region = (f"[{REGIONS[meta.region]}]({link(src, source_uri(listing_url('regions', meta.region)))})"
              if meta.region else NOT_RECORDED)
    facts = [f"- **Local authority:** {text(meta.local_authority) if meta.local_authority else NOT_RECORDED}",
             f"- **Region:** {region}",
             "- **Programmes:** " + ", ".join(
                 f"[{text(labels[p])}]({link(src, source_uri(listing_url('programmes', p)))})" for p in meta.programmes)]
    if meta.former_names:
        facts.append("- **Also known as:** " + ", ".join(text(name) for name in meta.former_names))
    if meta.started:
        facts.append(f"- **Started:** {meta.started}")
    if meta.website:
        facts.append(f"- **Website:** {external_link(text(_host(meta.website)), meta.website)}")
    out = [f"# {text(meta.name)}", "", '<div class="voices-facts" markdown>', "", *facts, "", "</div>", ""]
    if meta.summary:
        out += [f'<p class="voices-summary">{html.escape(meta.summary)}</p>', ""]
    out += ["## Legacy", ""]
    legacy = with_pictures(resolve_links(area.body, src, target), area.url.rstrip("/"), pictures or {}).strip()
    out += [legacy or "The story of this area's legacy has not yet been written.", ""]
    if meta.legacy:
        out += ["## Successor bodies", ""]
        for body in meta.legacy:
            name = external_link(text(body.name), body.url) if body.url else text(body.name)
            details = ", ".join(text(x) for x in (body.kind, body.registration) if x)
            out.append(f"- **{name}**" + (f" ({details})" if details else "")
                       + (f": {text(body.description)}" if body.description else ""))
        out.append("")
    if meta.assets:
        out += ["## Community assets", ""]
        out += [f"- **{text(a.name)}**" + (f" ({text(a.kind)})" if a.kind else "")
                + (f": {text(a.description)}" if a.description else "") for a in meta.assets] + [""]
    stories = plan.by_area.get(area.slug, [])
    out += [f"## Stories ({len(stories)})", ""]
    if not stories:
        out += ["No stories from this area are in the archive yet.", ""]
    year = None
    for story in stories:  # newest first, grouped by year so the list stays readable
        if story.meta.date[:4] != year:
            year = story.meta.date[:4]
            out += ["", f"### {year}", ""]
        out.append(f"- {_story_item(story, src, show_areas=False)}")
    out.append("")
    if meta.sources:
        out += ["## Sources", ""]
        for source in meta.sources:
            cite = external_link(text(_host(source.url)), source.url) if source.url else text(source.ref or "")
            out.append(f"- {cite}" + (f": {text(source.note)}" if source.note else ""))
        out.append("")
    out += [f"[All areas]({link(src, index_source('areas'))})" + (
        f" · [Areas in {REGIONS[meta.region]}]({link(src, source_uri(listing_url('regions', meta.region)))})"
        if meta.region else ""), ""]
    return GeneratedPage(src, "\n".join(out), meta.name, "area", area.path, area=area, stories=stories)


def areas_index(archive: Archive, plan: SitePlan) -> GeneratedPage:
    src = index_source("areas")
    out = ["# Areas", "", f"The {len(archive.areas)} areas in the archive, A to Z. "
           f"You can also browse [by region]({link(src, index_source('regions'))}).", ""]
    letter = None
    for area in sorted(archive.areas.values(), key=lambda a: a.meta.name.lower()):
        first = area.meta.name[:1].upper()
        if first != letter:
            letter = first
            out += ["", f"## {text(letter)}", ""]
        count = len(plan.by_area.get(area.slug, []))
        out.append(f"- [{text(area.meta.name)}]({link(src, area.page_source)})"
                   + (f" ({count} {'story' if count == 1 else 'stories'})" if count else ""))
    return GeneratedPage(src, "\n".join(out) + "\n", "Areas", "index")


# --- browse ---------------------------------------------------------------------------------

def stories_index(plan: SitePlan) -> GeneratedPage:
    src = index_source("stories")
    latest = plan.stories[:50]
    out = ["# Stories", "", f"The archive holds {len(plan.stories)} stories. The latest are below; browse "
           f"[by year]({link(src, index_source('years'))}), [by theme]({link(src, index_source('themes'))}), "
           f"[by area]({link(src, index_source('areas'))}) or [by kind]({link(src, index_source('kinds'))}) to reach them all.", ""]
    out += [f"- {_story_item(story, src)}" for story in latest] or ["No stories yet."]
    return GeneratedPage(src, "\n".join(out) + "\n", "Stories", "index", stories=latest)


def group_index(group: str, plan: SitePlan) -> GeneratedPage:
    src = index_source(group)
    out = [f"# {GROUP_TITLES[group]}", ""]
    for listing in plan.listings[group].values():
        count = len(listing.stories)
        line = f"- [{text(listing.label)}]({link(src, source_uri(listing_url(group, listing.slug)))}) ({count} " \
               f"{'story' if count == 1 else 'stories'})"
        out.append(line + (f": {text(listing.description)}" if listing.description else ""))
    if not plan.listings[group]:
        out.append("No stories yet.")
    return GeneratedPage(src, "\n".join(out) + "\n", GROUP_TITLES[group], "index")


def regions_index(archive: Archive, plan: SitePlan) -> GeneratedPage:
    """England's nine regions, each with its areas; then the areas whose region is not yet recorded."""
    src = index_source("regions")
    out = ["# Regions", "", f"Areas by region. See also [all areas A to Z]({link(src, index_source('areas'))}).", ""]
    by_region: dict[str, list[Area]] = {}
    for area in sorted(archive.areas.values(), key=lambda a: a.meta.name.lower()):
        by_region.setdefault(area.meta.region or "", []).append(area)
    for slug, listing in plan.listings["regions"].items():
        count = len(listing.stories)
        out += [f"## [{text(listing.label)}]({link(src, source_uri(listing_url('regions', slug)))})", "",
                f"{count} {'story' if count == 1 else 'stories'}.", ""]
        out += [f"- [{text(a.meta.name)}]({link(src, a.page_source)})" for a in by_region.get(slug, [])]
        out += ["" if by_region.get(slug) else "No areas are recorded in this region yet.", ""]
    if by_region.get(""):
        out += ["## Region not yet recorded", ""]
        out += [f"- [{text(a.meta.name)}]({link(src, a.page_source)})" for a in by_region[""]] + [""]
    return GeneratedPage(src, "\n".join(out), "Regions", "index")


def listing_pages(listing: Listing, archive: Archive, plan: SitePlan) -> list[GeneratedPage]:
    """A theme, region, programme, kind or year: its stories newest first, 50 to a page."""
    chunks = listing.pages()
    pages = []
    for number, stories in enumerate(chunks, start=1):
        src = source_uri(listing_url(listing.group, listing.slug, number))
        title = f"{GROUP_SINGULAR[listing.group]}: {listing.label}"
        out = [f"# {text(title)}", ""]
        if listing.description and number == 1:
            out += [text(listing.description), ""]
        if listing.group == "regions" and number == 1:
            areas = sorted((a for a in archive.areas.values() if a.meta.region == listing.slug),
                           key=lambda a: a.meta.name.lower())
            out += ["## Areas", ""]
            out += [f"- [{text(a.meta.name)}]({link(src, a.page_source)})" for a in areas]
            out += ["" if areas else "No areas are recorded in this region yet.", "", "## Stories", ""]
        total = len(listing.stories)
        if len(chunks) > 1:
            first = (number - 1) * 50 + 1
            out += [f"Stories {first}–{first + len(stories) - 1} of {total}, newest first.", ""]
        out += [f"- {_story_item(story, src)}" for story in stories] or ["No stories yet."]
        out += ["", _pager(listing, number, len(chunks), src), ""]
        pages.append(GeneratedPage(src, "\n".join(out), title + (f" (page {number})" if number > 1 else ""),
                                   "listing", stories=stories))
    return pages


def _pager(listing: Listing, number: int, count: int, src: str) -> str:
    if count == 1:
        return ""
    parts = []
    if number > 1:
        parts.append(f"[Newer stories]({link(src, source_uri(listing_url(listing.group, listing.slug, number - 1)))})")
    parts.append(f"Page {number} of {count}")
    if number < count:
        parts.append(f"[Older stories]({link(src, source_uri(listing_url(listing.group, listing.slug, number + 1)))})")
    return '<nav class="voices-pager" aria-label="Pages" markdown>\n\n' + " · ".join(parts) + "\n\n</nav>"


def home_sections(archive: Archive, plan: SitePlan, src: str = "index.md") -> str:
    """Featured and latest stories and the ways in, appended to the hand-written home page."""
    out = [""]
    if plan.featured:
        out += ["## Featured stories", ""] + [f"- {_story_item(s, src)}" for s in plan.featured[:6]] + [""]
    out += ["## Latest stories", ""] + ([f"- {_story_item(s, src)}" for s in plan.stories[:10]] or ["No stories yet."])
    out += ["", f"[All stories]({link(src, index_source('stories'))})", "", "## Explore", "",
            f"- [Areas A to Z]({link(src, index_source('areas'))}) and [by region]({link(src, index_source('regions'))})",
            "- Themes: " + ", ".join(f"[{text(listing.label)}]({link(src, source_uri(listing_url('themes', slug)))})"
                                     for slug, listing in plan.listings["themes"].items()),
            f"- [Timeline of stories by year]({link(src, index_source('years'))})",
            f"- [Programmes]({link(src, index_source('programmes'))}) and [kinds of story]({link(src, index_source('kinds'))})", ""]
    return "\n".join(out)


# --- helpers --------------------------------------------------------------------------------

def _story_item(story: Story, from_src: str, show_areas: bool = True) -> str:
    meta = story.meta
    item = f"[{text(meta.title or '')}]({link(from_src, story.page_source)}) ({display_date(meta.date)})"
    if meta.status == "draft":
        item += " *draft*"
    return item


def with_pictures(body: str, folder: str, pictures: dict[tuple[str, str], str]) -> str:
    """Markdown images in a body replaced by their responsive ``<picture>`` (already escaped);
    ``folder`` is where the page's files are published, e.g. ``stories/<slug>``."""
    def replace(match: re.Match[str]) -> str:
        return pictures.get((folder, match.group(2)), match.group(0))

    return MARKDOWN_IMAGE.sub(replace, body)


def _file_label(story: Story, name: str) -> str:
    """``PDF, 1.2 MB``: what a reader downloads, before they do."""
    kind = name.rsplit(".", 1)[-1].upper() if "." in name else "file"
    size = (story.folder / name).stat().st_size if story.folder is not None else 0
    amount = f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1000))} KB"
    return f"{kind}, {amount}"


def story_file(story: Story, name: str) -> str:
    """Where a file from a story's folder is published: beside the story's page."""
    return story.url + name


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc.removeprefix("www.") or url


def code_block(text: str, language: str = "") -> str:
    """``text`` as a fenced code block shown exactly as written: the fence is longer than any
    run of backticks inside, so nothing in the text can end the block early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"
