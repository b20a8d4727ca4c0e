"""What the adapter in hooks/ relies on in MkDocs beyond its documented API, pinned in one place.

An upgrade of MkDocs that changes one of these fails here, by name, instead of somewhere deep
in a build (issue 16). Each test says where the adapter relies on it.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from mkdocs.commands import build as mkdocs_build_module
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page


def _page(tmp_path: Path, markdown: str) -> tuple[Page, MkDocsConfig, Files]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "story.md").write_text(markdown, encoding="utf-8")
    config = MkDocsConfig()
    config.load_dict(
        {
            "site_name": "Test",
            "docs_dir": str(docs),
            "site_dir": str(tmp_path / "site"),
            "markdown_extensions": ["toc", "attr_list"],
        }
    )
    errors, warnings = config.validate()
    assert not errors and not warnings
    file = File("story.md", str(docs), str(tmp_path / "site"), use_directory_urls=True)
    files = Files([file])
    return Page(None, file, config), config, files


def test_page_render_takes_config_and_files_and_can_be_replaced(tmp_path: Path) -> None:
    # hooks/archive.py replaces page.render with a function of (config, files) that calls the
    # original through the render cache (hooks/rendering.py render_page).
    assert list(inspect.signature(Page.render).parameters) == ["self", "config", "files"]
    page, config, files = _page(tmp_path, "# Heading\n\nText.\n")
    called = []
    original = page.render
    page.render = lambda config, files: called.append(True) or original(config, files)  # type: ignore[method-assign]
    page.read_source(config)
    page.render(config, files)
    assert called and page.content and "<p>Text.</p>" in page.content


def test_the_title_comes_from_title_from_render_which_the_cache_restores(tmp_path: Path) -> None:
    # hooks/rendering.py stores and restores page._title_from_render with a cached conversion.
    page, config, files = _page(tmp_path, "# From the heading\n\nText.\n")
    page.read_source(config)
    page.render(config, files)
    assert page._title_from_render == "From the heading"
    page._title_from_render = "Restored from the cache"
    assert page.title == "Restored from the cache"


def test_mkdocs_sets_current_page_on_the_config_while_it_renders() -> None:
    # hooks/rendering.py converts pages ahead of MkDocs and sets config._current_page as MkDocs
    # does, since extensions and MkDocs' link checks read it during a conversion.
    assert "_current_page" in MkDocsConfig.__annotations__
    source = inspect.getsource(mkdocs_build_module)
    assert "config._current_page = page" in source and "config._current_page = None" in source


def test_page_toc_round_trips_through_plain_tokens(tmp_path: Path) -> None:
    # hooks/rendering.py keeps the table of contents as plain tokens (level, id, name, children)
    # read from page.toc.items and rebuilds it with get_toc when a cached page is reused.
    from mkdocs.structure.toc import get_toc

    page, config, files = _page(tmp_path, "# Title\n\n## Part one\n\n### Inside\n\n## Part two\n")
    page.read_source(config)
    page.render(config, files)

    def tokens(items) -> list[dict]:
        return [
            {
                "level": item.level,
                "id": item.id,
                "name": item.title,
                "children": tokens(item.children),
            }
            for item in items
        ]

    def shape(items) -> list:
        return [(item.level, item.id, item.title, shape(item.children)) for item in items]

    assert shape(get_toc(tokens(page.toc.items)).items) == shape(page.toc.items)
    assert shape(page.toc.items)[0][3][0][2] == "Part one"


def test_a_hook_module_can_import_its_siblings_while_it_loads(tmp_path: Path) -> None:
    # hooks/archive.py imports nav_cache and rendering as top-level modules: MkDocs puts the hook's
    # folder on sys.path while it loads the hook (and takes it off afterwards).
    from mkdocs.config.config_options import Hooks

    (tmp_path / "sibling_for_the_test.py").write_text("VALUE = 42\n", encoding="utf-8")
    (tmp_path / "hook_for_the_test.py").write_text(
        "from sibling_for_the_test import VALUE\n", encoding="utf-8"
    )
    module = Hooks("plugins")._load_hook(
        "hook_for_the_test", str(tmp_path / "hook_for_the_test.py")
    )
    assert module.VALUE == 42
