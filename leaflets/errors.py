"""Errors that carry a location in the content, and the list that collects them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one file, located as precisely as we can."""

    path: str
    line: int
    column: int
    key: str
    message: str

    def __str__(self) -> str:
        key = self.key or "(file)"
        return f"{self.path}:{self.line}:{self.column}: {key}: {self.message}"


@dataclass
class ErrorList:
    """Collects every error of a run so they can be reported together."""

    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)

    def add(self, path: Path | str, line: int, column: int, key: str, message: str) -> None:
        self.errors.append(ContentError(str(path), line, column, key, message))

    def warn(self, path: Path | str, line: int, column: int, key: str, message: str) -> None:
        self.warnings.append(ContentError(str(path), line, column, key, message))

    def extend(self, other: "ErrorList") -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    def __bool__(self) -> bool:
        return bool(self.errors)


class LeafletsError(Exception):
    """A failure the CLI reports without a traceback (exit code 1)."""


class ContentErrors(LeafletsError):
    """The content has errors; every one is listed."""

    def __init__(self, errors: list[ContentError], warnings: list[ContentError] = ()):
        self.errors = sorted(set(errors))
        self.warnings = sorted(set(warnings))
        super().__init__(f"{len(self.errors)} content error(s)")


class BuildError(LeafletsError):
    """A leaflet could not be rendered or does not fit its page budget."""


class PageBudgetError(BuildError):
    """A leaflet needs more pages than its audience allows."""

    def __init__(self, message: str, pages: int, budget: int):
        super().__init__(message)
        self.pages = pages
        self.budget = budget
