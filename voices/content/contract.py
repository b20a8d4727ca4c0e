"""The content contract: what a story's and an area's front matter may hold.

Written once, as pydantic models. The validator checks files against them, and
``voices schema`` exports them as JSON Schema for editors and for the published site.
Checks that need the rest of the archive (does this area exist?) read the
``ContractContext`` passed as pydantic's validation context; without one they are skipped.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from voices.content.england import ENGLAND_BOUNDS, REGIONS
from voices.content.web_addresses import URL_HINT, web_url_problem

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_PARTIAL_DATE = re.compile(PARTIAL_DATE_PATTERN)


STATUSES = ("published", "draft", "withdrawn")


@dataclass(frozen=True)
class ContractContext:
    """What cross-file checks compare against: the archive's areas, taxonomy and settings."""

    areas: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    programmes: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    withdrawal_reasons: frozenset[str] = frozenset()
    consent_scopes: frozenset[str] = frozenset()
    licences: frozenset[str] = frozenset()
    consent_reference_pattern: str = r"^.+$"
    consent_reference_example: str = ""
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False)

    def reference_regex(self) -> re.Pattern[str]:
        if "ref" not in self._compiled:
            self._compiled["ref"] = re.compile(self.consent_reference_pattern)
        return self._compiled["ref"]


def fail(message: str, hint: str = "") -> PydanticCustomError:
    """A contract error carrying our own plain-English message and hint."""
    return PydanticCustomError("voices", "{message}", {"message": message, "hint": hint})


def did_you_mean(value: str, choices: set[str] | frozenset[str] | list[str]) -> str:
    """A "did you mean" hint, or the list of choices when nothing is close."""
    close = difflib.get_close_matches(
        value.lower().replace(" ", "-"), sorted(choices), n=1, cutoff=0.6
    )
    if close:
        return f"did you mean {close[0]}?"
    listed = sorted(choices)
    if len(listed) <= 12:
        return "use one of: " + ", ".join(listed)
    return f"use the file name of one of the {len(listed)} known entries"


def slugify(text: str) -> str:
    """A slug suggestion: ``"St Matthew's Estate"`` → ``st-matthews-estate``."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


# --- value checks --------------------------------------------------------------------------


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        suggestion = slugify(value)
        raise fail(
            f"“{value}” is not a slug",
            f"use lowercase letters, digits and single hyphens, e.g. {suggestion or 'par-bay'}",
        )
    return value


def _reference_checker(attribute: str, label: str, slug: bool = True):
    """A check that the value names something the archive knows (an area, a theme, ...)."""

    def check(value: str, info: ValidationInfo) -> str:
        if slug:
            _check_slug(value)
        context = info.context
        if isinstance(context, ContractContext):
            known = getattr(context, attribute)
            if known and value not in known:
                raise fail(f"“{value}” is not a known {label}", did_you_mean(value, known))
        return value

    return check


def _one_or_many(value: Any) -> Any:
    """A single value where a list is expected means a one-item list."""
    return [value] if isinstance(value, (str, int, float, bool)) else value


def _check_plain_text(value: str) -> str:
    if "\n" in value.strip():
        raise fail("must be a single line of plain text", "join the lines into one, or shorten it")
    if re.search(r"<[A-Za-z/!]", value):
        raise fail("must be plain text, without HTML tags", "remove the <...> tags")
    if not value.strip():
        raise fail("is empty", "write the text, or remove the field")
    return value


def _partial_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise fail("must be a date without a time", "write it as YYYY-MM-DD, e.g. 2019-06-14")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        if _PARTIAL_DATE.match(text):
            parts = [int(p) for p in text.split("-")]
            try:
                dt.date(
                    parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
                )
            except ValueError:
                raise fail(
                    f"“{value}” is not a real date", "check the month (01–12) and the day"
                ) from None
            return text
        raise fail(
            f"“{value}” is not written as a date",
            "write YYYY-MM-DD, e.g. 2024-03-12; or YYYY-MM or YYYY when only that is known",
        )
    raise fail("must be a date", "write YYYY-MM-DD, e.g. 2024-03-12; or YYYY-MM or YYYY")


def _full_date(value: Any) -> Any:
    value = _partial_date(value)
    if isinstance(value, str) and len(value) != 10:
        raise fail(f"“{value}” needs the day as well", "write YYYY-MM-DD, e.g. 2024-03-12")
    return value


def _check_web_url(value: str) -> str:
    url = value.strip(" \t\r\n")  # an invisible no-break space at the end is refused
    problem = web_url_problem(url)
    if problem:
        shown = url if len(url) <= 200 else url[:200] + "…"
        raise fail(f"“{shown}” is not a web address: {problem}", URL_HINT)
    return url


def _check_site_path(value: str) -> str:
    parts = value.split("/")[1:]
    # "." and ".." and empty parts would name another address than they seem to (/./feed.xml).
    if (
        not value.startswith("/")
        or "://" in value
        or re.search(r"[\s?#\\\x00-\x1f\x7f]", value)
        or any(part in (".", "..") for part in parts)
        or "" in parts[:-1]
    ):
        raise fail(
            f"“{value}” is not a path on this site",
            "write the old address without the domain, starting with /, e.g. /stories/old-name/",
        )
    return value


def _check_relative_file(value: str) -> str:
    path = value.strip()
    if (
        not path
        or path.startswith(("/", "\\"))
        or "\\" in path
        or "://" in path
        or ".." in path.split("/")
        or re.match(r"^[A-Za-z]:", path)
    ):
        raise fail(
            f"“{value}” is not a file in the story's folder",
            "give the file name as it sits beside index.md, e.g. photo.jpg",
        )
    return path


def _check_consent_reference(value: str, info: ValidationInfo) -> str:
    text = value.strip()
    if "@" in text:
        raise fail(
            "looks like an email address; it must be an internal reference",
            "never put names or contact details here: the repository is public",
        )
    if len(re.sub(r"\D", "", text)) >= 9 and re.fullmatch(r"[\d\s()+\-.]+", text):
        raise fail(
            "looks like a phone number; it must be an internal reference",
            "never put names or contact details here: the repository is public",
        )
    context = info.context
    if isinstance(context, ContractContext) and not context.reference_regex().fullmatch(text):
        example = (
            f", e.g. {context.consent_reference_example}"
            if context.consent_reference_example
            else ""
        )
        if re.fullmatch(r"[A-Z][a-z]+(?:[ '-][A-Z][a-z]+)+", text):
            raise fail(
                "looks like a person's name; it must be an internal reference",
                f"use the consent form's reference number{example}; the repository is public",
            )
        raise fail(
            f"“{value}” does not match the archive's consent reference format",
            f"use the reference on the consent form{example}",
        )
    return text


def _check_gss(value: str) -> str:
    if not re.fullmatch(r"E0[6-9][0-9]{6}", value):
        raise fail(
            f"“{value}” is not a local authority code for England",
            "GSS codes look like E06000052; leave the field out if unsure",
        )
    return value


def _check_started(value: int) -> int:
    if not 2000 <= value <= 2100:
        raise fail(
            f"{value} is not a plausible starting year", "write the year, e.g. started: 2012"
        )
    return value


def _ref_schema(kind: str) -> WithJsonSchema:
    # Marker replaced by the list of known values when the schema is exported.
    return WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN, "x-voices-known": kind})


def _reference(attribute: str, label: str) -> Any:
    return Annotated[
        str, AfterValidator(_reference_checker(attribute, label)), _ref_schema(attribute)
    ]


def _list_of(item: Any, min_items: int = 0) -> Any:
    return Annotated[list[item], BeforeValidator(_one_or_many), Field(min_length=min_items)]


def _text(max_length: int, min_length: int = 1) -> Any:
    return Annotated[
        str, Field(min_length=min_length, max_length=max_length), AfterValidator(_check_plain_text)
    ]


Slug = Annotated[
    str, AfterValidator(_check_slug), WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN})
]
Title = _text(150)
Summary = _text(300)
Name = _text(200)
LongText = Annotated[str, Field(min_length=1, max_length=5000)]
_DATE_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": PARTIAL_DATE_PATTERN},
        {"type": "integer", "minimum": 1000, "maximum": 9999},
    ],
    "description": "YYYY-MM-DD, or YYYY-MM or YYYY when only that is known",
}
PartialDate = Annotated[str, BeforeValidator(_partial_date), WithJsonSchema(_DATE_SCHEMA)]
FullDate = Annotated[
    str,
    BeforeValidator(_full_date),
    WithJsonSchema(
        {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "YYYY-MM-DD"}
    ),
]
WebUrl = Annotated[
    str,
    AfterValidator(_check_web_url),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"}),
]
SitePath = Annotated[
    str, AfterValidator(_check_site_path), WithJsonSchema({"type": "string", "pattern": "^/"})
]
RelativeFile = Annotated[
    str,
    AfterValidator(_check_relative_file),
    WithJsonSchema({"type": "string", "pattern": r"^[^/\\]"}),
]
AreaRef = _reference("areas", "area")
ThemeRef = _reference("themes", "theme")
ProgrammeRef = _reference("programmes", "programme")
KindRef = _reference("kinds", "kind")
ReasonRef = _reference("withdrawal_reasons", "withdrawal reason")
ScopeRef = _reference("consent_scopes", "consent scope")
LicenceId = Annotated[
    str,
    AfterValidator(_reference_checker("licences", "licence", slug=False)),
    WithJsonSchema({"type": "string", "x-voices-known": "licences"}),
]


def _check_region(value: str) -> str:
    if value not in REGIONS:
        by_label = {label.lower(): slug for slug, label in REGIONS.items()}
        slug = by_label.get(value.strip().lower())
        hint = f"write {slug}" if slug else did_you_mean(value, set(REGIONS))
        raise fail(f"“{value}” is not one of England's nine regions", hint)
    return value


RegionRef = Annotated[
    str, AfterValidator(_check_region), WithJsonSchema({"type": "string", "enum": sorted(REGIONS)})
]


# Characters that never belong in a field's text: control characters (a NUL makes the feeds
# invalid XML), line and paragraph separators, and the direction controls that make text read
# as something else (U+202E shows "exe.txt" as "txt.exe"). Tabs and new lines are fine.
_HIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _visible_text(value: Any) -> Any:
    if isinstance(value, str):
        found = _HIDDEN_CHARACTERS.search(value)
        if found:
            raise fail(
                f"holds an invisible control character (U+{ord(found.group()):04X})",
                "retype the text: such characters come in with a copy and paste, or from a "
                "backslash code such as \\0 or \\u202e",
            )
    elif isinstance(value, list):
        for item in value:
            _visible_text(item)
    return value


class ContractModel(BaseModel):
    """Strict: no unknown keys, and no silent type conversion (a title is never a number)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @field_validator("*", mode="after")  # after each field's own checks, which say more
    @classmethod
    def _no_hidden_characters(cls, value: Any) -> Any:
        return _visible_text(value)


# --- stories -------------------------------------------------------------------------------


class StoryImage(ContractModel):
    """The story's main photo or picture."""

    src: RelativeFile = Field(description="Image file in the story's folder.")
    alt: Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_check_plain_text)] = (
        Field(description="What the image shows, for people who cannot see it.")
    )
    credit: Name | None = Field(None, description="Who took or owns the photo.")
    shows_people: bool = Field(False, description="True when identifiable people are in the photo.")


class MediaItem(ContractModel):
    """Audio or video: a file in the story's folder, or a link to where it is hosted."""

    src: RelativeFile | None = Field(None, description="Audio or video file in the story's folder.")
    url: WebUrl | None = Field(
        None, description="Where the media is hosted elsewhere (linked, never embedded)."
    )
    type: Literal["audio", "video"] = Field(description="audio or video.")
    title: Title | None = Field(None, description="A short label for the recording.")
    transcript: LongText = Field(
        description="The transcript: a .md or .txt file in the folder, or the text itself."
    )
    captions: RelativeFile | None = Field(
        None, description="WebVTT captions file (required for a video file)."
    )


class Attachment(ContractModel):
    """A document published with the story, such as a PDF report."""

    src: RelativeFile = Field(description="Document file in the story's folder.")
    title: Title = Field(description="The document's title as shown on the page.")


class Consent(ContractModel):
    """What the people in the story agreed to. Never published."""

    recorded: FullDate = Field(description="Date consent was recorded.")
    reference: Annotated[str, AfterValidator(_check_consent_reference)] = Field(
        description="Internal reference of the consent record; never a name, email or phone number."
    )
    scope: _list_of(ScopeRef, 1) = Field(description="What was agreed, e.g. web, archive, photos.")
    minors: bool = Field(False, description="True when anyone under 18 is named or shown.")


class Withdrawal(ContractModel):
    """Why and when a story was taken down."""

    date: FullDate = Field(description="Date of withdrawal.")
    reason: ReasonRef = Field(description="One of the publicly listed reasons.")
    erase_title: bool = Field(
        False, description="True when even the title must no longer be shown."
    )


class StoryFrontMatter(ContractModel):
    """Front matter of a story: ``stories/<slug>.md`` or ``stories/<slug>/index.md``."""

    model_config = ConfigDict(title="Voices of Big Local story")

    title: Title | None = Field(
        None, description="Plain text, 1–150 characters. Required unless the withdrawal erases it."
    )
    date: PartialDate = Field(
        description="When it happened or was first told: YYYY-MM-DD, YYYY-MM or YYYY."
    )
    summary: Summary | None = Field(
        None, description="Plain text, at most 300 characters. Required unless withdrawn."
    )
    areas: _list_of(AreaRef, 1) = Field(
        description="One or more area slugs (file names in areas/)."
    )
    themes: _list_of(ThemeRef, 1) = Field(description="One or more theme slugs from the taxonomy.")
    kind: KindRef = Field("story", description="story, interview, film, audio, report or blog.")
    programme: ProgrammeRef = Field("big-local", description="Programme slug from the taxonomy.")
    authors: _list_of(Name) = Field([], description="Who wrote or made the story.")
    people: _list_of(Name) = Field(
        [], description="Residents quoted or shown. Shown on the story only."
    )
    image: StoryImage | None = None
    media: list[MediaItem] = Field([], description="Audio and video.")
    attachments: list[Attachment] = Field([], description="Documents such as PDF reports.")
    consent: Consent | None = None
    licence: LicenceId | None = Field(
        None, description="SPDX licence id; the archive's default when left out."
    )
    source_url: WebUrl | None = Field(
        None, description="Where the story first appeared (http or https)."
    )
    aliases: _list_of(SitePath) = Field(
        [], description="Old paths on this site that redirect here."
    )
    featured: bool = Field(False, description="Show on the home page.")
    status: Literal["published", "draft", "withdrawn"] = Field("published")
    withdrawn: Withdrawal | None = None


# --- areas ---------------------------------------------------------------------------------


class Location(ContractModel):
    """A point inside England."""

    lat: float = Field(
        ge=ENGLAND_BOUNDS["lat"][0], le=ENGLAND_BOUNDS["lat"][1], description="Latitude."
    )
    lon: float = Field(
        ge=ENGLAND_BOUNDS["lon"][0], le=ENGLAND_BOUNDS["lon"][1], description="Longitude."
    )


class LegacyBody(ContractModel):
    """An organisation that carries the area's work on."""

    name: Name
    kind: Name | None = Field(None, description="e.g. charity, community interest company.")
    url: WebUrl | None = None
    registration: Name | None = Field(None, description="e.g. charity or company number.")
    description: LongText | None = None


class CommunityAsset(ContractModel):
    """A building, space or service the community now holds."""

    name: Name
    kind: Name | None = None
    description: LongText | None = None


class Source(ContractModel):
    """Where a fact on the area page comes from."""

    url: WebUrl | None = None
    ref: Name | None = Field(None, description="A citation when there is no web address.")
    note: Name | None = Field(None, description="Which facts this source supports.")


class AreaFrontMatter(ContractModel):
    """Front matter of an area: ``areas/<slug>.md`` or ``areas/<slug>/index.md``."""

    model_config = ConfigDict(title="Voices of Big Local area")

    name: Name = Field(description="The area's name.")
    programmes: _list_of(ProgrammeRef, 1) = Field(["big-local"], description="Programme slugs.")
    local_authority: Name | None = None
    local_authority_code: Annotated[str, AfterValidator(_check_gss)] | None = Field(
        None, description="GSS code of the local authority, e.g. E06000052."
    )
    region: RegionRef | None = Field(None, description="One of England's nine regions.")
    former_names: _list_of(Name) = []
    summary: Summary | None = None
    website: WebUrl | None = None
    started: Annotated[int, AfterValidator(_check_started)] | None = Field(
        None, description="Year."
    )
    location: Location | None = None
    legacy: list[LegacyBody] = Field([], description="Successor bodies.")
    assets: list[CommunityAsset] = Field([], description="Community assets.")
    sources: list[Source] = Field([], description="Sources of the facts on this page.")
