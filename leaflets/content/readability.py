"""Plain-language measures, one formula per language, all offline.

- English: Flesch–Kincaid grade (lower is easier).
- Dutch: Flesch–Douma reading ease (higher is easier).
- Russian: Flesch reading ease as adapted by Oborneva, syllables counted as vowels.
- Ukrainian: the same Cyrillic formula, with і, ї and є counted as vowels too.
- Indonesian (no validated Flesch): LIX plus average sentence length (lower is easier).
- `none`: no validated measure for the language (Arabic: the published OSMAN formula needs
  the short vowels that patient text leaves out), and `check` says so.

Each formula counts the letters of one script; text in another script is never scored
in silence: `check` reports the formula as unfit for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from leaflets.content import markup
from leaflets.content.reading import leaflet_texts
from leaflets.content.schema import Readability, Topic, TopicText
from leaflets.content.tree import Content

# A letter and its combining marks (accents, Arabic short vowels, stress marks) are one word.
_MARKS = "\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_LETTERS = rf"[^\W\d_](?:[^\W\d_]|[{_MARKS}])*"
_WORD = re.compile(rf"{_LETTERS}(?:[-'’]{_LETTERS})*")
_SENTENCE_END = re.compile(r"[.!?…؟۔]+(?:\s|$)")


@dataclass(frozen=True)
class TextStats:
    words: int
    sentences: int
    syllables: int
    long_words: int  # more than 6 letters, for LIX

    @property
    def words_per_sentence(self) -> float:
        return self.words / max(self.sentences, 1)

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / max(self.words, 1)


def english_syllables(word: str) -> int:
    """A rule-based English syllable count; good enough for grade estimates."""
    word = word.lower().replace("’", "'").split("'")[0]
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    count = len(re.findall(r"[aeiouy]{1,2}", word))
    return max(count, 1)


def dutch_syllables(word: str) -> int:
    word = word.lower().replace("ij", "y")
    return max(len(re.findall(r"[aeiouyáéíóúàèëïöüâêîôû]+", word)), 1)


def cyrillic_syllables(word: str) -> int:
    """Syllables = vowels, Russian (ё ы э) and Ukrainian (і ї є) alike."""
    return max(len(re.findall(r"[аеёиоуыэюяіїє]", word.lower())), 1)


def vowel_group_syllables(word: str) -> int:
    return max(len(re.findall(r"[aeiouyáéíóúàèëïöü]+", word.lower())), 1)


SYLLABLE_COUNTERS: dict[str, Callable[[str], int]] = {
    "flesch-kincaid-grade": english_syllables,
    "flesch-douma": dutch_syllables,
    "flesch-oborneva": cyrillic_syllables,
    "lix": vowel_group_syllables,
    "none": vowel_group_syllables,
}
# The script whose letters each formula counts.
SCRIPTS = {"flesch-kincaid-grade": "LATIN", "flesch-douma": "LATIN", "flesch-oborneva": "CYRILLIC",
           "lix": "LATIN"}


def script(items: list[str]) -> str:
    """The script most of the letters are in, by Unicode name: LATIN, CYRILLIC, ARABIC..."""
    letters = Counter(unicodedata.name(ch, "?").split(" ")[0]
                      for item in items for ch in markup.plain(item) if ch.isalpha())
    return letters.most_common(1)[0][0] if letters else "LATIN"


def stats(items: list[str], syllables: Callable[[str], int]) -> TextStats:
    """Count words and sentences; every item (paragraph, bullet, caption) ends a sentence."""
    words = sentences = syllable_count = long_words = 0
    for item in items:
        text = markup.plain(item).strip()
        if not text:
            continue
        found = _WORD.findall(text)
        words += len(found)
        syllable_count += sum(syllables(w) for w in found)
        long_words += sum(1 for w in found if len(w) > 6)
        ends = len(_SENTENCE_END.findall(text))
        sentences += ends + (0 if _SENTENCE_END.search(text[-2:] + " ") else 1)
    return TextStats(words, sentences, syllable_count, long_words)


def score(formula: str, s: TextStats) -> float:
    if formula == "flesch-kincaid-grade":
        return 0.39 * s.words_per_sentence + 11.8 * s.syllables_per_word - 15.59
    if formula == "flesch-douma":
        return 206.835 - 0.93 * s.words_per_sentence - 77 * s.syllables_per_word
    if formula == "flesch-oborneva":
        return 206.835 - 1.3 * s.words_per_sentence - 60.1 * s.syllables_per_word
    if formula == "lix":
        return s.words_per_sentence + 100 * s.long_words / max(s.words, 1)
    if formula == "none":
        return 0.0
    raise ValueError(f"unknown readability formula {formula!r}")


HIGHER_IS_EASIER = {"flesch-douma", "flesch-oborneva"}


@dataclass(frozen=True)
class Result:
    topic: str
    audience: str
    lang: str
    formula: str
    value: float
    target: float
    words_per_sentence: float
    max_words_per_sentence: float | None
    applies: bool
    script: str = "LATIN"  # the script of the text measured

    @property
    def fits(self) -> bool:
        """Whether the formula counts the letters of the text's script."""
        return self.formula == "none" or SCRIPTS[self.formula] == self.script

    @property
    def verdict(self) -> str:
        if not self.applies:
            return "exempt"
        if self.formula == "none":
            return "no measure applies"
        if not self.fits:
            return f"UNFIT: {self.formula} counts {SCRIPTS[self.formula].title()} letters"
        return "ok" if self.passed else "MISSED"

    @property
    def passed(self) -> bool:
        if self.formula == "none":
            return True
        if not self.fits:
            return False
        if self.formula in HIGHER_IS_EASIER:
            ok = self.value >= self.target
        else:
            ok = self.value <= self.target
        if self.max_words_per_sentence is not None:
            ok = ok and self.words_per_sentence <= self.max_words_per_sentence
        return ok

    @property
    def target_text(self) -> str:
        sign = "≥" if self.formula in HIGHER_IS_EASIER else "≤"
        text = f"{sign} {self.target:g}"
        if self.max_words_per_sentence is not None:
            text += f", ≤ {self.max_words_per_sentence:g} words/sentence"
        return text


def measure(topic_id: str, topic: Topic, text: TopicText, audience: str, lang: str,
            rule: Readability, applies: bool) -> Result:
    items = list(leaflet_texts(topic, text, audience))
    s = stats(items, SYLLABLE_COUNTERS[rule.formula])
    return Result(topic_id, audience, lang, rule.formula, round(score(rule.formula, s), 1),
                  rule.target, round(s.words_per_sentence, 1), rule.max_words_per_sentence,
                  applies, script(items))


def measure_all(content: Content) -> list[Result]:
    """One result per topic × audience × language."""
    results = []
    for module in content.modules.values():
        for audience in module.topic.audiences:
            applies = content.project.config.audiences[audience].plain_language
            for lang, text in module.texts.items():  # the languages it is available in
                rule = content.locales[lang].readability
                results.append(measure(module.id, module.topic, text, audience,
                                       lang, rule, applies))
    return results


def table(results: list[Result]) -> str:
    """A plain-text table, one row per leaflet."""
    rows = [("topic", "audience", "lang", "measure", "value", "words/sent", "target", "result")]
    for r in results:
        measured = r.formula != "none"
        rows.append((r.topic, r.audience, r.lang, r.formula,
                     f"{r.value:.1f}" if measured else "-", f"{r.words_per_sentence:.1f}",
                     r.target_text if measured else "-", r.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                     for row in rows)
