"""Orchestration: plan one job per output file (each PDF, each web page), skip those whose
inputs did not change, render the rest (PDFs in parallel), then write them all atomically
and record their inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from leaflets.assembly import (Leaflet, LeafletKey, RenderOptions, assemble, leaflet_keys,
                               pdf_name)
from leaflets.config import ASSETS
from leaflets.errors import BuildError, PageBudgetError
from leaflets.fingerprint import Fingerprints, bytes_digest, options_parameters
from leaflets.jobs import OutputJob, Shard, shard_slice
from leaflets.manifest import Manifest, Record
from leaflets.output import write_atomic
from leaflets.progress import Progress, Silent
from leaflets.render.pool import Rendered, render_one, rendering
from leaflets.reproducible import source_date_epoch
from leaflets.validation import Content

if TYPE_CHECKING:
    from weasyprint import Document

PdfSizes = dict[str, int]  # PDF output → its size in bytes, for the pages that link to it


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


def default_options(content: Content) -> RenderOptions:
    return RenderOptions(paper=content.project.config.paper)


def pdf_output(content: Content, key: LeafletKey, options: RenderOptions | None = None) -> str:
    """Where a leaflet's PDF goes, relative to the output folder, with forward slashes."""
    options = options or default_options(content)
    return f"{key.folder}/{pdf_name(key, options, content.project.config.paper)}"


def pdf_path(content: Content, key: LeafletKey, options: RenderOptions | None = None) -> Path:
    return content.project.output_dir / pdf_output(content, key, options)


def describe(key: LeafletKey, options: RenderOptions) -> str:
    """'night-leg-cramps (patient, en, letter, large print)', for messages."""
    size = ", large print" if options.large_print else ""
    return f"{key.topic} ({key.audience}, {key.lang}, {options.paper}{size})"


def _enforce_layout(document: Document, leaflet: Leaflet, name: str) -> None:
    """Stop on text outside its box, text too small, or more pages than the budget."""
    from leaflets.render import layout_guard

    large = leaflet.options.large_print
    min_pt = layout_guard.MIN_LARGE_PRINT_TEXT_PT if large else layout_guard.MIN_TEXT_PT
    problems = layout_guard.layout_problems(document, min_pt)
    if problems:
        raise BuildError(f"{name} does not lay out cleanly:\n"
                         + "\n".join(f"  {problem}" for problem in problems))
    pages = len(document.pages)
    if pages > leaflet.page_budget:
        budget = "large_print_pages" if large else "pages"
        raise PageBudgetError(f"{name} needs {pages} pages but its budget is "
                              f"{leaflet.page_budget}; shorten the text or raise `{budget}` for "
                              "this audience in leaflets.yaml", pages, leaflet.page_budget)


def render_leaflet(content: Content, key: LeafletKey, options: RenderOptions | None = None) -> bytes:
    """Render one leaflet to PDF bytes, checking its layout and page budget before any write."""
    from leaflets.render import html, pdf

    options = options or default_options(content)
    leaflet = assemble(content, key, options)
    template_dirs = tuple(content.project.template_dirs)
    source = html.render_print_html(template_dirs, leaflet)
    try:
        document = pdf.render(source, content.project.root,
                              [content.project.root, ASSETS, *template_dirs])
    except BuildError as exc:
        raise BuildError(f"{describe(key, options)}: {exc}") from None
    _enforce_layout(document, leaflet, describe(key, options))
    return pdf.pdf_bytes(document, variant="pdf/ua-1", issued=leaflet.issued)


def render_leaflet_page(content: Content, key: LeafletKey, options: RenderOptions,
                        pdf: str, sizes: PdfSizes) -> bytes:
    """The leaflet's web page; it needs its PDF's size, so it renders after the PDFs."""
    from leaflets.render.site import leaflet_page

    return leaflet_page(content, assemble(content, key, options), sizes[pdf]).html.encode()


def render_language_page(content: Content, lang: str, options: RenderOptions) -> bytes:
    from leaflets.render.site import language_page

    return language_page(content, lang, options).html.encode()


def render_root_page(content: Content, options: RenderOptions) -> bytes:
    from leaflets.render.site import root_page

    return root_page(content, options).html.encode()


@dataclass
class Planner:
    """Makes the jobs of one build, each with the fingerprint of everything it is made from."""

    content: Content
    options: RenderOptions
    sizes: PdfSizes
    fingerprints: Fingerprints = field(init=False)

    def __post_init__(self) -> None:
        self.fingerprints = Fingerprints(self.content.project)

    def _fingerprint(self, inputs: list[Path], **parameters: object) -> str:
        return self.fingerprints.of(inputs, {**parameters,
                                             "options": options_parameters(self.options)})

    def _inputs(self, keys: Iterable[LeafletKey]) -> list[Path]:
        return sorted({path for key in keys
                       for path in self.fingerprints.leaflet_inputs(self.content, key)})

    def leaflet_jobs(self, key: LeafletKey) -> list[OutputJob]:
        """The PDF and the web page of one leaflet; they share a shard (the page needs the PDF)."""
        from leaflets.render.site import page_path

        pdf = pdf_output(self.content, key, self.options)
        fingerprint = self._fingerprint(self._inputs([key]), kind="pdf", leaflet=key.folder)
        return [
            OutputJob(pdf, "pdf", fingerprint,
                      partial(render_leaflet, self.content, key, self.options)),
            OutputJob(page_path(key), "page",
                      self._fingerprint(self._inputs([key]), kind="page", pdf=fingerprint),
                      partial(render_leaflet_page, self.content, key, self.options, pdf,
                              self.sizes), unit=pdf),
        ]

    def language_job(self, lang: str) -> OutputJob:
        from leaflets.render.site import INDEX

        keys = [key for key in leaflet_keys(self.content) if key.lang == lang]
        return OutputJob(f"{lang}/{INDEX}", "page",
                         self._fingerprint(self._inputs(keys), kind="language", lang=lang),
                         partial(render_language_page, self.content, lang, self.options))

    def root_job(self) -> OutputJob:
        from leaflets.render.site import INDEX
        from leaflets.validation import LOCALES_DIR

        locales = self.content.project.content_dir / LOCALES_DIR
        inputs = [locales / f"{lang}.yaml" for lang in self.content.project.config.languages]
        return OutputJob(INDEX, "page", self._fingerprint(inputs, kind="root"),
                         partial(render_root_page, self.content, self.options))


def plan(content: Content, keys: Iterable[LeafletKey], options: RenderOptions | None = None,
         sizes: PdfSizes | None = None) -> list[OutputJob]:
    """Every output file the chosen leaflets need: PDFs, their pages and the indexes.

    A leaflet's page reads its PDF's size from `sizes`, which the build fills in.
    """
    planner = Planner(content, options or default_options(content), {} if sizes is None else sizes)
    keys = list(keys)
    jobs = [job for key in keys for job in planner.leaflet_jobs(key)]
    jobs += [planner.language_job(lang) for lang in sorted({key.lang for key in keys})]
    return jobs + ([planner.root_job()] if keys else [])


def render_stale(jobs: list[OutputJob], sizes: PdfSizes, settings: BuildSettings,
                 progress: Progress) -> list[Rendered]:
    """Render the PDFs in worker processes, and the pages in this one meanwhile.

    A leaflet's page shows its PDF's size, so it waits for its PDF; the pages that need no
    new PDF are rendered while the first PDFs are on their way. A failed PDF has no page.
    """
    outcomes: list[Rendered] = []

    def done(outcome: Rendered) -> None:
        outcomes.append(outcome)
        progress.advance(outcome.job.output, failed=outcome.error is not None)

    ready: list[OutputJob] = []
    waiting: dict[str, list[OutputJob]] = {}  # PDF output → the pages that show its size
    for job in jobs:
        if job.needs_weasyprint:
            continue
        if job.unit == job.output or job.unit in sizes:
            ready.append(job)
        else:
            waiting.setdefault(job.unit, []).append(job)
    with rendering([job for job in jobs if job.needs_weasyprint], settings.jobs) as results:
        progress.start(len(jobs))
        try:
            for job in ready:
                done(render_one(job))
            for result in results:
                done(result)
                if result.error is None:
                    sizes[result.job.output] = len(result.data)
                    for job in waiting.get(result.job.output, []):
                        done(render_one(job))
        finally:
            progress.stop()
    return sorted(outcomes, key=lambda outcome: outcome.job.output)


def write_and_record(manifest: Manifest, current: Iterable[OutputJob],
                     rendered: list[tuple[OutputJob, bytes]], shard: Shard | None) -> list[Path]:
    """Write every rendered output, then record all of this build's outputs.

    Each write holds SIGINT and SIGTERM until its file is in place; the manifest comes last,
    so an interrupted build only leaves outputs without records, which are rebuilt.
    """
    written = []
    for job, data in rendered:
        write_atomic(manifest.output_dir / job.output, data)
        written.append(manifest.output_dir / job.output)
    manifest.save(shard, {
        **{job.output: manifest.current_record(job) for job in current},
        **{job.output: Record(job.fingerprint, bytes_digest(data)) for job, data in rendered},
    })
    return written


def _sizes_on_disk(manifest: Manifest, current: Iterable[OutputJob]) -> PdfSizes:
    """The sizes of the PDFs that are up to date, for pages that are not."""
    return {job.output: (manifest.output_dir / job.output).stat().st_size
            for job in current if job.needs_weasyprint}


def build(content: Content, keys: Iterable[LeafletKey], *, options: RenderOptions | None = None,
          settings: BuildSettings = BuildSettings(), progress: Progress = Silent()) -> BuildReport:
    """Render every stale output first; write only when all succeeded (or with keep_going)."""
    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH stops the build once, up front
    sizes: PdfSizes = {}
    jobs = shard_slice(plan(content, keys, options, sizes), settings.shard)
    manifest = Manifest(content.project.output_dir)
    current = set() if settings.force else {job for job in jobs if manifest.is_current(job)}
    sizes.update(_sizes_on_disk(manifest, current))
    stale = [job for job in jobs if job not in current]
    report = BuildReport(up_to_date=sorted(job.output for job in current))
    outcomes = render_stale(stale, sizes, settings, progress) if stale else []
    report.rendered = [o.job.output for o in outcomes if o.error is None]
    report.failures = [o.error for o in outcomes if o.error is not None]
    if report.failures and not settings.keep_going:
        return report
    rendered = [(o.job, o.data) for o in outcomes if o.error is None]
    report.written = write_and_record(manifest, current, rendered, settings.shard)
    return report
