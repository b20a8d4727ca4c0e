"""Metadata for a page's ``<head>``: schema.org JSON-LD, Highwire citation tags, Open Graph.

Pure functions from the archive to HTML strings; the MkDocs adapter inserts them. Every
value that comes from front matter is escaped here, whatever the content checks allowed,
so a title can never break out of an attribute or close the JSON-LD ``<script>``.

Residents' names (``people``) and consent records are never read here: the archive promises
that residents' names appear on the story page only, never in data that search engines,
reference managers and social networks copy elsewhere.
"""

from __future__ import annotations

import html
import json
from typing import Any

from voices.content.loading import Archive, Area, Story
from voices.content.england import REGIONS
from voices.content.settings import LANGUAGE
from voices.site.addresses import absolute_url, area_url, story_url

OG_LOCALE = LANGUAGE.replace("-", "_")  # Open Graph writes en_GB


# --- escaping ---------------------------------------------------------------------------------

def _json_ld(data: dict[str, Any]) -> str:
    """A JSON-LD script element whose content cannot end the element early.

    ``<``, ``>`` and ``&`` become JSON unicode escapes: still the same string to any JSON
    parser, but ``</script>`` or ``<!--`` in a title can no longer be seen by the HTML parser.
    """
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def _meta(attribute: str, key: str, value: str | None) -> str | None:
    """One ``<meta>`` tag, or ``None`` when there is no value (empty content would mislead)."""
    if not value:
        return None
    key, value = html.escape(key, quote=True), html.escape(value, quote=True)
    return f'<meta {attribute}="{key}" content="{value}">'


def _name(key: str, value: str | None) -> str | None:
    return _meta("name", key, value)


def _property(key: str, value: str | None) -> str | None:
    return _meta("property", key, value)


def _lines(*parts: str | None) -> str:
    return "\n".join(part for part in parts if part)


# --- shared pieces ----------------------------------------------------------------------------

def _story_address(story: Story, archive: Archive) -> str:
    return absolute_url(archive.settings.site_url, story_url(story.slug))


def _area_address(area: Area, archive: Archive) -> str:
    return absolute_url(archive.settings.site_url, area_url(area.slug))


def licence_url(story: Story, archive: Archive) -> str | None:
    """The URL of the story's licence, or of the archive's default when the story names none."""
    licence = archive.settings.licence(story.meta.licence)
    return licence.url if licence else None  # claim no licence rather than guess one


def _theme_labels(story: Story, archive: Archive) -> list[str]:
    labels = archive.taxonomy.labels("themes")
    return [labels.get(slug, slug) for slug in story.meta.themes]


def _place(area: Area, archive: Archive) -> dict[str, Any]:
    """A schema.org Place for an area, with only the facts the area file states."""
    meta = area.meta
    place: dict[str, Any] = {"@type": "Place", "name": meta.name,
                             "url": _area_address(area, archive)}
    address: dict[str, Any] = {}
    if meta.local_authority:
        address["addressLocality"] = meta.local_authority
    if meta.region:
        address["addressRegion"] = REGIONS.get(meta.region, meta.region)
    if address:
        place["address"] = {"@type": "PostalAddress", **address}
    if meta.location:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": meta.location.lat,
                        "longitude": meta.location.lon}
    return place


def _is_full_date(value: str) -> bool:
    return len(value.split("-")) == 3


# --- stories ----------------------------------------------------------------------------------

def story_json_ld(story: Story, archive: Archive, image_url: str | None = None) -> dict[str, Any]:
    """The schema.org Article for a published story, as data."""
    meta = story.meta
    settings = archive.settings
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": meta.title,
        "description": meta.summary,
        # Partial ISO 8601 dates (2019-06, 2019) are valid here: never pad an unknown day.
        "datePublished": meta.date,
        "url": _story_address(story, archive),
        "inLanguage": LANGUAGE,
        "isPartOf": {"@type": "WebSite", "name": settings.name, "url": settings.site_url},
    }
    if meta.authors:
        article["author"] = [{"@type": "Person", "name": name} for name in meta.authors]
    licence = licence_url(story, archive)
    if licence:
        article["license"] = licence
    places = [_place(archive.areas[slug], archive) for slug in meta.areas if slug in archive.areas]
    if places:
        article["spatialCoverage"] = places
    article["keywords"] = _theme_labels(story, archive)
    article["genre"] = archive.taxonomy.labels("kinds").get(meta.kind, meta.kind)
    if image_url:
        article["image"] = image_url
    if meta.source_url:
        article["isBasedOn"] = meta.source_url
    return {key: value for key, value in article.items() if value is not None}


def story_head(story: Story, archive: Archive, image_url: str | None = None) -> str:
    """JSON-LD, Highwire citation tags, Dublin Core rights, Open Graph and Twitter tags for a story.

    Only for published stories: a draft must not be advertised and a withdrawn story's page
    carries nothing of the story (use ``withdrawn_head``).
    """
    meta = story.meta
    if meta.status != "published":
        raise ValueError(f"story_head is for published stories; {story.slug} is {meta.status}")
    settings = archive.settings
    url = _story_address(story, archive)
    licence = licence_url(story, archive)
    image_alt = meta.image.alt if meta.image else None
    return _lines(
        _json_ld(story_json_ld(story, archive, image_url)),
        # Highwire Press tags, read by Google Scholar and Zotero. Scholar wants slashes and,
        # for a partial date, just the year or year and month.
        _name("citation_title", meta.title),
        *(_name("citation_author", author) for author in meta.authors),
        _name("citation_publication_date", meta.date.replace("-", "/")),
        _name("citation_publisher", settings.name),
        _name("citation_abstract_html_url", url),
        _name("citation_language", "en"),
        _name("citation_keywords", "; ".join(_theme_labels(story, archive))),
        _name("DC.rights", licence),
        # Open Graph and Twitter cards, for link previews.
        _property("og:type", "article"),
        _property("og:title", meta.title),
        _property("og:description", meta.summary),
        _property("og:url", url),
        _property("og:site_name", settings.name),
        _property("og:locale", OG_LOCALE),
        _property("og:image", image_url),
        _property("og:image:alt", image_alt if image_url else None),
        # article:published_time is an ISO 8601 datetime: a partial date would be read as
        # the first of the month or year, so it is left out rather than invented.
        _property("article:published_time", meta.date if _is_full_date(meta.date) else None),
        _name("twitter:card", "summary_large_image" if image_url else "summary"),
        _name("twitter:title", meta.title),
        _name("twitter:description", meta.summary),
    )


def withdrawn_head() -> str:
    """A withdrawn story's page: kept out of search indexes, and nothing of the story."""
    return '<meta name="robots" content="noindex">'


# --- areas ------------------------------------------------------------------------------------

def area_json_ld(area: Area, archive: Archive) -> dict[str, Any]:
    """The schema.org Place for an area page, as data."""
    meta = area.meta
    place: dict[str, Any] = {"@context": "https://schema.org", **_place(area, archive)}
    if meta.summary:
        place["description"] = meta.summary
    if meta.website:
        place["sameAs"] = meta.website
    if meta.region:
        place["containedInPlace"] = {"@type": "AdministrativeArea",
                                     "name": REGIONS.get(meta.region, meta.region)}
    return place


def area_head(area: Area, archive: Archive) -> str:
    """JSON-LD and Open Graph tags for an area page."""
    settings = archive.settings
    return _lines(
        _json_ld(area_json_ld(area, archive)),
        _property("og:type", "website"),
        _property("og:title", area.meta.name),
        _property("og:description", area.meta.summary),
        _property("og:url", _area_address(area, archive)),
        _property("og:site_name", settings.name),
        _property("og:locale", OG_LOCALE),
    )
