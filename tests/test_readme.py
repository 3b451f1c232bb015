"""The README and docs/ show commands that work: every `leaflets` line parses as shown, the
quick start runs in an empty folder, and the project file shown is the one shipped."""

import re
import shlex
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(), flags=re.S)


def commands(path: Path) -> list[str]:
    """Each `leaflets ...` line of the shell blocks, without its comment."""
    return [line.split(" #")[0].strip() for block in blocks(path, "sh")
            for line in block.splitlines() if line.startswith("leaflets ")]


SHOWN = [(path.relative_to(REPO).as_posix(), line) for path in DOCS for line in commands(path)]


def test_the_readme_starts_with_the_quick_start():
    headings = re.findall(r"(?m)^## (.*)$", (REPO / "README.md").read_text())
    assert headings[:2] == ["Quick start", "Requirements"]
    assert len(SHOWN) > 20


@pytest.mark.parametrize("doc, line", SHOWN, ids=[f"{d}: {c}" for d, c in SHOWN])
def test_every_command_shown_exists_with_its_options(doc: str, line: str, tiny_project: Path):
    result = run("--project", tiny_project, *shlex.split(line)[1:], "--help")
    assert result.exit_code == 0, f"{doc}: {line}: {result.stderr}"
    assert result.stdout.startswith("Usage: ")


def test_the_quick_start_runs_in_an_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    quick = blocks(REPO / "README.md", "sh")[0].splitlines()
    monkeypatch.chdir(tmp_path)
    for line in quick:
        words = shlex.split(line.split(" #")[0])
        if words[0] == "cd":
            monkeypatch.chdir(words[1])
        elif words[:2] == ["leaflets", "build"]:  # one leaflet stands in for all of them here
            result = run(*words[1:], "--lang", "en", "--topic", "night-leg-cramps",
                         "--audience", "patient")
            assert result.exit_code == 0 and "(warning)" not in result.stderr, result.stderr
            assert Path("output/index.html").is_file()
        elif words[:2] == ["leaflets", "new"]:
            assert run(*words[1:]).exit_code == 0
    assert Path("output/en/night-leg-cramps/patient/night-leg-cramps-patient-en.pdf").is_file()


def test_the_project_file_shown_is_the_one_shipped():
    shown = [b for b in blocks(REPO / "docs/content.md", "yaml") if "base_url:" in b]
    assert shown == [(REPO / "leaflets.yaml").read_text()]
    assert yaml.safe_load(shown[0])["audiences"]["patient"]["large_print_pages"] == 5
