"""The floor: HTML documents rendered by bare WeasyPrint in a pool of worker processes.

    python bench/floor.py HTML_DIR PDF_DIR --jobs N --base-url file:///project/

Done the way leaflets renders, so the difference is leaflets' own cost: WeasyPrint imported
before forking, one FontConfiguration per worker, the same PDF variant (PDF/UA-1). Each
document carries its stylesheet, which a bare render parses every time; leaflets parses
each distinct stylesheet once per worker (leaflets.render.pdf.stylesheet).
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
from multiprocessing.util import Finalize
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

_FONTS: FontConfiguration | None = None


def _remove_fonts() -> None:
    if _FONTS is not None and _FONTS._folder:
        shutil.rmtree(_FONTS._folder, ignore_errors=True)


def fonts() -> FontConfiguration:
    global _FONTS
    if _FONTS is None:
        _FONTS = FontConfiguration()
        Finalize(None, _remove_fonts, exitpriority=0)
    return _FONTS


def render(task: tuple[Path, Path, str]) -> None:
    html_path, pdf_path, base_url = task
    document = weasyprint.HTML(string=html_path.read_text(encoding="utf-8"), base_url=base_url)
    document = document.render(font_config=fonts(), pdf_forms=True)
    pdf_path.write_bytes(document.write_pdf(pdf_variant="pdf/ua-1", pdf_forms=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", type=Path)
    parser.add_argument("pdf_dir", type=Path)
    parser.add_argument("--jobs", type=int, required=True)
    parser.add_argument("--base-url", required=True)
    arguments = parser.parse_args()
    arguments.pdf_dir.mkdir(parents=True, exist_ok=True)
    tasks = [(path, arguments.pdf_dir / f"{path.stem}.pdf", arguments.base_url)
             for path in sorted(arguments.html_dir.glob("*.html"))]
    with multiprocessing.get_context("fork").Pool(arguments.jobs) as pool:
        for _ in pool.imap_unordered(render, tasks):
            pass
        pool.close()
        pool.join()


if __name__ == "__main__":
    main()
