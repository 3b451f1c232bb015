"""What a clinician typed at the desk → a checked order for one personalised leaflet.

Everything is refused with a message that names the field and says how to fix it. The
values are only ever held in memory: never logged, never written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping

from pydantic import TypeAdapter, ValidationError

from leaflets.content.fonts import describe, uncovered
from leaflets.content.characters import NOT_TYPED
from leaflets.content.clinic import Clinic
from leaflets.content.schema import Line, Phone
from leaflets.content.tree import Content
from leaflets.outputs import LeafletKey, RenderOptions
from leaflets.paper import PAPER_NAMES

FIELDS = ("topic", "lang", "audience", "paper", "large_print", "clinic_name", "clinic_phone",
          "clinic_address", "patient_name", "note")
LIMITS = {"clinic_name": 80, "clinic_phone": 30, "clinic_address": 200, "patient_name": 40,
          "note": 300}
MAX_LINES = {"clinic_address": 4, "note": 6}
# The longest run of wide letters (W) that fits a line of the note in large print on either
# paper is between 42 (fits) and 50 (does not); a longer word stops the render.
MAX_WORD = 40
_WORD_BREAKS = re.compile(r"[\s\-‐]+")
LABELS = {"topic": "Topic", "lang": "Language", "audience": "Audience", "paper": "Paper size",
          "large_print": "Large print", "clinic_name": "Clinic name", "clinic_phone": "Clinic phone",
          "clinic_address": "Clinic address", "patient_name": "Patient's first name",
          "note": "Personal note"}
# Control characters (line breaks are handled per field) and bidi overrides, which could
# make a printed number read differently from what was typed.
_NAME = re.compile(r"^[\w\s'’.-]+$")
_LINE = TypeAdapter(Line)
_PHONE = TypeAdapter(Phone)


class FormError(ValueError):
    """A field the desk cannot accept; the message says how to fix it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{LABELS.get(field, field)}: {message}")
        self.field = field


@dataclass(frozen=True)
class Order:
    key: LeafletKey
    options: RenderOptions


def _text(form: Mapping[str, str], field: str) -> str:
    """A typed value, normalised and checked for length and characters."""
    value = unicodedata.normalize("NFC", form.get(field, "")).replace("\r\n", "\n").strip()
    limit = LIMITS[field]
    if len(value) > limit:
        raise FormError(field, f"{len(value)} characters is too long; keep it to {limit}")
    if NOT_TYPED.search(value) or ("\n" in value and field not in MAX_LINES):
        raise FormError(field, "it contains control characters or line breaks; type plain text")
    if field in MAX_LINES and value.count("\n") >= MAX_LINES[field]:
        raise FormError(field, f"use at most {MAX_LINES[field]} lines")
    longest = max(_WORD_BREAKS.split(value), key=len)
    if len(longest) > MAX_WORD:
        raise FormError(field, f"“{longest[:20]}…” is {len(longest)} characters without a "
                        "space, too long to fit on a printed line; break it with spaces or "
                        f"hyphens (at most {MAX_WORD} characters between them)")

    missing = uncovered(value)
    if missing:
        raise FormError(field, f"the leaflet fonts cannot print {describe(missing[:3])}; "
                        "type it in a script they cover")
    return value


def _checked(adapter: TypeAdapter, field: str, value: str) -> str:
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
        raise FormError(field, message) from None


def _choice(form: Mapping[str, str], field: str, known: list[str], what: str) -> str:
    value = form.get(field, "")
    if value not in known:
        shown = value if len(value) <= 40 and value.isprintable() else value[:40] + "…"
        raise FormError(field, f"unknown {what} {shown!r}; choose one of: {', '.join(known)}")
    return value


def _clinic(form: Mapping[str, str], profile: Clinic | None) -> Clinic | None:
    name = _text(form, "clinic_name")
    phone = _text(form, "clinic_phone")
    address = _text(form, "clinic_address")
    if not name:
        if phone or address:
            raise FormError("clinic_name", "give the clinic's name too, or leave the clinic "
                            "details empty")
        return None
    lines = tuple(_checked(_LINE, "clinic_address", line.strip())
                  for line in address.split("\n") if line.strip())
    return Clinic(
        name=_checked(_LINE, "clinic_name", name),
        address=lines,
        phone=_checked(_PHONE, "clinic_phone", phone) if phone else "",
        website=profile.website if profile else "",
        logo=profile.logo if profile else None,
        accent=profile.accent if profile else Clinic.accent,
    )


def read_leaflet(form: Mapping[str, str], content: Content) -> LeafletKey:
    """Which leaflet the form asks for (topic, language, audience); FormError if unknown."""
    config = content.project.config
    topic = _choice(form, "topic", sorted(content.modules), "topic")
    lang = _choice(form, "lang", list(config.languages), "language")
    audiences = [a for a in config.audiences if a in content.modules[topic].topic.audiences]
    audience = _choice(form, "audience", audiences, f"audience for {topic}")
    gap = content.modules[topic].unavailable.get(lang)
    if gap:
        have = ", ".join(content.locales[other].name for other in content.modules[topic].texts)
        raise FormError("lang", f"{topic} is not available in {content.locales[lang].name}: "
                        f"{gap.reason}; choose one of: {have}")
    return LeafletKey(topic, lang, audience)


def read_order(form: Mapping[str, str], content: Content, profile: Clinic | None) -> Order:
    """Check every field of a desk form; raise FormError for the first problem."""
    key = read_leaflet(form, content)
    paper = _choice(form, "paper", list(PAPER_NAMES), "paper size")
    large_print = form.get("large_print", "")
    if large_print not in ("", "on"):
        raise FormError("large_print", "tick the box or leave it empty")
    patient_name = _text(form, "patient_name")
    if patient_name and not _NAME.match(patient_name):
        raise FormError("patient_name", "use letters, spaces, hyphens and apostrophes only")
    options = RenderOptions(paper=paper, large_print=large_print == "on",
                            clinic=_clinic(form, profile), note=_text(form, "note"),
                            patient_name=patient_name,
                            region=profile.region if profile else None)
    return Order(key, options)
