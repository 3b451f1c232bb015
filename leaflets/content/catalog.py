"""Translators' own files: a language's text as gettext PO catalogs, one per topic, and back.

Export: the key path is msgctxt, the source text msgid, the current translation msgstr; a
stale translation (the source changed since it was reviewed) is fuzzy; the source file:line
is the reference comment. Import writes the language file back with ruamel.yaml, which keeps
its comments, quoting and key order, and refuses entries whose numbers or citations differ.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import ScalarString

from leaflets.content import markup
from leaflets.content.loading import Document, KeyPath, format_key, load_file, load_or_raise
from leaflets.content.project import Project
from leaflets.content.tree import LOCALES_DIR, TOPIC_FILE, source_hash, text_leaves
from leaflets.content.markup import numbers
from leaflets.content.validation import plural_categories
from leaflets.errors import ContentErrors, ErrorList, LeafletsError

CATALOG_DIR = "translations"
# PO headers carry dates; a fixed one keeps an export byte-identical from run to run.
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
_KEY_PART = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def parse_key(context: str) -> KeyPath:
    """`sections.why.blocks[0].p` → `('sections', 'why', 'blocks', 0, 'p')`."""
    return tuple(int(index) if index else name for index, name in _KEY_PART.findall(context))


def _yaml() -> YAML:
    """Round-trip YAML in the content files' own layout (checked byte for byte in the tests)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


LOCALES = "_locales"  # the catalog name of the interface strings, beside the topics
_NOT_TEXT = ("locale", "readability")  # locale settings, not words to translate


def _translatable(document: Document) -> list[tuple[KeyPath, str]]:
    return [(key, text) for key, text in text_leaves(document.data) if key[:1] != ("translation",)]


def _locale_entries(document: Document, lang: str) -> list[tuple[KeyPath, str]]:
    """The interface words; a plural string has one entry per CLDR category of `lang`."""
    entries: list[tuple[KeyPath, str]] = []
    plurals: set[KeyPath] = set()
    for key, text in text_leaves(document.data):
        if key[:1] in [(name,) for name in _NOT_TEXT]:
            continue
        if key[0] == "strings" and len(key) == 3:
            if key[:2] not in plurals:
                plurals.add(key[:2])
                forms = document.data["strings"][key[1]]
                entries += [((*key[:2], category), forms.get(category, forms.get("other", "")))
                            for category in plural_categories(lang)]
            continue
        entries.append((key, text))
    return entries


def _is_stale(target: Document | None, expected_hash: str) -> bool:
    record = (target.data or {}).get("translation") if target else None
    return not isinstance(record, dict) or record.get("source_hash") != expected_hash


@dataclass(frozen=True)
class _Files:
    """One catalog's files: the source language's, the translation's, and its entries."""

    name: str
    source: Document
    target_path: Path
    entries: list[tuple[KeyPath, str]]
    version: str = ""

    @classmethod
    def of(cls, project: Project, name: str, lang: str) -> _Files:
        source_lang = project.config.source_language
        if name == LOCALES:
            folder = project.content_dir / LOCALES_DIR
            source = load_or_raise(folder / f"{source_lang}.yaml", project.root)
            return cls(name, source, folder / f"{lang}.yaml", _locale_entries(source, lang))
        folder = project.content_dir / name
        source = load_or_raise(folder / f"{source_lang}.yaml", project.root)
        review = load_file(folder / TOPIC_FILE, ErrorList(), project.root)
        version = ((review.data or {}).get("review") or {}).get("version", "") if review else ""
        return cls(name, source, folder / f"{lang}.yaml", _translatable(source), str(version))


def topic_catalog(project: Project, name: str, lang: str) -> Catalog:
    """The PO catalog of one topic's text (or of the interface strings) in `lang`."""
    files = _Files.of(project, name, lang)
    target = load_or_raise(files.target_path, project.root) if files.target_path.is_file() else None
    current = dict(text_leaves(target.data)) if target else {}
    stale = name != LOCALES and _is_stale(target, source_hash(files.source))
    catalog = Catalog(locale=lang, project=name, version=files.version, fuzzy=False,
                      creation_date=_EPOCH, revision_date=_EPOCH, header_comment=(
                          f"# {name}: the {project.config.source_language} text and its "
                          f"{lang} translation.\n# Written by `leaflets translate export`; bring "
                          f"it back with `leaflets translate import`."))
    where = files.source.path.relative_to(project.root).as_posix()
    for key_path, text in files.entries:
        translation = current.get(key_path, "")
        line = files.source.position(key_path)[0]
        catalog.add(text, translation, locations=[(where, line)],
                    flags=["fuzzy"] if stale and translation else [],
                    context=format_key(key_path))
    return catalog


def export_language(project: Project, lang: str, names: list[str], folder: Path) -> list[Path]:
    """Write <folder>/<lang>/<name>.po for each topic (and _locales); the files written."""
    written = []
    for name in names:
        buffer = io.BytesIO()
        write_po(buffer, topic_catalog(project, name, lang), width=0)
        path = folder / lang / f"{name}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue())
        written.append(path)
    return written


def _entry_problem(message: Message, source: dict[KeyPath, str], key_path: KeyPath,
                   lang: str, source_lang: str | None) -> str | None:
    """Why an entry cannot be imported, or None.

    Only topic text must keep the source's numbers; `source_lang` is None for interface
    strings, which are not compared.
    """
    if key_path not in source:
        return f"the source text has no {message.context!r}; export again"
    if source[key_path] != message.id:
        return ("the source text changed since this file was exported; export again and "
                "translate the new text")
    if source_lang is None:
        return None
    if numbers(message.string) != numbers(message.id):
        return (f"the numbers differ from the {source_lang} text: {source_lang} has "
                f"{', '.join(numbers(message.id)) or 'none'}, {lang} has "
                f"{', '.join(numbers(message.string)) or 'none'}; keep every number")
    if sorted(markup.citations(message.string)) != sorted(markup.citations(message.id)):
        return (f"the citations differ from the {source_lang} text: keep each [^reference] mark "
                "exactly as it is")
    return None


def _set(data: Any, key_path: KeyPath, text: str) -> bool:
    """Put `text` at `key_path` in the loaded YAML, keeping its quoting; False if absent."""
    parent = data
    for part in key_path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = key_path[-1]
    if isinstance(parent, dict) and last not in parent:
        parent[last] = text
        return True
    try:
        old = parent[last]
    except (IndexError, TypeError):
        return False
    if old != text:
        parent[last] = type(old)(text) if isinstance(old, ScalarString) else text
    return True


def _read(po_path: Path) -> Catalog:
    try:
        with po_path.open("rb") as file:
            return read_po(file, abort_invalid=True)
    except Exception as exc:  # babel raises PoFileError, ValueError, UnicodeError...
        raise LeafletsError(f"{po_path}: not a PO file babel can read: {exc}") from None


def import_catalog(project: Project, po_path: Path, lang: str | None = None) -> Path | None:
    """Write one PO file back into its language file; None if nothing changed."""
    catalog = _read(po_path)
    lang = lang or catalog.locale_identifier
    name = catalog.project or po_path.stem
    known = name == LOCALES or (project.content_dir / name / TOPIC_FILE).is_file()
    if not lang or not known or "/" in name or name.startswith("."):
        raise LeafletsError(f"{po_path}: names topic {name!r} and language {lang!r}; the file "
                            "must come from `leaflets translate export` (or pass --lang)")
    files = _Files.of(project, name, lang)
    if not files.target_path.is_file():
        raise LeafletsError(f"{files.target_path} does not exist; create it with: leaflets new "
                            f"language {lang}")
    source = dict(files.entries)
    original = files.target_path.read_text(encoding="utf-8")
    data = _yaml().load(original)
    parity = None if name == LOCALES else project.config.source_language
    complete = _apply(catalog, po_path, data, source, lang, parity)
    if complete == len(source) and name != LOCALES:
        _record(data, source_hash(files.source))
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    if buffer.getvalue() == original:
        return None
    files.target_path.write_text(buffer.getvalue(), encoding="utf-8")
    return files.target_path


def _apply(catalog: Catalog, po_path: Path, data: Any, source: dict[KeyPath, str], lang: str,
           source_lang: str | None) -> int:
    """Set every confirmed translation; raise every problem, located in the PO file."""
    errors = ErrorList()
    confirmed = 0
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        key_path = parse_key(message.context or "")
        problem = _entry_problem(message, source, key_path, lang, source_lang)
        if problem is None and not _set(data, key_path, message.string):
            problem = (f"the {lang} file has no place for {message.context!r}; give it the "
                       "shape of the source language's file and import again")
        if problem:
            errors.add(po_path, message.lineno or 1, 1, message.context or "", problem)
        confirmed += 1
    if errors:
        raise ContentErrors(errors.errors)
    return confirmed


def _record(data: Any, expected_hash: str) -> None:
    """Every entry translated and confirmed: record which source text it was made from."""
    record = data.get("translation")
    if record is None:
        data["translation"] = {"source_hash": expected_hash, "reviewed": date.today().isoformat()}
    elif record.get("source_hash") != expected_hash:
        record["source_hash"] = expected_hash
        reviewed = record.get("reviewed")
        today = date.today().isoformat()
        record["reviewed"] = type(reviewed)(today) if isinstance(reviewed, ScalarString) else today
