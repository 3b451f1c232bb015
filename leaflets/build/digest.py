"""Digests of files and folders, and what else reaches the bytes of an output.

Kept free of the content stage so that a rebuild with nothing to do (stamp.py) can use
them without loading it.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from typing import Iterable

# Packages whose version changes the bytes of a leaflet, so a new version re-renders.
OUTPUT_PACKAGES = ("weasyprint", "pydyf", "babel", "segno", "pyphen", "jinja2")
# Environment variables that reach the output (fixed PDF dates for reproducible builds).
OUTPUT_ENVIRONMENT = ("SOURCE_DATE_EPOCH",)


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload_digest(payload: object) -> str:
    """The digest of plain data, the same for equal data whatever its key order."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return bytes_digest(canonical.encode())


def file_digest(path: Path) -> str:
    """The digest of one file's bytes; a missing file has a digest too."""
    try:
        return bytes_digest(path.read_bytes())
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return "missing"


def tree_files(folder: Path, skip: Iterable[str] = ()) -> list[Path]:
    """Every file under a folder in sorted order, leaving out hidden and cache files."""
    skipped = set(skip)
    return sorted(
        path for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") or part == "__pycache__" or part in skipped
                    for part in path.relative_to(folder).parts)
    )


def settings_files(root: Path) -> list[Path]:
    """leaflets.yaml and the settings beside it, such as a clinic profile."""
    return sorted(path for path in root.glob("*.yaml") if not path.name.startswith("."))


def package_versions() -> dict[str, str]:
    found = {}
    for name in OUTPUT_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def output_environment() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in OUTPUT_ENVIRONMENT}
