"""What a printer gives the reader, on every built leaflet: sizes, margins, QR code, greyscale."""

from __future__ import annotations

import functools
import io
import math
import re
import subprocess
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageChops

from leaflets.assemble.leaflet import translator
from leaflets.outputs import leaflet_url
from leaflets.render.layout_guard import MIN_LARGE_PRINT_TEXT_PT, MIN_TEXT_PT

from conftest import built_pdfs
from pdf_tools import Char, TextRun, chars, render_gray, text_runs
from render.test_pdf import CONTENT, KEYS

MM_PER_INCH = 25.4
BODY = ("P", "LBody", "Caption")  # paragraphs, list items (checklist, red flags), captions
VARIANTS = [(key, paper, large) for key in KEYS for paper in ("a4", "letter")
            for large in (False, True)]


def _ids(variant) -> str:
    key, paper, large = variant
    return f"{key.folder}-{paper}{'-large' if large else ''}"


@pytest.fixture(params=VARIANTS, ids=_ids)
def built(request, bundled_all: Path):
    """(key, options, path) for one leaflet on one paper, in one print size."""
    for key, options, path in built_pdfs(bundled_all):
        if (key, options.paper, options.large_print) == request.param:
            return key, options, path
    raise LookupError(request.param)


# The shared build never changes, and the checks of each of its PDFs run one after another
# (tests/conftest.py), so each worker opens a PDF once and reads its text once.
@functools.lru_cache(maxsize=2)
def shared_document(path: Path) -> pypdfium2.PdfDocument:
    """A PDF of the shared build, opened with pdfium for all its checks."""
    return pypdfium2.PdfDocument(path)


@functools.cache
def shared_runs(path: Path) -> tuple[TextRun, ...]:
    """`text_runs` of a PDF in the shared build: two tests here and two in
    test_accessibility read each one."""
    return tuple(text_runs(path, shared_document(path)))


@functools.lru_cache(maxsize=8)
def shared_chars(path: Path, page: int) -> tuple[Char, ...]:
    return tuple(chars(shared_document(path), page))


def _is_body(run: TextRun) -> bool:
    """Running text in <main>: not headings, list numbers, citation marks or step badges."""
    return ("Part" in run.tags and any(tag in BODY for tag in run.tags)
            and "Link" not in run.tags and "Lbl" not in run.tags
            and not run.text.strip().isdigit() and run.text.strip() != "")


def test_text_sizes(built):
    _, options, path = built
    runs = [run for run in shared_runs(path) if run.text.strip()]
    body = [run for run in runs if _is_body(run)]
    smallest = min(runs, key=lambda run: run.size_pt)
    smallest_body = min(body, key=lambda run: run.size_pt)
    assert len(body) > 20
    if options.large_print:
        assert smallest_body.size_pt >= 16 - 0.01, smallest_body
        assert smallest.size_pt >= MIN_LARGE_PRINT_TEXT_PT - 0.01, smallest
    else:
        assert smallest_body.size_pt >= 11 - 0.01, smallest_body
        assert smallest.size_pt >= MIN_TEXT_PT - 0.01, smallest


def _line_lengths(path: Path, size_pt: float) -> list[int]:
    """Characters in each line of text set at `size_pt`, a line being one baseline in one
    column (a gap wider than 5 mm starts another column)."""
    lengths = []
    rows: dict[tuple[int, int], list[Char]] = {}
    for page in range(1, len(shared_document(path)) + 1):
        for char in shared_chars(path, page):
            if abs(char.size_pt - size_pt) < 0.05:
                rows.setdefault((page, round(char.bottom)), []).append(char)
    for row in rows.values():
        row.sort(key=lambda char: char.x0)
        count = 1
        for before, char in zip(row, row[1:]):
            if char.x0 - before.x1 > 5 / MM_PER_INCH * 72:
                lengths.append(count)
                count = 0
            count += 1
        lengths.append(count)
    return lengths


def test_body_text_is_measured(built):
    """Patient and carer text in 11.5 pt, in lines of at most about 80 characters."""
    key, options, path = built
    if options.large_print or key.audience == "clinician":
        return
    body = [run for run in shared_runs(path) if _is_body(run)]
    assert min(run.size_pt for run in body) >= 11.5 - 0.01
    lengths = _line_lengths(path, 11.5)
    assert len(lengths) > 50 and max(lengths) <= 90, sorted(lengths)[-5:]
    assert sorted(lengths)[int(len(lengths) * 0.95)] <= 80


def test_every_mark_is_12_mm_from_the_edge(built):
    _, _, path = built
    dpi = 72
    for page, sheet in enumerate(shared_document(path), start=1):
        image = sheet.render(scale=dpi / 72, grayscale=True).to_pil()
        ink = image.point(lambda v: 255 if v < 245 else 0).getbbox()
        assert ink, f"page {page} is blank"
        left, top, right, bottom = ink
        gaps_mm = [edge * MM_PER_INCH / dpi for edge in
                   (left, top, image.width - right, image.height - bottom)]
        # one pixel of tolerance: at 72 dpi a pixel is 0.35 mm
        assert min(gaps_mm) >= 12 - MM_PER_INCH / dpi, (page, gaps_mm)


def test_qr_code_is_2_cm_and_decodes_at_50_dpi(built):
    key, _, path = built
    url = leaflet_url(CONTENT, key)
    page = shared_document(path)[0]
    qr_code = zxingcpp.BarcodeFormat.QRCode  # any other format's search triples the time
    (found,) = zxingcpp.read_barcodes(page.render(scale=50 / 72).to_pil(), formats=qr_code)
    assert found.text == url
    gray = subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", str(path)],
                          check=True, capture_output=True).stdout
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(gray)),
                                                    formats=qr_code)] == [url]
    # measured at 300 dpi on the code found above, with 10 mm around it: the whole page at
    # 300 dpi costs ten times as much
    corners = [(point.x * 72 / 50, point.y * 72 / 50) for point in
               (found.position.top_left, found.position.top_right,
                found.position.bottom_right, found.position.bottom_left)]
    margin = 10 * 72 / MM_PER_INCH
    width, height = page.get_size()
    left, top = (max(0.0, min(v) - margin) for v in zip(*corners))
    right, bottom = (min(edge, max(v) + margin) for v, edge in zip(zip(*corners), (width, height)))
    dpi = 300
    (result,) = zxingcpp.read_barcodes(
        page.render(scale=dpi / 72, crop=(left, height - bottom, width - right, top)).to_pil(),
        formats=qr_code)
    assert result.text == url
    corners = result.position
    width_mm = (corners.top_right.x - corners.top_left.x) * MM_PER_INCH / dpi
    height_mm = (corners.bottom_left.y - corners.top_left.y) * MM_PER_INCH / dpi
    assert min(width_mm, height_mm) >= 20, (width_mm, height_mm)  # without the quiet zone


def _luminance(gray: int) -> float:
    value = gray / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def _tier_headings(path: Path) -> list[tuple[str, int, tuple[float, float, float, float], float]]:
    """(text, page, box in points, font size) of each tier heading (H3)."""
    found: dict[int, tuple[str, int, tuple[float, float, float, float], float]] = {}
    for run in shared_runs(path):
        if "H3" in run.tags:
            element = run.elements[run.tags.index("H3")]
            text, page, box, size = found.get(element, ("", run.page, run.box, run.size_pt))
            box = (min(box[0], run.box[0]), min(box[1], run.box[1]),
                   max(box[2], run.box[2]), max(box[3], run.box[3]))
            found[element] = (f"{text} {run.text}".strip(), page, box, size)
    return [found[element] for element in sorted(found)]


def test_red_flag_tiers_survive_greyscale(built):
    """Each tier heading keeps its contrast in greyscale, and has its own shape beside it."""
    key, _, path = built
    dpi = 150
    headings = _tier_headings(path)
    if "get-help" not in CONTENT.modules[key.topic].topic.audiences[key.audience]:
        assert headings == []  # this audience's layout has no red-flag tiers
        return
    assert len(headings) == len({text for text, *_ in headings}) >= 2
    rtl = translator(CONTENT, key.lang).direction.is_rtl
    document = shared_document(path)
    icons = []
    for page in sorted({page for _, page, _, _ in headings}):
        height = document[page - 1].get_size()[1]
        on_page = [heading for heading in headings if heading[1] == page]
        # one band of the page holds the headings and their icons: rows in pixels from the top
        band = (math.floor(min(height - top - 0.3 * size
                               for _, _, (_, _, _, top), size in on_page) * dpi / 72) - 1,
                math.ceil(max(height - min(bottom - 0.3 * size, top - 1.3 * size)
                              for _, _, (_, bottom, _, top), size in on_page) * dpi / 72) + 1)
        image = render_gray(path, page, dpi, band)
        for text, _, (left, bottom, right, top), size in on_page:

            def crop(x0: float, x1: float, y1: float = bottom - 0.3 * size) -> Image.Image:
                return image.crop((round(x0 * dpi / 72),
                                   round((height - top - 0.3 * size) * dpi / 72) - band[0],
                                   round(x1 * dpi / 72), round((height - y1) * dpi / 72) - band[0]))

            words = crop(left, right)
            darkest, lightest = words.getextrema()
            contrast = (_luminance(lightest) + 0.05) / (_luminance(darkest) + 0.05)
            assert contrast >= 4.5, (text, contrast)
            # the icon sits by the first line, on the side the heading starts from
            first_line = top - 1.3 * size
            if rtl:
                icon = crop(right + 0.2 * size, right + 1.7 * size, first_line)
            else:
                icon = crop(left - 1.7 * size, left - 0.2 * size, first_line)
            icons.append(icon.point(lambda v, cut=(darkest + lightest) / 2: 255 if v < cut else 0))
    for index, icon in enumerate(icons):
        assert icon.histogram()[255] > 0.1 * icon.width * icon.height, "a tier has no icon"
        for other in icons[index + 1:]:
            other = other.resize(icon.size)
            differing = ImageChops.difference(icon, other).histogram()[255]
            assert differing > 0.15 * icon.width * icon.height, "two tiers share a shape"


def _words(found: list[Char]) -> list[Char]:
    """Glyphs joined into words: a space, another line or a gap of 3 pt ends a word."""
    words: list[list[Char]] = [[]]
    for char in found:
        last = words[-1][-1] if words[-1] else None
        if last and (char.text.isspace() or abs(char.bottom - last.bottom) > 1
                     or char.x0 - last.x1 > 3):
            words.append([])
        if not char.text.isspace():
            words[-1].append(char)
    return [Char(word[0].page, "".join(char.text for char in word), word[0].size_pt,
                 min(char.x0 for char in word), max(char.x1 for char in word),
                 min(char.top for char in word), max(char.bottom for char in word))
            for word in words if word]


def test_sources_are_numbered_on_and_read_down_each_column(built):
    """The sources list, cut in two and set side by side (one under the other in large print):
    every number from 1 once, in order down the first column, then down the second."""
    key, options, path = built
    name = translator(CONTENT, key.lang)("sources")
    document = shared_document(path)
    words = _words(list(shared_chars(path, len(document))))  # the sources are on the last page
    lines: dict[int, list[Char]] = {}
    for word in words:
        lines.setdefault(round(word.bottom), []).append(word)
    heading = next(bottom for bottom, line in lines.items()
                   if " ".join(word.text for word in line) in (name, name[::-1]))
    words = [word for word in words if word.bottom > heading + 1]  # below its line
    half = document[0].get_width() / 2
    marks = [word for word in words if re.fullmatch(r"\d{1,2}\.", word.text)
             and not any(abs(other.top - word.top) < 2 and other.x0 < word.x0
                         and (other.x0 > half) == (word.x0 > half) for other in words)]
    assert len({mark.x0 > half for mark in marks}) == (1 if options.large_print else 2)
    order = sorted(marks, key=lambda mark: (mark.x0 > half, mark.top))
    numbers = [int(mark.text[:-1]) for mark in order]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 2, numbers
