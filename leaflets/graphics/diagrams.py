"""The picture library: one SVG file per diagram step, under templates/pictures/."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

PICTURES_DIR = "pictures"
_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)


def available_pictures(template_dirs: list[Path]) -> frozenset[str]:
    """Ids of every picture a module may use, from all template folders."""
    return frozenset(
        path.stem for folder in template_dirs for path in (folder / PICTURES_DIR).glob("*.svg")
    )


@lru_cache(maxsize=256)
def _picture_source(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index("<svg"):].strip()


def picture_svg(template_dirs: tuple[Path, ...], picture: str, title: str) -> Markup:
    """The picture as inline SVG, titled so that it becomes the figure's alt text."""
    for folder in template_dirs:
        path = folder / PICTURES_DIR / f"{picture}.svg"
        if path.is_file():
            source = _picture_source(path)
            break
    else:
        raise FileNotFoundError(f"no picture {picture!r} in {PICTURES_DIR}/")
    opening = _SVG_OPEN.match(source)
    assert opening, f"{picture}.svg does not start with <svg>"
    tag = opening.group(0)[:-1] + ' role="img" class="picture">'
    return Markup(f"{tag}<title>{escape(title)}</title>{source[opening.end():]}")
