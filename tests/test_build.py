"""Incremental, parallel and sharded builds, checked on the files they leave behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import MATRIX_OUTPUTS as ALL, REPO, run
from pdf_tools import pdf_text


def written(result) -> set[str]:
    """The outputs a build wrote, from the paths it lists on stdout."""
    return {line.removeprefix("output/") for line in result.stdout.splitlines()}


def build(root: Path, *options: str):
    result = run("--project", root, "build", *options)
    assert result.exit_code == 0, result.stderr
    return result


def snapshot(output_dir: Path) -> dict[str, tuple[int, bytes]]:
    """Every file with its modification time and bytes, to prove nothing was rewritten."""
    return {str(p.relative_to(output_dir)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(output_dir.rglob("*")) if p.is_file()}


def test_a_second_build_renders_nothing(tiny_project: Path):
    first = build(tiny_project)
    assert "1 rendered, 0 up to date, 0 failed, in " in first.stderr
    before = snapshot(tiny_project / "output")
    second = build(tiny_project)
    assert "0 rendered, 1 up to date, 0 failed, in " in second.stderr
    assert second.stdout == "" and "rendered:" not in second.stderr
    assert snapshot(tiny_project / "output") == before


def test_touching_one_file_rerenders_exactly_the_affected_outputs(matrix_project: Path):
    assert written(build(matrix_project, "--jobs", "2")) == ALL
    text = matrix_project / "content/cramp/nl.yaml"
    text.write_text(text.read_text().replace("A cramp is a tight muscle.",
                                             "Een kramp is een strakke spier."))
    again = build(matrix_project, "--jobs", "2")
    changed = {"nl/cramp/patient/cramp-patient-nl.pdf", "nl/cramp/clinician/cramp-clinician-nl.pdf"}
    assert written(again) == changed
    assert "2 rendered, 6 up to date, 0 failed" in again.stderr
    for output in changed:
        assert "Een kramp is een strakke spier." in pdf_text(matrix_project / "output" / output)


def test_force_a_deleted_output_and_a_failed_leaflet(tiny_project: Path):
    pdf = tiny_project / "output/en/cramp/patient/cramp-patient-en.pdf"
    build(tiny_project, "-q")
    assert written(build(tiny_project, "--force")) == {"en/cramp/patient/cramp-patient-en.pdf"}
    pdf.unlink()
    assert written(build(tiny_project)) == {"en/cramp/patient/cramp-patient-en.pdf"}
    text = tiny_project / "content/cramp/en.yaml"
    good = text.read_text()
    text.write_text(good.replace("      - p: A cramp is a tight muscle. It goes away. [^nhs]",
                                 "      - p: A cramp is a tight muscle. [^nhs]\n" * 120))
    failed = run("--project", tiny_project, "build")
    assert failed.exit_code == 1 and "0 rendered, 0 up to date, 1 failed" in failed.stderr
    text.write_text(good)
    assert "1 up to date" in build(tiny_project).stderr


def test_parallel_and_sequential_builds_write_the_same_bytes(matrix_project: Path, tmp_path: Path):
    twin = tmp_path / "twin"
    shutil.copytree(matrix_project, twin)
    build(matrix_project, "-q", "--jobs", "1")
    build(twin, "-q", "--jobs", "3")
    outputs = {p.relative_to(matrix_project / "output"): p.read_bytes()
               for p in (matrix_project / "output").rglob("*.pdf")}
    assert len(outputs) == len(ALL)
    assert all((twin / "output" / name).read_bytes() == data for name, data in outputs.items())


def test_shards_split_the_matrix_and_their_outputs_merge(matrix_project: Path, tmp_path: Path):
    machines = [tmp_path / "machine-1", tmp_path / "machine-2"]
    for machine in machines:
        shutil.copytree(matrix_project, machine)
    first, second = (written(build(machine, "--shard", f"{n}/2"))
                     for n, machine in enumerate(machines, start=1))
    assert first and second and not first & second and first | second == ALL
    trees = [{p.relative_to(m / "output") for p in (m / "output").rglob("*") if p.is_file()}
             for m in machines]
    assert not trees[0] & trees[1], "merging the output folders would overwrite a file"
    shutil.copytree(machines[1] / "output", machines[0] / "output", dirs_exist_ok=True)
    merged = build(machines[0])
    assert "0 rendered, 8 up to date" in merged.stderr
    assert [p.name for p in (machines[0] / "output").glob(".leaflets-*")] == [
        ".leaflets-manifest.json"]


def test_shard_is_checked(tiny_project: Path):
    result = run("--project", tiny_project, "build", "--shard", "3/2")
    assert result.exit_code == 2 and "shard 3/2 does not exist" in result.stderr
    assert run("--project", tiny_project, "build", "--jobs", "0").exit_code == 2


def imports_weasyprint(*arguments: str | Path) -> bool:
    """Run the CLI in a fresh interpreter and say whether WeasyPrint got imported."""
    script = ("import sys\nfrom leaflets.cli import cli\n"
              "try:\n    cli.main(sys.argv[1:], prog_name='leaflets', standalone_mode=False)\n"
              "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
              "print('weasyprint' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script, *map(str, arguments)], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1] == "True"


def test_help_list_check_and_a_no_op_build_never_import_weasyprint(tiny_project: Path):
    assert not imports_weasyprint("--help")
    assert not imports_weasyprint("build", "--help")
    assert not imports_weasyprint("--project", tiny_project, "list")
    assert not imports_weasyprint("--project", tiny_project, "check")
    assert imports_weasyprint("--project", tiny_project, "build", "-q")
    assert not imports_weasyprint("--project", tiny_project, "build", "-q")
