"""Diagnosis codes → leaflets: the matching behind the Infobutton endpoint and the static index.

An HL7 Infobutton request names a code, its system, the reader (PAT or PROV) and a
language; the answer is the leaflets whose topic lists that code, or a category above it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from leaflets.content import markup
from leaflets.content.codes import CodeSystem, covers
from leaflets.content.schema import DiagnosisCode
from leaflets.content.tree import Content
from leaflets.outputs import LeafletKey, leaflet_url, pdf_url

# HL7 informationRecipient → the audience whose leaflet answers.
RECIPIENTS = {"PAT": "patient", "PROV": "clinician"}
INDEX_FORMAT = "leaflets infobutton index 1"


@dataclass(frozen=True)
class Match:
    """A topic that answers a code, and the code it lists for it."""

    topic: str
    code: DiagnosisCode


def matching_topics(content: Content, system: CodeSystem, code: str) -> list[Match]:
    """The topics answering a code: the most specific listed code first, then by topic."""
    found = [Match(module.id, listed) for module in content.modules.values()
             for listed in module.topic.codes
             if listed.system is system and covers(system, listed.code, code)]
    best: dict[str, Match] = {}
    for match in sorted(found, key=lambda m: (-len(m.code.code), m.topic)):
        best.setdefault(match.topic, match)
    return list(best.values())


def leaflet_entry(content: Content, key: LeafletKey, base: str | None = None) -> dict[str, str]:
    """What a record shows for one leaflet: its title and summary, its page and its PDF.

    Addresses are under `base_url`, or under `base` (the desk serving the online version).
    """
    text = content.modules[key.topic].texts[key.lang]
    return {"title": markup.plain(text.title), "summary": markup.plain(text.summary),
            "page": leaflet_url(content, key, base), "pdf": pdf_url(content, key, base)}


def answering_language(content: Content, topic: str, lang: str) -> str:
    """The language a topic answers a request in: the one asked for where the topic is
    available in it, else the source language."""
    return lang if lang in content.modules[topic].texts else content.project.config.source_language


def _topics(content: Content) -> dict[str, object]:
    config = content.project.config
    return {
        module.id: {lang: {audience: leaflet_entry(content, LeafletKey(module.id, lang, audience))
                           for audience in config.audiences if audience in module.topic.audiences}
                    for lang in module.texts}
        for module in sorted(content.modules.values(), key=lambda m: m.id)
    }


def _codes(content: Content) -> dict[str, dict[str, object]]:
    codes: dict[str, dict[str, object]] = {system.oid: {} for system in CodeSystem}
    for module in sorted(content.modules.values(), key=lambda m: m.id):
        for listed in module.topic.codes:
            entry = codes[listed.system.oid].setdefault(
                listed.code, {"display": listed.display, "topics": []})
            entry["topics"].append(module.id)  # type: ignore[union-attr]
    return {oid: dict(sorted(entries.items())) for oid, entries in codes.items()}


def code_index(content: Content) -> dict[str, object]:
    """Every listed code → its topics, and every topic's leaflets per language and audience."""
    config = content.project.config
    return {
        "format": INDEX_FORMAT,
        "about": "Look up codes[system OID][code]; an ICD category (F95) also answers its "
                 "children (F95.1): drop characters from the end until a code matches. "
                 "informationRecipient PAT reads the patient leaflet, PROV the clinician's. "
                 "A topic lists only the languages it is available in; for another, answer "
                 "in the source language.",
        "base_url": config.base_url,
        "source_language": config.source_language,
        "languages": list(config.languages),
        "recipients": RECIPIENTS,
        "systems": {system.oid: system.label for system in CodeSystem},
        "codes": _codes(content),
        "topics": _topics(content),
    }


def index_json_bytes(content: Content) -> bytes:
    """output/infobutton/index.json: sorted, indented, the same bytes for the same content."""
    text = json.dumps(code_index(content), ensure_ascii=False, indent=1, sort_keys=True)
    return (text + "\n").encode("utf-8")
