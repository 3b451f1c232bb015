"""Right-to-left and Arabic script, on a small Arabic project rendered with system fonts hidden."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2
import pytest
import zxingcpp

from conftest import REPO
from pdf_tools import pdf_text, render_gray
from render.arabic import arabic_project

PDF = "output/ar/cramp/patient/cramp-patient-ar.pdf"
CLINIC = """\
name: Riverside Health Centre
address: [12 Mill Lane, Leeds LS1 4AB]
phone: +44 113 496 0000
"""
MM = 72 / 25.4


@pytest.fixture(scope="module")
def arabic_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Arabic leaflet, built by the real CLI with no system font visible to fontconfig."""
    from conftest import CONFIG, TEXT, TOPIC, write
    import shutil

    root = tmp_path_factory.mktemp("arabic") / "project"
    write(root, {"leaflets.yaml": CONFIG, "content/cramp/topic.yaml": TOPIC,
                 "content/cramp/en.yaml": TEXT})
    (root / "content/_locales").mkdir()
    shutil.copy(REPO / "content/_locales/en.yaml", root / "content/_locales/en.yaml")
    arabic_project(root)
    write(root, {"clinic.yaml": CLINIC})
    no_fonts = root.parent / "fonts.conf"
    no_fonts.write_text("<?xml version='1.0'?><fontconfig></fontconfig>\n")
    env = {**os.environ, "FONTCONFIG_FILE": str(no_fonts), "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "leaflets", "build", "-q", "--lang", "ar",
                             "--clinic", "clinic.yaml"],
                            cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root


def test_arabic_font_is_embedded_and_no_box_is_printed(arabic_build: Path):
    with pikepdf.open(arabic_build / PDF) as pdf:
        assert str(pdf.Root.Lang) == "ar"
        fonts = {str(font.BaseFont) for page in pdf.pages
                 for font in page.Resources.Font.values()}
    assert any("Leaflet-Arabic" in name for name in fonts), fonts
    from leaflets.verify import notdef_glyphs
    with pikepdf.open(arabic_build / PDF) as pdf:
        assert notdef_glyphs(pdf) == []


def test_get_help_heading_reads_in_order(arabic_build: Path):
    """"NHS 111" stays inside the sentence, where the Arabic puts it."""
    # pdftotext marks embeddings (U+202A-202C) and moves spaces around them: compare the
    # order of everything else.
    text = re.sub(r"[\s\u200b\u202a-\u202e\u2066-\u2069]", "", pdf_text(arabic_build / PDF))
    assert "اطلبالمساعدةاليوم:اتصلبـNHS111إذا" in text
    assert "https://www.nhs.uk/" in text and "leaflets.clinic/ar/cramp/patient" in text


def test_body_lines_end_at_the_right_margin(arabic_build: Path):
    with pdfplumber.open(arabic_build / PDF) as pdf:
        page = pdf.pages[0]
        # pdfplumber gives the characters in visual order: Arabic words come out reversed.
        lines = [line for line in page.extract_text_lines()
                 if any(w in line["text"] or w[::-1] in line["text"] for w in ("مشدودة", "بهذا"))]
        right = max(line["x1"] for line in page.extract_text_lines())
    assert len(lines) == 2
    for line in lines:
        assert abs(line["x1"] - right) < 2, line  # right-aligned, like the widest line


def test_site_page_is_right_to_left(arabic_build: Path):
    page = (arabic_build / "output/ar/cramp/patient/index.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page
    chooser = (arabic_build / "output/index.html").read_text(encoding="utf-8")
    assert '<li lang="ar" dir="rtl">' in chooser and '<li lang="en-GB" dir="ltr">' in chooser


def test_verify_flags_a_character_no_font_has(tmp_path: Path):
    """Georgian with only Noto Sans and no system fonts prints boxes; verify names the font."""
    no_fonts = tmp_path / "fonts.conf"
    no_fonts.write_text("<?xml version='1.0'?><fontconfig></fontconfig>\n")
    script = ("import sys, weasyprint; from leaflets.content.project import ASSETS; "
              "css = '@font-face { font-family: S; src: url(%s/fonts/NotoSans-Regular.ttf) } "
              "p { font-family: S }' % ASSETS.as_uri(); "
              "sys.stdout.buffer.write(weasyprint.HTML(string='<html lang=en><style>' + css + "
              "'</style><p>Hello ქართული</p>').write_pdf())")
    env = {**os.environ, "FONTCONFIG_FILE": str(no_fonts), "PYTHONPATH": str(REPO)}
    pdf_bytes = subprocess.run([sys.executable, "-W", "ignore", "-c", script], env=env,
                               capture_output=True, check=True).stdout
    (tmp_path / "boxes.pdf").write_bytes(pdf_bytes)
    from leaflets.verify import notdef_glyphs
    with pikepdf.open(tmp_path / "boxes.pdf") as pdf:
        problems = notdef_glyphs(pdf)
    assert len(problems) == 1 and problems[0].startswith("page 1: ") and ".notdef" in problems[0]


def _lines(page: pdfplumber.page.Page, *words: str) -> list[dict]:
    """The text lines holding any of `words` (pdfplumber gives Arabic letters reversed)."""
    return [line for line in page.extract_text_lines()
            if any(w in line["text"] or w[::-1] in line["text"] for w in words)]


def test_everything_mirrors(arabic_build: Path):
    """Checkbox, tier bar, step number and footer text on the right; QR code and page count
    on the left: print.css uses logical properties, so `dir=rtl` mirrors the whole page."""
    with pdfplumber.open(arabic_build / PDF) as pdf:
        page = pdf.pages[0]
        right = page.width - 14 * MM  # A4's right margin
        box = next(a for a in page.annots if getattr(a["data"].get("FT"), "name", "") == "Btn")
        label = _lines(page, "دقائق")[0]
        assert box["x0"] > label["x1"]  # the box before (to the right of) its words
        assert right - 6 * MM < box["x1"] < right  # in the box's first (right) column
        number = next(r for r in page.rects if r["x1"] - r["x0"] == pytest.approx(6 * MM, abs=0.5)
                      and r["bottom"] - r["top"] == pytest.approx(6 * MM, abs=0.5))
        assert number["x0"] > page.width / 2
        footer = [w for w in page.extract_words() if w["top"] > page.height - 20 * MM]
        count = [w for w in footer if "1" in w["text"]]
        assert max(w["x1"] for w in footer) == pytest.approx(right, abs=1)
        assert min(w["x0"] for w in count) == pytest.approx(14 * MM, abs=1)
        tier = _lines(page, "راجع")[0]
    gray = render_gray(arabic_build / PDF, 1, 150)
    row = int((tier["top"] + tier["bottom"]) / 2 * 150 / 72)
    bar = [gray.getpixel((int((right - 1.5 * MM) * 150 / 72), row)),
           gray.getpixel((int(15.5 * MM * 150 / 72), row))]
    assert bar[0] < 100 < 200 < bar[1]  # the dark bar at the right, white paper at the left
    image = pypdfium2.PdfDocument(arabic_build / PDF)[0].render(scale=2).to_pil()
    qr = zxingcpp.read_barcodes(image)
    assert qr[0].position.top_right.x / 2 < page.width / 3


def test_clinic_phone_reads_in_order(arabic_build: Path):
    """The clinic's phone is isolated: "+44 113 496 0000", not "0000 496 113 44+"."""
    text = pdf_text(arabic_build / PDF).replace("\u2066", "").replace("\u2069", "")
    assert "+44 113 496 0000" in text and "0000 496 113 44+" not in text


def test_stylesheets_name_no_physical_side():
    """Left and right only where CSS has no logical name: page margin boxes, and the
    background positions that [dir=rtl] rules mirror by hand."""
    for css in [*(REPO / "templates").glob("*.css"), REPO / "templates/site/site.css"]:
        for number, line in enumerate(css.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\b(left|right)\b", line) and not re.search(
                    r"@bottom-|^\[dir=rtl\]|^\s*/\*", line):
                pytest.fail(f"{css.name}:{number} names a physical side: {line.strip()}")
