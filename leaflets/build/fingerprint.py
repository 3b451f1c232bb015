"""Fingerprints: one digest of every input an output file is made from.

An output whose fingerprint matches the one recorded when it was last written is up to
date. Inputs are hashed by content, never by modification time, so a fresh checkout, a
restored CI cache or a copied project keeps its fingerprints.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from leaflets import __version__
from leaflets.content.pictures import PICTURES_DIR, picture_path
from leaflets.content.project import ASSETS, CONFIG_NAME, PACKAGE_ROOT, Project, region_files
from leaflets.content.tree import LOCALES_DIR, TOPIC_FILE

if TYPE_CHECKING:
    from leaflets.outputs import LeafletKey, RenderOptions
    from leaflets.content.tree import Content

# Packages whose version changes the bytes of a leaflet, so a new version re-renders.
OUTPUT_PACKAGES = ("weasyprint", "pydyf", "babel", "segno", "pyphen", "jinja2")
# Environment variables that reach the output (fixed PDF dates for reproducible builds).
OUTPUT_ENVIRONMENT = ("SOURCE_DATE_EPOCH",)


def _digest(payload: object) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree_files(folder: Path, skip: Iterable[str] = ()) -> list[Path]:
    """Every file under a folder in sorted order, leaving out hidden and cache files."""
    skipped = set(skip)
    return sorted(
        path for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") or part == "__pycache__" or part in skipped
                    for part in path.relative_to(folder).parts)
    )


def package_versions() -> dict[str, str]:
    found = {}
    for name in OUTPUT_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def options_parameters(options: RenderOptions) -> dict[str, object]:
    """The options as plain data: the clinic profile's values and its logo's digest included."""
    clinic = options.clinic
    logo = clinic.logo if clinic else None
    return {
        "paper": options.paper, "large_print": options.large_print, "note": options.note,
        "patient_name": options.patient_name, "region": options.region,
        "clinic": clinic and {
            "name": clinic.name, "address": list(clinic.address), "phone": clinic.phone,
            "website": clinic.website, "accent": clinic.accent,
            "logo": logo and {"media_type": logo.media_type, "sha256": bytes_digest(logo.data)},
        },
    }


@dataclass
class Fingerprints:
    """Hashes the inputs of one build, reading each file once."""

    project: Project
    _files: dict[Path, str] = field(default_factory=dict, repr=False)

    def label(self, path: Path) -> str:
        """A name for a file that survives moving the project or the package elsewhere."""
        for base, prefix in ((self.project.root, ""), (PACKAGE_ROOT.parent, "leaflets:")):
            if path.is_relative_to(base):
                return prefix + path.relative_to(base).as_posix()
        return path.as_posix()

    def file(self, path: Path) -> str:
        """The digest of one file's bytes; a missing file has a digest too."""
        if path not in self._files:
            try:
                self._files[path] = bytes_digest(path.read_bytes())
            except FileNotFoundError:
                self._files[path] = "missing"
        return self._files[path]

    def files(self, paths: Iterable[Path]) -> dict[str, str]:
        return {self.label(path): self.file(path) for path in paths}

    def settings_files(self) -> list[Path]:
        """leaflets.yaml and the settings beside it, such as a clinic profile."""
        root = self.project.root
        return sorted({root / CONFIG_NAME, *(p for p in root.glob("*.yaml")
                                             if not p.name.startswith("."))})

    def template_files(self) -> list[Path]:
        """Templates and stylesheets; pictures are inputs only of the leaflets showing them."""
        return [path for folder in self.project.template_dirs
                for path in tree_files(folder, skip=[PICTURES_DIR])]

    @cached_property
    def shared(self) -> str:
        """The inputs every output depends on: settings, templates, fonts, code, versions."""
        return _digest({
            "settings": self.files(self.settings_files()),
            "templates": self.files(self.template_files()),
            "assets": self.files(tree_files(ASSETS)),
            "code": self.files(tree_files(PACKAGE_ROOT, skip=["assets", "templates", "starter"])),
            "leaflets": __version__,
            "packages": package_versions(),
            "environment": {name: os.environ.get(name) for name in OUTPUT_ENVIRONMENT},
        })

    def leaflet_inputs(self, content: Content, key: LeafletKey) -> list[Path]:
        """The files one leaflet is made from, besides the shared ones."""
        module = content.modules[key.topic]
        template_dirs = tuple(self.project.template_dirs)
        return [module.folder / TOPIC_FILE, module.folder / f"{key.lang}.yaml",
                self.project.content_dir / LOCALES_DIR / f"{key.lang}.yaml",
                *region_files(self.project.content_dir).values(),
                *(picture_path(template_dirs, step.picture) for step in module.topic.diagram.steps)]

    def of(self, inputs: Iterable[Path], parameters: Mapping[str, object]) -> str:
        """The fingerprint of one output: shared inputs, its own files and its parameters."""
        return _digest({"shared": self.shared, "files": self.files(inputs),
                        "parameters": dict(parameters)})
