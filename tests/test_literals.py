"""Finding many names at once (voices/content/literals.py) gives exactly what ``in`` gives, and the
audit built on it still catches a name or consent reference wherever it leaks."""

from __future__ import annotations

from conftest import mkdocs_build
from hypothesis import given
from hypothesis import strategies as st
from test_site_pages import make_site, story

from voices.build.session import SiteBuild
from voices.content.literals import Literals

# A small alphabet makes overlaps, shared prefixes and repeats common.
TEXT = st.text(alphabet="ab .é’", max_size=40)


@given(st.lists(TEXT, max_size=8), TEXT)
def test_found_in_is_exactly_what_in_finds(strings: list[str], text: str) -> None:
    assert Literals(strings).found_in(text) == {s for s in strings if s in text}


def test_overlapping_and_nested_names_are_all_found() -> None:
    names = ["Ann Smith", "Smith Jones", "Ann", "Annabel", "Jo-Ann (Sam) Lee*"]
    found = Literals(names).found_in("Ann Smith Jones met Jo-Ann (Sam) Lee*.")
    assert found == {"Ann Smith", "Smith Jones", "Ann", "Jo-Ann (Sam) Lee*"}
    assert Literals([]).found_in("anything") == set()


def test_thousands_of_strings_with_long_shared_prefixes() -> None:
    names = [f"Example Resident {i:05d}" for i in range(3000)]
    text = "… Example Resident 01234 and Example Resident 0123 and Example Resident 02999."
    assert Literals(names).found_in(text) == {"Example Resident 01234", "Example Resident 02999"}


CONSENT = "consent:\n  recorded: 2024-05-01\n  reference: VBL-2024-917\n  scope: [web, archive]\n"


def test_the_audit_names_every_leaked_person_and_reference(tiny) -> None:
    tiny.story(
        "talk",
        story(
            "An interview",
            "2020",
            more="kind: interview\npeople: [Ann Smith, Smith Jones]\n" + CONSENT,
        ),
    )
    tiny.story(
        "quiet",
        story("Another", "2019", more="people: [Annabel Lee]\n" + CONSENT.replace("917", "918")),
    )
    root = make_site(tiny)
    assert mkdocs_build(root / "mkdocs.yml", root / "site").returncode == 0
    build, _ = SiteBuild.load(root)
    site = root / "site"
    assert build.audit(site) == []
    (site / "about.html").write_text(
        "<p>Ann Smith Jones, Annabel Lee; ref VBL-2024-918</p>", encoding="utf-8"
    )
    findings = build.audit(site)
    assert findings == [
        "about.html: contains a consent reference (VBL-2024-918)",
        "about.html: names a person from stories/talk (names appear on their story only)",
        "about.html: names a person from stories/talk (names appear on their story only)",
        "about.html: names a person from stories/quiet (names appear on their story only)",
    ]
