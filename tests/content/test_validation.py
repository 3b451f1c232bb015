from pathlib import Path

import pytest

from leaflets.content.project import load_project
from leaflets.errors import ContentErrors
from leaflets.content.validation import load_content

from conftest import REPO, write


def errors_of(root: Path, strict: bool = False) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_content(load_project(root), strict=strict)
    return [str(e) for e in caught.value.errors]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def test_valid_project_loads(tiny_project: Path):
    content = load_content(load_project(tiny_project))
    assert list(content.modules) == ["cramp"]
    assert content.warnings == ()


def test_unknown_key_has_line_and_suggestion(tiny_project: Path):
    replace(tiny_project / "content/cramp/en.yaml", "summary:", "sumary:")
    found = errors_of(tiny_project)
    assert any(e.startswith(f"{tiny_project}/content/cramp/en.yaml:2:1: sumary: unknown key "
                            "'sumary'; did you mean 'summary'?") for e in found), found


def test_wrong_type_and_missing_text(tiny_project: Path):
    replace(tiny_project / "content/cramp/topic.yaml", "year: 2023", "year: '2023'")
    replace(tiny_project / "content/cramp/en.yaml", "title: Test cramps\n", "")
    found = errors_of(tiny_project)
    assert any("topic.yaml:3:" in e and "references[0].year: expected a whole number, found the text '2023'; write it "
               "without quotes"
               in e for e in found), found
    assert any("en.yaml:1:1: title: the required key 'title' is missing" in e for e in found)


def test_two_broken_files_give_two_errors(tiny_project: Path):
    replace(tiny_project / "content/cramp/en.yaml", "title: Test cramps", "title: [unclosed")
    replace(tiny_project / "content/cramp/topic.yaml", "version: \"1\"}", "version: \"1\"")
    found = errors_of(tiny_project)
    assert len(found) == 2, found
    assert {Path(e.split(":")[0]).name for e in found} == {"en.yaml", "topic.yaml"}


def test_cross_references_are_checked(tiny_project: Path):
    replace(tiny_project / "content/cramp/topic.yaml", "source: nhs}\n  - {id: swollen",
            "source: nsh}\n  - {id: swollen")
    replace(tiny_project / "content/cramp/topic.yaml", "red_flag: long}", "red_flag: longg}")
    replace(tiny_project / "content/cramp/topic.yaml", "picture: calf-wall-lean",
            "picture: no-such-picture")
    replace(tiny_project / "content/cramp/en.yaml", "[^nhs]", "[^nice]")
    found = "\n".join(errors_of(tiny_project))
    assert "red_flags[0].source: unknown reference 'nsh'; did you mean 'nhs'?" in found
    assert "checklist[0].red_flag: unknown red flag 'longg'; did you mean 'long'?" in found
    assert "diagram.steps[0].picture: unknown picture 'no-such-picture'" in found
    assert "sections.what.blocks[0].p: unknown reference 'nice'" in found


def test_missing_language_file(tiny_project: Path):
    """A missing translation is a warning that leaves the topic out of that language;
    missing interface strings concern every topic, and stay an error."""
    replace(tiny_project / "leaflets.yaml", "languages: [en]", "languages: [en, nl]")
    with pytest.raises(ContentErrors) as caught:
        load_content(load_project(tiny_project))
    assert "content/_locales/nl.yaml:1:1" in "\n".join(str(e) for e in caught.value.errors)
    assert "content/cramp/nl.yaml:1:1: (file): the nl text of 'cramp' is missing" in "\n".join(
        str(w) for w in caught.value.warnings)
    (tiny_project / "content/_locales/nl.yaml").write_text(
        (REPO / "content/_locales/nl.yaml").read_text())
    module = load_content(load_project(tiny_project)).modules["cramp"]
    assert list(module.texts) == ["en"]
    gap = module.unavailable["nl"]
    assert (gap.lang, gap.path.name, gap.missing) == ("nl", "nl.yaml", ())
    assert gap.reason == "there is no nl text yet (nl.yaml)"
    assert "the nl text of 'cramp' is missing" in "\n".join(errors_of(tiny_project, strict=True))


def test_numbers_must_match_the_source_language(tiny_project: Path):
    replace(tiny_project / "leaflets.yaml", "languages: [en]", "languages: [en, nl]")
    (tiny_project / "content/_locales/nl.yaml").write_text(
        (REPO / "content/_locales/nl.yaml").read_text())
    text = (tiny_project / "content/cramp/en.yaml").read_text()
    write(tiny_project, {"content/cramp/nl.yaml": text.replace("more than 10 minutes\n  swollen",
                                                               "langer dan 15 minuten\n  swollen")})
    found = "\n".join(errors_of(tiny_project))
    assert "nl.yaml:14:3: red_flags.long: the numbers differ from the en text: en has 10, nl has 15" in found


def test_every_decimal_digit_counts_in_the_parity_check(tiny_project: Path):
    """Arabic-Indic ١٠ and Persian ۱۰ are the number 10; ١٥ is not."""
    replace(tiny_project / "leaflets.yaml", "languages: [en]", "languages: [en, nl]")
    (tiny_project / "content/_locales/nl.yaml").write_text(
        (REPO / "content/_locales/nl.yaml").read_text())
    text = (tiny_project / "content/cramp/en.yaml").read_text()
    write(tiny_project, {"content/cramp/nl.yaml": text.replace(
        "more than 10 minutes\n  swollen", "meer dan ١٠ minuten\n  swollen").replace(
        "lasted more than 10 minutes", "duurde meer dan ۱۰,۵ minuten")})
    found = "\n".join(errors_of(tiny_project))
    assert "red_flags.long" not in found
    assert "checklist.long: the numbers differ from the en text: en has 10, nl has 10.5" in found


def test_review_due_is_a_warning_or_with_strict_an_error(tiny_project: Path):
    replace(tiny_project / "content/cramp/topic.yaml", "2099-01-01", "2026-02-01")
    content = load_content(load_project(tiny_project))
    assert "the review was due on 2026-02-01" in str(content.warnings[0])
    assert any("review.next_review" in e for e in errors_of(tiny_project, strict=True))


def test_javascript_links_are_refused(tiny_project: Path):
    replace(tiny_project / "content/cramp/en.yaml", "It goes away.",
            "[Click](javascript:alert(1)) <script>x</script>")
    found = "\n".join(errors_of(tiny_project))
    assert "the link 'javascript:alert(1)' is not allowed" in found


@pytest.mark.parametrize("text, message", [
    ("Page {page} of {pages", "a { or } is not closed"),
    ("Page {0} of {pages}", "{0} is not a value leaflets can fill in"),
    ("Call {emergency.__class__}", "{emergency.__class__} is not a value leaflets can fill in"),
    ("Call {emergency!r}", "{emergency!r} is not a value leaflets can fill in"),
])
def test_interface_strings_use_plain_placeholders_only(tiny_project: Path, text, message):
    replace(tiny_project / "content/_locales/en.yaml", "page_of: Page {page} of {pages}",
            f'page_of: "{text}"')
    found = "\n".join(errors_of(tiny_project))
    assert f"en.yaml:24:3: strings.page_of: {message}" in found, found


def test_keep_going_leaves_out_broken_modules_but_not_broken_locales(tiny_project: Path):
    write(tiny_project, {"content/broken/topic.yaml": "review: 1\n"})
    content = load_content(load_project(tiny_project), keep_going=True)
    assert list(content.modules) == ["cramp"]
    assert {Path(e.path).parent.name for e in content.errors} == {"broken"}
    replace(tiny_project / "content/_locales/en.yaml", "sources: Sources", "sources: [x]")
    with pytest.raises(ContentErrors) as caught:
        load_content(load_project(tiny_project), keep_going=True)
    assert any("_locales/en.yaml" in e.path for e in caught.value.errors)


def _with_dutch(root: Path, text: str) -> None:
    replace(root / "leaflets.yaml", "languages: [en]", "languages: [en, nl]")
    (root / "content/_locales/nl.yaml").write_text(
        (REPO / "content/_locales/nl.yaml").read_text())
    write(root, {"content/cramp/nl.yaml": text})


def test_stale_and_missing_translations(tiny_project: Path):
    from leaflets.content.loading import load_file
    from leaflets.errors import ErrorList
    from leaflets.content.tree import source_hash

    english = (tiny_project / "content/cramp/en.yaml").read_text()
    current = source_hash(load_file(tiny_project / "content/cramp/en.yaml", ErrorList()))
    _with_dutch(tiny_project, english.replace("title: Test cramps",
                "translation: {source_hash: abcdefabcdef, reviewed: \"2026-01-01\"}\n"
                "title: Testkramp").replace("  swollen: your leg is swollen\n", ""))
    content = load_content(load_project(tiny_project))
    warnings = "\n".join(str(w) for w in content.warnings)
    assert ("nl.yaml:1:1: (file): the nl leaflets are left out until this file has the 1 text "
            f"of en.yaml below; translate it, then set translation.source_hash to {current}\n"
            "  red_flags.swollen  (content/cramp/en.yaml:15)") in warnings
    assert "stale translation" not in warnings  # one warning for the file says all
    assert content.modules["cramp"].unavailable["nl"].missing == ("red_flags.swollen",)
    assert "nl" not in content.modules["cramp"].texts
    write(tiny_project, {"content/cramp/nl.yaml": english.replace("title: Test cramps",
          "translation: {source_hash: abcdefabcdef, reviewed: \"2026-01-01\"}\n"
          "title: Testkramp")})
    warnings = "\n".join(str(w) for w in load_content(load_project(tiny_project)).warnings)
    assert (f"nl.yaml:1:15: translation.source_hash: stale translation: the en text changed since "
            f"this was reviewed on 2026-01-01; update it, then set source_hash to {current}") in warnings


def test_check_knows_every_interface_string_the_templates_look_up():
    """INTERFACE_STRINGS is what `check` demands of each locale: it must cover every lookup."""
    import re

    from leaflets.content.schema import BUILT_IN_SECTIONS, COUNTED_STRINGS, INTERFACE_STRINGS

    sources = [*(REPO / "templates").rglob("*.*"), *(REPO / "leaflets").rglob("*.py")]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    plain = set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", text))
    counted = set(re.findall(r"""\bt\.plural\(\s*["']([a-z_]+)["']""", text))
    built_in = {section.replace("-", "_") for section in BUILT_IN_SECTIONS} - {"diagram"}
    assert plain and counted
    assert plain | built_in <= set(INTERFACE_STRINGS)
    assert counted <= set(COUNTED_STRINGS)

def test_a_copy_of_the_source_text_is_not_a_translation(tiny_project: Path):
    _with_dutch(tiny_project, (tiny_project / "content/cramp/en.yaml").read_text())
    found = "\n".join(errors_of(tiny_project))
    assert found.endswith("content/cramp/nl.yaml:1:1: (file): the same text as en.yaml: it would "
                          "publish the en text as nl; translate it, or remove nl from "
                          "`languages:` in leaflets.yaml until it is")
