"""Desk input → a checked order: every field refused with a clear, field-named message."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaflets.content.clinic import Clinic
from leaflets.content.project import load_project
from leaflets.desk.form import FormError, read_order
from leaflets.content.validation import load_content

GOOD = {"topic": "cramp", "lang": "en", "audience": "patient", "paper": "a4"}


@pytest.fixture
def content(tiny_project: Path):
    return load_content(load_project(tiny_project))


def test_a_full_order(content):
    profile = Clinic("Hill Surgery", website="https://hill.example/", accent="#0b6e4f")
    order = read_order({**GOOD, "paper": "letter", "large_print": "on", "clinic_name": " Riverside ",
                        "clinic_phone": "0113 496 0000", "clinic_address": "1 Road\r\nLeeds\n",
                        "patient_name": "Zoë-Ann O’Neil", "note": "Rest.\nSee you soon."},
                       content, profile)
    assert (order.key.topic, order.key.lang, order.key.audience) == ("cramp", "en", "patient")
    options = order.options
    assert options.paper == "letter" and options.large_print
    assert options.clinic == Clinic("Riverside", ("1 Road", "Leeds"), "0113 496 0000",
                                    "https://hill.example/", None, "#0b6e4f")
    assert options.patient_name == "Zoë-Ann O’Neil" and options.note == "Rest.\nSee you soon."


def test_optional_fields_may_be_empty(content):
    options = read_order(GOOD, content, None).options
    assert options.clinic is None and options.note == "" and options.patient_name == ""
    assert read_order({**GOOD, "patient_name": "Анна"}, content, None).options.patient_name == "Анна"


@pytest.mark.parametrize("change, message", [
    ({"topic": "../../etc/passwd"}, "Topic: unknown topic '../../etc/passwd'; choose one of: cramp"),
    ({"topic": ""}, "Topic: unknown topic ''; choose one of: cramp"),
    ({"lang": "xx"}, "Language: unknown language 'xx'; choose one of: en"),
    ({"audience": "clinician"}, "Audience: unknown audience for cramp 'clinician'; choose one of: "
                                "patient"),
    ({"paper": "a3"}, "Paper size: unknown paper size 'a3'; choose one of: a4, letter"),
    ({"large_print": "yes"}, "Large print: tick the box or leave it empty"),
    ({"note": "x" * 301}, "Personal note: 301 characters is too long; keep it to 300"),
    ({"note": "1\n2\n3\n4\n5\n6\n7"}, "Personal note: use at most 6 lines"),
    ({"note": "call \u202e0000 111"}, "Personal note: it contains control characters or line "
                                      "breaks; type plain text"),
    ({"note": "bell\x07"}, "Personal note: it contains control characters"),
    ({"patient_name": "Anna<script>"}, "Patient's first name: use letters, spaces, hyphens and "
                                       "apostrophes only"),
    ({"patient_name": "Anna\nSmith"}, "Patient's first name: it contains control characters or "
                                      "line breaks"),
    ({"patient_name": "A" * 41}, "Patient's first name: 41 characters is too long; keep it to 40"),
    ({"clinic_phone": "0113"}, "Clinic name: give the clinic's name too, or leave the clinic "
                               "details empty"),
    ({"clinic_name": "Hill", "clinic_phone": "ring us"}, "Clinic phone: 'ring us' is not a phone "
                                                         "number"),
    ({"clinic_name": "Hill", "clinic_address": "a\nb\nc\nd\ne"}, "Clinic address: use at most 4 "
                                                                 "lines"),
    ({"clinic_name": "H" * 81}, "Clinic name: 81 characters is too long; keep it to 80"),
    ({"note": "Tomorrow: გამარჯობა"}, "Personal note: the leaflet fonts cannot print 'გ' (U+10D2 "
                                      "GEORGIAN LETTER GAN), 'ა' (U+10D0 GEORGIAN LETTER AN), "
                                      "'მ' (U+10DB GEORGIAN LETTER MAN); type it in a script"),
])
def test_bad_input_is_refused_by_field(content, change, message):
    with pytest.raises(FormError) as caught:
        read_order({**GOOD, **change}, content, None)
    assert str(caught.value).startswith(message)
    assert caught.value.field in {*change, "clinic_name"}


def test_a_long_unknown_id_is_not_echoed_whole(content):
    with pytest.raises(FormError) as caught:
        read_order({**GOOD, "lang": "x" * 5000}, content, None)
    assert len(str(caught.value)) < 200


def test_the_clinic_region_applies_at_the_desk_even_without_the_clinic_details(content):
    profile = Clinic("Praktijk De Linde", region="nl")
    assert read_order(GOOD, content, profile).options.region == "nl"
    assert read_order({**GOOD, "clinic_name": "Riverside"}, content, profile).options.region == "nl"
    assert read_order(GOOD, content, None).options.region is None
