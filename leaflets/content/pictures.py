"""The picture library: one SVG file per diagram step, under templates/pictures/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

PICTURES_DIR = "pictures"


def available_pictures(template_dirs: list[Path]) -> frozenset[str]:
    """Ids of every picture a module may use, from all template folders."""
    return frozenset(
        path.stem for folder in template_dirs for path in (folder / PICTURES_DIR).glob("*.svg")
    )


def picture_source(path: Path) -> str:
    """The picture's SVG, from its <svg> element on."""
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
