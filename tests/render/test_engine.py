"""Without Pango (WeasyPrint's system libraries), one line says what to install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from build.test_build_safety import three_topics

# What WeasyPrint raises on import when cffi cannot open Pango (its own message, verbatim).
NO_PANGO = '''\
raise OSError(
    "cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file: "
    "No such file or directory.  Additionally, ctypes.util.find_library() did not manage "
    "to locate a library called 'libpango-1.0-0'")
'''


@pytest.mark.parametrize("command", [["build", "--jobs", "2"], ["build", "--jobs", "1"]])
def test_missing_pango_is_one_line_naming_what_to_install(tiny_project: Path, tmp_path: Path,
                                                          command: list[str]):
    three_topics(tiny_project)  # three PDFs: with --jobs 2, rendered by forked workers
    fake = tmp_path / "no-pango/weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(NO_PANGO)
    environment = {**os.environ, "PYTHONPATH": f"{fake.parent}{os.pathsep}{REPO}"}
    result = subprocess.run([sys.executable, "-m", "leaflets", *command], cwd=tiny_project,
                            env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: WeasyPrint cannot load libpango-1.0-0, a system library it needs; install "
        "Pango: on Debian or Ubuntu `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
        "libharfbuzz-subset0`, on macOS `brew install pango`; then run the command again"]
    assert not (tiny_project / "output").exists()
