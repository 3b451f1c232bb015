"""The picture library: one SVG file per diagram step, under templates/pictures/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from leaflets.content.svg import plain_svg, svg_problem
from leaflets.errors import ContentError, ContentErrors

PICTURES_DIR = "pictures"
MAX_PICTURE_BYTES = 512 * 1024


def available_pictures(template_dirs: list[Path]) -> frozenset[str]:
    """Ids of every picture a module may use, from all template folders."""
    return frozenset(
        path.stem for folder in template_dirs for path in (folder / PICTURES_DIR).glob("*.svg")
        if path.is_file()  # not a folder, nor a loop of links (check reports those)
    )


def picture_problem(path: Path) -> ContentError | None:
    """Why a picture cannot be shown, located in its file: the SVG rule of clinic logos."""
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_PICTURE_BYTES else b""
    except OSError as exc:
        return ContentError(str(path), 1, 1, "", f"cannot read the picture: {exc.strerror}")
    if size > MAX_PICTURE_BYTES:
        return ContentError(str(path), 1, 1, "", f"the picture is {size} bytes, over the limit "
                            f"of {MAX_PICTURE_BYTES}; simplify the drawing")
    problem = svg_problem(data)
    if problem:
        return ContentError(str(path), problem.line, problem.column, "", problem.message)
    return None


def picture_source(path: Path) -> str:
    """The picture's SVG as checked and written out again; ContentErrors if it is refused."""
    # Keyed on the modification time too: a long-lived process must see an edited picture,
    # and check it again.
    return _read_picture(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=256)
def _read_picture(path: Path, mtime_ns: int) -> str:
    problem = picture_problem(path)
    if problem:
        raise ContentErrors([problem])
    return plain_svg(path.read_bytes())


def picture_path(template_dirs: tuple[Path, ...], picture: str) -> Path:
    """The file a picture id stands for: the first template folder that has it wins."""
    for folder in template_dirs:
        path = folder / PICTURES_DIR / f"{picture}.svg"
        if path.is_file():
            return path
    raise FileNotFoundError(f"no picture {picture!r} in {PICTURES_DIR}/")
