"""Write a larger throwaway project for the benchmark: the bundled module under many names.

    python bench/synthetic.py /tmp/leaflets-synthetic --topics 12

Each copy of the first module becomes a topic of its own, its title numbered; each language
keeps its own translation (the record names the copy's source), so the project has
topics × languages × audiences leaflets of realistic size. Never commit what it writes.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from leaflets.content.project import CONFIG_NAME, REGIONS_DIR, load_project  # noqa: E402
from leaflets.errors import ErrorList  # noqa: E402
from leaflets.content.loading import load_text  # noqa: E402
from leaflets.content.tree import LOCALES_DIR, TOPIC_FILE, source_hash
from leaflets.content.tree import topic_folders  # noqa: E402


def topic_copy(source: Path, target: Path, number: int, languages: list[str],
               source_language: str) -> None:
    """One copy of a module, its title numbered in every language so that every leaflet differs.

    Each language keeps its real translation, so leaflets have realistic sizes; the
    translations' records name the numbered source's hash, so none is stale.
    """
    target.mkdir(parents=True)
    shutil.copy(source / TOPIC_FILE, target / TOPIC_FILE)
    text = _numbered(source / f"{source_language}.yaml", number)
    (target / f"{source_language}.yaml").write_text(text, encoding="utf-8")
    document = load_text(target / f"{source_language}.yaml", text, ErrorList())
    record = f'source_hash: "{source_hash(document)}"'
    for lang in languages:
        if lang != source_language:
            translated = re.sub(r'source_hash: "?\w+"?', record,
                                _numbered(source / f"{lang}.yaml", number), count=1)
            (target / f"{lang}.yaml").write_text(translated, encoding="utf-8")


def _numbered(path: Path, number: int) -> str:
    return path.read_text(encoding="utf-8").replace("\ntitle: ", f"\ntitle: ({number}) ", 1)


def synthetic_project(origin: Path, target: Path, topics: int, languages: list[str]) -> Path:
    """Write the project; the origin's first topic module is the one copied."""
    project = load_project(origin)
    source_language = project.config.source_language
    module = topic_folders(project)[0]
    if target.exists():
        shutil.rmtree(target)
    content = target / "content"
    shutil.copytree(project.content_dir / LOCALES_DIR, content / LOCALES_DIR)
    if (project.content_dir / REGIONS_DIR).is_dir():  # the project's own regions
        shutil.copytree(project.content_dir / REGIONS_DIR, content / REGIONS_DIR)
    if (origin / "templates") in project.template_dirs[:-1]:  # the project's own overrides
        shutil.copytree(origin / "templates", target / "templates")
    for number in range(1, topics + 1):
        topic_copy(module, content / f"{module.name}-{number:02d}", number, languages,
                   source_language)
    config = (origin / CONFIG_NAME).read_text(encoding="utf-8")
    lines = [f"languages: [{', '.join(languages)}]" if line.startswith("languages:") else line
             for line in config.splitlines()]
    # Source-language text under longer interface strings can run one page over.
    config = re.sub(r"\{pages: (\d+)", lambda m: f"{{pages: {int(m.group(1)) + 1}",
                    "\n".join(lines))
    (target / CONFIG_NAME).write_text(config + "\n", encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--origin", type=Path, default=REPO, help="the project to copy from")
    parser.add_argument("--topics", type=int, default=12)
    parser.add_argument("--languages", nargs="+", help="default: the origin's languages")
    arguments = parser.parse_args()
    arguments.languages = arguments.languages or load_project(arguments.origin).config.languages
    target = synthetic_project(arguments.origin, arguments.target, arguments.topics,
                               arguments.languages)
    print(target)


if __name__ == "__main__":
    main()
