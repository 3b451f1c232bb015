"""A render worker that dies stops the build within seconds, naming what it was rendering."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO
from build.test_build_safety import snapshot, three_topics_built


def workers_of(pid: int) -> list[int]:
    """The forked workers of a process: its children running its own command line."""
    found = []
    own = Path(f"/proc/{pid}/cmdline").read_bytes()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                if Path(f"/proc/{child}/cmdline").read_bytes() == own:
                    found.append(int(child))
            except FileNotFoundError:
                pass
    return found


def cpu_seconds(pid: int) -> float:
    """The processor time a process has used (utime and stime, /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_worker_killed_mid_render_stops_the_build_with_the_leaflet_named(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path):
    tiny_project = three_topics_built(tmp_path_factory, tmp_path)
    before = snapshot(tiny_project / "output")
    for text in (tiny_project / "content").glob("cramp*/en.yaml"):
        text.write_text(text.read_text().replace("title: Test cramps", "title: New cramps"))
    environment = {**os.environ, "PYTHONPATH": str(REPO), "CI": "true"}
    process = subprocess.Popen([sys.executable, "-m", "leaflets", "build", "--jobs", "2"],
                               cwd=tiny_project, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(workers := workers_of(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers, "the build started no render worker"
    # a render takes a fifth of a second or more of CPU: a worker that has used a twentieth
    # is rendering its first PDF (a fixed wait could outlast every render on a fast machine)
    while cpu_seconds(workers[0]) < 0.05 and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(workers[0], signal.SIGKILL)
    killed = time.monotonic()
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("the build hung after its worker died") from None
    print(f"stopped {time.monotonic() - killed:.1f} s after the kill")
    assert process.returncode == 1, stderr
    assert "Traceback" not in stderr
    named = re.search(r"^error: a render worker stopped unexpectedly \(killed, or out of "
                      r"memory\) while rendering (?:one of )?(en/cramp\d?/patient/"
                      r"cramp\d?-patient-en\.pdf)", stderr, re.MULTILINE)
    assert named, stderr
    assert "build with --jobs 1 to see the error" in stderr
    assert snapshot(tiny_project / "output") == before


def test_a_signal_while_the_pool_waits_is_raised_between_results_not_inside_the_wait():
    """Raised inside concurrent.futures, where it may hold a lock, a signal hung the shutdown;
    it is held, and raised by the loop itself."""
    from leaflets.build import pool
    from leaflets.build.interrupts import Interrupted, stop_signals_raise
    from leaflets.build.jobs import OutputJob

    def slow_pdf() -> bytes:
        time.sleep(0.3)
        return b"%PDF-"

    jobs = [OutputJob(f"{index}.pdf", "pdf", "", slow_pdf) for index in range(6)]
    results = []
    signal_at = threading.Timer(0.15, os.kill, (os.getpid(), signal.SIGTERM))
    with pytest.raises(Interrupted) as stopped, stop_signals_raise():
        with pool.rendering(jobs, 2) as outcomes:
            signal_at.start()  # lands while the loop waits for the first result
            results.extend(outcomes)
    signal_at.join()
    assert stopped.value.signum == signal.SIGTERM
    innermost = stopped.traceback[-1]
    assert (Path(innermost.path).name, innermost.name) == ("interrupts.py", "raise_held")
    assert len(results) < len(jobs)  # it stopped; the workers did not finish the rest
