"""End to end in a real browser: Debian's Chromium, driven by Playwright, against `leaflets serve`.

It fills the print desk form as a clinician would and checks the PDF that comes back; it
also audits the online version and the desk with axe-core, at desktop width and at 320 CSS
pixels (a phone, or 1280 pixels at 400% zoom).
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from leaflets.outputs import LeafletKey, leaflet_url
from leaflets.content.project import load_project
from leaflets.content.validation import load_content

from conftest import REPO, write
from pdf_tools import pdf_text, qr_urls

pytestmark = pytest.mark.starts_first  # long tests (tests/conftest.py)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NOTE = "Take paracetamol if sore; see you in 2 weeks."
CLINIC = "Riverside Health Centre"
PROFILE = f"""\
name: {CLINIC}
address: [12 Mill Lane, Leeds LS1 4AB]
phone: +44 113 496 0000
website: https://riverside.example.org/
logo: logo.svg
accent: "#0b6e4f"
"""
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><rect width="40" '
        'height="20" rx="4" fill="#0b6e4f"/></svg>\n')
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                               "wcag22aa", "best-practice"]},
        "resultTypes": ["violations"]}  # every rule runs; only the failures are sent back
AXE_SCRIPT = Axe().axe_script


def _read_line(fd: int) -> str:
    """One line, read byte by byte: a buffered readline could swallow the lines after it,
    which communicate() (reading the pipe directly) would then never see."""
    data = b""
    while not data.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte:
            break
        data += byte
    return data.decode()


def _wait_for_address(server: subprocess.Popen, limit: float = 60.0) -> str:
    """The desk address the server prints once it listens."""
    selector = selectors.DefaultSelector()
    selector.register(server.stdout, selectors.EVENT_READ)
    while selector.select(timeout=limit):
        line = _read_line(server.stdout.fileno())
        if not line:
            break
        if line.startswith("Print desk: "):
            return line.split(": ", 1)[1].strip()
    server.kill()
    raise AssertionError(f"leaflets serve did not start: {server.stderr.read()}")


@pytest.fixture(scope="module")
def project(bundled: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built bundled content plus a clinic profile with a logo."""
    root = tmp_path_factory.mktemp("desk") / "project"
    shutil.copytree(bundled, root)
    write(root, {"clinic.yaml": PROFILE, "logo.svg": LOGO})
    return root


@contextmanager
def running_desk(project: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`leaflets serve` on a free loopback port, as a user starts it."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "leaflets", "--project", str(project), "serve", "--port", "0",
         "--clinic", str(project / "clinic.yaml")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        yield _wait_for_address(process).removesuffix("/desk/"), process
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    with running_desk(project) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser: Browser, width: int = 1280, height: int = 900) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    return context.new_page()


def audit(page: Page) -> AxeResults:
    """axe-core's findings on the page as it stands; axe is injected unless the page's
    context already adds it to every page (`audited`)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return AxeResults(page.evaluate(f"axe.run(document, {json.dumps(WCAG)})"))


def audited(page: Page) -> Page:
    """The page, with axe-core in every document it opens: sent to the browser once."""
    page.context.add_init_script(AXE_SCRIPT)
    return page


def submit_and_capture(page: Page) -> list[tuple[int, dict[str, str], bytes]]:
    """Submit the desk form and keep the bytes the server sent.

    Chromium shows a PDF in its viewer, so the page's own response is the viewer; the
    route hands the browser the server's real answer and keeps a copy of it.
    """
    answers: list[tuple[int, dict[str, str], bytes]] = []

    def keep(route) -> None:  # type: ignore[no-untyped-def]
        response = route.fetch()
        answers.append((response.status, response.headers, response.body()))
        route.fulfill(response=response)

    page.route("**/desk/leaflet", keep)
    with page.expect_response(lambda r: r.url.endswith("/desk/leaflet")):
        page.get_by_role("button", name="Make the PDF").click()
    page.unroute("**/desk/leaflet")
    return answers


def test_desk_form_to_personalised_pdf(browser: Browser, server, project: Path, tmp_path: Path):
    address, process = server
    page = new_page(browser)
    page.goto(f"{address}/desk/")
    assert page.get_by_label("Clinic name").input_value() == CLINIC  # from the profile
    page.get_by_label("Topic").select_option("night-leg-cramps")
    page.get_by_label("Language").select_option("en")
    page.get_by_label("Audience").select_option("patient")
    page.get_by_label("A4").check()
    page.get_by_label("Patient's first name").fill("Anna")
    page.get_by_label("Personal note").fill(NOTE)
    answers = submit_and_capture(page)
    [(status, headers, body)] = answers
    assert status == 200, body.decode(errors="replace")
    assert headers["content-type"] == "application/pdf"
    pdf = tmp_path / "desk.pdf"
    pdf.write_bytes(body)

    text = pdf_text(pdf)
    assert f"A note for Anna {NOTE}" in text
    assert f"Your clinic: {CLINIC}" in text and "12 Mill Lane, Leeds LS1 4AB" in text
    content = load_content(load_project(project))
    assert qr_urls(pdf) == [leaflet_url(content, LeafletKey("night-leg-cramps", "en", "patient"))]
    page.context.close()


INFOBUTTON = ("mainSearchCriteria.v.c=R25.3&mainSearchCriteria.v.cs=2.16.840.1.113883.6.3"
              "&informationRecipient=PAT&informationRecipient.languageCode.c=nl"
              "&knowledgeResponseType=text/html")


def test_infobutton_page_leads_to_the_leaflet_and_the_desk(browser: Browser, server,
                                                           project: Path, tmp_path: Path):
    """What a clinician sees after pressing the record's infobutton for R25.3 in Dutch."""
    address, _ = server
    page = new_page(browser, 320, 256)
    page.goto(f"{address}/infobutton?{INFOBUTTON}")
    assert page.get_by_role("heading", level=1).inner_text() == "Leaflets for ICD-10 R25.3"
    results = audit(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.get_by_role("link", name="Read it online").click()
    assert page.url == f"{address}/nl/benign-fasciculations/patient/"
    assert page.get_attribute("html", "lang").startswith("nl")
    page.go_back()
    page.get_by_role("link", name="Print a personalised copy at the desk").click()
    assert page.url == (f"{address}/desk/?topic=benign-fasciculations&lang=nl"
                        "&audience=patient")
    assert [page.get_by_label(label).input_value() for label in
            ("Topic", "Language", "Audience")] == ["benign-fasciculations", "nl", "patient"]
    page.get_by_label("Patient's first name").fill("Anna")
    [(status, headers, body)] = submit_and_capture(page)
    assert status == 200 and headers["content-type"] == "application/pdf"
    pdf = tmp_path / "infobutton.pdf"
    pdf.write_bytes(body)
    content = load_content(load_project(project))
    assert content.modules["benign-fasciculations"].texts["nl"].title in pdf_text(pdf)
    assert qr_urls(pdf) == [leaflet_url(content, LeafletKey("benign-fasciculations", "nl",
                                                            "patient"))]
    page.context.close()


def test_desk_refuses_bad_input_in_the_browser(browser: Browser, server):
    address, _ = server
    page = new_page(browser)
    page.goto(f"{address}/desk/")
    page.get_by_label("Patient's first name").fill("Anna<script>")
    with page.expect_response(lambda r: r.url.endswith("/desk/leaflet")) as answer:
        page.get_by_role("button", name="Make the PDF").click()
    assert answer.value.status == 400
    alert = page.get_by_role("alert")
    assert "Patient's first name: use letters, spaces, hyphens and apostrophes only" in \
        alert.inner_text()
    assert page.get_by_label("Patient's first name").input_value() == "Anna<script>"
    assert page.get_by_label("Patient's first name").get_attribute("aria-invalid") == "true"
    page.context.close()


def test_a_note_over_the_limit_is_refused_not_cut(browser: Browser, server):
    """Pasted text is never cut short silently (as maxlength would): the desk says the limit,
    and gives the whole note back to shorten."""
    address, _ = server
    page = new_page(browser)
    page.goto(f"{address}/desk/")
    note = "Take one tablet at night. " * 15 + "Call us."
    page.get_by_label("Personal note").fill(note)
    assert page.get_by_label("Personal note").input_value() == note
    with page.expect_response(lambda r: r.url.endswith("/desk/leaflet")) as answer:
        page.get_by_role("button", name="Make the PDF").click()
    assert answer.value.status == 400
    assert f"Personal note: {len(note.strip())} characters is too long; keep it to 300" in \
        page.get_by_role("alert").inner_text()
    assert page.get_by_label("Personal note").input_value() == note.strip()
    page.context.close()


def test_nothing_typed_reaches_the_server_output(browser: Browser, project: Path):
    with running_desk(project) as (address, process):
        page = new_page(browser)
        page.goto(f"{address}/desk/")
        page.get_by_label("Personal note").fill("Secret-note-4471")
        page.get_by_label("Patient's first name").fill("Secretname<>")
        [(refused, _, _)] = submit_and_capture(page)
        page.get_by_label("Patient's first name").fill("Secretname")
        [(made, _, _)] = submit_and_capture(page)
        assert (refused, made) == (400, 200)
        page.context.close()
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert "Secret-note-4471" not in out + err and "Secretname" not in out + err
    assert out == (f"Online version: {address}/  (Ctrl+C to stop)\n"
                   "Watching the project: an edit rebuilds what changed and reloads the desk "
                   "and open pages.\n")
    assert all(line.endswith("(warning)") for line in err.splitlines())  # the placeholder base_url
    for path in project.rglob("*"):
        assert not path.is_file() or b"Secret-note-4471" not in path.read_bytes()


def site_urls(project: Path) -> list[str]:
    output = project / "output"
    return sorted(str(p.relative_to(output).parent).replace(".", "") + "/"
                  for p in output.rglob("index.html"))


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "phone-or-400%"])
def test_site_and_desk_pass_axe_and_reflow(browser: Browser, project: Path, width: int):
    """axe-core finds no WCAG A/AA violation, contrast included, and nothing scrolls sideways."""
    page = audited(new_page(browser, width, 256 if width == 320 else 900))
    output = project / "output"
    targets = [(output / url.lstrip("/") / "index.html").as_uri() for url in site_urls(project)]
    for target in targets:
        page.goto(target)
        results = audit(page)
        assert results.violations_count == 0, f"{target}\n{results.generate_report()}"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{target} scrolls sideways by {overflow}px at {width}px"
    page.context.close()


def test_desk_page_passes_axe_including_its_error_state(browser: Browser, server):
    address, _ = server
    page = new_page(browser, 320, 256)
    page.goto(f"{address}/desk/")
    for state in ("form", "error"):
        results = audit(page)
        assert results.violations_count == 0, f"{state}\n{results.generate_report()}"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.get_by_label("Clinic phone").fill("call us")
        with page.expect_response(lambda r: r.url.endswith("/desk/leaflet")):
            page.get_by_role("button", name="Make the PDF").click()
    page.context.close()


def test_focus_is_visible_and_the_skip_link_comes_first(browser: Browser, project: Path):
    page = new_page(browser)
    page.goto((project / "output/en/night-leg-cramps/patient/index.html").as_uri())
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const e = document.activeElement, s = getComputedStyle(e), box = e.getBoundingClientRect();
        return {text: e.textContent, outline: s.outlineStyle, width: s.outlineWidth,
                background: s.backgroundColor, top: box.top, height: box.height};
    }""")
    assert focused["text"] == "Skip to the main text"
    assert focused["top"] >= 0 and focused["height"] > 0  # shown when focused
    assert focused["outline"] == "solid" and focused["width"] == "3px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    from leaflets.content import markup
    from leaflets.content.project import load_project
    from leaflets.content.validation import load_content

    module = load_content(load_project(project)).modules["night-leg-cramps"]
    first_item = markup.plain(next(iter(module.texts["en"].checklist.values())))
    checkbox = page.get_by_label(first_item)
    checkbox.focus()
    page.keyboard.press("Space")
    assert checkbox.is_checked()  # the checklist works on screen
    page.context.close()
