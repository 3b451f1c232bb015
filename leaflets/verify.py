"""`leaflets verify`: structure checks of built PDFs, read with pikepdf.

Each check looks for something PDF/UA-1 asks for that can be seen in the file's structure.
Together they are not a conformance report: veraPDF, which gives one, is not installed here.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pikepdf
from pikepdf.models.metadata import decode_pdf_date

from leaflets.assemble.leaflet import assemble
from leaflets.content.tree import Content
from leaflets.outputs import LeafletKey, RenderOptions, pdf_path
from leaflets.paper import Paper
from leaflets.reproducible import document_date


@dataclass(frozen=True)
class Expected:
    """What the content says a leaflet's PDF must carry."""

    lang: str  # BCP 47 tag, as in <html lang>
    title: str
    author: str
    dates: frozenset[datetime]  # the last review, and SOURCE_DATE_EPOCH when set
    checkboxes: int


@dataclass
class PdfReport:
    path: Path
    missing: list[tuple[str, str]] = field(default_factory=list)  # (check, what is missing)


Check = Callable[[pikepdf.Pdf, "Expected | None"], list[str]]


# --- the structure tree ---------------------------------------------------------------


def _elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element, depth first, in reading order."""
    if "/StructTreeRoot" not in pdf.Root:
        return
    stack: list[pikepdf.Object] = [pdf.Root.StructTreeRoot.get("/K", pikepdf.Array())]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            if "/K" in node:
                stack.append(node.K)


def _page_number(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> str:
    page = element.get("/Pg")
    for number, candidate in enumerate(pdf.pages, start=1):
        if page is not None and candidate.obj.objgen == page.objgen:
            return f" on page {number}"
    return ""


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


# --- the checks -------------------------------------------------------------------------


def check_lang(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    lang = _text(pdf.Root.get("/Lang"))
    if not lang:
        return ["no /Lang in the catalog (it comes from <html lang>)"]
    if expected and lang != expected.lang:
        return [f"/Lang is {lang!r}, expected {expected.lang!r}"]
    return []


def check_title(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    info = _text(pdf.docinfo.get("/Title"))
    xmp = _text(pdf.open_metadata().get("dc:title"))
    missing = []
    if not info:
        missing.append("no /Title in the document info (it comes from <title>)")
    elif expected and expected.title not in info:
        missing.append(f"the title {info!r} does not contain the leaflet's title "
                       f"{expected.title!r}")
    if not xmp:
        missing.append("no dc:title in the XMP metadata")
    elif info and xmp != info:
        missing.append(f"the XMP dc:title {xmp!r} differs from the document info title")
    return missing


def check_display_doc_title(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    preferences = pdf.Root.get("/ViewerPreferences", pikepdf.Dictionary())
    if preferences.get("/DisplayDocTitle") is not True:
        return ["/ViewerPreferences /DisplayDocTitle is not true: viewers show the file name"]
    return []


def check_marked(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    if pdf.Root.get("/MarkInfo", pikepdf.Dictionary()).get("/Marked") is not True:
        return ["/MarkInfo /Marked is not true"]
    return []


def check_structure_tree(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    if "/StructTreeRoot" not in pdf.Root:
        return ["no structure tree (/StructTreeRoot): the PDF is not tagged"]
    if not any(True for _ in _elements(pdf)):
        return ["the structure tree is empty"]
    if "/ParentTree" not in pdf.Root.StructTreeRoot:
        return ["the structure tree has no /ParentTree linking content to elements"]
    return []


def check_headings(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    levels = [int(str(e.S)[2:]) for e in _elements(pdf)
              if str(e.S) in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")]
    if not levels:
        return ["no headings (H1-H6) in the structure tree"]
    missing = []
    if levels[0] != 1:
        missing.append(f"the first heading is H{levels[0]}, not H1")
    if levels.count(1) != 1:
        missing.append(f"{levels.count(1)} H1 headings; a leaflet has one, its title")
    missing.extend(f"H{before} is followed by H{after}, skipping a level"
                   for before, after in zip(levels, levels[1:]) if after > before + 1)
    return missing


def check_figure_alt(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    figures = [e for e in _elements(pdf) if str(e.S) == "/Figure"]
    return [f"Figure {number} of {len(figures)}{_page_number(pdf, figure)} has no /Alt text "
            "(for inline SVG it comes from its <title>)"
            for number, figure in enumerate(figures, start=1)
            if not _text(figure.get("/Alt")) and not _text(figure.get("/ActualText"))]


def check_pdfua_id(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    part = _text(pdf.open_metadata().get("pdfuaid:part"))
    if part != "1":
        return [f"the XMP pdfuaid:part is {part or 'missing'}, not 1 (render with pdf/ua-1)"]
    return []


def _fonts(resources: pikepdf.Object, seen: set[tuple[int, int]]) -> Iterator[pikepdf.Dictionary]:
    """Every font in a resource dictionary and in the form XObjects it uses."""
    if not isinstance(resources, pikepdf.Dictionary):
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    yield from resources.get("/Font", pikepdf.Dictionary()).values()
    for xobject in resources.get("/XObject", pikepdf.Dictionary()).values():
        if xobject.get("/Subtype") == pikepdf.Name.Form:
            yield from _fonts(xobject.get("/Resources"), seen)


def _all_fonts(pdf: pikepdf.Pdf) -> dict[tuple[int, int] | str, pikepdf.Dictionary]:
    seen: set[tuple[int, int]] = set()
    sources = [page.obj.get("/Resources") for page in pdf.pages]
    sources += [pdf.Root.AcroForm.get("/DR")] if "/AcroForm" in pdf.Root else []
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            for state in annotation.get("/AP", pikepdf.Dictionary()).values():
                streams = state.values() if isinstance(state, pikepdf.Dictionary) and \
                    not isinstance(state, pikepdf.Stream) else [state]
                sources += [stream.get("/Resources") for stream in streams]
    fonts = {}
    for resources in sources:
        for font in _fonts(resources, seen):
            fonts[font.objgen if font.is_indirect else str(font.get("/BaseFont"))] = font
    return fonts


def _embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == pikepdf.Name.Type3:
        return True  # its glyphs are drawn by content streams inside the file
    if font.get("/Subtype") == pikepdf.Name.Type0:
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor", pikepdf.Dictionary())
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def check_fonts_embedded(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    fonts = _all_fonts(pdf).values()
    return sorted({f"the font {_text(font.get('/BaseFont'))[1:] or 'without a name'} is not "
                   "embedded" for font in fonts if not _embedded(font)})


_SHOW_TEXT = {"Tj", "'", '"', "TJ"}
# the only operators parsed into Python objects: font changes, text shown, forms drawn
_FONT_TEXT_AND_FORMS = " ".join(sorted({"Tf", "Do", *_SHOW_TEXT}))
_CID_CHARS = re.compile(rb"begincidchar(.*?)endcidchar", re.DOTALL)
_CID_ZERO = re.compile(rb"<([0-9a-fA-F]{4})>\s+0\b")


def _notdef_codes(font: pikepdf.Object) -> frozenset[int]:
    """The two-byte codes a composite font maps to glyph 0, .notdef."""
    if font is None or font.get("/Subtype") != pikepdf.Name.Type0:
        return frozenset()
    encoding = font.get("/Encoding")
    if isinstance(encoding, pikepdf.Stream):  # WeasyPrint's own CMap: `<0cf5> 0` is a box
        return frozenset(int(code, 16) for block in _CID_CHARS.findall(encoding.read_bytes())
                         for code in _CID_ZERO.findall(block))
    return frozenset({0})  # Identity-H: the code is the glyph id


_HEX_STRING = re.compile(rb"<([0-9a-fA-F]*)>")
_ODD_HEX_STRING = re.compile(rb"<(?:[0-9a-fA-F]{4})*[0-9a-fA-F]{1,3}>")  # not in two-byte codes
_LITERAL_STRING = re.compile(rb"\((?!\))")  # not the empty "()" WeasyPrint puts between glyphs


def _shown_strings(operands: Iterable[object]) -> Iterator[bytes]:
    """The strings a text operator shows, as two-byte codes.

    A TJ array holds a string and a number for each glyph. qpdf writes the whole array out
    as text in one call, in which binary strings are hexadecimal; where each holds whole
    two-byte codes they are read as one. Reading each item in Python instead, as an array
    with another kind of string is read, made the .notdef check a third slower.
    """
    for operand in operands:
        if isinstance(operand, pikepdf.String):
            yield bytes(operand)
        elif isinstance(operand, pikepdf.Array):
            written = operand.unparse()
            if _LITERAL_STRING.search(written):
                yield from _shown_strings(list(operand))
            elif _ODD_HEX_STRING.search(written):
                yield from (bytes.fromhex(text.decode())
                            for text in _HEX_STRING.findall(written))
            else:
                yield bytes.fromhex(b"".join(_HEX_STRING.findall(written)).decode())


def _notdef_fonts(stream: pikepdf.Object, resources: pikepdf.Object,
                  seen: set[tuple[int, int]]) -> Iterator[str]:
    """The font of every glyph 0 (.notdef, a box) shown by a content stream and its forms."""
    if not isinstance(resources, pikepdf.Dictionary):
        resources = pikepdf.Dictionary()
    fonts, xobjects = resources.get("/Font", {}), resources.get("/XObject", {})
    font, boxes = None, frozenset()
    codes_of: dict[str, frozenset[int]] = {}
    for operands, operator in pikepdf.parse_content_stream(stream, _FONT_TEXT_AND_FORMS):
        op = str(operator)
        if op == "Tf":
            name = str(operands[0])
            font = fonts.get(name)
            if name not in codes_of:
                codes_of[name] = _notdef_codes(font)
            boxes = codes_of[name]
        elif op in _SHOW_TEXT and boxes:
            for data in _shown_strings(operands):
                codes = struct.unpack(f">{len(data) // 2}H", data[:len(data) // 2 * 2])
                if not boxes.isdisjoint(codes):
                    yield _text(font.get("/BaseFont"))[1:] or "a font without a name"
        elif op == "Do":
            form = xobjects.get(str(operands[0]))
            if form is not None and form.get("/Subtype") == pikepdf.Name.Form \
                    and form.objgen not in seen:
                seen.add(form.objgen)
                yield from _notdef_fonts(form, form.get("/Resources"), seen)


def notdef_glyphs(pdf: pikepdf.Pdf) -> list[str]:
    """One line per page and font that prints .notdef: a character no font covered."""
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        fonts = sorted(set(_notdef_fonts(page.obj, page.obj.get("/Resources"), set())))
        problems += [f"page {number}: {font} prints .notdef (a box) for a character it lacks"
                     for font in fonts]
    return problems


def check_no_notdef(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    return notdef_glyphs(pdf)


def check_author(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    author = _text(pdf.docinfo.get("/Author"))
    if not author:
        return ["no /Author (the publisher in leaflets.yaml; <meta name=author>)"]
    if expected and author != expected.author:
        return [f"the author is {author!r}, expected the publisher {expected.author!r}"]
    return []


def check_subject(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    if not _text(pdf.docinfo.get("/Subject")):
        return ["no /Subject (<meta name=description>)"]
    return []


def check_keywords(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    if not _text(pdf.docinfo.get("/Keywords")):
        return ["no /Keywords (<meta name=keywords>)"]
    return []


def _date(value: str, decode: Callable[[str], datetime]) -> datetime | None:
    try:
        return decode(value) if value else None
    except ValueError:
        return None


def check_dates(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    metadata = pdf.open_metadata()
    found = {
        "/CreationDate": _date(_text(pdf.docinfo.get("/CreationDate")), decode_pdf_date),
        "/ModDate": _date(_text(pdf.docinfo.get("/ModDate")), decode_pdf_date),
        "XMP xmp:CreateDate": _date(_text(metadata.get("xmp:CreateDate")), datetime.fromisoformat),
        "XMP xmp:ModifyDate": _date(_text(metadata.get("xmp:ModifyDate")), datetime.fromisoformat),
    }
    missing = [f"no {name} (<meta name=dcterms.created> and dcterms.modified)"
               for name, moment in found.items() if moment is None]
    if expected:
        wanted = " or ".join(sorted(moment.isoformat() for moment in expected.dates))
        missing += [f"{name} is {moment.isoformat()}, expected {wanted}: the last review date, "
                    "or SOURCE_DATE_EPOCH when it is set"
                    for name, moment in found.items()
                    if moment is not None and moment not in expected.dates]
    return missing


def _fields(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """The terminal form fields (those without /Kids fields of their own)."""
    stack = list(pdf.Root.AcroForm.get("/Fields", ())) if "/AcroForm" in pdf.Root else []
    terminal = []
    while stack:
        item = stack.pop(0)
        kids = [kid for kid in item.get("/Kids", ()) if "/T" in kid]
        stack[:0] = kids
        terminal += [] if kids else [item]
    return terminal


def check_form_fields(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    fields = _fields(pdf)
    missing = []
    if fields and "pdfaid:part" in pdf.open_metadata():
        missing.append(f"a PDF/A file with {len(fields)} form field(s): PDF/A forbids them")
    for item in fields:
        name = _text(item.get("/T")) or "(unnamed)"
        if not _text(item.get("/TU")):
            missing.append(f"the field {name!r} has no accessible name (/TU, from <label for>)")
        if "/StructParent" not in item:
            missing.append(f"the field {name!r} is not in the structure tree")
    if expected:
        boxes = sum(1 for item in fields if item.get("/FT") == pikepdf.Name.Btn)
        if boxes != expected.checkboxes:
            missing.append(f"{boxes} checkbox field(s), expected {expected.checkboxes}: one per "
                           "checklist item")
    return missing


def _reachable_elements(root: pikepdf.Object) -> set[tuple[int, int]]:
    """The object ids of every structure element in the tree under `root`."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            if "/K" in node:
                stack.append(node.K)
    return seen


def _page_elements(pdf: pikepdf.Pdf) -> dict[int, pikepdf.Array]:
    """The parent tree's per-page arrays (MCID → structure element), by StructParents key."""
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    return {int(key): value for key, value in zip(nums[::2], nums[1::2])
            if isinstance(value, pikepdf.Array)}


def _orphan_mcids(elements: pikepdf.Array, reachable: set[tuple[int, int]]) -> set[int]:
    """The marked-content ids whose structure element is not in the tree."""
    return {mcid for mcid, element in enumerate(elements)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable}


def check_untagged_content(pdf: pikepdf.Pdf, expected: Expected | None) -> list[str]:
    if "/StructTreeRoot" not in pdf.Root or "/ParentTree" not in pdf.Root.StructTreeRoot:
        return []  # reported by structure-tree
    reachable = _reachable_elements(pdf.Root.StructTreeRoot.K)
    by_key = _page_elements(pdf)
    missing = []
    for number, page in enumerate(pdf.pages, start=1):
        elements = by_key.get(int(page.obj.get("/StructParents", -1)))
        orphans = _orphan_mcids(elements, reachable) if elements is not None else set()
        if orphans:
            missing.append(f"page {number}: {len(orphans)} marked-content item(s) belong to no "
                           "element of the structure tree; running headers and footers must be "
                           "artifacts")
    return missing


CHECKS: dict[str, Check] = {
    "lang": check_lang,
    "title": check_title,
    "display-doc-title": check_display_doc_title,
    "marked": check_marked,
    "structure-tree": check_structure_tree,
    "headings": check_headings,
    "figure-alt": check_figure_alt,
    "pdfua-id": check_pdfua_id,
    "fonts-embedded": check_fonts_embedded,
    "no-notdef": check_no_notdef,
    "author": check_author,
    "subject": check_subject,
    "keywords": check_keywords,
    "dates": check_dates,
    "form-fields": check_form_fields,
    "untagged-content": check_untagged_content,
}


READABLE = "readable"  # not a check of the structure: a file that fails it fails them all


def _damage(path: Path) -> str | None:
    """Why the file is no whole PDF: pikepdf repairs a cut-off file quietly and reads on."""
    try:
        with open(path, "rb") as file:
            head = file.read(8)
            file.seek(max(0, os.fstat(file.fileno()).st_size - 1024))
            tail = file.read()
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if not head.startswith(b"%PDF-"):
        return "is not a PDF (it does not start with %PDF-); build it again"
    if b"%%EOF" not in tail:
        return ("is cut short: it does not end with %%EOF (an interrupted build or copy); "
                "build it again")
    return None


def verify_pdf(path: Path, expected: Expected | None = None) -> PdfReport:
    """Run every check on one PDF; a file that is not a whole PDF fails them all."""
    report = PdfReport(path)
    damage = _damage(path)
    if damage:
        report.missing.append((READABLE, damage))
        return report
    try:
        pdf = pikepdf.open(path)
    except (OSError, pikepdf.PdfError) as exc:
        report.missing.append((READABLE, f"cannot be read as a PDF: {exc}"))
        return report
    with pdf:
        for name, check in CHECKS.items():
            report.missing.extend((name, problem) for problem in check(pdf, expected))
    return report


# --- which files, and what they should say ----------------------------------------------


def _expected(content: Content, key: LeafletKey, options: RenderOptions,
              environ: Mapping[str, str]) -> Expected:
    leaflet = assemble(content, key, options)
    review = content.modules[key.topic].topic.review.last_reviewed
    has_checklist = any(section.kind == "checklist" for section in leaflet.sections)
    return Expected(
        lang=leaflet.t.lang_tag, title=leaflet.title, author=leaflet.publisher,
        dates=frozenset({document_date(review, {}), document_date(review, environ)}),
        checkboxes=len(leaflet.checklist) if has_checklist else 0)


def leaflet_pdfs(content: Content, keys: Iterable[LeafletKey]
                 ) -> dict[Path, tuple[LeafletKey, RenderOptions, bool]]:
    """Every file a build can write for these leaflets (both papers, both print sizes).

    Each maps to its leaflet, and whether `leaflets build` with no options writes it.
    """
    found: dict[Path, tuple[LeafletKey, RenderOptions, bool]] = {}
    for key in keys:
        for paper in Paper:
            for large_print in (False, True):
                options = RenderOptions(paper=paper, large_print=large_print)
                default = paper == content.project.config.paper and not large_print
                found[pdf_path(content, key, options)] = (key, options, default)
    return found


def targets(content: Content, keys: Iterable[LeafletKey], paths: Iterable[Path] = (),
            environ: Mapping[str, str] = os.environ
            ) -> tuple[list[tuple[Path, Expected | None]], list[Path]]:
    """The PDFs to check, each with what it must carry, and the default PDFs not built.

    Given paths are checked as they are; a path that is a leaflet's file is held to its
    content. Without paths, every leaflet file that exists is checked. Only the leaflets
    checked are assembled: one file of a national library is checked in a moment.
    """
    known = leaflet_pdfs(content, keys)

    def expected(path: Path) -> Expected | None:
        if path not in known:
            return None
        key, options, _ = known[path]
        return _expected(content, key, options, environ)

    paths = [path.resolve() for path in paths]  # a relative path is from the current folder
    if paths:
        return [(path, expected(path)) for path in paths], []
    found = [(path, expected(path)) for path in known if path.is_file()]
    not_built = [path for path, (_, _, default) in known.items()
                 if default and not path.is_file()]
    return found, not_built


def report_lines(root: Path, reports: list[PdfReport], not_built: list[Path]) -> Iterator[str]:
    """Each missing item per file, then how many files pass each check."""

    def shown(path: Path) -> str:
        path = path.resolve()
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    def fails(report: PdfReport, name: str) -> bool:
        return any(check in (name, READABLE) for check, _ in report.missing)

    for path in not_built:
        yield f"{shown(path)}: missing: not built; run leaflets build"
    for report in reports:
        if not report.missing:
            yield f"{shown(report.path)}: all {len(CHECKS)} structure checks pass"
        yield from (f"{shown(report.path)}: {check}: {problem}"
                    for check, problem in report.missing)
    yield f"\n{'check':<20} PDFs passing"
    for name in (READABLE, *CHECKS):
        failing = sum(1 for report in reports if fails(report, name))
        yield f"{name:<20} {len(reports) - failing}/{len(reports)}"
    passing = sum(1 for report in reports if not report.missing)
    yield (f"{len(reports)} PDF(s) checked, {passing} pass every check"
           + (f", {len(not_built)} not built" if not_built else "")
           + ". These are structure checks, not a PDF/UA conformance report.")
