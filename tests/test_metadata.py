"""Page metadata: JSON-LD, Highwire citation tags, Open Graph, and the visible citation."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from conftest import SMALL_JPEG

from voices.content.loading import load_archive
from voices.site.citation import citation_text
from voices.site.metadata import area_head, story_head, withdrawn_head

SITE = "https://example.org/voices-of-big-local/"
HOSTILE = """Par Bay's "best" year </script><script>alert(1)</script> & more"""


def story_text(date: str = "2019-06-14", extra: str = "", title: str = "A good story") -> str:
    return (
        f"---\ntitle: {json.dumps(title)}\ndate: {date}\nsummary: A short summary.\n"
        f"areas: [par-bay]\nthemes: [environment, skills]\n{extra}---\n\nThe story's text.\n"
    )


def load(tiny):
    archive, problems = load_archive(tiny.root)
    assert problems == [], [str(p) for p in problems]
    return archive


class Head(HTMLParser):
    """What a browser would see in the head: meta tags (decoded) and script contents."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self.tags: list[str] = []
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "meta":
            self.meta.append((attrs.get("name") or attrs.get("property"), attrs["content"]))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def values(self, key: str) -> list[str]:
        return [content for name, content in self.meta if name == key]

    def value(self, key: str) -> str | None:
        found = self.values(key)
        assert len(found) <= 1, f"{key} appears {len(found)} times"
        return found[0] if found else None

    def json_ld(self) -> dict:
        assert len(self.scripts) == 1
        return json.loads(self.scripts[0])


def test_story_json_ld(tiny):
    tiny.story(
        "good",
        story_text(
            extra='authors: ["Jo Bloggs", "Ann Other"]\nkind: blog\n'
            "source_url: https://localtrust.org.uk/news/x\n"
        ),
    )
    archive = load(tiny)
    data = Head(story_head(archive.stories["good"], archive)).json_ld()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["headline"] == "A good story"
    assert data["description"] == "A short summary."
    assert data["datePublished"] == "2019-06-14"
    assert data["author"] == [
        {"@type": "Person", "name": "Jo Bloggs"},
        {"@type": "Person", "name": "Ann Other"},
    ]
    assert data["url"] == SITE + "stories/good/"
    assert data["inLanguage"] == "en-GB"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["isPartOf"] == {"@type": "WebSite", "name": "Voices of Big Local", "url": SITE}
    assert data["spatialCoverage"] == [
        {
            "@type": "Place",
            "name": "Par Bay",
            "url": SITE + "areas/par-bay/",
            "address": {"@type": "PostalAddress", "addressRegion": "South West"},
        }
    ]
    assert data["keywords"] == ["Environment", "Skills"]
    assert data["genre"] == "Blog post"
    assert data["isBasedOn"] == "https://localtrust.org.uk/news/x"
    assert "image" not in data


def test_story_highwire_open_graph_and_twitter(tiny):
    tiny.story("good", story_text(extra='authors: ["Jo Bloggs", "Ann Other"]\n'))
    archive = load(tiny)
    head = Head(story_head(archive.stories["good"], archive))
    url = SITE + "stories/good/"
    assert head.value("citation_title") == "A good story"
    assert head.values("citation_author") == ["Jo Bloggs", "Ann Other"]
    assert head.value("citation_publication_date") == "2019/06/14"
    assert head.value("citation_publisher") == "Voices of Big Local"
    assert head.value("citation_abstract_html_url") == url
    assert head.value("citation_language") == "en"
    assert head.value("citation_keywords") == "Environment; Skills"
    assert head.value("DC.rights") == "https://creativecommons.org/licenses/by/4.0/"
    assert head.value("og:type") == "article"
    assert head.value("og:title") == "A good story"
    assert head.value("og:description") == "A short summary."
    assert head.value("og:url") == url
    assert head.value("og:site_name") == "Voices of Big Local"
    assert head.value("og:locale") == "en_GB"
    assert head.value("article:published_time") == "2019-06-14"
    assert head.value("twitter:card") == "summary"
    assert head.value("twitter:title") == "A good story"
    assert head.value("twitter:description") == "A short summary."
    assert head.value("og:image") is None


def test_no_authors_means_no_author_tags(tiny):
    tiny.story("good", story_text())
    archive = load(tiny)
    head = Head(story_head(archive.stories["good"], archive))
    assert head.values("citation_author") == []
    assert "author" not in head.json_ld()


@pytest.mark.parametrize(("date", "scholar"), [("2019-06", "2019/06"), ("2019", "2019")])
def test_partial_dates_are_never_padded(tiny, date, scholar):
    tiny.story("partial", story_text(date=date))
    archive = load(tiny)
    text = story_head(archive.stories["partial"], archive)
    head = Head(text)
    assert head.value("citation_publication_date") == scholar
    assert head.value("article:published_time") is None
    assert head.json_ld()["datePublished"] == date
    assert "-01" not in text and "/01" not in text


def test_hostile_title_stays_inside_json_and_attributes(tiny):
    tiny.story("good", story_text())
    archive = load(tiny)
    story = archive.stories["good"]
    # The contract refuses tags in titles; the metadata must be safe even without that check.
    story.meta = story.meta.model_copy(
        update={"title": HOSTILE, "authors": ['Jo "JB" <b>Bloggs</b>']}
    )
    text = story_head(story, archive)
    assert "</script><script>" not in text
    assert "<b>" not in text
    assert text.count("</script>") == 1
    head = Head(text)
    assert head.tags.count("script") == 1
    assert head.json_ld()["headline"] == HOSTILE
    assert head.json_ld()["author"] == [{"@type": "Person", "name": 'Jo "JB" <b>Bloggs</b>'}]
    for key in ("citation_title", "og:title", "twitter:title"):
        assert head.value(key) == HOSTILE
    assert head.value("citation_author") == 'Jo "JB" <b>Bloggs</b>'


def test_quotes_and_ampersands_allowed_by_the_contract_round_trip(tiny):
    title = """Tea & "talk" at Ma's < 5 miles"""
    tiny.story("good", story_text(title=title))
    archive = load(tiny)
    text = story_head(archive.stories["good"], archive)
    head = Head(text)
    assert head.json_ld()["headline"] == title
    assert head.value("og:title") == title
    assert re.search(r'content="[^"]*"talk', text) is None  # no raw quote inside an attribute


def test_people_and_consent_never_appear(tiny):
    consent = (
        "consent:\n  recorded: 2024-05-01\n  reference: VBL-2024-017\n  scope: [web, archive]\n"
    )
    tiny.story(
        "interview",
        story_text(extra=f'kind: interview\npeople: ["Sam Resident", "Pat Neighbour"]\n{consent}'),
    )
    archive = load(tiny)
    story = archive.stories["interview"]
    assert story.meta.people and story.meta.consent
    outputs = [
        story_head(story, archive),
        story_head(story, archive, image_url=SITE + "x.jpg"),
        citation_text(story, archive),
        withdrawn_head(),
    ]
    outputs += [area_head(area, archive) for area in archive.areas.values()]
    for output in outputs:
        for secret in ("Sam Resident", "Pat Neighbour", "VBL-2024-017", "2024-05-01"):
            assert secret not in output


def test_licence_follows_the_story_or_the_default(tiny):
    tiny.story("own", story_text(extra="licence: CC-BY-NC-4.0\n"))
    tiny.story("default", story_text())
    archive = load(tiny)
    own = Head(story_head(archive.stories["own"], archive))
    default = Head(story_head(archive.stories["default"], archive))
    assert (
        own.json_ld()["license"]
        == own.value("DC.rights")
        == "https://creativecommons.org/licenses/by-nc/4.0/"
    )
    assert default.json_ld()["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_image_only_with_an_image_url(tiny):
    tiny.story(
        "pictured",
        story_text(extra="image:\n  src: garden.jpg\n  alt: Volunteers & a raised bed\n"),
        files={"garden.jpg": SMALL_JPEG},
    )
    archive = load(tiny)
    story = archive.stories["pictured"]
    image = SITE + "stories/pictured/garden.jpg"
    with_image = Head(story_head(story, archive, image_url=image))
    assert with_image.value("og:image") == image
    assert with_image.value("og:image:alt") == "Volunteers & a raised bed"
    assert with_image.value("twitter:card") == "summary_large_image"
    assert with_image.json_ld()["image"] == image
    without = Head(story_head(story, archive))
    assert without.value("og:image") is None and without.value("og:image:alt") is None
    assert without.value("twitter:card") == "summary"
    assert "image" not in without.json_ld()


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_story_head_refuses_unpublished_stories(tiny, status):
    if status == "withdrawn":  # a withdrawn story keeps only the notice's fields
        tiny.story(
            "hidden",
            "---\ntitle: Hidden\ndate: 2019\nareas: [par-bay]\nthemes: [skills]\nstatus: withdrawn\n"
            "withdrawn:\n  date: 2026-01-05\n  reason: accuracy\n---\n",
        )
    else:
        tiny.story("hidden", story_text(extra=f"status: {status}\n"))
    archive = load(tiny)
    with pytest.raises(ValueError):
        story_head(archive.stories["hidden"], archive)


def test_withdrawn_head_is_noindex_and_nothing_else():
    assert withdrawn_head() == '<meta name="robots" content="noindex">'


def test_area_with_everything(tiny):
    tiny.area(
        "par-bay",
        """\
        ---
        name: 'Par Bay & "St Blazey" <3'
        region: south-west
        local_authority: Cornwall
        summary: A bay on the south coast of Cornwall.
        website: https://example.org/par-bay
        location:
          lat: 50.35
          lon: -4.70
        ---
        """,
    )
    archive = load(tiny)
    text = area_head(archive.areas["par-bay"], archive)
    head = Head(text)
    assert "<3" not in text  # escaped in the JSON-LD and in the attribute
    assert head.json_ld() == {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": 'Par Bay & "St Blazey" <3',
        "url": SITE + "areas/par-bay/",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Cornwall",
            "addressRegion": "South West",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 50.35, "longitude": -4.70},
        "description": "A bay on the south coast of Cornwall.",
        "sameAs": "https://example.org/par-bay",
        "containedInPlace": {"@type": "AdministrativeArea", "name": "South West"},
    }
    assert head.value("og:type") == "website"
    assert head.value("og:title") == 'Par Bay & "St Blazey" <3'
    assert head.value("og:url") == SITE + "areas/par-bay/"
    assert head.value("og:site_name") == "Voices of Big Local"
    assert head.value("og:locale") == "en_GB"


def test_area_without_region_or_location(tiny):
    archive = load(tiny)
    data = Head(area_head(archive.areas["ramsey"], archive)).json_ld()
    assert data == {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": "Ramsey",
        "url": SITE + "areas/ramsey/",
    }


def test_story_place_uses_location_when_known(tiny):
    tiny.area(
        "ramsey",
        "---\nname: Ramsey\nlocal_authority: Huntingdonshire\nlocation:\n  lat: 52.45\n"
        "  lon: -0.10\n---\n",
    )
    tiny.story("two", story_text().replace("areas: [par-bay]", "areas: [par-bay, ramsey]"))
    archive = load(tiny)
    places = Head(story_head(archive.stories["two"], archive)).json_ld()["spatialCoverage"]
    assert [place["name"] for place in places] == ["Par Bay", "Ramsey"]
    assert "geo" not in places[0]
    assert places[1]["address"] == {"@type": "PostalAddress", "addressLocality": "Huntingdonshire"}
    assert places[1]["geo"] == {"@type": "GeoCoordinates", "latitude": 52.45, "longitude": -0.10}


@pytest.mark.parametrize(
    ("date", "shown"), [("2019-06-14", "14 June 2019"), ("2019-06", "June 2019"), ("2019", "2019")]
)
def test_citation_text(tiny, date, shown):
    tiny.story("good", story_text(date=date))
    archive = load(tiny)
    assert citation_text(archive.stories["good"], archive) == (
        f"A good story. Voices of Big Local, {shown}. {SITE}stories/good/ (accessed [date])."
    )


def test_citation_text_with_authors(tiny):
    tiny.story("one", story_text(extra='authors: ["Jo Bloggs"]\n', title="Why now?"))
    tiny.story("two", story_text(extra='authors: ["Jo Bloggs", "Ann Other"]\n'))
    tiny.story("three", story_text(extra='authors: ["A One", "B Two", "C Three"]\n'))
    archive = load(tiny)
    assert citation_text(archive.stories["one"], archive).startswith(
        "Jo Bloggs. Why now? Voices of Big Local,"
    )
    assert citation_text(archive.stories["two"], archive).startswith(
        "Jo Bloggs and Ann Other. A good story. "
    )
    assert citation_text(archive.stories["three"], archive).startswith(
        "A One, B Two and C Three. A good story. "
    )
