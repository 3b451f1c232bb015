"""The build stamp: a rebuild with nothing to do, answered without reading the content.

A full build decides output by output (the manifest), but first loads and validates every
module: seconds for a national library. After a build that wrote all it was asked for,
with no error, the stamp records what it read (every file of the folders it read from,
by content), what it was asked (the command's choices, the day, the package versions),
the warnings it printed, and each output's size and modification time. The next build
asking the same, with every input and output as recorded, has nothing to do: it prints
the same warnings and says so, without loading a module or importing WeasyPrint.

Anything else takes the full path: an edited, new or removed file, an output touched or
removed, a new day (review dates are checked against today), other choices. Every build
that writes forgets the stamp first, so one killed part-way is never taken as done.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from leaflets import __version__
from leaflets.build.digest import (file_digest, output_environment, package_versions,
                                   payload_digest, settings_files, tree_files)
from leaflets.build.manifest import manifest_paths
from leaflets.build.write import JOURNAL, replace_file

if TYPE_CHECKING:
    from leaflets.content.project import Project
    from leaflets.outputs import RenderOptions

STAMP = Path(".leaflets-cache") / "build-stamp.json"
FORMAT = 1
KEPT = 16  # sets of choices remembered; the oldest is forgotten first


@dataclass(frozen=True)
class Watched:
    """What a build read: every file under `folders`, the `files`, and the settings."""

    root: Path
    folders: tuple[Path, ...]
    files: tuple[Path, ...]

    def digest(self) -> str:
        folders = {str(folder): {path.relative_to(folder).as_posix(): file_digest(path)
                                 for path in tree_files(folder)}
                   for folder in self.folders}
        files = {str(path): file_digest(path) for path in {*self.files,
                                                             *settings_files(self.root)}}
        return payload_digest({"folders": folders, "files": files})


def watched(project: Project, options: RenderOptions, clinic_profile: Path | None) -> Watched:
    """The folders and files a build of `project` reads (the code and templates included)."""
    from leaflets.content.project import BUILTIN_REGIONS, BUILTIN_TEMPLATES, PACKAGE_ROOT

    folders = {folder.resolve() for folder in (
        project.content_dir, project.root / "templates", BUILTIN_TEMPLATES, BUILTIN_REGIONS,
        PACKAGE_ROOT)}
    outermost = tuple(sorted(folder for folder in folders
                             if not any(folder.is_relative_to(other) and folder != other
                                        for other in folders)))
    logo = options.clinic.logo if options.clinic else None
    files = {path.resolve() for path in (clinic_profile, logo and logo.path) if path}
    return Watched(project.root.resolve(), outermost, tuple(sorted(files)))


@dataclass(frozen=True)
class Noop:
    """A rebuild with nothing to do: the warnings to print again, the outputs up to date."""

    warnings: str
    outputs: int


def request_key(root: Path, choices: Mapping[str, object]) -> str:
    """Everything besides the files that decides what a build does and prints."""
    return payload_digest({
        "format": FORMAT, "leaflets": __version__, "python": sys.version,
        "packages": package_versions(), "environment": output_environment(),
        "project": str(root.resolve()), "cwd": os.getcwd(), "today": date.today().isoformat(),
        "choices": dict(choices)})


def _read(root: Path) -> dict[str, dict]:
    try:
        document = json.loads((root / STAMP).read_text(encoding="utf-8"))
        return document["entries"] if document.get("format") == FORMAT else {}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _state(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def noop(root: Path, key: str) -> Noop | None:
    """The recorded answer, when inputs and outputs are exactly as the stamp recorded."""
    entry = _read(root).get(key)
    try:
        if entry is None or (Path(entry["output"]) / JOURNAL).exists():
            return None
        watched = Watched(root.resolve(), tuple(map(Path, entry["folders"])),
                          tuple(map(Path, entry["files"])))
        if any(_state(Path(path)) != state for path, state in entry["outputs"].items()):
            return None
        if watched.digest() != entry["inputs"]:
            return None
        return Noop(entry["warnings"], entry["counted"])
    except (KeyError, TypeError, ValueError):
        return None


def forget(root: Path) -> None:
    """Before a build writes: whatever the stamp says no longer holds (a build killed while
    staging its files leaves them for the next full build to clear away)."""
    try:
        (root / STAMP).unlink(missing_ok=True)
    except OSError:
        pass


def record(root: Path, key: str, watched: Watched, output_dir: Path,
           outputs: Iterable[str], warnings: str) -> None:
    """Stamp a build that wrote everything it was asked for; the stamp is only a shortcut,
    so a project folder that cannot be written to just goes without."""
    outputs = sorted(set(outputs))
    output_dir = output_dir.resolve()
    recorded = [output_dir / output for output in outputs] + manifest_paths(output_dir)
    entry = {"inputs": watched.digest(), "folders": list(map(str, watched.folders)),
             "files": list(map(str, watched.files)), "output": str(output_dir),
             "outputs": {str(path): _state(path) for path in recorded},
             "warnings": warnings, "counted": len(outputs)}
    entries = {name: value for name, value in _read(root).items() if name != key}
    entries = dict(list(entries.items())[-(KEPT - 1):]) | {key: entry}
    path = root / STAMP
    try:
        path.parent.mkdir(exist_ok=True)
        replace_file(path, json.dumps({"format": FORMAT, "entries": entries}).encode())
    except OSError:
        pass
