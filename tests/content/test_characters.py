"""The one character rule: invisible characters are refused in every text of every file."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from leaflets.content.clinic import load_clinic
from leaflets.content.characters import INVISIBLE, NOT_ONE_LINE, NOT_TYPED
from leaflets.content.loading import format_key
from leaflets.content.project import load_project
from leaflets.content.validation import load_content
from leaflets.errors import ContentErrors
from strategies import INVISIBLE_CHARACTERS, plain_project, spoil, write_project

FILES = ("content/cramp/en.yaml", "content/cramp/topic.yaml", "content/_locales/en.yaml",
         "leaflets.yaml", "clinic.yaml")


@pytest.mark.parametrize("text", [
    "langer dan \u202e01\u202c minuten", "\u2066x\u2069", "10\u200b", "\u2060", "\ufeffx",
    "a\u200cb", "\u200d", "1\u200d0", "line\u2028break", "para\u2029", "tag\U000e0041",
    "\u180e", "\u2062",
])
def test_invisible_characters_are_refused(text: str):
    assert INVISIBLE.search(text)
    assert NOT_ONE_LINE.search(text) and NOT_TYPED.search(text)


@pytest.mark.parametrize("text", [
    "10 minutes", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian, with ZWNJ
    "\u0915\u094d\u200d\u0937", "\u0644\u200d\u200c\u0627", "soft\u00adhyphen", "\u200e(LRM)",
    "é", "\u00a0", "🙂",
])
def test_what_a_script_needs_is_allowed(text: str):
    assert not INVISIBLE.search(text)


CLINIC = {"name": "Riverside Health Centre", "address": ["12 Mill Lane", "Leeds LS1 4AB"],
          "phone": "+44 113 496 0000", "website": "https://riverside.example.org/"}


def _errors(root: Path) -> list:
    """Every error that check reports for the project: settings, content, clinic profile."""
    found = []
    try:
        project = load_project(root)
    except ContentErrors as refused:
        return refused.errors
    for load in (load_content, load_clinic):
        try:
            load(project)
        except ContentErrors as refused:
            found += refused.errors
    return found


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_an_invisible_character_in_any_text_is_a_located_error(data: st.DataObject):
    documents = [*plain_project(), dict(CLINIC, address=list(CLINIC["address"]))]
    documents[3]["clinic"] = "clinic.yaml"
    index = data.draw(st.integers(0, len(FILES) - 1))
    character = data.draw(st.sampled_from(INVISIBLE_CHARACTERS))
    key_path = spoil(data.draw, documents[index], st.just(character))
    root = Path(tempfile.mkdtemp(prefix="h17a-characters-"))
    try:
        write_project(root, *documents[:4])
        (root / "clinic.yaml").write_text(yaml.safe_dump(documents[4], allow_unicode=True),
                                          encoding="utf-8")
        errors = _errors(root)
    finally:
        shutil.rmtree(root)
    found = [(Path(e.path).relative_to(root).as_posix(), e.key, e.message) for e in errors]
    code = f"U+{ord(character):04X}"
    # A separator that the YAML writer leaves raw is refused where the line breaks, before
    # keys are known; written as an escape, it is refused in its key like the others.
    assert any(path == FILES[index] and (
        key == format_key(key_path) and f"the invisible character {code} is not allowed" in message
        or key == "" and f"the character {code} is an unusual line break" in message)
        for path, key, message in found), found
