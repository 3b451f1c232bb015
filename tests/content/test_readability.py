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
