"""The one SVG rule of pictures and logos, and the drawing it writes out to inline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from leaflets.content.svg import DRAWING_ELEMENTS, plain_svg, svg_problem

from conftest import REPO

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


def test_every_bundled_picture_is_a_plain_drawing():
    pictures = sorted((REPO / "templates/pictures").glob("*.svg"))
    assert pictures
    for path in pictures:
        assert svg_problem(path.read_bytes()) is None, path


@pytest.mark.parametrize("body, message", [
    ("<script>alert(1)</script>", "contains a script"),
    ("<Script>alert(1)</Script>", "<Script> is not a plain drawing element"),
    ('<rect onload="alert(1)"/>', "the onload handler"),
    ('<a href="https://a.test/"><rect/></a>', "<a> is not a plain drawing element"),
    ('<use xlink:href="javascript:alert(1)"/>', "refers to other files or addresses"),
    ('<use href="&#106;avascript:alert(1)"/>', "refers to other files or addresses"),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"/></foreignObject>',
     "<foreignObject> is not"),
    ('<image href="https://a.test/x.png"/>', "refers to other files"),
    ('<image href="data:image/svg+xml;base64,PHN2Zz4="/>', "refers to other files"),
    ('<use href="file:///etc/passwd#a"/>', "refers to other files"),
    ('<style>@import "x.css";</style>', "style loads or runs something"),
    ("<style>rect { fill: url('https://a.test/') }</style>", "style loads or runs something"),
    ('<rect style="background: url(x.png)"/>', "style loads or runs something"),
    ('<rect fill="url( file:///x)"/>', "style loads or runs something"),
    ('<feImage href="#a"/>', "<feImage> is not"),
    ('<animate attributeName="href" to="javascript:alert(1)"/>', "<animate> is not"),
    ('<rect inkscape:label="x" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"/>',
     "belongs to an editor"),
])
def test_what_runs_links_or_fetches_is_refused(body: str, message: str):
    problem = svg_problem(SVG.format(body).encode())
    assert problem and message in problem.message and problem.line == 1 and problem.column > 1


@pytest.mark.parametrize("data, message", [
    (b"", "is empty"), (b"<html/>", "does not start with an <svg>"),
    (b"<svg><title>caf\xe9</title></svg>", "not UTF-8"), (b"<svg", "not well-formed"),
    (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg/>', "DOCTYPE or entities"),
    (b'<?xml-stylesheet href="a.css"?><svg/>', "processing instruction"),
])
def test_a_file_that_is_no_svg_is_refused(data: bytes, message: str):
    problem = svg_problem(data)
    assert problem and message in problem.message


def test_gradients_and_references_inside_the_file_are_allowed():
    body = ('<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient>'
            '</defs><rect fill="url(#g)"/><rect style="fill: url(\'#g\')"/><use href="#g"/>'
            '<image href="data:image/png;base64,iVBORw0KGgo="/>')
    assert svg_problem(SVG.format(body).encode()) is None


TAG = re.compile(r"<(/?)([^\s>/]*)")


def _tags_are_drawing_elements(svg: str) -> None:
    for _, name in TAG.findall(svg):
        assert name in DRAWING_ELEMENTS, (name, svg)


def test_what_html_reads_differently_from_xml_is_dropped():
    """`<!-->` ends an HTML comment, and CDATA is a bogus comment in an HTML title."""
    data = ('<?xml version="1.0"?><!-- <svg><script>alert(1)</script> -->' + SVG.format(
        "<title><![CDATA[ x> <img src=x onerror=alert(1)> ]]></title>"
        "<!--> <img src=x onerror=alert(2)> --><rect/>")).encode()
    assert svg_problem(data) is None
    svg = plain_svg(data)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg">')
    assert "<!" not in svg and "<?" not in svg and "<img" not in svg
    _tags_are_drawing_elements(svg)


FRAGMENTS = st.sampled_from([
    "<rect/>", "<g>", "</g>", "<title>", "</title>", "<![CDATA[", "]]>", "<!--", "-->", "<!-->",
    "<img src=x onerror=alert(1)>", "&lt;script&gt;", "&#60;b&#62;", "<style>", "</style>",
    "a { fill: url(#x) }", "@import 'x';", '<use href="#a"/>', '<use href="x.svg#a"/>',
    '<rect onclick="a"/>', "<script>", "</script>", "<?php ?>", "text", "&amp;", "'", '"', ">",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=12).map("".join))
def test_any_drawing_is_refused_or_inlined_as_drawing_elements_only(body: str):
    data = SVG.format(body).encode()
    if svg_problem(data) is None:
        _tags_are_drawing_elements(plain_svg(data))


def test_a_project_picture_reaches_the_page_only_as_a_drawing(tiny_project: Path):
    from conftest import run

    hostile = ('<?xml version="1.0"?>\n<!-- <svg><script>alert(1)</script> -->\n' + SVG.format(
        '<title><![CDATA[ x> <img src=x onerror=alert(1)> ]]></title>'
        '<!--> <img src=x onerror=alert(2)> --><rect width="10" height="10"/>'))
    (tiny_project / "templates/pictures").mkdir(parents=True)
    (tiny_project / "templates/pictures/calf-wall-lean.svg").write_text(hostile, encoding="utf-8")
    result = run("--project", tiny_project, "build", "-q")
    assert result.exit_code == 0, result.stderr
    page = (tiny_project / "output/en/cramp/patient/index.html").read_text(encoding="utf-8")
    picture = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" role="img" class="picture">'):]
    picture = picture[:picture.index("</svg>") + 6]
    assert "<img" not in picture and "<!" not in picture and "alert(1)" not in page.split("<title>")[0]
    _tags_are_drawing_elements(picture)
