"""One leaflet → PDF bytes, with its layout and page budget checked before anything is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leaflets.assemble.leaflet import Leaflet, assemble
from leaflets.content.project import ASSETS
from leaflets.content.tree import Content
from leaflets.errors import BuildError, PageBudgetError
from leaflets.outputs import LeafletKey, RenderOptions, default_options, describe
from leaflets.render import html

if TYPE_CHECKING:
    from weasyprint import Document


def enforce_layout(document: Document, leaflet: Leaflet, name: str) -> None:
    """Stop on text outside its box, text too small, or more pages than the budget."""
    from leaflets.render import layout_guard  # WeasyPrint only when something renders

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
    from leaflets.render import pdf  # WeasyPrint only when something renders

    options = options or default_options(content)
    leaflet = assemble(content, key, options)
    template_dirs = tuple(content.project.template_dirs)
    source = html.render_print_html(template_dirs, leaflet)
    css = html.render_print_css(template_dirs, leaflet)
    try:
        document = pdf.render(source, css, content.project.root,
                              [content.project.root, ASSETS, *template_dirs])
    except BuildError as exc:
        raise BuildError(f"{describe(key, options)}: {exc}") from None
    enforce_layout(document, leaflet, describe(key, options))
    return pdf.pdf_bytes(document, variant="pdf/ua-1", issued=leaflet.issued)
