"""Adding a topic or a language is content only: scaffold it, fill it in, build it."""

from pathlib import Path

import pytest
import yaml

from conftest import REPO, run, write
from leaflets.content.project import is_placeholder
from pdf_tools import pdf_text

GERMAN_LOCALE = """\
locale: de_DE
name: Deutsch
readability: {formula: lix, target: 40, max_words_per_sentence: 15}
audiences: {patient: Informationen für Patienten, carer: Für Angehörige, clinician: Kurzinfo für Fachleute}
tiers:
  gp: Gehen Sie in {gp}, wenn
  today: Rufen Sie heute {gp} oder {urgent} an, wenn
  emergency: Rufen Sie {emergency} an, wenn
strings:
  scan_online: Scannen, um dieses Merkblatt online zu lesen
  qr_alt: "QR-Code: öffnet {title} online"
  checklist: Ihre Checkliste
  tick_any: Kreuzen Sie an, was zutrifft, und zeigen Sie es Ihrer Ärztin oder Ihrem Arzt.
  get_help: Wann Sie Hilfe holen sollten
  sources: Quellen
  last_reviewed: Zuletzt geprüft
  next_review: Nächste Prüfung
  version: Version
  page_of: Seite {page} von {pages}
  disclaimer: Dieses Merkblatt ersetzt keine ärztliche Beratung.
  hold_seconds: {one: "{n} Sekunde halten", other: "{n} Sekunden halten"}
  repeat_times: {one: "{n}-mal wiederholen", other: "{n}-mal wiederholen"}
  site_name: Gesundheitsmerkblätter
  skip_to_content: Zum Text springen
  choose_language: Sprache wählen
  leaflets_in_language: Merkblätter auf Deutsch
  all_languages: Alle Sprachen
  other_languages: Dieses Merkblatt in anderen Sprachen
  not_available: Dieses Merkblatt gibt es noch nicht auf Deutsch.
  breadcrumbs: Sie sind hier
  download_pdf: Merkblatt zum Drucken herunterladen
  pdf_size: "PDF, {size} KB"
  print_page: Drucken Sie diese Seite mit dem Druckbefehl Ihres Browsers.
  published_by: "Herausgegeben von {publisher}."
  clinic_heading: Ihre Praxis
  phone: Telefon
  website: Website
  note_heading: Eine Notiz Ihrer Praxis
  note_for: "Eine Notiz für {name}"
  checklist_carer: Ihre Beschwerden
  tick_any_carer: Kreuzen Sie an, was zutrifft, und zeigen Sie dies dem Arzt.
  tick_today: Angekreuzt? Holen Sie sich heute Hilfe.
  tick_emergency: Angekreuzt? Rufen Sie jetzt {emergency} an.
  disclaimer_clinician: Für Fachleute. Eine Zusammenfassung der Quellen.
  per_day:
    one: Einmal am Tag
    other: "{n}-mal am Tag"
"""

# A region of the project's own: German leaflets name German services.
GERMAN_REGION = """\
name: Deutschland
services:
  gp: {de: die Hausarztpraxis}
  urgent: {de: den ärztlichen Bereitschaftsdienst 116117}
  emergency: {de: "112"}
  hospital: {de: die Notaufnahme}
  crisis: {de: die TelefonSeelsorge unter 0800 111 0 111}
"""

GERMAN_TEXT = """\
title: Wadenkrampf
summary: Ein kurzer Test.
sections:
  what:
    heading: Was ist das?
    blocks:
      - p: Ein Krampf ist ein harter Muskel. Er geht vorbei. [^nhs]
diagram:
  title: Eine Dehnung
  description: Machen Sie das vor dem Schlafen.
  steps:
    lean: Lehnen Sie sich an eine Wand.
red_flags:
  long: ein Krampf länger als 10 Minuten dauert
  swollen: Ihr Bein geschwollen ist
checklist:
  long: Ein Krampf dauerte länger als 10 Minuten
"""


def test_a_fifth_language_is_files_only(tiny_project: Path):
    config = tiny_project / "leaflets.yaml"
    config.write_text(config.read_text().replace("languages: [en]", "languages: [en, de]")
                      .replace("region: gb", "region: {en: gb, de: de}"))
    write(tiny_project, {"content/_locales/de.yaml": GERMAN_LOCALE,
                         "content/_regions/de.yaml": GERMAN_REGION,
                         "content/cramp/de.yaml": GERMAN_TEXT})
    result = run("--project", tiny_project, "build", "--lang", "de")
    assert result.exit_code == 0, result.stderr
    assert "stale" not in result.stderr
    text = pdf_text(tiny_project / "output/de/cramp/patient/cramp-patient-de.pdf")
    for expected in ("Wadenkrampf", "Ihre Checkliste", "Seite 1 von 1", "5 Sekunden halten",
                     "Rufen Sie heute die Hausarztpraxis", "1. Januar 2099"):
        assert expected in text
    for english in ("Page", "Tick any", "Scan to read", "Sources"):
        assert english not in text


def test_new_topic_scaffolds_every_key(tiny_project: Path):
    result = run("--project", tiny_project, "new", "topic", "hiccups")
    assert result.exit_code == 0, result.stderr
    text = yaml.safe_load((tiny_project / "content/hiccups/en.yaml").read_text())
    assert set(text) == {"title", "summary", "sections", "diagram", "red_flags", "checklist"}
    # Just made, it is not written yet: left out with a warning, never stopping the others.
    build = run("--project", tiny_project, "build")
    assert build.exit_code == 0, build.stderr
    assert ("content/hiccups/en.yaml:1:1: (file): the topic 'hiccups' is not written yet (every "
            "text of en.yaml is empty), so it is left out; fill in topic.yaml and en.yaml "
            "(warning)") in build.stderr
    assert (tiny_project / "output/en/cramp/patient/cramp-patient-en.pdf").is_file()
    assert not (tiny_project / "output/en/hiccups").exists()
    assert run("--project", tiny_project, "check", "--strict").exit_code == 1
    # Once writing starts, check lists what is left.
    path = tiny_project / "content/hiccups/en.yaml"
    path.write_text(path.read_text().replace("title: ''", "title: Hiccups"))
    check = run("--project", tiny_project, "check")
    assert check.exit_code == 1
    assert "content/hiccups/en.yaml:3:1: summary: this text is empty" in check.stderr


def test_new_language_mirrors_the_source_text(tiny_project: Path):
    result = run("--project", tiny_project, "new", "language", "de")
    assert result.exit_code == 0, result.stderr
    assert "Add de to `languages:`" in result.stderr
    scaffold = yaml.safe_load((tiny_project / "content/cramp/de.yaml").read_text())
    source = yaml.safe_load((tiny_project / "content/cramp/en.yaml").read_text())
    assert set(scaffold) - {"translation"} == set(source)
    assert scaffold["red_flags"] == {"long": "", "swollen": ""}
    assert run("--project", tiny_project, "new", "language", "de").exit_code == 1


def test_new_language_has_every_cldr_plural_form(tiny_project: Path):
    """Ukrainian needs one, few, many and other: the scaffold asks for all four."""
    result = run("--project", tiny_project, "new", "language", "uk")
    assert result.exit_code == 0, result.stderr
    locale = yaml.safe_load((tiny_project / "content/_locales/uk.yaml").read_text())
    assert locale["strings"]["hold_seconds"] == {"one": "", "few": "", "many": "", "other": ""}
    assert locale["strings"]["site_name"] == ""
    assert locale["readability"]["formula"] == "flesch-oborneva"  # a Cyrillic measure
    run("--project", tiny_project, "new", "language", "ar")
    arabic = yaml.safe_load((tiny_project / "content/_locales/ar.yaml").read_text())
    assert arabic["readability"]["formula"] == "none"
    assert list(arabic["strings"]["hold_seconds"]) == ["zero", "one", "two", "few", "many", "other"]


def test_new_refuses_bad_names(tiny_project: Path):
    assert run("--project", tiny_project, "new", "topic", "../evil").exit_code == 2
    assert run("--project", tiny_project, "new", "language", "Deutsch").exit_code == 2


def test_new_project_builds_as_it_stands(tmp_path: Path):
    folder = tmp_path / "clinic"
    result = run("new", "project", folder, "--base-url", "https://leaflets.riverside.nl",
                 "--region", "nl")
    assert result.exit_code == 0, result.stderr
    assert "Created" in result.stdout and "4 topics" in result.stdout
    config = yaml.safe_load((folder / "leaflets.yaml").read_text())
    assert config["base_url"] == "https://leaflets.riverside.nl"
    assert config["region"] == "nl"
    shipped = sorted(p.relative_to(REPO) for p in (REPO / "content").glob("*/*.yaml"))
    assert sorted(p.relative_to(folder) for p in (folder / "content").glob("*/*.yaml")) == shipped
    checked = run("--project", folder, "check")
    leaflets = 4 * len(config["languages"]) * len(config["audiences"])
    assert checked.exit_code == 0
    assert f"ok: 4 topic(s), {leaflets} leaflet(s), 0 warning(s)" in checked.stdout
    built = run("--project", folder, "build", "--lang", "en", "--topic", "night-leg-cramps",
                "--audience", "patient", "--strict")
    assert built.exit_code == 0, built.stderr
    pdf = folder / "output/en/night-leg-cramps/patient/night-leg-cramps-patient-en.pdf"
    text = pdf_text(pdf)
    assert "Night leg cramps" in text
    # The Dutch region in English: the huisarts and 112, never NHS 111 or 999.
    assert "See a GP (huisarts) if" in text and "Call 112 or go to the emergency" in text
    assert "999" not in text and "NHS 111" not in text


def test_new_project_refuses_an_unknown_region(tmp_path: Path):
    result = run("new", "project", tmp_path / "clinic", "--region", "de")
    assert result.exit_code == 2 and "use one of gb, id, nl, ru" in result.stderr
    assert not (tmp_path / "clinic").exists()


def test_new_project_refuses_a_folder_with_files(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run("new", "project", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (f"error: {tmp_path} is not empty; name a new or empty folder "
                             "(nothing was written)\n")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    bad = run("new", "project", tmp_path / "x", "--base-url", "leaflets.clinic.nl")
    assert bad.exit_code == 2 and "is not a web address" in bad.stderr
    assert not (tmp_path / "x").exists()


def test_a_placeholder_base_url_warns_and_strict_refuses(tmp_path: Path):
    folder = tmp_path / "clinic"
    assert run("new", "project", folder).exit_code == 0
    warning = ("leaflets.yaml:4:1: base_url: 'https://leaflets.example.org' is a placeholder: "
               "every QR code would point to it; set base_url to the address where the built "
               "site is published")
    checked = run("--project", folder, "check")
    assert checked.exit_code == 0 and "1 warning(s)" in checked.stdout
    assert f"{warning} (warning)" in checked.stderr.replace(f"{folder}/", "")
    strict = run("--project", folder, "build", "--strict", "--lang", "en")
    assert strict.exit_code == 1 and not (folder / "output").exists()
    assert f"{warning}\n1 error(s) in 1 file(s); nothing was written." in strict.stderr.replace(
        f"{folder}/", "")


@pytest.mark.parametrize("url, placeholder", [
    ("https://leaflets.example.org", True), ("https://example.com/x", True),
    ("http://localhost:8000", True), ("https://leaflets.test", True),
    ("https://site.example", True), ("https://example.net.nl", False),
    ("https://leaflets.riverside.nl", False), ("https://notexample.org", False)])
def test_placeholder_domains(url: str, placeholder: bool):
    assert is_placeholder(url) is placeholder
