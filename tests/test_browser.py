"""The built site in a real browser (Chromium via Playwright): search, accessibility, keyboard.

The fixture site is built once and served over HTTP on loopback under a sub-path, as GitHub
project pages serve it. Every test fails on a console error or on any request that would
leave the local server. axe-core comes from npm (tests/browser); Chromium from Debian
(/usr/bin/chromium) here, or Playwright's own on GitHub Actions. Under CI a missing browser
or axe-core is a failure, never a silent skip.
"""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, TinyArchive, mkdocs_build
from test_site_pages import make_site

SUB_PATH = "voices-of-big-local"
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI must run the browser tests: see .ci/run)")
    pytest.skip(what)


def _chromium() -> str | None:
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return None  # the workflow installs Playwright's own Chromium
    for candidate in (
        os.environ.get("VOICES_CHROMIUM"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    _missing("no Chromium found: install Debian's chromium or set VOICES_CHROMIUM")
    return None


STORY = "---\ntitle: {title}\ndate: {date}\nsummary: {summary}\nareas: [{areas}]\nthemes: [{themes}]\n---\n\n{body}\n"


def _write_fixture(root: Path) -> None:
    tiny = TinyArchive(root)
    tiny.area(
        "canvey",
        "---\nname: Canvey’s Big Local\nregion: east-of-england\n---\n\nThe island’s legacy.\n",
    )
    stories = {
        "garden": (
            "A garden for St Matthew's",
            "2021-04-10",
            "Residents planted a garden.",
            "par-bay",
            "environment",
            "The St Matthew's estate garden grew vegetables for the whole community.",
        ),
        "hub": (
            "The island hub opens its doors",
            "2022-05",
            "A new community hub.",
            "canvey",
            "spaces-and-services",
            "Canvey's community hub opened after years of planning.",
        ),
        "buses": (
            "Buses back for Ramsey",
            "2019",
            "Transport returns.",
            "ramsey",
            "spaces-and-services",
            "The community bus runs twice a week.",
        ),
        "land": (
            "Looking after the land at Par Bay",
            "2018",
            "Land management.",
            "par-bay",
            "environment, local-economies",
            "New models of land management for the community.",
        ),
    }
    for number in range(8):
        area = ["par-bay", "ramsey", "canvey"][number % 3]
        stories[f"news-{number}"] = (
            f"Community news item {number}",
            f"20{14 + number}",
            "Community news.",
            area,
            ["skills", "community-spirit"][number % 2],
            "Community news in brief.",
        )
    for slug, (title, date, summary, areas, themes, body) in stories.items():
        tiny.story(
            slug,
            STORY.format(
                title=f'"{title}"',
                date=date,
                summary=summary,
                areas=areas,
                themes=themes,
                body=body,
            ),
        )
    # The garden story gets a photo, as a folder story.
    (root / "stories" / "garden.md").unlink()
    from test_site_pages import jpeg

    title, date, summary, areas, themes, body = stories["garden"]
    tiny.story(
        "garden",
        STORY.format(
            title=f'"{title}"', date=date, summary=summary, areas=areas, themes=themes, body=body
        ).replace("themes:", "image:\n  src: garden.jpg\n  alt: Raised beds\nthemes:"),
        files={"garden.jpg": jpeg(2400, 1600)},
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser closing a connection early is not a test failure


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("archive")
    _write_fixture(root)
    make_site(_Existing(root))
    served = tmp_path_factory.mktemp("served")
    result = mkdocs_build(root / "mkdocs.yml", served / SUB_PATH)
    assert result.returncode == 0, result.stderr
    assert (served / SUB_PATH / "pagefind" / "pagefind.js").is_file(), (
        "the search index was not built"
    )
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{SUB_PATH}/"
    server.shutdown()
    server.server_close()


class _Existing:
    """make_site works on a TinyArchive; this gives it the root of one already written."""

    def __init__(self, root: Path) -> None:
        self.root = root


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = _chromium()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watched_page(context, problems: list[str], is_local, where: str):
    """A new page of ``context`` that refuses requests ``is_local`` rejects and records them,
    console errors and warnings and page errors in ``problems``."""

    def route(route):
        if not is_local(route.request.url):
            problems.append(f"request left {where}: {route.request.url}")
            return route.abort()
        return route.continue_()

    context.route("**/*", route)
    page = context.new_page()
    # Warnings too: a search library warns, not fails, when it is given an option it dropped.
    page.on(
        "console",
        lambda message: (
            message.type in ("error", "warning")
            and problems.append(f"console {message.type}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return page


@pytest.fixture
def page_factory(browser, base_url):
    """New pages that record console errors and warnings and refuse any request to another host."""
    contexts, problems = [], []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        local = urlsplit(base_url).netloc
        return watched_page(
            context, problems, lambda url: urlsplit(url).netloc == local, "the site"
        )

    yield make
    for context in contexts:
        context.close()
    assert problems == []


def _results(page) -> list[str]:
    """The result titles, once the search has finished showing them."""
    page.wait_for_function("""() => {
        const status = document.getElementById('voices-search-status').textContent;
        const shown = document.querySelectorAll('#voices-search-results li').length;
        return status.startsWith('No results') || (/ results? /.test(status) && shown > 0);
    }""")
    return page.locator("#voices-search-results h2 a").all_text_contents()


def _count(page) -> str:
    return page.locator("#voices-search-status").text_content()


def test_search_finds_the_right_story_first_and_filters_narrow_it(page_factory, base_url):
    page = page_factory()
    page.goto(base_url + "search/")
    page.fill("#voices-search-input", "garden")
    page.wait_for_function("document.querySelectorAll('#voices-search-results li').length > 0")
    assert _results(page)[0] == "A garden for St Matthew's"

    page.fill("#voices-search-input", "community")
    page.wait_for_function(
        "document.getElementById('voices-search-status').textContent.includes('“community”')"
    )
    everything = _count(page)
    page.get_by_label("Par Bay (", exact=False).check()
    page.wait_for_function(
        f"document.getElementById('voices-search-status').textContent !== {everything!r}"
    )
    in_par_bay = _count(page)
    page.get_by_label("Environment (", exact=False).check()
    page.wait_for_function(
        f"document.getElementById('voices-search-status').textContent !== {in_par_bay!r}"
    )
    narrowed = _count(page)
    assert int(everything.split()[0]) > int(in_par_bay.split()[0]) > int(narrowed.split()[0]) > 0
    assert (
        "q=community" in page.url and "area=Par+Bay" in page.url and "theme=Environment" in page.url
    )

    page.select_option("#voices-search-sort", "oldest")
    page.wait_for_function("location.search.includes('sort=oldest')")
    page.reload()  # the address alone brings back the same results, filters and order
    page.wait_for_function(
        f"document.getElementById('voices-search-status').textContent === {narrowed!r}"
    )
    assert page.get_by_label("Environment (", exact=False).is_checked()
    assert page.locator("#voices-search-sort").input_value() == "oldest"
    titles = _results(page)
    assert titles == [
        "Looking after the land at Par Bay",
        "A garden for St Matthew's",
    ]  # 2018, then 2021
    first = titles[0]
    page.locator("#voices-search-results h2 a").first.click()
    page.wait_for_load_state()
    assert "/stories/" in page.url and first in page.locator("h1").text_content()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Canvey’s", "The island hub opens its doors"),  # curly in the query, straight in the text
        ("Canvey's", "The island hub opens its doors"),
        ("St Matthews", "A garden for St Matthew's"),  # no apostrophe in the query
        ("St Matthew’s", "A garden for St Matthew's"),
    ],
)
def test_typographic_variants_match(page_factory, base_url, query, expected):
    page = page_factory()
    page.goto(base_url + "search/?q=" + query)
    assert expected in _results(page)


PAGES = {
    "home": "",
    "story": "stories/garden/",
    "area": "areas/par-bay/",
    "theme": "themes/environment/",
    "search": "search/?q=community&area=Par+Bay",
    "404": "404.html",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(page_factory, base_url, name, scheme, width):
    if not AXE.is_file():
        _missing("axe-core is not installed: run npm ci --prefix tests/browser")
    page = page_factory(color_scheme=scheme, viewport={"width": width, "height": 800})
    page.goto(base_url + PAGES[name])
    if name == "search":
        _results(page)
        page.wait_for_selector("#voices-search-filters fieldset")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


FOCUS_CHECK = """() => {
    const el = document.activeElement, box = el.getBoundingClientRect();
    const x = box.left + Math.min(box.width / 2, 20), y = box.top + box.height / 2;
    const hit = document.elementFromPoint(x, y);
    const header = hit && hit.closest('header');
    return {text: el.textContent.trim(), covered: !!header && !header.contains(el) && !el.contains(hit)};
}"""


def _press(page, key: str) -> dict:
    page.keyboard.press(key)
    focused = page.evaluate(FOCUS_CHECK)
    # The sticky header must never sit on top of the element that has focus.
    assert not focused["covered"], f"the header hides {focused['text']!r}"
    return focused


def test_keyboard_only_journey_from_home_to_a_story(page_factory, base_url):
    page = page_factory(viewport={"width": 1000, "height": 360})  # short, so focus must scroll
    page.goto(base_url)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "voices-q"
    page.keyboard.type("garden")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=garden")
    _results(page)
    for _ in range(80):
        if _press(page, "Tab")["text"] == "A garden for St Matthew's":
            break
    else:
        pytest.fail("Tab never reached the search result")
    for _ in range(12):  # backwards too: then focus arrives from above, where the header is
        _press(page, "Shift+Tab")
    for _ in range(80):
        if _press(page, "Tab")["text"] == "A garden for St Matthew's":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/stories/garden/")
    assert "A garden for St Matthew's" in page.locator("h1").text_content()


@pytest.mark.parametrize(
    ("width", "expected"), [(320, "garden-480.webp"), (1280, "garden-960.webp")]
)
def test_story_photo_loads_the_right_variant_without_layout_shift(
    page_factory, base_url, width, expected
):
    page = page_factory(viewport={"width": width, "height": 800}, device_scale_factor=1)
    page.add_init_script("""
        window.__shift = 0;
        new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__shift += e.value; })
            .observe({type: 'layout-shift', buffered: true});
    """)
    page.goto(base_url + "stories/garden/")
    image = page.locator(".voices-hero img")
    image.evaluate("img => img.complete || new Promise(done => img.addEventListener('load', done))")
    assert image.evaluate("img => img.currentSrc").endswith(expected)
    assert image.get_attribute("width") == "1600" and image.get_attribute("height") in (
        "1066",
        "1067",
    )
    assert page.evaluate("window.__shift") == 0


def test_a_page_view_fetches_only_what_the_page_needs(page_factory, base_url):
    """Material fetches sitemap.xml beside any rel=alternate link: at 10,000 stories that is a
    large download on every page view, so the feed link must not trigger it."""
    page = page_factory()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{base_url}stories/garden/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in fetched if "sitemap" in url]
    feed = page.locator('link[rel~="alternate"][type="application/atom+xml"]')
    assert feed.count() == 1 and feed.get_attribute("href").endswith(
        "feed.xml"
    )  # still discoverable


def test_a_first_search_shows_six_results_and_more_on_request(page_factory, base_url):
    """Six at first keeps a first search light on a phone; the rest are one click away."""
    page = page_factory()
    page.goto(base_url + "search/?q=news")
    assert len(_results(page)) == 6 and _count(page).startswith("11 results")
    more = page.locator("#voices-search-more")
    assert more.is_visible()
    more.click()
    page.wait_for_function("document.querySelectorAll('#voices-search-results li').length === 11")
    assert more.is_hidden()
