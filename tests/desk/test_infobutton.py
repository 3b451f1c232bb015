"""The HL7 Infobutton endpoint over HTTP: codes → leaflets as JSON, Atom XML and HTML; the
desk form prefilled from a link; the personalised PDF as a FHIR R4 DocumentReference."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

import pytest
from fhir.resources.R4B.documentreference import DocumentReference

from leaflets.content.project import load_project
from leaflets.content.validation import load_content
from leaflets.desk.app import create_app
from leaflets.render.infobutton import code_index

from conftest import REPO, write
from pdf_tools import pdf_text

HOST = {"Host": "127.0.0.1:8000"}
ICD10, ICD10CM, SNOMED = "2.16.840.1.113883.6.3", "2.16.840.1.113883.6.90", \
    "2.16.840.1.113883.6.96"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def client():
    content = load_content(load_project(REPO))
    return create_app(content, None).test_client()


def ask(client, code: str, system: str = ICD10, recipient: str = "PAT", lang: str = "nl",
        kind: str = "application/json", **extra: str):
    query = {"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": system,
             "informationRecipient": recipient, "informationRecipient.languageCode.c": lang,
             "knowledgeResponseType": kind, **extra}
    return client.get("/infobutton?" + urlencode(query), headers=HOST)


def links(feed: dict, rel: str) -> list[str]:
    return [link["href"] for entry in feed["feed"]["entry"] for link in entry["link"]
            if link["rel"] == rel]


def test_done_when_r25_3_in_dutch_for_the_patient(client):
    response = ask(client, "R25.3")
    assert response.status_code == 200 and response.mimetype == "application/json"
    feed = response.json
    assert links(feed, "alternate") == ["http://127.0.0.1:8000/nl/benign-fasciculations/patient/"]
    [entry] = feed["feed"]["entry"]
    assert entry["title"] == {"_value": "Spiertrekkingen", "type": "text"}
    assert entry["summary"]["_value"] and entry["lang"] == "nl"
    assert links(feed, "enclosure") == [
        "http://127.0.0.1:8000/nl/benign-fasciculations/patient/"
        "benign-fasciculations-patient-nl.pdf"]
    assert links(feed, "related") == [
        "http://127.0.0.1:8000/desk/?topic=benign-fasciculations&lang=nl&audience=patient"]
    # MedlinePlus Connect's shape: the request echoed as categories
    assert {"scheme": "mainSearchCriteria.v.c", "term": "R25.3"} in feed["feed"]["category"]


def test_done_when_prov_links_the_clinician_sheet(client):
    feed = ask(client, "R25.3", recipient="PROV").json
    assert links(feed, "alternate") == [
        "http://127.0.0.1:8000/nl/benign-fasciculations/clinician/"]
    assert links(feed, "related") == [
        "http://127.0.0.1:8000/desk/?topic=benign-fasciculations&lang=nl&audience=clinician"]


def test_the_same_answer_as_an_atom_feed(client):
    response = ask(client, "R25.3", kind="text/xml")
    assert response.status_code == 200 and response.mimetype == "text/xml"
    feed = ElementTree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Spiertrekkingen"
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    hrefs = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
    assert hrefs["alternate"] == "http://127.0.0.1:8000/nl/benign-fasciculations/patient/"
    assert hrefs["enclosure"].endswith("/benign-fasciculations-patient-nl.pdf")
    assert entry.findtext(f"{ATOM}updated") == "2026-12-05T00:00:00Z"  # the last review


@pytest.mark.parametrize(("code", "system", "topics"), [
    ("R25.2", ICD10, ["night-leg-cramps", "pregnancy-leg-cramps"]),
    ("O26.893", ICD10CM, ["pregnancy-leg-cramps"]),  # a trimester code under O26.89
    ("F95.1", ICD10, ["facial-tics"]),  # a tic disorder under the F95 category
    ("g51.31", ICD10CM, ["facial-tics"]),  # hemifacial spasm points at facial tics
    ("13753008", SNOMED, ["facial-tics"]),
    ("568005", SNOMED, ["facial-tics"]),  # tic disorder
    ("102549009", SNOMED, ["night-leg-cramps"]),  # cramp in lower leg associated with rest
    ("449918009", SNOMED, ["night-leg-cramps", "pregnancy-leg-cramps"]),  # cramp in lower leg
    ("82470000", SNOMED, ["benign-fasciculations"]),  # muscle fasciculation
])
def test_codes_find_their_topics(client, code: str, system: str, topics: list[str]):
    feed = ask(client, code, system, lang="en").json
    assert [urlsplit(href).path.split("/")[2] for href in links(feed, "alternate")] == topics


def test_a_language_without_leaflets_falls_back_and_says_so(client):
    response = ask(client, "R25.3", lang="de-DE")
    assert response.status_code == 200 and response.headers["Content-Language"] == "en"
    feed = response.json["feed"]
    assert links(response.json, "alternate") == [
        "http://127.0.0.1:8000/en/benign-fasciculations/patient/"]
    assert "no leaflet in 'de-DE', so these are in the source language 'en'" in \
        feed["subtitle"]["_value"]
    assert {"scheme": "informationRecipient.languageCode.c", "term": "en"} in feed["category"]


def test_the_html_answer_lists_every_address(client):
    response = ask(client, "R25.3", lang="de", kind="text/html")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<h1>Leaflets for ICD-10 R25.3</h1>" in html
    assert "There is no leaflet in &lsquo;de&rsquo;, so these are in the source language, " \
        "<span lang=\"en\">English</span>" in html
    assert 'href="http://127.0.0.1:8000/en/benign-fasciculations/patient/"' in html
    assert ('href="http://127.0.0.1:8000/desk/?topic=benign-fasciculations&amp;lang=en&amp;'
            'audience=patient"') in html


@pytest.mark.parametrize(("query", "status", "message"), [
    ({"mainSearchCriteria.v.cs": "1.2.3"}, 400, "unknown code system '1.2.3'"),
    ({"mainSearchCriteria.v.c": "R2"}, 400, "'R2' is not a valid ICD-10 code"),
    ({"mainSearchCriteria.v.c": "13753009", "mainSearchCriteria.v.cs": SNOMED}, 400,
     "Verhoeff check digit"),
    ({"mainSearchCriteria.v.c": "Z99.9"}, 404, "no leaflet answers ICD-10 code 'Z99.9'"),
    ({"informationRecipient": "PAYOR"}, 400, "send PAT for the patient leaflet or PROV"),
    ({"informationRecipient.languageCode.c": "xx"}, 400, "'xx' is not a language code"),
    ({"mainSearchCriteria.v.dn": "x" * 201}, 400, "longer than 200 characters"),
    ({"mainSearchCriteria.v.dn": "tab\there"}, 400, "control characters"),
])
def test_unknown_codes_systems_and_languages_get_a_clear_4xx(client, query, status, message):
    response = ask(client, "R25.3", **query)
    assert response.status_code == status
    assert message in response.json["error"]


def test_missing_repeated_and_unknown_parameters(client):
    missing = client.get("/infobutton?knowledgeResponseType=application/json", headers=HOST)
    assert missing.status_code == 400
    assert missing.json == {"error": "the parameter mainSearchCriteria.v.cs is missing"}
    twice = client.get("/infobutton?mainSearchCriteria.v.c=R25.3&mainSearchCriteria.v.c=R25.2"
                       f"&mainSearchCriteria.v.cs={ICD10}&knowledgeResponseType=application/json",
                       headers=HOST)
    assert twice.status_code == 400 and "once only" in twice.json["error"]
    image = ask(client, "R25.3", kind="image/png")
    assert image.status_code == 400 and image.mimetype == "text/html"
    assert "text/html, application/json, text/xml" in image.get_data(as_text=True)
    assert ask(client, "R25.3", kind="text/html", **{"mainSearchCriteria.v.cs": "9"}) \
        .status_code == 400


def test_the_endpoint_keeps_the_desks_limits(client):
    rebound = client.get(f"/infobutton?mainSearchCriteria.v.c=R25.3&mainSearchCriteria.v.cs="
                         f"{ICD10}", headers={"Host": "evil.example"})
    assert rebound.status_code == 400  # only localhost names, as the rest of the desk
    huge = ask(client, "R25.3", padding="x" * 5000)
    assert huge.status_code == 414 and "longer than 4096 bytes" in huge.get_data(as_text=True)
    response = ask(client, "R25.3")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_desk_link_opens_the_form_with_that_leaflet_chosen(client):
    [desk] = links(ask(client, "R25.3", recipient="PROV").json, "related")
    parts = urlsplit(desk)
    html = client.get(f"{parts.path}?{parts.query}", headers=HOST).get_data(as_text=True)
    assert '<option value="benign-fasciculations" selected>' in html
    assert '<option value="nl" selected>' in html
    assert '<option value="clinician" selected>' in html


@pytest.mark.parametrize(("query", "message"), [
    ("topic=nope", "Topic: unknown topic &#39;nope&#39;"),
    ("topic=facial-tics&lang=de", "Language: unknown language &#39;de&#39;"),
    ("topic=facial-tics&topic=night-leg-cramps", "each field may be sent only once"),
])
def test_a_prefilled_form_is_checked_like_the_form(client, query: str, message: str):
    response = client.get(f"/desk/?{query}", headers=HOST)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_the_static_index_lists_every_code_and_leaflet():
    content = load_content(load_project(REPO))
    index = code_index(content)
    assert index["codes"][ICD10]["R25.3"] == {"display": "Fasciculation",
                                              "topics": ["benign-fasciculations"]}
    assert index["codes"][ICD10CM]["G51.3"]["topics"] == ["facial-tics"]
    leaflet = index["topics"]["benign-fasciculations"]["nl"]["patient"]
    assert leaflet["page"] == "https://leaflets.example.org/nl/benign-fasciculations/patient/"
    assert leaflet["pdf"].endswith("/nl/benign-fasciculations/patient/"
                                   "benign-fasciculations-patient-nl.pdf")
    assert index["recipients"] == {"PAT": "patient", "PROV": "clinician"}
    for module in content.modules.values():
        assert module.topic.codes, f"{module.id} lists no diagnosis codes"


# --- the printed leaflet, filed in the record ----------------------------------------


CODES = """\
codes:
  - {system: icd10, code: R25.2, display: Cramp and spasm, checked: "https://icdlist.com/"}
  - {system: snomed, code: "13753008", display: Hemifacial spasm, checked: "https://x.org/"}
"""


@pytest.fixture
def coded_desk(tiny_project: Path):
    topic = tiny_project / "content/cramp/topic.yaml"
    write(tiny_project, {"content/cramp/topic.yaml": topic.read_text() + CODES})
    content = load_content(load_project(tiny_project))
    return create_app(content, None).test_client()


FORM = {"topic": "cramp", "lang": "en", "audience": "patient", "paper": "a4",
        "patient_name": "Anna", "note": "See you in 2 weeks."}


@pytest.mark.parametrize("how", [{"data": {**FORM, "format": "fhir"}},
                                 {"data": FORM, "headers": {"Accept": "application/fhir+json"}}])
def test_the_pdf_as_a_fhir_r4_document_reference(coded_desk, tiny_project: Path,
                                                 tmp_path: Path, how):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    response = coded_desk.post("/desk/leaflet", data=how["data"],
                               headers={**HOST, **how.get("headers", {})})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/fhir+json"
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.data)
    reference = DocumentReference.model_validate(document)  # the FHIR R4(B) schema
    assert reference.status == "current" and reference.docStatus == "final"
    attachment = reference.content[0].attachment
    pdf = base64.b64decode(document["content"][0]["attachment"]["data"])
    assert attachment.contentType == "application/pdf" and attachment.language == "en-GB"
    assert attachment.size == len(pdf) and pdf.startswith(b"%PDF-")
    assert document["content"][0]["attachment"]["hash"] == \
        base64.b64encode(hashlib.sha1(pdf).digest()).decode()
    (tmp_path / "filed.pdf").write_bytes(pdf)
    assert "A note for Anna See you in 2 weeks." in pdf_text(tmp_path / "filed.pdf")
    assert [(c.coding[0].system, c.coding[0].code) for c in reference.category] == [
        ("http://hl7.org/fhir/sid/icd-10", "R25.2"), ("http://snomed.info/sct", "13753008")]
    filed = datetime.fromisoformat(document["date"])
    assert before <= filed <= datetime.now(timezone.utc) + timedelta(seconds=1)
    assert not (tiny_project / "output").exists()  # nothing written


def test_a_browser_still_gets_the_pdf_and_a_bad_format_is_refused(coded_desk):
    plain = coded_desk.post("/desk/leaflet", data=FORM, headers={
        **HOST, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert plain.status_code == 200 and plain.mimetype == "application/pdf"
    bad = coded_desk.post("/desk/leaflet", data={**FORM, "format": "docx"}, headers=HOST)
    assert bad.status_code == 400 and "format: send pdf or fhir, once" in \
        bad.get_data(as_text=True)


def test_build_writes_the_static_index_and_keeps_it_current(tiny_project: Path):
    from build.test_build import written
    from conftest import run

    topic = tiny_project / "content/cramp/topic.yaml"
    topic.write_text(topic.read_text() + CODES)
    assert run("--project", tiny_project, "build", "-q").exit_code == 0
    path = tiny_project / "output/infobutton/index.json"
    first = path.read_bytes()
    index = json.loads(first)
    assert index["codes"][ICD10] == {"R25.2": {"display": "Cramp and spasm", "topics": ["cramp"]}}
    assert index["codes"][SNOMED]["13753008"]["topics"] == ["cramp"]
    assert index["topics"]["cramp"]["en"] == {"patient": {
        "title": "Test cramps", "summary": "A short test leaflet.",
        "page": "https://leaflets.clinic/en/cramp/patient/",
        "pdf": "https://leaflets.clinic/en/cramp/patient/cramp-patient-en.pdf"}}
    assert (tiny_project / "output/en/cramp/patient/cramp-patient-en.pdf").is_file()
    path.unlink()
    again = run("--project", tiny_project, "build")
    assert written(again) == {"infobutton/index.json"}  # only the deleted index
    assert path.read_bytes() == first  # byte-identical
    topic.write_text(topic.read_text().replace("code: R25.2", "code: R25"))
    changed = run("--project", tiny_project, "build")
    assert "infobutton/index.json" in written(changed)  # topic.yaml changed
    assert "R25" in json.loads(path.read_bytes())["codes"][ICD10]


def test_a_topic_not_yet_in_the_asked_language_answers_in_the_source_language(
        tiny_project: Path):
    topic = tiny_project / "content/cramp/topic.yaml"
    config = tiny_project / "leaflets.yaml"
    write(tiny_project, {"content/cramp/topic.yaml": topic.read_text() + CODES,
                         "leaflets.yaml": config.read_text().replace("[en]", "[en, nl]"),
                         "content/_locales/nl.yaml": (REPO / "content/_locales/nl.yaml")
                         .read_text(encoding="utf-8")})
    content = load_content(load_project(tiny_project))
    assert list(code_index(content)["topics"]["cramp"]) == ["en"]
    client = create_app(content, None).test_client()
    response = ask(client, "R25.2", lang="nl")
    assert response.status_code == 200
    feed = response.get_json()["feed"]
    assert [entry["lang"] for entry in feed["entry"]] == ["en"]
    assert links(response.get_json(), "alternate") == ["http://127.0.0.1:8000/en/cramp/patient/"]
    assert "a leaflet not yet available in 'nl' is given in the source language" in \
        feed["subtitle"]["_value"]
    page = ask(client, "R25.2", lang="nl", kind="text/html").get_data(as_text=True)
    assert "Not yet available in <span lang=\"nl\">Nederlands</span>" in page
