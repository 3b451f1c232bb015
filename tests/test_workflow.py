"""The CI workflow builds one language per job; its commands work as written."""

import shlex
from pathlib import Path

import yaml

from conftest import REPO, run

WORKFLOW = yaml.safe_load((REPO / ".github/workflows/leaflets.yml").read_text())


def test_matrix_covers_every_configured_language():
    config = yaml.safe_load((REPO / "leaflets.yaml").read_text())
    assert WORKFLOW["jobs"]["build"]["strategy"]["matrix"]["lang"] == config["languages"]


def test_each_job_builds_only_its_language(tiny_project: Path):
    config = tiny_project / "leaflets.yaml"
    config.write_text(config.read_text().replace("languages: [en]", "languages: [en, nl]"))
    for lang in ("en", "nl"):
        for name in ("_locales/", "cramp/"):
            source = REPO / "content/_locales/nl.yaml" if name == "_locales/" else \
                tiny_project / "content/cramp/en.yaml"
            target = tiny_project / "content" / name / f"{lang}.yaml"
            if not target.exists():
                target.write_text(source.read_text())
    steps = [s["run"] for s in WORKFLOW["jobs"]["build"]["steps"] if "run" in s]
    command = next(s for s in steps if s.startswith("leaflets build"))
    args = shlex.split(command.replace("${{ matrix.lang }}", "nl"))[1:]
    result = run("--project", tiny_project, *args, "-q")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tiny_project / "output").iterdir()) == [
        ".leaflets-manifest.json", "index.html", "infobutton", "nl"]
    assert (tiny_project / "output/nl/cramp/patient/cramp-patient-nl.pdf").is_file()
