"""Regions: the services a leaflet names come from the region, never from the language."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from leaflets.content.clinic import load_clinic
from leaflets.content.project import BUILTIN_REGIONS, load_project, region_files
from leaflets.content.schema import SERVICES, Region
from leaflets.content.validation import load_content
from leaflets.errors import ContentErrors

from conftest import REPO, TOPIC, run, write
from pdf_tools import pdf_text

PDF = "output/en/cramp/patient/cramp-patient-en.pdf"
LANGUAGES = ("en", "nl", "ru", "id", "ar", "uk")


def emergency_flag(root: Path) -> None:
    """The tiny project with its `long` red flag (and checklist item) in the emergency tier."""
    write(root, {"content/cramp/topic.yaml": TOPIC.replace("{id: long, tier: today",
                                                           "{id: long, tier: emergency")})


@pytest.mark.parametrize("region_id", ["gb", "nl", "ru", "id"])
def test_each_built_in_region_names_every_service_in_every_language(region_id: str):
    region = Region.model_validate(yaml.safe_load(
        (BUILTIN_REGIONS / f"{region_id}.yaml").read_text(encoding="utf-8")))
    for service in SERVICES:
        assert set(getattr(region.services, service)) >= set(LANGUAGES), service


def test_the_shipped_project_keeps_each_language_with_its_country():
    config = load_project(REPO).config
    assert {lang: config.region_of(lang) for lang in config.languages} == {
        "en": "gb", "nl": "nl", "ru": "ru", "id": "id", "ar": "gb", "uk": "gb"}
    assert set(region_files()) == {"gb", "id", "nl", "ru"}


def test_one_region_for_every_language_sends_english_readers_to_112(tiny_project: Path):
    emergency_flag(tiny_project)
    config = tiny_project / "leaflets.yaml"
    config.write_text(config.read_text().replace("region: gb", "region: nl"))
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 0, result.stderr
    text = pdf_text(tiny_project / PDF)
    assert "Call 112 or go to the emergency department (SEH) if" in text
    assert "See a GP (huisarts) if" in text and "If you tick this, call 112 now." in text
    assert "999" not in text and "A&E" not in text


def test_a_region_of_the_project_overrides_a_built_in_one(tiny_project: Path):
    gb = yaml.safe_load((BUILTIN_REGIONS / "gb.yaml").read_text(encoding="utf-8"))
    gb["services"]["gp"]["en"] = "the Riverside practice"
    write(tiny_project, {"content/_regions/gb.yaml": yaml.safe_dump(gb, allow_unicode=True)})
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 0, result.stderr
    text = pdf_text(tiny_project / PDF)
    assert "See the Riverside practice if" in text and "NHS 111" in text


def test_a_clinic_profile_sets_the_region_of_its_builds(tiny_project: Path):
    emergency_flag(tiny_project)
    write(tiny_project, {"clinic.yaml": "name: Praktijk De Linde\nregion: nl\n"})
    plain = run("--project", tiny_project, "build")
    assert plain.exit_code == 0, plain.stderr
    assert "Call 999 or go to A&E if" in pdf_text(tiny_project / PDF)
    branded = run("--project", tiny_project, "build", "--clinic", tiny_project / "clinic.yaml")
    assert branded.exit_code == 0, branded.stderr
    text = pdf_text(tiny_project / PDF)
    assert "Call 112 or go to the emergency department (SEH) if" in text
    assert "Praktijk De Linde" in text and "999" not in text


def test_a_clinic_region_must_exist_and_serve_every_language(tiny_project: Path):
    project = load_project(tiny_project)
    write(tiny_project, {"clinic.yaml": "name: Praktijk De Linde\nregion: nld\n"})
    with pytest.raises(ContentErrors) as raised:
        load_clinic(project, tiny_project / "clinic.yaml")
    error, = raised.value.errors
    assert (error.line, error.key) == (2, "region") and "unknown region 'nld'" in error.message
    write(tiny_project, {"clinic.yaml": "name: Praktijk De Linde\nregion: home\n",
                         "content/_regions/home.yaml": "name: Home\nservices:\n"
                         + "".join(f"  {s}: {{nl: de {s}}}\n" for s in SERVICES)})
    with pytest.raises(ContentErrors) as raised:
        load_clinic(project, tiny_project / "clinic.yaml")
    assert [(Path(e.path).name, e.key) for e in raised.value.errors] == [
        ("home.yaml", f"services.{s}") for s in SERVICES]
    assert "no en text" in raised.value.errors[0].message


def test_a_tier_heading_names_only_services(tiny_project: Path):
    locale = tiny_project / "content/_locales/en.yaml"
    locale.write_text(locale.read_text().replace("or go to {hospital} if", "or go to {hospitl} if"))
    with pytest.raises(ContentErrors) as raised:
        load_content(load_project(tiny_project))
    error, = raised.value.errors
    assert error.key == "tiers.emergency"
    assert "unknown service 'hospitl'; did you mean 'hospital'?" in error.message


def test_services_in_a_locale_file_point_to_regions(tiny_project: Path):
    locale = tiny_project / "content/_locales/en.yaml"
    locale.write_text(locale.read_text().replace(
        "audiences:\n", 'services: {gp: a GP, emergency: "999"}\naudiences:\n', 1))
    with pytest.raises(ContentErrors) as raised:
        load_content(load_project(tiny_project))
    error, = raised.value.errors
    assert error.key == "services" and "they come from the region" in error.message
