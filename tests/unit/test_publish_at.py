"""`publish --at`: a time in the user's zone, refused when it is out of range in UTC (where it is stored)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from blogster_cli.errors import InvalidInput
from blogster_cli.services.publishing import parse_at


def test_a_time_is_read_in_the_users_zone():
    assert parse_at("2026-12-01 09:00", timezone=ZoneInfo("Europe/Paris")) == datetime(2026, 12, 1, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone"), [("9999-12-31 23:59", "Pacific/Honolulu"), ("0001-01-01 00:00", "Asia/Tokyo")]
)
def test_a_time_outside_pythons_years_in_utc_is_refused(text, zone):
    with pytest.raises(InvalidInput, match="out of range in UTC"):
        parse_at(text, timezone=ZoneInfo(zone))
