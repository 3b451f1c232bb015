"""Project settings: leaflets.yaml at the project root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from leaflets.errors import ContentError, ContentErrors, ErrorList
from leaflets.content.loading import Document, load_file
from leaflets.content.messages import close_match, validate_model
from leaflets.content.paths import inside, resolved, where_it_leads
from leaflets.content.schema import ProjectConfig

CONFIG_NAME = "leaflets.yaml"
PACKAGE_ROOT = Path(str(files("leaflets"))).resolve()


def bundled(name: str, checkout_path: str) -> Path:
    """A folder the wheel carries inside the package (leaflets/<name>); in a source checkout
    (an editable install, or PYTHONPATH) the same folder at the top of the repository."""
    packaged = PACKAGE_ROOT / name
    return packaged if packaged.is_dir() else (PACKAGE_ROOT.parent / checkout_path).resolve()


BUILTIN_TEMPLATES = bundled("templates", "templates")
STARTER = bundled("starter", ".")  # leaflets.yaml and content/ of a new project
BUILTIN_REGIONS = bundled("regions", "regions")
REGIONS_DIR = "_regions"  # a project's own regions, in its content folder
ASSETS = PACKAGE_ROOT / "assets"


# Names reserved for examples and tests (RFC 2606, RFC 6761): no clinic publishes there.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")
PLACEHOLDER_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
PLACEHOLDER_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Project:
    """A project folder, its validated settings and the warnings they raise."""

    root: Path
    config: ProjectConfig
    warnings: tuple[ContentError, ...] = ()

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


def _check_folders(root: Path, config: ProjectConfig, document: Document,
                   errors: ErrorList) -> None:
    """Content, output and templates stay inside the project, and output is a folder of its own."""
    path = document.path
    for key in ("content", "output"):
        value = getattr(config, key)
        if Path(value).is_absolute() or ".." in Path(value).parts:
            errors.add(path, *document.position((key,)), key,
                       f"{value!r} is outside the project; name a folder inside it, like {key}")
        elif (root / value).exists() and not (root / value).is_dir():
            errors.add(path, *document.position((key,)), key,
                       f"{value!r} is a file, not a folder; name a folder, like {key}")
        elif any(part.startswith(".") for part in Path(value).parts):
            errors.add(path, *document.position((key,)), key,
                       f"{value!r} is a hidden folder, where tools keep their own files (.git, "
                       f".venv); name a plain folder, like {key}")
        elif not inside(root / value, root):
            errors.add(path, *document.position((key,)), key,
                       f"the folder {value!r} "
                       + where_it_leads(root / value, "use a real folder inside the project"))
    output = resolved(root / config.output)  # None for a loop of links, reported above
    for name in (config.content, "templates") if output and not output.is_file() else ():
        other = resolved(root / name)
        if other is not None and (output == root.resolve() or output.is_relative_to(other)
                                  or other.is_relative_to(output)):
            errors.add(path, *document.position(("output",)), "output",
                       f"{config.output!r} would mix build output with the project's own files; "
                       "name a folder of its own, like output")
            break
    errors.extend(links_out_of(root, root / "templates"))


def _check_languages(config: ProjectConfig, document: Document, errors: ErrorList) -> None:
    """A language listed twice would make every module look incomplete, and build nothing."""
    for index, lang in enumerate(config.languages):
        if lang in config.languages[:index]:
            errors.add(document.path, *document.position(("languages", index)),
                       f"languages[{index}]", f"{lang!r} is listed twice; list each language once")


def region_files(content_dir: Path | None = None) -> dict[str, Path]:
    """Every region id and its file: the built-in ones, then the project's own over them."""
    found: dict[str, Path] = {}
    for folder in (BUILTIN_REGIONS, content_dir and content_dir / REGIONS_DIR):
        if folder and folder.is_dir():
            found.update((path.stem, path) for path in sorted(folder.glob("*.yaml")))
    return found


def _check_regions(root: Path, config: ProjectConfig, document: Document,
                   errors: ErrorList) -> None:
    """Every language has a region, and every region named exists."""
    known = region_files(root / config.content)
    if config.region is None:
        errors.add(document.path, *document.position(("region",)), "region",
                   "no region: the leaflets would name no GP and no emergency number; set "
                   f"`region:` to one of {', '.join(sorted(known))} (or a mapping from "
                   "language to region)")
        return
    for lang in config.languages:
        region = config.region_of(lang)
        key = ("region", lang) if isinstance(config.region, dict) else ("region",)
        if region is None:
            errors.add(document.path, *document.position(("region",)), "region",
                       f"no region for the language {lang!r}; add `{lang}: <region>` under "
                       f"region, with one of {', '.join(sorted(known))}")
        elif region not in known:
            close = close_match(region, sorted(known))
            hint = f"did you mean {close!r}?" if close else (
                f"use one of {', '.join(sorted(known))}, or write "
                f"{config.content}/{REGIONS_DIR}/{region}.yaml")
            errors.add(document.path, *document.position(key), ".".join(key),
                       f"unknown region {region!r}; {hint}")


def links_out_of(root: Path, folder: Path) -> ErrorList:
    """Every symbolic link under `folder` that leads outside the project."""
    found = ErrorList()
    if folder.is_symlink() and not inside(folder, root):
        found.add(folder, 1, 1, "", "the folder " + where_it_leads(
            folder, "copy it into the project instead"))
        return found
    for parent, folders, files in os.walk(folder):
        for name in sorted(folders + files):
            entry = Path(parent) / name
            if entry.is_symlink() and not inside(entry, root):
                found.add(entry, 1, 1, "", where_it_leads(
                    entry, "copy the file into the project instead"))
    return found


def load_project(root: Path) -> Project:
    """Load and validate leaflets.yaml; raise ContentErrors listing every problem."""
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
                   f"{config.source_language!r} is not one of the languages "
                   f"{', '.join(config.languages)}; add it to languages or choose one of them")
    if config:
        _check_languages(config, document, errors)
        _check_folders(root, config, document, errors)
        _check_regions(root, config, document, errors)
    if errors or config is None:
        raise ContentErrors(errors.errors)
    _check_base_url(config.base_url, document, errors)
    return Project(root=root.resolve(), config=config, warnings=tuple(errors.warnings))


def is_placeholder(url: str) -> bool:
    """A web address on a domain reserved for examples, or on this machine."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return (host in PLACEHOLDER_HOSTS or host.endswith(PLACEHOLDER_SUFFIXES)
            or any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS))


def _check_base_url(base_url: str, document: Document, errors: ErrorList) -> None:
    if is_placeholder(base_url):
        errors.warn(document.path, *document.position(("base_url",)), "base_url",
                    f"{base_url!r} is a placeholder: every QR code would point to it; set "
                    "base_url to the address where the built site is published")
