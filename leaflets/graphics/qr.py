"""The QR code that opens a leaflet's online page, as path-based inline SVG."""

from __future__ import annotations

import re

import segno
from markupsafe import Markup, escape


def qr_svg(url: str, title: str) -> Markup:
    """A QR code for `url`, with a 4-module quiet zone and an accessible title."""
    code = segno.make(url, error="l", micro=False)  # fewer, larger modules scan at 50 dpi
    svg = code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                          svgclass="qr", lineclass=None)
    svg = re.sub(r"<svg\b([^>]*)>", lambda m: f'<svg{m.group(1)} role="img">'
                 f"<title>{escape(title)}</title>", svg, count=1)
    return Markup(svg)
