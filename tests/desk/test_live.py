"""Live reload: the script is added to served pages in serve mode only, never to built files."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from leaflets.content.project import load_project
from leaflets.content.validation import load_content
from leaflets.desk.app import create_app
from leaflets.desk.live import Rebuilds

from conftest import run
from desk.test_browser import CHROMIUM, CHROMIUM_ARGS
from desk.test_watch import edit, serving

HOST = {"Host": "127.0.0.1:8000"}
PAGE = "en/cramp/patient/index.html"
SCRIPT = '<script src="/_serve/reload.js" data-seen="0"></script>'


def built(project: Path) -> Path:
    assert run("--project", project, "build", "-q").exit_code == 0
    return project / "output"


def client(project: Path, rebuilds: Rebuilds | None):  # type: ignore[no-untyped-def]
    content = load_content(load_project(project))
    return create_app(content, None, workers=1, rebuilds=rebuilds).test_client()


def test_built_pages_have_no_script(tiny_project: Path):
    pages = sorted(built(tiny_project).rglob("*.html"))
    assert len(pages) >= 3
    assert [page for page in pages if b"<script" in page.read_bytes()] == []


def test_served_pages_reload_only_in_serve_mode(tiny_project: Path):
    on_disk = (built(tiny_project) / PAGE).read_text(encoding="utf-8")
    watching = client(tiny_project, Rebuilds()).get("/en/cramp/patient/", headers=HOST)
    page = watching.get_data(as_text=True)
    assert page == on_disk.replace("</body>", SCRIPT + "\n</body>")
    assert "script-src 'self'; connect-src 'self'" in watching.headers["Content-Security-Policy"]
    assert watching.headers["Cache-Control"] == "no-store"
    assert (tiny_project / "output" / PAGE).read_text(encoding="utf-8") == on_disk
    desk = client(tiny_project, Rebuilds()).get("/desk/", headers=HOST)
    assert "<script" not in desk.get_data(as_text=True)  # what is typed there is never lost
    plain = client(tiny_project, None).get("/en/cramp/patient/", headers=HOST)
    assert plain.get_data(as_text=True) == on_disk
    assert "script-src" not in plain.headers["Content-Security-Policy"]
    assert client(tiny_project, None).get("/_serve/reload.js", headers=HOST).status_code == 404


def test_the_page_saying_the_site_is_not_built_reloads_too(tiny_project: Path):
    answer = client(tiny_project, Rebuilds()).get("/", headers=HOST)
    assert answer.status_code == 404
    page = answer.get_data(as_text=True)
    assert "The online version is not built" in page and SCRIPT in page


def test_the_changes_answer_once_a_rebuild_is_done(tiny_project: Path):
    rebuilds = Rebuilds()
    app = client(tiny_project, rebuilds)
    assert app.get("/_serve/changes", headers=HOST).get_data(as_text=True) == "0"
    threading.Timer(0.2, rebuilds.done).start()
    assert app.get("/_serve/changes?seen=0", headers=HOST).get_data(as_text=True) == "1"
    script = app.get("/_serve/reload.js", headers=HOST)
    assert script.mimetype == "text/javascript" and b"location.reload()" in script.data


@pytest.mark.starts_first  # with the other browser tests
def test_an_open_page_reloads_in_a_browser_after_an_edit(tiny_project: Path):
    built(tiny_project)
    with serving(tiny_project) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context().new_page()  # the server's own policy, not bypassed
        refused: list[str] = []
        page.on("console", lambda message: refused.append(message.text)
                if message.type == "error" else None)
        with page.expect_request(lambda asked: "/_serve/changes?seen=0" in asked.url):
            page.goto(f"{server.address}/en/cramp/patient/")  # and it waits for a change
        edit(tiny_project / "content/cramp/en.yaml", "A cramp is a tight muscle.",
             "A cramp is a hard, tight muscle.")
        page.get_by_text("A cramp is a hard, tight muscle.").wait_for(timeout=120_000)
        assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"
        assert refused == []
        browser.close()
