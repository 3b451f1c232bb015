"""Progress goes where it can be read: a bar on a terminal, lines in logs, nothing with -q."""

from __future__ import annotations

import io

from leaflets.build.progress import Bar, LogLines, Silent, progress_for, summary


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_display_suits_the_stream():
    assert isinstance(progress_for(False, Terminal(), {}), Bar)
    assert isinstance(progress_for(False, Terminal(), {"CI": "true"}), LogLines)
    assert isinstance(progress_for(False, Terminal(), {"CI": "false"}), Bar)
    assert isinstance(progress_for(False, io.StringIO(), {}), LogLines)
    assert isinstance(progress_for(True, Terminal(), {}), Silent)


def test_log_lines_count_up():
    stream = io.StringIO()
    progress = LogLines(stream)
    progress.start(2)
    progress.advance("en/a/patient/a-patient-en.pdf", failed=False)
    progress.advance("nl/a/patient/a-patient-nl.pdf", failed=True)
    progress.stop()
    assert stream.getvalue() == ("[1/2] rendered: en/a/patient/a-patient-en.pdf\n"
                                 "[2/2] failed: nl/a/patient/a-patient-nl.pdf\n")


def test_the_bar_shows_what_is_done():
    stream = Terminal()
    progress = Bar(stream)
    progress.start(2)
    progress.advance("en/a/patient/a-patient-en.pdf", failed=False)
    progress.advance("nl/a/patient/a-patient-nl.pdf", failed=True)
    progress.stop()
    shown = stream.getvalue()
    assert "2/2" in shown and "a-patient-nl.pdf" in shown and "1 failed" in shown


def test_summary():
    assert summary(3, 45, 0, 12.34) == "3 rendered, 45 up to date, 0 failed, in 12.3 seconds"
