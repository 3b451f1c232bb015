"""`leaflets new`: a project to start from, and the files an author fills in to add a topic
or a language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import babel
import yaml

from leaflets.content.project import CONFIG_NAME, STARTER, Project
from leaflets.content.loading import load_or_raise
from leaflets.content.validation import plural_categories
from leaflets.content.tree import LOCALES_DIR, TOPIC_FILE, source_hash, topic_folders

DEFAULT_LAYOUT = ["what-it-is", "why", "what-to-do", "diagram", "prevent", "checklist", "get-help"]


def _blank(value: Any) -> Any:
    """The same shape with every text emptied, for a translator to fill in."""
    if isinstance(value, dict):
        return {key: _blank(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_blank(item) for item in value]
    return "" if isinstance(value, str) else value


class _PlainDumper(yaml.SafeDumper):
    """Writes repeated values out in full: content files refuse anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(path: Path, header: str, data: dict[str, Any]) -> Path:
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + body, encoding="utf-8")
    return path


def new_topic(project: Project, topic: str) -> list[Path]:
    """A topic folder with topic.yaml and one text file per language, every key present."""
    folder = project.content_dir / topic
    layout = {audience: list(DEFAULT_LAYOUT) for audience in project.config.audiences}
    facts = {
        "review": {"last_reviewed": "", "next_review": "", "version": "1.0"},
        "references": [{"id": "source-1", "title": "", "publisher": "", "year": 2026, "url": ""}],
        "diagram": {"steps": [{"id": "step-1", "picture": "calf-wall-start", "hold_seconds": 10,
                               "repeats": 3}]},
        "red_flags": [{"id": f"flag-{tier}", "tier": tier, "source": "source-1"}
                      for tier in ("gp", "today", "emergency")],
        "checklist": [{"id": "flag-gp", "red_flag": "flag-gp"}],
        "audiences": layout,
        # the diagnosis codes the topic answers (icd10, icd10cm or snomed), for the Infobutton
        "codes": [{"system": "icd10", "code": "", "display": "", "checked": ""}],
    }
    section = {"heading": "", "blocks": [{"p": ""}]}
    text = {
        "title": "", "summary": "",
        "sections": {s: section for s in DEFAULT_LAYOUT if s not in ("diagram", "checklist", "get-help")},
        "diagram": {"title": "", "description": "", "steps": {"step-1": ""}},
        "red_flags": {f"flag-{tier}": "" for tier in ("gp", "today", "emergency")},
        "checklist": {"flag-gp": ""},
    }
    written = [_dump(folder / TOPIC_FILE, f"# {topic}: the facts that do not depend on language. "
                     "Fill in every empty value; `leaflets check` lists what is left.\n", facts)]
    for lang in project.config.languages:
        written.append(_dump(folder / f"{lang}.yaml", f"# {topic}, text in {lang}.\n", text))
    return written


def _plural_forms(strings: dict[str, Any], lang: str) -> dict[str, Any]:
    """Every plural string with exactly the forms CLDR gives `lang` (uk: one, few, many, other)."""
    try:
        categories = plural_categories(lang)
    except (ValueError, babel.UnknownLocaleError):
        return strings  # `check` asks for a locale CLDR knows
    return {key: {category: "" for category in categories} if isinstance(value, dict) else value
            for key, value in strings.items()}


def _readability(lang: str) -> dict[str, Any]:
    """A measure made for the language's script (CLDR's likely script), or none at all."""
    likely = babel.core.get_global("likely_subtags").get(lang, "")
    script = likely.split("_")[1] if likely.count("_") == 2 else ""
    if script == "Latn":
        return {"formula": "lix", "target": 40, "max_words_per_sentence": 15}
    if script == "Cyrl":
        return {"formula": "flesch-oborneva", "target": 50}
    return {"formula": "none", "target": 0}


def new_language(project: Project, lang: str) -> list[Path]:
    """A locale file and a text file per topic, shaped like the source language's."""
    source = project.config.source_language
    locale = load_or_raise(project.content_dir / LOCALES_DIR / f"{source}.yaml", project.root).data
    blank_locale = _blank(locale)
    blank_locale["locale"] = lang
    blank_locale["strings"] = _plural_forms(blank_locale.get("strings", {}), lang)
    blank_locale["readability"] = _readability(lang)
    written = [_dump(project.content_dir / LOCALES_DIR / f"{lang}.yaml",
                     f"# Interface strings for {lang!r}. Set `locale` to a Babel locale such "
                     "as de_DE, and check that the readability formula suits the language "
                     "(`none` where no validated measure exists). The services in the tier "
                     "headings ({gp}, {emergency}...) come from the region that leaflets.yaml "
                     f"pairs with {lang}: name them in {lang} there.\n", blank_locale)]
    for folder in topic_folders(project):
        source_document = load_or_raise(folder / f"{source}.yaml", project.root)
        text = _blank({k: v for k, v in source_document.data.items() if k != "translation"})
        text["translation"] = {"source_hash": source_hash(source_document), "reviewed": ""}
        written.append(_dump(folder / f"{lang}.yaml", f"# {folder.name}, text in {lang}. "
                             f"Write it natively from {source}.yaml; keep every number.\n", text))
    return written


class FolderNotEmpty(Exception):
    """`leaflets new project` writes only into a new or empty folder."""


def _settings_text(base_url: str | None, region: str | None) -> str:
    """The starter leaflets.yaml, comments kept, with the clinic's own address and region."""
    text = (STARTER / CONFIG_NAME).read_text(encoding="utf-8")
    if base_url:
        text = re.sub(r"(?m)^base_url:[ \t]*\S+", lambda _: f"base_url: {base_url}", text, count=1)
    if region:  # one region for every language, in place of the bundled pairing
        text = re.sub(r"(?m)^region:[ \t]*(\{[^}\n]*\}|\S+)", lambda _: f"region: {region}",
                      text, count=1)
    return text


def new_project(folder: Path, base_url: str | None = None, region: str | None = None) -> list[Path]:
    """A project that builds as it stands: leaflets.yaml and the four bundled topics."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FolderNotEmpty(folder)
    sources = sorted((STARTER / "content").glob("*/*.yaml"))
    written = [folder / CONFIG_NAME, folder / ".gitignore"]
    folder.mkdir(parents=True, exist_ok=True)
    written[0].write_text(_settings_text(base_url, region), encoding="utf-8")
    written[1].write_text("/output/\n/.leaflets-cache/\n", encoding="utf-8")
    for source in sources:
        target = folder / "content" / source.relative_to(STARTER / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        written.append(target)
    return written
