"""Reading real output: text, pages and QR codes from built PDFs."""

from __future__ import annotations

import ctypes
import functools
import io
import math
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import zxingcpp
from PIL import Image


# Direction marks, embeddings and isolates: invisible, and pdftotext adds embeddings of its own.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                       "\u2066\u2067\u2068\u2069"))
# Citation marks, Arabic vowel marks and tatweel, lam, and yeh with hamza: see arabic_printed.
_UNRELIABLE_IN_ARABIC = re.compile(r"\[[\d,–-]+\]|[\u0640\u064b-\u065f\u0670\u0644\u0626]")


def pdf_text(path: Path) -> str:
    """The text as copy-paste and screen readers get it, whitespace and bidi controls folded.

    Words that WeasyPrint hyphenated at a line end (with U+2010) are joined again.
    """
    raw = subprocess.run(["pdftotext", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(raw.replace("\u2010\n", "").translate(BIDI_CONTROLS).split())


def _pdfium_text(path: Path) -> str:
    document = pypdfium2.PdfDocument(path)
    return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)


def arabic_printed(content: str, path: Path) -> bool:
    """Whether every word of Arabic `content` is in the text of the PDF at `path`.

    Extractors (poppler, pdfium, pdfminer) give a lam-alef ligature's letters in visual order
    ("لا" comes out "ال"), lift vowel marks out of a word with a space either side, join a
    number to the next word, put a citation mark before the full stop it follows, and where a
    lifted mark splits a word across a line break, one of them may put the two halves lines
    apart, although the page is right. One defect is WeasyPrint's and still open upstream
    (Kozea/WeasyPrint#2841, in 70.0 too): where the font draws a letter as several glyphs, the
    text layer can give a shared glyph the wrong letter; here yeh with hamza before a tanween
    ("شيئًا") comes out doubled or as U+05E2, so ئ is left out of the comparison too. Each word, without those letters, must be in the
    letters poppler or pdfium read, with spaces, those letters and citation marks taken out.
    """
    readings = _arabic_readings(path)
    words = re.findall(r"[^\W\d_]+|\d+", _UNRELIABLE_IN_ARABIC.sub("", content))
    return all(any(word in letters for letters in readings) for word in words)


@functools.cache
def _arabic_readings(path: Path) -> tuple[str, str]:
    return tuple(_UNRELIABLE_IN_ARABIC.sub("", "".join(text.translate(BIDI_CONTROLS).split()))
                 for text in (pdf_text(path), _pdfium_text(path)))


def page_count(path: Path) -> int:
    return len(pypdfium2.PdfDocument(path))


def qr_urls(path: Path, page: int = 0, dpi: int = 72) -> list[str]:
    """Decode every QR code on a page rendered at `dpi` (test_print shows 50 decodes)."""
    image = pypdfium2.PdfDocument(path)[page].render(scale=dpi / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@dataclass(frozen=True)
class TextRun:
    """One text object on a page: its size and where it sits in the structure tree."""

    page: int
    text: str
    size_pt: float
    tags: tuple[str, ...]  # structure types from the root down; () for an artifact
    box: tuple[float, float, float, float]  # left, bottom, right, top in points
    elements: tuple[int, ...] = ()  # reading-order index of each element in `tags`

    @property
    def artifact(self) -> bool:
        return not self.tags


def _reading_order(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    """Each structure element's position in a depth-first walk of the tree."""
    order: dict[tuple[int, int], int] = {}
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            order[node.objgen] = len(order)
            stack.append(node.get("/K", pikepdf.Array()))
    return order


def _mcid_elements(pdf: pikepdf.Pdf) -> dict[tuple[int, int], tuple[tuple[str, int], ...]]:
    """(page index, MCID) → (structure type, reading order) from the root to its element."""
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    by_key = {int(k): v for k, v in zip(nums[::2], nums[1::2]) if isinstance(v, pikepdf.Array)}
    order = _reading_order(pdf)
    found = {}
    for index, page in enumerate(pdf.pages):
        for mcid, element in enumerate(by_key.get(int(page.obj.get("/StructParents", -1)), ())):
            path = []
            while isinstance(element, pikepdf.Dictionary) and "/S" in element:
                path.append((str(element.S)[1:], order.get(element.objgen, -1)))
                element = element.get("/P")
            found[index, mcid] = tuple(reversed(path))
    return found


def _object_text(obj, textpage) -> str:
    length = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
    buffer = (ctypes.c_ushort * (length // 2))()
    pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, length)
    return bytes(buffer).decode("utf-16-le").rstrip("\x00")


def text_runs(path: Path, document: pypdfium2.PdfDocument | None = None) -> list[TextRun]:
    """Every text object of the PDF with its size in points and its structure tags
    (`document`: the same file, opened already)."""
    with pikepdf.open(path) as pdf:
        elements = _mcid_elements(pdf)
    runs = []
    document = document or pypdfium2.PdfDocument(path)
    for index, page in enumerate(document):
        textpage = page.get_textpage()
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=8):
            size = ctypes.c_float()
            pdfium_c.FPDFTextObj_GetFontSize(obj.raw, ctypes.byref(size))
            a, b, c, d, _, _ = obj.get_matrix().get()
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
            path = elements.get((index, mcid), ()) if mcid >= 0 else ()
            runs.append(TextRun(index + 1, _object_text(obj, textpage),
                                size.value * math.sqrt(abs(a * d - b * c)),
                                tuple(tag for tag, _ in path), obj.get_bounds(),
                                tuple(position for _, position in path)))
    return runs


@dataclass(frozen=True)
class Char:
    """A glyph as printed, in points from the page's top-left corner (as pdfplumber gives it)."""

    page: int  # from 1
    text: str
    size_pt: float
    x0: float
    x1: float
    top: float
    bottom: float  # of the font's line box, so a line's glyphs share it


def chars(pdf: Path | pypdfium2.PdfDocument, only_page: int | None = None) -> list[Char]:
    """Every glyph the PDF draws (on `only_page`, from 1), read with pdfium (pdfplumber takes
    30 times as long); not the spaces and line ends pdfium adds to its text.

    pdfium's raw calls, one per value: its Python helpers take half as long again over the
    1.2 million glyphs of the shared PDFs. A hyphen that ends a line is 2 in pdfium's character list; its text calls give
    it as U+FFFE, and so does this."""
    found = []
    matrix, box = pdfium_c.FS_MATRIX(), pdfium_c.FS_RECTF()
    document = pdf if isinstance(pdf, pypdfium2.PdfDocument) else pypdfium2.PdfDocument(pdf)
    for number, page in enumerate(document, start=1):
        if only_page not in (None, number):
            continue
        height, helper = page.get_height(), page.get_textpage()  # kept: it closes when freed
        textpage = helper.raw
        for index in range(pdfium_c.FPDFText_CountChars(textpage)):
            if pdfium_c.FPDFText_IsGenerated(textpage, index):
                continue
            pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
            size = pdfium_c.FPDFText_GetFontSize(textpage, index) \
                * math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
            code = pdfium_c.FPDFText_GetUnicode(textpage, index)
            found.append(Char(number, "\ufffe" if code == 2 else chr(code), size,
                              box.left, box.right, height - box.top, height - box.bottom))
    return found


def render_gray(path: Path, page: int, dpi: int,
                band: tuple[int, int] | None = None) -> "Image.Image":
    """A page as poppler prints it in greyscale (`pdftoppm -gray`); with `band`, only the
    rows of pixels from band[0] up to band[1], full width (a third of the time)."""
    rows = ["-x", "0", "-y", str(band[0]), "-W", "100000", "-H", str(band[1] - band[0])] \
        if band else []
    raw = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                          *rows, str(path)], check=True, capture_output=True).stdout
    return Image.open(io.BytesIO(raw))
