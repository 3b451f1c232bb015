"""Typed models of the project config, a topic module, its text and a locale.

This module is the single definition of what valid content is.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, Union

from pydantic import (
    AfterValidator, BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag,
)

from leaflets.content.characters import NOT_ONE_LINE
from leaflets.content.codes import CodeSystem
from leaflets.paper import Paper

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LANG_PATTERN = r"^[a-z]{2,3}$"
STRING_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
LOCALE_PATTERN = r"^[a-z]{2,3}(?:_[A-Z]{2})?$"
SOURCE_HASH_PATTERN = r"^[0-9a-f]{12}$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
StringKey = Annotated[str, StringConstraints(pattern=STRING_KEY_PATTERN, max_length=64)]
LangId = Annotated[str, StringConstraints(pattern=LANG_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Tier = Literal["gp", "today", "emergency"]
TIERS: tuple[Tier, ...] = ("gp", "today", "emergency")
# Sections that the templates build from structured data rather than prose.
BUILT_IN_SECTIONS = ("diagram", "checklist", "get-help")


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None
    return value


def _web_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError(f"{value!r} is not a web address; it must start with https:// or http://")
    return value


# Every QR code holds base_url plus /<lang>/<topic>/<audience>/, and must still scan from a
# 50 dpi copy: the longer the address, the smaller each module of the code.
MAX_BASE_URL = 100


def _base_url(value: str) -> str:
    if len(value) > MAX_BASE_URL:
        raise ValueError(f"the address has {len(value)} characters, over the limit of "
                         f"{MAX_BASE_URL}: every QR code holds it, and a long one no longer "
                         "scans from paper; use a shorter address")
    return value


IsoDate = Annotated[str, AfterValidator(_iso_date)]
WebUrl = Annotated[str, AfterValidator(_web_url)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --- project config (leaflets.yaml) -------------------------------------------------


class AudienceSpec(Model):
    pages: int = Field(ge=1, le=20, description="page budget at normal print size")
    large_print_pages: int = Field(ge=1, le=40, description="page budget in large print")
    plain_language: bool = Field(description="whether readability targets apply")


class ProjectConfig(Model):
    content: str = "content"
    output: str = "output"
    base_url: Annotated[WebUrl, AfterValidator(_base_url)]
    languages: list[LangId] = Field(min_length=1)
    source_language: LangId = "en"
    audiences: dict[Id, AudienceSpec] = Field(min_length=1)
    paper: Annotated[Paper, Field(strict=False)] = Paper.A4
    publisher: Text
    clinic: str | None = Field(default=None, description="clinic profile YAML, in the project")
    # One region for every language, or language → region: a region is a health system.
    region: Id | dict[LangId, Id] | None = None

    def region_of(self, lang: str) -> str | None:
        """The id of the region whose services a leaflet in `lang` names."""
        return self.region.get(lang) if isinstance(self.region, dict) else self.region


# --- topic module: language-independent facts (topic.yaml) ---------------------------


class Review(Model):
    last_reviewed: IsoDate
    next_review: IsoDate
    version: Text


class Reference(Model):
    id: Id
    title: Text
    publisher: Text
    year: int = Field(ge=1900, le=2100)
    url: WebUrl
    # The source's own review dates, when it publishes them: a source past review is flagged.
    reviewed: IsoDate | None = None
    review_due: IsoDate | None = None


class DiagramStep(Model):
    id: Id
    picture: Id
    hold_seconds: int | None = Field(default=None, ge=1, le=600)
    repeats: int | None = Field(default=None, ge=1, le=50)


class Diagram(Model):
    steps: list[DiagramStep] = Field(min_length=1, max_length=8)
    per_day: int | None = Field(default=None, ge=1, le=12, description="how often in the day")


class RedFlag(Model):
    id: Id
    tier: Tier
    source: Id


class ChecklistItem(Model):
    id: Id
    red_flag: Id | None = None


class DiagnosisCode(Model):
    """A diagnosis code the topic answers; its form is checked per system in validation."""

    system: Annotated[CodeSystem, Field(strict=False)]
    code: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    display: Text
    checked: WebUrl = Field(description="the page the code was checked against")


class Topic(Model):
    review: Review
    references: list[Reference] = Field(min_length=1)
    diagram: Diagram
    red_flags: list[RedFlag] = Field(min_length=1)
    checklist: list[ChecklistItem] = Field(min_length=1)
    audiences: dict[Id, list[Id]] = Field(min_length=1)
    codes: list[DiagnosisCode] = Field(default_factory=list, max_length=40)


# --- topic module: text in one language (<lang>.yaml) ---------------------------------


class Paragraph(Model):
    p: Text


class Bullets(Model):
    bullets: list[Text] = Field(min_length=1)


class Steps(Model):
    steps: list[Text] = Field(min_length=1)


def _block_kind(value: object) -> str | None:
    if isinstance(value, BaseModel):
        return {Paragraph: "<p>", Bullets: "<bullets>", Steps: "<steps>"}.get(type(value))
    if isinstance(value, dict):
        for key in ("p", "bullets", "steps"):
            if key in value:
                return f"<{key}>"
    return None


Block = Annotated[
    Union[
        Annotated[Paragraph, Tag("<p>")],
        Annotated[Bullets, Tag("<bullets>")],
        Annotated[Steps, Tag("<steps>")],
    ],
    Discriminator(_block_kind, custom_error_type="block_kind",
                  custom_error_message="a block is one of `p: text`, `bullets: [...]` "
                  "or `steps: [...]`"),
]


class Section(Model):
    heading: Text
    blocks: list[Block] = Field(min_length=1)


class DiagramText(Model):
    title: Text
    description: Text
    steps: dict[Id, Text]
    # What each picture shows, for a screen reader; the caption says what to do.
    alt: dict[Id, Text] = Field(default_factory=dict)


class Translation(Model):
    """Records which version of the source text a translation was made from."""

    source_hash: Annotated[str, StringConstraints(pattern=SOURCE_HASH_PATTERN)]
    reviewed: IsoDate


class TopicText(Model):
    title: Text
    summary: Text
    # A summary of its own for an audience (the clinician's quick reference), else `summary`.
    summaries: dict[Id, Text] = Field(default_factory=dict)
    translation: Translation | None = None
    sections: dict[Id, Section]
    diagram: DiagramText
    red_flags: dict[Id, Text]
    checklist: dict[Id, Text]


# --- region: a health system's services (regions/<id>.yaml, <content>/_regions/<id>.yaml) --

# Each maps language → the service's name in that language ({gp}, {emergency}... in text).
ByLanguage = dict[LangId, Text]


class Services(Model):
    """Who to contact, in the words of the country's health service, in each language."""

    gp: ByLanguage = Field(description="routine care: a GP, de huisarts")
    urgent: ByLanguage = Field(description="same-day care: NHS 111, de huisartsenpost")
    emergency: ByLanguage = Field(description="the emergency number, the same in every language")
    hospital: ByLanguage = Field(description="the emergency department: A&E, de SEH")
    crisis: ByLanguage = Field(description="the crisis line for suicidal thoughts or self-harm")


SERVICES: tuple[str, ...] = tuple(Services.model_fields)


class Region(Model):
    name: Text
    services: Services

    def services_in(self, lang: str) -> dict[str, str]:
        """Each service's name in `lang` (those the region has)."""
        return {service: names[lang] for service, names in self.services
                if lang in names}


# --- locale: interface strings (_locales/<lang>.yaml) ------------------------------------


class PluralText(Model):
    """Plural forms by CLDR category; `other` is always required."""

    zero: Text | None = None
    one: Text | None = None
    two: Text | None = None
    few: Text | None = None
    many: Text | None = None
    other: Text


def _string_kind(value: object) -> str:
    return "<text>" if isinstance(value, str) else "<plural>"


InterfaceString = Annotated[
    Union[Annotated[Text, Tag("<text>")], Annotated[PluralText, Tag("<plural>")]],
    Discriminator(_string_kind),
]


class Readability(Model):
    """The plain-language measure that suits the language, and its target."""

    formula: Literal["flesch-kincaid-grade", "flesch-douma", "flesch-oborneva", "lix", "none"]
    # Finite and in range: `.inf` or `.nan` would turn the plain-language check off.
    target: float = Field(ge=0, le=100, allow_inf_nan=False)
    max_words_per_sentence: float | None = Field(default=None, ge=1, le=100, allow_inf_nan=False)


class Locale(Model):
    readability: Readability
    locale: Annotated[str, StringConstraints(pattern=LOCALE_PATTERN)]
    name: Text
    strings: dict[StringKey, InterfaceString]
    audiences: dict[Id, Text]
    tiers: dict[Tier, Text]
    # Words that address the reader ("you", "my"): red flags and checklists are read by carers too.
    reader_words: list[Text] = Field(default_factory=list)
    # Abbreviations a plain-language leaflet must explain at first use: term → its long form.
    glossary: dict[Text, Text] = Field(default_factory=dict)


# The interface strings that the templates and the code look up, so every locale needs them:
# one text each, except the counted ones, which may also give plural forms.
INTERFACE_STRINGS = (
    "scan_online", "qr_alt", "checklist", "tick_any", "get_help", "sources", "last_reviewed",
    "next_review", "version", "page_of", "disclaimer", "site_name", "skip_to_content",
    "choose_language", "leaflets_in_language", "all_languages", "other_languages", "breadcrumbs",
    "not_available", "download_pdf", "pdf_size", "print_page", "published_by", "clinic_heading",
    "phone", "website", "note_heading", "note_for", "tick_today", "tick_emergency",
)
COUNTED_STRINGS = ("hold_seconds", "repeat_times", "per_day")


# --- clinic profile (clinic.yaml) -----------------------------------------------------

DEFAULT_ACCENT = "#1d4e89"  # headings and links, when no clinic sets its own
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{2,29}$")


def _line(value: str) -> str:
    """One line a person typed; bidi overrides could make a number print backwards."""
    if NOT_ONE_LINE.search(value):
        raise ValueError("control characters, line breaks and direction overrides are not "
                         "allowed; write plain text on one line")
    return value


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError(f"{value!r} is not a phone number; use digits, spaces, + ( ) - . /")
    return value


def _colour(value: str) -> str:
    if not re.match(r"^#[0-9a-fA-F]{6}$", value):
        raise ValueError(f"{value!r} is not a colour; write it as #rrggbb, like #1d4e89")
    return value.lower()


Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
                 AfterValidator(_line)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_phone)]
Colour = Annotated[str, AfterValidator(_colour)]


class ClinicProfile(Model):
    """A clinic's details, printed on every leaflet and shown by the print desk."""

    name: Line
    address: list[Line] = Field(default_factory=list, max_length=4)
    phone: Phone | None = None
    website: WebUrl | None = None
    logo: str | None = Field(default=None, description="SVG or PNG file inside the project")
    accent: Colour = DEFAULT_ACCENT
    region: Id | None = Field(default=None, description="the region of its builds and its desk")
