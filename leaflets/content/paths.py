"""The one containment check: is a path inside the project, and if not, how does it leave?"""

from __future__ import annotations

import errno
import os
from enum import Enum
from pathlib import Path


class Place(Enum):
    INSIDE = "inside"
    LINKED_OUT = "links outside"  # inside as written, but a symbolic link leads out
    OUTSIDE = "outside"  # outside as written
    LOOP = "loops"  # symbolic links that lead back to themselves: it is nowhere


def resolved(path: Path) -> Path | None:
    """`path` with every link followed; None for a loop of symbolic links."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # Python before 3.13 raises RuntimeError for a loop
        return None


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every link followed, is inside `root`."""
    target = resolved(path)
    return target is not None and target.is_relative_to(root.resolve())


def place(path: Path, root: Path) -> Place:
    if inside(path, root):
        return Place.INSIDE
    if resolved(path) is None:
        return Place.LOOP
    if Path(os.path.abspath(path)).is_relative_to(os.path.abspath(root)):
        return Place.LINKED_OUT
    return Place.OUTSIDE


def where_it_leads(path: Path, fix: str) -> str:
    """For a message: `links outside the project (/etc/passwd); <fix>`, or that it loops."""
    target = resolved(path)
    if target is None:
        return "is a loop of symbolic links that never reaches a file; remove the link"
    return f"links outside the project ({target}); {fix}"
