"""The small inline markup allowed in content text.

- `**words**` for emphasis,
- `[words](https://...)` for a link (https, http, mailto and tel only),
- `[^reference-id]` to cite one of the module's references.

Everything else is text and is escaped. Raw HTML is never passed through.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup, escape

ALLOWED_SCHEMES = ("https:", "http:", "mailto:", "tel:")
_TOKEN = re.compile(
    r"\*\*(?P<strong>[^*]+?)\*\*"
    r"|\[\^(?P<cite>[a-z0-9-]+)\]"
    # An address may hold balanced parentheses (Wikipedia's do), so that `javascript:alert(1)`
    # is judged whole rather than cut at its first `)`.
    r"|\[(?P<label>[^\]]+)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))+)\)"
)


@dataclass(frozen=True)
class Span:
    kind: str  # "text", "strong", "link" or "cite"
    text: str
    target: str = ""


def refused_link(text: str) -> str | None:
    """Why a link in `text` is refused, or None: the one check, run inside the error collector."""
    for span in spans(text):
        if span.kind == "refused":
            return (f"the link {span.target!r} is not allowed: a link must start with "
                    f"{', '.join(ALLOWED_SCHEMES[:-1])} or {ALLOWED_SCHEMES[-1]} "
                    "(write the full address, like https://www.nhs.uk/)")
    return None


def parse(text: str) -> list[Span]:
    """Split text into spans; raise ValueError for a link we refuse (validation reports it)."""
    problem = refused_link(text)
    if problem:
        raise ValueError(problem)
    return spans(text)


def spans(text: str) -> list[Span]:
    """Split text into spans; a link we refuse is a "refused" span, shown as its label."""
    found: list[Span] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            found.append(Span("text", text[position:match.start()]))
        if match["strong"]:
            found.append(Span("strong", match["strong"]))
        elif match["cite"]:
            found.append(Span("cite", match["cite"], match["cite"]))
        else:
            url = match["url"]
            allowed = url.lower().startswith(ALLOWED_SCHEMES)
            found.append(Span("link" if allowed else "refused", match["label"], url))
        position = match.end()
    if position < len(text):
        found.append(Span("text", text[position:]))
    return found


def citations(text: str) -> list[str]:
    """The reference ids cited in `text`."""
    return [match["cite"] for match in _TOKEN.finditer(text) if match["cite"]]


# \d is every Unicode decimal digit: 10, ١٠ (Arabic) and ۱۰ (Persian) are one number.
_NUMBER = re.compile(r"\d+(?:[.,\u066b]\d+)?")


def _ascii_number(number: str) -> str:
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else "." for c in number)


def numbers(text: str) -> list[str]:
    """The numbers in a text, sorted and in ASCII digits, to compare across languages."""
    return sorted(_ascii_number(n) for n in _NUMBER.findall(plain(text)))


def plain(text: str) -> str:
    """The text as a reader hears it: no markup, no citation marks."""
    text = re.sub(r"\s+(?=\[\^[a-z0-9-]+\])", "", text)
    return "".join(span.text for span in spans(text) if span.kind != "cite")


# Unicode's isolates: a left-to-right run inside them keeps its order and its place in a
# right-to-left sentence. WeasyPrint has no `unicode-bidi`, so <bdi> alone would not do.
LRI, PDI = "\u2066", "\u2069"
_STARTS_LTR = {"L", "EN"}
_INSIDE_LTR = {"L", "EN", "ES", "ET", "CS", "WS", "ON", "NSM", "BN"}
_ENDS_LTR = {"L", "EN", "ET"}


def _ltr_end(text: str, start: int) -> int:
    """Where the left-to-right run that starts at `start` ends, trailing neutrals left out."""
    end = last = start
    while end < len(text) and unicodedata.bidirectional(text[end]) in _INSIDE_LTR:
        if unicodedata.bidirectional(text[end]) in _ENDS_LTR:
            last = end
        end += 1
    return last + 1


_FIELD = re.compile(r"\{[a-z_]+\}")


def isolate_ltr(text: str) -> str:
    """Wrap each left-to-right run (a number, "NHS 111", a URL) of text in LRI … PDI.

    A {field} still to be filled in is left as it is.
    """
    parts: list[str] = []
    position = 0
    while position < len(text):
        field = _FIELD.match(text, position)
        if field:
            parts.append(field.group())
            position = field.end()
        elif unicodedata.bidirectional(text[position]) in _STARTS_LTR:
            end = _ltr_end(text, position)
            parts.append(LRI + text[position:end] + PDI)
            position = end
        else:
            parts.append(text[position])
            position += 1
    return "".join(parts)


# A number keeps its unit on the same line: "10 minutes", "5 seconds".
_NUMBER_SPACE = re.compile(r"(?<=\d) (?=[^\W\d_])")
_TRAILING_SPACE = re.compile(r"\s+$")  # before a citation mark


def _span_html(span: Span, cite_number: Callable[[str], int], rtl: bool) -> str:
    words = isolate_ltr if rtl else str
    if span.kind == "strong":
        return f"<strong>{escape(words(span.text))}</strong>"
    if span.kind == "cite":
        number = cite_number(span.target)
        mark = f"{LRI}[{number}]{PDI}" if rtl else f"[{number}]"
        return f'<a class="cite" href="#ref-{number}"><sup>{mark}</sup></a>'
    if span.kind == "link":
        return f'<a href="{escape(span.target)}">{escape(words(span.text))}</a>'
    return str(escape(words(_NUMBER_SPACE.sub("\u00a0", span.text))))


def to_html(text: str, cite_number: Callable[[str], int], rtl: bool = False) -> Markup:
    """Render text as escaped HTML with the allowed inline markup.

    In right-to-left text, left-to-right runs and citation marks are isolated. A citation
    mark is glued to the word before it with a word joiner (U+2060), so it never starts a
    line alone; the stylesheet gives it back its space as a margin. A no-break space or a
    white-space: nowrap span would say the same, but WeasyPrint then breaks the line too
    early and leaves one word alone (Kozea/WeasyPrint#1075).
    """
    spans = parse(text)
    parts: list[str] = []
    for index, span in enumerate(spans):
        html = _span_html(span, cite_number, rtl)
        if span.kind == "text" and index + 1 < len(spans) and spans[index + 1].kind == "cite":
            html = _TRAILING_SPACE.sub("", html) + "\u2060"
        parts.append(html)
    return Markup("".join(parts))
