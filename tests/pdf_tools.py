"""Reading real output: text, pages and QR codes from built PDFs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pypdfium2
import zxingcpp


def pdf_text(path: Path) -> str:
    """The text as copy-paste and screen readers get it, whitespace folded."""
    raw = subprocess.run(["pdftotext", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(raw.split())


def page_count(path: Path) -> int:
    return len(pypdfium2.PdfDocument(path))


def qr_urls(path: Path, page: int = 0, dpi: int = 150) -> list[str]:
    """Decode every QR code on a rendered page."""
    image = pypdfium2.PdfDocument(path)[page].render(scale=dpi / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]
