"""The small inline markup allowed in content text.

- `**words**` for emphasis,
- `[words](https://...)` for a link (https, http, mailto and tel only),
- `[^reference-id]` to cite one of the module's references.

Everything else is text and is escaped. Raw HTML is never passed through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup, escape

ALLOWED_SCHEMES = ("https:", "http:", "mailto:", "tel:")
_TOKEN = re.compile(
    r"\*\*(?P<strong>[^*]+?)\*\*"
    r"|\[\^(?P<cite>[a-z0-9-]+)\]"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)"
)


@dataclass(frozen=True)
class Span:
    kind: str  # "text", "strong", "link" or "cite"
    text: str
    target: str = ""


def parse(text: str) -> list[Span]:
    """Split text into spans; raise ValueError for a link we refuse."""
    spans: list[Span] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            spans.append(Span("text", text[position:match.start()]))
        if match["strong"]:
            spans.append(Span("strong", match["strong"]))
        elif match["cite"]:
            spans.append(Span("cite", match["cite"], match["cite"]))
        else:
            url = match["url"]
            if not url.lower().startswith(ALLOWED_SCHEMES):
                raise ValueError(f"the link {url!r} is not allowed: a link must start with "
                                 f"{', '.join(ALLOWED_SCHEMES[:-1])} or {ALLOWED_SCHEMES[-1]} "
                                 "(write the full address, like https://www.nhs.uk/)")
            spans.append(Span("link", match["label"], url))
        position = match.end()
    if position < len(text):
        spans.append(Span("text", text[position:]))
    return spans


def citations(text: str) -> list[str]:
    """The reference ids cited in `text`."""
    return [match["cite"] for match in _TOKEN.finditer(text) if match["cite"]]


def plain(text: str) -> str:
    """The text as a reader hears it: no markup, no citation marks."""
    text = re.sub(r"\s+(?=\[\^[a-z0-9-]+\])", "", text)
    return "".join(span.text for span in parse(text) if span.kind != "cite")


# A number keeps its unit on the same line: "10 minutes", "5 seconds".
_NUMBER_SPACE = re.compile(r"(?<=\d) (?=[^\W\d_])")
_TRAILING_SPACE = re.compile(r"\s+$")  # before a citation mark


def _span_html(span: Span, cite_number: Callable[[str], int]) -> str:
    if span.kind == "strong":
        return f"<strong>{escape(span.text)}</strong>"
    if span.kind == "cite":
        number = cite_number(span.target)
        return f'<a class="cite" href="#ref-{number}"><sup>[{number}]</sup></a>'
    if span.kind == "link":
        return f'<a href="{escape(span.target)}">{escape(span.text)}</a>'
    return str(escape(_NUMBER_SPACE.sub("\u00a0", span.text)))


def to_html(text: str, cite_number: Callable[[str], int]) -> Markup:
    """Render text as escaped HTML with the allowed inline markup.

    A citation mark is glued to the word before it with a word joiner (U+2060), so it
    never starts a line alone; the stylesheet gives it back its space as a margin. A
    no-break space or a white-space: nowrap span would say the same, but WeasyPrint then
    breaks the line too early and leaves one word alone (Kozea/WeasyPrint#1075).
    """
    spans = parse(text)
    parts: list[str] = []
    for index, span in enumerate(spans):
        html = _span_html(span, cite_number)
        if span.kind == "text" and index + 1 < len(spans) and spans[index + 1].kind == "cite":
            html = _TRAILING_SPACE.sub("", html) + "\u2060"
        parts.append(html)
    return Markup("".join(parts))
