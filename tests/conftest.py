"""Shared fixtures: throwaway projects written inline, and a build of the bundled content."""

from __future__ import annotations

import functools
import gc
import os
import shutil
import textwrap
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner
from filelock import FileLock

from leaflets.outputs import LeafletKey, RenderOptions, leaflet_keys
from leaflets.outputs import pdf_path
from leaflets.cli import cli
from leaflets.content.project import load_project
from leaflets.content.validation import load_content

REPO = Path(__file__).resolve().parent.parent
SHARED_BUILDS = {"bundled", "bundled_all"}  # the fixtures made once per run (made_once)

CONFIG = """\
base_url: https://leaflets.clinic
languages: [en]
region: gb
publisher: Test clinic
audiences:
  patient: {pages: 2, large_print_pages: 4, plain_language: true}
  clinician: {pages: 1, large_print_pages: 2, plain_language: false}
"""

TOPIC = """\
review: {last_reviewed: "2026-01-01", next_review: "2099-01-01", version: "1"}
references:
  - {id: nhs, title: Cramp, publisher: NHS, year: 2023, url: "https://www.nhs.uk/"}
diagram:
  steps:
    - {id: lean, picture: calf-wall-lean, hold_seconds: 5, repeats: 3}
red_flags:
  - {id: long, tier: today, source: nhs}
  - {id: swollen, tier: gp, source: nhs}
checklist:
  - {id: long, red_flag: long}
audiences:
  patient: [what, diagram, checklist, get-help]
"""

TEXT = """\
title: Test cramps
summary: A short test leaflet.
sections:
  what:
    heading: What it is
    blocks:
      - p: A cramp is a tight muscle. It goes away. [^nhs]
diagram:
  title: A stretch
  description: Do this before bed.
  steps:
    lean: Lean on a wall.
red_flags:
  long: a cramp lasts more than 10 minutes
  swollen: your leg is swollen
checklist:
  long: A cramp lasted more than 10 minutes
"""


def pytest_configure(config: pytest.Config) -> None:
    """Each worker holds the loaded content and the shared PDFs' glyphs for the whole run, and
    Python's cycle collector would walk them some 6,000 times; run a hundred times less
    often, it takes 1 s of CPU a run rather than 6."""
    gc.set_threshold(100_000, 50, 100)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked starts_first (the browser, the wheel, the desk's servers, two others of
    about ten seconds) go first: begun last, they would leave the other workers idle at the
    end of the run. Of those, the ones that need no shared build go before the ones that do,
    so that while one worker makes the shared builds the other has work: the desk's tests
    mostly wait on a server, and the builds' renders fill those waits.

    The checks of each shared PDF then run next to each other, so that the worker that
    takes them reads the PDF once (`shared_runs`), not every worker that takes one of them.
    """
    items.sort(key=lambda item: (item.get_closest_marker("starts_first") is None,
                                 bool(SHARED_BUILDS & set(item.fixturenames)),
                                 _shared_pdf(item)))


def _shared_pdf(item: pytest.Item) -> str:
    """The shared PDF a test checks, if it is parametrized by one (the `built` fixture)."""
    callspec = getattr(item, "callspec", None)
    return str(callspec.params["built"]) if callspec and "built" in callspec.params else ""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def write_tiny_project(root: Path) -> Path:
    """A valid one-topic, one-language project at `root`."""
    write(root, {"leaflets.yaml": CONFIG, "content/cramp/topic.yaml": TOPIC,
                 "content/cramp/en.yaml": TEXT})
    (root / "content/_locales").mkdir()
    shutil.copy(REPO / "content/_locales/en.yaml", root / "content/_locales/en.yaml")
    return root


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """A valid one-topic, one-language project in a temporary folder."""
    return write_tiny_project(tmp_path / "project")


DUTCH_TITLE = "title: Testkrampen\n"  # a copy of the English text would be refused
MATRIX_OUTPUTS = {f"{lang}/{topic}/{audience}/{topic}-{audience}-{lang}.pdf"
                  for lang in ("en", "nl") for topic in ("cramp", "stretch")
                  for audience in ("patient", "clinician")}


@pytest.fixture
def matrix_project(tiny_project: Path) -> Path:
    """Two topics × two languages × two audiences: the eight MATRIX_OUTPUTS.

    `cramp` shows the calf-wall-lean picture and `stretch` the towel-stretch picture.
    """
    from leaflets.errors import ErrorList
    from leaflets.content.loading import load_text
    from leaflets.content.tree import source_hash

    root = tiny_project
    config = root / "leaflets.yaml"
    config.write_text(config.read_text().replace("languages: [en]", "languages: [en, nl]"))
    shutil.copy(REPO / "content/_locales/nl.yaml", root / "content/_locales/nl.yaml")
    topic = TOPIC + "  clinician: [what, get-help]\n"
    stretch = topic.replace("picture: calf-wall-lean", "picture: towel-stretch")
    record = source_hash(load_text(root / "en.yaml", TEXT, ErrorList()))
    translation = f'translation: {{source_hash: "{record}", reviewed: "2026-01-01"}}\n'
    for name, facts in (("cramp", topic), ("stretch", stretch)):
        write(root, {f"content/{name}/topic.yaml": facts, f"content/{name}/en.yaml": TEXT,
                     f"content/{name}/nl.yaml": DUTCH_TITLE + TEXT.split("\n", 1)[1] + translation})
    return root


def run(*args: str | Path):
    """Run the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder `make` fills once per test run, shared by every pytest-xdist worker.

    The documented xdist pattern: the workers' temporary folders share a parent; the first
    worker to take the lock makes the folder, the others wait for it and reuse it. Tests
    only read these folders (a test that changes files copies them first).
    """
    shared = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the workers' folders are popen-gw0, popen-gw1, … in it
    folder, made = shared / name, shared / f"{name}.made"
    with FileLock(str(shared / f"{name}.lock")):
        if not made.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed to make it
            folder.mkdir()
            make(folder)
            made.touch()
    return folder


def _build_bundled(root: Path) -> None:
    shutil.copy(REPO / "leaflets.yaml", root / "leaflets.yaml")
    shutil.copytree(REPO / "content", root / "content")
    result = shared_build("--project", root, "build", "-q")
    assert result.exit_code == 0, result.stderr


def shared_build(*args: str | Path):
    """`run`, without SOURCE_DATE_EPOCH: the shared builds are dated from the content alone,
    as a fresh build in a test is (test_two_builds_are_byte_identical compares them)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        return run(*args)


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own content, built once into a temporary copy of the project."""
    return made_once(tmp_path_factory, "bundled", _build_bundled)


@pytest.fixture(scope="session")
def bundled_all(bundled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled build, plus both papers in normal and large print, in one output.

    A copy, so tests of the default build (one PDF per leaflet) never see these variants.
    """
    return made_once(tmp_path_factory, "bundled-all",
                     lambda folder: _build_variants(bundled, folder / "project")) / "project"


def _build_variants(bundled: Path, root: Path) -> None:
    shutil.copytree(bundled, root)
    default_paper = load_project(root).config.paper
    for paper in ("a4", "letter"):
        for large in (False, True):
            if paper == default_paper and not large:
                continue  # `bundled` built it
            result = shared_build("--project", root, "build", "-q", "--paper", paper,
                                  *(["--large-print"] if large else []))
            assert result.exit_code == 0, result.stderr


def built_pdfs(root: Path) -> list[tuple[LeafletKey, RenderOptions, Path]]:
    """Every PDF `bundled_all` builds: each leaflet on both papers, normal and large print."""
    return list(_built_pdfs(root))


@functools.cache
def _built_pdfs(root: Path) -> tuple[tuple[LeafletKey, RenderOptions, Path], ...]:
    # Loading the content takes a third of a second, and about 1,500 tests ask; the shared
    # build never changes during a run, so each worker loads it once.
    content = load_content(load_project(root))
    return tuple((key, options, pdf_path(content, key, options))
                 for key in leaflet_keys(content)
                 for options in (RenderOptions(paper, large) for paper in ("a4", "letter")
                                 for large in (False, True)))
