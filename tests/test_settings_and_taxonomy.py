"""The settings and taxonomy files are content too: their mistakes come with lines."""

from __future__ import annotations

from voices.settings import fill_placeholders


def test_duplicate_theme_slug(tiny):
    path = tiny.root / "taxonomy.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - slug: skills\n", "  - slug: environment\n"), encoding="utf-8")
    problem = tiny.only("themes[7].slug")
    assert problem.path == "taxonomy.yml" and "listed twice" in problem.message


def test_taxonomy_entry_missing_a_label(tiny):
    path = tiny.root / "taxonomy.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    label: Skills\n", ""), encoding="utf-8")
    assert tiny.only("themes[7].label").message == "is required"


def test_default_licence_must_be_listed(tiny):
    path = tiny.root / "archive.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("default_licence: CC-BY-4.0",
                                                             "default_licence: MIT"), encoding="utf-8")
    assert "not in licences" in tiny.only("default_licence").message


def test_bad_consent_pattern(tiny):
    path = tiny.root / "archive.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('pattern: "VBL-[0-9]{4}-[0-9]{3,}"', 'pattern: "VBL-[0-9"'), encoding="utf-8")
    assert "regular expression" in tiny.only("consent_reference.pattern").message


def test_placeholders_are_filled_and_unknown_ones_reported():
    text, unknown = fill_placeholders("Write to {{ contacts.email }} or {{ contacts.fax }}.",
                                      {"contacts": {"email": "[To be confirmed]"}})
    assert text == "Write to [To be confirmed] or {{ contacts.fax }}."
    assert unknown == ["contacts.fax"]
