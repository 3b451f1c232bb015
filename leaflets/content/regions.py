"""Regions: the health systems whose services the leaflets name (GP, same-day care, the
emergency number, the emergency department, the crisis line), in every language.

The built-in regions live in regions/<id>.yaml of leaflets; a project adds its own, or
overrides one, in <content>/_regions/<id>.yaml. leaflets.yaml pairs each language with a region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from leaflets.content.fonts import check_coverage
from leaflets.content.loading import Document, load_file
from leaflets.content.markup import numbers
from leaflets.content.messages import validate_model
from leaflets.content.project import BUILTIN_REGIONS, Project, region_files
from leaflets.content.schema import Region
from leaflets.errors import ErrorList


@dataclass(frozen=True)
class LoadedRegion:
    """A validated region and its document, where its problems are located."""

    id: str
    region: Region
    document: Document


def load_region(region_id: str, path: Path, project: Project,
                errors: ErrorList) -> LoadedRegion | None:
    # The built-in regions come with leaflets; the project's own must stay inside it.
    document = load_file(path, errors, None if path.parent == BUILTIN_REGIONS else project.root)
    region = validate_model(Region, document, errors) if document else None
    if document:
        check_coverage(document, errors)
    if region is None or document is None:
        return None
    _check_numbers(region, document, errors)
    return LoadedRegion(region_id, region, document)


def load_regions(project: Project, errors: ErrorList) -> dict[str, LoadedRegion]:
    """Every region the project can use, each checked; those in use serve their languages."""
    loaded = {}
    for region_id, path in region_files(project.content_dir).items():
        region = load_region(region_id, path, project, errors)
        if region:
            loaded[region_id] = region
    config = project.config
    for region_id, region in loaded.items():
        check_serves(region, [lang for lang in config.languages
                              if config.region_of(lang) == region_id], errors)
    return loaded


def check_serves(region: LoadedRegion, languages: Sequence[str], errors: ErrorList) -> None:
    """The region names each of its services in every language it serves."""
    document = region.document
    for service, names in region.region.services:
        for lang in languages:
            if lang not in names:
                errors.add(document.path, *document.position(("services", service)),
                           f"services.{service}",
                           f"no {lang} text: the {lang} leaflets of region {region.id!r} name "
                           f"this service; add `{lang}: ...` in the form the {lang} tier "
                           "headings need")


def _check_numbers(region: Region, document: Document, errors: ErrorList) -> None:
    """A phone number is the same in every language: 112 is 112 in English and Arabic."""
    for service, names in region.services:
        expected = None
        for lang, text in names.items():
            if expected is None:
                expected, first = numbers(text), lang
            elif numbers(text) != expected:
                errors.add(document.path, *document.position(("services", service, lang)),
                           f"services.{service}.{lang}",
                           f"the numbers differ from the {first} text: {first} has "
                           f"{', '.join(expected) or 'none'}, {lang} has "
                           f"{', '.join(numbers(text)) or 'none'}; a number is the same in "
                           "every language")
