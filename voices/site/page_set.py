"""Every page the site generates, in one list: stories, areas, browse pages, the staff's list of
facts still to record, and listing pages kept at addresses published before (voices/site/pages.py
writes each page's Markdown)."""

from __future__ import annotations

import re

from voices.content.loading import Archive
from voices.site.plan import GROUPS, SitePlan
from voices.site.pages import (
    GROUP_SINGULAR,
    GROUP_TITLES,
    GeneratedPage,
    area_page,
    areas_index,
    group_index,
    link,
    listing_pages,
    regions_index,
    stories_index,
    story_page,
    text,
    withdrawn_page,
)
from voices.site.addresses import index_source, listing_url, source_uri, story_slug


def build_pages(archive: Archive, plan: SitePlan,
                pictures: dict[tuple[str, str], str] | None = None) -> list[GeneratedPage]:
    """Every generated page of the site. ``pictures`` holds the responsive ``<picture>`` markup
    of each processed image, by (published folder, file name)."""
    pictures = pictures or {}
    pages: list[GeneratedPage] = []
    shown = {story.slug for story in plan.stories}
    aliases = {old: story.slug
               for story in archive.stories.values() for alias in story.meta.aliases
               if (old := story_slug(alias)) is not None}

    def target(kind: str, slug: str) -> str | None:
        if kind == "area":
            return archive.areas[slug].page_source if slug in archive.areas else None
        story = archive.stories.get(aliases.get(slug, slug))
        if story is None or story.slug not in shown and story.meta.status != "withdrawn":
            return None  # a draft, in a published build: the link goes nowhere rather than break
        return story.page_source

    for story in plan.stories:
        pages.append(story_page(story, archive, plan, target, pictures))
    for story in plan.withdrawn:
        pages.append(withdrawn_page(story, archive))
    for area in archive.areas.values():
        pages.append(area_page(area, archive, plan, target, pictures))
    pages.append(areas_index(archive, plan))
    pages.append(stories_index(plan))
    for group in GROUPS:
        pages.append(regions_index(archive, plan) if group == "regions" else group_index(group, plan))
        for listing in plan.listings[group].values():
            pages.extend(listing_pages(listing, archive, plan))
    pages.append(gaps_page(archive))
    return pages


_LISTING_ADDRESS = re.compile(r"^/(themes|regions|programmes|kinds|years)/([a-z0-9-]+)/(?:page/(\d+)/)?$")


def kept_listing_pages(pages: list[GeneratedPage], registered: set[str], plan: SitePlan) -> list[GeneratedPage]:
    """Browse pages published before that would now be empty or gone (a year whose only story
    was withdrawn, a last page of results): they stay, pointing to what remains, so no
    address ever breaks."""
    have = {page.src_uri for page in pages}
    kept = []
    for address in sorted(registered):
        match = _LISTING_ADDRESS.match(address)
        if not match:
            continue
        group, slug, number = match.group(1), match.group(2), int(match.group(3) or 1)
        src = source_uri(listing_url(group, slug, number))
        if src in have:
            continue
        first = source_uri(listing_url(group, slug))
        listing = plan.listings[group].get(slug)
        onward = (f"[the first page of {text(listing.label)}]({link(src, first)})" if listing and first in have
                  else f"[{GROUP_TITLES[group].lower()}]({link(src, index_source(group))})")
        out = [f"# {text(GROUP_SINGULAR[group])}: {text(listing.label if listing else slug)}", "",
               f"No stories are listed here any more. See {onward}.", ""]
        kept.append(GeneratedPage(src, "\n".join(out), f"{GROUP_SINGULAR[group]}: {slug}", "listing"))
        have.add(src)
    return kept


# --- staff ----------------------------------------------------------------------------------

# Facts an area page shows when known; the gaps page lists what each area still lacks.
AREA_FACTS = {"local_authority": "local authority", "region": "region", "summary": "summary",
              "started": "year started", "website": "website", "location": "location",
              "legacy": "successor bodies", "assets": "community assets"}


def gaps_page(archive: Archive) -> GeneratedPage:
    """A page for staff: which facts each area still lacks, and which contacts are unconfirmed."""
    src = "staff/gaps.md"
    rows = []
    missing_count = dict.fromkeys(AREA_FACTS, 0)
    has_story = {slug for story in archive.stories.values() for slug in story.meta.areas}
    for area in sorted(archive.areas.values(), key=lambda a: a.meta.name.lower()):
        missing = [label for name, label in AREA_FACTS.items() if not getattr(area.meta, name)]
        for name in AREA_FACTS:
            missing_count[name] += not getattr(area.meta, name)
        if area.slug not in has_story:
            missing.append("no stories yet")
        rows.append(f"| [{text(area.meta.name)}]({link(src, area.page_source)}) | `{area.path}` | "
                    f"{', '.join(missing) or 'nothing'} |")
    totals = [f"- {label}: missing for {missing_count[name]} of {len(archive.areas)} areas"
              for name, label in AREA_FACTS.items()]
    unconfirmed = [f"- `contacts.{key}` in `archive.yml`" for key, value in archive.settings.contacts.items()
                   if str(value).startswith("[")]
    out = ["# Facts still to record", "",
           "For staff: what the archive does not yet know. Add a fact only with its source "
           "(in the area's `sources`); never fill a gap by guessing.", "",
           "## Contacts still to confirm", "", *(unconfirmed or ["All confirmed."]), "",
           "## Area facts", "", *totals, "", "| Area | File | Not yet recorded |", "|---|---|---|", *rows, ""]
    return GeneratedPage(src, "\n".join(out), "Facts still to record", "index")
