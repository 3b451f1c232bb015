import pytest

from leaflets.content import markup


def test_text_is_escaped_and_markup_is_allow_listed():
    html = markup.to_html("<b>x</b> **bold** [^nhs] [site](https://a.test/?a=1&b=2)", {"nhs": 3}.get)
    assert html == ('&lt;b&gt;x&lt;/b&gt; <strong>bold</strong> <a class="cite" href="#ref-3">'
                    '<sup>[3]</sup></a> <a href="https://a.test/?a=1&amp;b=2">site</a>')


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"])
def test_dangerous_links_are_refused(url):
    with pytest.raises(ValueError):
        markup.parse(f"[x]({url})")


def test_plain_drops_markup_and_citations():
    assert markup.plain("Stretch **now** [^nhs].") == "Stretch now."
