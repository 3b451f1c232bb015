"""Orchestration: choose the leaflets, render them all, then write them atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from leaflets.assembly import LeafletKey, RenderOptions, assemble, leaflet_keys
from leaflets.config import ASSETS
from leaflets.errors import BuildError
from leaflets.validation import Content


@dataclass(frozen=True)
class Selection:
    """Which leaflets to build; an empty tuple means all."""

    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()


@dataclass
class BuildReport:
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


def pdf_path(content: Content, key: LeafletKey) -> Path:
    return content.project.output_dir / key.folder / key.pdf_name


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


def build(content: Content, keys: Iterable[LeafletKey], *, keep_going: bool = False,
          progress: Callable[[LeafletKey, str], None] = lambda key, state: None) -> BuildReport:
    """Render every leaflet first; write only when all succeeded (or with keep_going)."""
    from leaflets.output import write_atomic

    report = BuildReport()
    rendered: list[tuple[LeafletKey, bytes]] = []
    for key in keys:
        try:
            rendered.append((key, render_leaflet(content, key)))
            progress(key, "rendered")
        except BuildError as exc:
            report.failures.append(str(exc))
            progress(key, "failed")
    if report.failures and not keep_going:
        return report
    for key, data in rendered:
        path = pdf_path(content, key)
        write_atomic(path, data)
        report.written.append(path)
    return report
