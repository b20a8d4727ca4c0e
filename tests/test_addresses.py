"""Addresses the site's own pages and files use cannot be taken by content (issue 15, item 7):
``voices check`` refuses an alias, a slug or a taxonomy entry that would collide with them,
where the build used to die with IsADirectoryError or FileExistsError."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ENV, GOOD_STORY, REPO

RESERVED_HINT = "an alias is an old address of this story, e.g. /stories/old-name/; remove this one"


def with_aliases(*aliases: str) -> str:
    return GOOD_STORY.replace(
        "themes: [environment]\n", f"themes: [environment]\naliases: [{', '.join(aliases)}]\n"
    )


@pytest.mark.parametrize(
    "alias",
    [
        "/feed.xml",
        "/FEED.XML",
        "/urls.txt",
        "/404.html",
        "/sitemap.xml",
        "/sitemap.xml.gz",
        "/robots.txt",
        "/assets/",
        "/assets/javascripts/bundle.js",
        "/data/stories.json",
        "/data/",
        "/schema/story.schema.json",
        "/pagefind/pagefind.js",
        "/themes/",
        "/themes/environment/page/2/",
        "/regions/",
        "/years/2019/",
        "/kinds/",
        "/programmes/big-local/",
        "/staff/gaps/",
        "/areas/par-bay/feed.xml",
        "/areas/old-name/",
        "/stories/page/2/",
        "/stories/index/",
        "/stories/old-name/photo.jpg",
        "/guide/old-page/",
        "/policies/privacy/",
    ],
)
def test_an_alias_onto_the_sites_own_pages_and_files_is_refused(tiny, alias):
    (tiny.root / "docs" / "guide").mkdir()
    (tiny.root / "docs" / "guide" / "index.md").write_text("# Guide\n", encoding="utf-8")
    (tiny.root / "docs" / "policies.md").write_text("# Policies\n", encoding="utf-8")
    tiny.story("moved", with_aliases(alias))
    assert [str(p) for p in tiny.problems()] == [
        (
            f"stories/moved.md:7: aliases[1]: {alias} is an address the archive's own pages and files use "
            f"({RESERVED_HINT})"
        )
    ]


@pytest.mark.parametrize(
    "alias",
    [
        "/stories/old-name/",
        "/stories/old-name",
        "/stories/old-name.html",
        "/news/buses.html",
        "/news/2019/buses/",
        "/feeds/old.xml",
    ],
)
def test_an_old_address_outside_them_is_fine(tiny, alias):
    tiny.story("moved", with_aliases(alias))
    assert tiny.problems() == []


def test_an_alias_onto_a_page_that_exists_says_which(tiny):
    (tiny.root / "docs" / "search.md").write_text("# Search\n", encoding="utf-8")
    tiny.story("other", GOOD_STORY)
    tiny.story("moved", with_aliases("/search/", "/stories/other/", "/"))
    hint = "an alias is an old address that no longer has its own page"
    assert [str(p) for p in tiny.problems()] == [
        f"stories/moved.md:7: aliases[1]: /search/ is the address of a page that exists (docs/ page) ({hint})",
        (
            f"stories/moved.md:7: aliases[2]: /stories/other/ is the address of a page that exists "
            f"(stories/other.md) ({hint})"
        ),
        f"stories/moved.md:7: aliases[3]: / is the address of a page that exists (docs/ page) ({hint})",
    ]


@pytest.mark.parametrize(
    "alias", ["/./feed.xml", "/data//stories.json", "//tracker.example/x", "/a\\\\b/"]
)
def test_an_alias_that_names_another_address_than_it_seems(tiny, alias):
    tiny.story("moved", with_aliases(f'"{alias}"'))
    shown = alias.replace("\\\\", "\\")
    assert [str(p) for p in tiny.problems()] == [
        (
            f"stories/moved.md:7: aliases[1]: “{shown}” is not a path on this site (write the old address without "
            "the domain, starting with /, e.g. /stories/old-name/)"
        )
    ]


def test_an_alias_inside_another_alias_is_refused(tiny):
    tiny.story("one", with_aliases("/news/buses.html"))
    tiny.story("two", with_aliases("/news/buses.html/more/"))
    assert [str(p) for p in tiny.problems()] == [
        (
            "stories/two.md:7: aliases[1]: /news/buses.html/more/ is inside another alias's address "
            "(/news/buses.html) (keep one of the two; an old address ending in .html cannot hold others)"
        )
    ]


@pytest.mark.parametrize("folder", ["stories", "areas"])
def test_a_story_or_area_called_index_is_refused(tiny, folder):
    text = GOOD_STORY if folder == "stories" else "---\nname: Index\n---\n"
    (tiny.root / folder / "index.md").write_text(text, encoding="utf-8")
    assert [str(p) for p in tiny.problems()] == [
        (
            f"{folder}/index.md:1: file name: “index” cannot be the name of a story or area: /{folder}/index/ is the "
            f"list of all {folder} (rename the file to a short name of its own, e.g. our-garden.md)"
        )
    ]


def test_a_theme_called_index_is_refused(tiny):
    taxonomy = tiny.root / "taxonomy.yml"
    text = taxonomy.read_text(encoding="utf-8")
    first_theme = text.index("slug:", text.index("themes:"))
    end = text.index("\n", first_theme)
    taxonomy.write_text(text[:first_theme] + "slug: index" + text[end:], encoding="utf-8")
    line = text.count("\n", 0, first_theme) + 1
    problems = [str(p) for p in tiny.problems() if p.path == "taxonomy.yml"]
    assert problems == [
        (
            f"taxonomy.yml:{line}: themes[1].slug: “index” cannot be a slug: /themes/index/ is the "
            "list of all themes (give the entry a name of its own)"
        )
    ]


def test_voices_check_refuses_what_the_build_could_not_write(tiny):
    # Each of these passed the check and then stopped the build with IsADirectoryError.
    tiny.story("moved", with_aliases("/feed.xml", "/urls.txt", "/data/stories.json", "/assets/"))
    result = subprocess.run(
        [sys.executable, "-m", "voices", "--root", str(tiny.root), "check"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert [line.split(": ", 2)[1] for line in result.stdout.splitlines()] == [
        "aliases[1]",
        "aliases[2]",
        "aliases[3]",
        "aliases[4]",
    ]
    assert "Traceback" not in result.stderr


def test_every_address_a_build_writes_at_the_top_is_reserved(repo_site):
    """The list in voices/site/addresses.py cannot fall behind the build: everything at the top of a real
    site, other than what docs/ holds, is in it."""
    from voices.content.loading import reserved_top_level

    written = {entry.name.casefold() for entry in repo_site.iterdir()}
    assert written - reserved_top_level(REPO) == set()
