"""What a screen reader gets from every built leaflet: tags, headings, figures, form fields."""

from __future__ import annotations

import collections
import functools
from pathlib import Path

import pikepdf
import pytest
from PIL import ImageChops

from leaflets.content import markup
from leaflets.assemble.leaflet import Leaflet, assemble
from leaflets.outputs import LeafletKey, RenderOptions

from conftest import built_pdfs
from pdf_tools import BIDI_CONTROLS, render_gray
from render.test_pdf import CONTENT, figures
from render.test_print import VARIANTS, _ids, shared_runs


@pytest.fixture(params=VARIANTS, ids=_ids)
def built(request, bundled_all: Path):
    """(leaflet view model, path) for one leaflet on one paper, in one print size."""
    key, paper, large = request.param
    for built_key, options, path in built_pdfs(bundled_all):
        if (built_key, options.paper, options.large_print) == request.param:
            return _assembled(key, options), path
    raise LookupError(request.param)


@functools.lru_cache(maxsize=4)
def _assembled(key: LeafletKey, options: RenderOptions) -> Leaflet:
    """Assembled once for the checks of its PDF, which run one after another (conftest)."""
    return assemble(CONTENT, key, options)


def _headings(path: Path) -> list[tuple[str, str]]:
    """(level, text) of each heading element, in the structure tree's reading order."""
    found: dict[int, tuple[str, str]] = {}
    for run in shared_runs(path):
        for tag, position in zip(run.tags, run.elements):
            if tag in ("H1", "H2", "H3"):
                level, text = found.get(position, (tag, ""))
                found[position] = (level, f"{text} {run.text}")
    return [(level, " ".join(text.split())) for _, (level, text) in sorted(found.items())]


def test_headings_are_tagged_in_order(built):
    leaflet, path = built
    expected = [("H1", leaflet.title)]
    for section in leaflet.sections:
        expected.append(("H2", section.heading))
        if section.kind == "get-help":
            expected.extend(("H3", tier.heading) for tier in leaflet.tiers)
    expected.append(("H2", leaflet.t("sources")))
    found = _headings(path)
    if leaflet.t.direction.is_rtl:  # extracted Arabic is scrambled: see arabic_printed
        assert [level for level, _ in found] == [level for level, _ in expected]
    else:
        assert found == expected


def test_figures_are_the_qr_code_and_the_diagram_steps_all_with_alt(built):
    leaflet, path = built
    alts = figures(path)
    assert alts[0] == leaflet.t("qr_alt", title=leaflet.title)
    if any(section.kind == "diagram" for section in leaflet.sections):
        diagram = CONTENT.modules[leaflet.key.topic].texts[leaflet.key.lang].diagram
        steps = CONTENT.modules[leaflet.key.topic].topic.diagram.steps
        # what the picture shows, as the content says it: every bundled topic writes it
        assert alts[1:] == [markup.plain(diagram.alt[step.id]) for step in steps]
        # never the caption again: a screen reader would hear each instruction twice
        for alt, step in zip(alts[1:], steps):
            assert alt != markup.plain(diagram.steps[step.id]), step.id
    else:
        assert alts[1:] == []  # the tier icons are artifacts, not figures


def _letters(text: str) -> collections.Counter:
    return collections.Counter("".join(text.translate(BIDI_CONTROLS).split()))


def test_running_footer_is_an_artifact_and_body_text_is_tagged(built):
    leaflet, path = built
    runs = shared_runs(path)
    pages = max(run.page for run in runs)
    footer = " ".join(f"{leaflet.title} · {leaflet.t('next_review')}: {leaflet.next_review}".split())
    page_numbers = [leaflet.t("page_of").format(page=n, pages=pages) for n in range(1, pages + 1)]
    artifacts = [" ".join(run.text.split()) for run in runs if run.artifact]
    if leaflet.t.direction.is_rtl:  # extracted Arabic comes in visual order: see arabic_printed
        for page in range(1, pages + 1):  # so each page's footer letters, in any order
            printed = "".join(run.text for run in runs if run.artifact and run.page == page)
            assert _letters(printed) == _letters(footer + page_numbers[page - 1]), page
    else:
        assert sorted(artifacts) == sorted([footer] * pages + page_numbers)
    assert all(run.tags[0] == "Document" for run in runs if not run.artifact)


def test_checklist_is_a_form_named_by_its_labels(built):
    leaflet, path = built
    with pikepdf.open(path) as pdf:
        if not leaflet.checklist:
            assert "/AcroForm" not in pdf.Root  # this audience's layout has no checklist
            return
        fields = list(pdf.Root.AcroForm.Fields)
        assert pdf.Root.AcroForm.get("/NeedAppearances") is False
        names = {str(f.T): str(f.TU) for f in fields}
        flags = [int(f.F) for f in fields]
        kinds = {str(f.FT) for f in fields}
        structure = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = dict(zip([int(n) for n in structure[::2]], structure[1::2]))
        tags = {str(parents[int(f.StructParent)].S) for f in fields}
    assert names == {item_id: " ".join(markup.plain(str(text)).split())
                     for item_id, text in ((item.id, item.text) for item in leaflet.checklist)}
    assert kinds == {"/Btn"} and tags == {"/Form"}
    assert all(flag & 4 for flag in flags)  # printed


def test_a_ticked_box_prints_its_tick(bundled_all: Path, tmp_path: Path):
    _, _, path = built_pdfs(bundled_all)[0]
    ticked = tmp_path / "ticked.pdf"
    with pikepdf.open(path) as pdf:
        field = pdf.Root.AcroForm.Fields[0]
        page = next(n for n, p in enumerate(pdf.pages, 1) if p.obj.objgen == field.P.objgen)
        left, top, right, bottom = (float(v) for v in field.Rect)
        height = float(pdf.pages[page - 1].MediaBox[3])
        field.V = field.AS = pikepdf.Name.on
        pdf.save(ticked)
    dpi = 150
    area = tuple(round(v * dpi / 72) for v in (left, height - max(top, bottom),
                                                right, height - min(top, bottom)))
    before = render_gray(path, page, dpi).crop(area)
    after = render_gray(ticked, page, dpi).crop(area)
    changed = ImageChops.difference(before, after).point(lambda v: 255 if v > 64 else 0)
    assert changed.histogram()[255] > 0.1 * before.width * before.height
