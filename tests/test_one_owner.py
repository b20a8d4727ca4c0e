"""One owner per job in the core: page addresses are made in voices/site/addresses.py, the archive's
language is voices.content.settings.LANGUAGE and the licence lookup is ArchiveSettings.licence.

Read with ``ast`` from the source: a second copy of an address pattern, of the language or of
the licence search is how two parts of the site come to disagree after one of them changes.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

SECTIONS = ("stories/", "areas/", "/stories/", "/areas/")


def _trees(root: Path) -> dict[str, ast.AST]:
    return {
        file.relative_to(root).as_posix(): ast.parse(file.read_text(encoding="utf-8"))
        for file in sorted((root / "voices").rglob("*.py"))
    }


def hand_made_addresses(root: Path) -> list[str]:
    """f-strings that build a story's or area's address from a slug (``f"stories/{slug}/"``)
    anywhere but addresses.py."""
    found = []
    for name, tree in _trees(root).items():
        if name == "voices/site/addresses.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if (
                    isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                    and first.value in SECTIONS
                    and len(node.values) > 1
                ):
                    found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_pages_addresses_are_made_by_addresses_py_only():
    assert hand_made_addresses(REPO) == []


def test_a_hand_made_address_is_found(tmp_path):
    (tmp_path / "voices" / "site").mkdir(parents=True)
    (tmp_path / "voices" / "site" / "addresses.py").write_text(
        'def story_url(slug):\n    return f"stories/{slug}/"\n'
    )
    (tmp_path / "voices" / "site" / "pages.py").write_text(
        'def f(story):\n    return f"stories/{story.slug}/index.md"\n'
    )
    assert hand_made_addresses(tmp_path) == [
        "voices/site/pages.py:2: f'stories/{story.slug}/index.md'"
    ]


def test_the_language_and_the_licence_lookup_have_one_owner():
    for name, tree in _trees(REPO).items():
        if name == "voices/content/settings.py":
            continue
        for node in ast.walk(tree):
            assert not (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.lower().replace("_", "-") == "en-gb"
            ), (
                f"{name}:{node.lineno}: write voices.content.settings.LANGUAGE, not the language again"
            )
            assert not (isinstance(node, ast.Attribute) and node.attr == "licences"), (
                f"{name}:{node.lineno}: ask ArchiveSettings.licence() rather than searching the list again"
            )


def test_urls_py_reads_and_makes_the_addresses_the_others_used_to_write_by_hand():
    from voices.site.addresses import area_url, index_source, page_source, story_slug, story_url

    assert [
        story_slug(a)
        for a in ("/stories/old-name/", "stories/old-name", "/news/a.html", "/stories/")
    ] == ["old-name", "old-name", None, None]
    assert page_source(story_url("x")) == "stories/x.md"
    assert page_source(story_url("x"), folder=True) == "stories/x/index.md"
    assert page_source(area_url("par-bay"), folder=True) == "areas/par-bay/index.md"
    assert index_source("areas") == "areas/index.md"
