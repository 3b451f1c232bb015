"""Building: file names per paper and print size, page budgets, byte-identical rebuilds."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pikepdf
import pytest
import weasyprint.pdf.fonts

from leaflets.assembly import LeafletKey, RenderOptions
from leaflets.build import pdf_name
from leaflets.config import load_project

from conftest import REPO, built_pdfs, run
from pdf_tools import page_count

KEY = LeafletKey("night-leg-cramps", "en", "patient")


@pytest.mark.parametrize(("paper", "large", "name"), [
    ("a4", False, "night-leg-cramps-patient-en.pdf"),
    ("letter", False, "night-leg-cramps-patient-en-letter.pdf"),
    ("a4", True, "night-leg-cramps-patient-en-large.pdf"),
    ("letter", True, "night-leg-cramps-patient-en-letter-large.pdf"),
])
def test_the_default_paper_keeps_the_plain_name(paper: str, large: bool, name: str):
    assert pdf_name(KEY, RenderOptions(paper, large), default_paper="a4") == name


def test_with_letter_as_default_a4_gets_the_suffix():
    assert pdf_name(KEY, RenderOptions("letter"), "letter") == "night-leg-cramps-patient-en.pdf"
    assert pdf_name(KEY, RenderOptions("a4"), "letter") == "night-leg-cramps-patient-en-a4.pdf"


def test_every_leaflet_fits_its_budget_on_both_papers_and_in_large_print(bundled_all: Path):
    audiences = load_project(bundled_all).config.audiences
    for key, options, path in built_pdfs(bundled_all):
        spec = audiences[key.audience]
        budget = spec.large_print_pages if options.large_print else spec.pages
        assert page_count(path) <= budget, path.name
        with pikepdf.open(path) as pdf:
            width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
        assert (round(width), round(height)) == ((612, 792) if options.paper == "letter"
                                                 else (595, 842)), path.name


def test_large_print_budget_is_named_when_exceeded(tiny_project: Path):
    config = tiny_project / "leaflets.yaml"
    config.write_text(config.read_text().replace("large_print_pages: 4", "large_print_pages: 1"))
    result = run("--project", tiny_project, "build", "--large-print", "--paper", "letter")
    assert result.exit_code == 1
    assert ("cramp (patient, en, letter, large print) needs 2 pages but its budget is 1; "
            "shorten the text or raise `large_print_pages`") in result.stderr


def _project_copy(root: Path) -> Path:
    root.mkdir()
    shutil.copy(REPO / "leaflets.yaml", root / "leaflets.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return root


def _build_all(root: Path) -> dict[str, bytes]:
    for args in ((), ("--paper", "letter"), ("--large-print",)):
        result = run("--project", root, "build", "-q", *args)
        assert result.exit_code == 0, result.stderr
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.glob("output/**/*.pdf"))}


def test_two_builds_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = _project_copy(tmp_path / "first")
    once = _build_all(first)
    twice = _build_all(first)
    elsewhere = _build_all(_project_copy(tmp_path / "second"))
    assert once and once == twice == elsewhere


def test_rebuilds_match_without_harfbuzz_subset_at_another_time(
        tiny_project: Path, monkeypatch: pytest.MonkeyPatch):
    """Without HarfBuzz's subsetter WeasyPrint subsets with fontTools, which stamps the clock."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    pdf = tiny_project / "output/en/cramp/patient/cramp-patient-en.pdf"
    builds = []
    for moment in (1_000_000_000, 2_000_000_000):
        monkeypatch.setattr(time, "time", lambda moment=moment: float(moment))
        assert run("--project", tiny_project, "build", "-q").exit_code == 0
        builds.append(pdf.read_bytes())
    assert builds[0] == builds[1]


def test_dates_come_from_source_date_epoch_or_the_review(tiny_project: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    pdf = tiny_project / "output/en/cramp/patient/cramp-patient-en.pdf"
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    run("--project", tiny_project, "build", "-q")
    with pikepdf.open(pdf) as document:  # the tiny project's last review is 2026-01-01
        assert str(document.docinfo.CreationDate) == "D:20260101000000Z"
        assert str(document.docinfo.ModDate) == "D:20260101000000Z"
        assert document.open_metadata()["xmp:CreateDate"] == "2026-01-01T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    run("--project", tiny_project, "build", "-q")
    with pikepdf.open(pdf) as document:
        assert str(document.docinfo.CreationDate) == "D:20231114221320Z"
        assert document.open_metadata()["xmp:ModifyDate"] == "2023-11-14T22:13:20Z"


def test_a_malformed_source_date_epoch_stops_the_build(tiny_project: Path,
                                                       monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "last tuesday")
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 1
    assert "error: SOURCE_DATE_EPOCH='last tuesday' is not a whole number" in result.stderr
    assert not (tiny_project / "output").exists()
