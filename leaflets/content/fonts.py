"""Which characters the bundled fonts can print: a character no font covers would be a box."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from leaflets.content.loading import Document, format_key
from leaflets.content.project import ASSETS
from leaflets.content.tree import text_leaves
from leaflets.errors import ErrorList

FONTS_DIR = ASSETS / "fonts"
# Spaces and line breaks are laid out, not drawn; format characters (ZWJ, ZWNJ, bidi
# isolates) are handled by the shaper, which never draws them.
_NOT_DRAWN = {"Cc", "Cf", "Zl", "Zp"}


@lru_cache(maxsize=None)
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # only `check` and validation read fonts

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


@lru_cache(maxsize=None)
def covered(folder: Path = FONTS_DIR) -> frozenset[int]:
    """Every code point some bundled font has a glyph for."""
    return frozenset().union(*(_cmap(path) for path in sorted(folder.glob("*.ttf"))))


def uncovered(text: str, folder: Path = FONTS_DIR) -> list[str]:
    """The characters of `text` no bundled font can print, once each, in order."""
    have = covered(folder)
    found = dict.fromkeys(ch for ch in text if ord(ch) not in have
                          and unicodedata.category(ch) not in _NOT_DRAWN)
    return list(found)


def describe(characters: list[str]) -> str:
    """`'ქ' (U+10E5 GEORGIAN LETTER KHAR)`, for each character."""
    return ", ".join(f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')})"
                     for ch in characters)


def _column(document: Document, line: int, column: int, character: str) -> int:
    """The column of `character` on the value's line, when the value starts on it."""
    try:
        text = document.path.read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, UnicodeError, IndexError):
        return column
    found = text.find(character, column - 1)
    return found + 1 if found >= 0 else column


def check_coverage(document: Document, errors: ErrorList, folder: Path = FONTS_DIR) -> None:
    """Report, at the first one, every text that uses a character no bundled font covers."""
    for key_path, value in text_leaves(document.data):
        missing = uncovered(value, folder)
        if missing:
            line, column = document.position(key_path)
            column = _column(document, line, column, missing[0])
            errors.add(document.path, line, column, format_key(key_path),
                       f"no bundled font has {describe(missing)}: it would print as a box; "
                       "write it in a script the leaflets fonts cover, or add a Noto font for "
                       "it to leaflets/assets/fonts")
