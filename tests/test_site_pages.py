"""Build a tiny fixture site under a sub-path with the real hooks and read the HTML a reader gets."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import REPO, SMALL_JPEG, SMALL_MP3, mkdocs_build

SITE_URL = "https://example.org/voices-of-big-local/"
BASE = urlsplit(SITE_URL).path


def story(
    title: str,
    date: str,
    areas: str = "[par-bay]",
    themes: str = "[environment]",
    more: str = "",
    body: str = "",
) -> str:
    return (
        f"---\ntitle: {title}\ndate: {date}\nsummary: About {title}.\nareas: {areas}\n"
        f"themes: {themes}\n{more}---\n\n{body or 'Body of ' + title + '.'}\n"
    )


def make_site(tiny) -> Path:
    root = tiny.root
    shutil.copytree(REPO / "hooks", root / "hooks")
    shutil.copytree(REPO / "docs" / "overrides", root / "docs" / "overrides")
    shutil.copytree(REPO / "docs" / "assets", root / "docs" / "assets")
    shutil.copy(REPO / "docs" / "search.md", root / "docs" / "search.md")
    for page in ("policies/corrections-and-withdrawals.md",):
        (root / "docs" / page).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / page).write_text("# Corrections\n", encoding="utf-8")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config[: config.index("\nnav:")] + "\n"  # the fixture has no hand-written nav pages
    config = config.replace("  - voices\n", "")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    settings = (root / "archive.yml").read_text(encoding="utf-8")
    (root / "archive.yml").write_text(
        re.sub(r"site_url: \S+", f"site_url: {SITE_URL}", settings), encoding="utf-8"
    )
    return root


def build(tiny) -> tuple[Path, str]:
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site", result.stderr


@pytest.fixture
def site(tiny) -> Path:
    tiny.area(
        "ramsey",
        "---\nname: Ramsey\nregion: east-of-england\nlocal_authority: Huntingdonshire\n---\n\n"
        "The town's legacy. See [the bus story](story:buses).\n",
    )
    tiny.story(
        "garden",
        story(
            "The garden opens",
            "2019-06-14",
            more="authors: [Jo Example]\n",
            body="## Spring\n\nPlanting began. Read [about buses](story:buses).",
        ),
    )
    tiny.story(
        "buses",
        story(
            "Buses for Ramsey",
            "2018",
            areas="[ramsey, par-bay]",
            themes="[spaces-and-services]",
            more="kind: report\naliases: [/stories/old-buses/, /news/buses.html]\n",
        ),
    )
    tiny.story(
        "secret",
        story("Secret plans", "2020", more="status: draft\n", body="Draftword unpublished."),
    )
    tiny.story(
        "gone",
        "---\ntitle: Gone story\ndate: 2017\nareas: [par-bay]\nthemes: [skills]\n"
        "status: withdrawn\nwithdrawn:\n  date: 2026-01-05\n  reason: at-request-of-contributor\n---\n",
    )
    tiny.story(
        "erased",
        "---\ndate: 2016\nareas: [par-bay]\nthemes: [skills]\nstatus: withdrawn\n"
        "withdrawn:\n  date: 2026-02-01\n  reason: safeguarding\n  erase_title: true\n---\n",
    )
    site, _ = build(tiny)
    return site


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_story_page_shows_everything_a_reader_needs(site):
    page = read(site, "stories/garden")
    assert "<h1" in page and "The garden opens" in page
    assert "14 June 2019" in page and "By Jo Example" in page
    assert 'href="../../areas/par-bay/"' in page and 'href="../../themes/environment/"' in page
    assert "About The garden opens." in page and "Planting began." in page
    assert "Cite this story" in page and f"{SITE_URL}stories/garden/" in page and "[date]" in page
    assert "Creative Commons Attribution 4.0" in page
    assert 'href="../buses/"' in page  # story: link resolved
    assert "Related stories" in page


def test_story_metadata_for_search_engines_and_reference_managers(site):
    page = read(site, "stories/garden")
    assert '<html lang="en-GB"' in page
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert data["@type"] == "Article" and data["headline"] == "The garden opens"
    assert '<meta name="citation_title" content="The garden opens">' in page
    assert '<meta name="citation_publication_date" content="2019/06/14">' in page
    assert 'property="og:title"' in page
    assert "/edit/main/stories/garden.md" in page  # edit this page


def test_story_appears_on_every_listing(site):
    for url in (
        "areas/par-bay",
        "areas/ramsey",
        "themes/spaces-and-services",
        "regions/east-of-england",
        "regions/south-west",
        "years/2018",
        "kinds/report",
        "programmes/big-local",
        "stories",
    ):
        assert "Buses for Ramsey" in read(site, url), url
    assert "Buses for Ramsey" not in read(site, "kinds/story")


def test_area_page(site):
    page = read(site, "areas/ramsey")
    assert (
        "Huntingdonshire" in page
        and "East of England" in page
        and "The town&rsquo;s legacy" in page
        or "The town's legacy" in page
    )
    assert 'href="../../stories/buses/"' in page
    assert "not yet recorded" in read(site, "areas/par-bay")  # par-bay has no local authority


def test_withdrawn_story_leaves_only_a_notice(site):
    page = read(site, "stories/gone")
    assert (
        "Gone story" in page
        and "5 January 2026" in page
        and "at the request of a contributor" in page
    )
    assert '<meta name="robots" content="noindex">' in page
    erased = read(site, "stories/erased")
    assert "Story withdrawn" in erased and "safeguarding" in erased
    for file in site.rglob("*"):
        if (
            file.is_file()
            and file.suffix in (".html", ".xml", ".json", ".txt")
            and "stories/gone" not in str(file)
        ):
            assert "Gone story" not in file.read_text(encoding="utf-8", errors="ignore"), file
    assert "stories/gone/" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_draft_is_absent_from_a_build(site):
    assert not (site / "stories" / "secret").exists()
    for file in site.rglob("*.html"):
        assert "Draftword" not in file.read_text(
            encoding="utf-8"
        ) and "Secret plans" not in file.read_text(encoding="utf-8")


def test_aliases_redirect(site):
    for old, relative in (
        ("stories/old-buses/index.html", "../buses/"),
        ("news/buses.html", "../stories/buses/"),
    ):
        page = (site / old).read_text(encoding="utf-8")
        assert f'<meta http-equiv="refresh" content="0; url={relative}">' in page
        assert f'<link rel="canonical" href="{SITE_URL}stories/buses/">' in page


def test_sitemap_has_published_pages_with_real_dates(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITE_URL}stories/garden/</loc>" in sitemap
    assert re.search(r"stories/garden/</loc>\s*<lastmod>\d{4}-\d{2}-\d{2}</lastmod>", sitemap)


def test_404_page(site):
    page = (site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in page and f'href="{BASE}areas/"' in page
    assert '<html lang="en-GB"' in page


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def test_every_internal_link_resolves_under_the_sub_path(site):
    checked = 0
    for file in site.rglob("*.html"):
        rel = file.relative_to(site).as_posix()
        if rel == "404.html":
            continue
        page_url = "https://example.org" + BASE + rel.removesuffix("index.html")
        parser = _Links()
        parser.feed(file.read_text(encoding="utf-8"))
        for url in parser.urls:
            absolute = urlsplit(urljoin(page_url, url))
            if absolute.scheme not in ("http", "https") or absolute.netloc != "example.org":
                continue
            assert absolute.path.startswith(BASE), f"{rel}: {url} leaves the site's sub-path"
            target = site / unquote(absolute.path[len(BASE) :])
            if absolute.path.endswith("/"):
                target = target / "index.html"
            assert target.exists(), f"{rel}: {url} → {target} does not exist"
            checked += 1
    assert checked > 100


def test_build_reports_what_it_published(tiny):
    tiny.story("one", story("One", "2019"))
    _, log = build(tiny)
    assert "Published 1 stories" in log and "2 areas" in log and "load and validate" in log


def test_unsafe_body_fails_the_build_with_file_and_line(tiny):
    tiny.story("bad", story("Bad", "2019", body="Hello\n\n<script>alert(1)</script>\n"))
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode != 0
    assert "stories/bad.md:11: body: the HTML tag <script> is not allowed" in result.stderr


def test_link_to_a_missing_story_fails_the_build(tiny):
    tiny.story("a", story("A", "2019", body="See [b](story:missing)."))
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert "stories/a.md:9: body: links to story:missing, which does not exist" in result.stderr


def test_published_address_cannot_disappear(tiny):
    tiny.story("one", story("One", "2019"))
    tiny.story("two", story("Two", "2019"))
    root = make_site(tiny)
    assert mkdocs_build(root / "mkdocs.yml", root / "site").returncode == 0
    assert "/stories/two/" in (root / "urls.txt").read_text(encoding="utf-8")
    # The site serves the record too: the next deploy reads it back (scripts/live-addresses).
    assert (root / "site" / "urls.txt").read_text(encoding="utf-8") == (
        root / "urls.txt"
    ).read_text(encoding="utf-8")
    (root / "stories" / "two.md").unlink()
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode != 0
    assert "/stories/two/ was published before and would now disappear" in result.stderr


def test_home_and_browse_indexes(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Latest stories" in home and 'href="stories/garden/"' in home
    regions = read(site, "regions")
    assert "East of England" in regions and 'href="../areas/ramsey/"' in regions
    assert "Region not yet recorded" not in regions  # both fixture areas have a region
    assert "2019" in read(site, "years") and "The garden opens" in read(site, "years/2019")


def test_site_at_a_domain_root_links_resolve(tiny):
    tiny.story("one", story("One", "2019", body="See [two](story:two)."))
    tiny.story("two", story("Two", "2018", areas="[ramsey]"))
    root = make_site(tiny)
    settings = (root / "archive.yml").read_text(encoding="utf-8")
    (root / "archive.yml").write_text(
        settings.replace(SITE_URL, "https://voices.example.org/"), encoding="utf-8"
    )
    assert mkdocs_build(root / "mkdocs.yml", root / "site").returncode == 0
    page = read(root / "site", "stories/one")
    assert 'href="../two/"' in page and "https://voices.example.org/stories/one/" in page


def test_story_pages_stay_small(site):
    for file in (site / "stories").glob("*/index.html"):
        assert file.stat().st_size < 40_000, file


def test_text_with_markup_characters_is_shown_not_run(tiny):
    tiny.story(
        "chips",
        '---\ntitle: "Fish & chips *now* [offer]"\ndate: 2019\nsummary: "A <3 deal"\n'
        "areas: [par-bay]\nthemes: [skills]\n---\n",
    )
    site, _ = build(tiny)
    page = read(site, "stories/chips")
    assert re.search(r"<h1[^>]*>Fish &amp; chips \*now\* \[offer\]<a", page)
    assert "<title>Fish &amp; chips *now* [offer]" in page
    assert "A &lt;3 deal" in page


def test_preview_shows_drafts_with_a_banner(tiny):
    from voices.build.session import SiteBuild

    tiny.story("secret", story("Secret plans", "2020", more="status: draft\n"))
    site, problems = SiteBuild.load(tiny.root, preview=True)
    assert problems == []
    page = site.pages["stories/secret.md"]
    assert page.kind == "draft" and "voices-draft-banner" in page.markdown
    assert (
        site.page_meta("stories/secret.md")["voices_head"]
        == '<meta name="robots" content="noindex">'
    )
    published, _ = SiteBuild.load(tiny.root)
    assert "stories/secret.md" not in published.pages


def test_serve_previews_drafts_and_reloads_on_change(tiny):
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from conftest import ENV

    tiny.story("secret", story("Secret plans", "2020", more="status: draft\n"))
    root = make_site(tiny)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "-f",
            str(root / "mkdocs.yml"),
            "-a",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )

    def fetch(path: str, until: str, seconds: float = 30) -> str:
        deadline, body = time.monotonic() + seconds, ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}") as response:
                    body = response.read().decode("utf-8")
                if until in body:
                    return body
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{path} never showed {until!r}; last page: {body[:200]!r}")

    try:
        page = fetch("stories/secret/", "Secret plans")
        assert "voices-draft-banner" in page
        (root / "stories" / "secret.md").write_text(
            story("Secret plans revised", "2020", more="status: draft\n"), encoding="utf-8"
        )
        fetch("stories/secret/", "Secret plans revised")
    finally:
        server.terminate()
        server.wait(timeout=10)


def jpeg(width: int = 1200, height: int = 800, gps: bool = False) -> bytes:
    """A real photo-like JPEG, optionally carrying a GPS position (as phones write it)."""
    import io

    from PIL import Image

    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_folder_story_with_photo_media_and_documents(tiny):
    tiny.story(
        "hub",
        story(
            "The hub opens",
            "2021-03",
            more=(
                "image:\n  src: hub.jpg\n  alt: The new hub's front door\n  credit: Photo by Example Group\n"
                "media:\n  - src: talk.mp3\n    type: audio\n    title: A talk\n    transcript: talk.md\n"
                "  - url: https://video.example.org/film\n    type: video\n    transcript: Words spoken in the film.\n"
                "attachments:\n  - src: report.pdf\n    title: Annual report\n"
            ),
        ),
        files={
            "hub.jpg": jpeg(),
            "talk.mp3": SMALL_MP3,
            "talk.md": b"Transcriptword said here.",
            "report.pdf": b"%PDF-1.4 example",
            "unused.jpg": SMALL_JPEG,
        },
    )
    site, log = build(tiny)
    page = read(site, "stories/hub")
    assert "The new hub&#x27;s front door" in page and "Photo by Example Group" in page
    assert (
        '<source type="image/webp" srcset="hub-480.webp 480w, hub-960.webp 960w, hub-1200.webp 1200w"'
        in page
    )
    assert re.search(
        r'<img src="hub-960.jpg" srcset="[^"]*" sizes="[^"]*" width="1200" height="800"', page
    )
    assert (
        "loading=" not in page.split("voices-hero")[1].split("</figure>")[0]
    )  # the hero loads at once
    assert re.search(r'<audio controls(="")? preload="none" src="talk.mp3">', page)
    assert "Transcriptword said here." in page
    assert "opens on another site" in page and "Words spoken in the film." in page
    assert 'href="report.pdf"' in page and "Annual report" in page
    assert "(PDF, 1 KB)" in page
    for name in ("hub-480.webp", "hub-1200.jpg", "talk.mp3", "report.pdf"):
        assert (site / "stories" / "hub" / name).is_file()
    assert not (site / "stories" / "hub" / "hub.jpg").exists()  # originals are never published
    assert not (site / "stories" / "hub" / "unused.jpg").exists()
    assert "1 images (1 encoded" in log


def test_without_javascript_browse_pages_reach_every_story(tiny):
    for number in range(65):  # more than the home page, the latest list or one browse page holds
        tiny.story(
            f"s{number}", story(f"Story {number}", f"20{10 + number % 12}-{1 + number % 12:02d}")
        )
    site, _ = build(tiny)
    seen, queue, reached = {"index.html"}, ["index.html"], set()
    while queue:
        current = queue.pop()
        parser = _Links()
        parser.feed((site / current).read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(urljoin("https://example.org" + BASE + current, url))
            if (
                parts.netloc != "example.org"
                or not parts.path.startswith(BASE)
                or not parts.path.endswith("/")
            ):
                continue
            target = parts.path[len(BASE) :] + "index.html"
            if target not in seen and (site / target).is_file():
                seen.add(target)
                queue.append(target)
                if target.startswith("stories/") and target.count("/") == 2:
                    reached.add(target.split("/")[1])
    assert reached == {f"s{number}" for number in range(65)}


def test_images_are_cached_between_builds(tiny):
    from voices.build.session import SiteBuild

    tiny.story(
        "one",
        story("One", "2019", more="image:\n  src: a.jpg\n  alt: A\n"),
        files={"a.jpg": jpeg(), "b.jpg": jpeg(900, 600)},
    )
    (tiny.root / "stories" / "one" / "index.md").write_text(
        story(
            "One",
            "2019",
            more="image:\n  src: a.jpg\n  alt: A\n",
            body="Text.\n\n![The second](b.jpg)",
        ),
        encoding="utf-8",
    )
    first, _ = SiteBuild.load(tiny.root)
    assert first.images.encoded == 2
    assert 'loading="lazy"' in first.images.pictures[("stories/one", "b.jpg")]
    again, _ = SiteBuild.load(tiny.root)
    assert again.images.encoded == 0  # nothing re-encoded
    (tiny.root / "stories" / "one" / "b.jpg").write_bytes(jpeg(800, 600))
    changed, _ = SiteBuild.load(tiny.root)
    assert changed.images.encoded == 1  # only the changed image


def test_photo_carrying_gps_is_refused_with_the_fix(tiny):
    tiny.story(
        "gps",
        story("GPS", "2019", more="image:\n  src: phone.jpg\n  alt: A street\n"),
        files={"phone.jpg": jpeg(gps=True)},
    )
    problem = tiny.only("image.src")
    assert problem.line == 8 and "location (GPS)" in problem.message
    assert "voices scrub stories/gps/phone.jpg" in problem.hint


def test_body_image_needs_alt_text_or_an_explicit_decorative_mark(tiny):
    tiny.story(
        "body",
        story("Body", "2019", body='![](a.jpg)\n\n![](b.jpg){: alt="" }'),
        files={"a.jpg": jpeg(), "b.jpg": jpeg()},
    )
    problems = [p for p in tiny.problems() if p.field == "body"]
    assert (
        len(problems) == 1
        and problems[0].line == 9
        and "a.jpg has no alt text" in problems[0].message
    )


def test_area_in_folder_form_publishes_its_photos(tiny):
    (tiny.root / "areas" / "ramsey.md").unlink()
    folder = tiny.root / "areas" / "ramsey"
    folder.mkdir()
    (folder / "index.md").write_text(
        "---\nname: Ramsey\n---\n\n![The market square](square.jpg)\n", encoding="utf-8"
    )
    (folder / "square.jpg").write_bytes(jpeg(1000, 500))
    site, _ = build(tiny)
    page = read(site, "areas/ramsey")
    assert 'alt="The market square"' in page and 'loading="lazy"' in page
    assert (site / "areas" / "ramsey" / "square-960.webp").is_file()
    assert not (site / "areas" / "ramsey" / "square.jpg").exists()


def test_browse_pages_published_before_never_disappear(tiny):
    for number in range(52):
        tiny.story(f"s{number}", story(f"Story {number}", "2019"))
    tiny.story("only-2015", story("The only story of 2015", "2015"))
    root = make_site(tiny)
    assert mkdocs_build(root / "mkdocs.yml", root / "site").returncode == 0
    assert (root / "site" / "themes" / "environment" / "page" / "2" / "index.html").is_file()
    notice = (
        "---\ntitle: {t}\ndate: {d}\nareas: [par-bay]\nthemes: [environment]\nstatus: withdrawn\n"
        "withdrawn:\n  date: 2026-01-05\n  reason: rights\n---\n"
    )
    for number in range(10):
        tiny.story(f"s{number}", notice.format(t=f"Story {number}", d="2019"))
    tiny.story("only-2015", notice.format(t="The only story of 2015", d="2015"))
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    assert "No stories are listed here any more" in read(root / "site", "themes/environment/page/2")
    assert "No stories are listed here any more" in read(root / "site", "years/2015")


def test_story_and_area_pages_link_suggest_a_correction_to_their_file(tiny):
    settings = (tiny.root / "archive.yml").read_text(encoding="utf-8")
    settings = re.sub(
        r"repository_url: \S+", "repository_url: https://github.com/some-fork/archive", settings
    )
    (tiny.root / "archive.yml").write_text(
        settings.replace("edit_branch: main", "edit_branch: trunk"), encoding="utf-8"
    )
    tiny.story("hub", story("The hub", "2020"), files={})
    tiny.story(
        "gone",
        "---\ntitle: Gone story\ndate: 2017\nareas: [par-bay]\nthemes: [skills]\n"
        "status: withdrawn\nwithdrawn:\n  date: 2026-01-05\n  reason: at-request-of-contributor\n---\n",
    )
    site, _ = build(tiny)
    link = re.compile(r'<a href="([^"]+)" rel="nofollow">Suggest a correction</a>')
    assert link.findall(read(site, "stories/hub")) == [
        "https://github.com/some-fork/archive/edit/trunk/stories/hub/index.md"
    ]
    assert link.findall(read(site, "areas/par-bay")) == [
        "https://github.com/some-fork/archive/edit/trunk/areas/par-bay.md"
    ]
    assert not link.findall(read(site, "stories/gone"))  # a notice is not for correcting
    assert not link.findall(read(site, "areas"))


def test_the_sharing_picture_is_a_file_the_site_serves(tiny):
    # Sharing cards and search engines fetch og:image and the JSON-LD image: never the original
    # photo, which the site does not publish, but its widest copy.
    tiny.story(
        "pictured",
        story("Pictured", "2019", more="image:\n  src: garden.jpg\n  alt: A raised bed\n"),
        files={"garden.jpg": SMALL_JPEG},
    )
    site, _ = build(tiny)
    page = (site / "stories" / "pictured" / "index.html").read_text(encoding="utf-8")
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', page)
    assert og_image, "a story with a photo has a sharing picture"
    ld = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    images = {
        og_image.group(1),
        *(
            item.get("image")
            for item in (ld if isinstance(ld, list) else [ld])
            if isinstance(item, dict) and item.get("image")
        ),
    }
    for address in images:
        assert address.startswith(SITE_URL)
        served = site / unquote(address.removeprefix(SITE_URL))
        assert served.is_file() and served.name != "garden.jpg", address
