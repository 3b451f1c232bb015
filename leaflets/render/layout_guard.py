"""The layout guard: text outside its box, near the paper's edge or too small stops the build.

It walks WeasyPrint's laid-out boxes before anything is written, so a long word, URL or
number that would overflow its column, or would be lost at the edge of the paper, is
reported with the page and section it is in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from leaflets.render.engine import weasyprint  # first: a missing Pango is one clear error
from weasyprint.formatting_structure import boxes  # noqa: I001

from leaflets.render.html import SEPARATOR

MIN_TEXT_PT = 9.0  # nothing smaller, anywhere, in normal print
MIN_LARGE_PRINT_TEXT_PT = 12.0  # nor in large print (where body text is 16 pt)
SAFE_EDGE_MM = 12.0  # office printers do not print closer to the paper's edge
PX_PER_MM = 96 / 25.4
PT_PER_PX = 0.75
# Half a CSS pixel: below what a printer can show, above rounding in the layout.
TOLERANCE_PX = 0.5


@dataclass(frozen=True)
class LayoutProblem:
    page: int
    section: str
    # "overflow", "edge", "size", "hyphen", "qr", "lone", "separator", "apart" or "stranded"
    kind: str
    message: str

    def __str__(self) -> str:
        return f"page {self.page}, section {self.section!r}: {self.message}"


def _section_name(box: boxes.Box, current: str) -> str:
    """The id of the nearest <section>, <header> or <footer> (or its class), else `current`."""
    if isinstance(box, boxes.MarginBox):
        return "page footer" if box.at_keyword.startswith("@bottom") else "page header"
    element = box.element
    if element is None or box.element_tag not in ("section", "header", "footer", "main"):
        return current
    return element.get("id") or element.get("class") or box.element_tag


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _text_boxes(box: boxes.Box) -> Iterator[boxes.TextBox]:
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, boxes.InlineBox):
        for child in box.children:
            yield from _text_boxes(child)


def _excess(left: float, width: float, parent: boxes.Box) -> float:
    """How far (px) a span runs past either side of the parent's content box."""
    inner_left = parent.content_box_x()
    return max(inner_left - left, left + width - (inner_left + parent.width))


def _text_of(box: boxes.Box) -> str:
    words = " ".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox))
    return words.strip() or box.element_tag or "a box"


def _inside_safe_edge(text: boxes.TextBox, page: boxes.PageBox) -> float:
    """How far (px) text comes closer than SAFE_EDGE_MM to the paper's edge."""
    safe = SAFE_EDGE_MM * PX_PER_MM
    return max(safe - text.position_x, text.position_x + text.width - (page.margin_width() - safe),
               safe - text.position_y, text.position_y + text.height - (page.margin_height() - safe))


def _overflow(box: boxes.Box, parent: boxes.Box) -> tuple[float, str] | None:
    """The worst overflow of a line's text, or of a block, out of its parent's content box."""
    if isinstance(box, boxes.LineBox):
        found = max(((_excess(text.position_x, text.width, parent), text.text)
                     for child in box.children for text in _text_boxes(child)), default=None)
    elif isinstance(box, (boxes.BlockLevelBox, boxes.FlexContainerBox)) and box.is_in_normal_flow():
        found = (_excess(box.border_box_x(), box.border_width(), parent), _text_of(box))
    else:
        found = None
    return found if found and found[0] > TOLERANCE_PX else None


def _walk(box: boxes.Box, parent: boxes.Box | None, page: tuple[int, boxes.PageBox],
          section: str, min_pt: float) -> Iterator[LayoutProblem]:
    section = _section_name(box, section)
    found = _overflow(box, parent) if isinstance(parent, boxes.ParentBox) else None
    if found:
        excess, what = found
        yield LayoutProblem(page[0], section, "overflow",
                            f"'{_excerpt(what)}' runs {excess / PX_PER_MM:.1f} mm "
                            "outside its box; shorten it, or break a long word, number or "
                            "address with spaces or hyphens")
    if isinstance(box, boxes.TextBox) and box.text.strip():
        closer = _inside_safe_edge(box, page[1]) / PX_PER_MM
        if closer > TOLERANCE_PX / PX_PER_MM:
            where = (f"runs {closer - SAFE_EDGE_MM:.1f} mm off the paper" if closer > SAFE_EDGE_MM
                     else f"comes within {SAFE_EDGE_MM - closer:.1f} mm of the paper's edge")
            yield LayoutProblem(page[0], section, "edge",
                                f"'{_excerpt(box.text)}' {where}; office printers need "
                                f"{SAFE_EDGE_MM:g} mm: shorten it or widen the page margins")
        size = box.style["font_size"] * PT_PER_PX
        if size < min_pt - 0.01:
            yield LayoutProblem(page[0], section, "size",
                                f"'{_excerpt(box.text)}' is set in {size:g} pt, "
                                f"below the {min_pt:g} pt minimum; raise its font-size in the "
                                "stylesheet")
    for child in box.all_children():
        yield from _walk(child, box, page, section, min_pt)


QR_MIN_MM = 38.0  # at level M, the printed size that still reads at 40 dpi
AUTO_HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character
# Where a word broken by hyphenation hurts most: headings, the summary, captions, the
# checklist and the red flags.
PROTECTED = ("h1", "h2", "h3", "figcaption", "summary", "ticks", "tier")
# Where a line must not hold a lone word or citation mark: the red flags, the captions and
# what a ticked checklist item asks.
LONE_WORD_PLACES = {"figcaption": "caption", "tier": "red flag",
                    "tick-action": "checklist item's action"}
SEPARATOR_MARK = SEPARATOR.strip()  # it ends a line, never starts one
NUMBER_AT_END = re.compile(r"\d\W*$")
GLUE = "\u2060\u2066\u2067\u2068\u2069"  # joiners and isolates: no width, not words


def _classes(box: boxes.Box) -> set[str]:
    element = box.element
    if element is None or isinstance(box, boxes.TextBox):
        return set()
    return {box.element_tag, *element.get("class", "").split()}


def _marks(page: boxes.PageBox) -> Iterator[tuple[str, boxes.Box, bool]]:
    """(class or tag, box, inside a protected element) for every box on the page."""
    def walk(box: boxes.Box, protected: bool) -> Iterator[tuple[str, boxes.Box, bool]]:
        names = _classes(box)
        protected = protected or bool(names & set(PROTECTED))
        for name in names:
            yield name, box, protected
        if isinstance(box, boxes.LineBox):
            yield "line", box, protected
        for child in box.all_children():
            yield from walk(child, protected)
    yield from walk(page, False)


def _line_text(line: boxes.LineBox) -> str:
    return "".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox))


def _lone_last_lines(box: boxes.Box) -> Iterator[str]:
    """The last line of each paragraph of two lines or more under `box`, if it holds a single
    word or only a citation mark ("swollen [1]" counts as one word: the mark is glued on)."""
    lines = [child for child in box.children if isinstance(child, boxes.LineBox)] \
        if isinstance(box, boxes.ParentBox) else []
    last = "".join(c for c in _line_text(lines[-1]) if c not in GLUE).split() if lines else []
    if len(lines) > 1 and len(last) == 1:
        yield last[0]
    for child in box.all_children() if isinstance(box, boxes.ParentBox) else ():
        if not isinstance(child, boxes.LineBox):
            yield from _lone_last_lines(child)


def _lone_words(number: int, page: boxes.PageBox) -> Iterator[LayoutProblem]:
    """A red flag, caption or checklist action whose last line holds one word or only its
    citation mark."""
    for name, box, _ in _marks(page):
        if name in LONE_WORD_PLACES:
            for word in _lone_last_lines(box):
                yield LayoutProblem(number, "page", "lone",
                                    f"'{_excerpt(word)}' stands alone on the last line of a "
                                    f"{LONE_WORD_PLACES[name]}; "
                                    "a reader may miss it: reword the sentence")


def _separator_problem(number: int, line: boxes.LineBox, in_dose: bool) -> LayoutProblem | None:
    words = "".join(c for c in _line_text(line) if c not in GLUE).strip()
    if words.startswith(SEPARATOR_MARK) or (in_dose and NUMBER_AT_END.search(words)):
        return LayoutProblem(number, "page", "separator",
                             f"a line breaks at '{_excerpt(words)}'; a '{SEPARATOR_MARK}' ends "
                             "its line and a dose's number keeps its unit: join them with "
                             "no-break spaces")
    return None


def _page_rules(number: int, page: boxes.PageBox) -> Iterator[LayoutProblem]:
    """Hyphens at a line end in protected text, a line that starts with a "·" (as "… · Next
    review due" may) or a dose line that ends in a number parted from its unit ("Hold for 5
    / seconds"), and a QR code printed too small."""
    for name, box, protected in _marks(page):
        if name == "line":
            problem = _separator_problem(number, box, in_dose=False)
            if problem:
                yield problem
        elif name == "dose":
            yield from filter(None, (_separator_problem(number, line, in_dose=True)
                                     for line in box.descendants()
                                     if isinstance(line, boxes.LineBox)))
        if name == "line" and protected:
            words = _line_text(box)
            if words.rstrip().endswith(AUTO_HYPHEN):
                yield LayoutProblem(number, "page", "hyphen",
                                    f"'{_excerpt(words)}' ends in a hyphen; headings, captions, "
                                    "the checklist and red flags must keep their words whole")
        elif name == "qr" and box.width / PX_PER_MM < QR_MIN_MM - 0.05:
            yield LayoutProblem(number, "masthead", "qr",
                                f"the QR code is {box.width / PX_PER_MM:.1f} mm wide, below the "
                                f"{QR_MIN_MM:g} mm that scans at 40 dpi; make it larger")


def _apart(document: weasyprint.Document) -> Iterator[LayoutProblem]:
    """"When to get help" on another page than its emergency tier, or a tier split."""
    pages: dict[str, set[int]] = {}
    for number, page in enumerate(document.pages, start=1):
        for name, _, _ in _marks(page._page_box):
            if name in ("get-help", "tier-emergency", "tier"):
                pages.setdefault(name, set()).add(number)
    help_pages, emergency = pages.get("get-help", set()), pages.get("tier-emergency", set())
    if len(help_pages) > 1 or (emergency and not emergency <= help_pages) or len(emergency) > 1:
        yield LayoutProblem(min(help_pages | emergency), "get-help", "apart",
                            "'When to get help' and its tiers do not share one page; a reader "
                            "must see the emergency tier with its heading: shorten the text "
                            "before it")


HEADINGS = ("h2", "h3")


def _followed(heading: boxes.Box, parent: boxes.Box) -> bool:
    """Whether the heading's element has content after it in the document."""
    siblings = list(parent.element) if parent.element is not None else []
    return heading.element in siblings and siblings.index(heading.element) < len(siblings) - 1


def _stranded_headings(number: int, page: boxes.PageBox) -> Iterator[LayoutProblem]:
    """A heading that ends its part of a page while its text, after it in the document, went
    on to the next page (WeasyPrint's break-after: avoid has limits, as beside columns)."""
    def walk(box: boxes.Box, section: str) -> Iterator[LayoutProblem]:
        section = _section_name(box, section)
        children = [child for child in box.children if isinstance(child, boxes.BlockLevelBox)
                    and not child.is_absolutely_positioned()] \
            if isinstance(box, boxes.ParentBox) else []
        if children and children[-1].element_tag in HEADINGS and _followed(children[-1], box):
            words = "".join(text.text for text in children[-1].descendants()
                            if isinstance(text, boxes.TextBox))
            yield LayoutProblem(number, section, "stranded",
                                f"the heading '{_excerpt(words)}' ends the page and its text "
                                "starts on the next; keep them together: shorten the text "
                                "before it")
        for child in children:
            yield from walk(child, section)
    yield from walk(page, "page")


def layout_problems(document: weasyprint.Document, min_pt: float) -> list[LayoutProblem]:
    """Overflow, text too near the paper's edge or smaller than `min_pt`, and broken rules
    of print design: hyphens in protected text, a lone word or citation mark on the last line
    of a red flag, caption or checklist action, a line that starts with a "·", a
    dose's number parted from its unit, a small QR code, help split from its tiers, a heading
    stranded at the foot of a page.

    The first problem of each kind per page and section, so that one long word does not
    bury the report.
    """
    first: dict[tuple[int, str, str], LayoutProblem] = {}
    for number, page in enumerate(document.pages, start=1):
        # The page box is private in WeasyPrint's Page, but it is the laid-out tree itself.
        for problem in _walk(page._page_box, None, (number, page._page_box), "page", min_pt):
            first.setdefault((problem.page, problem.section, problem.kind), problem)
        for problem in (*_page_rules(number, page._page_box),
                        *_lone_words(number, page._page_box),
                        *_stranded_headings(number, page._page_box)):
            first.setdefault((problem.page, problem.section, problem.kind), problem)
    for problem in _apart(document):
        first.setdefault((problem.page, problem.section, problem.kind), problem)
    return list(first.values())
