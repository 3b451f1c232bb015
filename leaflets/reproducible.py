"""Dates that make two builds byte-identical: SOURCE_DATE_EPOCH or the review date, never the clock."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time, timezone

from leaflets.errors import BuildError

ENV = "SOURCE_DATE_EPOCH"
MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last moment a date can hold


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> int | None:
    """The build date fixed by the environment, if any; a malformed value is an error."""
    value = environ.get(ENV, "").strip()
    if not value:
        return None
    # isdigit() alone accepts "²" and other digits that int() refuses.
    if not (value.isascii() and value.isdigit()) or len(value) > 12 or int(value) > MAX_EPOCH:
        raise BuildError(f"{ENV}={value[:40]!r} is not a whole number of seconds between "
                         "1970-01-01 and 9999-12-31; fix it (for example "
                         f"{ENV}=$(git log -1 --format=%ct)) or unset it")
    return int(value)


def document_date(last_reviewed: str, environ: Mapping[str, str] = os.environ) -> datetime:
    """When a leaflet was issued: SOURCE_DATE_EPOCH if set, else its last review (UTC midnight)."""
    epoch = source_date_epoch(environ)
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=timezone.utc)
    return datetime.combine(date.fromisoformat(last_reviewed), time(), tzinfo=timezone.utc)


def w3c_datetime(moment: datetime) -> str:
    """The W3C date-time form that HTML <meta name=dcterms.*> and WeasyPrint read."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def pinned_clock(moment: datetime) -> Iterator[None]:
    """Run with SOURCE_DATE_EPOCH set to `moment`.

    fontTools stamps subset fonts with the current time unless SOURCE_DATE_EPOCH is set;
    WeasyPrint uses it when HarfBuzz's subsetter is not installed.
    """
    previous = os.environ.get(ENV)
    os.environ[ENV] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ[ENV]
        else:
            os.environ[ENV] = previous
