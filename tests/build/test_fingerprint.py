"""Each output's fingerprint changes exactly when one of its inputs changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from leaflets.outputs import RenderOptions, leaflet_keys
from leaflets.build.plan import plan
from leaflets.content.project import BUILTIN_TEMPLATES, load_project
from leaflets.content.validation import load_content

from conftest import MATRIX_OUTPUTS as ALL, write


def fingerprints(root: Path, options: RenderOptions | None = None,
                 pages: bool = False) -> dict[str, str]:
    """The fingerprint of every PDF (or, with pages, of every output) of the project."""
    content = load_content(load_project(root))
    return {job.output: job.fingerprint for job in plan(content, leaflet_keys(content), options)
            if pages or job.needs_weasyprint}


def changed_by(root: Path, edit, pages: bool = False) -> set[str]:
    """The outputs whose fingerprint an edit of the project changes."""
    before = fingerprints(root, pages=pages)
    edit(root)
    after = fingerprints(root, pages=pages)
    assert after.keys() == before.keys()
    return {output for output in before if before[output] != after[output]}


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_matrix_has_one_job_per_leaflet_and_fingerprints_are_stable(matrix_project: Path):
    first = fingerprints(matrix_project)
    assert set(first) == ALL
    assert len(set(first.values())) == len(ALL)
    assert fingerprints(matrix_project) == first


def test_a_text_file_changes_its_module_in_its_language_only(matrix_project: Path):
    changed = changed_by(matrix_project, lambda root: append(root / "content/cramp/nl.yaml",
                                                              "# reviewed again\n"))
    assert changed == {"nl/cramp/patient/cramp-patient-nl.pdf",
                       "nl/cramp/clinician/cramp-clinician-nl.pdf"}


def test_the_facts_of_a_module_change_it_in_every_language(matrix_project: Path):
    changed = changed_by(matrix_project, lambda root: append(root / "content/stretch/topic.yaml",
                                                              "# checked\n"))
    assert changed == {output for output in ALL if "/stretch/" in output}


def test_a_locale_changes_its_language_only(matrix_project: Path):
    changed = changed_by(matrix_project, lambda root: append(root / "content/_locales/nl.yaml",
                                                              "# checked\n"))
    assert changed == {output for output in ALL if output.startswith("nl/")}


def test_a_picture_changes_the_leaflets_showing_it(matrix_project: Path):
    def override(root: Path) -> None:
        (root / "templates/pictures").mkdir(parents=True)
        shutil.copy(BUILTIN_TEMPLATES / "pictures/towel-stretch.svg",
                    root / "templates/pictures/towel-stretch.svg")

    assert changed_by(matrix_project, override) == {o for o in ALL if "/stretch/" in o}


def test_settings_templates_and_options_change_everything(matrix_project: Path):
    assert changed_by(matrix_project, lambda root: append(root / "leaflets.yaml", "# x\n")) == ALL
    assert changed_by(matrix_project, lambda root: write(root, {
        "templates/print.css": (BUILTIN_TEMPLATES / "print.css").read_text()})) == ALL
    assert changed_by(matrix_project, lambda root: write(root, {"clinic.yaml": "name: x\n"})) == ALL
    default = fingerprints(matrix_project, pages=True)
    large = fingerprints(matrix_project, RenderOptions(large_print=True), pages=True)
    assert len(large) == len(default) and not set(default.values()) & set(large.values())


def test_fingerprints_survive_moving_the_project(matrix_project: Path, tmp_path: Path):
    moved = tmp_path / "elsewhere" / "project"
    shutil.copytree(matrix_project, moved)
    assert fingerprints(moved) == fingerprints(matrix_project)


def test_web_pages_follow_their_leaflets_and_the_language_index_its_language(
        matrix_project: Path):
    changed = changed_by(matrix_project, lambda root: append(root / "content/cramp/nl.yaml",
                                                              "# reviewed again\n"), pages=True)
    assert changed == {"nl/cramp/patient/cramp-patient-nl.pdf", "nl/cramp/patient/index.html",
                       "nl/cramp/clinician/cramp-clinician-nl.pdf",
                       "nl/cramp/clinician/index.html", "nl/index.html",
                       "infobutton/index.json"}
    every = set(fingerprints(matrix_project, pages=True))
    assert changed_by(matrix_project, lambda root: append(root / "content/_locales/en.yaml",
                                                           "# x\n"), pages=True) == {
        output for output in every if output.startswith("en/") or output == "index.html"}


def test_the_clinic_profile_and_its_logo_change_every_output(matrix_project: Path):
    from leaflets.content.clinic import load_clinic

    write(matrix_project, {"clinic.yaml": "name: Riverside Clinic\nlogo: logo.svg\n",
                           "logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>'})
    project = load_project(matrix_project)
    plain = fingerprints(matrix_project, pages=True)
    branded = fingerprints(matrix_project, RenderOptions(clinic=load_clinic(
        project, matrix_project / "clinic.yaml")), pages=True)
    write(matrix_project, {"logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="2"/>'})
    relogoed = fingerprints(matrix_project, RenderOptions(clinic=load_clinic(
        project, matrix_project / "clinic.yaml")), pages=True)
    assert all(plain[o] != branded[o] != relogoed[o] for o in plain)


def test_a_region_of_the_project_and_the_clinic_region_change_every_leaflet(
        matrix_project: Path):
    from leaflets.content.project import BUILTIN_REGIONS

    changed = changed_by(matrix_project, lambda root: write(root, {
        "content/_regions/gb.yaml": (BUILTIN_REGIONS / "gb.yaml").read_text(encoding="utf-8")}))
    assert changed == ALL
    assert fingerprints(matrix_project) != fingerprints(matrix_project, RenderOptions(region="nl"))
