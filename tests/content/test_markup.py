import pytest

from leaflets.content import markup


def test_text_is_escaped_and_markup_is_allow_listed():
    html = markup.to_html("<b>x</b> **bold** [^nhs] [site](https://a.test/?a=1&b=2)", {"nhs": 3}.get)
    assert html == ('&lt;b&gt;x&lt;/b&gt; <strong>bold</strong>\u2060<a class="cite" href="#ref-3">'
                    '<sup>[3]</sup></a> <a href="https://a.test/?a=1&amp;b=2">site</a>')


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"])
def test_dangerous_links_are_refused(url):
    with pytest.raises(ValueError):
        markup.parse(f"[x]({url})")


def test_plain_drops_markup_and_citations():
    assert markup.plain("Stretch **now** [^nhs].") == "Stretch now."


def test_right_to_left_text_isolates_left_to_right_runs():
    html = markup.to_html("اتصل بـ NHS 111 أو [الموقع](https://www.nhs.uk/) إذا. [^nhs]",
                          {"nhs": 2}.get, rtl=True)
    assert "بـ \u2066NHS 111\u2069\u00a0أو" in html  # the run, without the spaces around it
    assert "<sup>\u2066[2]\u2069</sup>" in html
    assert "إذا." in html  # the full stop stays with the Arabic sentence
    assert "\u2066" not in markup.to_html("Call NHS 111 [^nhs]", {"nhs": 2}.get)
    assert markup.isolate_ltr("الصفحة {page} من {pages}") == "الصفحة {page} من {pages}"


def test_a_citation_mark_is_joined_to_the_word_before_it():
    html = markup.to_html("It may be a stroke. [^a] [^b]", lambda ref: {"a": 1, "b": 2}[ref])
    # a word joiner, never a breakable space, between the word and its marks (WeasyPrint#1075)
    assert html.startswith("It may be a stroke.\u2060<a class=\"cite\" href=\"#ref-1\">")
    assert "</a>\u2060<a class=\"cite\" href=\"#ref-2\">" in html
    assert " <a" not in html


def test_a_number_keeps_its_unit():
    assert markup.to_html("Hold for 5 seconds, 3 times, aged 3 to 12", lambda ref: 1) == \
        "Hold for 5\u00a0seconds, 3\u00a0times, aged 3\u00a0to 12"
