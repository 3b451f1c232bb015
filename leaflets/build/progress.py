"""Build progress: a bar on a terminal, plain lines in logs and CI, nothing with -q."""

from __future__ import annotations

import os
import sys
from typing import Mapping, Protocol, TextIO


class Progress(Protocol):
    def start(self, total: int) -> None:
        """`total` outputs are about to be rendered."""

    def advance(self, output: str, failed: bool) -> None:
        """One output was rendered, or failed."""

    def stop(self) -> None:
        """Rendering is over (also after an error)."""


class Silent:
    def start(self, total: int) -> None:
        pass

    def advance(self, output: str, failed: bool) -> None:
        pass

    def stop(self) -> None:
        pass


class LogLines:
    """One line per output, for logs that are read later."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.total = self.done = 0

    def start(self, total: int) -> None:
        self.total, self.done = total, 0

    def advance(self, output: str, failed: bool) -> None:
        self.done += 1
        state = "failed" if failed else "rendered"
        print(f"[{self.done}/{self.total}] {state}: {output}", file=self.stream, flush=True)

    def stop(self) -> None:
        pass


class Bar:
    """A live progress bar; rich is imported only when a terminal shows it."""

    def __init__(self, stream: TextIO):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as RichProgress,
                                   TextColumn, TimeElapsedColumn, TimeRemainingColumn)
        from rich.table import Column

        last = Column(no_wrap=True, overflow="ellipsis", ratio=1)
        self.bar = RichProgress(TextColumn("rendering"), BarColumn(bar_width=24),
                                MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                                TextColumn("{task.fields[output]}", table_column=last),
                                console=Console(file=stream), transient=False, expand=True)
        self.task = self.bar.add_task("rendering", total=0, output="")
        self.failed = 0

    def start(self, total: int) -> None:
        self.bar.update(self.task, total=total)
        self.bar.start()

    def advance(self, output: str, failed: bool) -> None:
        self.failed += failed
        name = output.rsplit("/", 1)[-1]
        label = f"[red]{self.failed} failed[/red] {name}" if self.failed else name
        self.bar.update(self.task, advance=1, output=label)

    def stop(self) -> None:
        self.bar.stop()


def in_ci(environ: Mapping[str, str]) -> bool:
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def progress_for(quiet: bool, stream: TextIO | None = None,
                 environ: Mapping[str, str] | None = None) -> Progress:
    """The progress display that suits where the output goes."""
    stream = stream or sys.stderr
    if quiet:
        return Silent()
    if stream.isatty() and not in_ci(os.environ if environ is None else environ):
        return Bar(stream)
    return LogLines(stream)


def summary(rendered: int, up_to_date: int, failed: int, seconds: float) -> str:
    return (f"{rendered} rendered, {up_to_date} up to date, {failed} failed, "
            f"in {seconds:.1f} seconds")
