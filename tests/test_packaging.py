"""The wheel carries everything a build needs, and a project made from it builds outside the
repository: templates, pictures, fonts, icons, the built-in regions and the starter content,
found inside the package."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, made_once
from pdf_tools import pdf_text

pytestmark = pytest.mark.starts_first  # the wheel takes a while to build


def _build_wheel(folder: Path) -> None:
    # Built from a copy: pip builds in the source tree, and a second build there finds the
    # first one's build/ folder in its way.
    source = folder / "source"
    skip = {".git", ".venv", "output", "node_modules", "__pycache__"}
    shutil.copytree(REPO, source, ignore=lambda folder, names: [
        name for name in names if name in skip or name.endswith(".egg-info")
        or (Path(folder) == REPO and name == "build")])
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", "dist",
                             source], capture_output=True, text=True, cwd=folder)
    assert result.returncode == 0, result.stderr
    (folder / "pip.log").write_text(result.stdout + result.stderr)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel pip builds, and pip's output; built once for every worker."""
    folder = made_once(tmp_path_factory, "wheel", _build_wheel)
    return next((folder / "dist").glob("leaflets-*.whl")), (folder / "pip.log").read_text()


def test_the_wheel_carries_code_templates_assets_and_starter_content(wheel):
    path, log = wheel
    assert "would be ignored" not in log and "BuildBackendWarning" not in log
    names = set(zipfile.ZipFile(path).namelist())
    expected = {f"leaflets/{p.relative_to(REPO / 'leaflets').as_posix()}"
                for p in (REPO / "leaflets").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    expected |= {f"leaflets/templates/{p.relative_to(REPO / 'templates').as_posix()}"
                 for p in (REPO / "templates").rglob("*") if p.is_file()}
    expected |= {f"leaflets/regions/{p.name}" for p in (REPO / "regions").glob("*.yaml")}
    assert "leaflets/regions/nl.yaml" in expected
    expected |= {f"leaflets/starter/{p.relative_to(REPO).as_posix()}"
                 for p in (REPO / "content").glob("*/*.yaml")}
    expected.add("leaflets/starter/leaflets.yaml")
    assert expected - names == set()


def test_a_project_made_from_the_wheel_builds_outside_the_repository(wheel, tmp_path: Path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel[0]).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}

    def leaflets(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "leaflets", *args], capture_output=True,
                              text=True, cwd=tmp_path, env=env)

    where = subprocess.run([sys.executable, "-c", "import leaflets; print(leaflets.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env).stdout
    assert where.startswith(str(site))
    made = leaflets("new", "project", "clinic", "--base-url", "https://leaflets.riverside.nl",
                    "--region", "nl")
    assert made.returncode == 0, made.stderr
    built = leaflets("--project", "clinic", "build", "--strict", "--lang", "nl",
                     "--topic", "night-leg-cramps", "--audience", "patient")
    assert built.returncode == 0, built.stderr
    pdf = tmp_path / "clinic/output/nl/night-leg-cramps/patient/night-leg-cramps-patient-nl.pdf"
    assert "kramp" in pdf_text(pdf).lower() and "Bel 112 als" in pdf_text(pdf)
    assert (tmp_path / "clinic/output/index.html").is_file()
