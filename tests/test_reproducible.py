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


def test_w3c_datetime_is_utc():
    assert w3c_datetime(datetime(2026, 11, 1, tzinfo=timezone.utc)) == "2026-11-01T00:00:00Z"
