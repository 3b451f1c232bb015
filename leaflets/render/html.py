"""The one Jinja2 environment, and HTML for print."""

from __future__ import annotations

import operator
import re
import unicodedata
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Sequence, TypeVar

import jinja2
from markupsafe import Markup, escape

from leaflets.assemble.leaflet import Leaflet
from leaflets.content.pictures import PICTURES_DIR

from leaflets.content.markup import LRI, PDI, isolate_ltr
from leaflets.content.project import ASSETS
from leaflets.content.schema import DEFAULT_ACCENT
from leaflets.errors import ContentError
from leaflets.reproducible import w3c_datetime


def css_string(text: str) -> str:
    """Quote text as a CSS string literal that is also safe inside an HTML <style> element."""
    # Backslash, quote and line breaks would end or bend the string; < and > could close the
    # <style> element around it. Each becomes a CSS hex escape.
    escaped = re.sub(r'[\\"<>&\x00-\x1f\x7f]', lambda m: f"\\{ord(m.group()):x} ", text)
    return f'"{escaped}"'


def css_counter_text(template: str) -> Markup:
    """'Page {page} of {pages}' → '"Page " counter(page) " of " counter(pages)' for @page."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", template):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts))


@jinja2.pass_context
def breakable_url(context: jinja2.runtime.Context, url: str) -> Markup:
    """Let a long URL wrap after its slashes and dots rather than anywhere.

    In right-to-left text the URL is isolated, so it keeps its left-to-right order, and it
    breaks at zero-width spaces: WeasyPrint would set the pieces between <wbr>s right to left.
    """
    translator = context.get("t")
    if translator is not None and translator.direction.is_rtl:
        return Markup(LRI + re.sub(r"([/.])", "\\1\u200b", str(escape(url))) + PDI)
    return Markup(re.sub(r"([/.])", r"\1<wbr>", str(escape(url))))


def text_direction(text: str) -> str:
    """The `dir` of a block in one language, such as an English source in an Arabic leaflet:
    a paragraph of its own lays out and wraps in its own direction, where an isolate would not."""
    return "rtl" if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text) else "ltr"


@jinja2.pass_context
def isolated(context: jinja2.runtime.Context, text: str) -> str:
    """Text a clinic typed (a phone number, an address) with its left-to-right runs isolated
    in right-to-left pages, so "+44 113 496 0000" does not read backwards."""
    translator = context.get("t")
    if translator is None or not translator.direction.is_rtl:
        return text
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return LRI + text + PDI  # all of it, signs and all: "+44 …" keeps its plus in front
    return isolate_ltr(text)


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


# Between the parts of a dose, a review line or a clinic's details: the no-break space keeps
# the "·" at the end of a line, never at the start of the next (the layout guard checks it).
SEPARATOR = "\u00a0· "


def glue_last_word(text: str) -> Markup:
    """The last two words of a red flag or caption joined by a no-break space, so that its
    last line never holds a lone word or citation mark (the layout guard checks it)."""
    pieces = _TAG_OR_TEXT.split(str(escape(text)))
    for index in range(len(pieces) - 1, -1, -1):
        piece = pieces[index]
        if not piece.startswith("<") and " " in piece.rstrip():
            head, _, tail = piece.rstrip().rpartition(" ")
            pieces[index] = head + "\u00a0" + tail + piece[len(piece.rstrip()):]
            break
    return Markup("".join(pieces))


T = TypeVar("T")


def halves(items: Sequence[T], *attributes: str, width: int) -> tuple[Sequence[T], ...]:
    """`items` cut in two for two columns read down each: the cut that leaves the taller column
    shortest (the first if tied), counting lines of `width` characters in the named attributes,
    each starting its own line. An empty second half is dropped.

    Two lists side by side lay out once; CSS columns are balanced by trial layouts, which made
    the checklist and the sources three-quarters of a render.
    """
    getters = [operator.attrgetter(name) for name in attributes]
    lines = [sum(-(-len(str(get(item) or "")) // width) for get in getters) for item in items]
    before, total = list(accumulate(lines, initial=0)), sum(lines)
    cut = min(range(len(items) + 1),
              key=lambda k: (max(before[k], total - before[k]), before[k] < total - before[k]))
    return tuple(half for half in (items[:cut], items[cut:]) if half)


@lru_cache(maxsize=8)
def environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = lambda text: Markup(css_string(str(text)))
    env.filters["css_counter_text"] = css_counter_text
    env.filters["breakable_url"] = breakable_url
    env.filters["isolated"] = isolated
    env.filters["text_direction"] = text_direction
    env.filters["glue_last_word"] = glue_last_word
    env.filters["halves"] = halves
    env.filters["w3c_datetime"] = w3c_datetime
    env.globals["assets_url"] = ASSETS.as_uri()
    env.globals["default_accent"] = DEFAULT_ACCENT
    env.globals["separator"] = SEPARATOR
    return env


def template_errors(template_dirs: tuple[Path, ...]) -> list[ContentError]:
    """Every template that does not compile, located: `check` finds what `build` would hit."""
    env = environment(template_dirs)
    found: list[ContentError] = []
    for name in env.list_templates():
        if name.startswith(f"{PICTURES_DIR}/"):
            continue  # drawings, held to the SVG rule
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            found.append(ContentError(exc.filename or name, exc.lineno or 1, 1, "",
                                      f"the template does not compile: {exc.message}; check "
                                      "the {% %} and {{ }} on this line"))
        except (jinja2.TemplateError, UnicodeDecodeError, OSError) as exc:
            where = next((d / name for d in template_dirs if (d / name).exists()), Path(name))
            found.append(ContentError(str(where), 1, 1, "", f"the template cannot be read "
                                      f"({type(exc).__name__}); save it again as UTF-8 text"))
    return found


def render_print_html(template_dirs: tuple[Path, ...], leaflet: Leaflet) -> str:
    """The HTML that WeasyPrint turns into the PDF, with `render_print_css`."""
    return _render_leaflet(template_dirs, "leaflet.html", leaflet)


def render_print_css(template_dirs: tuple[Path, ...], leaflet: Leaflet) -> str:
    """The stylesheet of the leaflet's paper, print size, direction, language and clinic."""
    return _render_leaflet(template_dirs, "leaflet.css", leaflet)


def _render_leaflet(template_dirs: tuple[Path, ...], name: str, leaflet: Leaflet) -> str:
    return environment(template_dirs).get_template(name).render(leaflet=leaflet, t=leaflet.t)


def standalone(html: str, css: str) -> str:
    """The HTML with its stylesheet inside, as one document: what a bare render is given."""
    head, end, rest = html.partition("</head>")
    return f"{head}<style>\n{css}</style>\n{end}{rest}"
