"""The print desk app over HTTP (Flask's test client): PDFs, refusals, limits, privacy."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from leaflets.outputs import LeafletKey, leaflet_url
from leaflets.content.clinic import load_clinic
from leaflets.content.project import load_project
from leaflets.desk.app import MAX_BODY_BYTES, create_app
from leaflets.content.validation import load_content

from conftest import REPO, run, write
from pdf_tools import pdf_text, qr_urls

FORM = {"topic": "cramp", "lang": "en", "audience": "patient", "paper": "a4"}
MARKER = "Zebrafinch-7319"  # typed into every field; must never reach a log or a file


def desk(project: Path, timeout: float = 60.0, clinic: Path | None = None):
    content = load_content(load_project(project))
    app = create_app(content, load_clinic(content.project, clinic), timeout=timeout)
    return content, app.test_client()


def post(client, **fields: str):
    return client.post("/desk/leaflet", data={**FORM, **fields},
                       headers={"Host": "127.0.0.1:8000"})


def test_the_desk_form_is_prefilled_from_the_clinic_profile(tiny_project: Path):
    write(tiny_project, {"clinic.yaml": "name: Hill Surgery\nphone: 0113 496 0000\n"
                                        "address: [1 Road, Leeds]\n"})
    _, client = desk(tiny_project, clinic=tiny_project / "clinic.yaml")
    response = client.get("/desk/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Hill Surgery"' in html and 'value="0113 496 0000"' in html
    assert ">1 Road\nLeeds</textarea>" in html
    assert '<option value="cramp" selected>Test cramps</option>' in html
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src" not in response.headers["Content-Security-Policy"]


def test_a_personalised_pdf(tiny_project: Path, tmp_path: Path):
    content, client = desk(tiny_project)
    response = post(client, clinic_name="Riverside Health Centre", clinic_phone="+44 113 496 0000",
                    patient_name="Anna", note="Take paracetamol if sore; see you in 2 weeks.",
                    paper="letter")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="cramp-patient-en.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    pdf = tmp_path / "desk.pdf"
    pdf.write_bytes(response.data)
    text = pdf_text(pdf)
    assert "A note for Anna Take paracetamol if sore; see you in 2 weeks." in text
    assert "Your clinic: Riverside Health Centre" in text
    assert qr_urls(pdf) == [leaflet_url(content, LeafletKey("cramp", "en", "patient"))]
    assert not (tiny_project / "output").exists()  # nothing written


def test_the_clinic_region_reaches_the_desk_pdf(tiny_project: Path, tmp_path: Path):
    write(tiny_project, {"clinic.yaml": "name: Praktijk De Linde\nregion: nl\n"})
    _, client = desk(tiny_project, clinic=tiny_project / "clinic.yaml")
    response = post(client)  # the clinic details left out of the form: the region stays
    assert response.status_code == 200, response.get_data(as_text=True)
    pdf = tmp_path / "desk.pdf"
    pdf.write_bytes(response.data)
    text = pdf_text(pdf)
    assert "Get help today from a GP (huisarts) or the GP out-of-hours service" in text
    assert "NHS 111" not in text


def test_typed_markup_is_printed_as_text(tiny_project: Path, tmp_path: Path):
    _, client = desk(tiny_project)
    response = post(client, note='<b>bold</b> <img src="file:///etc/passwd"> & more')
    assert response.status_code == 200
    (tmp_path / "x.pdf").write_bytes(response.data)
    assert '<b>bold</b> <img src="file:///etc/passwd"> & more' in pdf_text(tmp_path / "x.pdf")


@pytest.mark.parametrize("fields, message", [
    ({"topic": "nope"}, "Topic: unknown topic &#39;nope&#39;; choose one of: cramp"),
    ({"lang": "de"}, "Language: unknown language &#39;de&#39;; choose one of: en"),
    ({"audience": "carer"}, "Audience: unknown audience for cramp &#39;carer&#39;"),
    ({"note": "x" * 301}, "Personal note: 301 characters is too long; keep it to 300"),
])
def test_bad_input_gets_400_and_the_form_back(tiny_project: Path, fields, message):
    _, client = desk(tiny_project)
    response = post(client, **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and message in html
    assert '<form class="desk"' in html  # the clinician can correct and resend


def test_typed_values_come_back_escaped(tiny_project: Path):
    _, client = desk(tiny_project)
    response = post(client, topic="nope", note='"><script>alert(1)</script>')
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_limits_on_the_request(tiny_project: Path):
    _, client = desk(tiny_project)
    big = client.post("/desk/leaflet", data={**FORM, "note": "x" * MAX_BODY_BYTES},
                      headers={"Host": "127.0.0.1"})
    assert big.status_code == 413 and "more than 16 KB" in big.get_data(as_text=True)
    twice = client.post("/desk/leaflet", data=MultiDict([*FORM.items(), ("note", "a"), ("note", "b")]),
                        headers={"Host": "127.0.0.1"})
    assert twice.status_code == 400 and "each field may be sent only once" in twice.get_data(True)
    again = client.get("/desk/leaflet")
    assert again.status_code == 303 and again.headers["Location"] == "/desk/"
    assert client.put("/desk/", data=FORM).status_code == 405


def test_only_loopback_names_and_its_own_origin(tiny_project: Path):
    _, client = desk(tiny_project)
    assert client.get("/desk/", headers={"Host": "rebound.example"}).status_code == 400
    assert client.get("/desk/", headers={"Host": "localhost:8000"}).status_code == 200
    foreign = client.post("/desk/leaflet", data=FORM,
                          headers={"Host": "127.0.0.1:8000", "Origin": "https://evil.example"})
    assert foreign.status_code == 403


def test_a_render_over_the_time_limit_is_stopped(tiny_project: Path):
    _, client = desk(tiny_project, timeout=0)
    response = post(client)
    assert response.status_code == 503
    assert "took longer than 0 seconds. Please try again" in response.get_data(as_text=True)


def test_it_serves_the_online_version(tiny_project: Path):
    _, client = desk(tiny_project)
    missing = client.get("/")
    assert missing.status_code == 404 and "Run `leaflets build`" in missing.get_data(True)
    assert run("--project", tiny_project, "build", "-q").exit_code == 0
    assert "Choose your language" in client.get("/").get_data(as_text=True)
    page = client.get("/en/cramp/patient/")
    assert page.status_code == 200 and "<h1>Test cramps</h1>" in page.get_data(as_text=True)
    assert client.get("/en/cramp/patient/cramp-patient-en.pdf").data.startswith(b"%PDF-")
    for escape in ("/../leaflets.yaml", "/%2e%2e/leaflets.yaml", "/en/../../leaflets.yaml"):
        assert client.get(escape).status_code == 404
    assert "There is no page at this address" in client.get("/nowhere").get_data(True)


def test_nothing_typed_is_logged_or_stored(tiny_project: Path, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    _, client = desk(tiny_project)
    typed = {"clinic_name": MARKER, "patient_name": MARKER, "note": MARKER}
    assert post(client, **typed).status_code == 200
    assert post(client, **typed, topic=MARKER).status_code == 400
    assert post(client, **typed, lang="x" * 200 + MARKER).status_code == 400
    out, err = capfd.readouterr()
    assert MARKER not in caplog.text + out + err
    for path in tiny_project.rglob("*"):
        assert not path.is_file() or MARKER.encode() not in path.read_bytes(), path


def test_a_leaflet_not_available_in_a_language_is_listed_and_refused(tiny_project: Path):
    config = tiny_project / "leaflets.yaml"
    config.write_text(config.read_text().replace("languages: [en]", "languages: [en, nl]"))
    write(tiny_project, {"content/_locales/nl.yaml":
                         (REPO / "content/_locales/nl.yaml").read_text(encoding="utf-8")})
    _, client = desk(tiny_project)
    form = client.get("/desk/", headers={"Host": "127.0.0.1:8000"}).get_data(as_text=True)
    assert "<li>Test cramps in Nederlands: there is no nl text yet (nl.yaml)</li>" in form
    refusal = ("Language: cramp is not available in Nederlands: there is no nl text yet "
               "(nl.yaml); choose one of: English")
    response = post(client, lang="nl")
    assert response.status_code == 400 and refusal in response.get_data(as_text=True)
    linked = client.get("/desk/?topic=cramp&lang=nl", headers={"Host": "127.0.0.1:8000"})
    assert linked.status_code == 400 and refusal in linked.get_data(as_text=True)
