"""Pages outside the navigation share its HTML, and get exactly what Material would render."""

from __future__ import annotations

from pathlib import Path

from conftest import mkdocs_build
from test_site_pages import make_site, story

MARK = "{#- Material's own site_nav block"


def pages_of(site: Path) -> dict[str, bytes]:
    return {str(path.relative_to(site)): path.read_bytes() for path in sorted(site.rglob("*.html"))}


def test_every_page_has_the_navigation_material_renders_for_it(tiny):
    tiny.story("garden", story("Garden", "2019-05-01"))
    tiny.story("buses", story("Buses", "2020-02-01", areas="[ramsey]"))
    root = make_site(tiny)
    (root / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    (root / "docs" / "guide").mkdir()
    (root / "docs" / "guide" / "index.md").write_text("# Guide\n", encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", root / "shared")
    assert result.returncode == 0, result.stderr

    override = root / "docs" / "overrides" / "main.html"
    text = override.read_text(encoding="utf-8")
    override.write_text(text[: text.index(MARK)], encoding="utf-8")  # Material's block as shipped
    result = mkdocs_build(root / "mkdocs.yml", root / "rendered")
    assert result.returncode == 0, result.stderr

    shared, rendered = pages_of(root / "shared"), pages_of(root / "rendered")
    assert {"stories/garden/index.html", "areas/ramsey/index.html", "about/index.html"} <= set(
        shared
    )
    assert shared == rendered
