"""WeasyPrint reads only the project's files and the package's assets: no network, no other file.

A clinic can override any template, CSS included, in the project's templates/ folder, so the
URLs below come from real template overrides and real builds.
"""

from __future__ import annotations

import http.server
import io
import shutil
import threading
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import Image

from leaflets.render.pdf import LocalFetcher, RefusedURL

from conftest import REPO, run

PDF = "output/en/cramp/patient/cramp-patient-en.pdf"


def override_css(root: Path, first: str = "", last: str = "") -> None:
    """The package's print.css with rules added before it (@import) or after it."""
    (root / "templates").mkdir(exist_ok=True)
    css = (REPO / "templates/print.css").read_text(encoding="utf-8")
    (root / "templates/print.css").write_text(f"{first}\n{css}\n{last}\n", encoding="utf-8")


def override_masthead(root: Path, image: str) -> None:
    (root / "templates/partials").mkdir(parents=True, exist_ok=True)
    masthead = (REPO / "templates/partials/masthead.html").read_text(encoding="utf-8")
    (root / "templates/partials/masthead.html").write_text(
        masthead.replace("<h1>", f'<img class="logo" src="{image}" alt="Clinic logo"><h1>'),
        encoding="utf-8")


def build_fails(root: Path, message: str) -> None:
    result = run("--project", root, "build")
    assert result.exit_code == 1
    assert f"error: cramp (patient, en, a4): {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "output").exists()


OUTSIDE = ("is refused: only files inside the project folder and the leaflets package can be "
           "used; copy the file into the project and refer to it by its path")


def test_etc_passwd_in_css_is_refused(tiny_project: Path):
    override_css(tiny_project, last="body { background: url(file:///etc/passwd) }")
    build_fails(tiny_project, f"file:///etc/passwd {OUTSIDE}")


def test_etc_passwd_as_an_image_is_refused(tiny_project: Path):
    override_masthead(tiny_project, "file:///etc/passwd")
    build_fails(tiny_project, f"file:///etc/passwd {OUTSIDE}")


def test_a_relative_path_that_climbs_out_of_the_project_is_refused(tiny_project: Path):
    climb = "../" * len(tiny_project.parts)
    override_masthead(tiny_project, f"{climb}etc/passwd")
    build_fails(tiny_project, f"file:///etc/passwd {OUTSIDE}")


def test_a_link_inside_the_project_to_a_file_outside_is_refused(tiny_project: Path):
    (tiny_project / "logo.png").symlink_to("/etc/passwd")
    override_masthead(tiny_project, "logo.png")
    build_fails(tiny_project, f"file://{tiny_project}/logo.png {OUTSIDE}")


def test_a_missing_image_names_the_path(tiny_project: Path):
    override_masthead(tiny_project, "logo.png")
    build_fails(tiny_project, f"file://{tiny_project}/logo.png does not exist; check the path "
                "(a relative path starts at the project folder)")


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_server():
    """A real server on loopback, to prove that nothing ever asks it for anything."""
    CountingHandler.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


NETWORK = ("is refused: leaflets never fetch from the network or from data: URLs; copy the "
           "file into the project and refer to it by its path")


def test_css_from_the_network_is_refused_without_a_request(tiny_project: Path, web_server: str):
    override_css(tiny_project, first=f'@import url("{web_server}/clinic.css");')
    build_fails(tiny_project, f"{web_server}/clinic.css {NETWORK}")
    assert CountingHandler.requests == []


def test_an_image_from_the_network_is_refused_without_a_request(tiny_project: Path,
                                                                  web_server: str):
    override_masthead(tiny_project, f"{web_server}/logo.png")
    build_fails(tiny_project, f"{web_server}/logo.png {NETWORK}")
    assert CountingHandler.requests == []


def test_an_image_inside_the_project_is_used(tiny_project: Path):
    image = io.BytesIO()
    Image.new("RGB", (40, 20), "#336699").save(image, "PNG")
    (tiny_project / "logo.png").write_bytes(image.getvalue())
    override_masthead(tiny_project, "logo.png")
    result = run("--project", tiny_project, "build", "-q")
    assert result.exit_code == 0, result.stderr
    with pikepdf.open(tiny_project / PDF) as document:
        images = [image for page in document.pages
                  for image in page.Resources.get("/XObject", {}).values()
                  if image.get("/Subtype") == "/Image"]
    assert [(int(i.Width), int(i.Height)) for i in images] == [(40, 20)]


def _page_colour(root: Path) -> tuple[int, int, int]:
    page = pypdfium2.PdfDocument(root / PDF)[0]
    return page.render(scale=10 / 72).to_pil().convert("RGB").getpixel((1, 1))


def test_an_edited_file_that_the_stylesheet_imports_reaches_the_next_build(tiny_project: Path):
    """Each worker parses a stylesheet once; a file it imports is still read again by each
    build, also by one that renders in the process of the last (here, with one job)."""
    override_css(tiny_project, first='@import url("paper.css");')
    for colour in ((255, 0, 0), (0, 0, 255)):
        (tiny_project / "paper.css").write_text("@page { background: rgb%s }" % (colour,))
        result = run("--project", tiny_project, "build", "-q", "--jobs", "1", "--force")
        assert result.exit_code == 0, result.stderr
        assert _page_colour(tiny_project) == colour


@pytest.mark.parametrize("url, message", [
    ("file://example.org/srv/logo.png", "never fetch from the network"),
    ("ftp://example.org/logo.png", "never fetch from the network"),
    ("data:image/png;base64,iVBORw0KGgo=", "from data: URLs"),
    ("file:///etc/hostname", "only files inside the project folder"),
    ("file:///srv/project/../../etc/hostname", "only files inside the project folder"),
])
def test_the_fetcher_refuses(url: str, message: str):
    with pytest.raises(RefusedURL, match=message):
        LocalFetcher([Path("/srv/project")]).fetch(url)


def test_the_fetcher_serves_an_allowed_file_itself(tmp_path: Path):
    shutil.copy(REPO / "templates/pictures/towel-stretch.svg", tmp_path / "picture.svg")
    response = LocalFetcher([tmp_path]).fetch((tmp_path / "picture.svg").as_uri())
    assert response.content_type == "image/svg+xml"
    assert response.read().startswith(b"<")
