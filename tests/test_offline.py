"""The offline copy (mkdocs.offline.yml): built from a tiny archive, opened from the file system.

Plain-Python tests read the built files; the browser test opens the copy in Chromium from
``file://`` and follows links as a reader would, refusing any request that is not a file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, SMALL_MP3, TinyArchive, mkdocs_build
from test_browser import CHROMIUM_ARGS, _chromium, watched_page
from test_site_pages import SITE_URL, jpeg, make_site, story

from voices.publish.offline import broken_references, online_url, page_file, references
from voices.site.third_party import third_party_requests


def make_offline_site(tiny) -> Path:
    """A fixture archive with the real theme, hooks and both configurations."""
    root = make_site(tiny)
    shutil.copy(REPO / "mkdocs.offline.yml", root / "mkdocs.offline.yml")
    return root


def write_archive(tiny: TinyArchive) -> None:
    """A folder story with a photo, media and a document, a renamed story, a withdrawn one and
    enough stories in one theme for its list to run over two pages."""
    tiny.area("ramsey", "---\nname: Ramsey\nregion: east-of-england\n---\n\nThe town's legacy.\n")
    tiny.story(
        "garden",
        story(
            "The garden opens",
            "2019-06-14",
            more=(
                "image:\n  src: garden.jpg\n  alt: Raised beds by the hall\n"
                "media:\n  - src: talk.mp3\n    type: audio\n    title: A talk\n    transcript: Words of the talk.\n"
                "attachments:\n  - src: report.pdf\n    title: Annual report\n"
            ),
            body="Planting began. Read [about buses](story:buses).",
        ),
        files={
            "garden.jpg": jpeg(900, 600),
            "talk.mp3": SMALL_MP3,
            "report.pdf": b"%PDF-1.4 example",
        },
    )
    tiny.story(
        "buses",
        story(
            "Buses for Ramsey",
            "2018",
            areas="[ramsey]",
            themes="[spaces-and-services]",
            more="aliases: [/stories/old-buses/]\n",
        ),
    )
    tiny.story(
        "gone",
        "---\ntitle: Gone story\ndate: 2017\nareas: [par-bay]\nthemes: [skills]\n"
        "status: withdrawn\nwithdrawn:\n  date: 2026-01-05\n  reason: at-request-of-contributor\n---\n",
    )
    for number in range(52):
        tiny.story(
            f"news-{number}",
            story(f"News item {number}", f"20{12 + number % 12}", themes="[environment]"),
        )


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> tuple[Path, Path]:
    """(archive root, offline copy) built once for this module."""
    tiny = TinyArchive(tmp_path_factory.mktemp("archive"))
    write_archive(tiny)
    root = make_offline_site(tiny)
    registry = (root / "urls.txt").read_bytes() if (root / "urls.txt").exists() else None
    result = mkdocs_build(root / "mkdocs.offline.yml", root / "site-offline")
    assert result.returncode == 0, result.stderr
    assert (
        (root / "urls.txt").read_bytes() if (root / "urls.txt").exists() else None
    ) == registry, "the offline build must leave urls.txt alone"
    return root, root / "site-offline"


def test_pages_are_files_and_links_point_at_them(offline):
    _, site = offline
    assert (site / "index.html").is_file() and (site / "stories" / "buses.html").is_file()
    garden = (site / "stories" / "garden" / "index.html").read_text(
        encoding="utf-8"
    )  # a folder story
    assert 'href="../../areas/par-bay.html"' in garden and 'href="../buses.html"' in garden
    assert (
        'src="talk.mp3"' in garden and 'href="report.pdf"' in garden and "garden-480.webp" in garden
    )
    area = (site / "areas" / "par-bay.html").read_text(encoding="utf-8")
    assert 'href="../stories/garden/index.html"' in area
    assert 'href="../stories/gone.html"' not in area  # a withdrawn story is listed nowhere


def test_every_link_and_file_reference_leads_to_a_file(offline):
    _, site = offline
    assert broken_references(site) == []
    pages = list(site.rglob("*.html"))
    assert len(pages) > 40
    checked = sum(len(references(page.read_text(encoding="utf-8"))) for page in pages)
    assert checked > 1000  # the check really read the pages' links


def test_the_offline_copy_requests_nothing_from_other_sites(offline):
    _, site = offline
    assert third_party_requests(site, SITE_URL) == []


def test_long_lists_are_paginated_with_working_file_links(offline):
    _, site = offline
    first = (site / "themes" / "environment.html").read_text(encoding="utf-8")
    assert "Stories 1–50 of 5" in first and 'href="environment/page/2.html"' in first
    second = (site / "themes" / "environment" / "page" / "2.html").read_text(encoding="utf-8")
    assert 'href="../../environment.html"' in second and "News item" in second


def test_old_address_redirects_to_the_story_file(offline):
    _, site = offline
    redirect = (site / "stories" / "old-buses" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../buses.html"' in redirect and 'href="../buses.html"' in redirect
    assert f'<link rel="canonical" href="{SITE_URL}stories/buses/">' in redirect


def test_search_page_says_search_needs_the_website_and_offers_the_lists(offline):
    _, site = offline
    page = (site / "search.html").read_text(encoding="utf-8")
    assert (
        "Searching needs the archive&#x27;s website" in page
        or "Searching needs the archive's website" in page
    )
    assert f'href="{SITE_URL}search/"' in page
    for target in (
        "areas/index.html",
        "themes/index.html",
        "years/index.html",
        "regions/index.html",
        "stories/index.html",
    ):
        assert f'href="{target}"' in page
    assert (
        "search.js" not in page and not (site / "pagefind").exists()
    )  # nothing that cannot work here
    assert 'action="search.html"' in (site / "index.html").read_text(
        encoding="utf-8"
    )  # the header box


def test_pages_name_their_online_address(offline):
    _, site = offline
    page = (site / "stories" / "garden" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE_URL}stories/garden/">' in page
    assert f"<loc>{SITE_URL}stories/buses/</loc>" in (site / "sitemap.xml").read_text(
        encoding="utf-8"
    )


def test_the_offline_copy_carries_the_open_data_and_no_unpublished_story(offline):
    _, site = offline
    assert (site / "data" / "stories.csv").is_file() and (site / "feed.xml").is_file()
    assert not (site / "stories" / "garden" / "garden.jpg").exists()  # never the original photo
    assert "Gone story" not in (site / "data" / "stories.json").read_text(encoding="utf-8")


def test_broken_reference_check_finds_folders_missing_files_and_root_paths(tmp_path):
    (tmp_path / "areas").mkdir()
    (tmp_path / "areas" / "x.html").write_text("", encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="areas/x.html#top">fine</a> <a href="https://example.org/">elsewhere</a> <a href="#top">here</a>\n'
        '<a href="areas/">a folder</a>\n<img src="missing.png" alt="">\n<link rel="stylesheet" href="/assets/x.css">\n'
        '<img srcset="areas/x.html 1w, gone.webp 2w" alt="">',
        encoding="utf-8",
    )
    assert broken_references(tmp_path) == [
        "index.html:2: areas/",
        "index.html:3: missing.png",
        "index.html:4: /assets/x.css",
        "index.html:5: gone.webp",
    ]


@pytest.mark.parametrize(
    ("dest", "url"),
    [
        ("index.html", ""),
        ("stories/x.html", "stories/x/"),
        ("stories/x/index.html", "stories/x/"),
        ("themes/a/page/2.html", "themes/a/page/2/"),
    ],
)
def test_online_url_of_an_offline_page(dest, url):
    assert online_url(dest) == url
    if not dest.endswith("index.html"):
        assert page_file(dest.replace(".html", ".md")) == dest


# --- in a browser, from file:// ---------------------------------------------------------------


def test_opened_from_the_file_system_it_reads_and_links_work(offline):
    sync_api = pytest.importorskip("playwright.sync_api")
    _, site = offline
    executable = _chromium()
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = watched_page(
            context, problems, lambda url: url.startswith("file://"), "the file system"
        )
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))

        def styled() -> None:
            # Material's stylesheet makes the header sticky; our own puts the search box in a row.
            assert (
                page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
                == "sticky"
            )
            assert (
                page.evaluate(
                    "getComputedStyle(document.querySelector('.voices-header-search')).display"
                )
                == "flex"
            )

        page.goto((site / "index.html").as_uri())
        assert "Home" in page.locator("h1").text_content()
        styled()
        page.locator("article a", has_text="Areas A to Z").first.click()
        page.wait_for_url("**/areas/index.html")
        page.locator("article a", has_text="Par Bay").first.click()
        page.wait_for_url("**/areas/par-bay.html")
        assert "Par Bay" in page.locator("h1").text_content()
        styled()
        page.locator("article a", has_text="The garden opens").first.click()
        page.wait_for_url("**/stories/garden/index.html")
        assert page.locator("h1").text_content().startswith("The garden opens")
        assert (
            page.locator(".voices-hero img").evaluate(
                "img => img.complete ? img.naturalWidth : new Promise(done => img.onload = () => done(img.naturalWidth))"
            )
            > 0
        )
        styled()
        page.locator("article a", has_text="Environment").first.click()
        page.wait_for_url("**/themes/environment.html")
        assert page.locator("article li").count() >= 50
        page.get_by_role("link", name="Older stories").click()
        page.wait_for_url("**/themes/environment/page/2.html")
        styled()
        page.goto((site / "search.html").as_uri())
        page.get_by_role("link", name="Latest stories").click()
        page.wait_for_url("**/stories/index.html")
        assert page.locator("article li").count() == 50
        context.close()
        browser.close()
    assert problems == [], "\n".join(problems)
