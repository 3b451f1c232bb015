"""Whatever text the content holds, the HTML carries it as text: no tag, attribute or link from it.

The property runs the real pipeline on generated files: YAML on disk → loading → validation
→ assembly → the one Jinja environment, for the print HTML and every page of the online
version, with a generated personal note and patient name too. Content that validation
refuses must be refused with located errors; content that it accepts must render to HTML
whose only elements and attributes are those the templates make for plain text.
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings

from leaflets.outputs import RenderOptions, leaflet_keys
from leaflets.assemble.leaflet import assemble
from leaflets.outputs import pdf_output
from leaflets.build.plan import plan
from leaflets.content.project import load_project
from leaflets.errors import ContentErrors
from leaflets.render.html import render_print_html
from leaflets.content.validation import load_content

from strategies import FIELD, plain_project, projects, write_project

SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
SAFE_SCHEMES = ("https:", "http:", "mailto:", "tel:")
# What the inline markup adds to the templates' own elements.
MARKUP_TAGS = {"strong", "a", "sup"}
MARKUP_ATTRIBUTES = {"href", "class"}


class Elements(HTMLParser):
    """Every element and attribute, and the text of the first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1.append(data)


def documents(content, options: RenderOptions) -> list[tuple[str, str]]:
    """Every HTML document a build makes: the print HTML of each leaflet and the site pages."""
    keys = leaflet_keys(content)
    found = [(key.folder, render_print_html(tuple(content.project.template_dirs),
                                            assemble(content, key, options))) for key in keys]
    sizes = {pdf_output(content, key, options): 1000 for key in keys}
    found += [(job.output, job.render().decode()) for job in plan(content, keys, options, sizes)
              if not job.needs_weasyprint and job.output.endswith(".html")]
    return found


def elements(html: str) -> Elements:
    parsed = Elements()
    parsed.feed(html)
    parsed.close()
    return parsed


@functools.cache
def template_elements() -> tuple[frozenset[str], frozenset[str]]:
    """The elements and attributes the templates produce for the plain tiny project."""
    root = Path(tempfile.mkdtemp(prefix="leaflets-baseline-"))
    try:
        write_project(root, *plain_project())
        content = load_content(load_project(root))
        tags: set[str] = set(MARKUP_TAGS)
        attributes: set[str] = set(MARKUP_ATTRIBUTES)
        for _, html in documents(content, RenderOptions(note="Note", patient_name="Sam")):
            for tag, attrs in elements(html).tags:
                tags.add(tag)
                attributes.update(name for name, _ in attrs)
        return frozenset(tags), frozenset(attributes)
    finally:
        shutil.rmtree(root)


@pytest.mark.starts_first  # ten seconds: begun last, it would end the run alone
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects(), FIELD, FIELD)
def test_text_in_every_field_is_only_ever_text(project, note: str, patient_name: str):
    allowed_tags, allowed_attributes = template_elements()
    root = Path(tempfile.mkdtemp(prefix="leaflets-property-"))
    try:
        write_project(root, *project)
        try:
            content = load_content(load_project(root))
        except ContentErrors as refused:
            assert refused.errors
            assert all(error.line >= 1 and error.column >= 1 for error in refused.errors)
            event("refused by validation")
            return
        event("rendered")
        options = RenderOptions(note=note, patient_name=patient_name)
        for name, html in documents(content, options):
            parsed = elements(html)
            for tag, attributes in parsed.tags:
                assert tag in allowed_tags, (name, tag)
                for attribute, value in attributes:
                    assert attribute in allowed_attributes, (name, tag, attribute)
                    if attribute == "href" and SCHEME.match(value or ""):
                        assert value.startswith(SAFE_SCHEMES), (name, value)
            tags = [tag for tag, _ in parsed.tags]
            assert tags.count("h1") == 1 and tags.count("script") == 0, name
        title = project[0]["title"].strip()
        print_html = documents(content, options)[0][1]
        assert "".join(elements(print_html).h1) == title
    finally:
        shutil.rmtree(root)


def _cut(*lengths: int) -> list[list[int]]:
    from types import SimpleNamespace
    from leaflets.render.html import halves
    items = [SimpleNamespace(text="x" * length, action=None) for length in lengths]
    return [[len(item.text) for item in half] for half in halves(items, "text", "action", width=10)]


def test_halves_leave_the_taller_column_shortest_and_the_first_column_the_taller():
    assert _cut(10, 10, 10) == [[10, 10], [10]]
    assert _cut(60, 50, 50) == [[60], [50, 50]]  # 6 lines against 10: better than 11 against 5
    assert _cut(100, 1, 1, 1, 1) == [[100], [1, 1, 1, 1]]
    assert _cut(5, 5, 5, 5) == [[5, 5], [5, 5]]


def test_halves_drop_an_empty_second_half():
    assert _cut(30) == [[30]] and _cut() == []
