"""The layout guard stops a build whose text runs outside its box or is too small."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, run

LONG_NUMBER = "0800" + "1234567890" * 12


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_word_too_long_for_its_column_names_the_section(tiny_project: Path):
    _replace(tiny_project / "content/cramp/en.yaml", "It goes away.", f"Call {LONG_NUMBER}.")
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 1
    assert "cramp (patient, en, a4) does not lay out cleanly:" in result.stderr
    assert f"page 1, section 'what': '{LONG_NUMBER[:39]}…' runs " in result.stderr
    assert "mm outside its box; shorten it, or break a long word" in result.stderr
    assert not (tiny_project / "output").exists()


def test_overflow_in_the_masthead_and_the_running_footer_is_found(tiny_project: Path):
    _replace(tiny_project / "content/cramp/en.yaml", "title: Test cramps",
             f"title: Cramps {LONG_NUMBER}")
    result = run("--project", tiny_project, "build", "--paper", "letter")
    assert result.exit_code == 1
    assert "section 'masthead'" in result.stderr
    assert f"section 'page footer': '{LONG_NUMBER[:39]}…' runs 23.7 mm off the paper; " \
        "office printers need 12 mm" in result.stderr


def _own_stylesheet(project: Path, name: str, extra: str) -> None:
    (project / "templates").mkdir(exist_ok=True)
    shutil.copy(REPO / "templates" / name, project / "templates" / name)
    with (project / "templates" / name).open("a") as stylesheet:
        stylesheet.write(extra)


def test_text_below_9_pt_is_refused(tiny_project: Path):
    _own_stylesheet(tiny_project, "print.css", ".instruction { font-size: 8pt; }\n")
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 1
    assert ("section 'checklist': 'Tick any that apply and show this to yo…' is set in 8 pt, "
            "below the 9 pt minimum; raise its font-size in the stylesheet") in result.stderr


def test_large_print_refuses_text_below_12_pt(tiny_project: Path):
    _own_stylesheet(tiny_project, "large-print.css", ".sources { font-size: 11pt; }\n")
    assert run("--project", tiny_project, "build", "-q").exit_code == 0
    result = run("--project", tiny_project, "build", "--large-print")
    assert result.exit_code == 1
    assert "cramp (patient, en, a4, large print) does not lay out cleanly:" in result.stderr
    assert "section 'sources': '1.' is set in 11 pt, below the 12 pt minimum" \
        in result.stderr


def test_a_qr_code_below_its_minimum_size_is_refused(tiny_project: Path):
    _own_stylesheet(tiny_project, "print.css", ".qr-box svg.qr { width: 30mm; height: 30mm; }\n")
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 1
    assert "section 'masthead': the QR code is 30.0 mm wide, below the 38 mm that scans at " \
        "40 dpi" in result.stderr


def test_when_to_get_help_apart_from_its_emergency_tier_is_refused(tiny_project: Path):
    _own_stylesheet(tiny_project, "print.css", ".get-help { break-inside: auto; }\n"
                    ".get-help h2 { break-before: page; break-after: page; }\n")
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 1
    assert "section 'get-help': 'When to get help' and its tiers do not share one page" \
        in result.stderr



def test_an_automatic_hyphen_in_a_red_flag_is_refused(tiny_project: Path):
    """Hyphenation switched back on in the red flags, in a column narrow enough to need it."""
    _replace(tiny_project / "content/cramp/en.yaml", "your leg is swollen",
             "your leg is uncomfortably swollen")
    _own_stylesheet(tiny_project, "print.css", ".tier li { hyphens: auto; }\n"
                    ".tier-gp ul { width: 30mm; max-width: none; }\n")
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 1
    assert "ends in a hyphen; headings, captions, the checklist and red flags must keep " \
        "their words whole" in result.stderr


@pytest.mark.parametrize("partial, glued, stylesheet, message", [
    # "swollen [1]" wraps alone onto the last line of a narrow red flag
    ("get_help.html", "{{ flag|glue_last_word }}", ".tier-gp ul { width: 33mm; max-width: none; }",
     "'swollen[1]' stands alone on the last line of a red flag"),
    # "If you tick this, get help today." leaves "today." alone, as Arabic's "اليوم." once did
    ("checklist.html", "{{ item.action|glue_last_word }}", ".tick-action { width: 29mm; }",
     "'today.' stands alone on the last line of a checklist item's action"),
], ids=["red flag", "checklist action"])
def test_a_lone_last_word_without_its_glue_is_refused(tiny_project: Path, partial: str,
                                                      glued: str, stylesheet: str, message: str):
    """Without the no-break space that glue_last_word puts before the last word, a narrow
    box leaves that word alone on its last line; with it, the same build passes."""
    (tiny_project / "templates/partials").mkdir(parents=True)
    text = (REPO / "templates/partials" / partial).read_text()
    assert glued in text
    (tiny_project / "templates/partials" / partial).write_text(
        text.replace(glued, glued.replace("|glue_last_word", "")))
    _own_stylesheet(tiny_project, "print.css", stylesheet + "\n")
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 1
    assert f"{message}; a reader may miss it: reword the sentence" in result.stderr
    (tiny_project / "templates/partials" / partial).unlink()  # the glue is back
    assert run("--project", tiny_project, "build", "-q").exit_code == 0


def test_a_heading_stranded_at_the_foot_of_a_page_is_refused(tiny_project: Path):
    """A heading whose text goes on to the next page, as one in a column set did in Arabic."""
    _own_stylesheet(tiny_project, "print.css", "#what h2 { break-after: page; }\n")
    result = run("--project", tiny_project, "build")
    assert result.exit_code == 1
    assert "section 'what': the heading 'What it is' ends the page and its text starts on " \
        "the next" in result.stderr


def _dose_problems(dose: str) -> list[str]:
    """The guard's dose problems for a caption's dose set at widths from 20 to 60 mm."""
    from leaflets.render.engine import weasyprint
    from leaflets.render.layout_guard import layout_problems

    found = []
    for width in range(20, 61, 2):
        html = (f'<figcaption style="width: {width}mm; font: bold 11.5pt sans-serif">Lean in.'
                f'<span class="dose" style="display: block">{dose}</span></figcaption>')
        document = weasyprint.HTML(string=html).render()
        found += [p.message for p in layout_problems(document, 9) if p.kind == "separator"]
    return found


def test_a_dose_broken_before_its_separator_or_after_a_number_is_refused():
    """With plain spaces, as the dose once had, some width starts a line with "·" or parts
    "5" from "seconds"; with the no-break spaces the leaflets use, no width does."""
    found = _dose_problems("Hold for 5 seconds · Do it 3 times")
    assert any("a line breaks at '· Do it 3 times'" in message for message in found)
    assert any("a line breaks at 'Hold for 5'" in message for message in found)
    assert _dose_problems("Hold for 5\u00a0seconds\u00a0· Do it 3\u00a0times") == []
