"""Paper sizes: the one list of what a leaflet prints on, with each size's page geometry."""

from __future__ import annotations

from enum import StrEnum


class Paper(StrEnum):
    """A paper size; its value is the name used in leaflets.yaml, on the command line and at the desk."""

    A4 = "a4"
    LETTER = "letter"

    @property
    def label(self) -> str:
        return {Paper.A4: "A4", Paper.LETTER: "US Letter"}[self]

    @property
    def css_size(self) -> str:
        """The CSS @page size."""
        return {Paper.A4: "A4", Paper.LETTER: "letter"}[self]

    @property
    def css_margin(self) -> str:
        """The CSS @page margin: every mark, the footer included, stays 12 mm from the edge."""
        return {Paper.A4: "12mm 14mm 17mm", Paper.LETTER: "12.7mm 12.7mm 17mm"}[self]


PAPER_NAMES: tuple[str, ...] = tuple(paper.value for paper in Paper)
