"""Translators' PO files: export a language, import it back, byte for byte when nothing changed."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from leaflets.content.catalog import _yaml, parse_key
from leaflets.content.loading import format_key

from conftest import REPO, run

PO = "translations/nl/night-leg-cramps.po"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "leaflets.yaml", root / "leaflets.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def _catalog(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def _save(catalog, path: Path) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0)
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize("path", sorted(REPO.glob("content/*/*.yaml")), ids=lambda p: p.name)
def test_ruamel_round_trips_every_content_file(path: Path):
    """The import's writer keeps comments, quotes, blank lines and order exactly."""
    text = path.read_text(encoding="utf-8")
    buffer = io.StringIO()
    _yaml().dump(_yaml().load(text), buffer)
    assert buffer.getvalue() == text


def test_key_paths_read_back():
    key = ("sections", "what-it-is", "blocks", 0, "bullets", 2)
    assert parse_key(format_key(key)) == key


def test_export_then_import_is_a_no_op(project: Path):
    before = _files(project)
    result = run("--project", project, "translate", "export", "--lang", "nl")
    assert result.exit_code == 0, result.stderr
    pos = sorted((project / "translations/nl").glob("*.po"))
    assert [p.stem for p in pos] == sorted(p.name for p in (REPO / "content").iterdir())
    result = run("--project", project, "translate", "import", *pos)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("no change") == 5
    assert _files(project) == before
    again = project / "again"
    run("--project", project, "translate", "export", "--lang", "nl", "--output", again)
    assert (again / "nl/night-leg-cramps.po").read_bytes() == (project / PO).read_bytes()


def test_export_entries_carry_key_source_translation_and_line(project: Path):
    run("--project", project, "translate", "export", "--lang", "nl")
    catalog = _catalog(project / PO)
    title = catalog.get("Night leg cramps", context="title")
    assert title.string == "Nachtelijke kuitkramp" and not title.fuzzy
    assert title.locations == [("content/night-leg-cramps/en.yaml", 3)]
    assert str(catalog.locale) == "nl"


def test_a_stale_translation_is_fuzzy(project: Path):
    en = project / "content/night-leg-cramps/en.yaml"
    en.write_text(en.read_text().replace("title: Night leg cramps", "title: Leg cramps at night"))
    run("--project", project, "translate", "export", "--lang", "nl")
    catalog = _catalog(project / PO)
    assert catalog.get("Leg cramps at night", context="title").string == "Nachtelijke kuitkramp"
    assert all(m.fuzzy for m in catalog if m.id and m.string)


def test_import_changes_that_text_only_and_records_the_source_hash(project: Path):
    en = project / "content/night-leg-cramps/en.yaml"
    en.write_text(en.read_text().replace("title: Night leg cramps", "title: Leg cramps at night"))
    nl = project / "content/night-leg-cramps/nl.yaml"
    before = nl.read_text().splitlines()
    run("--project", project, "translate", "export", "--lang", "nl")
    catalog = _catalog(project / PO)
    for message in catalog:
        if message.id:
            message.flags.discard("fuzzy")  # the translator confirmed every entry
    catalog.get("Leg cramps at night", context="title").string = "Kramp in de benen 's nachts"
    _save(catalog, project / PO)
    result = run("--project", project, "translate", "import", project / PO)
    assert result.exit_code == 0, result.stderr
    after = nl.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(changed) == 2, changed
    assert changed[0][1] == "title: Kramp in de benen 's nachts"
    assert changed[1][1].startswith("translation: {source_hash: ")  # still a flow mapping
    assert after[0].startswith("# Nachtelijke kuitkramp")  # comments kept
    check = run("--project", project, "check", "--strict")
    assert "night-leg-cramps/nl.yaml" not in check.stderr, check.stderr


def test_interface_strings_have_every_plural_form_of_the_language(project: Path):
    """Russian needs one, few, many and other: four entries, whatever English has."""
    result = run("--project", project, "translate", "export", "--lang", "ru", "--topic", "_locales")
    assert result.exit_code == 0, result.stderr
    catalog = _catalog(project / "translations/ru/_locales.po")
    forms = {m.context: m for m in catalog if m.context and m.context.startswith("strings.hold_")}
    assert sorted(forms) == [f"strings.hold_seconds.{c}" for c in ("few", "many", "one", "other")]
    assert forms["strings.hold_seconds.few"].id == "Hold for {n} seconds"
    assert forms["strings.hold_seconds.few"].string == "Держите {n} секунды"
    assert catalog.get("Call {emergency} or go to {hospital} if",
                       context="tiers.emergency").string == "Звоните {emergency}, если"
    assert not any(m.context and m.context.startswith(("locale", "readability")) for m in catalog)


def test_import_refuses_other_numbers_or_citations_at_their_line(project: Path):
    run("--project", project, "translate", "export", "--lang", "nl")
    po = project / PO
    catalog = _catalog(po)
    paragraph = catalog.get(next(m.id for m in catalog if m.context == "sections.what-it-is.blocks[0].p"),
                            context="sections.what-it-is.blocks[0].p")
    paragraph.string = paragraph.string.replace("10 minuten", "15 minuten")
    summary = catalog.get(next(m.id for m in catalog if m.context == "summary"), context="summary")
    summary.string = summary.string.replace(" [^nice-cks]", "")
    _save(catalog, po)
    before = _files(project)
    result = run("--project", project, "translate", "import", po)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    text = po.read_text(encoding="utf-8").splitlines()
    at = {context: text.index(f'msgctxt "{context}"') + 2  # the msgid's line
          for context in ("summary", "sections.what-it-is.blocks[0].p")}
    assert lines[0].endswith(f":{at['summary']}:1: summary: the citations differ from the en "
                             "text: keep each [^reference] mark exactly as it is")
    assert lines[1].endswith(f":{at['sections.what-it-is.blocks[0].p']}:1: "
                             "sections.what-it-is.blocks[0].p: the numbers differ from "
                             "the en text: en has 10, nl has 15; keep every number")
    assert lines[0].startswith(str(po)) and lines[2].startswith("2 error(s) in 1 file(s)")
    assert _files(project) == before


def test_a_missing_plural_form_is_filled_in_through_the_po_file(project: Path):
    ru = project / "content/_locales/ru.yaml"
    ru.write_text(ru.read_text().replace("    few: Держите {n} секунды\n", ""))
    assert run("--project", project, "check").exit_code == 1
    run("--project", project, "translate", "export", "--lang", "ru", "--topic", "_locales")
    po = project / "translations/ru/_locales.po"
    catalog = _catalog(po)
    few = catalog.get("Hold for {n} seconds", context="strings.hold_seconds.few")
    assert few.string == ""
    few.string = "Держите {n} секунды"
    _save(catalog, po)
    result = run("--project", project, "translate", "import", po)
    assert result.exit_code == 0, result.stderr
    assert "    few: Держите {n} секунды\n" in ru.read_text()
    assert run("--project", project, "check").exit_code == 0
