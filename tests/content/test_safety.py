"""Safety-netting: the bundled content passes every check, and leaflets print the routes it sets.

The checks' error messages are in tests/cases/safety--*.case; here the bundled content is held
to them, and the real PDF and print HTML are read for the crisis line and the summaries.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from leaflets.assemble.leaflet import assemble
from leaflets.content.project import load_project
from leaflets.content.validation import load_content
from leaflets.errors import ContentErrors
from leaflets.outputs import LeafletKey
from leaflets.render.html import render_print_html
from leaflets.render.leaflet import render_leaflet

from conftest import REPO, write
from pdf_tools import pdf_text


@pytest.fixture(scope="module")
def content():
    return load_content(load_project(REPO), strict=True)


def test_bundled_content_passes_every_check_strictly(content):
    assert len(content.modules) == 4
    assert content.warnings == ()


def test_self_harm_is_an_emergency_with_the_crisis_line_in_the_pdf(content, tmp_path: Path):
    path = tmp_path / "tics.pdf"
    path.write_bytes(render_leaflet(content, LeafletKey("facial-tics", "en", "carer")))
    text = " ".join(pdf_text(path).split())
    emergency = text.index("Call 999 or go to A&E if")
    crisis = text.index("Samaritans on 116 123, or Childline on 0800 1111")
    assert emergency < text.index("someone has self-harmed") < crisis
    assert "{crisis}" not in text


@pytest.mark.parametrize("lang, line", [
    ("nl", "113 Zelfmoordpreventie (gratis, dag en nacht), op 113 of 0800-0113"),
    ("ru", "телефон доверия 8-800-2000-122 (бесплатно), в Москве также 051"),
    ("id", "layanan SEJIWA di 119 ext 8 (gratis)"),
])
def test_every_language_names_its_own_crisis_line(content, lang, line):
    html = render_print_html(tuple(content.project.template_dirs),
                             assemble(content, LeafletKey("facial-tics", lang, "patient")))
    assert line in html.replace("\u00a0", " ")  # a number keeps its word: a no-break space


def test_the_clinician_sheet_opens_with_its_own_summary(content):
    clinician = assemble(content, LeafletKey("night-leg-cramps", "en", "clinician"))
    patient = assemble(content, LeafletKey("night-leg-cramps", "en", "patient"))
    assert "Quinine only as a monitored trial" in clinician.summary
    assert "Quinine" not in patient.summary


def test_a_summary_for_an_unknown_audience_is_refused(tiny_project: Path):
    text = (tiny_project / "content/cramp/en.yaml").read_text()
    write(tiny_project, {"content/cramp/en.yaml": text.replace(
        "summary: A short test leaflet.\n",
        "summary: A short test leaflet.\nsummaries:\n  nurse: For nurses.\n")})
    with pytest.raises(ContentErrors) as caught:
        load_content(load_project(tiny_project))
    assert [str(e).split(": ", 1)[1] for e in caught.value.errors] == [
        "summaries.nurse: unknown audience 'nurse'; use one of patient, or remove it, "
        "or add the audience in topic.yaml"]
