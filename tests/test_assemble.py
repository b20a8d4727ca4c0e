"""Assembly without MkDocs: which pages exist, what each lists, in what order."""

from __future__ import annotations

from voices.content.links import link_problems, resolve_links
from voices.content.loading import load_archive
from voices.site.citation import display_date
from voices.site.page_set import build_pages
from voices.site.plan import PAGE_SIZE, RELATED_COUNT, plan_site


def story(
    title: str, date: str, areas: str = "[par-bay]", themes: str = "[environment]", more: str = ""
) -> str:
    return (
        f"---\ntitle: {title}\ndate: {date}\nsummary: About {title}.\nareas: {areas}\n"
        f"themes: {themes}\n{more}---\n\nBody of {title}.\n"
    )


def load(tiny):
    archive, problems = load_archive(tiny.root)
    assert problems == [], [str(p) for p in problems]
    return archive


def test_listings_hold_each_story_newest_first(tiny):
    tiny.story("old", story("Old", "2014", more="kind: report\n"))
    tiny.story(
        "new", story("New", "2021-05-02", areas="[par-bay, ramsey]", themes="[skills, environment]")
    )
    plan = plan_site(load(tiny))
    assert [s.slug for s in plan.stories] == ["new", "old"]
    assert [s.slug for s in plan.by_area["par-bay"]] == ["new", "old"]
    assert [s.slug for s in plan.by_area["ramsey"]] == ["new"]
    assert [s.slug for s in plan.listings["themes"]["environment"].stories] == ["new", "old"]
    assert [s.slug for s in plan.listings["themes"]["skills"].stories] == ["new"]
    assert [s.slug for s in plan.listings["regions"]["south-west"].stories] == ["new", "old"]
    assert list(plan.listings["years"]) == ["2021", "2014"]
    assert [s.slug for s in plan.listings["kinds"]["report"].stories] == ["old"]
    assert [s.slug for s in plan.listings["programmes"]["big-local"].stories] == ["new", "old"]


def test_drafts_only_in_a_preview_and_withdrawn_apart(tiny):
    tiny.story("draft", story("Draft", "2020", more="status: draft\n"))
    tiny.story(
        "gone",
        "---\ntitle: Gone\ndate: 2019\nareas: [par-bay]\nthemes: [skills]\nstatus: withdrawn\n"
        "withdrawn:\n  date: 2026-01-02\n  reason: rights\n---\n",
    )
    tiny.story("live", story("Live", "2018"))
    archive = load(tiny)
    assert [s.slug for s in plan_site(archive).stories] == ["live"]
    assert [s.slug for s in plan_site(archive, include_drafts=True).stories] == ["draft", "live"]
    plan = plan_site(archive)
    assert [s.slug for s in plan.withdrawn] == ["gone"]
    assert all(
        s.slug != "gone" for listing in plan.listings["themes"].values() for s in listing.stories
    )


def test_browse_pages_are_paginated(tiny):
    for number in range(PAGE_SIZE * 2 + 3):
        tiny.story(f"s{number}", story(f"Story {number}", f"20{10 + number % 10}"))
    archive = load(tiny)
    pages = {page.src_uri: page for page in build_pages(archive, plan_site(archive))}
    assert "themes/environment.md" in pages and "themes/environment/page/3.md" in pages
    assert "themes/environment/page/4.md" not in pages
    assert pages["themes/environment/page/3.md"].markdown.count("\n- [") == 3
    assert "Page 2 of 3" in pages["themes/environment/page/2.md"].markdown


def test_related_and_neighbours(tiny):
    tiny.story("a", story("A", "2015"))
    tiny.story("b", story("B", "2016", themes="[skills]"))
    tiny.story("c", story("C", "2017", areas="[ramsey]"))
    tiny.story("d", story("D", "2018", areas="[ramsey]", themes="[skills]"))
    plan = plan_site(load(tiny))
    assert [s.slug for s in plan.related["a"]] == ["b", "c"]  # same area first, then same theme
    assert all(len(r) <= RELATED_COUNT for r in plan.related.values())
    assert all(
        story.slug not in [r.slug for r in related]
        for story in plan.stories
        for related in [plan.related[story.slug]]
    )
    older, newer = plan.neighbours["b"]
    assert (older.slug, newer) == ("a", None)


def test_aliases_become_redirects(tiny):
    tiny.story("new", story("New", "2020", more="aliases: [/stories/old/, /news/2019/hub.html]\n"))
    plan = plan_site(load(tiny))
    assert plan.redirects == {"stories/old/": "stories/new/", "news/2019/hub.html": "stories/new/"}


def test_partial_dates_are_never_padded():
    assert display_date("2019-06-14") == "14 June 2019"
    assert display_date("2019-06") == "June 2019"
    assert display_date("2019") == "2019"


def test_story_text_is_escaped_in_markdown(tiny):
    tiny.story("amp", story('"Fish & chips [offer] *now*"', "2020"))
    archive = load(tiny)
    page = next(
        p for p in build_pages(archive, plan_site(archive)) if p.src_uri == "stories/amp.md"
    )
    assert r"# Fish &amp; chips \[offer\] \*now\*" in page.markdown


def test_link_syntax_is_checked_with_its_line():
    body = "Intro.\n\nSee [the hub](story:hub-opens) and [Par Bay](area:parbay#legacy).\n"
    problems = link_problems(body, "stories/x.md", 8, {"hub-opens"}, {"par-bay"}, {})
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (10, "links to area:parbay, which does not exist", "did you mean par-bay?")
    ]


def test_links_to_renamed_stories_still_resolve():
    problems = link_problems(
        "[x](story:old-name)", "a.md", 1, {"new-name"}, set(), {"old-name": "new-name"}
    )
    assert problems == []


def test_links_resolve_to_relative_page_sources():
    def target(kind, slug):
        return {"story": f"stories/{slug}.md", "area": f"areas/{slug}.md"}[kind]

    body = "[a](story:hub) [b](area:par-bay#legacy)\n\n[ref]: story:other\n"
    assert (
        resolve_links(body, "stories/x.md", target)
        == "[a](hub.md) [b](../areas/par-bay.md#legacy)\n\n[ref]: other.md\n"
    )
    assert resolve_links("[a](story:hub)", "stories/x/index.md", target) == "[a](../hub.md)"


def test_links_to_unpublished_stories_become_plain_text():
    body = 'See [the draft](story:draft "Soon") and [live](story:live).'
    resolved = resolve_links(
        body, "stories/x.md", lambda kind, slug: None if slug == "draft" else f"stories/{slug}.md"
    )
    assert resolved == "See the draft and [live](live.md)."
