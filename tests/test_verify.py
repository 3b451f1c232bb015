"""`leaflets verify` over every built leaflet, and over PDFs broken one item at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from leaflets.verify import CHECKS, verify_pdf

from conftest import built_pdfs, run


def test_every_built_leaflet_passes_every_structure_check(bundled_all: Path):
    result = run("--project", bundled_all, "verify")
    assert result.exit_code == 0, result.stdout
    pdfs = built_pdfs(bundled_all)
    for _, _, path in pdfs:
        shown = path.relative_to(bundled_all)
        assert f"{shown}: all {len(CHECKS)} structure checks pass" in result.stdout
    for name in CHECKS:
        assert f"{name:<20} {len(pdfs)}/{len(pdfs)}" in result.stdout
    assert f"{len(pdfs)} PDF(s) checked, {len(pdfs)} pass every check." in result.stdout
    assert "not a PDF/UA conformance report" in result.stdout


def test_a_leaflet_not_built_is_missing(tiny_project: Path):
    result = run("--project", tiny_project, "verify")
    assert result.exit_code == 1
    assert ("output/en/cramp/patient/cramp-patient-en.pdf: missing: not built; run leaflets build"
            in result.stdout)


def _copy(bundled_all: Path, tmp_path: Path) -> Path:
    _, _, source = built_pdfs(bundled_all)[0]
    return Path(shutil.copy(source, tmp_path / "leaflet.pdf"))


def _first(pdf: pikepdf.Pdf, kind: str) -> pikepdf.Dictionary:
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.S == kind:
                return node
            stack.append(node.get("/K", pikepdf.Array()))
    raise LookupError(kind)


def _drop_font_file(pdf: pikepdf.Pdf) -> None:
    font = next(iter(pdf.pages[0].Resources.Font.values()))
    del font.DescendantFonts[0].FontDescriptor["/FontFile2"]


def _untag_text(pdf: pikepdf.Pdf) -> None:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    nums[1][0] = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Span)


def _show_notdef(pdf: pikepdf.Pdf) -> None:
    """Replace the first glyph the first page shows with glyph 0, as a missing character would."""
    page = pdf.pages[0]
    operations = pikepdf.parse_content_stream(page)
    for index, (operands, operator) in enumerate(operations):
        if str(operator) == "TJ":
            parts = list(operands[0])
            parts[0] = pikepdf.String(b"\0\0" + bytes(parts[0])[2:])
            operations[index] = pikepdf.ContentStreamInstruction([pikepdf.Array(parts)], operator)
            break
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))


BREAKAGES = {
    "lang": lambda pdf: pdf.Root.__delitem__("/Lang"),
    "title": lambda pdf: pdf.docinfo.__delitem__("/Title"),
    "display-doc-title": lambda pdf: pdf.Root.__delitem__("/ViewerPreferences"),
    "marked": lambda pdf: pdf.Root.__delitem__("/MarkInfo"),
    "structure-tree": lambda pdf: pdf.Root.__delitem__("/StructTreeRoot"),
    "headings": lambda pdf: setattr(_first(pdf, pikepdf.Name.H1), "S", pikepdf.Name.H3),
    "figure-alt": lambda pdf: _first(pdf, pikepdf.Name.Figure).__delitem__("/Alt"),
    "fonts-embedded": _drop_font_file,
    "author": lambda pdf: pdf.docinfo.__delitem__("/Author"),
    "subject": lambda pdf: pdf.docinfo.__delitem__("/Subject"),
    "keywords": lambda pdf: pdf.docinfo.__delitem__("/Keywords"),
    "dates": lambda pdf: pdf.docinfo.__delitem__("/CreationDate"),
    "form-fields": lambda pdf: pdf.Root.AcroForm.Fields[0].__delitem__("/TU"),
    "untagged-content": _untag_text,
    "no-notdef": _show_notdef,
}


def _break_xmp(pdf: pikepdf.Pdf) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as metadata:
        del metadata["pdfuaid:part"]


BREAKAGES["pdfua-id"] = _break_xmp


def test_every_check_is_exercised():
    assert set(BREAKAGES) == set(CHECKS)


@pytest.mark.parametrize("check", sorted(BREAKAGES))
def test_each_missing_item_is_reported_with_exit_1(bundled_all: Path, tmp_path: Path, check: str):
    path = _copy(bundled_all, tmp_path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        BREAKAGES[check](pdf)
        pdf.save(path)
    failed = {name for name, _ in verify_pdf(path).missing}
    assert check in failed
    # Removing the structure tree also removes what the tree checks look at.
    assert failed <= {check, "headings", "figure-alt", "form-fields"}
    result = run("--project", bundled_all, "verify", path)
    assert result.exit_code == 1
    assert f"{path}: {check}: " in result.stdout
    assert "0 pass every check" in result.stdout


def test_wrong_values_are_named(bundled_all: Path, tmp_path: Path):
    """A PDF in a leaflet's place is held to that leaflet's language and publisher."""
    project = tmp_path / "project"
    shutil.copytree(bundled_all / "content", project / "content")
    shutil.copy(bundled_all / "leaflets.yaml", project / "leaflets.yaml")
    _, _, built = built_pdfs(bundled_all)[0]
    path = project / built.relative_to(bundled_all)
    path.parent.mkdir(parents=True)
    with pikepdf.open(built) as pdf:
        lang = str(pdf.Root.Lang)
        pdf.Root.Lang = pikepdf.String("xx-XX")
        pdf.docinfo.Author = pikepdf.String("Somebody else")
        pdf.save(path)
    result = run("--project", project, "verify", path)
    assert result.exit_code == 1
    assert f"lang: /Lang is 'xx-XX', expected '{lang}'" in result.stdout
    assert "author: the author is 'Somebody else', expected the publisher" in result.stdout


def test_a_relative_path_a_non_pdf_and_a_cut_off_pdf(tiny_project: Path, monkeypatch):
    """A relative path is read from the current folder; a file that is no whole PDF fails
    every check rather than passing the ones it cannot be asked (it once showed "1/1")."""
    assert run("--project", tiny_project, "build", "-q").exit_code == 0
    built = tiny_project / "output/en/cramp/patient/cramp-patient-en.pdf"
    data = built.read_bytes()
    (tiny_project / "notes.pdf").write_text("not a PDF at all\n")
    (tiny_project / "cut.pdf").write_bytes(data[:len(data) * 2 // 3])
    monkeypatch.chdir(tiny_project)
    result = run("verify", "output/en/cramp/patient/cramp-patient-en.pdf")
    assert result.exit_code == 0, result.stdout
    assert f"all {len(CHECKS)} structure checks pass" in result.stdout
    result = run("verify", "notes.pdf", "cut.pdf", "output/en/cramp/patient/cramp-patient-en.pdf")
    assert result.exit_code == 1
    assert "notes.pdf: readable: is not a PDF (it does not start with %PDF-)" in result.stdout
    assert "cut.pdf: readable: is cut short: it does not end with %%EOF" in result.stdout
    for name in ("readable", *CHECKS):
        assert f"{name:<20} 1/3" in result.stdout, name
    assert "3 PDF(s) checked, 1 pass every check" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("strings", [
    [b"\x04\xf7", b"\0\0"],  # hexadecimal, as WeasyPrint writes them: read as one
    [b"\x04\xf7\0", b"\0\0"],  # an odd string: each read on its own, from its start
])
def test_a_glyph_0_is_found_however_the_array_writes_its_strings(bundled_all: Path,
                                                                 tmp_path: Path, strings):
    from leaflets.verify import notdef_glyphs

    path = _copy(bundled_all, tmp_path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        assert notdef_glyphs(pdf) == []
        page = pdf.pages[0]
        operations = pikepdf.parse_content_stream(page)
        index = next(i for i, (_, operator) in enumerate(operations) if str(operator) == "TJ")
        parts = [pikepdf.String(data) for data in strings]
        operations[index] = pikepdf.ContentStreamInstruction(
            [pikepdf.Array([parts[0], -29, parts[1]])], pikepdf.Operator("TJ"))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))
        assert len(notdef_glyphs(pdf)) == 1
        parts[1] = pikepdf.String(b"\0\x01")
        operations[index] = pikepdf.ContentStreamInstruction(
            [pikepdf.Array([parts[0], -29, parts[1]])], pikepdf.Operator("TJ"))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))
        assert notdef_glyphs(pdf) == []


def test_the_strings_of_a_text_array_are_read_however_qpdf_writes_them():
    from leaflets.verify import _shown_strings

    def shown(*items: bytes | int) -> list[bytes]:
        array = pikepdf.Array([pikepdf.String(item) if isinstance(item, bytes) else item
                               for item in items])
        return list(_shown_strings([array]))

    assert shown(b"\x04\xf7", -29, b"", -30.5, b"\0\0") == [b"\x04\xf7\0\0"]
    assert shown(b"\x04\xf7\0", -29, b"\0\x01") == [b"\x04\xf7\0", b"\0\x01"]
    assert shown(b"AB", -29, b"\0\0") == [b"AB", b"\0\0"]  # (AB), a literal string
    assert shown(b"(A)\\", b"\0\0") == [b"(A)\\", b"\0\0"]
