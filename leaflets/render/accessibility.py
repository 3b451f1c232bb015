"""Finishing touches for PDF/UA-1 that WeasyPrint leaves undone.

They run as a WeasyPrint finisher, on its PDF objects just before they are written, so the
PDF is not parsed and saved a second time.

- Running headers and footers: WeasyPrint tags the text of page-margin boxes with
  marked-content ids whose structure elements it leaves out of the tree (PDF 1.7 has no
  structure type for them). They are re-marked `/Artifact <</Type /Pagination>>`, as
  PDF/UA-1 asks, so screen readers skip them, and the parent tree forgets them.
- Form fields: WeasyPrint names a field after its `<label for>`, but joins the label's
  wrapped lines without a space ("feelsweaker"); the name is taken from the label's source
  text instead. WeasyPrint also sets NeedAppearances, which makes viewers such as poppler
  redraw the checkboxes from a missing default appearance and lose the tick, although
  every checkbox carries its own tick appearance; it is turned off. WeasyPrint gives a
  checkbox no /Off appearance, so each gets an empty one (pdfium otherwise draws a grey box).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pydyf

if TYPE_CHECKING:
    import weasyprint

REFERENCE = re.compile(rb"(\d+) 0 R")


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


def resolve(pdf: pydyf.PDF, value: object) -> object:
    """The object an indirect reference (b"12 0 R") points to; any other value as it is."""
    match = REFERENCE.fullmatch(value) if isinstance(value, bytes) else None
    return pdf.objects[int(match[1])] if match else value


def reachable_elements(pdf: pydyf.PDF, root: object) -> set[int]:
    """The object numbers of every structure element in the tree under `root`."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = resolve(pdf, stack.pop())
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, pydyf.Dictionary) and "S" in node and node.number not in seen:
            if node.number is not None:
                seen.add(node.number)
            if "K" in node:
                stack.append(node["K"])
    return seen


def orphan_mcids(pdf: pydyf.PDF, elements: list[object], reachable: set[int]) -> set[int]:
    """The marked-content ids (indexes in a page's parent-tree array) outside the tree."""
    return {mcid for mcid, element in enumerate(resolve(pdf, item) for item in elements)
            if isinstance(element, pydyf.Dictionary) and element.number not in reachable}


def _remark(content: pydyf.Stream, mcids: set[int]) -> None:
    """Turn the marked content with these ids into pagination artifacts.

    pydyf keeps `/Tag <<MCID>> BDC` as three items of the stream's list.
    """
    items = content.stream
    for index in range(1, len(items) - 1):
        properties = items[index]
        if (items[index + 1] == b"BDC" and isinstance(properties, pydyf.Dictionary)
                and properties.get("MCID") in mcids):
            items[index - 1] = "/Artifact"
            items[index] = pydyf.Dictionary({"Type": "/Pagination"})


def mark_pagination_artifacts(pdf: pydyf.PDF) -> None:
    root = resolve(pdf, pdf.catalog["StructTreeRoot"])
    reachable = reachable_elements(pdf, root["K"])
    nums = resolve(pdf, resolve(pdf, root["ParentTree"])["Nums"])
    by_key = {key: resolve(pdf, value) for key, value in zip(nums[::2], nums[1::2])}
    for page in (pdf.objects[number] for number in pdf.pages["Kids"][::3]):
        elements = by_key.get(page.get("StructParents"))
        if not isinstance(elements, list):
            continue
        mcids = orphan_mcids(pdf, elements, reachable)
        if mcids:
            _remark(resolve(pdf, page["Contents"]), mcids)
            for mcid in mcids:
                elements[mcid] = "null"


def add_off_appearance(pdf: pydyf.PDF, field: pydyf.Dictionary) -> None:
    """An empty /Off look for a checkbox, so no viewer invents one (pdfium draws a grey box)."""
    appearance = field.get("AP", {}).get("N") if isinstance(field.get("AP"), pydyf.Dictionary) else None
    if not isinstance(appearance, pydyf.Dictionary) or "Off" in appearance:
        return
    tick = resolve(pdf, next(iter(appearance.values())))
    off = pydyf.Stream(extra={"Type": "/XObject", "Subtype": "/Form", "BBox": tick.extra["BBox"]})
    pdf.add_object(off)
    appearance["Off"] = off.reference


def finish_form(pdf: pydyf.PDF, names: dict[str, str]) -> None:
    form = resolve(pdf, pdf.catalog.get("AcroForm"))
    if not isinstance(form, pydyf.Dictionary):
        return
    form["NeedAppearances"] = "false"
    for field in (resolve(pdf, reference) for reference in form["Fields"]):
        name = names.get(str(field["T"].string)) if "T" in field else None
        if name:
            field["TU"] = pydyf.String(name)
        add_off_appearance(pdf, field)


def finish(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """The finisher WeasyPrint calls before it writes the PDF."""
    if "StructTreeRoot" in pdf.catalog:
        mark_pagination_artifacts(pdf)
    finish_form(pdf, label_names(document))
