"""Interface strings, plural forms and dates in the leaflet's language."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import babel
from babel.dates import format_date

from leaflets.errors import ErrorList
from leaflets.loading import load_file
from leaflets.schema import Locale, PluralText

BUILT_IN_STRINGS = Path(__file__).resolve().parent / "assets" / "strings"


@lru_cache(maxsize=32)
def built_in_strings(lang: str) -> Mapping[str, str]:
    """The package's own strings for the online version and the print desk, English-backed.

    They spare every locale file from repeating them; a locale's `strings:` overrides any.
    """
    found: dict[str, str] = {}
    for name in ("en", lang):
        path = BUILT_IN_STRINGS / f"{name}.yaml"
        if path.is_file():
            errors = ErrorList()
            document = load_file(path, errors)
            if errors or document is None:
                raise RuntimeError(f"broken built-in strings: {errors.errors}")
            found.update(document.data)
    return MappingProxyType(found)


class _Blanks(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Translator:
    """Looks up the locale's strings and fills in its services ({gp}, {emergency}...)."""

    locale: Locale
    defaults: Mapping[str, str] = field(default_factory=dict)

    @property
    def lang_tag(self) -> str:
        return self.locale.locale.replace("_", "-")

    def _fill(self, text: str, **values: object) -> str:
        fields = _Blanks(self.locale.services.model_dump(), **values)
        return string.Formatter().vformat(text, (), fields)

    def __call__(self, key: str, **values: object) -> str:
        value = self.locale.strings.get(key) or self.defaults[key]
        if isinstance(value, PluralText):
            raise TypeError(f"string {key!r} has plural forms; use plural()")
        return self._fill(value, **values)

    def plural(self, key: str, count: int) -> str:
        value = self.locale.strings[key]
        if not isinstance(value, PluralText):
            return self._fill(value, n=count)
        category = babel.Locale.parse(self.locale.locale).plural_form(count)
        form = getattr(value, category, None) or value.other
        return self._fill(form, n=count)

    def date(self, iso: str) -> str:
        return format_date(date.fromisoformat(iso), format="long", locale=self.locale.locale)

    def tier(self, tier: str) -> str:
        return self._fill(self.locale.tiers[tier])
