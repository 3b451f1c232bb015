"""Project settings: leaflets.yaml at the project root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leaflets.errors import ContentErrors, ErrorList
from leaflets.loading import load_file
from leaflets.schema import ProjectConfig

CONFIG_NAME = "leaflets.yaml"
PACKAGE_ROOT = Path(__file__).resolve().parent
BUILTIN_TEMPLATES = PACKAGE_ROOT.parent / "templates"
ASSETS = PACKAGE_ROOT / "assets"


@dataclass(frozen=True)
class Project:
    """A project folder and its validated settings."""

    root: Path
    config: ProjectConfig

    @property
    def content_dir(self) -> Path:
        return self.root / self.config.content

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.output

    @property
    def template_dirs(self) -> list[Path]:
        """The project's own templates/ first, so a clinic can override any file."""
        own = self.root / "templates"
        dirs = [own] if own.is_dir() and own.resolve() != BUILTIN_TEMPLATES else []
        return dirs + [BUILTIN_TEMPLATES]


def load_project(root: Path) -> Project:
    """Load and validate leaflets.yaml; raise ContentErrors listing every problem."""
    from leaflets.validation import validate_model

    path = root / CONFIG_NAME
    errors = ErrorList()
    if not path.is_file():
        errors.add(path, 1, 1, "", f"no {CONFIG_NAME} here; run leaflets in a project folder "
                   "or point at one with --project DIR")
        raise ContentErrors(errors.errors)
    document = load_file(path, errors, root)
    config = validate_model(ProjectConfig, document, errors) if document else None
    if config and config.source_language not in config.languages:
        errors.add(path, *document.position(("source_language",)), "source_language",
                   f"{config.source_language!r} is not one of the languages {config.languages}")
    if errors or config is None:
        raise ContentErrors(errors.errors)
    return Project(root=root.resolve(), config=config)
