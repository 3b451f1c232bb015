"""Orchestration: plan one job per output file, skip those whose inputs did not change,
render the rest in parallel, then write them all atomically and record their inputs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Iterable

from leaflets.assembly import LeafletKey, RenderOptions, assemble, leaflet_keys
from leaflets.config import ASSETS
from leaflets.errors import BuildError
from leaflets.fingerprint import Fingerprints, bytes_digest
from leaflets.jobs import OutputJob, Shard, shard_slice
from leaflets.manifest import Manifest, Record
from leaflets.output import write_atomic
from leaflets.progress import Progress, Silent
from leaflets.render.pool import rendering
from leaflets.validation import Content


@dataclass(frozen=True)
class Selection:
    """Which leaflets to build; an empty tuple means all."""

    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()


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


def select(content: Content, selection: Selection) -> list[LeafletKey]:
    """The leaflets matching the selection; unknown names raise ValueError."""
    known = {
        "language": set(content.project.config.languages),
        "topic": set(content.modules),
        "audience": {a for m in content.modules.values() for a in m.topic.audiences},
    }
    for kind, wanted in (("language", selection.languages), ("topic", selection.topics),
                         ("audience", selection.audiences)):
        for name in wanted:
            if name not in known[kind]:
                raise ValueError(f"unknown {kind} {name!r}; choose from "
                                 f"{', '.join(sorted(known[kind]))}")
    return [
        key for key in leaflet_keys(content)
        if (not selection.languages or key.lang in selection.languages)
        and (not selection.topics or key.topic in selection.topics)
        and (not selection.audiences or key.audience in selection.audiences)
    ]


def pdf_output(key: LeafletKey) -> str:
    """Where a leaflet's PDF goes, relative to the output folder."""
    return f"{key.folder}/{key.pdf_name}"


def pdf_path(content: Content, key: LeafletKey) -> Path:
    return content.project.output_dir / pdf_output(key)


def render_leaflet(content: Content, key: LeafletKey, options: RenderOptions | None = None) -> bytes:
    """Render one leaflet to PDF bytes, enforcing its page budget before anything is written."""
    from leaflets.render import html, pdf

    leaflet = assemble(content, key, options)
    template_dirs = tuple(content.project.template_dirs)
    source = html.render_print_html(template_dirs, leaflet)
    document = pdf.render(source, content.project.root,
                          [content.project.root, ASSETS, *template_dirs])
    pages = len(document.pages)
    if pages > leaflet.page_budget:
        raise BuildError(f"{key.topic} ({key.audience}, {key.lang}) needs {pages} pages but its "
                         f"budget is {leaflet.page_budget}; shorten the text or raise `pages` "
                         "for this audience in leaflets.yaml")
    return pdf.pdf_bytes(document, pdf_variant="pdf/ua-1")


def pdf_job(content: Content, key: LeafletKey, options: RenderOptions | None,
            fingerprints: Fingerprints) -> OutputJob:
    parameters = {"kind": "pdf", "leaflet": asdict(key),
                  "options": asdict(options) if options else None}
    return OutputJob(output=pdf_output(key), kind="pdf",
                     fingerprint=fingerprints.of(fingerprints.leaflet_inputs(content, key),
                                                 parameters),
                     render=partial(render_leaflet, content, key, options))


def plan(content: Content, keys: Iterable[LeafletKey], options: RenderOptions | None) \
        -> list[OutputJob]:
    """Every output file the chosen leaflets need, each with the fingerprint of its inputs."""
    fingerprints = Fingerprints(content.project)
    return [pdf_job(content, key, options, fingerprints) for key in keys]


def render_stale(jobs: list[OutputJob], settings: BuildSettings, progress: Progress,
                 report: BuildReport) -> list[tuple[OutputJob, bytes]]:
    """Render the jobs in worker processes; failures go to the report."""
    rendered: list[tuple[OutputJob, bytes]] = []
    failures: list[tuple[str, str]] = []
    with rendering(jobs, settings.jobs) as results:
        progress.start(len(jobs))
        try:
            for result in results:
                if result.error is None:
                    rendered.append((result.job, result.data))
                else:
                    failures.append((result.job.output, result.error))
                progress.advance(result.job.output, failed=result.error is not None)
        finally:
            progress.stop()
    rendered.sort(key=lambda item: item[0].output)
    report.rendered = [job.output for job, _ in rendered]
    report.failures = [message for _, message in sorted(failures)]
    return rendered


def write_and_record(manifest: Manifest, current: Iterable[OutputJob],
                     rendered: list[tuple[OutputJob, bytes]], shard: Shard | None) -> list[Path]:
    """Write every rendered output, then record all of this build's outputs."""
    written = []
    for job, data in rendered:
        write_atomic(manifest.output_dir / job.output, data)
        written.append(manifest.output_dir / job.output)
    manifest.save(shard, {
        **{job.output: manifest.current_record(job) for job in current},
        **{job.output: Record(job.fingerprint, bytes_digest(data)) for job, data in rendered},
    })
    return written


def build(content: Content, keys: Iterable[LeafletKey], *, options: RenderOptions | None = None,
          settings: BuildSettings = BuildSettings(), progress: Progress = Silent()) -> BuildReport:
    """Render every stale output first; write only when all succeeded (or with keep_going)."""
    jobs = shard_slice(plan(content, keys, options), settings.shard)
    manifest = Manifest(content.project.output_dir)
    current = set() if settings.force else {job for job in jobs if manifest.is_current(job)}
    stale = [job for job in jobs if job not in current]
    report = BuildReport(up_to_date=sorted(job.output for job in current))
    rendered = render_stale(stale, settings, progress, report) if stale else []
    if report.failures and not settings.keep_going:
        return report
    report.written = write_and_record(manifest, current, rendered, settings.shard)
    return report
