"""Every command's --at (`publish`, `newsletter send`, `social schedule`), read by one helper:
a time in the user's zone, refused when it is out of range in UTC (where it is stored) or
skipped by the clocks; one the clocks pass twice is the first, with a note naming both."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from blogster_cli.errors import InvalidInput
from blogster_cli.planning.times import NoSuchTime, parse_at, parse_clock, parse_month

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_time_is_read_in_the_users_zone():
    at = parse_at("2026-12-01 09:00", timezone=ZoneInfo("Europe/Paris"))
    assert at.moment == datetime(2026, 12, 1, 8, tzinfo=UTC) and at.note is None
    assert parse_at("2026-12-01T09:00", timezone=ZoneInfo("Europe/Paris")).moment == at.moment


@pytest.mark.parametrize(
    ("text", "zone"), [("9999-12-31 23:59", "Pacific/Honolulu"), ("0001-01-01 00:00", "Asia/Tokyo")]
)
def test_a_time_outside_pythons_years_in_utc_is_refused(text, zone):
    with pytest.raises(InvalidInput, match="out of range in UTC"):
        parse_at(text, timezone=ZoneInfo(zone))


def test_a_time_the_clocks_skip_is_refused():
    with pytest.raises(InvalidInput, match=r"does not exist in Europe/Berlin \(the clocks jump forward"):
        parse_at("2026-03-29 02:30", timezone=BERLIN)


def test_a_time_the_clocks_pass_twice_is_the_first_and_the_note_names_both_and_the_second():
    at = parse_at("2026-10-25 02:30", timezone=BERLIN)
    assert at.moment.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # in a fold, == across zones is False
    assert at.note == (
        "2026-10-25 02:30 happens twice in Europe/Berlin (the clocks go back): taken as the first,"
        " 02:30 CEST (00:30 UTC); for the second, 02:30 CET (01:30 UTC), give --at '2026-10-25 02:30+01:00'"
    )
    second = parse_at("2026-10-25 02:30+01:00", timezone=BERLIN)
    assert second.moment.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC) and second.note is None
    assert second.moment.tzinfo == BERLIN and f"{second.moment:%H:%M %Z}" == "02:30 CET"


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-10-25T02:30+02:00", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-10-25 02:30 +0100", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-03-29 02:30+01:00", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # an instant, though no wall time
        ("2026-12-01 09:00Z", datetime(2026, 12, 1, 9, tzinfo=UTC)),
        ("2026-12-01 09:00-05:30", datetime(2026, 12, 1, 14, 30, tzinfo=UTC)),
    ],
)
def test_an_explicit_offset_names_one_instant(text, instant):
    assert parse_at(text, timezone=BERLIN).moment.astimezone(UTC) == instant


@pytest.mark.parametrize("text", ["2026-12-01", "tomorrow", "2026-12-01 09:00+25:00", "2026-12-01 09:00+01:75", ""])
def test_anything_else_is_refused_with_the_shapes_it_takes(text):
    """The example is tomorrow at 09:00 in the user's timezone: a fixed one (2026-12-01) went by, and
    a time already past publishes at once."""
    tomorrow = f"{datetime.now(BERLIN).date() + timedelta(days=1):%Y-%m-%d}"
    with pytest.raises(
        InvalidInput, match=rf"is not a time like '{tomorrow} 09:00' \(or with its offset, '{tomorrow} 09:00\+01:00'\)$"
    ):
        parse_at(text, timezone=BERLIN)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2027-02-30 10:00", "day is out of range for month"),
        ("2027-02-30T10:00+01:00", "day is out of range for month"),
        ("2026-13-01 10:00", "month must be in 1..12"),
        ("2026-12-01 25:00", "hour must be in 0..23"),
        ("2026-12-01 09:60", "minute must be in 0..59"),
        ("0000-12-01 09:00", "year 0 is out of range"),
    ],
)
def test_a_time_of_the_right_shape_naming_none_is_told_why(text, reason):
    """`publish --at "2027-02-30 10:00"` said only "is not a time like ...", where `calendar add
    --date 2027-02-30` said "day is out of range for month": the shape was right, so the reason is given."""
    with pytest.raises(InvalidInput) as refused:
        parse_at(text, timezone=BERLIN)
    assert str(refused.value) == f"--at {text!r} is not a valid time: {reason}"


@pytest.mark.parametrize(
    ("parse", "text", "reason"),
    [
        (parse_clock, "25:00", "hour must be in 0..23"),
        (parse_clock, "09:75", "minute must be in 0..59"),
        (parse_month, "2026-13", "month must be in 1..12"),
        (parse_month, "2026-00", "month must be in 1..12"),
    ],
)
def test_a_clock_or_month_of_the_right_shape_naming_none_is_told_why(parse, text, reason):
    with pytest.raises(NoSuchTime, match=rf"^{re.escape(reason)}$"):
        parse(text)
    with pytest.raises(ValueError) as wrong_shape:
        parse("soon")
    assert not isinstance(wrong_shape.value, NoSuchTime)


def test_seconds_and_their_fraction_are_taken_as_iso_8601_writes_them():
    """run-due's --now took ISO 8601 (cron scripts pass `date --iso-8601=seconds`): the one helper takes
    it too, and a time without an offset is in the user's zone, as every other typed time."""
    at = parse_at("2026-12-01T09:00:30.250000", timezone=BERLIN, name="--now")
    assert at.moment.astimezone(UTC) == datetime(2026, 12, 1, 8, 0, 30, 250000, tzinfo=UTC)
    now = datetime(2026, 12, 1, 7, 59, 59, 999999, tzinfo=UTC)
    assert parse_at(now.isoformat(), timezone=BERLIN, name="--now").moment == now
    assert parse_at("2026-12-01 09:00:30Z", timezone=BERLIN).moment == datetime(2026, 12, 1, 9, 0, 30, tzinfo=UTC)
    with pytest.raises(InvalidInput, match=r"^--now '2026-12-01 09:00:61' is not a valid time: second must be in 0"):
        parse_at("2026-12-01 09:00:61", timezone=BERLIN, name="--now")


def test_the_note_of_a_time_passed_twice_names_the_option_it_was_typed_in():
    at = parse_at("2026-10-25 02:30:15", timezone=BERLIN, name="--now")
    assert at.note is not None
    assert at.note.endswith(
        "taken as the first, 02:30:15 CEST (00:30:15 UTC); for the second, 02:30:15 CET (01:30:15 UTC),"
        " give --now '2026-10-25 02:30:15+01:00'"
    )
    dialog = parse_at("2026-10-25 02:30", timezone=BERLIN, name="publish at").note
    assert dialog is not None and dialog.endswith("type '2026-10-25 02:30+01:00'")
