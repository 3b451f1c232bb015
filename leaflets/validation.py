"""Raw documents → typed content. Every problem in the tree is collected, located."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import typing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from leaflets import markup
from leaflets.config import Project
from leaflets.errors import ContentError, ContentErrors, ErrorList
from leaflets.loading import Document, KeyPath, format_key, load_file
from leaflets.schema import (
    BUILT_IN_SECTIONS, ID_PATTERN, TIERS, Bullets, Locale, Paragraph, PluralText, Steps, Topic,
    TopicText,
)

M = TypeVar("M", bound=BaseModel)
TOPIC_FILE = "topic.yaml"
LOCALES_DIR = "_locales"
_TAGGED = {"<p>": Paragraph, "<bullets>": Bullets, "<steps>": Steps, "<text>": str,
           "<plural>": PluralText}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Module:
    """One topic: its facts, its text in every language, and where they came from."""

    id: str
    folder: Path
    topic: Topic
    topic_document: Document
    texts: dict[str, TopicText]
    text_documents: dict[str, Document]


@dataclass(frozen=True)
class Content:
    """The whole validated content tree of a project."""

    project: Project
    modules: dict[str, Module]
    locales: dict[str, Locale]
    pictures: frozenset[str]
    warnings: tuple[ContentError, ...]


# --- model validation with located, helpful messages ---------------------------------


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _child_type(annotation: Any, part: str | int) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(part, str) and part in _TAGGED:
        return _TAGGED[part]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    origin = typing.get_origin(annotation)
    arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (list, dict) and arguments:
        return arguments[-1]
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)) and arguments:
        return _child_type(arguments[0], part)
    return None


def _allowed_keys(model: type[BaseModel], location: tuple[Any, ...]) -> list[str]:
    annotation: Any = model
    for part in location:
        annotation = _child_type(annotation, part)
        if annotation is None:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _message(model: type[BaseModel], error: Any, key_path: KeyPath) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, error["loc"][:-1])
        close = difflib.get_close_matches(str(key_path[-1]), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listing = f" Allowed keys: {', '.join(allowed)}." if allowed and not close else ""
        return f"unknown key {key_path[-1]!r}{hint}{listing}"
    if kind == "missing":
        return f"the required key {key_path[-1]!r} is missing; add it"
    if kind in ("string_too_short",):
        return "this text is empty; write the text or remove the key"
    if kind == "string_pattern_mismatch":
        return (f"{error['input']!r} is not a valid id: use lowercase letters, digits and "
                "single hyphens (like night-leg-cramps)")
    if kind == "value_error":
        return str(error["ctx"]["error"])
    found = type(error["input"]).__name__.replace("NoneType", "nothing").replace("str", "text")
    message = error["msg"].removeprefix("Value error, ")
    if kind.endswith("_type"):
        return f"{message}, but found {found}"
    return message[0].lower() + message[1:]


def validate_model(model: type[M], document: Document, errors: ErrorList) -> M | None:
    """Validate a document against a model, recording each problem with its position."""
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        for error in exc.errors():
            key_path = tuple(p for p in error["loc"]
                             if not (isinstance(p, str) and (p in _TAGGED or p == "[key]")))
            line, column = document.position(key_path)
            errors.add(document.path, line, column, format_key(key_path),
                       _message(model, error, key_path))
        return None


# --- the content tree -----------------------------------------------------------------


def source_hash(document: Document) -> str:
    """A short fingerprint of a text file's content, ignoring its translation record."""
    data = {k: v for k, v in (document.data or {}).items() if k != "translation"}
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def text_leaves(data: Any, key_path: KeyPath = ()) -> typing.Iterator[tuple[KeyPath, str]]:
    """Every string in a loaded document with its key path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from text_leaves(value, key_path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_leaves(value, key_path + (index,))
    elif isinstance(data, str):
        yield key_path, data


def _numbers(text: str) -> list[str]:
    return sorted(n.replace(",", ".") for n in _NUMBER.findall(markup.plain(text)))


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
        if locale:
            locales[lang] = locale
            documents[lang] = document
    source = locales.get(project.config.source_language)
    for lang, locale in locales.items():
        document = documents[lang]
        for audience in project.config.audiences:
            if audience not in locale.audiences:
                errors.add(document.path, *document.position(("audiences",)), "audiences",
                           f"no name for the audience {audience!r}; add it")
        if source and lang != project.config.source_language:
            for key in sorted(set(source.strings) - set(locale.strings)):
                errors.add(document.path, *document.position(("strings",)), f"strings.{key}",
                           f"missing; the {project.config.source_language} interface has it")
            for key in sorted(set(locale.strings) - set(source.strings)):
                errors.add(document.path, *document.position(("strings", key)), f"strings.{key}",
                           f"not in the {project.config.source_language} interface; remove it")
    return locales


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
                add((*kind.split("."), index, "id"), f"the id {item.id!r} is used twice")
            seen.add(item.id)
    for index, flag in enumerate(topic.red_flags):
        if flag.source not in references:
            add(("red_flags", index, "source"), _unknown("reference", flag.source, references))
    for index, item in enumerate(topic.checklist):
        if item.red_flag and item.red_flag not in red_flags:
            add(("checklist", index, "red_flag"), _unknown("red flag", item.red_flag, red_flags))
    for index, step in enumerate(topic.diagram.steps):
        if step.picture not in pictures:
            add(("diagram", "steps", index, "picture"), _unknown("picture", step.picture, pictures))
    for audience in topic.audiences:
        if audience not in project.config.audiences:
            add(("audiences", audience), _unknown("audience", audience,
                                                  set(project.config.audiences)))
    if topic.review.next_review <= topic.review.last_reviewed:
        add(("review", "next_review"), "the next review must come after the last review")


def _unknown(what: str, value: str, known: set[str] | frozenset[str]) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(known))}"
    return f"unknown {what} {value!r}{hint}"


def _check_text(topic: Topic, text: TopicText, document: Document, errors: ErrorList) -> None:
    def add(key_path: KeyPath, message: str) -> None:
        errors.add(document.path, *document.position(key_path), format_key(key_path), message)

    def same_ids(key: str, expected: list[str], found: dict[str, str]) -> None:
        for missing in [i for i in expected if i not in found]:
            add((key,), f"the text for {missing!r} is missing; add `{missing}: ...`")
        for extra in [i for i in found if i not in expected]:
            add((key, extra), _unknown(key.replace("_", " ").rstrip("s"), extra, set(expected)))

    same_ids("red_flags", [f.id for f in topic.red_flags], text.red_flags)
    same_ids("checklist", [c.id for c in topic.checklist], text.checklist)
    steps = [s.id for s in topic.diagram.steps]
    for missing in [i for i in steps if i not in text.diagram.steps]:
        add(("diagram", "steps"), f"the caption for step {missing!r} is missing")
    for extra in [i for i in text.diagram.steps if i not in steps]:
        add(("diagram", "steps", extra), _unknown("diagram step", extra, set(steps)))
    for audience, layout in topic.audiences.items():
        for section in layout:
            if section not in text.sections and section not in BUILT_IN_SECTIONS:
                errors.add(document.path, 1, 1, "sections",
                           f"the {audience} leaflet uses the section {section!r}, which this "
                           "file does not define; add it under sections:")
    references = {r.id for r in topic.references}
    for key_path, value in text_leaves(document.data):
        try:
            markup.parse(value)
        except ValueError as exc:
            add(key_path, str(exc))
        for cited in markup.citations(value):
            if cited not in references:
                add(key_path, _unknown("reference", cited, references))


def _check_parity(source: Document, target: Document, lang: str, source_lang: str,
                  errors: ErrorList) -> None:
    source_texts = dict(text_leaves(source.data))
    for key_path, value in text_leaves(target.data):
        if key_path[:1] == ("translation",) or key_path not in source_texts:
            continue
        expected, found = _numbers(source_texts[key_path]), _numbers(value)
        if expected != found:
            errors.add(target.path, *target.position(key_path), format_key(key_path),
                       f"the numbers differ from the {source_lang} text: {source_lang} has "
                       f"{', '.join(expected) or 'none'}, {lang} has {', '.join(found) or 'none'}; "
                       "numbers, durations and doses must match in every language")
    target_keys = {k for k, _ in text_leaves(target.data)}
    for key_path in source_texts:
        if key_path[0] != "translation" and key_path not in target_keys:
            parent = key_path[:-1]
            errors.add(target.path, *target.position(parent), format_key(key_path),
                       f"missing; the {source_lang} text has it")


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
    documents: dict[str, Document] = {}
    texts: dict[str, TopicText] = {}
    for lang in languages:
        path = folder / f"{lang}.yaml"
        if not path.is_file():
            errors.add(path, 1, 1, "", f"the {lang} text of {folder.name!r} is missing; "
                       f"write it (start from {project.config.source_language}.yaml)")
            continue
        document = load_file(path, errors, project.root)
        text = validate_model(TopicText, document, errors) if document else None
        if document:
            documents[lang] = document
        if text:
            texts[lang] = text
            if topic:
                _check_text(topic, text, document, errors)
    source_lang = project.config.source_language
    source = documents.get(source_lang)
    if source:
        expected_hash = source_hash(source)
        for lang, document in documents.items():
            if lang == source_lang:
                continue
            _check_parity(source, document, lang, source_lang, errors)
            if lang in texts:
                _check_translation(texts[lang], document, expected_hash, source_lang, strict,
                                   errors)
    if topic is None or len(texts) != len(languages):
        return None
    return Module(folder.name, folder, topic, topic_document, texts, documents)


def topic_folders(project: Project) -> list[Path]:
    """Every module folder, in sorted order; folders starting with _ are not topics."""
    if not project.content_dir.is_dir():
        return []
    return sorted(p for p in project.content_dir.iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")))


def load_content(project: Project, *, strict: bool = False, today: date | None = None) -> Content:
    """Load and check the whole content tree; raise ContentErrors listing every problem."""
    from leaflets.graphics.diagrams import available_pictures

    errors = ErrorList()
    if not project.content_dir.is_dir():
        errors.add(project.content_dir, 1, 1, "content",
                   "the content folder does not exist; check `content:` in leaflets.yaml")
        raise ContentErrors(errors.errors)
    pictures = available_pictures(project.template_dirs)
    locales = _load_locales(project, errors)
    modules: dict[str, Module] = {}
    folders = topic_folders(project)
    if not folders:
        errors.add(project.content_dir, 1, 1, "", "no topic modules found; create one with: "
                   "leaflets new topic NAME")
    for folder in folders:
        if folder.is_symlink() and not folder.resolve().is_relative_to(project.root):
            errors.add(folder, 1, 1, "", "the module folder links outside the project; "
                       "copy it into the project instead")
            continue
        if not re.match(ID_PATTERN, folder.name):
            errors.add(folder, 1, 1, "", f"{folder.name!r} is not a valid topic id: use lowercase "
                       "letters, digits and single hyphens")
            continue
        module = _load_module(folder, project, pictures, today or date.today(), strict, errors)
        if module:
            modules[module.id] = module
    if errors:
        raise ContentErrors(errors.errors, errors.warnings)
    return Content(project, modules, locales, pictures, tuple(sorted(errors.warnings)))
