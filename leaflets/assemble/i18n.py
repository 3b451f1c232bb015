"""Interface strings, plural forms and dates in the leaflet's language."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property

import babel
import pyphen
from babel.dates import format_date

from leaflets.content.markup import isolate_ltr
from leaflets.content.schema import Locale, PluralText


class _Blanks(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Direction(StrEnum):
    """The text direction of a language; its value is the HTML `dir` attribute."""

    LTR = "ltr"
    RTL = "rtl"

    @classmethod
    def of(cls, locale: str) -> Direction:
        """The direction CLDR gives the locale's script (Babel's `text_direction`)."""
        return cls(babel.Locale.parse(locale).text_direction)

    @property
    def is_rtl(self) -> bool:
        return self is Direction.RTL

    @property
    def start(self) -> str:
        """The physical side a line starts on: page margin boxes have no logical names."""
        return "right" if self.is_rtl else "left"

    @property
    def end(self) -> str:
        """The physical side a line ends on."""
        return "left" if self.is_rtl else "right"


@dataclass(frozen=True)
class Translator:
    """Looks up the locale's strings and fills in the region's services ({gp}, {emergency}...)."""

    locale: Locale
    # (service, its name in this language): the services of the leaflet's region.
    services_named: tuple[tuple[str, str], ...] = ()

    @property
    def lang_tag(self) -> str:
        return self.locale.locale.replace("_", "-")

    @cached_property
    def direction(self) -> Direction:
        return Direction.of(self.locale.locale)

    @property
    def hyphenation(self) -> str | None:
        """The Pyphen patterns WeasyPrint hyphenates this language with, or None: no hyphens."""
        return pyphen.language_fallback(self.lang_tag)

    def words(self, text: str) -> str:
        """Text as it is set: in right-to-left text, left-to-right runs are isolated."""
        return isolate_ltr(text) if self.direction.is_rtl else text

    def _format(self, text: str, **values: object) -> str:
        fields = _Blanks(self.services_named, **values)
        return string.Formatter().vformat(text, (), fields)

    def _fill(self, text: str, **values: object) -> str:
        return self.words(self._format(text, **values))

    def __call__(self, key: str, **values: object) -> str:
        value = self.locale.strings[key]
        if isinstance(value, PluralText):
            raise TypeError(f"string {key!r} has plural forms; use plural()")
        return self._fill(value, **values)

    def for_audience(self, key: str, audience: str, **values: object) -> str:
        """The audience's own string (`tick_any_carer`), else the shared one (`tick_any`)."""
        own = f"{key}_{audience}"
        return self(own if own in self.locale.strings else key, **values)

    def plural(self, key: str, count: int) -> str:
        value = self.locale.strings[key]
        if not isinstance(value, PluralText):
            return self._fill(value, n=count)
        category = babel.Locale.parse(self.locale.locale).plural_form(count)
        form = getattr(value, category, None) or value.other
        # The number never leaves its unit at a line end ("Hold for 5 / seconds").
        return self._fill(form.replace("{n} ", "{n}\u00a0"), n=count)

    def date(self, iso: str) -> str:
        return format_date(date.fromisoformat(iso), format="long", locale=self.locale.locale)

    def services(self, text: str) -> str:
        """Content text with the region's services filled in ({crisis}, {emergency}...).

        Not isolated here: markup.to_html isolates the left-to-right runs of content text.
        """
        return self._format(text)

    def tier(self, tier: str) -> str:
        return self._fill(self.locale.tiers[tier])
