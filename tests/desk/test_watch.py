"""`leaflets serve` watches the project: an edit reaches the desk's next PDF without a restart."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from leaflets.content.project import load_project
from leaflets.desk.watch import Watched, Watcher, scratch, watched

from conftest import REPO
from pdf_tools import pdf_text

pytestmark = pytest.mark.starts_first  # mostly waits on a server (tests/conftest.py)

FORM = {"topic": "cramp", "lang": "en", "audience": "patient", "paper": "a4"}
OLD_FLAG = "your leg is swollen"
NEW_FLAG = "your calf is hot and swollen"


class Serving:
    """`leaflets serve` as a user starts it, its terminal read as it goes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self.address = ""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            self.lines.append(line.rstrip("\n"))

    def said(self, text: str, limit: float = 120.0) -> str:
        """The first terminal line (stderr) holding `text`; waits for it."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            found = [line for line in self.lines if text in line]
            if found:
                return found[0]
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.1)
        raise AssertionError(f"never said {text!r}:\n" + "\n".join(self.lines))

    def rebuilds_after(self, seen: int, limit: float = 120.0) -> int:
        """The count of rebuilds once it passes `seen` (each request waits for a change)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{self.address}/_serve/changes?seen={seen}",
                                        timeout=60) as answer:
                count = int(answer.read())
            if count != seen:
                return count
        raise AssertionError("no rebuild:\n" + "\n".join(self.lines))

    def desk_pdf(self, folder: Path, name: str) -> str:
        """The text of the PDF the desk makes now."""
        body = urllib.parse.urlencode(FORM).encode()
        with urllib.request.urlopen(f"{self.address}/desk/leaflet", body, timeout=120) as answer:
            assert answer.headers["Content-Type"] == "application/pdf"
            (folder / name).write_bytes(answer.read())
        return pdf_text(folder / name)


@contextmanager
def serving(project: Path, *options: str) -> Iterator[Serving]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "leaflets", "serve", "--port", "0", "--workers", "1", *options],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        running = Serving(process)
        announced = process.stdout.readline()  # type: ignore[union-attr]
        assert announced.startswith("Print desk: "), running.said("no such line", 5)
        running.address = announced.split(": ", 1)[1].strip().removesuffix("/desk/")
        yield running
    finally:
        process.terminate()
        process.wait(timeout=30)


def edit(path: Path, old: str, new: str) -> None:
    """As an editor saves: a temporary file beside it, renamed over it."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text.replace(old, new), encoding="utf-8")
    temporary.replace(path)


def test_an_edited_red_flag_is_in_the_next_desk_pdf_without_a_restart(tiny_project: Path,
                                                                      tmp_path: Path):
    with serving(tiny_project) as server:
        before = server.desk_pdf(tmp_path, "before.pdf")
        assert OLD_FLAG in before and NEW_FLAG not in before
        edit(tiny_project / "content/cramp/en.yaml", OLD_FLAG, NEW_FLAG)
        assert server.rebuilds_after(0) == 1
        after = server.desk_pdf(tmp_path, "after.pdf")
        assert NEW_FLAG in after and OLD_FLAG not in after
        assert server.said("changed: ") == "changed: content/cramp/en.yaml"
        assert "rendered, 0 up to date, 0 failed" in server.said(" rendered, ")
        # the online version was rebuilt too, as `leaflets build` builds it
        assert NEW_FLAG in pdf_text(tiny_project / "output/en/cramp/patient/"
                                    "cramp-patient-en.pdf")
        assert server.process.poll() is None


def test_an_invalid_edit_is_reported_and_the_last_good_version_served(tiny_project: Path,
                                                                      tmp_path: Path):
    settings = tiny_project / "leaflets.yaml"
    with serving(tiny_project) as server:
        edit(settings, "languages: [en]", "languages: [en")
        assert server.said("leaflets.yaml:") == (
            "leaflets.yaml:2:12: (file): invalid YAML: this [ or { is never closed; close it, "
            "or put text that starts with [ or { in quotes")
        server.said("nothing was rebuilt: the desk and the online version stay as they were.")
        edit(tiny_project / "content/cramp/en.yaml", OLD_FLAG, NEW_FLAG)
        server.said("changed: content/cramp/en.yaml")
        assert OLD_FLAG in server.desk_pdf(tmp_path, "kept.pdf")  # still up, as it was
        edit(settings, "languages: [en", "languages: [en]")
        assert server.rebuilds_after(0) == 1
        assert NEW_FLAG in server.desk_pdf(tmp_path, "fixed.pdf")
        assert not (tiny_project / "output/en/cramp/patient/.leaflets-journal.json").exists()


def test_a_module_broken_by_an_edit_leaves_the_desk_and_the_others_are_rebuilt(
        matrix_project: Path, tmp_path: Path):
    with serving(matrix_project) as server:
        edit(matrix_project / "content/stretch/en.yaml", "title: Test cramps",
             "title: 'Test cramps")
        server.said("content/stretch/en.yaml:1:8: ")
        server.said("1 error(s) in 1 file(s); the others are rebuilt; the desk leaves these "
                    "out until they are fixed.")
        server.rebuilds_after(0)
        with urllib.request.urlopen(f"{server.address}/desk/", timeout=60) as page:
            form = page.read().decode()
        assert 'value="cramp"' in form and 'value="stretch"' not in form
        assert OLD_FLAG in server.desk_pdf(tmp_path, "cramp.pdf")
        assert (matrix_project / "output/en/cramp/patient/cramp-patient-en.pdf").is_file()


def test_without_watching_nothing_is_rebuilt(tiny_project: Path):
    with serving(tiny_project, "--no-watch") as server:
        edit(tiny_project / "content/cramp/en.yaml", OLD_FLAG, NEW_FLAG)
        with urllib.request.urlopen(f"{server.address}/desk/", timeout=60) as page:
            assert page.status == 200
        time.sleep(1)  # long enough for a watcher to have begun; there is none to wait for
        assert not (tiny_project / "output").exists()
        assert not [line for line in server.lines if "changed" in line]


def test_what_is_watched(tiny_project: Path):
    project = load_project(tiny_project)
    clinic = tiny_project / "clinic.yaml"
    watching = watched(project, [clinic])
    root = tiny_project.resolve()
    wanted = [root / "leaflets.yaml", clinic.resolve(), root / "content/cramp/en.yaml",
              root / "content/_regions/nl.yaml", root / "content/new-topic",
              *(folder.resolve() / "pictures/calf.svg" for folder in project.template_dirs)]
    assert [path for path in wanted if not watching.wants(path)] == []
    unwanted = [root / "output/en/index.html", root / "notes.txt", root / "tests/x.yaml",
                root / "content/cramp/.en.yaml.swp", root / "content/cramp/en.yaml~",
                root / "content/cramp/4913"]
    assert [path for path in unwanted if watching.wants(path)] == []
    assert (root, False) in watching.places() and (root / "content", True) in watching.places()
    assert scratch(".#en.yaml") and not scratch("en.yaml")


def test_output_inside_a_watched_folder_is_never_watched(tmp_path: Path):
    watching = Watched(frozenset({tmp_path}), frozenset(), tmp_path / "output")
    assert watching.wants(tmp_path / "content/x.yaml")
    assert not watching.wants(tmp_path / "output/x/index.html")


def test_one_save_is_one_change_and_a_new_templates_folder_is_followed(tiny_project: Path):
    project = load_project(tiny_project)
    root = tiny_project.resolve()
    with Watcher(watched(project, [])) as watcher:
        edit(tiny_project / "content/cramp/en.yaml", "tight muscle", "hard muscle")
        assert watcher.next_changes() == {root / "content/cramp/en.yaml"}
        (tiny_project / "templates/pictures").mkdir(parents=True)
        assert watcher.next_changes() == {root / "templates"}
        watcher.follow(watched(load_project(tiny_project), []))
        (tiny_project / "templates/pictures/calf.svg").write_text("<svg/>")
        assert watcher.next_changes() == {root / "templates/pictures/calf.svg"}
