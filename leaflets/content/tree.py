"""The content tree: the file layout of a project's content, and the validated model of it."""

from __future__ import annotations

import hashlib
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leaflets.content.loading import Document, KeyPath
from leaflets.content.project import Project
from leaflets.content.schema import Locale, Region, Topic, TopicText
from leaflets.errors import ContentError

TOPIC_FILE = "topic.yaml"
LOCALES_DIR = "_locales"


@dataclass(frozen=True)
class Unavailable:
    """Why a topic has no leaflets in one language, decided once by validation: its text
    file is missing or still empty, or it lacks texts that the source language now has."""

    lang: str
    path: Path  # the language's text file, which may not exist
    missing: tuple[str, ...] = ()  # the source's texts it lacks; () when it has none at all

    @property
    def reason(self) -> str:
        """Why, in a few words, for the desk and the terminal."""
        if not self.missing:
            return f"there is no {self.lang} text yet ({self.path.name})"
        count = len(self.missing)
        return (f"the {self.lang} text lacks {count} text{'s' if count > 1 else ''} that the "
                f"source language has ({self.path.name})")


@dataclass(frozen=True)
class Module:
    """One topic: its facts, its text in every language, and where they came from."""

    id: str
    folder: Path
    topic: Topic
    topic_document: Document
    texts: dict[str, TopicText]
    text_documents: dict[str, Document]
    # The project's languages this topic has no leaflets in (yet), and why.
    unavailable: dict[str, Unavailable] = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    """The whole validated content tree of a project."""

    project: Project
    modules: dict[str, Module]
    locales: dict[str, Locale]
    pictures: frozenset[str]
    warnings: tuple[ContentError, ...]
    # Errors of the modules left out under --keep-going; empty otherwise.
    errors: tuple[ContentError, ...] = ()
    # Every region the project can use, by id: leaflets.yaml pairs each language with one.
    regions: dict[str, Region] = field(default_factory=dict)



def source_hash(document: Document) -> str:
    """A short fingerprint of a text file's content, ignoring its translation record."""
    data = {k: v for k, v in (document.data or {}).items() if k != "translation"}
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def text_leaves(data: Any, key_path: KeyPath = ()) -> typing.Iterator[tuple[KeyPath, str]]:
    """Every string in a loaded document with its key path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from text_leaves(value, key_path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_leaves(value, key_path + (index,))
    elif isinstance(data, str):
        yield key_path, data


def topic_folders(project: Project) -> list[Path]:
    """Every module folder, in sorted order; folders starting with _ are not topics."""
    if not project.content_dir.is_dir():
        return []
    return sorted(p for p in project.content_dir.iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")))
