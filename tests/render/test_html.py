"""Whatever text the content holds, the HTML carries it as text: no tag, attribute or link from it.

The property runs the real pipeline on generated files: YAML on disk → loading → validation
→ assembly → the one Jinja environment. Content that validation refuses must be refused with
located errors; content that it accepts must render to HTML whose only elements and
attributes are the templates' own.
"""

from __future__ import annotations

import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings

from leaflets.assembly import assemble, leaflet_keys
from leaflets.config import load_project
from leaflets.errors import ContentErrors
from leaflets.render.html import render_print_html
from leaflets.validation import load_content

from strategies import projects, write_project

# The elements and attributes the templates, pictures and QR code produce themselves.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section",
    "div", "p", "span", "h1", "h2", "h3", "ul", "ol", "li", "input", "label", "figure",
    "figcaption", "br", "wbr", "strong", "a", "sup", "svg", "path", "circle", "rect", "g",
    "line", "polyline", "polygon", "ellipse", "text", "tspan", "defs", "use", "desc",
}
ALLOWED_ATTRIBUTES = {
    "lang", "charset", "name", "content", "class", "id", "data-footer", "href", "type", "for",
    "aria-hidden", "role", "viewbox", "xmlns", "d", "fill", "stroke", "stroke-width",
    "stroke-linecap", "stroke-linejoin", "cx", "cy", "r", "rx", "ry", "x", "y", "width",
    "height", "x1", "y1", "x2", "y2", "points", "transform", "opacity", "font-size",
    "text-anchor", "font-weight", "stroke-dasharray", "fill-opacity", "stroke-opacity",
    "font-family", "focusable", "preserveaspectratio", "xmlns:xlink", "xlink:href",
    "fill-rule", "clip-rule", "stroke-miterlimit", "shape-rendering",
}
SAFE_HREF = ("https:", "http:", "mailto:", "tel:", "#ref-")


class Elements(HTMLParser):
    """Every element and attribute, and the text of the first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1.append(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_text_in_every_field_is_only_ever_text(project):
    text, topic, locale, config = project
    root = Path(tempfile.mkdtemp(prefix="leaflets-property-"))
    try:
        write_project(root, text, topic, locale, config)
        try:
            content = load_content(load_project(root))
        except ContentErrors as refused:
            assert refused.errors
            event("refused by validation")
            assert all(error.line >= 1 and error.column >= 1 for error in refused.errors)
            return
        event("rendered")
        for key in leaflet_keys(content):
            leaflet = assemble(content, key)
            html = render_print_html(tuple(content.project.template_dirs), leaflet)
            parsed = Elements()
            parsed.feed(html)
            parsed.close()
            for tag, attributes in parsed.tags:
                assert tag in ALLOWED_TAGS, tag
                for name, value in attributes:
                    assert name in ALLOWED_ATTRIBUTES, (tag, name)
                    if name == "href":
                        assert value and value.startswith(SAFE_HREF), value
            assert "".join(parsed.h1) == leaflet.title
            assert [tag for tag, _ in parsed.tags].count("style") == 1
            assert [tag for tag, _ in parsed.tags].count("h1") == 1
    finally:
        shutil.rmtree(root)
