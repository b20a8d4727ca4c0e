"""Feeds and open data: Atom feeds, and the archive as JSON and CSV with a Frictionless data
package describing them. Published stories only; never people, consent or internal references.

Pure functions from the archive to ``{path in the site: text}``; the adapter writes them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from xml.etree import ElementTree as ET

from voices.content.loading import Archive, Area, Story
from voices.site.plan import SitePlan
from voices.content.england import REGIONS
from voices.content.settings import LANGUAGE
from voices.site.addresses import absolute_url, area_url, listing_url, story_url

FEED_SIZE = 20  # latest entries per feed
ATOM = "http://www.w3.org/2005/Atom"
STORY_FIELDS = ["slug", "url", "title", "date", "summary", "areas", "area_names", "themes", "kind",
                "programme", "authors", "licence", "licence_url", "source_url", "featured"]
AREA_FIELDS = ["slug", "url", "name", "local_authority", "local_authority_code", "region", "programmes",
               "started", "website", "lat", "lon", "summary", "stories", "licence", "licence_url", "sources"]


def story_record(story: Story, archive: Archive) -> dict[str, object]:
    """What the open data says about one published story (no people, no consent)."""
    meta, settings = story.meta, archive.settings
    licence = settings.licence(meta.licence)
    return {
        "slug": story.slug, "url": absolute_url(settings.site_url, story_url(story.slug)),
        "title": meta.title, "date": meta.date, "summary": meta.summary,
        "areas": list(meta.areas), "area_names": [archive.areas[a].meta.name for a in meta.areas],
        "themes": list(meta.themes), "kind": meta.kind, "programme": meta.programme,
        "authors": list(meta.authors), "licence": licence.id if licence else "",
        "licence_url": licence.url if licence else "",
        "source_url": meta.source_url or "", "featured": meta.featured,
    }


def area_record(area: Area, archive: Archive, story_count: int) -> dict[str, object]:
    meta, settings = area.meta, archive.settings
    licence = settings.licence()  # an area's text is under the archive's default licence
    return {
        "slug": area.slug, "url": absolute_url(settings.site_url, area_url(area.slug)), "name": meta.name,
        "local_authority": meta.local_authority or "", "local_authority_code": meta.local_authority_code or "",
        "region": REGIONS.get(meta.region or "", ""), "programmes": list(meta.programmes),
        "started": meta.started or "", "website": meta.website or "",
        "lat": meta.location.lat if meta.location else "", "lon": meta.location.lon if meta.location else "",
        "summary": meta.summary or "", "stories": story_count,
        "licence": licence.id if licence else "", "licence_url": licence.url if licence else "",
        "sources": [s.url or s.ref or "" for s in meta.sources],
    }


def data_files(archive: Archive, plan: SitePlan, schemas: dict[str, dict]) -> dict[str, str]:
    """``data/stories.json``, ``.csv``, ``data/areas.json``, ``.csv``, the JSON Schemas and
    ``data/datapackage.json``."""
    published = [s for s in plan.stories if s.meta.status == "published"]
    stories = [story_record(s, archive) for s in published]
    counts = {slug: sum(1 for s in published if slug in s.meta.areas) for slug in archive.areas}
    areas = [area_record(a, archive, counts[a.slug]) for a in sorted(archive.areas.values(), key=lambda a: a.slug)]
    files = {
        "data/stories.json": _json(stories), "data/stories.csv": _csv(stories, STORY_FIELDS),
        "data/areas.json": _json(areas), "data/areas.csv": _csv(areas, AREA_FIELDS),
        "data/datapackage.json": _json(_datapackage(archive)),
    }
    for name, schema in schemas.items():
        files[f"data/{name}.schema.json"] = _json(schema)
    return files


def feeds(archive: Archive, plan: SitePlan, updated: Callable[[Story], str]) -> dict[str, str]:
    """Atom feeds of the latest stories: the whole archive, each area and each theme.
    ``updated(story)`` gives the date its file last changed (Atom needs a full timestamp, and
    a story dated only "2019" must not be given an invented day)."""
    published = [s for s in plan.stories if s.meta.status == "published"]
    site = archive.settings.site_url
    out = {"feed.xml": _feed(archive, published, "feed.xml", archive.settings.name, "", updated)}
    for slug, area in archive.areas.items():
        stories = [s for s in plan.by_area.get(slug, []) if s.meta.status == "published"]
        out[f"{area_url(slug)}feed.xml"] = _feed(archive, stories, f"{area_url(slug)}feed.xml",
                                                 f"{archive.settings.name}: {area.meta.name}", area_url(slug), updated)
    for slug, listing in plan.listings["themes"].items():
        page = listing_url("themes", slug)
        stories = [s for s in listing.stories if s.meta.status == "published"]
        out[f"{page}feed.xml"] = _feed(archive, stories, f"{page}feed.xml",
                                       f"{archive.settings.name}: {listing.label}", page, updated)
    assert site  # every feed address is absolute
    return out


def _feed(archive: Archive, stories: list[Story], path: str, title: str, page: str,
          updated: Callable[[Story], str]) -> str:
    site = archive.settings.site_url
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": LANGUAGE})
    _text(feed, "id", absolute_url(site, path))
    _text(feed, "title", title)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=absolute_url(site, path))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=absolute_url(site, page))
    latest = stories[:FEED_SIZE]
    _text(feed, "updated", max((updated(s) for s in latest), default="2012-01-01T00:00:00Z"))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", archive.settings.name)
    labels = archive.taxonomy.labels("themes")
    for story in latest:
        meta, entry = story.meta, ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = absolute_url(site, story_url(story.slug))
        _text(entry, "id", url)
        _text(entry, "title", meta.title or "")
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url)
        _text(entry, "updated", updated(story))
        if len(meta.date) == 10:
            _text(entry, "published", f"{meta.date}T00:00:00Z")
        _text(entry, "summary", meta.summary or "")
        for name in meta.authors:
            _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", name)
        for theme in meta.themes:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=theme, label=labels.get(theme, theme))
        licence = archive.settings.licence(meta.licence)
        _text(entry, "rights", licence.id if licence else "")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = value


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# A spreadsheet runs a cell as a formula when it starts with one of these (OWASP, "CSV
# Injection"), also after leading spaces or quotes, and in their full-width forms.
_FORMULA_START = re.compile(r"^[\s\"'\u2018\u2019\u201c\u201d]*"  # spaces and quotes of any kind, then
                            r"[=+\-@\t\r\n\x00\uff1d\uff0b\uff0d\uff20\u2212]")  # = + - @ tab CR LF NUL, full-width too


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: one that could start a formula gets a leading ``'``,
    which spreadsheets read as "this is text" (OWASP's advice). The JSON files keep it exact."""
    return "'" + text if _FORMULA_START.match(text) else text


def _cell(value: object) -> object:
    """One CSV cell: lists joined with ";", booleans as words; every piece of text, and each
    item of a list, made spreadsheet-safe. Numbers stay numbers (a longitude may be -1.5)."""
    if isinstance(value, list):
        return ";".join(spreadsheet_safe(str(item)) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_safe(value) if isinstance(value, str) else value


def _csv(records: list[dict[str, object]], fields: list[str]) -> str:
    buffer = io.StringIO()
    # Every cell in double quotes (OWASP; RFC 4180 needs it for a CR in a cell, which "\n" lines miss).
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for record in records:
        writer.writerow({key: _cell(value) for key, value in record.items()})
    return buffer.getvalue()


def _datapackage(archive: Archive) -> dict[str, object]:
    """A Frictionless Data Package describing the CSV files, so they can be checked and reused."""
    def field(name: str, kind: str = "string", description: str = "") -> dict[str, str]:
        return {"name": name, "type": kind, **({"description": description} if description else {})}

    list_note = "several values separated by ;"
    story_fields = [field("slug"), field("url"), field("title"),
                    field("date", description="YYYY-MM-DD, or YYYY-MM / YYYY when only that is known"),
                    field("summary"), field("areas", description=list_note), field("area_names", description=list_note),
                    field("themes", description=list_note), field("kind"), field("programme"),
                    field("authors", description=list_note), field("licence"), field("licence_url"),
                    field("source_url"), field("featured", "boolean")]
    area_fields = [field("slug"), field("url"), field("name"), field("local_authority"), field("local_authority_code"),
                   field("region"), field("programmes", description=list_note), field("started", "integer"),
                   field("website"), field("lat", "number"), field("lon", "number"), field("summary"),
                   field("stories", "integer"), field("licence"), field("licence_url"),
                   field("sources", description=list_note)]
    licence = archive.settings.licence()  # always one archive.yml lists: load_settings checks
    safe_note = (" Text that would start with =, +, -, @, a tab or a line break begins with ' so that spreadsheets "
                 "do not run it as a formula; the JSON files hold the exact text.")
    return {
        "name": "voices-of-big-local",
        "title": archive.settings.name,
        "homepage": archive.settings.site_url,
        "licenses": [{"name": licence.id, "path": licence.url, "title": licence.label}] if licence else [],
        "resources": [
            {"name": "stories", "path": "stories.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "description": "Published stories; each record states its own licence." + safe_note,
             "schema": {"fields": story_fields, "primaryKey": ["slug"]}},
            {"name": "areas", "path": "areas.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "description": "Areas, with what is known of each and its sources." + safe_note,
             "schema": {"fields": area_fields, "primaryKey": ["slug"]}},
        ],
    }
