"""Reading built web pages the way a browser and a screen reader would."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from pdf_tools import BIDI_CONTROLS

LANDMARKS = {"header", "nav", "main", "footer", "aside"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


@dataclass
class Page:
    path: Path
    lang: str = ""
    title: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)
    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    svg_titles: list[str] = field(default_factory=list)
    text: str = ""

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]

    def links(self) -> list[tuple[str, str]]:
        """Every (tag, address) the page refers to: href, src and srcset values."""
        return [(name, attrs[key]) for name, attrs in self.elements
                for key in ("href", "src") if key in attrs]


class _Reader(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.stack: list[str] = []
        self.heading: tuple[int, list[str]] | None = None
        self.text: list[str] = []
        self.in_title = False
        self.skip = 0  # inside <style> or <title> of the document head

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.page.elements.append((tag, values))
        if tag == "html":
            self.page.lang = values.get("lang", "")
        if tag in ("style", "script") or (tag == "title" and "svg" not in self.stack):
            self.skip += 1
        if tag == "title" and "svg" in self.stack:
            self.in_title = True
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.heading = (int(tag[1]), [])
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") or (tag == "title" and "svg" not in self.stack[:-1]):
            self.skip = max(0, self.skip - 1)
        if tag == "title":
            self.in_title = False
        if self.heading and tag == f"h{self.heading[0]}":
            self.page.headings.append((self.heading[0], " ".join("".join(self.heading[1]).split())))
            self.heading = None
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
        if tag in ("p", "li", "h1", "h2", "h3", "figcaption", "div", "section"):
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page.svg_titles.append(data)
            return
        if self.skip:
            if self.stack and self.stack[-1] == "title":
                self.page.title += data
            return
        if self.heading:
            self.heading[1].append(data)
        self.text.append(data)


def read_page(path: Path) -> Page:
    page = Page(path)
    reader = _Reader(page)
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    page.text = " ".join("".join(reader.text).translate(BIDI_CONTROLS).split())
    page.headings = [(level, text.translate(BIDI_CONTROLS)) for level, text in page.headings]
    return page
