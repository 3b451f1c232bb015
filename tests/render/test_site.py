"""The online version as built: pages, links, accessibility structure, and QR codes."""

from __future__ import annotations

import re

import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from leaflets.content import markup
from leaflets.outputs import LeafletKey, leaflet_keys
from leaflets.assemble.leaflet import translator
from leaflets.content.project import load_project
from leaflets.content.validation import load_content

from conftest import REPO, run, write
from pdf_tools import qr_urls
from site_tools import LANDMARKS, read_page

CONTENT = load_content(load_project(REPO))
KEYS = leaflet_keys(CONTENT)
EXTERNAL = ("https:", "http:", "mailto:", "tel:")


def folded(text: str) -> str:
    return " ".join(markup.plain(text).split())


def shown(text: str, page_text: str) -> bool:
    """Whether the text is on the page; citation marks show as numbers, so match around them."""
    parts = re.split(r"\s*\[\^[a-z0-9-]+\]\s*", text)
    return all(folded(part) in page_text for part in parts if part.strip())


def pages(root: Path) -> list[Path]:
    return sorted((root / "output").rglob("*.html"))


def key_of_pdf(path: Path, content=CONTENT) -> LeafletKey:
    """Which leaflet a PDF is, from its file name alone."""
    matches = [k for k in leaflet_keys(content) if k.pdf_name == path.name]
    assert len(matches) == 1, path
    return matches[0]


# --- the QR code and the page must match ----------------------------------------------


def test_every_pdf_qr_code_opens_its_own_page(bundled: Path):
    base = CONTENT.project.config.base_url.rstrip("/") + "/"
    output = bundled / "output"
    pdfs = sorted(output.rglob("*.pdf"))
    assert len(pdfs) == len(KEYS) > 0
    for pdf in pdfs:
        key = key_of_pdf(pdf)
        [url] = qr_urls(pdf)
        assert url.startswith(base), url
        page_path = output / unquote(urlsplit(url[len(base) - 1:]).path).strip("/") / "index.html"
        assert page_path.is_file(), f"{pdf.name}: QR code leads to {url}, which was not built"
        page = read_page(page_path)
        t = translator(CONTENT, key.lang)
        assert page.lang == t.lang_tag
        assert page.headings[0] == (1, folded(CONTENT.modules[key.topic].texts[key.lang].title))
        assert CONTENT.locales[key.lang].audiences[key.audience] in page.text
        downloads = [a["href"] for a in page.all("a") if "download" in a]
        assert downloads == [pdf.name]
        assert (page_path.parent / pdf.name).samefile(pdf)


# --- the leaflet page carries what the PDF carries ------------------------------------


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.folder)
def test_leaflet_page_has_the_leaflet_content(bundled: Path, key: LeafletKey):
    page = read_page(bundled / "output" / key.folder / "index.html")
    module = CONTENT.modules[key.topic]
    text = module.texts[key.lang]
    layout = module.topic.audiences[key.audience]
    t = translator(CONTENT, key.lang)
    for section in layout:
        if section in text.sections:
            assert (2, folded(text.sections[section].heading)) in page.headings
            for block in text.sections[section].blocks:
                for item in getattr(block, "bullets", None) or getattr(block, "steps", None) \
                        or [block.p]:
                    assert shown(item, page.text)
    if "diagram" in layout:
        for step, caption in text.diagram.steps.items():
            assert markup.plain(text.diagram.alt.get(step, caption)) in page.svg_titles
    if "checklist" in layout:
        boxes = [i["id"] for i in page.all("input") if i.get("type") == "checkbox"]
        labelled = [label["for"] for label in page.all("label")]
        assert boxes and boxes == labelled[:len(boxes)]
        for item in text.checklist.values():
            assert shown(item, page.text)
    if "get-help" in layout:
        for flag in text.red_flags.values():
            assert shown(t.services(flag), page.text)  # {crisis} and friends filled in
    for reference in module.topic.references:
        if reference.url in {a.get("href") for a in page.all("a")}:
            assert folded(reference.title) in page.text
    assert folded(t.date(module.topic.review.last_reviewed)) in page.text
    assert folded(t.date(module.topic.review.next_review)) in page.text


# --- accessible, offline, relative ----------------------------------------------------


def test_pages_are_accessible_in_structure(bundled: Path):
    for path in pages(bundled):
        page = read_page(path)
        assert page.lang, path
        assert page.title.strip(), path
        levels = [level for level, _ in page.headings]
        assert levels.count(1) == 1 and levels[0] == 1, (path, page.headings)
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (path, page.headings)
        tags = {tag for tag, _ in page.elements}
        chooser = path == bundled / "output/index.html"  # nothing to navigate back to
        assert LANDMARKS - {"aside"} - ({"nav"} if chooser else set()) <= tags, path
        assert all(img.get("alt") for img in page.all("img")), path
        for svg in page.all("svg"):
            assert svg.get("role") == "img" or svg.get("aria-hidden") == "true", path
        assert len(page.svg_titles) == len([s for s in page.all("svg") if s.get("role") == "img"])
        viewport = [m for m in page.all("meta") if m.get("name") == "viewport"]
        assert viewport and "user-scalable" not in viewport[0]["content"]
        assert page.all("a")[0]["href"] == "#main"  # skip link first
        assert [m.get("id") for m in page.all("main")] == ["main"]


def test_pages_need_nothing_from_outside_and_every_link_resolves(bundled: Path):
    for path in pages(bundled):
        source = path.read_text(encoding="utf-8")
        assert "<script" not in source and "@import" not in source and "url(" not in source
        page = read_page(path)
        for link in page.all("link"):
            assert link["rel"] in ("canonical", "alternate"), (path, link)
        for tag, address in page.links():
            if tag == "link" or address.startswith(EXTERNAL) or address.startswith("#"):
                assert tag in ("a", "link"), (path, address)  # only links may point away
                continue
            assert not address.startswith(("/", "data:")) or address.startswith("data:image/")
            target = (path.parent / unquote(address.split("#")[0])).resolve()
            assert target.is_file(), f"{path}: {address} does not exist"
            assert target.is_relative_to((bundled / "output").resolve())


def test_root_and_language_indexes_list_every_leaflet(bundled: Path):
    output = bundled / "output"
    chooser = read_page(output / "index.html")
    hrefs = {a["href"] for a in chooser.all("a")}
    for lang in CONTENT.project.config.languages:
        assert f"{lang}/index.html" in hrefs
        assert CONTENT.locales[lang].name in chooser.text
        index = read_page(output / lang / "index.html")
        assert index.lang == translator(CONTENT, lang).lang_tag
        listed = {a["href"] for a in index.all("a")}
        for key in KEYS:
            if key.lang == lang:
                assert f"{key.topic}/{key.audience}/index.html" in listed
                assert f"{key.topic}/{key.audience}/{key.pdf_name}" in listed


def test_pages_of_a_large_print_build_link_the_pdfs_it_wrote(tiny_project: Path):
    result = run("--project", tiny_project, "build", "-q", "--large-print")
    assert result.exit_code == 0, result.stderr
    linked = []
    for path in pages(tiny_project):
        linked += [path.parent / unquote(address) for _, address in read_page(path).links()
                   if address.endswith(".pdf")]
    assert linked and all(pdf.name.endswith("-large.pdf") and pdf.is_file() for pdf in linked)


# --- a second language: the switcher ---------------------------------------------------


@pytest.fixture
def two_languages(tiny_project: Path) -> Path:
    config = tiny_project / "leaflets.yaml"
    config.write_text(config.read_text().replace("languages: [en]", "languages: [en, nl]"))
    shutil.copy(REPO / "content/_locales/nl.yaml", tiny_project / "content/_locales/nl.yaml")
    english = (tiny_project / "content/cramp/en.yaml").read_text()
    write(tiny_project, {"content/cramp/nl.yaml": english.replace("Test cramps", "Testkrampen")})
    return tiny_project


def test_language_switcher_links_the_same_leaflet_in_other_languages(two_languages: Path):
    result = run("--project", two_languages, "build", "-q")
    assert result.exit_code == 0, result.stderr
    output = two_languages / "output"
    english = read_page(output / "en/cramp/patient/index.html")
    dutch = read_page(output / "nl/cramp/patient/index.html")
    assert english.lang == "en-GB" and dutch.lang == "nl-NL"
    switch = [a for a in english.all("a") if a.get("hreflang")]
    assert switch == [{"href": "../../../nl/cramp/patient/index.html", "hreflang": "nl-NL",
                       "lang": "nl-NL", "dir": "ltr"}]
    assert "Nederlands" in english.text and "English" in dutch.text
    assert "Deze folder in andere talen" in dutch.text  # the interface is Dutch too
    assert "Download de folder om te printen" in dutch.text
    assert (1, "Testkrampen") in dutch.headings


def test_pages_are_deterministic(tiny_project: Path):
    assert run("--project", tiny_project, "build", "-q").exit_code == 0
    first = {p: p.read_bytes() for p in pages(tiny_project)}
    assert run("--project", tiny_project, "build", "-q").exit_code == 0
    assert {p: p.read_bytes() for p in pages(tiny_project)} == first
    assert len(first) == 3


def test_no_page_is_written_when_a_leaflet_fails(tiny_project: Path):
    en = tiny_project / "content/cramp/en.yaml"
    en.write_text(en.read_text().replace("      - p: A cramp is a tight muscle. It goes away. [^nhs]",
                                         "      - p: A cramp is a tight muscle. [^nhs]\n" * 120))
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 1
    assert not (tiny_project / "output").exists()


def test_site_strings_are_locale_content_and_checked_for_every_language(two_languages: Path):
    dutch = two_languages / "content/_locales/nl.yaml"
    text = dutch.read_text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("strings:"))
    dutch.write_text("\n".join(row for row in text.splitlines()
                               if not row.startswith("  download_pdf:")) + "\n")
    result = run("--project", two_languages, "build", "-q")
    assert result.exit_code == 1
    assert (f"content/_locales/nl.yaml:{line}:1: strings.download_pdf: missing; every leaflet "
            "or web page uses it") in result.stderr
