"""The bundled diagrams: how often in the day, and alt text that is not the caption."""

from __future__ import annotations

import pytest

from leaflets.content import markup
from leaflets.content.project import load_project
from leaflets.content.validation import load_content

from conftest import REPO

CONTENT = load_content(load_project(REPO))
TOPICS = sorted(CONTENT.modules)


@pytest.mark.parametrize("topic", TOPICS)
def test_every_diagram_says_how_often_in_the_day(topic: str):
    assert CONTENT.modules[topic].topic.diagram.per_day is not None


@pytest.mark.parametrize("topic", TOPICS)
def test_every_picture_has_alt_text_of_its_own_in_every_language(topic: str):
    module = CONTENT.modules[topic]
    for lang, text in module.texts.items():
        for step in module.topic.diagram.steps:
            alt = text.diagram.alt.get(step.id)
            assert alt, (topic, lang, step.id)
            # what the picture shows, not the instruction the caption already gives
            assert markup.plain(alt) != markup.plain(text.diagram.steps[step.id]), \
                (topic, lang, step.id)
            assert "[^" not in alt, (topic, lang, step.id)  # a figure's /Alt is plain text
