"""The promises kept to the people in the stories, proved on built sites: planted words from
people, consent and unpublished stories appear nowhere they must not; the emergency path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ENV, REPO, SMALL_JPEG, mkdocs_build
from test_site_pages import make_site, read, story

from voices.build.caches import INDEXED_PAGES
from voices.build.session import SiteBuild
from voices.site.audit import output_texts

CONSENT = (
    "consent:\n  recorded: 2024-05-01\n  reference: VBL-2024-917\n  scope: [web, archive, photos]\n"
)


def test_people_and_consent_appear_only_where_promised(tiny):
    tiny.story(
        "talk",
        story(
            "An interview",
            "2020",
            more="kind: interview\npeople: [Zebedee Quillfeather]\n" + CONSENT,
            body="Words about the allotment.",
        ),
    )
    tiny.story("other", story("Another story", "2019"))
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    site = root / "site"
    assert "Zebedee Quillfeather" in read(site, "stories/talk")
    places = {rel for rel, text in output_texts(site) if "Quillfeather" in text}
    assert places == {"stories/talk/index.html"}  # not the search index, JSON-LD, sitemap or lists
    assert not any("VBL-2024-917" in text for _, text in output_texts(site))
    assert any(
        rel.startswith("pagefind/fragment/") and "allotment" in text
        for rel, text in output_texts(site)
    )


def test_minors_are_never_named(tiny):
    tiny.story(
        "young",
        story(
            "Young voices",
            "2020",
            more="people: [Ottoline Brambleworth]\n"
            + CONSENT.replace("photos]", "photos, minors]")
            + "  minors: true\n",
        ),
    )
    root = make_site(tiny)
    assert mkdocs_build(root / "mkdocs.yml", root / "site").returncode == 0
    assert not any("Brambleworth" in text for _, text in output_texts(root / "site"))


def built_with_a_hidden_draft(tiny) -> tuple[Path, SiteBuild]:
    """A built site with one published story and one draft whose words must never appear."""
    tiny.story("live", story("Live story", "2019"))
    tiny.story(
        "hidden",
        story("Hidden draft", "2020", more="status: draft\n", body="Xylophonic marmalade."),
    )
    root = make_site(tiny)
    assert mkdocs_build(root / "mkdocs.yml", root / "site").returncode == 0
    build, _ = SiteBuild.load(root)
    return root / "site", build


def test_audit_finds_a_leak_and_a_lost_story(tiny):
    site_dir, build = built_with_a_hidden_draft(tiny)
    assert build.audit(site_dir) == []
    (site_dir / "about.html").write_text("<p>Xylophonic marmalade</p>", encoding="utf-8")
    sitemap = site_dir / "sitemap.xml"
    sitemap.write_text(
        sitemap.read_text(encoding="utf-8").replace("stories/live/", "stories/gone/"),
        encoding="utf-8",
    )
    findings = build.audit(site_dir)
    assert any(
        f.startswith("about.html: contains “Xylophonic”") and "stories/hidden.md" in f
        for f in findings
    )
    assert "sitemap: the published story live is missing" in findings
    assert "sitemap: lists gone, which is not a published story" in findings


def test_erased_title_leaks_nowhere(tiny):
    erased = (
        "---\ntitle: Quaggamire revelations\ndate: 2019\nareas: [par-bay]\nthemes: [skills]\n"
        "status: withdrawn\nwithdrawn:\n  date: 2026-01-05\n  reason: safeguarding\n  erase_title: true\n---\n"
    )
    tiny.story("gone", erased)
    root = make_site(tiny)
    refused = mkdocs_build(
        root / "mkdocs.yml", root / "site"
    )  # the title is still in the public file
    assert refused.returncode != 0 and "stories/gone.md:2: title:" in refused.stderr
    tiny.story("gone", erased.replace("title: Quaggamire revelations\n", ""))
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    assert "Story withdrawn" in read(root / "site", "stories/gone")
    assert not any("Quaggamire" in text for _, text in output_texts(root / "site"))


def test_emergency_takedown_deploys_while_another_story_is_invalid(tiny):
    tiny.story("keep", story("Kept story", "2019"))
    tiny.story(
        "take",
        story(
            "Story to take down",
            "2018",
            body="Sensitive paragraph.",
            more="image:\n  src: face.jpg\n  alt: A face\n",
        ),
        files={"face.jpg": SMALL_JPEG},
    )
    root = make_site(tiny)
    assert mkdocs_build(root / "mkdocs.yml", root / "site").returncode == 0
    # Someone's unrelated story is broken on main when the takedown request arrives.
    tiny.story("broken", story("Broken", "2020").replace("date: 2020", "date: 31/02/2020"))
    (root / "stories" / "take").rename(root / "stories" / "take-old")
    import shutil

    shutil.rmtree(root / "stories" / "take-old")
    (root / "stories" / "take.md").write_text(
        "---\ntitle: Story to take down\ndate: 2018\nareas: [par-bay]\nthemes: [environment]\nstatus: withdrawn\n"
        "withdrawn:\n  date: 2026-03-01\n  reason: at-request-of-contributor\n---\n",
        encoding="utf-8",
    )
    normal = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert normal.returncode != 0 and "stories/broken.md:3: date:" in normal.stderr
    env = {**ENV, "VOICES_TAKEDOWN": "1"}
    emergency = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-f",
            str(root / "mkdocs.yml"),
            "-d",
            str(root / "site"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert emergency.returncode == 0, emergency.stderr
    assert (
        "Left out by the emergency takedown build (fix it next): stories/broken.md:3: date:"
        in emergency.stderr
    )
    site = root / "site"
    notice = read(site, "stories/take")
    assert "withdrawn from the archive on 1 March 2026" in notice
    assert not any("Sensitive paragraph" in text for _, text in output_texts(site))
    assert not (site / "stories" / "take" / "face-480.webp").exists()
    assert "Kept story" in read(site, "stories/keep")
    assert os.environ.get("VOICES_TAKEDOWN") is None


def test_withdraw_command_then_build_leaves_nothing_behind(tiny):
    from voices.edit.withdraw import withdraw_story

    tiny.story(
        "take",
        story(
            "Story to take down",
            "2018",
            body="Wobblewick orchard memories.",
            more="people: [Perpetua Inchbald]\n"
            + CONSENT
            + "image:\n  src: face.jpg\n  alt: Tamsin at the allotment gate\n",
        ),
        files={"face.jpg": SMALL_JPEG},
    )
    tiny.story("keep", story("Kept story", "2019"))
    root = make_site(tiny)
    assert mkdocs_build(root / "mkdocs.yml", root / "site").returncode == 0
    assert any("Wobblewick" in text for _, text in output_texts(root / "site"))
    withdraw_story(root, "take", "at-request-of-contributor")
    (root / "site" / "stray.html").write_text(
        "Wobblewick", encoding="utf-8"
    )  # not made by any build
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    site = root / "site"
    # The old site is moved aside and removed while the new one builds: nothing of it is left.
    assert not (site / "stray.html").exists()
    assert sorted(path.name for path in root.glob(".site*")) == []
    assert "withdrawn from the archive" in read(site, "stories/take")
    for word in ("Wobblewick", "Inchbald", "Tamsin", "VBL-2024-917"):
        assert not any(word in text for _, text in output_texts(site)), word
        assert not any(
            word in f.read_text(encoding="utf-8", errors="ignore")
            for f in (root / "stories").rglob("*")
            if f.is_file()
        ), word
    assert not list((site / "stories" / "take").glob("face*"))


def test_a_person_named_in_two_stories_may_appear_on_both(tiny):
    """A resident can take part in several stories, each with consent; only other pages are leaks."""
    for slug in ("first", "second"):
        tiny.story(
            slug,
            story(
                f"The {slug} interview",
                "2020",
                more="kind: interview\npeople: [Zebedee Quillfeather]\n" + CONSENT,
            ),
        )
    tiny.story("third", story("A third story", "2019"))
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    site_dir = root / "site"
    places = {rel for rel, text in output_texts(site_dir) if "Quillfeather" in text}
    assert places == {"stories/first/index.html", "stories/second/index.html"}
    build, _ = SiteBuild.load(root)
    (site_dir / "stories" / "third" / "index.html").write_text(
        "<p>Zebedee Quillfeather</p>", encoding="utf-8"
    )
    assert build.audit(site_dir) == [
        "stories/third/index.html: names a person from stories/first (names appear on their story only)"
    ]


def test_audit_reads_the_search_index_only_once_it_is_written(tiny):
    """The audit runs while Pagefind is still writing: it must wait, then check the index too."""
    import gzip

    from voices.site.audit import audit_site

    site_dir, build = built_with_a_hidden_draft(tiny)
    late = site_dir / "pagefind" / "fragment" / "en-gb_late.pf_fragment"
    calls = []

    def index_ready() -> None:  # stands in for Pagefind finishing after the rest was audited
        calls.append("ready")
        late.write_bytes(
            gzip.compress(b'{"url":"/stories/live/","content":"Xylophonic marmalade"}')
        )

    findings = audit_site(site_dir, build.archive, build.plan, index_ready=index_ready)
    assert calls == ["ready"]
    assert any(
        f.startswith("pagefind/fragment/en-gb_late.pf_fragment: contains “Xylophonic”")
        for f in findings
    )


def test_search_index_from_the_kept_page_parts_is_the_whole_sites_index(tiny, tmp_path):
    """The build indexes only what Pagefind reads of each page; the index must be the one
    Pagefind makes from the whole built site, and the kept parts must not outlive the build."""
    sys.path.insert(0, str(REPO / "scripts"))
    from bench_build import compare_sites

    from voices.site.search import build_index

    tiny.story(
        "garden",
        story("A garden grows", "2019", body="Volunteers’ marrows and St Matthew’s orchard."),
    )
    tiny.story("hub", story("The hub opens", "2021", areas="[par-bay, ramsey]", themes="[skills]"))
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    assert not (root / INDEXED_PAGES).exists()
    assert (
        list((root / INDEXED_PAGES).parent.glob(f".{INDEXED_PAGES.name}.old-*")) == []
    )  # removed meanwhile
    whole = tmp_path / "whole"
    shutil.copytree(root / "site", whole)
    report = build_index(whole)  # Pagefind over every page of the built site
    assert report.pages == 2 + len(list((root / "areas").glob("*.md")))  # two stories, the areas
    assert compare_sites(root / "site", whole) == []


def test_a_build_that_fails_while_rendering_leaves_no_search_index(tiny):
    """Pagefind starts once every page is converted, before the theme is rendered around them:
    when rendering then fails, the unfinished index and the kept page parts must go too, so
    nothing half-built (a story's words included) is left to be published."""
    tiny.story("garden", story("A garden grows", "2019", body="Marrows and an orchard."))
    root = make_site(tiny)
    main = root / "docs" / "overrides" / "main.html"
    # A template mistake that shows only on one story's page, after every page was converted.
    main.write_text(
        main.read_text(encoding="utf-8").replace(
            "{% block content %}",
            "{% block content %}{% if page.url == 'stories/garden/' %}"
            "{{ no_such_value.field }}{% endif %}",
            1,
        ),
        encoding="utf-8",
    )
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode != 0
    assert "no_such_value" in result.stderr
    assert not (root / "site" / "pagefind").exists()
    assert not (root / INDEXED_PAGES).exists()
