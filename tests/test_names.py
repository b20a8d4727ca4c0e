"""Names in ``people`` stay on the story's page: the check refuses them in the fields and text
shown elsewhere, in any case or spelling, however short, and refuses a "name" that is only an
everyday word (the audit could not tell the person from the word)."""

from __future__ import annotations

import pytest

from voices.content.names import NameFinder, fold

CONSENT = "consent:\n  recorded: 2024-05-01\n  reference: VBL-2024-917\n  scope: [web, archive]\n"


def talk(
    people: str,
    summary: str = "A talk about the allotment.",
    body: str = "Words about the allotment.",
    more: str = "",
) -> str:
    return (
        f"---\ntitle: An interview\ndate: 2020\nsummary: {summary}\nareas: [par-bay]\nthemes: [environment]\n"
        f"kind: interview\npeople: {people}\n{CONSENT}{more}---\n\nFirst paragraph.\n\n{body}\n"
    )


def test_a_name_in_capitals_in_the_body_is_refused_at_its_line(tiny):
    tiny.story("talk", talk("[Henrietta Oakhampton]", body="Then HENRIETTA OAKHAMPTON spoke."))
    problem = tiny.only("body")
    assert str(problem).startswith(
        "stories/talk.md:17: body: names Henrietta Oakhampton, who is listed in people"
    )
    assert "a resident" in problem.hint


def test_a_three_letter_name_in_the_summary_is_refused(tiny):
    tiny.story("talk", talk("[Ann]", summary="Ann on the new garden."))
    assert str(tiny.only("summary")).startswith(
        "stories/talk.md:4: summary: names Ann, who is listed in people"
    )


@pytest.mark.parametrize(
    "written", ["zoe o'neill", "ZOË O’NEILL", "Zoë\u00a0O'Neill", "Zoe ONeill"]
)
def test_other_spellings_of_a_name_are_refused_in_the_title(tiny, written):
    tiny.story(
        "talk",
        talk('["Zoë O\'Neill"]').replace("title: An interview", f'title: "Talking with {written}"'),
    )
    assert tiny.only("title").message.startswith("names Zoë O'Neill")


def test_a_name_inside_a_longer_word_is_not_a_name(tiny):
    tiny.story(
        "talk", talk("[Ann]", summary="The annual Annfield fair.", body="Anne and Joanne planted.")
    )
    assert not [p for p in tiny.problems() if "names Ann" in p.message]


@pytest.mark.parametrize("name", ["Rose", "may", "BOB"])
def test_a_name_that_is_an_everyday_word_is_reported(tiny, name):
    tiny.story("talk", talk(f"[{name}]"))
    problem = tiny.only("people")
    assert str(problem).startswith(f"stories/talk.md:8: people: “{name}” is also an everyday word")
    assert f"“{name} Example”" in problem.hint


def test_a_full_name_made_of_everyday_words_is_fine(tiny):
    tiny.story("talk", talk("[Rose Green]", body="The rose garden is green."))
    assert tiny.problems() == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("HENRIETTA OAKHAMPTON", {"henrietta oakhampton"}),
        ("Henrietta&nbsp;Oakhampton", {"henrietta oakhampton"}),
        ("Henriétta\n  Oakhampton", {"henrietta oakhampton"}),
        ("Annual", set()),
        ("ANN's", {"ann"}),
        ("Mary–Jane Smith", {"mary jane smith"}),
        ("mary jane smith", {"mary jane smith"}),
        ("Ann Lee", {"ann"}),
    ],
)
def test_names_are_found_folded_and_as_whole_words(text, found):
    assert (
        NameFinder(["Henrietta Oakhampton", "Ann", "Mary-Jane Smith"]).found_in(fold(text)) == found
    )
