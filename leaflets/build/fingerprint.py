"""Fingerprints: one digest of every input an output file is made from.

An output whose fingerprint matches the one recorded when it was last written is up to
date. Inputs are hashed by content, never by modification time, so a fresh checkout, a
restored CI cache or a copied project keeps its fingerprints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from leaflets import __version__
from leaflets.build.digest import (bytes_digest, file_digest, output_environment,
                                   package_versions, payload_digest, settings_files,
                                   tree_files)
from leaflets.content.pictures import PICTURES_DIR, picture_path
from leaflets.content.project import ASSETS, PACKAGE_ROOT, Project, region_files
from leaflets.content.tree import LOCALES_DIR, TOPIC_FILE

if TYPE_CHECKING:
    from leaflets.outputs import LeafletKey, RenderOptions
    from leaflets.content.tree import Content


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
            self._files[path] = file_digest(path)
        return self._files[path]

    def files(self, paths: Iterable[Path]) -> dict[str, str]:
        return {self.label(path): self.file(path) for path in paths}

    def template_files(self) -> list[Path]:
        """Templates and stylesheets; pictures are inputs only of the leaflets showing them."""
        return [path for folder in self.project.template_dirs
                for path in tree_files(folder, skip=[PICTURES_DIR])]

    @cached_property
    def shared(self) -> str:
        """The inputs every output depends on: settings, templates, fonts, code, versions."""
        return payload_digest({
            "settings": self.files(settings_files(self.project.root)),
            "templates": self.files(self.template_files()),
            "assets": self.files(tree_files(ASSETS)),
            "code": self.files(tree_files(PACKAGE_ROOT, skip=["assets", "templates", "starter"])),
            "leaflets": __version__,
            "packages": package_versions(),
            "environment": output_environment(),
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
        return payload_digest({"shared": self.shared, "files": self.files(inputs),
                        "parameters": dict(parameters)})
