"""Markdown for the generated pages (stories, areas and their indexes).

A first, plain rendering: issue "Assemble and render the archive" replaces it with the full
story, area and browse pages. Pure functions from the archive to (path, Markdown) pairs.
"""

from __future__ import annotations

from voices.archive import Archive, Area, Story
from voices.contract import REGIONS


def display_date(value: str) -> str:
    """``2019-06-14`` → ``14 June 2019``; ``2019-06`` → ``June 2019``; ``2019`` stays; no day is invented."""
    import calendar

    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = calendar.month_name[int(parts[1])]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def generated_pages(archive: Archive, include_drafts: bool = False) -> dict[str, str]:
    """Every generated page as ``{source path: Markdown}``."""
    pages: dict[str, str] = {}
    visible = [story for story in archive.stories.values()
               if story.meta.status == "published" or include_drafts and story.meta.status == "draft"]
    for story in archive.stories.values():
        if story.meta.status == "withdrawn":
            pages[f"stories/{story.slug}.md"] = withdrawn_markdown(story, archive)
        elif story in visible:
            pages[f"stories/{story.slug}.md"] = story_markdown(story, archive)
    for area in archive.areas.values():
        pages[f"areas/{area.slug}.md"] = area_markdown(area, [s for s in visible if area.slug in s.meta.areas])
    pages["areas/index.md"] = areas_index_markdown(archive)
    pages["staff/gaps.md"] = gaps_markdown(archive)
    pages["stories/index.md"] = stories_index_markdown(visible)
    return pages


def story_markdown(story: Story, archive: Archive) -> str:
    meta = story.meta
    areas = ", ".join(f"[{_area_name(archive, slug)}](../areas/{slug}.md)" for slug in meta.areas)
    themes = ", ".join(archive.taxonomy.labels("themes").get(slug, slug) for slug in meta.themes)
    draft = "!!! warning \"Draft\"\n    This story is a draft and is not published.\n\n" if meta.status == "draft" else ""
    return (f"# {_escape(meta.title or '')}\n\n{draft}"
            f"{display_date(meta.date)} · {areas} · {themes}\n\n"
            f"**{_escape(meta.summary or '')}**\n\n{story.body}\n")


def withdrawn_markdown(story: Story, archive: Archive) -> str:
    withdrawal = story.meta.withdrawn
    title = "Story withdrawn" if withdrawal is None or withdrawal.erase_title else _escape(story.meta.title or "")
    reason = archive.taxonomy.labels("withdrawal_reasons").get(withdrawal.reason, "") if withdrawal else ""
    when = f" on {display_date(withdrawal.date)}" if withdrawal else ""
    return f"# {title}\n\nThis story was withdrawn from the archive{when}. {reason}.\n\n[Back to the archive](../index.md)\n"


def area_markdown(area: Area, stories: list[Story]) -> str:
    meta = area.meta
    facts = [f"**Local authority:** {meta.local_authority or 'not yet recorded'}",
             f"**Region:** {REGIONS.get(meta.region or '', 'not yet recorded')}"]
    listing = "\n".join(f"- [{_escape(s.meta.title or '')}](../stories/{s.slug}.md) ({display_date(s.meta.date)})"
                        for s in sorted(stories, key=lambda s: s.meta.date, reverse=True))
    return (f"# {_escape(meta.name)}\n\n" + "  \n".join(facts) + "\n\n" + (area.body or "") +
            "\n\n## Stories\n\n" + (listing or "No stories yet.") + "\n")


def areas_index_markdown(archive: Archive) -> str:
    rows = "\n".join(f"- [{_escape(area.meta.name)}]({area.slug}.md)"
                     for area in sorted(archive.areas.values(), key=lambda a: a.meta.name.lower()))
    return f"# Areas\n\n{rows}\n"


def stories_index_markdown(stories: list[Story]) -> str:
    rows = "\n".join(f"- [{_escape(s.meta.title or '')}]({s.slug}.md) ({display_date(s.meta.date)})"
                     for s in sorted(stories, key=lambda s: s.meta.date, reverse=True))
    return f"# Stories\n\n{rows or 'No stories yet.'}\n"


# Facts an area page shows when known; the gaps page lists what each area still lacks.
AREA_FACTS = {"local_authority": "local authority", "region": "region", "summary": "summary",
              "started": "year started", "website": "website", "location": "location",
              "legacy": "successor bodies", "assets": "community assets"}


def gaps_markdown(archive: Archive) -> str:
    """A page for staff: which facts each area still lacks, and which contacts are unconfirmed."""
    rows = []
    missing_count = {field: 0 for field in AREA_FACTS}
    for area in sorted(archive.areas.values(), key=lambda a: a.meta.name.lower()):
        missing = [label for field, label in AREA_FACTS.items() if not getattr(area.meta, field)]
        for field in AREA_FACTS:
            missing_count[field] += not getattr(area.meta, field)
        story_gap = "" if any(area.slug in s.meta.areas for s in archive.stories.values()) else "no stories yet"
        rows.append(f"| [{_escape(area.meta.name)}](../areas/{area.slug}.md) | `{area.path}` | "
                    f"{', '.join(missing + ([story_gap] if story_gap else [])) or 'nothing'} |")
    totals = "\n".join(f"- {label}: missing for {missing_count[field]} of {len(archive.areas)} areas"
                        for field, label in AREA_FACTS.items())
    unconfirmed = [f"- `contacts.{key}` in `archive.yml`" for key, value in archive.settings.contacts.items()
                   if str(value).startswith("[")]
    return ("# Facts still to record\n\n"
            "For staff: what the archive does not yet know. Add a fact only with its source "
            "(in the area's `sources`); never fill a gap by guessing.\n\n"
            "## Contacts still to confirm\n\n" + ("\n".join(unconfirmed) or "All confirmed.") + "\n\n"
            "## Area facts\n\n" + totals + "\n\n| Area | File | Not yet recorded |\n|---|---|---|\n"
            + "\n".join(rows) + "\n")


def _area_name(archive: Archive, slug: str) -> str:
    area = archive.areas.get(slug)
    return _escape(area.meta.name) if area else slug


def _escape(text: str) -> str:
    """Plain text into Markdown: characters Markdown would act on are escaped."""
    out = text.replace("\\", "\\\\")
    for char in "*_`[]<>#|":
        out = out.replace(char, "\\" + char)
    return out
