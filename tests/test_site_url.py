"""The site's address has one source, archive.yml (issue 15, item 11): every address a page
names comes from it, and a different site_url in mkdocs.yml is an error, never silently one of two."""

from __future__ import annotations

import json
import re

import pytest
from conftest import GOOD_STORY, mkdocs_build
from test_site_pages import SITE_URL, make_site


def site_with(tiny, extra_config: str = "", offline: bool = False):
    tiny.story("garden", GOOD_STORY)
    root = make_site(tiny)
    config = root / "mkdocs.yml"
    config.write_text(extra_config + config.read_text(encoding="utf-8"), encoding="utf-8")
    if offline:
        (root / "mkdocs.offline.yml").write_text(
            f"INHERIT: mkdocs.yml\n{extra_config}use_directory_urls: false\n", encoding="utf-8"
        )
        config = root / "mkdocs.offline.yml"
    return root, mkdocs_build(config, root / "site", cwd=root)


def addresses(site) -> set[str]:
    """Every absolute address of the story page that the page, sitemap, feed and data name."""
    page = (site / "stories" / "garden" / "index.html").read_text(encoding="utf-8")
    found = set(re.findall(r'<link rel="canonical" href="([^"]+)"', page))
    found |= set(re.findall(r'<meta property="og:url" content="([^"]+)"', page))
    found |= set(re.findall(r'<meta name="citation_public_url" content="([^"]+)"', page))
    found |= {
        json.loads(block).get("url")
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL
        )
    } - {None}
    found |= set(
        re.findall(
            r"<loc>([^<]*stories/garden/)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8")
        )
    )
    found |= set(
        re.findall(
            r'href="([^"]*stories/garden/)"', (site / "feed.xml").read_text(encoding="utf-8")
        )
    )
    found |= {
        record["url"]
        for record in json.loads((site / "data" / "stories.json").read_text(encoding="utf-8"))
    }
    return found


@pytest.mark.parametrize(
    "extra",
    ["", f"site_url: {SITE_URL}\n", f"site_url: {SITE_URL.rstrip('/')}\n"],
    ids=["unset", "same", "same-without-slash"],
)
def test_every_address_comes_from_archive_yml(tiny, extra):
    root, result = site_with(tiny, extra)
    assert result.returncode == 0, result.stderr
    assert addresses(root / "site") == {f"{SITE_URL}stories/garden/"}


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline-inherited"])
def test_a_different_site_url_in_mkdocs_yml_is_an_error(tiny, offline):
    root, result = site_with(
        tiny, "site_url: https://elsewhere.example/archive/\n", offline=offline
    )
    assert result.returncode != 0
    assert (
        "site_url: https://elsewhere.example/archive/ is not archive.yml's site_url "
        f"({SITE_URL}); the site's address is set in archive.yml only"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "site" / "stories" / "garden" / "index.html").exists()
