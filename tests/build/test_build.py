"""Building: file names per paper and print size, page budgets, byte-identical rebuilds;
incremental, parallel and sharded builds, checked on the files they leave behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
import weasyprint.pdf.fonts

from leaflets.outputs import LeafletKey, RenderOptions, pdf_name
from leaflets.content.project import load_project

from conftest import MATRIX_OUTPUTS as ALL, REPO, built_pdfs, run
from pdf_tools import page_count, pdf_text

KEY = LeafletKey("night-leg-cramps", "en", "patient")
CONTENT_TOPICS = sorted(path.parent.name for path in (REPO / "content").glob("*/topic.yaml"))


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


# Each picture (every topic, in English), each script and font (every language, in the most
# read topic), and both print sizes and papers in a left-to-right and a right-to-left
# language: for patients, as the other audiences run the same code on other words. That is
# 13 renders; every topic in every language, 36.
SAMPLES = (("--lang", "en"), ("--topic", "night-leg-cramps"),
           ("--topic", "night-leg-cramps", "--lang", "en", "--lang", "ar", "--paper", "letter"),
           ("--topic", "night-leg-cramps", "--lang", "en", "--lang", "ar", "--large-print"))


def _build_samples(root: Path) -> dict[str, bytes]:
    for args in SAMPLES:
        result = run("--project", root, "build", "-q", "--audience", "patient", *args)
        assert result.exit_code == 0, result.stderr
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.glob("output/**/*.pdf"))}


def test_two_builds_are_byte_identical(bundled_all: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch):
    """A build here, and its rebuild, match byte for byte the shared build that was made in
    another folder (often by another worker)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = _project_copy(tmp_path / "first")
    once = _build_samples(first)
    twice = _build_samples(first)
    elsewhere = {name: (bundled_all / name).read_bytes() for name in once}
    config = load_project(first).config
    assert {name.split("/")[1] for name in once} == set(config.languages)
    assert {name.split("/")[2] for name in once} == set(CONTENT_TOPICS)
    for variant in ("-letter.pdf", "-large.pdf"):
        assert {name.split("/")[1] for name in once if name.endswith(variant)} == {"en", "ar"}
    assert len(once) == len(CONTENT_TOPICS) + len(config.languages) - 1 + 4
    assert once == twice == elsewhere


def test_rebuilds_match_without_harfbuzz_subset_at_another_time(
        tiny_project: Path, monkeypatch: pytest.MonkeyPatch):
    """Without HarfBuzz's subsetter WeasyPrint subsets with fontTools, which stamps the clock."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    pdf = tiny_project / "output/en/cramp/patient/cramp-patient-en.pdf"
    builds = []
    for moment in (1_000_000_000, 2_000_000_000):
        monkeypatch.setattr(time, "time", lambda moment=moment: float(moment))
        assert run("--project", tiny_project, "build", "-q", "--force").exit_code == 0
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


# --- incremental, parallel and sharded builds ----------------------------------------


TINY = {"en/cramp/patient/cramp-patient-en.pdf", "en/cramp/patient/index.html",
        "en/index.html", "index.html", "infobutton/index.json"}
# The matrix's web pages: one per leaflet, an index per language, the language chooser and
# the static code index.
ALL_PAGES = ({name.rsplit("/", 1)[0] + "/index.html" for name in ALL}
             | {"en/index.html", "nl/index.html", "index.html", "infobutton/index.json"})


def written(result) -> set[str]:
    """The outputs a (successful) build wrote: its progress log names each output once."""
    assert result.stdout == ""
    return {line.split(" rendered: ", 1)[1] for line in result.stderr.splitlines()
            if " rendered: " in line}


def pdfs(outputs: set[str]) -> set[str]:
    return {name for name in outputs if name.endswith(".pdf")}


def build(root: Path, *options: str):
    result = run("--project", root, "build", *options)
    assert result.exit_code == 0, result.stderr
    return result


def snapshot(output_dir: Path) -> dict[str, tuple[int, bytes]]:
    """Every file with its modification time and bytes, to prove nothing was rewritten."""
    return {str(p.relative_to(output_dir)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(output_dir.rglob("*")) if p.is_file()}


def test_a_second_build_renders_nothing(tiny_project: Path):
    first = build(tiny_project)
    assert written(first) == TINY
    assert "5 rendered, 0 up to date, 0 failed, in " in first.stderr
    before = snapshot(tiny_project / "output")
    second = build(tiny_project)
    assert "0 rendered, 5 up to date, 0 failed, in " in second.stderr
    assert second.stdout == "" and "rendered:" not in second.stderr
    assert snapshot(tiny_project / "output") == before


def test_touching_one_file_rerenders_exactly_the_affected_outputs(matrix_project: Path):
    assert written(build(matrix_project, "--jobs", "2")) == ALL | ALL_PAGES
    text = matrix_project / "content/cramp/nl.yaml"
    text.write_text(text.read_text().replace("A cramp is a tight muscle.",
                                             "Een kramp is een strakke spier."))
    again = build(matrix_project, "--jobs", "2")
    changed = {"nl/cramp/patient/cramp-patient-nl.pdf", "nl/cramp/clinician/cramp-clinician-nl.pdf"}
    pages = {"nl/cramp/patient/index.html", "nl/cramp/clinician/index.html", "nl/index.html",
             "infobutton/index.json"}
    assert written(again) == changed | pages
    assert "6 rendered, 14 up to date, 0 failed" in again.stderr
    for output in changed:
        assert "Een kramp is een strakke spier." in pdf_text(matrix_project / "output" / output)


def test_force_a_deleted_output_and_a_failed_leaflet(tiny_project: Path):
    pdf = tiny_project / "output/en/cramp/patient/cramp-patient-en.pdf"
    build(tiny_project, "-q")
    assert written(build(tiny_project, "--force")) == TINY
    pdf.unlink()
    assert written(build(tiny_project)) == {"en/cramp/patient/cramp-patient-en.pdf"}
    text = tiny_project / "content/cramp/en.yaml"
    good = text.read_text()
    text.write_text(good.replace("      - p: A cramp is a tight muscle. It goes away. [^nhs]",
                                 "      - p: A cramp is a tight muscle. [^nhs]\n" * 120))
    failed = run("--project", tiny_project, "build")
    # the language index renders; the leaflet's page waits for its PDF; nothing is written
    assert failed.exit_code == 1 and "2 rendered, 1 up to date, 1 failed" in failed.stderr
    text.write_text(good)
    assert "0 rendered, 5 up to date" in build(tiny_project).stderr


def test_parallel_and_sequential_builds_write_the_same_bytes(matrix_project: Path, tmp_path: Path):
    twin = tmp_path / "twin"
    shutil.copytree(matrix_project, twin)
    build(matrix_project, "-q", "--jobs", "1")
    build(twin, "-q", "--jobs", "3")
    outputs = {p.relative_to(matrix_project / "output"): p.read_bytes()
               for p in (matrix_project / "output").rglob("*.pdf")}
    assert len(outputs) == len(ALL)
    assert all((twin / "output" / name).read_bytes() == data for name, data in outputs.items())


def test_shards_split_the_matrix_and_their_outputs_merge(matrix_project: Path, tmp_path: Path):
    machines = [tmp_path / "machine-1", tmp_path / "machine-2"]
    for machine in machines:
        shutil.copytree(matrix_project, machine)
    first, second = (written(build(machine, "--shard", f"{n}/2"))
                     for n, machine in enumerate(machines, start=1))
    assert pdfs(first) and pdfs(second) and not first & second
    assert first | second == ALL | ALL_PAGES
    for outputs in (first, second):  # a leaflet's page is built with its PDF
        assert {name.rsplit("/", 1)[0] for name in pdfs(outputs)} == {
            name.rsplit("/", 1)[0] for name in outputs - pdfs(outputs) if name.count("/") == 3}
    trees = [{p.relative_to(m / "output") for p in (m / "output").rglob("*") if p.is_file()}
             for m in machines]
    assert not trees[0] & trees[1], "merging the output folders would overwrite a file"
    shutil.copytree(machines[1] / "output", machines[0] / "output", dirs_exist_ok=True)
    merged = build(machines[0])
    assert "0 rendered, 20 up to date" in merged.stderr
    assert [p.name for p in (machines[0] / "output").glob(".leaflets-*")] == [
        ".leaflets-manifest.json"]


def test_shard_is_checked(tiny_project: Path):
    result = run("--project", tiny_project, "build", "--shard", "3/2")
    assert result.exit_code == 2 and "shard 3/2 does not exist" in result.stderr
    assert run("--project", tiny_project, "build", "--jobs", "0").exit_code == 2


def imports_weasyprint(*arguments: str | Path) -> bool:
    """Run the CLI in a fresh interpreter and say whether WeasyPrint got imported."""
    script = ("import sys\nfrom leaflets.cli import cli\n"
              "try:\n    cli.main(sys.argv[1:], prog_name='leaflets', standalone_mode=False)\n"
              "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
              "print('weasyprint' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script, *map(str, arguments)], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1] == "True"


def test_help_list_check_and_a_no_op_build_never_import_weasyprint(tiny_project: Path):
    assert not imports_weasyprint("--help")
    assert not imports_weasyprint("build", "--help")
    assert not imports_weasyprint("--project", tiny_project, "list")
    assert not imports_weasyprint("--project", tiny_project, "check")
    assert imports_weasyprint("--project", tiny_project, "build", "-q")
    assert not imports_weasyprint("--project", tiny_project, "build", "-q")
