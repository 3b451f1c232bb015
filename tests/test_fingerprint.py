"""Each output's fingerprint changes exactly when one of its inputs changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from leaflets.assembly import RenderOptions, leaflet_keys
from leaflets.build import plan
from leaflets.config import BUILTIN_TEMPLATES, load_project
from leaflets.validation import load_content

from conftest import MATRIX_OUTPUTS as ALL, write


def fingerprints(root: Path, options: RenderOptions | None = None) -> dict[str, str]:
    content = load_content(load_project(root))
    return {job.output: job.fingerprint for job in plan(content, leaflet_keys(content), options)}


def changed_by(root: Path, edit) -> set[str]:
    """The outputs whose fingerprint an edit of the project changes."""
    before = fingerprints(root)
    edit(root)
    after = fingerprints(root)
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
    default, large = fingerprints(matrix_project), fingerprints(matrix_project,
                                                               RenderOptions(large_print=True))
    assert all(default[output] != large[output] for output in ALL)


def test_fingerprints_survive_moving_the_project(matrix_project: Path, tmp_path: Path):
    moved = tmp_path / "elsewhere" / "project"
    shutil.copytree(matrix_project, moved)
    assert fingerprints(moved) == fingerprints(matrix_project)
