"""Hypothesis strategies: the tiny project with generated, often hostile, text in every field."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import yaml
from hypothesis import strategies as st

from conftest import CONFIG, REPO, TEXT, TOPIC
from leaflets.content.characters import INVISIBLE
from leaflets.content.tree import text_leaves

# Every character the one rule refuses as invisible on its own: bidi controls, zero-width
# characters, separators, tag characters (ZWNJ and ZWJ too, when no Arabic or Indic letter
# comes before them).
INVISIBLE_CHARACTERS = [chr(c) for c in range(0x180e, 0xe0080) if INVISIBLE.match(chr(c))]

# Fragments that mean something to HTML, CSS, Jinja, YAML or the inline markup, and that
# validation accepts: they must come out as text.
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</style><b>", "</title>",
    "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#x3c;", "&lt;", '"', "'", "`", "\\",
    "{{ 7*7 }}", "{% raw %}", "{{", "}}", "{page}", "{title}", "**", "*", "[", "]",
    '[x](https://a.test/"onmouseover="alert(1))', "[^nhs]", "[click](https://a.test/)",
    "url(file:///etc/passwd)", "@import", ";", "/*", "\u00a0", "\u00ad", "\u200e",
    "\u0301", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0915\u094d\u200d\u0937", "\n", "\t", "  ", "%", "#", ": ", "- ", "ü", "ß", "я", "中文", "🙂",
]
# Fragments that validation refuses (unprintable, unsafe link, unknown citation, a format
# field leaflets cannot fill): a field with one must give located errors, not a crash.
REFUSED = ["\x00", "\x1b", "\ud800", "[x](javascript:alert(1))", "[^zz]", "{0}", "{", "{a.b}",
           "1\u202e0", "\u2066", "\u200b", "\ufeff", "a\u200cb", "\u2028", "\U000e0041"]
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"),
                          blacklist_characters="\ufffe\uffff\u2028\u2029").filter(
                              lambda c: not INVISIBLE.match(c))
FIELD = st.lists(st.one_of(st.text(PRINTABLE, max_size=10), st.sampled_from(HOSTILE)),
                 min_size=1, max_size=5).map(lambda pieces: "".join(pieces) + "x")
# Interface strings are filled in with str.format, so their braces must pair up.
LOCALE_FIELD = st.lists(
    st.one_of(st.text(PRINTABLE.filter(lambda c: c not in "{}"), max_size=10),
              st.sampled_from([h for h in HOSTILE if "{" not in h and "}" not in h]
                              + ["{{ 7*7 }}", "{{", "}}", "{page}", "{title}", "{gp}"])),
    min_size=1, max_size=5).map(lambda pieces: "".join(pieces) + "x")

def write_project(root: Path, text: dict, topic: dict, locale: dict, config: dict) -> None:
    """Write a drawn project as YAML files, the way an author's editor would save them."""
    (root / "content/cramp").mkdir(parents=True)
    (root / "content/_locales").mkdir()
    for name, data in (("leaflets.yaml", config), ("content/cramp/topic.yaml", topic),
                       ("content/cramp/en.yaml", text), ("content/_locales/en.yaml", locale)):
        (root / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                 encoding="utf-8")


def plain_project() -> tuple[dict, dict, dict, dict]:
    """The tiny project's text, facts, locale and settings, as data (a copy to change)."""
    return copy.deepcopy(_plain_project())


@functools.cache
def _plain_project() -> tuple[dict, dict, dict, dict]:
    # read once: every example of a property test starts from it, and the locale is long
    locale = yaml.safe_load((REPO / "content/_locales/en.yaml").read_text(encoding="utf-8"))
    return yaml.safe_load(TEXT), yaml.safe_load(TOPIC), locale, yaml.safe_load(CONFIG)


@st.composite
def projects(draw: st.DrawFn) -> tuple[dict, dict, dict, dict]:
    """The tiny project with generated text in every field a reader sees."""
    text, topic, locale, config = plain_project()
    for key in ("title", "summary"):
        text[key] = draw(FIELD)
    section = text["sections"]["what"]
    section["heading"] = draw(FIELD)
    section["blocks"] = [{"p": draw(FIELD)}, {"bullets": draw(st.lists(FIELD, min_size=1,
                                                                       max_size=3))},
                         {"steps": [draw(FIELD)]}]
    for key in ("title", "description"):
        text["diagram"][key] = draw(FIELD)
    text["diagram"]["steps"]["lean"] = draw(FIELD)
    for group in ("red_flags", "checklist"):
        text[group] = {key: draw(FIELD) for key in text[group]}
    reference = topic["references"][0]
    reference["title"], reference["publisher"] = draw(FIELD), draw(FIELD)
    topic["review"]["version"] = draw(FIELD)
    config["publisher"] = draw(FIELD)
    for key in ("tick_any", "sources", "page_of", "scan_online", "disclaimer", "qr_alt"):
        locale["strings"][key] = draw(LOCALE_FIELD)
    locale["audiences"]["patient"] = draw(FIELD)
    locale["tiers"]["today"] = draw(LOCALE_FIELD)
    if draw(st.integers(0, 9)) == 4:  # about one time in ten
        text["summary"] += draw(st.sampled_from(REFUSED))
        locale["strings"]["sources"] += draw(st.sampled_from(REFUSED))
    if draw(st.integers(0, 9)) == 4:  # and, as often, in any one text of any file
        spoil(draw, draw(st.sampled_from((text, topic, locale, config))),
              st.sampled_from(REFUSED + INVISIBLE_CHARACTERS))
    return text, topic, locale, config


def spoil(draw: st.DrawFn, data: dict, fragments: st.SearchStrategy[str]) -> tuple:
    """Put a drawn fragment somewhere inside one drawn text of `data`; return its key path."""
    key_path, value = draw(st.sampled_from(list(text_leaves(data))))
    position = draw(st.integers(0, len(value)))
    parent = data
    for part in key_path[:-1]:
        parent = parent[part]
    parent[key_path[-1]] = value[:position] + draw(fragments) + value[position:]
    return key_path


