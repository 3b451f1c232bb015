"""Clinic branding: the profile is validated like content and printed on every leaflet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from leaflets.content.clinic import contrast_ratio

from conftest import run, write
from pdf_tools import pdf_text
from site_tools import read_page

LOGO_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20">'
            '<rect width="40" height="20" fill="#0b6e4f"/></svg>\n')
PROFILE = """\
name: Riverside Health Centre
address: [12 Mill Lane, Leeds LS1 4AB]
phone: +44 113 496 0000
website: https://riverside.example.org/
logo: branding/logo.svg
accent: "#0b6e4f"
"""
PDF = "output/en/cramp/patient/cramp-patient-en.pdf"
PAGE = "output/en/cramp/patient/index.html"


def png_bytes() -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (40, 20), "#0b6e4f").save(stream, format="PNG")
    return stream.getvalue()


def test_build_with_clinic_prints_it_on_the_pdf_and_the_page(tiny_project: Path):
    write(tiny_project, {"clinic.yaml": PROFILE, "branding/logo.svg": LOGO_SVG})
    result = run("--project", tiny_project, "build", "--clinic", tiny_project / "clinic.yaml")
    assert result.exit_code == 0, result.stderr
    text = pdf_text(tiny_project / PDF)
    assert "Your clinic: Riverside Health Centre" in text
    assert "12 Mill Lane, Leeds LS1 4AB" in text
    # name and phone beside "When to get help", and in the running footer on every page
    assert ("Your clinic: Riverside Health Centre · Phone: +44 113 496 0000 · 12 Mill Lane, "
            "Leeds LS1 4AB") in text
    # the running footer: the clinic's name and phone, on one line 12 mm from the edge
    assert "Riverside Health Centre · Phone: +44 113 496 0000 Page 1 of 1" in text
    page = read_page(tiny_project / PAGE)
    [logo] = page.all("img")
    assert logo["alt"] == "Riverside Health Centre"
    assert logo["src"].startswith("data:image/svg+xml;base64,")
    assert "--accent: #0b6e4f" in (tiny_project / PAGE).read_text()
    assert page.all("a")[1]["href"] == "../../../index.html"
    assert "Riverside Health Centre" in read_page(tiny_project / "output/index.html").text


def test_clinic_setting_in_leaflets_yaml_and_a_png_logo(tiny_project: Path):
    config = tiny_project / "leaflets.yaml"
    config.write_text(config.read_text() + "clinic: branding/clinic.yaml\n")
    (tiny_project / "branding").mkdir()
    (tiny_project / "branding/logo.png").write_bytes(png_bytes())
    write(tiny_project, {"branding/clinic.yaml": "name: Hill Surgery\nlogo: logo.png\n"})
    result = run("--project", tiny_project, "build", "-q")
    assert result.exit_code == 0, result.stderr
    assert "Your clinic: Hill Surgery" in pdf_text(tiny_project / PDF)
    [logo] = read_page(tiny_project / PAGE).all("img")
    assert logo["src"].startswith("data:image/png;base64,")


def test_without_a_profile_the_footer_is_neutral(tiny_project: Path):
    assert run("--project", tiny_project, "build", "-q").exit_code == 0
    text = pdf_text(tiny_project / PDF)
    assert "Test cramps · Next review due: 1 January 2099" in text
    assert "Your clinic" not in text
    page = read_page(tiny_project / PAGE)
    assert "Published by Test clinic." in page.text and not page.all("img")


@pytest.mark.parametrize("profile, files, expected", [
    ("name: A\nphne: 1\n", {}, "clinic.yaml:2:1: phne: unknown key 'phne'; did you mean 'phone'?"),
    ("name: A\nphone: call us\n", {},
     "clinic.yaml:2:1: phone: 'call us' is not a phone number; use digits, spaces, + ( ) - . /"),
    ("name: A\naccent: '#ffcc00'\n", {},
     "clinic.yaml:2:1: accent: #ffcc00 has a contrast of 1.5:1 against white, below 4.5:1; "
     "choose a darker colour so headings stay readable"),
    ("name: A\naccent: red\n", {}, "clinic.yaml:2:1: accent: 'red' is not a colour; write it "
     "as #rrggbb, like #1d4e89"),
    ("name: \"A\\u202eB\"\n", {}, "clinic.yaml:1:7: name: the invisible character U+202E is not "
     "allowed: a direction control can make a number or words print in the wrong order; delete "
     "it (the text direction comes from the language)"),
    ("name: \"A\\nB\"\n", {}, "clinic.yaml:1:1: name: control characters, line breaks and "
     "direction overrides are not allowed; write plain text on one line"),
    ("name: A\nlogo: https://evil.example/logo.png\n", {},
     "clinic.yaml:2:1: logo: logos are read from the project folder only, never from the "
     "network; copy the file into the project and give its path"),
    ("name: A\nlogo: ../outside.png\n", {}, "clinic.yaml:2:1: logo: '../outside.png' is outside "
     "the project folder; copy the logo into the project and give its path relative to this file"),
    ("name: A\nlogo: /etc/passwd.png\n", {}, "logo: '/etc/passwd.png' is outside the project"),
    ("name: A\nlogo: file:///etc/passwd\n", {}, "logo: logos are read from the project folder "
     "only, never from the network"),
    ("name: A\nlogo: logo.gif\n", {}, "logo: 'logo.gif' is not an SVG or PNG file"),
    ("name: A\nlogo: missing.svg\n", {}, "logo: there is no file 'missing.svg' next to this "
     "profile; check the path"),
    ("name: A\nlogo: fake.png\n", {"fake.png": "not a png"}, "logo: 'fake.png' is not a PNG image"),
    ("name: A\nlogo: bad.svg\n", {"bad.svg": "<svg><script>alert(1)</script></svg>"},
     "logo: 'bad.svg': the SVG contains a script; use a plain drawing"),
    ("name: A\nlogo: far.svg\n", {"far.svg": '<svg xmlns="http://www.w3.org/2000/svg"><image '
                                  'href="file:///etc/passwd"/></svg>'},
     "logo: 'far.svg': the SVG refers to other files or addresses"),
    ("name: A\nlogo: ent.svg\n", {"ent.svg": '<!DOCTYPE svg [<!ENTITY a "b">]><svg/>'},
     "logo: 'ent.svg': the SVG declares a DOCTYPE or entities; remove them"),
])
def test_profile_errors_are_located_and_nothing_is_written(tiny_project: Path, profile: str,
                                                           files: dict[str, str], expected: str):
    write(tiny_project, {"clinic.yaml": profile, **files})
    (tiny_project.parent / "outside.png").write_bytes(png_bytes())
    result = run("--project", tiny_project, "build", "--clinic", tiny_project / "clinic.yaml")
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert not (tiny_project / "output").exists()


def test_every_profile_error_is_listed_at_once(tiny_project: Path):
    write(tiny_project, {"clinic.yaml": "name: A\nphone: x\naccent: red\nwebsite: ftp://a\n"})
    result = run("--project", tiny_project, "build", "--clinic", tiny_project / "clinic.yaml")
    assert result.exit_code == 1
    assert "3 error(s) in 1 file(s)" in result.stderr
    assert "clinic.yaml:4:1: website: 'ftp://a' is not a web address" in result.stderr


def test_a_profile_outside_the_project_is_refused(tiny_project: Path, tmp_path: Path):
    write(tmp_path, {"elsewhere/clinic.yaml": "name: A\n"})
    result = run("--project", tiny_project, "build", "--clinic", tmp_path / "elsewhere/clinic.yaml")
    assert result.exit_code == 1 and "outside the project" in result.stderr


def test_missing_profile_says_how_to_fix(tiny_project: Path):
    result = run("--project", tiny_project, "build", "--clinic", tiny_project / "nope.yaml")
    assert result.exit_code == 1 and "there is no clinic profile here" in result.stderr


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#1d4e89", "#ffffff") == pytest.approx(8.39, abs=0.01)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("data, message", [
    (png_bytes()[:60], "the PNG is cut short (it has no end chunk)"),
    (png_bytes()[:33] + bytes(200) + png_bytes()[-12:], "the PNG cannot be decoded"),
    (b"\x89PNG\r\n\x1a\n" + bytes(8), "the PNG has no image header"),
])
def test_a_png_logo_that_cannot_be_decoded_is_refused(tiny_project: Path, data: bytes,
                                                      message: str):
    """WeasyPrint leaves out a logo it cannot decode without a word: check decodes it first."""
    write(tiny_project, {"clinic.yaml": "name: A\nlogo: logo.png\n"})
    with (tiny_project / "leaflets.yaml").open("a") as config:
        config.write("clinic: clinic.yaml\n")
    (tiny_project / "logo.png").write_bytes(data)
    result = run("--project", tiny_project, "check")
    assert result.exit_code == 1
    assert f"clinic.yaml:2:1: logo: 'logo.png': {message}" in result.stderr
    assert "Traceback" not in result.stderr
