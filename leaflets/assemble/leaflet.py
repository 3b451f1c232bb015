"""(topic, language, audience) → the Leaflet view model that templates render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Callable

from markupsafe import Markup

from leaflets.assemble.graphics import picture_svg, qr_svg
from leaflets.assemble.i18n import Translator
from leaflets.content import markup
from leaflets.content.reading import block_texts, leaflet_texts, red_flag_text, summary_text
from leaflets.content.schema import (BUILT_IN_SECTIONS, TIERS, Bullets, Paragraph, Reference, Topic,
                                     TopicText)
from leaflets.content.tree import Content, Module
from leaflets.outputs import LeafletKey, RenderOptions, leaflet_url, pdf_name
from leaflets.reproducible import document_date


@dataclass(frozen=True)
class Block:
    kind: str  # "p", "bullets" or "steps"
    items: tuple[Markup, ...]


@dataclass(frozen=True)
class SectionView:
    kind: str  # "prose" or one of BUILT_IN_SECTIONS
    id: str
    heading: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class StepView:
    number: int
    picture: Markup
    caption: Markup
    dose: tuple[str, ...]


@dataclass(frozen=True)
class ChecklistView:
    """A checklist item; one tied to a red flag carries its tier and what to do if ticked."""

    id: str
    text: Markup
    tier: str | None = None
    action: str = ""


@dataclass(frozen=True)
class TierView:
    tier: str
    heading: str
    flags: tuple[Markup, ...]


@dataclass(frozen=True)
class ReferenceView:
    number: int
    reference: Reference


@dataclass(frozen=True)
class Leaflet:
    key: LeafletKey
    title: str
    audience_label: str
    summary: Markup
    sections: tuple[SectionView, ...]
    diagram_title: str
    diagram_description: str
    diagram_frequency: str  # "3 times a day", or empty
    steps: tuple[StepView, ...]
    checklist: tuple[ChecklistView, ...]
    tiers: tuple[TierView, ...]
    references: tuple[ReferenceView, ...]
    last_reviewed: str
    next_review: str
    version: str
    issued: datetime  # the PDF's creation date: SOURCE_DATE_EPOCH or the last review
    url: str
    pdf_file: str  # the PDF's file name, beside the leaflet's web page
    page_budget: int
    publisher: str
    options: RenderOptions
    t: Translator

    @cached_property
    def qr(self) -> Markup:
        """The QR code of `url`, as inline SVG; only print shows it, and encoding costs."""
        return qr_svg(self.url, self.t("qr_alt", title=self.title))


def translator(content: Content, lang: str, region: str | None = None) -> Translator:
    """The language's strings, with the services of `region` (a clinic's), else of the region
    leaflets.yaml pairs with the language."""
    health_system = content.regions.get(region or content.project.config.region_of(lang) or "")
    services = health_system.services_in(lang) if health_system else {}
    return Translator(content.locales[lang], tuple(services.items()))


def _block(block: object, html: Callable[[str], Markup]) -> Block:
    kind = {Paragraph: "p", Bullets: "bullets"}.get(type(block), "steps")
    return Block(kind, tuple(html(item) for item in block_texts(block)))


def _dose(t: Translator, hold: int | None, repeats: int | None) -> tuple[str, ...]:
    """"Hold for 5 seconds", "Do it 3 times": the plural forms keep each number with its
    unit; the template joins the parts, which may wrap between words, as a 4-step diagram's
    narrow columns need in Dutch."""
    parts = []
    if hold:
        parts.append(t.plural("hold_seconds", hold))
    if repeats:
        parts.append(t.plural("repeat_times", repeats))
    return tuple(parts)


URGENT_TIERS = ("today", "emergency")


def _checklist(topic: Topic, text: TopicText, t: Translator,
               html: Callable[[str], Markup]) -> tuple[ChecklistView, ...]:
    tiers = {flag.id: flag.tier for flag in topic.red_flags}
    items = []
    for item in topic.checklist:
        tier = tiers.get(item.red_flag) if item.red_flag else None
        # Routine items carry their tier's mark; urgent ones also say what to do.
        action = t(f"tick_{tier}") if tier in URGENT_TIERS else ""
        items.append(ChecklistView(item.id, html(text.checklist[item.id]), tier,
                                   action))
    return tuple(items)


def _steps(content: Content, module: Module, lang: str, t: Translator,
           html: Callable[[str], Markup]) -> tuple[StepView, ...]:
    text = module.texts[lang].diagram
    template_dirs = tuple(content.project.template_dirs)
    return tuple(
        StepView(number, picture_svg(template_dirs, step.picture,
                                     markup.plain(text.alt.get(step.id, text.steps[step.id]))),
                 html(text.steps[step.id]),
                 _dose(t, step.hold_seconds, step.repeats))
        for number, step in enumerate(module.topic.diagram.steps, start=1))


def _page_budget(content: Content, key: LeafletKey, options: RenderOptions) -> int:
    spec = content.project.config.audiences[key.audience]
    budget = spec.large_print_pages if options.large_print else spec.pages
    # A clinician's personal note is printed in full even when the leaflet is already full.
    return budget + 1 if options.note else budget


def cited_references(module: Module, lang: str, audience: str) -> list[Reference]:
    """The references a leaflet cites, in the module's order."""
    texts = leaflet_texts(module.topic, module.texts[lang], audience)
    cited = {ref for text in texts for ref in markup.citations(text)}
    return [ref for ref in module.topic.references if ref.id in cited]


def assemble(content: Content, key: LeafletKey, options: RenderOptions | None = None) -> Leaflet:
    """Gather everything one leaflet shows, already in its language."""
    options = options or RenderOptions(paper=content.project.config.paper)
    module: Module = content.modules[key.topic]
    topic, text = module.topic, module.texts[key.lang]
    t = translator(content, key.lang, options.region)
    references = cited_references(module, key.lang, key.audience)
    numbers = {ref.id: index for index, ref in enumerate(references, start=1)}

    def html(text: str) -> Markup:
        return markup.to_html(t.services(text), numbers.__getitem__, t.direction.is_rtl)
    sections = []
    for section_id in topic.audiences[key.audience]:
        if section_id in text.sections:
            section = text.sections[section_id]
            sections.append(SectionView("prose", section_id, t.words(section.heading),
                                        tuple(_block(b, html) for b in section.blocks)))
        elif section_id in BUILT_IN_SECTIONS:
            heading = (text.diagram.title if section_id == "diagram"
                       else t.for_audience(section_id.replace("-", "_"), key.audience))
            sections.append(SectionView(section_id, section_id, heading))
    layout = topic.audiences[key.audience]
    steps = _steps(content, module, key.lang, t, html) if "diagram" in layout else ()
    tiers = tuple(
        TierView(tier, t.tier(tier), tuple(html(red_flag_text(text, f))
                                           for f in topic.red_flags if f.tier == tier))
        for tier in TIERS
    ) if "get-help" in layout else ()
    checklist = _checklist(topic, text, t, html) if "checklist" in layout else ()
    url = leaflet_url(content, key)
    title = text.title
    return Leaflet(
        key=key,
        title=title,
        audience_label=content.locales[key.lang].audiences[key.audience],
        summary=html(summary_text(text, key.audience)),
        sections=tuple(sections),
        diagram_title=text.diagram.title,
        diagram_description=text.diagram.description,
        diagram_frequency=t.plural("per_day", topic.diagram.per_day) if topic.diagram.per_day else "",
        steps=steps,
        checklist=checklist,
        tiers=tuple(tier for tier in tiers if tier.flags),
        references=tuple(ReferenceView(numbers[ref.id], ref) for ref in references),
        last_reviewed=t.date(topic.review.last_reviewed),
        next_review=t.date(topic.review.next_review),
        version=topic.review.version,
        issued=document_date(topic.review.last_reviewed),
        url=url,
        pdf_file=pdf_name(key, options, content.project.config.paper),
        page_budget=_page_budget(content, key, options),
        publisher=content.project.config.publisher,
        options=options,
        t=t,
    )
