"""Issue 20, property tests: iCalendar export and import (planning/ics.py). Whatever the
entries hold, what `calendar export` writes reads back as the same entries, and no input
crashes `calendar import` with anything but InvalidCalendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogster_cli.planning.ics import InvalidCalendar, from_ics, to_ics
from blogster_cli.planning.model import PlannedEvent

EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TYPES = {"blog", "newsletter", "social"}
STATUSES = {"planned", "in_progress", "ready", "published"}
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"]

# Printable text of any script: no control characters (a title is one line; the database refuses them too)
# and no U+FEFF, which the calendar service removes before an entry is stored (iCalendar readers drop it).
line = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff"), min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
)
paragraphs = st.lists(line, min_size=1, max_size=4).map("\n".join)


@st.composite
def events(draw: st.DrawFn) -> PlannedEvent:
    timed = draw(st.booleans())
    return PlannedEvent(
        uid=draw(st.uuids()).hex + "@" + draw(st.sampled_from(["blogster", "example.com"])),
        title=draw(line),
        day=draw(st.dates(min_value=date(1971, 1, 1), max_value=date(2100, 12, 31))),
        at=draw(st.times().map(lambda t: t.replace(microsecond=0))) if timed else None,
        timezone=draw(st.sampled_from(ZONES)) if timed else "UTC",
        description=draw(st.none() | paragraphs),
        content_type=draw(st.sampled_from(sorted(TYPES))),
        status=draw(st.sampled_from(sorted(STATUSES))),
        sequence=draw(st.integers(min_value=0, max_value=10_000)),
        topic=draw(st.none() | line),
    )


@EXAMPLES
@given(st.lists(events(), max_size=5, unique_by=lambda e: e.uid))
def test_what_export_writes_reads_back_as_the_same_entries(planned: list[PlannedEvent]):
    data = to_ics(planned, name="Plan", stamp=datetime(2026, 1, 1, tzinfo=UTC))
    back = {e.uid: e for e in from_ics(data, default_timezone="UTC", types=TYPES, statuses=STATUSES)}
    assert set(back) == {e.uid for e in planned}
    for sent in planned:
        got = back[sent.uid]
        assert (got.title, got.day, got.at, got.timezone) == (sent.title, sent.day, sent.at, sent.timezone)
        assert (got.description, got.topic) == (sent.description, sent.topic)
        assert (got.content_type, got.status, got.sequence) == (sent.content_type, sent.status, sent.sequence)


def test_backslashes_commas_and_semicolons_in_any_text_field_read_back_unchanged():
    texts = ["C:\\Notes\\New", "\\N", "a;b,c\nd", "x\\\\N", "ends with \\"]
    planned = [
        PlannedEvent(
            uid=f"{n}@blogster",
            title=text,
            day=date(2026, 1, 1),
            at=None,
            timezone="UTC",
            description=text,
            content_type="blog",
            status="planned",
            sequence=0,
            topic=text,
        )  # fmt: skip
        for n, text in enumerate(texts)
    ]
    data = to_ics(planned, name="Plan", stamp=datetime(2026, 1, 1, tzinfo=UTC))
    back = from_ics(data, default_timezone="UTC", types=TYPES, statuses=STATUSES)
    assert [(e.title, e.description, e.topic) for e in back] == [(text, text, text) for text in texts]


@EXAMPLES
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_are_a_calendar_or_invalid_calendar(data: bytes):
    try:
        parsed = from_ics(data, default_timezone="Europe/Berlin", types=TYPES, statuses=STATUSES)
    except InvalidCalendar:
        return
    for event in parsed:
        assert event.uid and event.title and isinstance(event.day, date)
        assert event.at is None or isinstance(event.at, time)


FRAME = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
PROPERTY = st.sampled_from([b"UID", b"DTSTART", b"SUMMARY", b"SEQUENCE", b"CATEGORIES", b"X-BLOGSTER-TYPE"])


@EXAMPLES
@given(st.lists(st.tuples(PROPERTY, st.text(max_size=40).map(str.encode)), max_size=6))
def test_events_with_odd_properties_are_read_or_refused_cleanly(properties: list[tuple[bytes, bytes]]):
    body = b"\r\n".join(name + b":" + value.replace(b"\r", b"").replace(b"\n", b"") for name, value in properties)
    try:
        from_ics(FRAME % body, default_timezone="UTC", types=TYPES, statuses=STATUSES)
    except InvalidCalendar:
        pass
