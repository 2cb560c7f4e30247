"""Every connection reads dates PostgreSQL holds and Python cannot as the nearest ones Python can
(db/time_bounds.py), and nothing else differently."""

from datetime import UTC, date, datetime

import psycopg
import pytest


def test_out_of_range_dates_read_as_pythons_bounds(superuser):
    row = superuser.execute(
        "select 'infinity'::timestamptz, '-infinity'::timestamptz, '10000-01-01 07:59+00'::timestamptz,"
        " '0044-03-15 BC'::date, '12345-06-07'::date, '-infinity'::timestamp, '2024-02-29 12:00+00'::timestamptz"
    ).fetchone()
    high, low = datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)
    assert row[:6] == (high, low, high, date.min, date.max, datetime.min)
    assert row[6] == datetime(2024, 2, 29, 12, tzinfo=UTC)  # in range: psycopg's own reading


def test_a_value_psycopg_cannot_read_for_another_reason_still_fails(superuser):
    """A server whose DateStyle is not ISO: clamping that would turn every date into 9999-12-31."""
    superuser.execute("set datestyle = 'SQL, DMY'")
    with pytest.raises((psycopg.DataError, NotImplementedError)):
        superuser.execute("select '2024-02-29 12:00+00'::timestamptz").fetchone()
    superuser.execute("reset datestyle")
