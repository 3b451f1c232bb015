"""Hostile requests to the desk: dot-files, forged forms, host names, text that cannot print."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from leaflets.content.clinic import load_clinic
from leaflets.content.project import load_project
from leaflets.content.validation import load_content
from leaflets.desk.app import create_app

from conftest import REPO, run
from pdf_tools import pdf_text

pytestmark = pytest.mark.starts_first  # mostly waits on a server (tests/conftest.py)

FORM = {"topic": "cramp", "lang": "en", "audience": "patient", "paper": "a4"}
HOST = {"Host": "127.0.0.1:8000"}


def client_for(project: Path):
    content = load_content(load_project(project))
    return create_app(content, load_clinic(content.project), timeout=60).test_client()


def test_no_dot_file_is_served(tiny_project: Path):
    assert run("--project", tiny_project, "build", "-q").exit_code == 0
    output = tiny_project / "output"
    (output / "en/.index.html.a1b2c3d4.tmp").write_text("<!DOCTYPE html> a killed build's")
    (output / ".hidden").mkdir()
    (output / ".hidden/index.html").write_text("<!DOCTYPE html>")
    client = client_for(tiny_project)
    assert client.get("/en/", headers=HOST).status_code == 200
    for path in ("/.leaflets-manifest.json", "/%2Eleaflets-manifest.json",
                 "/en/.index.html.a1b2c3d4.tmp", "/.hidden/", "/.hidden/index.html",
                 "/en/../.leaflets-manifest.json"):
        response = client.get(path, headers=HOST)
        assert response.status_code == 404, path
        assert b"fingerprint" not in response.data and b"a killed build" not in response.data


@pytest.mark.parametrize("headers", [
    {"Origin": "null"},
    {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "https://evil.example"},
    {"Origin": "http://127.0.0.1:8001"},
    {"Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
], ids=["null", "null-cross-site", "foreign", "other-port", "cross-site", "same-site"])
def test_a_form_from_another_page_is_refused(tiny_project: Path, headers: dict[str, str]):
    response = client_for(tiny_project).post("/desk/leaflet", data={**FORM, "topic": "nope"},
                                             headers={**HOST, **headers})
    assert response.status_code == 403
    assert "accepts forms from its own page only" in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [
    {"Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "same-origin"},
    {"Host": "LOCALHOST:8000", "Origin": "http://localhost:8000", "Sec-Fetch-Site": "same-origin"},
    {"Host": "[::1]:8000", "Origin": "http://[::1]:8000"},
    {"Origin": "null", "Sec-Fetch-Site": "same-origin"},  # a page served with no-referrer
    {},  # curl and other tools: no Origin, no Sec-Fetch-Site
], ids=["own", "own-uppercase-host", "own-ipv6", "own-null", "no-browser"])
def test_the_desks_own_form_is_accepted(tiny_project: Path, headers: dict[str, str]):
    response = client_for(tiny_project).post("/desk/leaflet", data={**FORM, "topic": "nope"},
                                             headers={**HOST, **headers})
    assert response.status_code == 400  # past the checks, to the form's own answer
    assert "unknown topic" in response.get_data(as_text=True)


@pytest.mark.parametrize("host, status", [
    ("LOCALHOST", 200), ("LocalHost:8000", 200), ("[::1]:8000", 200), ("[::1]", 200),
    ("127.0.0.1", 200), ("evil.example", 400), ("localhost.evil.example", 400),
    ("127.0.0.1.nip.io:8000", 400), ("[::2]:8000", 400), ("", 400),
])
def test_loopback_names_in_any_case(tiny_project: Path, host: str, status: int):
    assert client_for(tiny_project).get("/desk/", headers={"Host": host}).status_code == status


def ipv6_loopback() -> bool:
    try:
        with socket.create_server(("::1", 0), family=socket.AF_INET6):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_serve_on_ipv6_loopback_answers_its_own_address(tiny_project: Path):
    environment = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "leaflets", "serve", "--host", "::1",
                                "--port", "0"], cwd=tiny_project, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        announced = process.stdout.readline().strip()
        assert announced.startswith("Print desk: http://[::1]:"), process.stderr.read()
        with urllib.request.urlopen(announced.removeprefix("Print desk: "), timeout=60) as page:
            assert page.status == 200 and b"Make the PDF" in page.read()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_word_too_long_to_print_is_refused_with_what_to_change(tiny_project: Path):
    response = client_for(tiny_project).post(
        "/desk/leaflet", headers=HOST,
        data={**FORM, "note": "Please see https://www.example.org/" + "x" * 60 + " soon"})
    assert response.status_code == 400
    assert "Personal note: “https://www.example.…” is 84 characters without a space, too " \
           "long to fit on a printed line; break it with spaces or hyphens (at most 40 " \
           "characters between them)" in response.get_data(as_text=True)


def test_the_longest_word_allowed_prints_in_large_print(tiny_project: Path, tmp_path: Path):
    note = "W" * 40 + " " + "m" * 40
    response = client_for(tiny_project).post(
        "/desk/leaflet", headers=HOST,
        data={**FORM, "large_print": "on", "note": note, "patient_name": "W" * 40})
    assert response.status_code == 200, response.get_data(as_text=True)
    (tmp_path / "note.pdf").write_bytes(response.data)
    assert "W" * 40 in pdf_text(tmp_path / "note.pdf")
