"""One language never blocks another: a topic missing a language, or a translation lacking
texts the source now has, is left out of that language only, and its address says so."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import MATRIX_OUTPUTS as ALL, run
from pdf_tools import pdf_text

NL_CRAMP = {f"nl/cramp/{audience}/cramp-{audience}-nl.pdf" for audience in ("patient", "clinician")}


def build(root: Path, *options: str):
    result = run("--project", root, "build", "--jobs", "2", *options)
    assert result.exit_code == 0, result.stderr
    return result


def files(root: Path, lang: str) -> dict[str, str]:
    """Every output file of one language with the digest of its bytes."""
    folder = root / "output" / lang
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def built_pdfs(root: Path) -> set[str]:
    return {str(p.relative_to(root / "output")) for p in (root / "output").rglob("*.pdf")}


def test_a_missing_language_file_leaves_out_that_leaflet_only(matrix_project: Path):
    (matrix_project / "content/cramp/nl.yaml").unlink()
    result = build(matrix_project)
    assert ("content/cramp/nl.yaml:1:1: (file): the nl text of 'cramp' is missing, so its nl "
            "leaflets are left out; copy en.yaml to nl.yaml and translate it (warning)"
            ) in result.stderr
    assert built_pdfs(matrix_project) == ALL - NL_CRAMP
    page = (matrix_project / "output/nl/cramp/patient/index.html").read_text()
    assert "Deze folder is nog niet in het Nederlands beschikbaar." in page
    assert 'href="../../../en/cramp/patient/index.html"' in page and ".pdf\"" not in page
    assert "cramp/" not in (matrix_project / "output/nl/index.html").read_text()
    english = (matrix_project / "output/en/cramp/patient/index.html").read_text()
    assert "nl/cramp" not in english  # no language link to a leaflet that is not there
    strict = run("--project", matrix_project, "build", "--strict", "--force")
    assert strict.exit_code == 1
    assert "the nl text of 'cramp' is missing" in strict.stderr
    assert "nothing was written." in strict.stderr


def test_a_new_english_paragraph_builds_english_and_leaves_the_translation_alone(
        matrix_project: Path):
    build(matrix_project)
    dutch = files(matrix_project, "nl")
    english = matrix_project / "content/cramp/en.yaml"
    english.write_text(english.read_text().replace(
        "      - p: A cramp is a tight muscle. It goes away. [^nhs]\n",
        "      - p: A cramp is a tight muscle. It goes away. [^nhs]\n"
        "      - p: Warm the muscle with a shower. [^nhs]\n"))
    result = build(matrix_project, "--lang", "en")
    assert "content/cramp/nl.yaml:1:1: (file): the nl leaflets are left out until this file has " \
           "the 1 text of en.yaml below" in result.stderr
    assert "  sections.what.blocks[1].p  (content/cramp/en.yaml:8)" in result.stderr
    assert "Warm the muscle with a shower." in pdf_text(
        matrix_project / "output/en/cramp/patient/cramp-patient-en.pdf")
    assert files(matrix_project, "nl") == dutch


def test_a_leaflet_that_becomes_unavailable_loses_its_pdf_and_gets_it_back(
        matrix_project: Path):
    build(matrix_project)
    text = matrix_project / "content/cramp/nl.yaml"
    dutch = text.read_text()
    text.write_text(dutch.replace("  swollen: your leg is swollen\n", ""))
    build(matrix_project)
    assert built_pdfs(matrix_project) == ALL - NL_CRAMP  # never served as if current
    manifest = (matrix_project / "output/.leaflets-manifest.json").read_text()
    assert "cramp-patient-nl.pdf" not in manifest
    assert "nog niet" in (matrix_project / "output/nl/cramp/patient/index.html").read_text()
    assert "0 rendered" in build(matrix_project).stderr
    text.write_text(dutch)
    build(matrix_project)
    assert built_pdfs(matrix_project) == ALL
    assert "nog niet" not in (matrix_project / "output/nl/cramp/patient/index.html").read_text()
