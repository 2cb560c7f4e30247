"""Red-team calendar files read by planning/ics.py: rules that would walk forever or for seconds,
starts that are not dates, NUL, long or repeated UIDs, SEQUENCE past an integer, unknown TZIDs."""

import hashlib
import threading
import time as clock
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import TH, TU, WEEKLY, rrule

from blogster_cli.planning import ics
from blogster_cli.planning.ics import CalendarFile, InvalidCalendar, read_ics

TODAY = date(2026, 12, 3)


def calendar_of(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n{event}END:VEVENT\r\n" for event in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n{body}END:VCALENDAR\r\n".encode()


def read(data: bytes) -> CalendarFile:
    return read_ics(data, default_timezone="Europe/Berlin", types={"blog"}, statuses={"planned"}, today=TODAY)


def read_within(data: bytes, seconds: float) -> CalendarFile:
    """`read(data)` in a thread: a walk that never ends fails the test instead of hanging it."""
    found: dict[str, CalendarFile] = {}
    worker = threading.Thread(target=lambda: found.update(read=read(data)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still reading after {seconds} s"
    return found["read"]


@pytest.mark.parametrize("rule", ["FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;INTERVAL=-1", "FREQ=MINUTELY;BYSECOND=60"])
def test_a_rule_part_dateutil_accepts_but_cannot_walk_imports_the_first_occurrence_with_a_note(rule):
    """INTERVAL=0 made dateutil yield DTSTART forever (the import hung at 100% CPU); INTERVAL=-1
    and BYSECOND=60 failed mid-walk and refused the whole file."""
    found = read_within(calendar_of(f"UID:r@x\r\nSUMMARY:R\r\nDTSTART:20261210T090000Z\r\nRRULE:{rule}\r\n"), 5)
    assert [(e.uid, e.day) for e in found.events] == [("r@x", date(2026, 12, 10))]
    (recurring,) = found.recurring
    assert recurring.note.startswith("'R' repeats by a rule Blogster cannot expand (")
    assert recurring.note.endswith("only its first occurrence, 2026-12-10, was imported")


def test_every_instant_the_walk_yields_counts_repeats_too(monkeypatch):
    monkeypatch.setattr(ics, "_MAX_YIELDS", 1_000)
    repeated = "".join("RDATE:20261211T090000Z\r\n" for _ in range(1_200))
    found = read_within(calendar_of(f"UID:r@x\r\nSUMMARY:R\r\nDTSTART:20261210T090000Z\r\n{repeated}"), 5)
    assert "cannot expand (more than 1,000 steps)" in found.recurring[0].note


@pytest.mark.parametrize(
    "start, rule",
    [
        ("20261204T090000Z", "FREQ=DAILY;COUNT=5;BYMONTH=2;BYMONTHDAY=30"),
        ("20261204T090000Z", "FREQ=MINUTELY;COUNT=5;BYMONTH=2;BYMONTHDAY=30"),
        ("19700101T000000Z", "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30"),
        ("00010101T000000Z", "FREQ=SECONDLY;COUNT=2;BYMONTH=2;BYMONTHDAY=30"),
    ],
)
def test_a_rule_that_never_matches_is_given_up_quickly_and_the_note_says_why(start, rule):
    """dateutil ignores UNTIL while a rule matches nothing and walked to year 9999: 7-10 s an event."""
    began = clock.thread_time()
    found = read_within(calendar_of(f"UID:n@x\r\nSUMMARY:N\r\nDTSTART:{start}\r\nRRULE:{rule}\r\n"), 5)
    assert clock.thread_time() - began < 1
    assert "such as February 30?" in found.recurring[0].note


def test_three_rules_that_never_match_take_about_a_second_not_thirty():
    events = [
        f"UID:n{n}@x\r\nSUMMARY:N\r\nDTSTART:00010101T000000Z\r\nRRULE:FREQ=SECONDLY;COUNT=2;BYMONTH=2;BYMONTHDAY=30\r\n"
        for n in range(3)
    ]
    began = clock.thread_time()  # a loaded machine stretches the wall clock
    assert len(read_within(calendar_of(*events), 10).recurring) == 3
    assert clock.thread_time() - began < 1.5


def test_a_rule_from_long_ago_without_count_gives_the_occurrences_dateutil_does_from_its_start():
    """Such a rule's walk starts just before the window (whole periods on): same dates, no walk from 1990."""
    berlin = ZoneInfo("Europe/Berlin")
    event = "UID:w@x\r\nSUMMARY:W\r\nDTSTART;TZID=Europe/Berlin:19900102T093000\r\nRRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,TH\r\n"
    found = read_within(calendar_of(event), 5)
    start = datetime(1990, 1, 2, 9, 30, tzinfo=berlin)
    window = (datetime.combine(TODAY, time(), berlin), datetime.combine(TODAY + timedelta(days=365), time(), berlin))
    expected = rrule(WEEKLY, interval=3, byweekday=(TU, TH), dtstart=start).between(*window, inc=True)
    assert [(e.day, e.at) for e in found.events] == [(m.date(), m.time().replace(tzinfo=None)) for m in expected]
    assert len(expected) > 30 and found.events[0].timezone == "Europe/Berlin"


@pytest.mark.parametrize("start", ["DTSTART;VALUE=DURATION:PT1H", "DTSTART;VALUE=PERIOD:20261210T090000Z/PT1H"])
def test_a_start_that_is_a_duration_or_period_refuses_the_event_by_name(start):
    with pytest.raises(
        InvalidCalendar, match=r"^event 'd@x' is not readable \(its DTSTART is not a date or date-time\)$"
    ):
        read(calendar_of(f"UID:d@x\r\nSUMMARY:D\r\n{start}\r\n"))


def test_nul_is_left_out_of_every_text_value():
    data = calendar_of(
        "UID:n\x00ul@x\r\nSUMMARY:a\x00b\r\nDESCRIPTION:c\x00d\r\nCATEGORIES:e\x00f\r\nDTSTART:20261210T090000Z\r\n"
    )
    (event,) = read(data).events
    assert (event.uid, event.title, event.description, event.topic) == ("nul@x", "ab", "cd", "ef")


def test_uids_longer_than_the_column_never_merge_and_a_uid_given_twice_is_noted():
    first, second = "A" * 255 + "-one", "A" * 255 + "-two"
    found = read(
        calendar_of(
            f"UID:{first}\r\nSUMMARY:One\r\nDTSTART:20261210T090000Z\r\n",
            f"UID:{second}\r\nSUMMARY:Two\r\nDTSTART:20261211T090000Z\r\n",
            "UID:dup@x\r\nSUMMARY:Dup\r\nDTSTART:20261210T090000Z\r\n",
            "UID:dup@x\r\nSUMMARY:Dup again\r\nDTSTART:20261211T090000Z\r\n",
        )
    )
    uids = [e.uid for e in found.events]
    assert uids[:2] == [hashlib.sha256(uid.encode()).hexdigest() for uid in (first, second)]
    assert found.notes == ["event 'dup@x' is in the file twice: the later one was kept"]


def test_a_sequence_outside_an_integer_is_clamped_with_a_note_and_an_unknown_tzid_is_named():
    found = read(
        calendar_of(
            "UID:big@x\r\nSUMMARY:B\r\nDTSTART:20261210T090000Z\r\nSEQUENCE:99999999999999\r\n",
            "UID:neg@x\r\nSUMMARY:N\r\nDTSTART:20261210T090000Z\r\nSEQUENCE:-5\r\n",
            "UID:mars@x\r\nSUMMARY:M\r\nDTSTART;TZID=Mars/Olympus:20261210T090000\r\n",
        )
    )
    assert [e.sequence for e in found.events[:2]] == [2**31 - 1, 0]
    assert found.notes == [
        "event 'big@x': SEQUENCE 99999999999999 is outside 0..2147483647, read as 2147483647",
        "event 'neg@x': SEQUENCE -5 is outside 0..2147483647, read as 0",
        "event 'mars@x': unknown TZID 'Mars/Olympus', its time read in Europe/Berlin",
    ]
    assert (found.events[2].at, found.events[2].timezone) == (time(9), "Europe/Berlin")


def test_a_file_whose_occurrences_pass_the_cap_is_refused_whole_while_expanding(monkeypatch):
    """Red team 27b F6: 800 minutely events (74 KB) made 292,800 entries in one transaction
    (~500 MB); the cap was per event only. Now the file is refused once its recurring events'
    entries pass MAX_FILE_OCCURRENCES, after at most one event's occurrences past it."""
    expanded = []
    run = ics._Expansion.run
    monkeypatch.setattr(ics._Expansion, "run", lambda self, changed: expanded.append(self.uid) or run(self, changed))
    minutely = [
        f"UID:n{n}@x\r\nSUMMARY:n{n}\r\nDTSTART:20261205T090000Z\r\nRRULE:FREQ=MINUTELY\r\n" for n in range(800)
    ]
    with pytest.raises(ics.TooManyOccurrences) as refused:
        read(calendar_of(*minutely))
    assert len(expanded) == 28  # 28 x 366 > 10,000: the other 772 events are never expanded
    assert str(refused.value) == (
        "recurring events make more entries than one import adds from them (10,000 occurrences in all):"
        " its first 28 of 800 events make 10,248 already; split the file, or shorten its recurring events"
    )
    assert isinstance(refused.value, InvalidCalendar)  # the service's InvalidInput: exit 2


def test_the_cap_counts_occurrences_not_plain_events_and_a_file_at_it_is_read(monkeypatch):
    monkeypatch.setattr(ics, "MAX_FILE_OCCURRENCES", 10)
    plain = [f"UID:p{n}@x\r\nSUMMARY:P\r\nDTSTART:20261210T090000Z\r\n" for n in range(20)]
    weekly = [f"UID:w{n}@x\r\nSUMMARY:W\r\nDTSTART:20261210T090000Z\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\n" for n in (1, 2)]
    assert len(read(calendar_of(*plain, *weekly)).events) == 30  # plain events grow with the file: not counted
    with pytest.raises(ics.TooManyOccurrences, match=r"\(10 occurrences in all\): its 3 events make 11; split"):
        read(calendar_of(*weekly, weekly[0].replace("w1@", "w3@").replace("COUNT=5", "COUNT=1")))
    daily = "UID:d@x\r\nSUMMARY:D\r\nDTSTART:20261210T090000Z\r\nRRULE:FREQ=DAILY\r\n"
    with pytest.raises(ics.TooManyOccurrences, match="its first 1 of 2 events make 358 already;"):
        read(calendar_of(daily, *plain[:1]))


def test_what_a_rule_imports_does_not_depend_on_any_clock(monkeypatch):
    """CI run 119: a walk limited by this thread's CPU time still refused a minutely rule (50,000
    steps, ~0.25 s) as one that never matches when the machine was loaded. The walk counts the
    days dateutil looks at; every clock here runs a second a call and nothing changes."""
    ticks = iter(range(10**9))
    for name in ("thread_time", "process_time", "perf_counter", "monotonic", "time"):
        if getattr(ics, name, None) is getattr(clock, name):  # a clock the module imported by name
            monkeypatch.setattr(ics, name, lambda: float(next(ticks)))
        monkeypatch.setattr(clock, name, lambda: float(next(ticks)))
    minutely = "UID:m@x\r\nSUMMARY:M\r\nDTSTART:20251101T000000Z\r\nRRULE:FREQ=MINUTELY;COUNT=1000000\r\n"
    birthday = "UID:b@x\r\nSUMMARY:B\r\nDTSTART;VALUE=DATE:15000314\r\nRRULE:FREQ=YEARLY\r\n"
    never = "UID:n@x\r\nSUMMARY:N\r\nDTSTART:00010101T000000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n"
    found = {r.uid: r.note for r in read(calendar_of(minutely, birthday, never)).recurring}
    assert "repeats more than 50,000 times" in found["m@x"]
    assert "its 1 occurrence" in found["b@x"]  # five centuries of yearly looks, each one a match
    assert "such as February 30?" in found["n@x"]
