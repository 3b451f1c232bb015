"""Finishing touches for PDF/UA-1 that WeasyPrint leaves undone, applied with pikepdf.

- Running headers and footers: WeasyPrint tags the text of page-margin boxes with
  marked-content ids whose structure elements it leaves out of the tree (PDF 1.7 has no
  structure type for them). They are re-marked `/Artifact <</Type /Pagination>>`, as
  PDF/UA-1 asks, so screen readers skip them, and the orphaned elements are dropped.
- Form fields: WeasyPrint names a field after its `<label for>`, but joins the label's
  wrapped lines without a space ("feelsweaker"); the name is taken from the label's source
  text instead. WeasyPrint also sets NeedAppearances, which makes viewers such as poppler
  redraw the checkboxes from a missing default appearance and lose the tick, although
  every checkbox carries its own tick appearance; it is turned off.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pikepdf

if TYPE_CHECKING:
    import weasyprint

PAGINATION = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)


def label_names(document: weasyprint.Document) -> dict[str, str]:
    """Form field name → the text of its `<label for>`, whitespace folded."""
    names: dict[str, str] = {}
    for page in document.pages:
        for form, inputs in page.forms.items():
            if form is None:
                continue
            labels = {label.get("for"): label for label in form.element.iter("label")}
            for box, _ in inputs:
                label = labels.get(box.element.get("id"))
                name = box.element.get("name")
                if label is not None and name:
                    names[name] = re.sub(r"\s+", " ", "".join(label.itertext())).strip()
    return names


def reachable_elements(root: pikepdf.Object) -> set[tuple[int, int]]:
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


def page_elements(pdf: pikepdf.Pdf) -> dict[int, pikepdf.Array]:
    """The parent tree's per-page arrays (MCID → structure element), by StructParents key."""
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    return {int(key): value for key, value in zip(nums[::2], nums[1::2])
            if isinstance(value, pikepdf.Array)}


def orphan_mcids(elements: pikepdf.Array, reachable: set[tuple[int, int]]) -> set[int]:
    """The marked-content ids whose structure element is not in the tree."""
    return {mcid for mcid, element in enumerate(elements)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable}


def _remark(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    """Turn the marked content with these ids into pagination artifacts."""
    operations = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if (str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary)
                and int(operands[1].get("/MCID", -1)) in mcids):
            operands = [pikepdf.Name.Artifact, PAGINATION]
        operations.append(pikepdf.ContentStreamInstruction(operands, operator))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))


def _mark_pagination_artifacts(pdf: pikepdf.Pdf) -> None:
    reachable = reachable_elements(pdf.Root.StructTreeRoot.K)
    by_key = page_elements(pdf)
    for page in pdf.pages:
        elements = by_key.get(int(page.obj.get("/StructParents", -1)))
        mcids = orphan_mcids(elements, reachable) if elements is not None else set()
        if mcids:
            _remark(pdf, page, mcids)
            for mcid in mcids:
                elements[mcid] = None


def _finish_form(pdf: pikepdf.Pdf, names: Mapping[str, str]) -> None:
    if "/AcroForm" not in pdf.Root:
        return
    pdf.Root.AcroForm.NeedAppearances = False
    for field in pdf.Root.AcroForm.Fields:
        name = names.get(str(field.get("/T", "")))
        if name:
            field.TU = pikepdf.String(name)


def finish(data: bytes, field_names: Mapping[str, str]) -> bytes:
    """Apply the fixes; written with a content-derived id, so rebuilds are byte-identical."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" in pdf.Root:
            _mark_pagination_artifacts(pdf)
        _finish_form(pdf, field_names)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return output.getvalue()
