"""Assembly: which pages the archive publishes and what each lists, in what order.

Pure functions from the loaded archive to a ``SitePlan``; no MkDocs, no files. Every cost here
is per story times a small constant (related stories look only at near neighbours in the
area and theme lists), so the plan grows linearly with the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voices.content.loading import Archive, Story
from voices.content.england import REGIONS
from voices.site.addresses import BROWSE_GROUPS

PAGE_SIZE = 50  # stories per browse page: keeps every listing page small at any archive size
RELATED_COUNT = 4
RELATED_WINDOW = 6  # neighbours looked at on each side in each shared area or theme list
GROUPS = BROWSE_GROUPS


@dataclass
class Listing:
    """One browse entry (a theme, region, programme, kind or year) and its stories, newest first."""

    group: str
    slug: str
    label: str
    description: str = ""
    stories: list[Story] = field(default_factory=list)

    def pages(self) -> list[list[Story]]:
        """The stories split into browse pages of ``PAGE_SIZE``; always at least one page."""
        return [self.stories[i: i + PAGE_SIZE] for i in range(0, len(self.stories), PAGE_SIZE)] or [[]]


@dataclass
class SitePlan:
    """Everything the build publishes, decided before any page is rendered."""

    stories: list[Story]  # shown: published, plus drafts when previewing; newest first
    withdrawn: list[Story]
    listings: dict[str, dict[str, Listing]]
    by_area: dict[str, list[Story]]  # newest first
    related: dict[str, list[Story]]
    neighbours: dict[str, tuple[Story | None, Story | None]]  # (older, newer) in the first area
    redirects: dict[str, str]  # old site path (no leading slash) → page URL it now lives at
    featured: list[Story]


def newest_first(stories: list[Story]) -> list[Story]:
    """Newest first; a partial date (2019) sorts after the full dates in its year."""
    return sorted(stories, key=lambda s: (s.meta.date, s.meta.title or "", s.slug), reverse=True)


def plan_site(archive: Archive, include_drafts: bool = False) -> SitePlan:
    """Decide every page: the shown stories, listings, related stories and redirects."""
    shown_statuses = {"published", "draft"} if include_drafts else {"published"}
    stories = newest_first([s for s in archive.stories.values() if s.meta.status in shown_statuses])
    withdrawn = [s for s in archive.stories.values() if s.meta.status == "withdrawn"]

    by_area: dict[str, list[Story]] = {slug: [] for slug in archive.areas}
    for story in stories:
        for slug in story.meta.areas:
            by_area.setdefault(slug, []).append(story)

    listings = _listings(archive, stories)
    return SitePlan(
        stories=stories,
        withdrawn=withdrawn,
        listings=listings,
        by_area=by_area,
        related=_related(stories, by_area, listings["themes"]),
        neighbours=_neighbours(stories, by_area),
        redirects=_redirects(archive),
        featured=[s for s in stories if s.meta.featured],
    )


def _listings(archive: Archive, stories: list[Story]) -> dict[str, dict[str, Listing]]:
    taxonomy = archive.taxonomy
    listings: dict[str, dict[str, Listing]] = {
        "themes": {t.slug: Listing("themes", t.slug, t.label, t.description) for t in taxonomy.themes},
        "programmes": {p.slug: Listing("programmes", p.slug, p.label, p.description) for p in taxonomy.programmes},
        "kinds": {k.slug: Listing("kinds", k.slug, k.label, k.description) for k in taxonomy.kinds},
        "regions": {slug: Listing("regions", slug, label) for slug, label in REGIONS.items()},
        "years": {},
    }
    region_of = {slug: area.meta.region for slug, area in archive.areas.items()}
    for story in stories:  # already newest first, so every listing is too
        meta = story.meta
        for theme in meta.themes:
            listings["themes"][theme].stories.append(story)
        listings["programmes"][meta.programme].stories.append(story)
        listings["kinds"][meta.kind].stories.append(story)
        for region in dict.fromkeys(region_of.get(a) for a in meta.areas):
            if region:
                listings["regions"][region].stories.append(story)
        year = meta.date[:4]
        listings["years"].setdefault(year, Listing("years", year, year)).stories.append(story)
    listings["years"] = dict(sorted(listings["years"].items(), reverse=True))
    return listings


def _related(stories: list[Story], by_area: dict[str, list[Story]],
             themes: dict[str, Listing]) -> dict[str, list[Story]]:
    """A few stories sharing an area or theme, found among near neighbours in those lists
    (close in time too), so the cost per story stays flat however large the archive grows."""
    position: dict[tuple[str, str], int] = {}
    lists: dict[str, list[Story]] = {}
    for slug, area_stories in by_area.items():
        lists[f"a:{slug}"] = area_stories
    for slug, listing in themes.items():
        lists[f"t:{slug}"] = listing.stories
    for key, members in lists.items():
        for index, story in enumerate(members):
            position[(key, story.slug)] = index

    related: dict[str, list[Story]] = {}
    for story in stories:
        areas, themes_of = set(story.meta.areas), set(story.meta.themes)
        candidates: dict[str, Story] = {}
        for key in [f"a:{a}" for a in story.meta.areas] + [f"t:{t}" for t in story.meta.themes]:
            members, index = lists[key], position[(key, story.slug)]
            for other in members[max(0, index - RELATED_WINDOW): index + RELATED_WINDOW + 1]:
                if other.slug != story.slug:
                    candidates[other.slug] = other

        def score(other: Story) -> tuple[int, str, str]:
            shared = 2 * len(areas & set(other.meta.areas)) + len(themes_of & set(other.meta.themes))
            return (-shared, _date_distance(story, other), other.slug)

        related[story.slug] = sorted(candidates.values(), key=score)[:RELATED_COUNT]
    return related


def _date_distance(story: Story, other: Story) -> str:
    # Zero-padded so that the string sorts like the number of years apart.
    return f"{abs(int(story.meta.date[:4]) - int(other.meta.date[:4])):04d}"


def _neighbours(stories: list[Story], by_area: dict[str, list[Story]]) -> dict[str, tuple[Story | None, Story | None]]:
    """The older and newer story in each story's first area."""
    result: dict[str, tuple[Story | None, Story | None]] = {}
    for area, area_stories in by_area.items():
        for index, story in enumerate(area_stories):
            if story.meta.areas[0] == area:
                newer = area_stories[index - 1] if index > 0 else None
                older = area_stories[index + 1] if index + 1 < len(area_stories) else None
                result[story.slug] = (older, newer)
    for story in stories:
        result.setdefault(story.slug, (None, None))
    return result


def _redirects(archive: Archive) -> dict[str, str]:
    """Old addresses (aliases) → the page now at each, as site paths without a leading slash."""
    redirects = {}
    for story in archive.stories.values():
        for alias in story.meta.aliases:
            redirects[alias.lstrip("/")] = story.url
    return redirects
