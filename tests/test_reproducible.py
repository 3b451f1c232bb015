from datetime import datetime, timezone

import pytest

from leaflets.errors import BuildError
from leaflets.reproducible import document_date, source_date_epoch, w3c_datetime


def test_the_review_date_unless_source_date_epoch_is_set():
    assert document_date("2026-11-01", {}) == datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert document_date("2026-11-01", {"SOURCE_DATE_EPOCH": "1700000000"}) == \
        datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    assert document_date("2026-11-01", {"SOURCE_DATE_EPOCH": " "}) == \
        datetime(2026, 11, 1, tzinfo=timezone.utc)


def test_a_malformed_source_date_epoch_says_how_to_fix_it():
    with pytest.raises(BuildError, match=r"SOURCE_DATE_EPOCH='yesterday' is not a whole number"
                                         r".*git log -1 --format=%ct"):
        source_date_epoch({"SOURCE_DATE_EPOCH": "yesterday"})


@pytest.mark.parametrize("value", ["\u00b2", "\u0661\u0662", "12345678901234567890",
                                   "9" * 5000, "253402300800", "-1", "1e9", "0x10"])
def test_a_source_date_epoch_no_date_can_hold_is_refused(value: str):
    """`"²".isdigit()` is true but int() refuses it; 20 digits overflow every date."""
    with pytest.raises(BuildError, match=r"is not a whole number of seconds between 1970-01-01 "
                                         r"and 9999-12-31"):
        document_date("2026-11-01", {"SOURCE_DATE_EPOCH": value})


def test_check_refuses_a_malformed_source_date_epoch(tiny_project, monkeypatch):
    from conftest import run

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "\u00b2")
    result = run("--project", tiny_project, "check")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: SOURCE_DATE_EPOCH='\u00b2' is not a whole number")
    assert "Traceback" not in result.stderr


def test_w3c_datetime_is_utc():
    assert w3c_datetime(datetime(2026, 11, 1, tzinfo=timezone.utc)) == "2026-11-01T00:00:00Z"
