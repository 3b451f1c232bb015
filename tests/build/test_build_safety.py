"""Building never loses a good leaflet or page: failures and interruptions leave only complete
files."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, event, given, settings

from leaflets.build import write as output
from leaflets.build.interrupts import Interrupted, stop_signals_raise

from conftest import REPO, made_once, run, write_tiny_project
from strategies import projects, write_project

ERROR_LINE = re.compile(r"^\S+:\d+:\d+: \S+: .+$")


def snapshot(output: Path) -> dict[str, bytes]:
    """Every file under the output folder, hidden ones included, with its bytes."""
    if not output.exists():
        return {}
    return {str(path.relative_to(output)): path.read_bytes()
            for path in sorted(output.rglob("*")) if path.is_file()}


def assert_complete(files: dict[str, bytes]) -> None:
    """Only finished files: no temporary ones, each PDF parses to its end, each page is whole,
    the build manifest and the code index are whole JSON."""
    for name, data in files.items():
        if name.endswith(".json"):
            json.loads(data)
            continue
        assert not Path(name).name.startswith("."), name
        if name.endswith(".pdf"):
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), name
            with pikepdf.open(io.BytesIO(data)) as document:
                assert len(document.pages) >= 1
        else:
            assert name.endswith(".html"), name
            assert data.startswith(b"<!DOCTYPE html>") and data.rstrip().endswith(b"</html>"), name


def three_topics(root: Path) -> None:
    for name in ("cramp2", "cramp3"):
        shutil.copytree(root / "content/cramp", root / "content" / name)


def retitle(root: Path, title: str) -> None:
    for folder in sorted((root / "content").glob("cramp*")):
        text = (folder / "en.yaml").read_text()
        (folder / "en.yaml").write_text(text.replace("title: Test cramps", f"title: {title}"))


# --- a failed build leaves the previous good PDFs and pages untouched -----------------------


def _build_three_topics(folder: Path) -> None:
    root = write_tiny_project(folder / "project")
    three_topics(root)
    assert run("--project", root, "build", "-q").exit_code == 0


def three_topics_built(factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The tiny project with three topics, built: a copy of one build shared by the run."""
    root = tmp_path / "project"
    shutil.copytree(made_once(factory, "three-topics", _build_three_topics) / "project", root)
    return root


@pytest.fixture
def built(tmp_path_factory: pytest.TempPathFactory,
          tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    root = three_topics_built(tmp_path_factory, tmp_path)
    before = snapshot(root / "output")
    assert sum(name.endswith(".pdf") for name in before) == 3
    assert sum(name.endswith("/index.html") for name in before) == 4  # 3 leaflets, 1 language
    retitle(root, "New cramps")
    return root, before


def test_content_errors_leave_the_previous_pdfs_and_pages_untouched(built):
    root, before = built
    (root / "content/cramp2/topic.yaml").write_text("review: [oops\n")
    result = run("--project", root, "build")
    assert result.exit_code == 1 and "nothing was written" in result.stderr
    assert snapshot(root / "output") == before


def test_a_leaflet_over_budget_leaves_every_previous_pdf_and_page_untouched(built):
    root, before = built
    en = root / "content/cramp3/en.yaml"
    en.write_text(en.read_text().replace("      - p: A cramp is a tight muscle. It goes away. [^nhs]",
                                         "      - p: A cramp is a tight muscle. [^nhs]\n" * 150))
    result = run("--project", root, "build")
    assert result.exit_code == 1
    assert "error: cramp3 (patient, en, a4) needs" in result.stderr
    assert "Nothing was written" in result.stderr
    assert snapshot(root / "output") == before


def test_keep_going_writes_the_valid_leaflets_and_keeps_the_old_broken_one(built):
    root, before = built
    (root / "content/cramp2/topic.yaml").write_text("review: [oops\n")
    result = run("--project", root, "build", "--keep-going")
    assert result.exit_code == 1
    assert "content/cramp2/topic.yaml:1:9: (file): invalid YAML" in result.stderr
    assert "the other modules are built (--keep-going)" in result.stderr
    after = snapshot(root / "output")
    assert after.keys() == before.keys()
    changed = {name for name in after if after[name] != before[name]}
    assert {"en/cramp/patient/cramp-patient-en.pdf", "en/cramp/patient/index.html",
            "en/cramp3/patient/cramp3-patient-en.pdf", "en/cramp3/patient/index.html"} <= changed
    assert not {name for name in changed if name.startswith("en/cramp2/")}
    assert_complete(after)


# --- interruptions leave no partial file ----------------------------------------------------


def test_a_signal_during_a_write_waits_until_the_file_is_in_place(tmp_path: Path, monkeypatch):
    target = tmp_path / "out/leaflet.pdf"
    target.parent.mkdir()
    target.write_bytes(b"old")
    real_replace = os.replace

    def replace_after_a_signal(source, destination):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives mid-write, before the rename
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace_after_a_signal)
    with pytest.raises(Interrupted), stop_signals_raise():
        output.write_atomic(target, b"%PDF- new and complete")
    assert sorted(p.name for p in target.parent.iterdir()) == ["leaflet.pdf"]
    assert target.read_bytes() == b"%PDF- new and complete"


def test_a_failed_write_removes_its_temporary_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "leaflet.pdf"
    target.write_bytes(b"old")

    real_replace = os.replace

    def disk_full(source, destination):
        if str(destination).endswith("leaflet.pdf") and str(source).endswith(".tmp"):
            raise OSError(28, "No space left on device")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(output.WriteError, match="leaflet.pdf: cannot write: No space left"):
        output.write_atomic(target, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaflet.pdf"]
    assert target.read_bytes() == b"old"


def start_build(root: Path) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "leaflets", "build"], cwd=root,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def signal_after(process: subprocess.Popen[str], progress: str, signum: int) -> str:
    """Send `signum` once the build reports `progress`; return everything it printed."""
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith(progress):
            process.send_signal(signum)
            break
    seen.append(process.stderr.read())
    process.wait(timeout=120)
    return "".join(seen)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_killing_a_build_mid_render_leaves_the_previous_pdfs_and_pages(built, signum):
    root, before = built
    process = start_build(root)
    printed = signal_after(process, "[1/8] rendered", signum)  # 3 PDFs, their pages, en/, the code index
    assert process.returncode == 128 + signum, printed
    assert "interrupted: no partial file was left" in printed and "Traceback" not in printed
    assert snapshot(root / "output") == before


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_killing_a_build_as_it_writes_leaves_only_complete_files(built, signum):
    """The signal lands somewhere in the writes or after them: each file is old or new, whole."""
    root, before = built
    process = start_build(root)
    printed = signal_after(process, "[8/8] rendered", signum)
    assert process.returncode in (0, 128 + signum), printed
    assert "Traceback" not in printed
    after = snapshot(root / "output")
    assert after.keys() == before.keys()
    assert_complete(after)


def test_killing_a_first_build_mid_render_writes_nothing(tiny_project: Path):
    three_topics(tiny_project)
    process = start_build(tiny_project)
    signal_after(process, "[2/9] rendered", signal.SIGTERM)
    assert process.returncode == 128 + signal.SIGTERM
    assert snapshot(tiny_project / "output") == {}


# --- any text in any field: a PDF or clear errors, never a crash -----------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_any_text_builds_or_gives_clear_errors(project):
    root = Path(tempfile.mkdtemp(prefix="leaflets-property-"))
    try:
        write_project(root, *project)
        result = run("--project", root, "build", "-q")
        assert result.exit_code in (0, 1)
        assert "Traceback" not in result.stderr
        event(f"exit {result.exit_code}")
        if result.exit_code == 0:
            assert_complete(snapshot(root / "output"))
        else:
            lines = result.stderr.splitlines()
            assert lines and all(ERROR_LINE.match(line) or line.startswith(("error: ", "  "))
                                 or "error(s) in" in line or line.startswith("Nothing was")
                                 for line in lines), lines
            assert snapshot(root / "output") == {}
    finally:
        shutil.rmtree(root)
