"""Every bundled leaflet, checked on the real PDF: text, pages, QR code and diagram."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from leaflets.assemble.leaflet import translator
from leaflets.content import markup
from leaflets.outputs import leaflet_keys, leaflet_url
from leaflets.content.project import load_project
from leaflets.content.validation import load_content

from conftest import REPO
from pdf_tools import arabic_printed, page_count, pdf_text, qr_urls

CONTENT = load_content(load_project(REPO))
KEYS = leaflet_keys(CONTENT)


def folded(text: str) -> str:
    return " ".join(markup.plain(text).split())


def figures(path: Path) -> list[str]:
    """The /Alt text of every Figure in the PDF's structure tree."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for item in node:
                walk(item)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node.K)

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return found


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.folder)
def test_leaflet(bundled: Path, key):
    path = bundled / "output" / key.folder / key.pdf_name
    module = CONTENT.modules[key.topic]
    text = module.texts[key.lang]
    layout = module.topic.audiences[key.audience]
    t = translator(CONTENT, key.lang)
    pdf = pdf_text(path)

    def printed(content: str) -> bool:
        if t.direction.is_rtl:
            return arabic_printed(folded(content), path)
        return folded(content) in pdf

    assert page_count(path) <= CONTENT.project.config.audiences[key.audience].pages
    assert printed(text.title)
    for section in layout:
        if section in text.sections:
            assert printed(text.sections[section].heading)
    if "checklist" in layout:
        for item in text.checklist.values():
            assert printed(item)
    if "get-help" in layout:
        for flag in text.red_flags.values():
            assert printed(t.services(flag))  # {crisis} and friends filled in
    assert qr_urls(path) == [leaflet_url(CONTENT, key)]
    if "diagram" in layout:
        alts = figures(path)
        for step, caption in text.diagram.steps.items():
            assert markup.plain(text.diagram.alt.get(step, caption)) in alts
