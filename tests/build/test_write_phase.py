"""The write phase is all or nothing: on a failure, a signal or kill -9, the output folder is
the previous build's or the new one's, never a mix, and nothing is left behind."""

from __future__ import annotations

import errno
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from leaflets.build import write
from leaflets.build.interrupts import Interrupted, stop_signals_raise

from conftest import REPO, made_once, run, write_tiny_project
from build.test_build_safety import assert_complete, retitle, snapshot, three_topics_built

ERROR = "Nothing was written: the output folder is as it was before this build."


@pytest.fixture
def built(tmp_path_factory: pytest.TempPathFactory,
          tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """Three leaflets built; then their titles change, so the next build rewrites every file."""
    root = three_topics_built(tmp_path_factory, tmp_path)
    before = snapshot(root / "output")
    retitle(root, "New cramps")
    return root, before


def build_process(root: Path, *args: str, **popen: object) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen([sys.executable, "-m", "leaflets", "build", "-q", *args], cwd=root,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **popen)


# --- failures: one located error, exit 1, and the previous tree exactly as it was -----------


def test_a_folder_where_a_file_goes_fails_before_any_file_is_replaced(built):
    root, before = built
    (root / "output/index.html").unlink()
    (root / "output/index.html/keep").mkdir(parents=True)
    before = snapshot(root / "output")
    result = run("--project", root, "build", "-q")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ") and lines[0].endswith(ERROR), result.stderr
    assert "output/index.html: cannot write: Is a directory; a folder is in the way" in lines[0]
    assert "Traceback" not in result.stderr
    assert snapshot(root / "output") == before
    assert (root / "output/index.html/keep").is_dir()


def small_files() -> None:
    """In the build: files may grow to 8 KB (a page is 12 KB, a PDF and a font 20 KB or more)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (8000, resource.RLIM_INFINITY))


def test_a_file_size_limit_while_writing_is_an_error_not_a_crash(built):
    root, before = built
    old = pages_edited(snapshot(root / "output"))
    put(root / "output", old)  # only the pages are rebuilt: no font is unpacked
    for text in (root / "content").glob("cramp*/en.yaml"):
        text.write_text(text.read_text().replace("title: New cramps", "title: Test cramps"))
    process = build_process(root, preexec_fn=small_files)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr
    assert "cannot write: File too large; the file is larger than this process may write " \
           "(see `ulimit -f`); raise the limit, then build again" in stderr
    assert stderr.startswith("error: ") and stderr.rstrip().endswith(ERROR), stderr
    assert snapshot(root / "output") == old


def test_a_file_size_limit_while_rendering_is_an_error_not_a_crash(built):
    root, before = built
    process = build_process(root, preexec_fn=small_files)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr
    assert "error: en/cramp/patient/cramp-patient-en.pdf: could not be rendered: File too " \
           "large;" in stderr and "Traceback" not in stderr, stderr
    assert snapshot(root / "output") == before


def test_output_naming_a_file_is_an_error(tiny_project: Path):
    config = tiny_project / "leaflets.yaml"
    line = len(config.read_text().splitlines()) + 1
    config.write_text(config.read_text() + "output: leaflets.pdf\n")
    (tiny_project / "leaflets.pdf").write_bytes(b"not a folder")
    result = run("--project", tiny_project, "build", "-q")
    assert result.exit_code == 1
    assert result.stderr.endswith(f"leaflets.yaml:{line}:1: output: 'leaflets.pdf' is a file, not a "
                                  "folder; name a folder, like output\n"
                                  "1 error(s) in 1 file(s); nothing was written.\n")
    assert (tiny_project / "leaflets.pdf").read_bytes() == b"not a folder"


def files_of(folder: Path, count: int) -> dict[Path, bytes]:
    """`count` files, the even ones existing before (as 'old'), the odd ones new."""
    files = {folder / f"sub{n % 3}/file{n}.html": f"new {n}".encode() for n in range(count)}
    for n, path in enumerate(files):
        if n % 2 == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f"old {n}".encode())
    return files


@pytest.mark.parametrize("failing", [1, 4, 8], ids=["first", "middle", "last"])
def test_a_failure_after_some_renames_puts_every_previous_file_back(tmp_path: Path, monkeypatch,
                                                                    failing: int):
    files = files_of(tmp_path / "output", 8)
    before = snapshot(tmp_path)
    real_replace = os.replace
    renames = []

    def disk_full_at_the_nth_rename(source, destination):
        if str(source).endswith(".tmp") and not str(destination).endswith(".json"):
            renames.append(destination)
            if len(renames) == failing:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", disk_full_at_the_nth_rename)
    with pytest.raises(write.WriteError, match="the disk is full; free some space"):
        write.write_all(tmp_path / "output", files)
    assert len(renames) == failing
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("code, advice", [
    (errno.EACCES, "make the output folder writable, or set `output:` to a folder you may "
                   "write to, then build again"),
    (errno.EROFS, "the disk is read-only; set `output:` to a folder on a writable disk, "
                  "then build again"),
    (errno.ENOSPC, "the disk is full; free some space, then build again"),
], ids=["read-only folder", "read-only disk", "disk full"])
def test_a_file_that_cannot_be_staged_stops_the_phase_with_what_to_do(tmp_path: Path,
                                                                       monkeypatch, code, advice):
    files = files_of(tmp_path / "output", 6)
    before = snapshot(tmp_path)
    real_mkstemp = write.tempfile.mkstemp
    staged = []

    def refused_at_the_third(*args, **kwargs):
        staged.append(kwargs["prefix"])
        if len(staged) == 3:
            raise OSError(code, os.strerror(code))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(write.tempfile, "mkstemp", refused_at_the_third)
    with pytest.raises(write.WriteError) as refused:
        write.write_all(tmp_path / "output", files)
    third = list(files)[2]
    assert str(refused.value) == f"{third}: cannot write: {os.strerror(code)}; {advice}. {ERROR}"
    assert snapshot(tmp_path) == before


def test_a_signal_during_the_write_phase_waits_until_every_file_is_in_place(tmp_path: Path,
                                                                           monkeypatch):
    files = files_of(tmp_path / "output", 6)
    real_replace = os.replace

    def signalled(source, destination):
        if not str(destination).endswith(".json"):
            os.kill(os.getpid(), signal.SIGTERM)  # arrives at every rename
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", signalled)
    with pytest.raises(Interrupted), stop_signals_raise():
        write.write_all(tmp_path / "output", files)
    assert snapshot(tmp_path / "output") == {
        str(path.relative_to(tmp_path / "output")): data for path, data in files.items()}


def test_a_build_removes_what_a_killed_build_left_behind(built):
    root, _ = built
    leftovers = ["output/en/cramp/patient/.cramp-patient-en.pdf.ab12_x9z.tmp",
                 "output/.index.html.0a1b2c3d.old", "output/..leaflets-journal.json.k2j3h4g5.tmp"]
    for name in leftovers:
        (root / name).write_bytes(b"half")
    assert run("--project", root, "build", "-q").exit_code == 0
    files = snapshot(root / "output")
    assert_complete(files)
    assert not [name for name in files if name.endswith((".tmp", ".old"))]


def test_a_build_killed_while_rendering_leaves_nothing_in_the_temporary_folder(built,
                                                                              tmp_path: Path):
    """The rendered outputs wait in one anonymous temporary file, which dies with the build."""
    root, _ = built
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temporary), "CI": "true"}
    process = subprocess.Popen([sys.executable, "-m", "leaflets", "build", "--jobs", "1"],
                               cwd=root, env=environment, stderr=subprocess.PIPE, text=True)
    for line in process.stderr:  # one progress line per output rendered
        if line.startswith("[2/"):  # two outputs wait in the spool
            break
    process.kill()
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert not [path.name for path in temporary.iterdir() if "leaflets" in path.name]


def killed_at_step(folder: Path, files: dict[Path, bytes], step: int) -> bool:
    """Write in a forked child that SIGKILLs itself right after its `step`-th link or rename
    of an output; return whether it was killed."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        steps = []

        def then_die(real):
            def call(source, destination):
                real(source, destination)
                if not str(destination).endswith(write.JOURNAL):
                    steps.append(destination)
                    if len(steps) == step:
                        os.kill(os.getpid(), signal.SIGKILL)
            return call

        os.link, os.replace = then_die(os.link), then_die(os.replace)
        try:
            write.write_all(folder, files)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def test_kill_9_after_any_rename_is_undone_by_the_next_build(tmp_path: Path):
    files = files_of(tmp_path / "output", 6)  # 3 replace a file (link, rename), 3 are new
    before = snapshot(tmp_path)
    for step in range(1, 10):
        assert killed_at_step(tmp_path / "output", files, step)
        assert (tmp_path / "output" / write.JOURNAL).exists()
        write.recover(tmp_path / "output")
        assert snapshot(tmp_path) == before, step
    assert not killed_at_step(tmp_path / "output", files, 10)  # 9 steps: it completes
    assert snapshot(tmp_path / "output") == {
        str(path.relative_to(tmp_path / "output")): data for path, data in files.items()}


def test_recovery_leaves_a_build_that_is_writing_alone(tmp_path: Path):
    """Another build holds the folder while it writes: its staged files are not leftovers."""
    import fcntl

    output = tmp_path / "output"
    output.mkdir()
    staged = output / ".index.html.a1b2c3d4.tmp"
    staged.write_bytes(b"being written")
    handle = os.open(output, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        write.recover(output)
        assert staged.exists()
    finally:
        os.close(handle)
    write.recover(output)
    assert not staged.exists()


# --- kill -9 at random points of the write phase ----------------------------------------------


def pages_edited(new: dict[str, bytes]) -> dict[str, bytes]:
    """The new tree with every web page changed a little: a build rewrites each of them.

    Only pages: they render without WeasyPrint, so each build is quick and most of its
    time is the write phase.
    """
    return {name: data.replace(b"</html>", b"<!-- an older build -->\n</html>")
            if name.endswith(".html") else data for name, data in new.items()}


def put(root: Path, tree: dict[str, bytes]) -> None:
    shutil.rmtree(root)
    for name, data in tree.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def staging(output: Path) -> bool:
    return any(name.endswith(".tmp") for _, _, names in os.walk(output) for name in names)


def kill_in_the_write_phase(root: Path, rng: random.Random) -> bool:
    """Start a build and SIGKILL it at a random point of its write phase: some time after
    it stages its first file (staging takes about 0.1 s here), or as soon as its journal
    appears (renaming takes a millisecond or two). Returns whether a journal was in place."""
    process = build_process(root)
    output = root / "output"
    at_the_journal = rng.random() < 0.5
    wait = rng.uniform(0, 0.3)
    started = None
    while process.poll() is None:
        started = started or (time.monotonic() if staging(output) else None)
        if at_the_journal:
            ready = (output / write.JOURNAL).exists()
        else:
            ready = started is not None and time.monotonic() - started >= wait
        if ready:
            journal = (output / write.JOURNAL).exists()
            process.kill()
            process.wait()
            return journal
        # Until the build stages (about a second of start-up) a look every 2 ms is plenty;
        # spinning then, or walking the folder every 0.5 ms, would take a core from it. The
        # journal comes about 0.1 s after staging begins, and only then does this spin.
        time.sleep(0.002 if not started else 0 if at_the_journal else 0.0005)
    assert process.returncode == 0, process.stderr.read()
    return False


def _build_six_topics(folder: Path) -> None:
    root = write_tiny_project(folder / "project")
    for n in range(5):
        shutil.copytree(root / "content/cramp", root / f"content/cramp{n}")
    assert run("--project", root, "build", "-q").exit_code == 0


def six_topics_built(factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The tiny project with six topics, built: a copy of one build shared by the run."""
    root = tmp_path / "project"
    shutil.copytree(made_once(factory, "six-topics", _build_six_topics) / "project", root)
    return root


def test_sigterm_in_the_write_phase_waits_until_the_whole_tree_is_new(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path):
    """Signals wait for the whole write phase, not just the file being written."""
    tiny_project = six_topics_built(tmp_path_factory, tmp_path)
    output = tiny_project / "output"
    new = snapshot(output)
    for _ in range(3):
        put(output, pages_edited(new))
        process = build_process(tiny_project)
        while process.poll() is None and not staging(output):
            time.sleep(0.0005)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 128 + signal.SIGTERM, stderr
        assert "interrupted" in stderr and "Traceback" not in stderr
        assert snapshot(output) == new


@pytest.mark.starts_first  # ten seconds: begun last, it would end the run alone
def test_kill_9_anywhere_in_the_write_phase_leaves_the_old_tree_or_the_new(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path):
    tiny_project = six_topics_built(tmp_path_factory, tmp_path)
    output = tiny_project / "output"
    new = snapshot(output)
    old = pages_edited(new)
    rng = random.Random(17)
    outcomes = {"old": 0, "new": 0, "killed mid-rename": 0}
    for _ in range(20):
        put(output, old)
        outcomes["killed mid-rename"] += kill_in_the_write_phase(tiny_project, rng)
        write.recover(output)  # what the next build does first
        after = snapshot(output)
        assert after in (old, new), sorted(n for n in after if after[n] != new.get(n))
        outcomes["old" if after == old else "new"] += 1
    print(outcomes)
    assert outcomes["killed mid-rename"], outcomes
    put(output, old)
    kill_in_the_write_phase(tiny_project, rng)
    assert run("--project", tiny_project, "build", "-q").exit_code == 0
    assert snapshot(output) == new
