"""A rebuild converts only the pages that changed, and gives the same site a fresh build gives."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from conftest import mkdocs_build
from test_site_pages import make_site, story

from voices.build.render_cache import RENDER_CACHE, RenderCache, Rendered

BODY = "## Spring\n\nPlanting began.\n\n- seeds\n- soil\n"


def reuse_line(stderr: str) -> tuple[int, int]:
    """(pages reused, pages converted) from the build's render cache line."""
    match = re.search(r"Render cache: (\d+) page\(s\) reused, (\d+) converted", stderr)
    assert match, stderr
    return int(match.group(1)), int(match.group(2))


def build(root: Path, site: str, *extra: str):
    return mkdocs_build(root / "mkdocs.yml", root / site, *extra, cwd=root)


def files_of(site: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def test_a_rebuild_after_one_edit_converts_that_page_alone_and_matches_a_fresh_build(tiny):
    tiny.story(
        "garden", story("Garden", "2019-05-01", body=BODY + "\nRead [about buses](story:buses).\n")
    )
    tiny.story("buses", story("Buses", "2020-02-01", body="## Routes\n\nThe number 7 came back."))
    tiny.story("cafe", story("Cafe", "2021-03-01"))
    root = make_site(tiny)
    first = build(root, "site-1")
    assert first.returncode == 0, first.stderr
    assert reuse_line(first.stderr)[0] == 0  # a cold build has nothing to reuse

    tiny.story(
        "buses",
        story("Buses", "2020-02-01", body="## Routes\n\nThe number 7 came back on Sundays."),
    )
    again = build(root, "site-2")
    assert again.returncode == 0, again.stderr
    reused, converted = reuse_line(again.stderr)
    assert converted == 1 and reused > 10, again.stderr
    assert "on Sundays" in (root / "site-2" / "stories" / "buses" / "index.html").read_text(
        encoding="utf-8"
    )

    shutil.rmtree(root / RENDER_CACHE)
    fresh = build(root, "site-3")
    assert fresh.returncode == 0, fresh.stderr
    assert files_of(root / "site-2") == files_of(
        root / "site-3"
    )  # byte for byte, search index included


def test_a_kept_page_still_fails_the_build_when_a_page_it_links_to_is_removed(tiny):
    root = make_site(tiny)
    (root / "docs" / "visit.md").write_text(
        "# Visit\n\nSee [the opening times](times.md).\n", encoding="utf-8"
    )
    (root / "docs" / "times.md").write_text("# Times\n\nMondays.\n", encoding="utf-8")
    assert build(root, "site").returncode == 0

    (root / "docs" / "times.md").unlink()  # visit.md itself is unchanged
    (
        root / "urls.txt"
    ).unlink()  # else the address registry stops the build before any page converts
    result = build(root, "site")
    assert result.returncode != 0
    assert "'visit.md' contains a link 'times.md'" in result.stderr


def test_a_page_whose_conversion_logged_a_message_logs_it_again_on_every_build(tiny):
    root = make_site(tiny)
    (root / "docs" / "times.md").write_text("# Times\n\nMondays.\n", encoding="utf-8")
    (root / "docs" / "visit.md").write_text(
        "# Visit\n\nSee [the times](/times.md).\n", encoding="utf-8"
    )
    (root / "docs" / "route.md").write_text("# Route\n\nSee [the map](map.md).\n", encoding="utf-8")
    for _ in range(2):
        result = build(root, "site", "--no-strict")
        assert result.returncode == 0, result.stderr
        # Once each, though pages are converted ahead on every core and again by MkDocs.
        assert (
            result.stderr.count("'visit.md' contains an absolute link '/times.md'") == 1
        )  # found, but absolute
        assert result.stderr.count("'route.md' contains a link 'map.md'") == 1  # not found


def test_changing_the_markdown_settings_converts_every_page_again(tiny):
    tiny.story("garden", story("Garden", "2019-05-01", body=BODY))
    root = make_site(tiny)
    assert build(root, "site").returncode == 0
    page = root / "site" / "stories" / "garden" / "index.html"
    assert 'class="headerlink"' in page.read_text(encoding="utf-8")  # toc: permalink: true

    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("permalink: true", "permalink: false"),
        encoding="utf-8",
    )
    result = build(root, "site")
    assert result.returncode == 0, result.stderr
    assert reuse_line(result.stderr)[0] == 0
    assert 'class="headerlink"' not in page.read_text(encoding="utf-8")


def test_an_unreadable_entry_is_converted_again(tiny):
    tiny.story("garden", story("Garden", "2019-05-01", body=BODY))
    root = make_site(tiny)
    assert build(root, "site-1").returncode == 0
    for entry in (root / RENDER_CACHE).rglob("*.json"):
        entry.write_text("{not json", encoding="utf-8")  # as if a build had been cut off
    result = build(root, "site-2")
    assert result.returncode == 0, result.stderr
    assert reuse_line(result.stderr)[0] == 0
    assert files_of(root / "site-1") == files_of(root / "site-2")


def test_entries_unused_for_a_month_are_removed_and_used_ones_kept(tmp_path):
    cache = RenderCache(tmp_path, "settings")
    entry = Rendered(
        content="<p>x</p>",
        toc_tokens=[],
        title=None,
        anchor_ids=[],
        links_to_anchors={},
        lookups={},
    )
    old, used = cache.key("old.md", "old/", "old"), cache.key("used.md", "used/", "used")
    cache.put(old, entry)
    cache.put(used, entry)
    two_months_ago = time.time() - 60 * 86400
    for key in (old, used):
        os.utime(cache._path(key), (two_months_ago, two_months_ago))

    later = RenderCache(tmp_path, "settings")  # the next build uses one of them
    assert later.get(used, lambda path: None) is not None
    assert later.prune() == 1
    assert later.get(old, lambda path: None) is None
    assert later.get(used, lambda path: None) is not None
