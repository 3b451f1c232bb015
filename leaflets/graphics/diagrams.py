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


def _picture_source(path: Path) -> str:
    # Keyed on the modification time too: a long-lived process must see an edited picture.
    return _read_picture(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=256)
def _read_picture(path: Path, mtime_ns: int) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index("<svg"):].strip()


def picture_path(template_dirs: tuple[Path, ...], picture: str) -> Path:
    """The file a picture id stands for: the first template folder that has it wins."""
    for folder in template_dirs:
        path = folder / PICTURES_DIR / f"{picture}.svg"
        if path.is_file():
            return path
    raise FileNotFoundError(f"no picture {picture!r} in {PICTURES_DIR}/")


def picture_svg(template_dirs: tuple[Path, ...], picture: str, title: str) -> Markup:
    """The picture as inline SVG, titled so that it becomes the figure's alt text."""
    source = _picture_source(picture_path(template_dirs, picture))
    opening = _SVG_OPEN.match(source)
    assert opening, f"{picture}.svg does not start with <svg>"
    tag = opening.group(0)[:-1] + ' role="img" class="picture">'
    return Markup(f"{tag}<title>{escape(title)}</title>{source[opening.end():]}")
