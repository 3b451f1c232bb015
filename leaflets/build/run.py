"""Running a build: skip the outputs whose inputs did not change, render the rest (PDFs in
parallel), then write them all and record their inputs."""

from __future__ import annotations

import os
import tempfile
from collections import ChainMap
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Iterable, Iterator, Mapping

from leaflets.build.jobs import OutputJob, Shard, shard_slice
from leaflets.build.digest import bytes_digest
from leaflets.build.manifest import Manifest, Record
from leaflets.build.plan import plan
from leaflets.build.pool import Rendered, render_one, rendering
from leaflets.build.progress import Progress, Silent
from leaflets.build.stamp import forget
from leaflets.build.write import file_size_errors, recover, write_all
from leaflets.content.tree import Content
from leaflets.errors import LeafletsError
from leaflets.outputs import LeafletKey, RenderOptions
from leaflets.reproducible import source_date_epoch


@dataclass(frozen=True)
class BuildSettings:
    """How a build runs; how the leaflets look is RenderOptions."""

    jobs: int = 1  # worker processes
    force: bool = False  # render even the outputs whose inputs did not change
    shard: Shard | None = None  # build only this slice of the jobs
    keep_going: bool = False  # write what rendered even when other outputs failed


@dataclass
class BuildReport:
    up_to_date: list[str] = field(default_factory=list)  # outputs, relative to output/
    rendered: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class Spool(Mapping[Path, bytes]):
    """Rendered outputs wait on disk for the write phase, so the main process's memory does
    not grow with the library (the outputs of 2,000 leaflets are some 150 MB).

    One anonymous temporary file holds them all: it has no name, so a build killed on the
    spot (kill -9) leaves nothing behind, and it needs one file descriptor however many.
    Written with pwrite, its count checked: what could not go on disk is known at once,
    and closing has nothing left to flush into a file-size limit.
    """

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.digests: dict[str, str] = {}  # output → the digest of its bytes
        self._file: IO[bytes] | None = None
        self._end = 0
        self._kept: dict[Path, tuple[int, int] | bytes] = {}  # (offset, length) in the file

    def keep(self, output: str, data: bytes) -> None:
        """On disk if it can be; a spool that cannot be written (a full disk, `ulimit -f`)
        keeps the bytes in memory, and the write phase reports what stops it."""
        self.digests[output] = bytes_digest(data)
        target = self.output_dir / output
        try:
            with file_size_errors():
                if self._file is None:
                    self._file = tempfile.TemporaryFile(prefix="leaflets-spool-", buffering=0)
                if os.pwrite(self._file.fileno(), data, self._end) != len(data):
                    raise OSError("the spool is full")
        except OSError:
            self._kept[target] = data
        else:
            self._kept[target] = (self._end, len(data))
            self._end += len(data)

    def __getitem__(self, target: Path) -> bytes:
        kept = self._kept[target]
        if isinstance(kept, bytes):
            return kept
        offset, length = kept
        assert self._file is not None
        return os.pread(self._file.fileno(), length, offset)

    def __iter__(self) -> Iterator[Path]:
        return iter(self._kept)

    def __len__(self) -> int:
        return len(self._kept)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def render_stale(jobs: list[OutputJob], pdf_sizes: Mapping[str, int], settings: BuildSettings,
                 progress: Progress, spool: Spool) -> list[Rendered]:
    """Render the PDFs in worker processes, and the pages in this one meanwhile; the bytes
    go to the spool, the outcomes keep only the errors.

    A leaflet's page shows its PDF's size, so it waits for its PDF unless that PDF is up to
    date (its size in `pdf_sizes`); those pages render while the first PDFs are on their
    way. A failed PDF has no page.
    """
    outcomes: list[Rendered] = []

    def done(outcome: Rendered) -> None:
        if outcome.error is None:
            spool.keep(outcome.job.output, outcome.data)
        outcomes.append(replace(outcome, data=b""))
        progress.advance(outcome.job.output, failed=outcome.error is not None)

    waiting: dict[str, list[OutputJob]] = {}  # PDF output → the pages that show its size
    for job in jobs:
        if not job.needs_weasyprint and job.unit != job.output and job.unit not in pdf_sizes:
            waiting.setdefault(job.unit, []).append(job)
    ready = [job for job in jobs if not job.needs_weasyprint
             and not any(job in pages for pages in waiting.values())]
    with rendering([job for job in jobs if job.needs_weasyprint], settings.jobs) as results:
        progress.start(len(jobs))
        try:
            for job in ready:
                done(_render_page(job, pdf_sizes))
            for result in results:
                done(result)
                if result.error is None:
                    for job in waiting.get(result.job.output, []):
                        done(render_one(job, pdf_size=len(result.data)))
        finally:
            progress.stop()
    return sorted(outcomes, key=lambda outcome: outcome.job.output)


def _render_page(job: OutputJob, pdf_sizes: Mapping[str, int]) -> Rendered:
    if job.unit == job.output:
        return render_one(job)
    return render_one(job, pdf_size=pdf_sizes[job.unit])


def write_and_record(manifest: Manifest, current: Iterable[OutputJob],
                     rendered: list[OutputJob], spool: Spool, shard: Shard | None,
                     replaced: Iterable[str] = (), root: Path | None = None) -> list[Path]:
    """Write every rendered output (its bytes in the spool) and the manifest recording all
    of this build's outputs, and remove the `replaced` outputs, in one write phase: all of
    it, or (on a failure or a signal) none. Anything to write first clears the stamp of the
    project at `root`."""
    replaced = sorted(replaced)
    manifest.forget(replaced)
    records, removals = manifest.changes(shard, {
        **{job.output: manifest.current_record(job) for job in current},
        **{job.output: Record(job.fingerprint, spool.digests[job.output]) for job in rendered},
    })
    removals = [*removals, *(manifest.output_dir / output for output in replaced)]
    if root is not None and (spool or records or removals):
        forget(root)
    write_all(manifest.output_dir, ChainMap(records, spool), removals)
    return list(spool)


def _sizes_on_disk(manifest: Manifest, current: Iterable[OutputJob]) -> dict[str, int]:
    """The sizes of the PDFs that are up to date, for pages that are not."""
    return {job.output: (manifest.output_dir / job.output).stat().st_size
            for job in current if job.needs_weasyprint}


def build(content: Content, keys: Iterable[LeafletKey], *, options: RenderOptions | None = None,
          settings: BuildSettings = BuildSettings(), progress: Progress = Silent(),
          unavailable: Iterable[LeafletKey] = ()) -> BuildReport:
    """Render every stale output first; write only when all succeeded (or with keep_going).

    Each `unavailable` leaflet gets a page saying so, and loses the PDFs of earlier builds.
    """
    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH stops the build once, up front
    jobs = shard_slice(plan(content, keys, options, unavailable=unavailable), settings.shard)
    output_dir = content.project.output_dir
    if output_dir.exists() and not output_dir.is_dir():
        raise LeafletsError(f"{output_dir}: the output folder is a file; set `output:` in "
                            "leaflets.yaml to a folder, or move the file away")
    recover(output_dir)  # a build killed while writing: back to the tree before it
    manifest = Manifest(output_dir)
    current = set() if settings.force else {job for job in jobs if manifest.is_current(job)}
    stale = [job for job in jobs if job not in current]
    report = BuildReport(up_to_date=sorted(job.output for job in current))
    spool = Spool(output_dir)
    try:
        outcomes = render_stale(stale, _sizes_on_disk(manifest, current), settings,
                                progress, spool) if stale else []
        report.rendered = [o.job.output for o in outcomes if o.error is None]
        report.failures = [o.error for o in outcomes if o.error is not None]
        if report.failures and not settings.keep_going:
            return report
        rendered = [o.job for o in outcomes if o.error is None]
        replaced = [output for job in jobs for output in job.removes]
        report.written = write_and_record(manifest, current, rendered, spool, settings.shard,
                                          replaced, content.project.root)
    finally:
        spool.close()
    return report
