"""The one SVG rule, for diagram pictures and clinic logos: a plain drawing and nothing else.

Pictures are inlined into every web page and PDF, and a logo into every page too, so an SVG
is parsed with defusedxml (no DTD, no entities, no external references) and every element
must be a drawing element of the allow-list below. Anything that runs, links or fetches is
refused: scripts, `on*` handlers, links other than to an id in the same file, foreignObject,
external images, `file:` references and CSS `@import` or `url()` (except `url(#id)`).

A picture is inlined as `plain_svg` writes it out again from the checked tree, never as
its raw text: comments, CDATA and processing instructions are dropped, because HTML parses
them differently from XML (`<!-->` ends an HTML comment at once) and could turn text into
markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from markupsafe import escape
from defusedxml.ElementTree import DefusedXMLParser

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
DRAWING_ELEMENTS = frozenset("""
    svg g defs symbol use title desc path rect circle ellipse line polyline polygon text tspan
    textPath linearGradient radialGradient stop clipPath mask pattern marker style image filter
    feBlend feColorMatrix feComponentTransfer feComposite feFlood feFuncA feFuncB feFuncG
    feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset feDropShadow
""".split())
# Raster data embedded in the file itself is the only image an SVG may show.
_EMBEDDED_IMAGE = re.compile(r"^data:image/(?:png|jpeg);base64,[A-Za-z0-9+/=\s]*$")
_URL = re.compile(r"url\s*\(\s*(?!['\"]?\s*#)", re.I)
_CSS_DANGER = re.compile(r"@import|expression\s*\(|-moz-binding|behavior\s*:", re.I)
_SCHEME_DANGER = re.compile(r"(?:javascript|vbscript|file|data)\s*:", re.I)
# Only the XML declaration and comments may come before the <svg> element.
_PROLOG = re.compile(r"\A\ufeff?\s*(?:<\?xml\s[^>]*\?>)?(?:\s*<!--(?:(?!-->).)*-->)*\s*(?=<svg\b)", re.S)


@dataclass(frozen=True)
class ImageProblem:
    """What is wrong with an SVG, and where (line and column in the file)."""

    line: int
    column: int
    message: str


class _Located(TreeBuilder):
    """Builds the tree and remembers where each element starts in the file."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.where: dict[int, tuple[int, int]] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:  # type: ignore[override]
        element = super().start(tag, attrs)
        expat = self.parser.parser  # type: ignore[union-attr]
        self.where[id(element)] = (expat.CurrentLineNumber, expat.CurrentColumnNumber + 1)
        return element


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset].split("\n")
    return len(before), len(before[-1]) + 1


def _parse(text: str) -> tuple[Element | None, _Located, ImageProblem | None]:
    builder = _Located()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(text)
        return parser.close(), builder, None
    except DefusedXmlException:
        found = re.search(r"<!(DOCTYPE|ENTITY)", text, re.I)
        line, column = _position(text, found.start()) if found else (1, 1)
        return None, builder, ImageProblem(line, column, "the SVG declares a DOCTYPE or entities; "
                                         "remove them")
    except ParseError as exc:
        line, column = exc.position
        return None, builder, ImageProblem(line, column + 1, f"the SVG is not well-formed XML "
                                         f"({str(exc).split(':')[0]}); save it again as plain SVG")


def _local(name: str) -> tuple[str, str]:
    """`{namespace}name` → (namespace, name)."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _css_problem(css: str) -> str | None:
    if _CSS_DANGER.search(css) or _URL.search(css) or _SCHEME_DANGER.search(css):
        return ("the SVG's style loads or runs something (@import, url() to another file, "
                "expression()); keep styles to colours and sizes, and url(#id) only")
    return None


def _attribute_problem(element: str, name: str, value: str) -> str | None:
    namespace, local = _local(name)
    if local.lower().startswith("on"):
        return f"the SVG contains a script (the {local} handler); use a plain drawing"
    if namespace not in ("", XLINK_NAMESPACE, XML_NAMESPACE):
        return (f"the attribute {local!r} belongs to an editor ({namespace}); save the file "
                "again as plain SVG")
    if local in ("href", "src"):
        if value.strip().startswith("#") or (element == "image" and _EMBEDDED_IMAGE.match(value)):
            return None
        return (f"the SVG refers to other files or addresses ({value[:60]!r}); embed everything "
                "in the one file")
    if local == "style" or "url(" in value.lower():
        return _css_problem(value)
    if _SCHEME_DANGER.match(value.strip()):
        return f"the SVG's {local} holds an address ({value[:60]!r}); use a plain drawing"
    return None


def _element_problem(element: Element) -> str | None:
    namespace, local = _local(element.tag)
    if namespace not in ("", SVG_NAMESPACE) or local not in DRAWING_ELEMENTS:
        if local == "script":
            return "the SVG contains a script; use a plain drawing"
        return (f"the SVG element <{local}> is not a plain drawing element; remove it (allowed: "
                "shapes, paths, text, groups, gradients, clip paths, masks and styles)")
    for name, value in element.attrib.items():
        problem = _attribute_problem(local, name, value)
        if problem:
            return problem
    if local == "style":
        return _css_problem(element.text or "")
    return None


def _checked(data: bytes) -> tuple[Element | None, ImageProblem | None]:
    """The parsed drawing, or why it is not a plain SVG drawing and where."""
    if not data.strip():
        return None, ImageProblem(1, 1, "the SVG file is empty; draw the picture, or remove the file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8")
        return None, ImageProblem(*_position(before, len(before)),
                                "the SVG is not UTF-8 text; save it again as UTF-8")
    found = re.search(r"<\?(?!xml\s)", text)
    if found:
        return None, ImageProblem(*_position(text, found.start()), "the SVG holds a processing "
                                "instruction (<?...?>), such as a style sheet link; remove it")
    root, builder, problem = _parse(text)
    if problem or root is None:
        return None, problem
    if _local(root.tag)[1] != "svg" or not _PROLOG.match(text):
        return None, ImageProblem(1, 1, "the file does not start with an <svg> element; save it "
                                "again as plain SVG")
    for element in root.iter():
        message = _element_problem(element)
        if message:
            return None, ImageProblem(*builder.where.get(id(element), (1, 1)), message)
    return root, None


def svg_problem(data: bytes) -> ImageProblem | None:
    """Why `data` is not a plain SVG drawing, and where; None when it is one."""
    return _checked(data)[1]


def _attribute_name(name: str) -> str:
    namespace, local = _local(name)
    return f"xml:{local}" if namespace == XML_NAMESPACE else local  # xlink:href is href in SVG 2


def _write(element: Element, parts: list[str]) -> None:
    local = _local(element.tag)[1]
    attributes = {_attribute_name(name): value for name, value in element.attrib.items()}
    if local == "svg" and not parts:
        attributes = {"xmlns": SVG_NAMESPACE, **attributes}
    parts.append(f"<{local}" + "".join(f' {name}="{escape(value)}"'
                                         for name, value in attributes.items()) + ">")
    parts.append(str(escape(element.text or "")))
    for child in element:
        _write(child, parts)
        parts.append(str(escape(child.tail or "")))
    parts.append(f"</{local}>")


def plain_svg(data: bytes) -> str:
    """The drawing written out again from its checked tree; ValueError if the rule refuses it."""
    root, problem = _checked(data)
    if root is None:
        raise ValueError(f"line {problem.line}, column {problem.column}: {problem.message}")  # type: ignore[union-attr]
    parts: list[str] = []
    _write(root, parts)
    return "".join(parts)
