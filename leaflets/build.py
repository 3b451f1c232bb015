"""Orchestration: choose the leaflets, render them all, then write them atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from leaflets.assembly import Leaflet, LeafletKey, RenderOptions, assemble, leaflet_keys
from leaflets.config import ASSETS
from leaflets.errors import BuildError, PageBudgetError
from leaflets.reproducible import source_date_epoch
from leaflets.validation import Content

if TYPE_CHECKING:
    from weasyprint import Document


@dataclass(frozen=True)
class Selection:
    """Which leaflets to build; an empty tuple means all."""

    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()


@dataclass
class BuildReport:
    written: list[Path] = field(default_factory=list)
    pages: list[Path] = field(default_factory=list)
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


def pdf_name(key: LeafletKey, options: RenderOptions, default_paper: str) -> str:
    """The default print keeps the plain name; other papers and large print add a suffix.

    night-leg-cramps-patient-en.pdf (the config's paper), ...-en-letter.pdf,
    ...-en-large.pdf, ...-en-letter-large.pdf
    """
    suffix = "" if options.paper == default_paper else f"-{options.paper}"
    suffix += "-large" if options.large_print else ""
    return key.pdf_name.removesuffix(".pdf") + suffix + ".pdf"


def pdf_path(content: Content, key: LeafletKey, options: RenderOptions | None = None) -> Path:
    options = options or default_options(content)
    return (content.project.output_dir / key.folder
            / pdf_name(key, options, content.project.config.paper))


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


def build(content: Content, keys: Iterable[LeafletKey], *, keep_going: bool = False,
          options: RenderOptions | None = None,
          progress: Callable[[LeafletKey, str], None] = lambda key, state: None) -> BuildReport:
    """Render every leaflet and its web page first; write only when all succeeded (or with
    keep_going)."""
    from leaflets.render.pdf import write_atomic
    from leaflets.render.site import site_pages

    options = options or default_options(content)
    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH stops the build once, up front
    report = BuildReport()
    rendered: list[tuple[LeafletKey, bytes]] = []
    for key in keys:
        try:
            rendered.append((key, render_leaflet(content, key, options)))
            progress(key, "rendered")
        except BuildError as exc:
            report.failures.append(str(exc))
            progress(key, "failed")
    if report.failures and not keep_going:
        return report
    pages = site_pages(content, {key: len(data) for key, data in rendered}, options)
    for key, data in rendered:
        path = pdf_path(content, key, options)
        write_atomic(path, data)
        report.written.append(path)
    for page in pages:
        path = content.project.output_dir / page.path
        write_atomic(path, page.html.encode("utf-8"))
        report.pages.append(path)
    return report
