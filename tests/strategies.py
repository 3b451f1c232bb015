"""Hypothesis strategies: the tiny project with generated, often hostile, text in every field."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import strategies as st

from conftest import CONFIG, REPO, TEXT, TOPIC

# Fragments that mean something to HTML, CSS, Jinja, YAML or the inline markup, and that
# validation accepts: they must come out as text.
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</style><b>", "</title>",
    "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#x3c;", "&lt;", '"', "'", "`", "\\",
    "{{ 7*7 }}", "{% raw %}", "{{", "}}", "{page}", "{title}", "**", "*", "[", "]",
    '[x](https://a.test/"onmouseover="alert(1))', "[^nhs]", "[click](https://a.test/)",
    "url(file:///etc/passwd)", "@import", ";", "/*", "\u202e", "\u200b", "\ufeff", "\u00a0",
    "\u0301", "\n", "\t", "  ", "%", "#", ": ", "- ", "ü", "ß", "я", "中文", "🙂",
]
# Fragments that validation refuses (unprintable, unsafe link, unknown citation, a format
# field leaflets cannot fill): a field with one must give located errors, not a crash.
REFUSED = ["\x00", "\x1b", "\ud800", "[x](javascript:alert(1))", "[^zz]", "{0}", "{", "{a.b}"]
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"),
                          blacklist_characters="\ufffe\uffff\u2028\u2029")
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
    """The tiny project's text, facts, locale and settings, as data."""
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
    locale["services"]["gp"] = draw(FIELD)
    if draw(st.integers(0, 9)) == 4:  # about one time in ten
        text["summary"] += draw(st.sampled_from(REFUSED))
        locale["strings"]["sources"] += draw(st.sampled_from(REFUSED))
    return text, topic, locale, config


