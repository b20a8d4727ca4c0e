"""Property-based: whatever staff type, the loader answers with problems, never a crash."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voices.content.contract import ContractContext, StoryFrontMatter
from voices.content.problems import Problem
from voices.content.reading import decode_text, parse_front_matter_text
from voices.content.validate import check_area, check_story

CONTEXT = ContractContext(
    areas=frozenset({"par-bay", "ramsey"}),
    themes=frozenset({"environment", "skills"}),
    programmes=frozenset({"big-local"}),
    kinds=frozenset({"story", "interview"}),
    withdrawal_reasons=frozenset({"rights"}),
    consent_scopes=frozenset({"web", "photos"}),
    licences=frozenset({"CC-BY-4.0"}),
    consent_reference_pattern=r"VBL-[0-9]{4}-[0-9]{3,}",
)
KEYS = list(StoryFrontMatter.model_fields) + [
    "src",
    "alt",
    "type",
    "transcript",
    "recorded",
    "reference",
    "scope",
    "reason",
    "name",
    "region",
    "lat",
    "sumary",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(
        [
            "par-bay",
            "2019-06",
            "12/03/2024",
            "VBL-2024-001",
            "audio",
            "video",
            "withdrawn",
            "a.jpg",
            "../x",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)
front_matter = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), values, max_size=12)


def _check_all(text: str) -> list[Problem]:
    parsed, problems = parse_front_matter_text(text, "stories/x.md")
    if parsed is not None:
        problems += check_story(parsed, None, CONTEXT, frozenset({"interview"}))[1]
        problems += check_area(parsed, CONTEXT)[1]
    return problems


def _assert_well_formed(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.line >= 1 and problem.field and problem.message
        assert str(problem).startswith(f"{problem.path}:{problem.line}: ")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter)
def test_any_front_matter_gives_problems_not_exceptions(data):
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nBody\n"
    _assert_well_formed(_check_all(text))


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("-:#[]{}&*!|>'\"%@`,? \n\tabc12é\u2019\ufeff\r")),
        max_size=120,
    )
)
def test_any_text_gives_problems_not_exceptions(text):
    _assert_well_formed(_check_all("---\n" + text + "\n---\n"))
    _assert_well_formed(_check_all(text))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_problems_not_exceptions(raw):
    text, problems = decode_text(raw, "stories/x.md")
    _assert_well_formed(problems)
    if text is not None:
        _assert_well_formed(_check_all(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab’'‘ʼ _-—\n\té1")), max_size=60))
def test_spelling_variants_are_those_of_every_word_with_an_apostrophe(text):
    """Search finds "St Matthews" in "St Matthew’s": the variants come from every word holding
    an apostrophe, however the text around it is spaced or punctuated."""
    import re

    from voices.site.search import spelling_variants

    expected: dict[str, None] = {}
    for word in re.findall(r"\w+['’‘ʼ]\w*", text):
        expected[re.sub("['’‘ʼ]", "", word)] = None
        if re.sub("['’‘ʼ]", "'", word) != word:
            expected[re.sub("['’‘ʼ]", "'", word)] = None
    assert spelling_variants(text) == list(expected)
    assert "Matthews" in spelling_variants(
        "St Matthew’s orchard"
    ) and "Matthew's" in spelling_variants("St Matthew’s")


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["stories", "areas", "a", "b", "index.md", "x.md", ".", ""]), max_size=4
    ),
    st.lists(
        st.sampled_from(["stories", "areas", "a", "b", "index.md", "x.md", ".", ""]),
        min_size=1,
        max_size=4,
    ),
)
def test_links_between_generated_pages_are_the_relative_paths(source, target):
    """Every link in the browse and story pages is a relative path; the quick way of computing
    it must give what the standard library gives, or readers follow links to nowhere."""
    import posixpath

    from voices.site.pages import link

    from_src, to_src = "/".join(source + ["page.md"]), "/".join(target)
    if not to_src.strip("/."):
        return  # not a page
    assert link(from_src, to_src) == posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")
