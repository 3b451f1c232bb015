"""Output jobs: one output file each, with the fingerprint of its inputs; and shards of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby
from typing import Callable, Sequence


@dataclass(frozen=True)
class OutputJob:
    """One output file: where it goes, what it is made from, and how to make it.

    `render` runs in a worker process forked from the build, so it may close over the
    loaded content: nothing is pickled on the way in, only the bytes come back.
    """

    output: str  # relative to the output folder, with forward slashes
    kind: str  # "pdf" is rendered by WeasyPrint; "page" (online pages) needs no WeasyPrint
    fingerprint: str
    render: Callable[[], bytes] = field(compare=False, repr=False)
    unit: str = ""  # the jobs of one unit share a shard; a leaflet's page goes with its PDF
    removes: tuple[str, ...] = ()  # outputs it replaces, removed when this one is written

    def __post_init__(self) -> None:
        if not self.unit:
            object.__setattr__(self, "unit", self.output)

    @property
    def needs_weasyprint(self) -> bool:
        return self.kind == "pdf"


@dataclass(frozen=True)
class Shard:
    """Slice `index` of `count` (counting from 1), as in --shard 2/4."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


def parse_shard(text: str) -> Shard:
    """'2/4' → Shard(2, 4); ValueError with a hint otherwise."""
    match = _SHARD.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a shard; write K/N, such as 1/4 for the first of 4")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise ValueError(f"shard {text!r} has no slices; N must be 1 or more")
    if not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count} does not exist; K counts from 1 to {count}")
    return Shard(index, count)


def shard_slice(jobs: Sequence[OutputJob], shard: Shard | None) -> list[OutputJob]:
    """The jobs of one shard: every N-th unit of each kind, in output order.

    Dealing each kind out separately keeps the slices balanced even when kinds cost very
    differently (a PDF against an HTML page); a unit (a PDF and its page) is dealt by the
    kind of its first job. The slices are disjoint and cover every job.
    """
    by_output = sorted(jobs, key=lambda job: job.output)
    if shard is None:
        return by_output
    leaders = {job.unit: job.kind for job in reversed(by_output)}
    units = sorted(leaders, key=lambda unit: (leaders[unit], unit))
    chosen = {unit for _, of_kind in groupby(units, key=lambda unit: leaders[unit])
              for position, unit in enumerate(of_kind) if position % shard.count == shard.index - 1}
    return [job for job in by_output if job.unit in chosen]
