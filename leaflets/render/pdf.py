"""HTML → PDF with WeasyPrint: a locked-down fetcher and one font configuration per process."""

from __future__ import annotations

import shutil
from multiprocessing.util import Finalize
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from leaflets.errors import BuildError

_FONT_CONFIG: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    """One FontConfiguration per process: reusing it keeps memory flat across renders."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
        # Caches keep it alive, and pool workers leave by os._exit, so its __del__ never
        # runs; multiprocessing's exit hook runs in every process and removes its fonts.
        Finalize(None, release_font_config, exitpriority=0)
    return _FONT_CONFIG


def release_font_config() -> None:
    """Forget this process's FontConfiguration and remove its temporary font folder."""
    global _FONT_CONFIG
    if _FONT_CONFIG is not None and _FONT_CONFIG._folder:
        shutil.rmtree(_FONT_CONFIG._folder, ignore_errors=True)
    _FONT_CONFIG = None


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
    """Lay out the document, ready for its pages to be counted."""
    try:
        document = weasyprint.HTML(string=html, base_url=base_url.as_uri() + "/",
                                   url_fetcher=LocalFetcher(roots)).render(font_config=font_config())
    except weasyprint.urls.FatalURLFetchingError as exc:
        raise BuildError(f"{exc}: {exc.__cause__}") from None
    return document


def pdf_bytes(document: weasyprint.Document, **options: object) -> bytes:
    return document.write_pdf(**options)

