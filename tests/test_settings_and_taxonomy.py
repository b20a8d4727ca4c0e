"""The settings and taxonomy files are content too: their mistakes come with lines."""

from __future__ import annotations

from voices.content.settings import fill_placeholders


def test_duplicate_theme_slug(tiny):
    path = tiny.root / "taxonomy.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - slug: skills\n", "  - slug: environment\n"), encoding="utf-8")
    problem = tiny.only("themes[7].slug")
    assert problem.path == "taxonomy.yml" and "listed twice" in problem.message


def test_taxonomy_entry_missing_a_label(tiny):
    path = tiny.root / "taxonomy.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    label: Skills\n", ""), encoding="utf-8")
    assert tiny.only("themes[7].label").message == "is required"


def test_default_licence_must_be_listed(tiny):
    path = tiny.root / "archive.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "default_licence: CC-BY-4.0", "default_licence: MIT"
        ),
        encoding="utf-8",
    )
    assert "not in licences" in tiny.only("default_licence").message


def test_bad_consent_pattern(tiny):
    path = tiny.root / "archive.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('pattern: "VBL-[0-9]{4}-[0-9]{3,}"', 'pattern: "VBL-[0-9"'), encoding="utf-8"
    )
    assert "regular expression" in tiny.only("consent_reference.pattern").message


def test_placeholders_are_filled_and_unknown_ones_reported():
    text, unknown = fill_placeholders(
        "Write to {{ contacts.email }} or {{ contacts.fax }}.",
        {"contacts": {"email": "[To be confirmed]"}},
    )
    assert text == "Write to [To be confirmed] or {{ contacts.fax }}."
    assert unknown == ["contacts.fax"]


def test_a_story_s_licence_is_the_one_it_names_or_the_default_everywhere_it_is_stated(tiny):
    """One lookup answers for the page's footer, the head's rights tags, the open data and the
    feed: the licence a story names, or archive.yml's default when it names none."""
    import json

    from voices.content.loading import load_archive
    from voices.site.exports import data_files, feeds
    from voices.site.metadata import story_head
    from voices.site.page_set import build_pages
    from voices.site.plan import plan_site

    for slug, more in (("named", "licence: CC-BY-SA-4.0\n"), ("unnamed", "")):
        tiny.story(
            slug,
            f"---\ntitle: The {slug} one\ndate: 2019-06-14\nsummary: About it.\n"
            f"areas: [par-bay]\nthemes: [environment]\n{more}---\n\nText.\n",
        )
    archive, problems = load_archive(tiny.root)
    assert problems == []
    settings = archive.settings
    assert settings.licence("CC-BY-SA-4.0").url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert settings.licence(None).id == settings.licence("").id == "CC-BY-4.0"
    assert (
        settings.licence("MIT") is None
    )  # not listed: the content check refuses it, nothing guesses

    plan = plan_site(archive)
    pages = {page.src_uri: page.markdown for page in build_pages(archive, plan)}
    records = {
        record["slug"]: record
        for record in json.loads(data_files(archive, plan, {})["data/stories.json"])
    }
    feed = feeds(archive, plan, lambda story: "2020-01-01T00:00:00Z")["feed.xml"]
    for slug, wanted in (("named", "CC-BY-SA-4.0"), ("unnamed", "CC-BY-4.0")):
        licence = settings.licence(wanted)
        assert (
            f'Published under <a href="{licence.url}">{licence.label}</a>'
            in pages[f"stories/{slug}.md"]
        )
        assert f'<meta name="DC.rights" content="{licence.url}">' in story_head(
            archive.stories[slug], archive
        )
        assert (records[slug]["licence"], records[slug]["licence_url"]) == (licence.id, licence.url)
        assert f"<rights>{wanted}</rights>" in feed
