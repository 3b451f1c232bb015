"""The build stamp: a rebuild with nothing to do answers without loading the content, and
anything that could change what a build does or prints takes the full path."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Callable

import pytest

import leaflets.content.validation
from leaflets.build import stamp
from leaflets.build.write import JOURNAL

from conftest import REPO, run, write

OUTPUT = "output/en/cramp/patient"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The projects whose content a build loaded (the full path), in order."""
    loaded: list[Path] = []
    real = leaflets.content.validation.load_content

    def counting(project, *args, **kwargs):
        loaded.append(project.root)
        return real(project, *args, **kwargs)

    monkeypatch.setattr(leaflets.content.validation, "load_content", counting)
    return loaded


def build(project: Path, *arguments: str) -> str:
    result = run("--project", project, "build", *arguments)
    assert result.exit_code == 0, result.stderr
    return result.stderr


def test_a_rebuild_with_nothing_to_do_loads_no_content(tiny_project: Path, loads: list[Path]):
    (tiny_project / "leaflets.yaml").write_text(
        (tiny_project / "leaflets.yaml").read_text().replace("https://leaflets.clinic",
                                                             "https://leaflets.example.org"))
    first = build(tiny_project)
    assert "5 rendered" in first and "placeholder" in first
    again = build(tiny_project)
    assert len(loads) == 1  # the second build never loaded a module
    warning = next(line for line in first.splitlines() if "placeholder" in line)
    assert again.splitlines()[0] == warning  # the same warnings, printed again
    assert "0 rendered, 5 up to date, 0 failed" in again
    assert build(tiny_project, "-q") == warning + "\n"


def test_a_no_op_build_does_not_import_the_content_stage_or_weasyprint(tiny_project: Path):
    build(tiny_project, "-q")
    command = [sys.executable, "-X", "importtime", "-m", "leaflets", "--project",
               str(tiny_project), "build"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert "0 rendered, 5 up to date" in result.stderr
    assert not {"weasyprint", "yaml", "pydantic", "leaflets.content.validation"} & imported


def _edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        target = root / path
        target.write_text(target.read_text().replace(old, new, 1))
    return edit


def _remove(path: str) -> Callable[[Path], None]:
    return lambda root: (root / path).unlink()


def _new_file(path: str, text: str) -> Callable[[Path], None]:
    return lambda root: write(root, {path: text}) and None


CHANGES = {
    "a comment in a text": _edit("content/cramp/en.yaml", "\n", "\n# reviewed again\n"),
    "a locale": _edit("content/_locales/en.yaml", "\n", "\n# checked\n"),
    "the settings": _edit("leaflets.yaml", "publisher: Test clinic", "publisher: Another clinic"),
    "a settings file beside them": _new_file("clinic.yaml", "name: A clinic\n"),
    "a template override": _new_file("templates/print.css", "body { color: black }\n"),
    "a project region": _new_file("content/_regions/zz.yaml", "name: Nowhere\n"),
    "a deleted PDF": _remove(f"{OUTPUT}/cramp-patient-en.pdf"),
    "an edited page": _edit(f"{OUTPUT}/index.html", "</body>", "<!-- edited --></body>"),
    "a deleted manifest": _remove("output/.leaflets-manifest.json"),
    "a write phase killed part-way": _new_file(f"output/{JOURNAL}", "{}"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_takes_the_full_path(tiny_project: Path, loads: list[Path],
                                        change: Callable[[Path], None]):
    build(tiny_project, "-q")
    change(tiny_project)
    run("--project", tiny_project, "build", "-q")  # it may fail: the change may be an error
    assert len(loads) == 2


@pytest.mark.parametrize("choice", [["--lang", "en"], ["--paper", "letter"], ["--large-print"],
                                    ["--strict"], ["--shard", "1/1"], ["--force"]])
def test_other_choices_take_the_full_path(tiny_project: Path, loads: list[Path],
                                          choice: list[str]):
    build(tiny_project, "-q")
    build(tiny_project, "-q", *choice)
    assert len(loads) == 2


def test_a_new_day_takes_the_full_path(tiny_project: Path, loads: list[Path],
                                       monkeypatch: pytest.MonkeyPatch):
    """Review dates are checked against today, so yesterday's answer may not hold."""
    build(tiny_project, "-q")

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date.fromordinal(date.today().toordinal() + 1)

    monkeypatch.setattr(stamp, "date", Tomorrow)
    build(tiny_project, "-q")
    assert len(loads) == 2


def test_a_build_that_writes_forgets_the_stamp_first(tiny_project: Path, loads: list[Path],
                                                     monkeypatch: pytest.MonkeyPatch):
    """A build killed after staging its files leaves no stamp to say all is done."""
    build(tiny_project, "-q")
    assert (tiny_project / stamp.STAMP).is_file()

    def killed(*_: object) -> None:
        assert not (tiny_project / stamp.STAMP).exists()
        raise KeyboardInterrupt

    monkeypatch.setattr("leaflets.build.run.write_all", killed)
    assert run("--project", tiny_project, "build", "--force").exit_code == 130
    monkeypatch.undo()
    assert "0 rendered, 5 up to date" in build(tiny_project)


def test_a_project_that_cannot_keep_a_stamp_still_builds(tiny_project: Path, loads: list[Path]):
    (tiny_project / ".leaflets-cache").write_text("a file where the folder would be\n")
    build(tiny_project, "-q")
    build(tiny_project, "-q")
    assert len(loads) == 2


def test_a_copied_project_builds_its_own_way(tiny_project: Path, tmp_path: Path,
                                             loads: list[Path]):
    build(tiny_project, "-q")
    twin = shutil.copytree(tiny_project, tmp_path / "twin")
    assert "0 rendered, 5 up to date" in build(twin)
    assert len(loads) == 2  # the stamp names the folders it read, not the copy's
