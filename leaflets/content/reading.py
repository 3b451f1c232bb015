"""Reading order: the one walk over the texts a leaflet shows, as a reader meets them."""

from __future__ import annotations

from collections.abc import Iterator

from leaflets.content.schema import Bullets, Paragraph, RedFlag, Topic, TopicText


def block_texts(block: object) -> list[str]:
    """The paragraph, or each bullet or step, of one block."""
    if isinstance(block, Paragraph):
        return [block.p]
    return list(block.bullets if isinstance(block, Bullets) else block.steps)  # type: ignore[attr-defined]


def red_flag_text(text: TopicText, flag: RedFlag) -> str:
    """A red flag as printed: its words, then its source cited."""
    return f"{text.red_flags[flag.id]} [^{flag.source}]"


def summary_text(text: TopicText, audience: str) -> str:
    """The summary one audience's leaflet opens with: its own, if the text gives one."""
    return text.summaries.get(audience, text.summary)


def leaflet_texts(topic: Topic, text: TopicText, audience: str) -> Iterator[str]:
    """Every text one leaflet shows, in reading order; headings left out."""
    yield summary_text(text, audience)
    for section_id in topic.audiences[audience]:
        if section_id in text.sections:
            for block in text.sections[section_id].blocks:
                yield from block_texts(block)
        elif section_id == "diagram":
            yield text.diagram.description
            yield from (text.diagram.steps[step.id] for step in topic.diagram.steps)
            yield from (text.diagram.alt[step.id] for step in topic.diagram.steps
                        if step.id in text.diagram.alt)
        elif section_id == "checklist":
            yield from (text.checklist[item.id] for item in topic.checklist)
        elif section_id == "get-help":
            yield from (red_flag_text(text, flag) for flag in topic.red_flags)
