"""Deterministic inline SVG: the diagram pictures and the QR code that opens a leaflet's online page."""

from __future__ import annotations

import re

import segno
from markupsafe import Markup, escape

from leaflets.content.pictures import picture_path, picture_source

_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)


def qr_svg(url: str, title: str) -> Markup:
    """A QR code for `url`, with a 4-module quiet zone and an accessible title."""
    # Level M survives a fold or a pen mark; the printed size keeps it readable at 40 dpi.
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                          svgclass="qr", lineclass=None)
    svg = re.sub(r"<svg\b([^>]*)>", lambda m: f'<svg{m.group(1)} role="img">'
                 f"<title>{escape(title)}</title>", svg, count=1)
    return Markup(svg)


def picture_svg(template_dirs: tuple[Path, ...], picture: str, title: str) -> Markup:
    """The picture as inline SVG, titled so that it becomes the figure's alt text."""
    source = picture_source(picture_path(template_dirs, picture))  # checked, written out again
    opening = _SVG_OPEN.match(source)
    tag = opening.group(0)[:-1] + ' role="img" class="picture">'  # type: ignore[union-attr]
    return Markup(f"{tag}<title>{escape(title)}</title>{source[opening.end():]}")
