"""Translators' own files: a language's text as gettext PO catalogs, one per topic, and back.

Export: the key path is msgctxt, the source text msgid, the current translation msgstr; a
stale translation (the source changed since it was reviewed) is fuzzy; the source file:line
is the reference comment. Import writes the language file back with ruamel.yaml, which keeps
its comments, quoting and key order, and refuses entries whose numbers or citations differ.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import ScalarString

from leaflets.content import markup
from leaflets.content.loading import Document, KeyPath, format_key, load_file
from leaflets.content.project import Project
from leaflets.content.tree import source_hash, text_leaves
from leaflets.content.validation import numbers
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


def _load(path: Path, project: Project) -> Document:
    errors = ErrorList()
    document = load_file(path, errors, project.root)
    if document is None:
        raise ContentErrors(errors.errors)
    return document


def _translatable(document: Document) -> list[tuple[KeyPath, str]]:
    return [(key, text) for key, text in text_leaves(document.data) if key[:1] != ("translation",)]


def _is_stale(target: Document | None, expected_hash: str) -> bool:
    record = (target.data or {}).get("translation") if target else None
    return not isinstance(record, dict) or record.get("source_hash") != expected_hash


def topic_catalog(project: Project, topic: str, lang: str) -> Catalog:
    """The PO catalog of one topic's text in `lang`, against the source language."""
    folder = project.content_dir / topic
    source = _load(folder / f"{project.config.source_language}.yaml", project)
    target_path = folder / f"{lang}.yaml"
    target = _load(target_path, project) if target_path.is_file() else None
    current = dict(text_leaves(target.data)) if target else {}
    stale = _is_stale(target, source_hash(source))
    review = load_file(folder / "topic.yaml", ErrorList(), project.root)
    version = str(((review.data or {}).get("review") or {}).get("version", "")) if review else ""
    catalog = Catalog(locale=lang, project=topic, version=version, fuzzy=False,
                      creation_date=_EPOCH, revision_date=_EPOCH, header_comment=(
                          f"# {topic}: the {project.config.source_language} text and its "
                          f"{lang} translation.\n# Written by `leaflets translate export`; bring "
                          f"it back with `leaflets translate import`."))
    where = source.path.relative_to(project.root).as_posix()
    for key_path, text in _translatable(source):
        translation = current.get(key_path, "")
        catalog.add(text, translation, locations=[(where, source.position(key_path)[0])],
                    flags=["fuzzy"] if stale and translation else [],
                    context=format_key(key_path))
    return catalog


def export_language(project: Project, lang: str, topics: list[str], folder: Path) -> list[Path]:
    """Write translations/<lang>/<topic>.po for each topic; returns the files written."""
    written = []
    for topic in topics:
        buffer = io.BytesIO()
        write_po(buffer, topic_catalog(project, topic, lang), width=0)
        path = folder / lang / f"{topic}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue())
        written.append(path)
    return written


def _entry_problem(message: Message, source: dict[KeyPath, str], key_path: KeyPath,
                   lang: str, source_lang: str) -> str | None:
    """Why an entry cannot be imported, or None."""
    if key_path not in source:
        return f"the {source_lang} text has no {message.context!r}; export again"
    if source[key_path] != message.id:
        return (f"the {source_lang} text changed since this file was exported; export again and "
                "translate the new text")
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
    """Write one PO file back into content/<topic>/<lang>.yaml; None if nothing changed."""
    catalog = _read(po_path)
    lang = lang or catalog.locale_identifier
    topic = catalog.project or po_path.stem
    folder = project.content_dir / topic
    source_lang = project.config.source_language
    if not lang or not (folder / f"{source_lang}.yaml").is_file():
        raise LeafletsError(f"{po_path}: names topic {topic!r} and language {lang!r}; the file "
                            "must come from `leaflets translate export` (or pass --lang)")
    target_path = folder / f"{lang}.yaml"
    if not target_path.is_file():
        raise LeafletsError(f"{target_path} does not exist; create it with: leaflets new "
                            f"language {lang}")
    source_document = _load(folder / f"{source_lang}.yaml", project)
    source = dict(_translatable(source_document))
    original = target_path.read_text(encoding="utf-8")
    data = _yaml().load(original)
    complete = _apply(catalog, po_path, data, source, lang, source_lang)
    if complete == len(source):
        _record(data, source_hash(source_document))
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    if buffer.getvalue() == original:
        return None
    target_path.write_text(buffer.getvalue(), encoding="utf-8")
    return target_path


def _apply(catalog: Catalog, po_path: Path, data: Any, source: dict[KeyPath, str], lang: str,
           source_lang: str) -> int:
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
                       f"shape of the {source_lang} file and import again")
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
