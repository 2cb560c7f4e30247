"""Red-team calendar files read by planning/ics.py: rules that would walk forever or for seconds,
starts that are not dates, NUL, long or repeated UIDs, SEQUENCE past an integer, unknown TZIDs."""

import hashlib
import threading
import time as clock
from dataclasses import dataclass
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
    """`read(data)` in a thread: a walk that never ends fails the test instead of hanging it; what
    it raises is raised here."""
    found: dict[str, CalendarFile] = {}
    failed: list[Exception] = []

    def reading() -> None:
        try:
            found["read"] = read(data)
        except Exception as exc:
            failed.append(exc)

    worker = threading.Thread(target=reading, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still reading after {seconds} s"
    if failed:
        raise failed[0]
    return found["read"]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;INTERVAL=-1",
        "FREQ=MINUTELY;BYSECOND=60",
        "FREQ=YEARLY;BYMONTH=12;BYDAY=53MO",
    ],
)
def test_a_rule_part_dateutil_accepts_but_cannot_walk_imports_the_first_occurrence_with_a_note(rule):
    """INTERVAL=0 made dateutil yield DTSTART forever (the import hung at 100% CPU); INTERVAL=-1
    and BYSECOND=60 failed mid-walk and refused the whole file; the 53rd Monday of December raised
    an IndexError in dateutil, an "unexpected failure" (exit 1)."""
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
def test_a_rule_that_never_matches_is_given_up_quickly_and_the_note_says_why(monkeypatch, start, rule):
    """dateutil ignores UNTIL while a rule matches nothing and walked to year 9999: 7-10 s an event.
    Measured in the thread that reads (the CPU time of the thread that waits for it is nil)."""
    measured = read_measured(calendar_of(f"UID:n@x\r\nSUMMARY:N\r\nDTSTART:{start}\r\nRRULE:{rule}\r\n"), monkeypatch)
    assert isinstance(measured.read, CalendarFile)
    assert "such as February 30?" in measured.read.recurring[0].note
    # Given up past 270,000 looks (`_IDLE_WALK`): the count is the bound; the CPU only has to be far
    # from the 7-10 s of the walk to 9999 (a slow machine's kernel doubles it, stop 59's CI).
    assert measured.looks < 300_000 and measured.cpu < 4


def test_three_rules_that_never_match_take_about_a_second_not_thirty(monkeypatch):
    events = [
        f"UID:n{n}@x\r\nSUMMARY:N\r\nDTSTART:00010101T000000Z\r\nRRULE:FREQ=SECONDLY;COUNT=2;BYMONTH=2;BYMONTHDAY=30\r\n"
        for n in range(3)
    ]
    measured = read_measured(calendar_of(*events), monkeypatch)
    assert isinstance(measured.read, CalendarFile) and len(measured.read.recurring) == 3
    # The reading thread's CPU, not the wall clock; the look count is the bound (as above).
    assert measured.looks < 3 * 300_000 and measured.cpu < 6


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
    birthday = "UID:b@x\r\nSUMMARY:B\r\nDTSTART;VALUE=DATE:15000314\r\nRRULE:FREQ=YEARLY;COUNT=1000\r\n"
    never = "UID:n@x\r\nSUMMARY:N\r\nDTSTART:00010101T000000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n"
    found = {r.uid: r.note for r in read(calendar_of(minutely, birthday, never)).recurring}
    assert "repeats more than 50,000 times" in found["m@x"]
    assert "1 occurrence imported, on " in found["b@x"]  # five centuries of yearly looks (COUNT: walked from 1500)
    assert "such as February 30?" in found["n@x"]


NEVER = "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n"  # dateutil walks to 9999 for it


def _spy_expansions(monkeypatch) -> list[str]:
    """The UIDs of the recurring events expanded, in order."""
    expanded: list[str] = []
    run = ics._Expansion.run
    monkeypatch.setattr(ics._Expansion, "run", lambda self, changed: expanded.append(self.uid) or run(self, changed))
    return expanded


def test_a_file_of_rules_that_never_match_is_refused_whole_once_they_walked_the_file_s_limit(monkeypatch):
    """Red team 47 F5: each rule that never matches is given up after a third of a second (`_IDLE_WALK`),
    but 100 of them (15 KB) took 17 s (YEARLY; SECONDLY 43 s) and the 32 MB cap allowed a day. The walk
    of all a file's rules is counted (`_FILE_WALK`, looks not time): past it the file is refused, exit 2."""
    expanded = _spy_expansions(monkeypatch)
    never = [f"UID:n{n}@x\r\nSUMMARY:N\r\nDTSTART:20250101T000000Z\r\n{NEVER}" for n in range(100)]
    plain = "UID:p@x\r\nSUMMARY:P\r\nDTSTART:20261210T090000Z\r\n"
    with pytest.raises(ics.TooLongToExpand) as refused:
        read_within(calendar_of(plain, *never), 60)  # old: ~15 s, every event 'cannot expand'
    assert len(expanded) == 12  # 11 x 270,000 looks: the 12th passes 3,000,000; 88 never walked
    assert str(refused.value) == (
        "recurring events take too long to expand in all (rules that never match, such as February 30, or that"
        " repeat thousands of times before today): its first 13 of 101 events went past the limit;"
        " split the file, or fix its rules"
    )
    assert isinstance(refused.value, InvalidCalendar)  # the service's InvalidInput: exit 2


def test_the_file_s_limit_counts_the_steps_of_every_rule_not_only_those_that_find_nothing(monkeypatch):
    """A minutely COUNT rule from last year steps 50,000 times before the window (a quarter of a second,
    refused per event with a note of its own): those count too, with the looks of the rules that match."""
    monkeypatch.setattr(ics, "_FILE_WALK", 400_000)  # ~300,000 such a rule: 150,000 its looks, the rest its steps
    expanded = _spy_expansions(monkeypatch)
    counted = "RRULE:FREQ=MINUTELY;COUNT=1000000\r\n"
    events = [f"UID:c{n}@x\r\nSUMMARY:C\r\nDTSTART:20251101T000000Z\r\n{counted}" for n in range(3)]
    with pytest.raises(ics.TooLongToExpand, match=r"its first 2 of 3 events went past the limit;"):
        read(calendar_of(*events))
    assert expanded == ["c0@x", "c1@x"]
    (alone,) = read(calendar_of(events[0])).recurring  # under it: the event's own note, as before
    assert "repeats more than 50,000 times" in alone.note


def test_the_file_s_limit_is_the_same_count_on_every_run_whatever_the_clocks_say(monkeypatch):
    """One count, no clock (CI runs 80 and 119): every clock runs a second a call, and the refusal
    comes at the same event."""
    monkeypatch.setattr(ics, "_FILE_WALK", 400_000)
    ticks = iter(range(10**9))
    for name in ("thread_time", "process_time", "perf_counter", "monotonic", "time"):
        monkeypatch.setattr(clock, name, lambda: float(next(ticks)))
    never = [f"UID:n{n}@x\r\nSUMMARY:N\r\nDTSTART:20250101T000000Z\r\n{NEVER}" for n in range(3)]
    for _ in range(2):
        with pytest.raises(ics.TooLongToExpand, match="its first 2 of 3 events"):
            read(calendar_of(*never))
    assert "such as February 30?" in read(calendar_of(never[0])).recurring[0].note  # one alone: its note


def test_hundreds_of_birthdays_from_long_ago_stay_well_within_the_file_s_limit():
    """A yearly rule without COUNT is walked from its last year before the window, not from 1950 (76
    years of looks, 28,800 an event: 300 birthdays came to 8.6 million); each costs about 1,100 now."""
    birthdays = [
        f"UID:b{n}@x\r\nSUMMARY:B{n}\r\nDTSTART;VALUE=DATE:{1950 + n % 50}{n % 12 + 1:02d}{n % 28 + 1:02d}\r\n"
        "RRULE:FREQ=YEARLY\r\n"
        for n in range(300)
    ]
    found = read_ics(
        calendar_of(*birthdays), default_timezone="Europe/Berlin", types={"blog"}, statuses={"planned"}, today=TODAY
    )
    assert len(found.events) == 300 and all(r.imported == 1 for r in found.recurring)
    walked = ics._FileWalk(ics._FILE_WALK)
    for component in ics._events(calendar_of(*birthdays)):
        start = ics._moment(component["dtstart"], "DTSTART")
        list(ics._recurrence_set(component, start, (TODAY, TODAY + timedelta(days=365)), walked))
    assert walked.spent < 300 * 1_500  # a ninth of the limit: some 2,500 birthdays fit


@pytest.mark.parametrize(
    "start, rule",
    [
        ("DTSTART;VALUE=DATE:19520229", "FREQ=YEARLY"),  # a 29 February: moved to a leap year
        ("DTSTART;VALUE=DATE:18960229", "FREQ=YEARLY;INTERVAL=3"),  # 1896 + 3n: a leap year every 12
        ("DTSTART;TZID=Europe/Berlin:19900131T093000", "FREQ=MONTHLY"),  # the 31st: months without one skipped
        ("DTSTART;TZID=Europe/Berlin:19900131T093000", "FREQ=MONTHLY;INTERVAL=5"),
        ("DTSTART;TZID=America/New_York:19901105T020000", "FREQ=YEARLY;BYMONTH=3,11;BYDAY=1SU"),  # DST days
        ("DTSTART;TZID=Europe/Berlin:19700105T090000", "FREQ=YEARLY;BYWEEKNO=1,20,53;BYDAY=MO"),
        ("DTSTART:19700101T120000Z", "FREQ=YEARLY;BYYEARDAY=1,-1,100"),
        ("DTSTART:19700101T120000", "FREQ=MONTHLY;INTERVAL=7;BYDAY=MO,FR;BYSETPOS=-1"),
        ("DTSTART;VALUE=DATE:19991231", "FREQ=MONTHLY;BYMONTHDAY=-1,15"),
        ("DTSTART:19631122T183000Z", "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8"),
    ],
)
def test_a_yearly_or_monthly_rule_from_long_ago_gives_the_occurrences_dateutil_does_from_its_start(start, rule):
    """Such a rule's walk starts at its last period before the window (the same day of the month,
    which dateutil takes from the start): the same instants as dateutil's own walk from the start."""
    from dateutil.rrule import rrulestr

    data = calendar_of(f"UID:y@x\r\nSUMMARY:Y\r\n{start}\r\nRRULE:{rule}\r\n")
    today = date(2027, 6, 1) if "0229" in start else TODAY  # a window with a 29 February
    found = read_ics(data, default_timezone="Europe/Berlin", types={"blog"}, statuses={"planned"}, today=today)
    begins = ics._moment(ics._events(data)[0]["dtstart"], "DTSTART")
    base = begins if isinstance(begins, datetime) else datetime.combine(begins, time())
    end = today + timedelta(days=365)
    around = (datetime(today.year - 1, 1, 1, tzinfo=base.tzinfo), datetime(end.year + 1, 1, 1, tzinfo=base.tzinfo))
    expected = [
        ics.wall_time(moment if isinstance(begins, datetime) else moment.date(), "Europe/Berlin")[:2]
        for moment in rrulestr(rule, dtstart=base).between(*around)
    ]
    assert [(e.day, e.at) for e in found.events] == [(day, at) for day, at in expected if today <= day < end]
    assert found.events


@dataclass
class Measured:
    """What reading a file gave (its CalendarFile, or what it raised), the CPU time of the thread that
    read it, and the looks its rules' walk counted for the file (`_FileWalk.spent`)."""

    read: CalendarFile | Exception
    cpu: float
    looks: int


def read_measured(data: bytes, monkeypatch) -> Measured:
    """`read(data)` in a thread of its own (joined within a minute, so a walk that never ends fails
    the test), measured there: this thread's CPU time, never the wall clock, which a loaded machine stretches."""
    walks: list[ics._FileWalk] = []

    class Spied(ics._FileWalk):
        def __init__(self, limit: int) -> None:
            super().__init__(limit)
            walks.append(self)

    monkeypatch.setattr(ics, "_FileWalk", Spied)
    measured: list[Measured] = []

    def reading() -> None:
        began = clock.thread_time()
        try:
            found: CalendarFile | Exception = read(data)
        except InvalidCalendar as exc:
            found = exc
        measured.append(Measured(found, clock.thread_time() - began, walks[0].spent))

    worker = threading.Thread(target=reading, daemon=True)
    worker.start()
    worker.join(60)
    assert measured, "still reading after 60 s (or failed: see the thread's traceback)"
    return measured[0]


EVERY_SECOND = (
    f"BYHOUR={','.join(map(str, range(24)))};BYMINUTE={','.join(map(str, range(60)))}"
    f";BYSECOND={','.join(map(str, range(60)))}"
)


def test_a_secondly_rule_stepping_through_a_day_for_each_instant_is_given_up_for_the_seconds_it_checks(monkeypatch):
    """Red team 48 F2, vector A: each instant of this rule (once a day, at 23:59:59) is 86,400 seconds
    dateutil steps through, a look only once a day: three such events from 1800 (560 bytes) took 22 s
    of CPU, imported nothing, and ten of COUNT=50000 an hour. Each second it checks is counted now."""
    rule = "RRULE:FREQ=SECONDLY;BYHOUR=23;BYMINUTE=59;BYSECOND=59;COUNT=1000\r\n"
    events = [f"UID:s{n}@x\r\nSUMMARY:S\r\nDTSTART:18000101T000000Z\r\n{rule}" for n in range(3)]
    measured = read_measured(calendar_of(*events), monkeypatch)
    assert isinstance(measured.read, CalendarFile)
    assert [r.note for r in measured.read.recurring] == 3 * [
        "'S' repeats by a rule Blogster cannot expand (it stepped through hundreds of thousands of hours, minutes or"
        " seconds: a DAILY rule with BYHOUR instead?): only its first occurrence, 1800-01-01, was imported"
    ]
    assert measured.looks < 3 * 300_000 and measured.cpu < 2  # each given up past 270,000 (old: 18,000, 22 s)
    monkeypatch.setattr(ics, "_FILE_WALK", 500_000)  # and the seconds count for the file
    with pytest.raises(ics.TooLongToExpand, match="its first 2 of 3 events went past the limit"):
        read(calendar_of(*events))


def test_the_times_a_rule_of_days_makes_with_it_count_for_the_file(monkeypatch):
    """Vector B: dateutil makes a daily rule's times when it makes the rule, BYHOUR x BYMINUTE x BYSECOND
    (every second: 86,400, ~90 ms), uncounted: 100 such events with COUNT=1 (52 KB) took 9.6 s of CPU,
    and the 32 MiB cap allowed an hour and a half. Counted now, they refuse the file at its 18th."""
    events = [
        f"UID:b{n}@x\r\nSUMMARY:B\r\nDTSTART:20261210T090000Z\r\nRRULE:FREQ=DAILY;{EVERY_SECOND};COUNT=1\r\n"
        for n in range(100)
    ]
    measured = read_measured(calendar_of(*events), monkeypatch)
    assert isinstance(measured.read, ics.TooLongToExpand)
    assert "its first 18 of 100 events went past the limit;" in str(measured.read)  # 2 x 86,400 looks each
    assert measured.cpu < 5  # old: 9.6 s, every event read
    (alone,) = read(calendar_of(events[0])).events  # one alone: read, as before
    assert (alone.day, alone.at) == (date(2026, 12, 10), time(10))


def test_a_rule_dateutil_gives_up_after_stepping_through_a_day_counts_its_steps_for_the_file(monkeypatch):
    """Vector C: BYHOUR=25 never comes; dateutil steps through a day's 86,400 seconds (~16 ms) before
    refusing the rule, which refused that event only, uncounted: 1,000 such events (106 KB) took 16.5 s.
    Those steps count for the file now: it is refused at its 35th (here at its 12th, the limit lowered)."""
    monkeypatch.setattr(ics, "_FILE_WALK", 1_000_000)
    events = [
        f"UID:c{n}@x\r\nSUMMARY:C\r\nDTSTART:20261210T090000Z\r\nRRULE:FREQ=SECONDLY;BYHOUR=25\r\n" for n in range(100)
    ]
    measured = read_measured(calendar_of(*events), monkeypatch)
    assert isinstance(measured.read, ics.TooLongToExpand)
    assert "its first 12 of 100 events went past the limit;" in str(measured.read)  # 86,400 looks each
    assert measured.cpu < 2  # old: 1.6 s here and every event read, 16.5 s for 1,000
    (alone,) = read(calendar_of(events[0])).recurring  # one alone: dateutil's refusal, as before
    assert "cannot expand (Invalid combination of interval, byhour and byminute" in alone.note


@pytest.mark.parametrize(
    "rule, why",
    [
        (
            f"FREQ=HOURLY;BYMINUTE={','.join(map(str, range(60)))};BYSECOND=0,1,2,3,4;BYMONTH=2;BYMONTHDAY=30",
            "it stepped through hundreds of thousands of hours, minutes or seconds: a DAILY rule with BYHOUR instead?",
        ),
        (
            "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30;BYSETPOS=" + ",".join(map(str, [*range(1, 367), *range(-366, 0)])),
            "it looked at centuries of days without a match: a date that never comes, such as February 30?",
        ),
    ],
)
def test_a_rule_that_never_matches_is_given_up_for_the_work_dateutil_does_each_period_not_only_its_days(
    monkeypatch, rule, why
):
    """An hourly rule makes its times each hour (BYMINUTE x BYSECOND), and for each BYSETPOS value dateutil
    goes through the period's days: both uncounted, one such rule took 8 s and 5 s of CPU (1 and 3 KB; 100
    s with every second of the hour) before its note. Both are counted now; the note names what most of
    the looks were at."""
    measured = read_measured(
        calendar_of(f"UID:p@x\r\nSUMMARY:P\r\nDTSTART:20250101T000000Z\r\nRRULE:{rule}\r\n"), monkeypatch
    )
    assert isinstance(measured.read, CalendarFile)
    assert f"cannot expand ({why}): only its first occurrence" in measured.read.recurring[0].note
    assert measured.looks < 300_000 and measured.cpu < 1.5


@pytest.mark.parametrize(
    "start, rule",
    [
        ("DTSTART;TZID=Europe/Berlin:20240108T093000", "FREQ=WEEKLY;BYDAY=MO"),  # a weekly meeting (Google)
        ("DTSTART;TZID=America/New_York:20200107T100000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU"),  # Outlook
        ("DTSTART;VALUE=DATE:19800314", "FREQ=YEARLY"),  # a birthday
        ("DTSTART;TZID=Europe/London:20230131T090000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
        ("DTSTART;TZID=Europe/London:20230103T090000", "FREQ=MONTHLY;BYDAY=1TU"),
        ("DTSTART;TZID=Europe/Berlin:20261204T080000", "FREQ=DAILY;BYHOUR=8,12,17;UNTIL=20270301T000000Z"),
        ("DTSTART;TZID=Australia/Sydney:20250405T020000", "FREQ=WEEKLY;BYDAY=SA,SU"),  # DST ends at 03:00 there
        ("DTSTART;TZID=America/New_York:20200101T020000", "FREQ=YEARLY;BYMONTH=3,11;BYDAY=2SU,1SU;BYSETPOS=1"),
        ("DTSTART;TZID=Europe/Berlin:20261204T090000", "FREQ=HOURLY;INTERVAL=4;BYHOUR=9,13,17;COUNT=30"),
        ("DTSTART:20261204T090000Z", "FREQ=MINUTELY;INTERVAL=30;BYHOUR=9,10;COUNT=40"),
    ],
)
def test_calendars_other_programs_export_give_the_occurrences_dateutil_does(start, rule):
    """What red team 48 F2's counting must not change: everyday rules give dateutil's own instants in the window,
    less an EXDATE, with an RDATE, all within the file's limit and none given up."""
    from dateutil.rrule import rruleset, rrulestr

    data = calendar_of(
        f"UID:e@x\r\nSUMMARY:E\r\n{start}\r\nRRULE:{rule}\r\n"
        "EXDATE:20261214T083000Z,20270105T170000Z\r\nRDATE:20261216T083000Z\r\n"
    )
    found = read(data)
    begins = ics._moment(ics._events(data)[0]["dtstart"], "DTSTART")
    base = begins if isinstance(begins, datetime) else datetime.combine(begins, time())
    moments = rruleset()
    moments.rrule(rrulestr(rule, dtstart=base))
    moments.rdate(ics._like(datetime(2026, 12, 16, 8, 30, tzinfo=ZoneInfo("UTC")), base))
    for excluded in (datetime(2026, 12, 14, 8, 30), datetime(2027, 1, 5, 17)):
        moments.exdate(ics._like(excluded.replace(tzinfo=ZoneInfo("UTC")), base))
    end = TODAY + timedelta(days=365)
    around = (datetime(TODAY.year - 1, 1, 1, tzinfo=base.tzinfo), datetime(end.year + 1, 1, 1, tzinfo=base.tzinfo))
    expected = [
        ics.wall_time(moment if isinstance(begins, datetime) else moment.date(), "Europe/Berlin")[:2]
        for moment in moments.between(*around)
    ]
    assert [(e.day, e.at) for e in found.events] == [(day, at) for day, at in expected if TODAY <= day < end][:366]
    (recurring,) = found.recurring
    assert recurring.imported == len(found.events) > 1 and "cannot expand" not in recurring.note


def test_a_long_byyearday_list_counts_for_each_day_dateutil_reads_it_on(monkeypatch):
    """dateutil reads BYYEARDAY (up to 732 values) one by one for each day it looks at: 12 such daily
    rules with COUNT from 1800 (38 KB), each stepping 50,000 days before today, took 6.4 s of CPU; each
    16 values now cost a look more, and the file is refused at its second."""
    days = ",".join(map(str, [*range(-366, 0), *range(1, 367)]))
    rule = f"RRULE:FREQ=DAILY;COUNT=100000;BYYEARDAY={days}\r\n"
    events = [f"UID:y{n}@x\r\nSUMMARY:Y\r\nDTSTART:18000101T000000Z\r\n{rule}" for n in range(12)]
    measured = read_measured(calendar_of(*events), monkeypatch)
    assert isinstance(measured.read, ics.TooLongToExpand)
    assert "its first 2 of 12 events went past the limit;" in str(measured.read)
    assert measured.cpu < 2.5  # old: 6.4 s, refused at the 12th
    assert "repeats more than 50,000 times" in read(calendar_of(events[0])).recurring[0].note  # one alone: as before


def test_byeaster_s_values_count_each_time_dateutil_goes_through_them(monkeypatch):
    """BYEASTER (dateutil's, not RFC 5545's) is not made unique, and dateutil goes through it whole each
    year: a list of 50,000 offsets cost a second an event while counted as a year's days."""
    easter = ",".join(["0"] * 5_000)
    data = calendar_of(f"UID:e@x\r\nSUMMARY:E\r\nDTSTART:20260405T090000Z\r\nRRULE:FREQ=YEARLY;BYEASTER={easter}\r\n")
    measured = read_measured(data, monkeypatch)
    assert isinstance(measured.read, CalendarFile)
    assert [e.day for e in measured.read.events] == [date(2027, 3, 28)]  # Easter Sunday, as before
    assert measured.looks > 2 * 5_000  # the years walked, each with its 5,000 values (old: their days only)
