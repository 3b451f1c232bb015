"""Safety-netting checks: where to go and how fast must be clear, and the same in every tier.

Each check reads one validated module with its locales and reports located problems:
the same symptom in two tiers, a reference never cited, a source past its own review date,
words that address the reader in red flags and checklists (carers read them too), an
abbreviation used before it is explained, and a checklist item linked to an emergency red
flag that does not say what to do.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from datetime import date
from itertools import combinations

from leaflets.content import markup
from leaflets.content.loading import Document, KeyPath, format_key
from leaflets.content.project import Project
from leaflets.content.reading import leaflet_texts, red_flag_text
from leaflets.content.schema import SERVICES, Locale, Reference, Region, Topic, TopicText
from leaflets.content.tree import Module, text_leaves
from leaflets.errors import ErrorList

# A clause of a red flag: the text between commas, full stops, semicolons and "or"-like joins.
_CLAUSE = re.compile(r"[,.;:!?()]|\s(?:or|of|или|atau)\s", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)
# Words shorter than this carry little meaning in any of the languages (a, the, de, на, di).
_MIN_WORD = 4
# A stem: enough of a word to match its forms (slurred, slurs; опухла, опухшая).
_STEM = 4
_STALE_SOURCE_YEARS = 3


def check_module(module: Module, locales: dict[str, Locale], regions: dict[str, Region],
                 project: Project, today: date, strict: bool, errors: ErrorList) -> None:
    """Every safety-netting check of one module, in every language."""
    _check_references(module, today, strict, errors)
    for lang, text in module.texts.items():
        locale = locales.get(lang)
        if locale is None:
            continue
        document = module.text_documents[lang]
        _check_tiers(module.topic, text, document, errors)
        _check_reader_words(module.topic, text, document, locale, project, errors)
        _check_glossary(module, lang, locale, project, errors)
        region = regions.get(project.config.region_of(lang) or "")
        if region:
            emergency = region.services_in(lang).get("emergency", "")
            _check_emergency_items(module.topic, text, document, locale, emergency, errors)
        _check_services(document, errors)


def _add(errors: ErrorList, document: Document, key_path: KeyPath, message: str,
         warning: bool = False) -> None:
    report = errors.warn if warning else errors.add
    report(document.path, *document.position(key_path), format_key(key_path), message)


# --- one symptom, one tier -------------------------------------------------------------


def _stems(clause: str) -> frozenset[str]:
    words = _WORD.findall(markup.plain(clause).casefold())
    return frozenset(w[:_STEM] for w in words if len(w) >= _MIN_WORD and not w.isdigit())


def _clauses(text: str) -> list[frozenset[str]]:
    """The clauses of a red flag's first sentence: the symptom (what follows explains it)."""
    symptom = re.split(r"(?<=[.!?])\s", markup.plain(text).strip(), maxsplit=1)[0]
    return [stems for part in _CLAUSE.split(symptom) if len(stems := _stems(part)) >= 2]


def _alike(first: str, second: str) -> str | None:
    """A clause of one red flag that says what a clause of the other says, give or take a word."""
    for a in _clauses(first):
        for b in _clauses(second):
            shared = a & b
            if len(shared) >= 2 and len(shared) >= max(len(a), len(b)) - 1:
                return ", ".join(sorted(shared))
    return None


def _check_tiers(topic: Topic, text: TopicText, document: Document, errors: ErrorList) -> None:
    for one, other in combinations(topic.red_flags, 2):
        if one.tier == other.tier:
            continue
        shared = _alike(text.red_flags[one.id], text.red_flags[other.id])
        if shared:
            _add(errors, document, ("red_flags", other.id),
                 f"worded like {one.id!r} ({one.tier} tier) but in the {other.tier} tier (both "
                 f"say: {shared}); give each symptom one tier, or write the difference into "
                 "both (slowly getting worse: GP; sudden: emergency)")


# --- references: cited, and still current --------------------------------------------


def _cited(module: Module) -> set[str]:
    cited = {flag.source for flag in module.topic.red_flags}
    for document in module.text_documents.values():
        for _, value in text_leaves(document.data):
            cited.update(markup.citations(value))
    return cited


def _check_references(module: Module, today: date, strict: bool, errors: ErrorList) -> None:
    document = module.topic_document
    cited = _cited(module)
    for index, reference in enumerate(module.topic.references):
        if reference.id not in cited:
            _add(errors, document, ("references", index, "id"),
                 f"the reference {reference.id!r} is never cited; cite it with "
                 f"[^{reference.id}] where the leaflet uses it, or remove it")
        problem = _stale(reference, today)
        if problem:
            _add(errors, document, ("references", index, problem[0]), problem[1],
                 warning=not strict)


def _stale(reference: Reference, today: date) -> tuple[str, str] | None:
    fix = "find the current version or a newer source, then update the reference"
    if reference.review_due and date.fromisoformat(reference.review_due) < today:
        return "review_due", (f"the source was due for its own review on "
                              f"{reference.review_due}; {fix}")
    if reference.reviewed and not reference.review_due:
        reviewed = date.fromisoformat(reference.reviewed)
        if (today - reviewed).days > 365 * _STALE_SOURCE_YEARS:
            return "reviewed", (f"the source was last reviewed on {reference.reviewed}, more "
                                f"than {_STALE_SOURCE_YEARS} years ago; {fix}")
    return None


# --- words carers read too -------------------------------------------------------------


def _reader_word(text: str, words: list[str]) -> str | None:
    plain = markup.plain(text)
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", plain, re.IGNORECASE):
            return word
    return None


def _shared_by_audiences(topic: Topic, project: Project) -> bool:
    """Whether red flags and checklists reach more than one plain-language reader."""
    readers = [audience for audience, layout in topic.audiences.items()
               if project.config.audiences.get(audience) is not None
               and project.config.audiences[audience].plain_language
               and {"checklist", "get-help"} & set(layout)]
    return len(readers) > 1


def _check_reader_words(topic: Topic, text: TopicText, document: Document, locale: Locale,
                        project: Project, errors: ErrorList) -> None:
    """Only where two readers share them: a patient-only leaflet may say "your leg"."""
    if not _shared_by_audiences(topic, project):
        return
    for kind, texts in (("red_flags", text.red_flags), ("checklist", text.checklist)):
        for item_id, value in texts.items():
            word = _reader_word(value, locale.reader_words)
            if word:
                _add(errors, document, (kind, item_id),
                     f"says {word!r}, but the patient, a parent or a carer may read it; "
                     "name the person or the body part instead (a leg, the child)")


# --- abbreviations explained at first use ----------------------------------------------


def _explained(term: str, long_form: str, text: str) -> bool:
    """The term comes with its long form, or with a gloss in brackets right after it."""
    plain = markup.plain(text)
    if long_form.casefold() in plain.casefold():
        return True
    return re.search(rf"(?<!\w){re.escape(term)}\s*[(\u2014\u2013-]", plain) is not None


def _first_uses(topic: Topic, text: TopicText, audience: str,
                glossary: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Each glossary term at its first use in one leaflet, with the text it is in."""
    seen: set[str] = set()
    for value in leaflet_texts(topic, text, audience):
        for term in glossary:
            if term not in seen and re.search(rf"(?<!\w){re.escape(term)}(?!\w)", value):
                seen.add(term)
                yield term, value


def _check_glossary(module: Module, lang: str, locale: Locale, project: Project,
                    errors: ErrorList) -> None:
    topic, text, document = module.topic, module.texts[lang], module.text_documents[lang]
    where = {value: key_path for key_path, value in reversed(list(text_leaves(document.data)))}
    reported: set[tuple[str, str]] = set()
    for audience in topic.audiences:
        spec = project.config.audiences.get(audience)
        if spec is None or not spec.plain_language:
            continue
        for term, value in _first_uses(topic, text, audience, locale.glossary):
            if _explained(term, locale.glossary[term], value) or (term, value) in reported:
                continue
            reported.add((term, value))
            key_path = where.get(value) or where.get(_flag_words(topic, text, value), ())
            _add(errors, document, key_path,
                 f"{term} is used before it is explained in the {audience} leaflet; write "
                 f"{locale.glossary[term]!r} with it the first time, like "
                 f"'{locale.glossary[term]} ({term})'")


def _flag_words(topic: Topic, text: TopicText, printed: str) -> str:
    """The red flag's own words, for a red flag as printed (with its source cited)."""
    for flag in topic.red_flags:
        if red_flag_text(text, flag) == printed:
            return text.red_flags[flag.id]
    return printed


# --- what to do when an emergency item is ticked ----------------------------------------


def _check_emergency_items(topic: Topic, text: TopicText, document: Document, locale: Locale,
                           emergency: str, errors: ErrorList) -> None:
    """`emergency` is the region's emergency number(s) in the text's language ("103 or 112")."""
    tiers = {flag.id: flag.tier for flag in topic.red_flags}
    told = any(key.startswith("tick_") and "emergency" in key and "{emergency}" in str(value)
               for key, value in locale.strings.items())
    for item in topic.checklist:
        said = set(markup.numbers(text.checklist[item.id])) & set(markup.numbers(emergency))
        if item.red_flag and tiers.get(item.red_flag) == "emergency" and not told and not said:
            _add(errors, document, ("checklist", item.id),
                 f"linked to the emergency red flag {item.red_flag!r}, but does not say what to "
                 f"do; say to call {emergency} in the item")


def _check_services(document: Document, errors: ErrorList) -> None:
    """Every {name} in the text is a service that regions name; the region fills it in."""
    for key_path, value in text_leaves(document.data):
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        except ValueError:
            _add(errors, document, key_path, "a { or } is not closed; write {gp}, {emergency} "
                 "or another service for the region to fill in, and {{ or }} for a brace itself")
            continue
        for name in names:
            if name not in SERVICES:
                _add(errors, document, key_path,
                     f"{{{name}}} is not a service that a region names; use one of "
                     f"{', '.join('{' + k + '}' for k in SERVICES)}")
