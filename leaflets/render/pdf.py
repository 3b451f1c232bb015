"""HTML → PDF with WeasyPrint: a locked-down fetcher and one font configuration per process."""

from __future__ import annotations

import mimetypes
import shutil
from datetime import datetime
from multiprocessing.util import Finalize
from pathlib import Path
from urllib.parse import unquote, urlsplit

from leaflets.render.engine import weasyprint  # first: a missing Pango is one clear error
from weasyprint.text.fonts import FontConfiguration  # noqa: I001

from leaflets.content.paths import inside
from leaflets.errors import BuildError
from leaflets.render import accessibility
from leaflets.reproducible import pinned_clock

_FONT_CONFIG: FontConfiguration | None = None
# Parsed stylesheets by their text, base URL and readable folders: a build's leaflets share
# a few (one per paper, print size and language), and parsing one is about 7% of a render.
# They belong to the FontConfiguration their @font-face rules were added to.
_STYLESHEETS: dict[tuple[str, str, tuple[Path, ...]], weasyprint.CSS] = {}
_MOST_STYLESHEETS = 64


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
    forget_stylesheets()


def forget_stylesheets() -> None:
    """Parse stylesheets again from now on: a build starts with what is on disk now (a file a
    stylesheet imports, a font), and a FontConfiguration with its own stylesheets."""
    _STYLESHEETS.clear()


class RefusedURL(ValueError):
    """A stylesheet, image or font that leaflets will not read; says why and what to do."""


class LocalFetcher(weasyprint.URLFetcher):
    """Serves files from the allowed folders only: no network, nothing else on disk.

    It reads the files itself, so no URL ever reaches urllib and its network handlers.
    """

    def __init__(self, roots: list[Path]):
        super().__init__(fail_on_errors=True)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: object = None) -> weasyprint.urls.URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"{url} is refused: leaflets never fetch from the network or "
                             "from data: URLs; copy the file into the project and refer to it "
                             "by its path")
        path = Path(unquote(parts.path)).resolve()
        if not any(inside(path, root) for root in self.roots):
            raise RefusedURL(f"{url} is refused: only files inside the project folder and the "
                             "leaflets package can be used; copy the file into the project and "
                             "refer to it by its path")
        if not path.is_file():
            raise RefusedURL(f"{url} does not exist; check the path (a relative path starts at "
                             "the project folder)")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                                  {"Content-Type": content_type})


def stylesheet(css: str, base_url: str, roots: list[Path]) -> weasyprint.CSS:
    """The stylesheet parsed, its fonts added to this process's FontConfiguration."""
    key = (css, base_url, tuple(roots))
    if key not in _STYLESHEETS:
        if len(_STYLESHEETS) >= _MOST_STYLESHEETS:
            _STYLESHEETS.clear()
        _STYLESHEETS[key] = weasyprint.CSS(string=css, base_url=base_url,
                                           url_fetcher=LocalFetcher(roots),
                                           font_config=font_config())
    return _STYLESHEETS[key]


def render(html: str, css: str, base_path: Path, roots: list[Path]) -> weasyprint.Document:
    """Lay out the document, ready for its pages to be counted; inputs become form fields.

    The stylesheet is given apart from the HTML (as a user stylesheet: the HTML has none of
    its own), so that each distinct one is parsed once per process.
    """
    base_url = base_path.as_uri() + "/"
    try:
        document = weasyprint.HTML(string=html, base_url=base_url,
                                   url_fetcher=LocalFetcher(roots)).render(
            font_config=font_config(), stylesheets=[stylesheet(css, base_url, roots)],
            pdf_forms=True)
    except weasyprint.urls.FatalURLFetchingError as exc:
        cause = exc.__cause__
        raise BuildError(str(cause) if isinstance(cause, RefusedURL) else f"{exc}: {cause}") \
            from None
    return document


def pdf_bytes(document: weasyprint.Document, *, variant: str, issued: datetime) -> bytes:
    """The PDF, reproducible, finished for accessibility (see render/accessibility.py)."""
    with pinned_clock(issued):
        return document.write_pdf(pdf_variant=variant, pdf_forms=True,
                                  finisher=accessibility.finish)
