"""HTML → PDF with WeasyPrint: a locked-down fetcher, a page budget, atomic writes."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from leaflets.errors import BuildError
from leaflets.render import accessibility
from leaflets.reproducible import pinned_clock

_FONT_CONFIG: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    """One FontConfiguration per process: reusing it keeps memory flat across renders."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


class LocalFetcher(weasyprint.URLFetcher):
    """Serves files from the allowed folders only: no network, nothing else on disk."""

    def __init__(self, roots: list[Path]):
        super().__init__(fail_on_errors=True)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: object = None) -> weasyprint.urls.URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise ValueError(f"{url!r} is refused: leaflets never fetch from the network")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError(f"{url!r} is refused: only files inside the project and the "
                             "leaflets package can be used")
        return super().fetch(url, headers)


def render(html: str, base_url: Path, roots: list[Path]) -> weasyprint.Document:
    """Lay out the document, ready for its pages to be counted; inputs become form fields."""
    try:
        document = weasyprint.HTML(string=html, base_url=base_url.as_uri() + "/",
                                   url_fetcher=LocalFetcher(roots)).render(font_config=font_config(),
                                                                           pdf_forms=True)
    except weasyprint.urls.FatalURLFetchingError as exc:
        raise BuildError(f"{exc}: {exc.__cause__}") from None
    return document


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def pdf_bytes(document: weasyprint.Document, *, variant: str, issued: datetime) -> bytes:
    """The PDF, reproducible, finished for accessibility (see render/accessibility.py)."""
    with pinned_clock(issued):
        data = document.write_pdf(pdf_variant=variant, pdf_forms=True)
    return accessibility.finish(data, accessibility.label_names(document))
