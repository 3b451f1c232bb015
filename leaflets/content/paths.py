"""The one containment check: is a path inside the project, and if not, how does it leave?"""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path


class Place(Enum):
    INSIDE = "inside"
    LINKED_OUT = "links outside"  # inside as written, but a symbolic link leads out
    OUTSIDE = "outside"  # outside as written


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every link followed, is inside `root`."""
    return path.resolve().is_relative_to(root.resolve())


def place(path: Path, root: Path) -> Place:
    if inside(path, root):
        return Place.INSIDE
    if Path(os.path.abspath(path)).is_relative_to(os.path.abspath(root)):
        return Place.LINKED_OUT
    return Place.OUTSIDE
