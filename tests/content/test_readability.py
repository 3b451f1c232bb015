import pytest

from leaflets.content import readability as r


@pytest.mark.parametrize("word, syllables", [
    ("cramp", 1), ("muscle", 2), ("medicine", 3), ("stretching", 2), ("tablets", 2),
    ("calf", 1), ("happens", 2),
])
def test_english_syllables(word, syllables):
    assert r.english_syllables(word) == syllables


def test_cyrillic_syllables_are_vowels():
    assert r.cyrillic_syllables("судороги") == 4


def test_items_end_sentences_and_grade_is_low_for_plain_text():
    s = r.stats(["Stretch the muscle. Rub it.", "Walk around"], r.english_syllables)
    assert (s.words, s.sentences) == (7, 3)
    assert r.score("flesch-kincaid-grade", s) < 2


def test_lix_counts_long_words():
    s = r.stats(["Kram kaki sering terjadi malam hari."], r.vowel_group_syllables)
    assert s.long_words == 1 and r.score("lix", s) == pytest.approx(6 + 100 / 6)


def test_ukrainian_vowels_count():
    """і, ї and є are vowels too: "м'язів" has 2 syllables, "їжа" 2, "єдиний" 3."""
    assert [r.cyrillic_syllables(w) for w in ("м'язів", "їжа", "єдиний", "судоми")] == [2, 2, 3, 3]


def test_arabic_diacritics_stay_inside_words():
    s = r.stats(["كَتَبَ الوَلَدُ الدَّرْسَ؟ نعم."], r.vowel_group_syllables)
    assert (s.words, s.sentences) == (4, 2)


def _result(formula: str, text: str) -> r.Result:
    from leaflets.content.schema import Readability

    items = [text]
    s = r.stats(items, r.SYLLABLE_COUNTERS[formula])
    return r.Result("t", "patient", "xx", formula, r.score(formula, s), 7, s.words_per_sentence,
                    None, True, r.script(items))


def test_a_formula_for_another_script_is_never_applied_in_silence():
    arabic = _result("flesch-kincaid-grade", "التشنج عضلة مشدودة. يزول وحده.")
    assert not arabic.passed and arabic.verdict.startswith("UNFIT: flesch-kincaid-grade counts Latin")
    assert _result("none", "التشنج عضلة مشدودة.").verdict == "no measure applies"
    assert _result("flesch-kincaid-grade", "Stretch the muscle.").verdict == "ok"
