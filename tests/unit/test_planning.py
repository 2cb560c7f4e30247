"""The pure calendar helpers: grids across month boundaries, wall times across DST, ICS, suggestions."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest

from blogster_cli.planning import grid, times
from blogster_cli.planning.ics import InvalidCalendar, from_ics, occurrence_uid, read_ics, to_ics
from blogster_cli.planning.model import PlannedEvent
from blogster_cli.planning.suggest import DailyViews, next_slot, suggest

TYPES = {"blog", "newsletter", "social"}
STATUSES = {"planned", "in_progress", "ready", "published"}


def test_month_grid_covers_whole_weeks_across_month_boundaries():
    weeks = grid.month_weeks(date(2026, 3, 1))  # a Sunday: the grid starts on Monday 23 February
    assert weeks[0][0] == date(2026, 2, 23) and weeks[0][-1] == date(2026, 3, 1)
    assert weeks[-1][-1] == date(2026, 4, 5)
    assert all(len(week) == 7 and week[0].weekday() == 0 for week in weeks)
    events = [PlannedEvent("a", "Feb", date(2026, 2, 27)), PlannedEvent("b", "Mar", date(2026, 3, 31), time(9))]
    cells = [cell for week in grid.month_cells(date(2026, 3, 1), events) for cell in week]
    by_day = {c.day: c for c in cells}
    assert not by_day[date(2026, 2, 27)].in_month and [e.uid for e in by_day[date(2026, 2, 27)].events] == ["a"]
    assert by_day[date(2026, 3, 31)].in_month and [e.uid for e in by_day[date(2026, 3, 31)].events] == ["b"]
    assert grid.month_range(date(2026, 12, 1)) == (date(2026, 11, 30), date(2027, 1, 3))


def test_a_local_time_keeps_its_wall_clock_across_dst():
    before = times.instant(date(2026, 3, 28), time(9), "Europe/Berlin")
    after = times.instant(date(2026, 3, 30), time(9), "Europe/Berlin")
    assert before == datetime(2026, 3, 28, 8, tzinfo=UTC)  # CET, UTC+1
    assert after == datetime(2026, 3, 30, 7, tzinfo=UTC)  # CEST, UTC+2
    assert times.local(after, "Europe/Berlin").time() == time(9)
    assert after - before == timedelta(hours=47)  # two days less the hour DST took
    # 02:30 does not exist on 29 March in Berlin: it happens at 03:30 CEST (= 01:30 UTC).
    assert times.instant(date(2026, 3, 29), time(2, 30), "Europe/Berlin") == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    with pytest.raises(times.UnknownTimezone):
        times.zone("Mars/Base")


def test_ics_round_trip_parsed_by_icalendar():
    stamp = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    events = [
        PlannedEvent("one@blogster", "Launch; part 1, with commas", date(2026, 3, 28), time(9), "Europe/Berlin",
                     description="Line one\nline two", sequence=3, topic="launch"),
        PlannedEvent("two@blogster", "Newsletter", date(2026, 3, 30), None, "UTC", content_type="newsletter",
                     status="ready"),
    ]  # fmt: skip
    data = to_ics(events, name="Plan", stamp=stamp)
    parsed = icalendar.Calendar.from_ical(data)
    assert str(parsed["version"]) == "2.0" and parsed["prodid"]
    assert [str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    vevents = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    one, two = vevents["one@blogster"], vevents["two@blogster"]
    assert one["dtstart"].dt == datetime(2026, 3, 28, 9, tzinfo=times.zone("Europe/Berlin"))
    assert one["dtstart"].params["TZID"] == "Europe/Berlin"
    assert one["dtstamp"].dt == stamp and int(one["sequence"]) == 3
    assert str(one["summary"]) == "Launch; part 1, with commas" and str(one["description"]) == "Line one\nline two"
    assert two["dtstart"].dt == date(2026, 3, 30)
    back = {e.uid: e for e in from_ics(data, default_timezone="UTC", types=TYPES, statuses=STATUSES)}
    assert back["one@blogster"].at == time(9) and back["one@blogster"].timezone == "Europe/Berlin"
    assert back["one@blogster"].topic == "launch" and back["one@blogster"].sequence == 3
    assert back["two@blogster"].content_type == "newsletter" and back["two@blogster"].status == "ready"
    assert back["two@blogster"].at is None


def test_a_start_the_file_names_no_zone_for_is_marked_so_an_entry_may_read_it_in_its_own():
    """A DATE, a UTC or a floating time is read in the default zone and kept as written
    (`unzoned_start`): the import service reads it in an existing entry's zone instead. A time in a
    named zone is not, nor one whose unknown TZID the note says was read in the default zone."""
    text = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:day@x\r\nDTSTART;VALUE=DATE:20260701\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:utc@x\r\nDTSTART:20260701T070000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:float@x\r\nDTSTART:20260701T100000\r\nRRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:tokyo@x\r\nDTSTART;TZID=Asia/Tokyo:20260701T100000\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:mars@x\r\nDTSTART;TZID=Mars/Olympus:20260701T100000\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    read = read_ics(text, default_timezone="Europe/Berlin", types=TYPES, statuses=STATUSES, today=date(2026, 6, 1))
    back = {e.uid: e.unzoned_start for e in read.events}
    assert back == {
        "day@x": date(2026, 7, 1),
        "utc@x": datetime(2026, 7, 1, 7, tzinfo=UTC),
        "float@x#20260701T100000": datetime(2026, 7, 1, 10),
        "float@x#20260702T100000": datetime(2026, 7, 2, 10),
        "tokyo@x": None,
        "mars@x": None,
    }


def test_ics_from_other_programs_utc_and_floating_times():
    text = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:utc@x\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20260701T070000Z\r\nSUMMARY:UTC one\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:float@x\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20260701T100000\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    back = {e.uid: e for e in from_ics(text, default_timezone="Europe/Berlin", types=TYPES, statuses=STATUSES)}
    assert (back["utc@x"].day, back["utc@x"].at, back["utc@x"].timezone) == (date(2026, 7, 1), time(9), "Europe/Berlin")
    assert back["float@x"].at == time(10) and back["float@x"].title == "(untitled)"
    with pytest.raises(InvalidCalendar):
        from_ics(b"not a calendar", default_timezone="UTC", types=TYPES, statuses=STATUSES)
    no_uid = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260701T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    with pytest.raises(InvalidCalendar, match="UID"):
        from_ics(no_uid, default_timezone="UTC", types=TYPES, statuses=STATUSES)


def test_suggest_picks_the_busiest_weekday_and_local_hour():
    hourly = [0] * 24
    hourly[16] = 50  # 16:00 UTC is 17:00 in Berlin in winter
    days = [DailyViews(date(2026, 11, 2) + timedelta(days=i), 100 if i % 7 == 2 else 10, hourly) for i in range(28)]
    found = suggest(days, timezone="Europe/Berlin")
    assert found is not None and found.weekday == 2 and found.hour == 17 and found.days_counted == 28
    slot = next_slot(found, after=datetime(2026, 12, 1, 12, tzinfo=UTC))  # a Tuesday
    assert slot == datetime(2026, 12, 2, 17, tzinfo=times.zone("Europe/Berlin"))
    assert found.score(slot) == 1.0 and 0 <= found.score(slot + timedelta(days=1)) < 1
    assert suggest([DailyViews(date(2026, 11, 2), 0)], timezone="UTC") is None
    assert suggest([DailyViews(date(2026, 11, 2), 5)], timezone="UTC").hour == 9  # no hourly figures: a morning


def test_input_past_year_9999_in_utc_is_refused_and_stored_rows_are_clamped():
    last = date(9999, 12, 31)
    with pytest.raises(times.OutOfRange, match="9999-12-31 23:59 in America/New_York falls in UTC outside years 1"):
        times.checked_instant(last, time(23, 59), "America/New_York")  # 10000-01-01 04:59 UTC
    with pytest.raises(times.OutOfRange, match="0001-01-01 in Asia/Tokyo"):
        times.checked_instant(date(1, 1, 1), None, "Asia/Tokyo")  # midnight in Tokyo is in year 0 in UTC
    assert times.checked_instant(last, time(23, 59), "UTC") == datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    # A row stored before (or read as date.max from PostgreSQL's later years) shows at the range's end.
    assert times.instant(last, time(23, 59), "America/New_York") == datetime.max.replace(tzinfo=UTC)
    assert times.instant(date(1, 1, 1), None, "Asia/Tokyo") == datetime.min.replace(tzinfo=UTC)
    kiritimati = times.local(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "Pacific/Kiritimati")  # UTC+14
    assert kiritimati == datetime.max.replace(tzinfo=times.zone("Pacific/Kiritimati"))
    assert times.local(datetime.min.replace(tzinfo=UTC), "Asia/Tokyo").date() == date(1, 1, 1)
    assert times.local(datetime.max.replace(tzinfo=UTC), "America/New_York").date() == last  # no overflow there
    assert times.days_after(last, 1, clamp=True) == last and times.days_after(date(1, 1, 1), -1, clamp=True) == date.min
    with pytest.raises(times.OutOfRange, match=r"9999-12-27 \+6 days falls outside years 1 to 9999"):
        times.days_after(date(9999, 12, 27), 6)


def test_the_grid_of_december_9999_is_refused_cleanly():
    assert grid.month_range(date(9999, 11, 1)) == (date(9999, 11, 1), date(9999, 12, 5))
    assert grid.month_range(date(1, 1, 1))[0] == date(1, 1, 1)  # a Monday: nothing before it is needed
    with pytest.raises(times.OutOfRange, match="the weeks of 9999-12 reach outside years 1 to 9999"):
        grid.month_range(date(9999, 12, 1))


def test_ics_and_suggestions_near_year_9999_do_not_overflow():
    far = [
        PlannedEvent("ny@blogster", "Far", date(9999, 12, 31), time(23, 59), "America/New_York",
                     updated_at=datetime.max.replace(tzinfo=UTC)),
        PlannedEvent("tokyo@blogster", "Early", date(1, 1, 1), None, "Asia/Tokyo"),
    ]  # fmt: skip
    data = to_ics(far, name="Plan", stamp=datetime(2026, 12, 1, tzinfo=UTC))
    back = {e.uid: e for e in from_ics(data, default_timezone="UTC", types=TYPES, statuses=STATUSES)}
    assert (back["ny@blogster"].day, back["ny@blogster"].at) == (date(9999, 12, 31), time(23, 59))
    assert back["tokyo@blogster"].day == date(1, 1, 1)
    past_9999 = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:far@x\r\nDTSTART:99991231T230000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(InvalidCalendar, match="event 'far@x' is not readable"):  # in Kiritimati it is year 10000
        from_ics(past_9999, default_timezone="Pacific/Kiritimati", types=TYPES, statuses=STATUSES)
    found = suggest([DailyViews(date(2026, 11, 2), 5)], timezone="Pacific/Kiritimati")
    assert found is not None and 0 <= found.score(datetime.max.replace(tzinfo=UTC)) <= 1


# -- recurring events: expanded into entries for the next 12 months ------------------------------

TODAY = date(2026, 1, 1)


def calendar_of(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n{event}END:VEVENT\r\n" for event in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n{body}END:VCALENDAR\r\n".encode()


def read(data: bytes, **options):
    return read_ics(data, default_timezone="Europe/Berlin", types=TYPES, statuses=STATUSES, today=TODAY, **options)


def test_a_weekly_event_becomes_its_occurrences_at_the_same_wall_time_across_dst_each_with_a_uid():
    data = calendar_of(
        "UID:weekly@x\r\nSUMMARY:Tips\r\nDTSTART;TZID=Europe/Berlin:20251222T090000\r\n"
        "RRULE:FREQ=WEEKLY;UNTIL=20260406T070000Z\r\nEXDATE;TZID=Europe/Berlin:20260112T090000\r\n"
        "RDATE;TZID=Europe/Berlin:20260108T180000\r\n"
    )
    found = read(data)
    days = [(e.day, e.at) for e in found.events]
    mondays = [date(2026, 1, 5) + timedelta(weeks=n) for n in range(14) if n != 1]  # 22 and 29 Dec are past
    assert days == sorted([(d, time(9)) for d in mondays] + [(date(2026, 1, 8), time(18))])
    assert {e.timezone for e in found.events} == {"Europe/Berlin"} and {e.title for e in found.events} == {"Tips"}
    uids = {e.day: e.uid for e in found.events}
    assert uids[date(2026, 3, 23)] == "weekly@x#20260323T080000Z"  # CET: 09:00 is 08:00 UTC
    assert uids[date(2026, 4, 6)] == "weekly@x#20260406T070000Z"  # CEST: 07:00 UTC, the UNTIL, included
    assert [u.uid for u in read(data).events] == [e.uid for e in found.events]  # stable: a re-import finds them
    (recurring,) = found.recurring
    assert (recurring.uid, recurring.imported, recurring.first, recurring.last) == (
        "weekly@x",
        14,
        date(2026, 1, 5),
        date(2026, 4, 6),
    )
    assert not recurring.truncated
    assert recurring.note == (
        "'Tips' repeats: 14 occurrences imported, 2026-01-05 to 2026-04-06 (an import takes those from 2026-01-01"
        " to 2026-12-31)"
    )


def test_occurrences_stop_twelve_months_ahead_and_at_the_cap_and_the_note_says_what_was_left():
    daily = calendar_of("UID:daily@x\r\nSUMMARY:Daily\r\nDTSTART;VALUE=DATE:20251201\r\nRRULE:FREQ=DAILY\r\n")
    year = read(daily)
    assert [e.day for e in year.events] == [TODAY + timedelta(days=n) for n in range(365)]
    assert year.events[0].uid == "daily@x#20260101" and year.events[0].at is None
    assert not year.recurring[0].truncated
    capped = read(daily, max_occurrences=10)
    assert [e.day for e in capped.events] == [TODAY + timedelta(days=n) for n in range(10)]
    (recurring,) = capped.recurring
    assert recurring.truncated and recurring.imported == 10
    assert recurring.note == (
        "'Daily' repeats: its first 10 occurrences imported, 2026-01-01 to 2026-01-10; the later ones up to"
        " 2026-12-31 not (at most 10 an event)"
    )
    past = read(calendar_of("UID:old@x\r\nSUMMARY:Old\r\nDTSTART:20200106T090000\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\n"))
    assert past.events == [] and past.recurring[0].imported == 0
    assert past.recurring[0].note == "'Old' repeats, but not from 2026-01-01 to 2026-12-31: nothing imported"


def test_a_changed_occurrence_replaces_the_one_it_names_and_a_cancelled_one_is_left_out():
    data = calendar_of(
        "UID:w@x\r\nSUMMARY:Weekly\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260112T090000\r\n"
        "DTSTART;TZID=Europe/Berlin:20260113T110000\r\n",  # before its event in the file
        "UID:w@x\r\nSUMMARY:Weekly\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n",
        "UID:w@x\r\nSUMMARY:Weekly\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260119T090000\r\n"
        "DTSTART;TZID=Europe/Berlin:20260119T090000\r\nSTATUS:CANCELLED\r\n",
        "UID:lone@x\r\nSUMMARY:Lone\r\nRECURRENCE-ID:20260301T100000Z\r\nDTSTART:20260302T100000Z\r\n",
    )
    found = read(data)
    assert [(e.uid, e.day, e.at) for e in found.events] == [
        ("w@x#20260105T080000Z", date(2026, 1, 5), time(9)),
        ("w@x#20260112T080000Z", date(2026, 1, 13), time(11)),
        ("w@x#20260126T080000Z", date(2026, 1, 26), time(9)),
        ("lone@x#20260301T100000Z", date(2026, 3, 2), time(11)),
    ]
    assert found.recurring[0].imported == 3


def test_a_rule_that_cannot_be_expanded_imports_its_first_occurrence_and_says_so():
    odd = calendar_of(
        "UID:odd@x\r\nSUMMARY:Odd\r\nDTSTART;VALUE=DATE:20260105\r\nRRULE:RSCALE=GREGORIAN;FREQ=MONTHLY;SKIP=FORWARD\r\n"
    )
    found = read(odd)
    assert [(e.uid, e.day) for e in found.events] == [("odd@x", date(2026, 1, 5))]
    assert found.recurring[0].note.startswith("'Odd' repeats by a rule Blogster cannot expand (")
    assert found.recurring[0].note.endswith("only its first occurrence, 2026-01-05, was imported")
    rule = "RRULE:FREQ=MINUTELY;COUNT=1000000"  # a COUNT is counted from DTSTART: 87,840 minutes before
    dense = read(calendar_of(f"UID:m@x\r\nSUMMARY:Every minute\r\nDTSTART:20251101T000000Z\r\n{rule}\r\n"))
    assert (
        dense.events == []
        and "repeats more than 50,000 times before 2026-01-01: not imported" in dense.recurring[0].note
    )
    since_1970 = read(
        calendar_of("UID:m@x\r\nSUMMARY:Every minute\r\nDTSTART:19700101T000000Z\r\nRRULE:FREQ=MINUTELY\r\n")
    )
    assert since_1970.recurring[0].truncated and since_1970.events[0].uid == "m@x#20251231T230000Z"


def test_an_occurrence_uid_fits_the_column_whatever_the_events_uid():
    long = "x" * 250
    uid = occurrence_uid(long, datetime(2026, 1, 5, 9, tzinfo=UTC))
    assert len(uid) <= 255 and uid.endswith("#20260105T090000Z") and uid != occurrence_uid("y" * 250, date(2026, 1, 5))
    assert occurrence_uid("a@x", date(2026, 1, 5)) == "a@x#20260105"


def test_a_planned_time_the_clocks_skip_gets_a_note_naming_the_time_it_happens() -> None:
    """A red team's 02:30 entry on the night summer time starts showed 03:30 in `calendar
    list` with no word at `calendar add` (its JSON keeps 02:30 as planned, and starts_at)."""
    gap_note = times.gap_note
    note = gap_note(date(2027, 3, 28), time(2, 30), "Europe/Berlin")
    assert note is not None and "02:30 does not exist in Europe/Berlin" in note and "03:30 CEST" in note
    assert gap_note(date(2027, 3, 28), time(3, 30), "Europe/Berlin") is None
    assert gap_note(date(2027, 10, 31), time(2, 30), "Europe/Berlin") is None  # twice, not skipped
    assert gap_note(date(2027, 3, 28), None, "Europe/Berlin") is None


def test_a_busy_machine_does_not_change_what_a_rule_imports():
    """CI run 80: under load the minutely rule's walk ran out of clock time before its step limit,
    so it was imported as a rule Blogster cannot expand (its first occurrence) instead of refused.
    Threads busy beside it take the clock, not this thread's CPU time."""
    import threading

    rule = "RRULE:FREQ=MINUTELY;COUNT=1000000"
    data = calendar_of(f"UID:m@x\r\nSUMMARY:Every minute\r\nDTSTART:20251101T000000Z\r\n{rule}\r\n")
    done = threading.Event()

    def busy() -> None:
        while not done.is_set():
            pass

    others = [threading.Thread(target=busy) for _ in range(3)]
    for thread in others:
        thread.start()
    try:
        dense = read(data)
    finally:
        done.set()
        for thread in others:
            thread.join()
    assert dense.events == [] and "repeats more than 50,000 times" in dense.recurring[0].note
