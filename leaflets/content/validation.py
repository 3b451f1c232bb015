"""Raw documents → typed content. Every problem in the tree is collected, located."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path
from typing import Callable

import babel
import babel.localedata

from leaflets.content import markup, messages, safety
from leaflets.content.regions import load_regions
from leaflets.content.codes import code_problem
from leaflets.content.fonts import check_coverage
from leaflets.content.loading import Document, KeyPath, format_key, load_file
from leaflets.content.markup import numbers
from leaflets.content.messages import validate_model
from leaflets.content.paths import inside, where_it_leads
from leaflets.content.pictures import available_pictures, picture_path, picture_problem
from leaflets.content.project import Project
from leaflets.content.schema import (BUILT_IN_SECTIONS, COUNTED_STRINGS, ID_PATTERN,
                                     INTERFACE_STRINGS, SERVICES, TIERS, Locale, PluralText,
                                     Region, Topic, TopicText)
from leaflets.content.tree import (LOCALES_DIR, TOPIC_FILE, Content, Module, Unavailable,
                                   source_hash, text_leaves, topic_folders)
from leaflets.errors import ContentError, ContentErrors, ErrorList


def _load_locales(project: Project, errors: ErrorList) -> dict[str, Locale]:
    folder = project.content_dir / LOCALES_DIR
    locales: dict[str, Locale] = {}
    documents: dict[str, Document] = {}
    for lang in project.config.languages:
        path = folder / f"{lang}.yaml"
        if not path.is_file():
            errors.add(path, 1, 1, "", f"the interface strings for language {lang!r} are missing; "
                       f"create it with: leaflets new language {lang}")
            continue
        document = load_file(path, errors, project.root)
        locale = validate_model(Locale, document, errors) if document else None
        if document:
            check_coverage(document, errors)
        if locale:
            locales[lang] = locale
            documents[lang] = document
    source = locales.get(project.config.source_language)
    for lang, locale in locales.items():
        document = documents[lang]
        _check_placeholders(locale, document, errors)
        _check_interface(locale, document, errors)
        _check_plurals(locale, document, errors)
        for audience in project.config.audiences:
            if audience not in locale.audiences:
                errors.add(document.path, *document.position(("audiences",)), "audiences",
                           f"no name for the audience {audience!r}; add `{audience}: ...` "
                           "under audiences")
        if source and lang != project.config.source_language:
            for key in sorted(set(source.strings) - set(locale.strings) - set(INTERFACE_STRINGS)
                              - set(COUNTED_STRINGS)):
                errors.add(document.path, *document.position(("strings",)), f"strings.{key}",
                           f"missing; the {project.config.source_language} interface has it: "
                           "translate it and add it")
            for key in sorted(set(locale.strings) - set(source.strings)):
                errors.add(document.path, *document.position(("strings", key)), f"strings.{key}",
                           f"not in the {project.config.source_language} interface; remove it")
    return locales


def _check_interface(locale: Locale, document: Document, errors: ErrorList) -> None:
    """Every string and tier heading that the templates look up is there, in the right form."""
    for key in (*INTERFACE_STRINGS, *COUNTED_STRINGS):
        if key not in locale.strings:
            errors.add(document.path, *document.position(("strings",)), f"strings.{key}",
                       f"missing; every leaflet or web page uses it: add `{key}: ...` under "
                       "strings (see content/_locales/en.yaml of leaflets for the English)")
        elif key in INTERFACE_STRINGS and isinstance(locale.strings[key], PluralText):
            errors.add(document.path, *document.position(("strings", key)), f"strings.{key}",
                       "this string is printed as one text, never counted; write `"
                       f"{key}: text` instead of plural forms")
    try:
        babel.Locale.parse(locale.locale)
    except (babel.UnknownLocaleError, ValueError):
        close = messages.close_match(locale.locale, babel.localedata.locale_identifiers())
        hint = f"did you mean {close!r}?" if close else "use one that Babel knows, like en_GB"
        errors.add(document.path, *document.position(("locale",)), "locale",
                   f"{locale.locale!r} is not a known locale, so dates and plural forms cannot "
                   f"be written in it; {hint}")
    for tier in TIERS:
        if tier not in locale.tiers:
            errors.add(document.path, *document.position(("tiers",)), f"tiers.{tier}",
                       f"missing; the red flags of this tier need a heading: add `{tier}: ...` "
                       "under tiers")


def _placeholder_problem(text: str) -> str | None:
    try:
        fields = [(name, spec, conversion)
                  for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        return ("a { or } is not closed; write {name} for a value that leaflets fills in, and "
                "{{ or }} for a brace itself")
    for name, spec, conversion in fields:
        if not name.isidentifier() or spec or conversion:
            field = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            return (f"{{{field}}} is not a value leaflets can fill in; write a plain name such "
                    "as {gp}, or {{ and }} for a brace itself")
    return None


def _check_placeholders(locale: Locale, document: Document, errors: ErrorList) -> None:
    """Interface strings are filled in with str.format: only plain {name} fields may appear."""
    texts: list[tuple[KeyPath, str]] = []
    for key, value in locale.strings.items():
        if isinstance(value, PluralText):
            texts += [(("strings", key, form), text) for form, text in value if text]
        else:
            texts.append((("strings", key), value))
    texts += [(("tiers", tier), text) for tier, text in locale.tiers.items()]
    for key_path, text in texts:
        problem = _placeholder_problem(text)
        if problem is None and key_path[0] == "tiers":
            problem = _unknown_service(text)
        if problem:
            errors.add(document.path, *document.position(key_path), format_key(key_path),
                       problem)


def _unknown_service(text: str) -> str | None:
    """A tier heading names services only: its {name} fields come from the region."""
    for _, name, _, _ in string.Formatter().parse(text):
        if name and name not in SERVICES:
            return _unknown("service", name, set(SERVICES),
                            "a tier heading may name only the region's services")
    return None


PLURAL_ORDER = ("zero", "one", "two", "few", "many", "other")


def plural_categories(locale: str) -> tuple[str, ...]:
    """The CLDR plural categories of the locale's language, in CLDR's order."""
    tags = babel.Locale.parse(locale).plural_form.tags | {"other"}
    return tuple(category for category in PLURAL_ORDER if category in tags)


def _check_plurals(locale: Locale, document: Document, errors: ErrorList) -> None:
    """Each plural string has every form CLDR gives the language ("5 секунд", not "5 секунди")."""
    try:
        needed = plural_categories(locale.locale)
    except (ValueError, babel.UnknownLocaleError):
        return  # _check_interface reports an unknown locale
    for key, value in locale.strings.items():
        if not isinstance(value, PluralText):
            continue
        missing = [category for category in needed if getattr(value, category) is None]
        if missing:
            errors.add(document.path, *document.position(("strings", key)), f"strings.{key}",
                       f"{'the plural form' if len(missing) == 1 else 'the plural forms'} "
                       f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing; "
                       f"{locale.locale} "
                       f"needs {', '.join(needed)} (CLDR plural rules)")


def _check_topic(folder: Path, topic: Topic, document: Document, project: Project,
                 pictures: frozenset[str], errors: ErrorList) -> None:
    def add(key_path: KeyPath, message: str) -> None:
        errors.add(document.path, *document.position(key_path), format_key(key_path), message)

    references = {r.id for r in topic.references}
    red_flags = {f.id for f in topic.red_flags}
    for kind, items in (("references", topic.references), ("red_flags", topic.red_flags),
                        ("checklist", topic.checklist), ("diagram.steps", topic.diagram.steps)):
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                add((*kind.split("."), index, "id"), f"the id {item.id!r} is used twice; give "
                    "each one its own id")
            seen.add(item.id)
    for index, flag in enumerate(topic.red_flags):
        if flag.source not in references:
            add(("red_flags", index, "source"), _unknown(
                "reference", flag.source, references, "add it to references"))
    for index, item in enumerate(topic.checklist):
        if item.red_flag and item.red_flag not in red_flags:
            add(("checklist", index, "red_flag"), _unknown(
                "red flag", item.red_flag, red_flags, "add it to red_flags"))
    for index, step in enumerate(topic.diagram.steps):
        if step.picture not in pictures:
            add(("diagram", "steps", index, "picture"), _unknown(
                "picture", step.picture, pictures,
                f"choose one from templates/pictures/, or add templates/pictures/{step.picture}.svg "
                "to the project"))
            continue
        problem = picture_problem(picture_path(tuple(project.template_dirs), step.picture))
        if problem:  # located in the picture's own file
            errors.add(problem.path, problem.line, problem.column, problem.key, problem.message)
    for audience in topic.audiences:
        if audience not in project.config.audiences:
            add(("audiences", audience), _unknown(
                "audience", audience, set(project.config.audiences),
                "add it under audiences in leaflets.yaml"))
    if topic.review.next_review <= topic.review.last_reviewed:
        add(("review", "next_review"), "the next review must come after the last review; "
            "check both dates")
    _check_codes(topic, add)


def _check_codes(topic: Topic, add: Callable[[KeyPath, str], None]) -> None:
    """Each diagnosis code has the form its system requires, and is listed once."""
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(topic.codes):
        problem = code_problem(entry.system, entry.code)
        if problem:
            add(("codes", index, "code"), problem)
        if (entry.system, entry.code) in seen:
            add(("codes", index, "code"), f"the {entry.system.label} code {entry.code!r} is "
                "listed twice; remove one")
        seen.add((entry.system, entry.code))


def _unknown(what: str, value: str, known: set[str] | frozenset[str], fix: str) -> str:
    """`unknown reference 'nhss'; did you mean 'nhs'?`, or the choices and how to add one."""
    close = messages.close_match(value, sorted(known))
    if close:
        return f"unknown {what} {value!r}; did you mean {close!r}?"
    choices = f"use one of {', '.join(sorted(known))}, or " if 0 < len(known) <= 8 else ""
    return f"unknown {what} {value!r}; {choices}{fix}"


def _check_text(topic: Topic, text: TopicText, document: Document, errors: ErrorList) -> None:
    def add(key_path: KeyPath, message: str) -> None:
        errors.add(document.path, *document.position(key_path), format_key(key_path), message)

    def same_ids(key: str, expected: list[str], found: dict[str, str]) -> None:
        for missing in [i for i in expected if i not in found]:
            add((key,), f"the text for {missing!r} is missing; add `{missing}: ...`")
        for extra in [i for i in found if i not in expected]:
            add((key, extra), _unknown(key.replace("_", " ").rstrip("s"), extra, set(expected),
                                       f"remove it, or add it to {key} in topic.yaml"))

    same_ids("red_flags", [f.id for f in topic.red_flags], text.red_flags)
    same_ids("checklist", [c.id for c in topic.checklist], text.checklist)
    for audience in text.summaries:
        if audience not in topic.audiences:
            add(("summaries", audience), _unknown("audience", audience, set(topic.audiences),
                                                  "remove it, or add the audience in topic.yaml"))
    steps = [s.id for s in topic.diagram.steps]
    for missing in [i for i in steps if i not in text.diagram.steps]:
        add(("diagram", "steps"), f"the caption for step {missing!r} is missing; add "
            f"`{missing}: ...` under diagram.steps")
    for extra in [i for i in text.diagram.steps if i not in steps]:
        add(("diagram", "steps", extra), _unknown(
            "diagram step", extra, set(steps), "remove it, or add the step in topic.yaml"))
    for extra in [i for i in text.diagram.alt if i not in steps]:
        add(("diagram", "alt", extra), _unknown(
            "diagram step", extra, set(steps), "remove it, or add the step in topic.yaml"))
    for audience, layout in topic.audiences.items():
        for section in layout:
            if section not in text.sections and section not in BUILT_IN_SECTIONS:
                errors.add(document.path, *document.position(("sections",)), "sections",
                           f"the {audience} leaflet uses the section {section!r}, which this "
                           "file does not define; add it under sections:")
    _check_links(topic, document, errors)


def _check_links(topic: Topic, document: Document, errors: ErrorList) -> None:
    """Every text's links are allowed and its citations are references of the topic."""
    references = {r.id for r in topic.references}
    for key_path, value in text_leaves(document.data):
        refused = markup.refused_link(value)
        if refused:
            errors.add(document.path, *document.position(key_path), format_key(key_path),
                       refused)
        for cited in markup.citations(value):
            if cited not in references:
                errors.add(document.path, *document.position(key_path), format_key(key_path),
                           _unknown("reference", cited, references,
                                    "add it to references in topic.yaml"))


def _check_numbers(source: Document, target: Document, lang: str, source_lang: str,
                   errors: ErrorList) -> None:
    source_texts = dict(text_leaves(source.data))
    for key_path, value in text_leaves(target.data):
        if key_path[:1] == ("translation",) or key_path not in source_texts:
            continue
        expected, found = numbers(source_texts[key_path]), numbers(value)
        if expected != found:
            errors.add(target.path, *target.position(key_path), format_key(key_path),
                       f"the numbers differ from the {source_lang} text: {source_lang} has "
                       f"{', '.join(expected) or 'none'}, {lang} has {', '.join(found) or 'none'}; "
                       "numbers, durations and doses must match in every language")


def _missing_texts(source: Document, target: Document) -> list[KeyPath]:
    """The texts of the source that the translation lacks, in the source's order."""
    target_keys = {k for k, _ in text_leaves(target.data)}
    return [key_path for key_path, _ in text_leaves(source.data)
            if key_path[0] != "translation" and key_path not in target_keys
            and not target.is_refused(key_path)]


def _about_missing(error: ContentError, missing: set[str]) -> bool:
    """An error that only says a text is missing (or a block lacking it): the warning lists it."""
    key = error.key
    return bool(key) and any(m == key or m.startswith((key + ".", key + "[")) for m in missing)


def _where(project: Project, path: Path) -> str:
    return str(path.relative_to(project.root)) if path.is_relative_to(project.root) else str(path)


def _lacking_message(project: Project, source: Document, missing: list[KeyPath],
                     lang: str) -> str:
    source_lang = project.config.source_language
    count = f"{len(missing)} text{'s' if len(missing) > 1 else ''} of {source_lang}.yaml"
    lines = "".join(f"\n  {format_key(key_path)}  "
                    f"({_where(project, source.path)}:{source.position(key_path)[0]})"
                    for key_path in missing)
    return (f"the {lang} leaflets are left out until this file has the {count} below; "
            f"translate {'them' if len(missing) > 1 else 'it'}, then set "
            f"translation.source_hash to {source_hash(source)}{lines}")


def _untranslated(source: Document, target: Document) -> bool:
    """A translation whose every text is the source's, word for word: a copy, not a translation."""
    def texts(document: Document) -> list[tuple]:
        return [leaf for leaf in text_leaves(document.data) if leaf[0][:1] != ("translation",)]
    return texts(source) == texts(target)


def _check_review(topic: Topic, document: Document, today: date, strict: bool,
                  errors: ErrorList) -> None:
    if date.fromisoformat(topic.review.next_review) < today:
        report = errors.add if strict else errors.warn
        report(document.path, *document.position(("review", "next_review")), "review.next_review",
               f"the review was due on {topic.review.next_review}; review the module against its "
               "sources, then update last_reviewed, next_review and version")


def _check_translation(text: TopicText, document: Document, expected_hash: str,
                       source_lang: str, strict: bool, errors: ErrorList) -> None:
    report = errors.add if strict else errors.warn
    if text.translation is None:
        report(document.path, 1, 1, "translation", "no translation record; add `translation: "
               f"{{source_hash: {expected_hash}, reviewed: YYYY-MM-DD}}` once checked against "
               f"the {source_lang} text")
    elif text.translation.source_hash != expected_hash:
        report(document.path, *document.position(("translation", "source_hash")),
               "translation.source_hash",
               f"stale translation: the {source_lang} text changed since this was reviewed on "
               f"{text.translation.reviewed}; update it, then set source_hash to {expected_hash}")


def _load_module(folder: Path, project: Project, pictures: frozenset[str], today: date,
                 strict: bool, errors: ErrorList) -> Module | None:
    source_lang = project.config.source_language
    if not any(folder.glob("*.yaml")):
        errors.add(folder, 1, 1, "", f"the module {folder.name!r} is empty; add topic.yaml and "
                   f"{source_lang}.yaml (leaflets new topic {folder.name}), or remove the folder")
        return None
    if _not_written_yet(folder, project, strict, errors):
        return None
    topic_document = load_file(folder / TOPIC_FILE, errors, project.root) \
        if (folder / TOPIC_FILE).is_file() else None
    if topic_document is None and not (folder / TOPIC_FILE).is_file():
        errors.add(folder / TOPIC_FILE, 1, 1, "", "the module has no topic.yaml; create it "
                   f"with: leaflets new topic {folder.name}")
    topic = validate_model(Topic, topic_document, errors) if topic_document else None
    if topic:
        _check_topic(folder, topic, topic_document, project, pictures, errors)
        _check_review(topic, topic_document, today, strict, errors)
    languages = project.config.languages
    for path in sorted(folder.glob("*.yaml")):
        if path.name != TOPIC_FILE and path.stem not in languages:
            errors.add(path, 1, 1, "", f"{path.stem!r} is not a language of this project "
                       f"({', '.join(languages)}); add it to leaflets.yaml or remove the file")
    source = _load_source(folder, topic, project, errors)
    if source is None or topic is None:
        _check_alone(folder, project, errors)
        return None
    texts, documents = {source_lang: source[1]}, {source_lang: source[0]}
    unavailable: dict[str, Unavailable] = {}
    for lang in [lang for lang in languages if lang != source_lang]:
        document, text, gap = _load_translation(folder / f"{lang}.yaml", lang, source[0],
                                                topic, project, strict, errors)
        if document and text:
            texts[lang], documents[lang] = text, document
        if gap:
            unavailable[lang] = gap
    texts = {lang: texts[lang] for lang in languages if lang in texts}  # the project's order
    return Module(folder.name, folder, topic, topic_document, texts, documents, unavailable)


def _still_empty(document: Document) -> bool:
    """A text file with its keys but every text still empty, as `leaflets new` writes it
    (a file with no keys at all is an error: the file is empty)."""
    return isinstance(document.data, dict) and bool(document.data) and not any(
        value.strip() for key_path, value in text_leaves(document.data)
        if key_path[:1] != ("translation",))


def _not_written_yet(folder: Path, project: Project, strict: bool, errors: ErrorList) -> bool:
    """A topic whose source text is still empty (just made by `leaflets new topic`) is left
    out, with a warning, so that it never stops the other topics."""
    path = folder / f"{project.config.source_language}.yaml"
    document = load_file(path, ErrorList(), project.root) if path.is_file() else None
    if document is None or not _still_empty(document):
        return False
    report = errors.add if strict else errors.warn
    report(path, 1, 1, "", f"the topic {folder.name!r} is not written yet (every text of "
           f"{path.name} is empty), so it is left out; fill in topic.yaml and {path.name}")
    return True


def _check_alone(folder: Path, project: Project, errors: ErrorList) -> None:
    """Without the facts or the source text to compare with, each translation is checked
    on its own, so that every error is still listed."""
    for lang in project.config.languages:
        path = folder / f"{lang}.yaml"
        if lang != project.config.source_language and path.is_file():
            document = load_file(path, errors, project.root)
            if document:
                validate_model(TopicText, document, errors)
                check_coverage(document, errors)


def _load_source(folder: Path, topic: Topic | None, project: Project,
                 errors: ErrorList) -> tuple[Document, TopicText] | None:
    """The source language's text: without it the topic has no leaflets at all."""
    path = folder / f"{project.config.source_language}.yaml"
    if not path.is_file():
        errors.add(path, 1, 1, "", f"the {project.config.source_language} text of "
                   f"{folder.name!r} is missing; write its title, summary, sections, diagram, "
                   "red_flags and checklist")
        return None
    document = load_file(path, errors, project.root)
    text = validate_model(TopicText, document, errors) if document else None
    if document:
        check_coverage(document, errors)
    if text and topic:
        _check_text(topic, text, document, errors)
    return (document, text) if document and text else None


def _load_translation(path: Path, lang: str, source: Document, topic: Topic,
                      project: Project, strict: bool, errors: ErrorList
                      ) -> tuple[Document | None, TopicText | None, Unavailable | None]:
    """A translation, or why the topic is not available in it (a warning; an error if strict).

    Its own errors (bad YAML, a bad reference) are errors either way.
    """
    source_lang = project.config.source_language
    report = errors.add if strict else errors.warn
    document = load_file(path, errors, project.root) if path.is_file() else None
    if document is None or _still_empty(document):
        if path.is_file() and document is None:
            return None, None, None  # unreadable: load_file reported it
        how = (f"translate {source_lang}.yaml into it" if document else
               f"copy {source_lang}.yaml to {lang}.yaml and translate it")
        report(path, 1, 1, "", f"the {lang} text of {path.parent.name!r} is "
               f"{'still empty' if document else 'missing'}, so its {lang} leaflets are left "
               f"out; {how}")
        return None, None, Unavailable(lang, path)
    if _untranslated(source, document):
        errors.add(path, 1, 1, "", f"the same text as {source_lang}.yaml: it would publish "
                   f"the {source_lang} text as {lang}; translate it, or remove {lang} from "
                   "`languages:` in leaflets.yaml until it is")
        return document, None, None
    found = ErrorList()
    text = validate_model(TopicText, document, found)
    check_coverage(document, found)
    if text:
        _check_text(topic, text, document, found)
    else:  # what can be checked without the model
        _check_links(topic, document, found)
    missing = _missing_texts(source, document) if isinstance(document.data, dict) else []
    if missing:
        keys = {format_key(key_path) for key_path in missing}
        errors.errors.extend(e for e in found.errors if not _about_missing(e, keys))
        errors.warnings.extend(found.warnings)
        report(path, 1, 1, "", _lacking_message(project, source, missing, lang))
        return document, None, Unavailable(lang, path, tuple(format_key(k) for k in missing))
    errors.extend(found)
    _check_numbers(source, document, lang, source_lang, errors)
    if text:
        _check_translation(text, document, source_hash(source), source_lang, strict, errors)
    return document, text, None


def _load_folder(folder: Path, project: Project, pictures: frozenset[str], today: date,
                 strict: bool, errors: ErrorList) -> Module | None:
    if folder.is_symlink() and not inside(folder, project.root):
        errors.add(folder, 1, 1, "", "the module folder " + where_it_leads(
            folder, "copy it into the project instead"))
        return None
    if not re.match(ID_PATTERN, folder.name):
        errors.add(folder, 1, 1, "", f"{folder.name!r} is not a valid topic id; rename the "
                   "folder with lowercase letters, digits and single hyphens (like night-leg-cramps)")
        return None
    return _load_module(folder, project, pictures, today, strict, errors)


def load_content(project: Project, *, strict: bool = False, today: date | None = None,
                 keep_going: bool = False) -> Content:
    """Load and check the whole content tree; raise ContentErrors listing every problem.

    With keep_going, modules with errors are left out and their errors returned in
    `Content.errors`; problems that concern every module (locales, templates) still raise.
    """
    errors = ErrorList()
    if not project.content_dir.is_dir():
        errors.add(project.content_dir, 1, 1, "", f"the content folder "
                   f"{project.config.content!r} does not exist; create it, or set `content:` "
                   "in leaflets.yaml")
        raise ContentErrors(errors.errors)
    pictures = available_pictures(project.template_dirs)
    locales = _load_locales(project, errors)
    regions = {region_id: loaded.region for region_id, loaded in
               load_regions(project, errors).items()}
    folders = topic_folders(project)
    if not folders:
        errors.add(project.content_dir, 1, 1, "", "no topic modules found; create one with: "
                   "leaflets new topic NAME")
    modules, module_errors = _load_modules(folders, project, pictures, today or date.today(),
                                           strict)
    _check_safety(modules, locales, regions, project, today or date.today(), strict,
                  module_errors)
    if errors or (module_errors and not keep_going):
        errors.extend(module_errors)
        raise ContentErrors(errors.errors, errors.warnings)
    return Content(project, modules, locales, pictures, tuple(sorted(module_errors.warnings)),
                   tuple(sorted(set(module_errors.errors))), regions)


def _check_safety(modules: dict[str, Module], locales: dict[str, Locale],
                  regions: dict[str, Region], project: Project, today: date, strict: bool,
                  errors: ErrorList) -> None:
    """Safety-netting checks of the modules free of other errors; one that fails is left out."""
    for module_id in list(modules):
        found = ErrorList()
        safety.check_module(modules[module_id], locales, regions, project, today, strict, found)
        if found.errors:
            del modules[module_id]
        errors.extend(found)


def _load_modules(folders: list[Path], project: Project, pictures: frozenset[str],
                  today: date, strict: bool) -> tuple[dict[str, Module], ErrorList]:
    """The modules that are free of errors, and every module's errors."""
    modules: dict[str, Module] = {}
    errors = ErrorList()
    for folder in folders:
        found = ErrorList()
        module = _load_folder(folder, project, pictures, today, strict, found)
        if module and not found:
            modules[module.id] = module
        errors.extend(found)
    return modules, errors
