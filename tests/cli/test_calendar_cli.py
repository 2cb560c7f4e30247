"""blogster calendar: entries, views, time zones across DST, ICS out and in, the feed, suggestions."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from blogster_cli.wording import plural

BERLIN = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}


def scheduled_posts(superuser, author_id, count):
    superuser.execute(
        "insert into public.blogs (title, slug, author_id, content, status, published_at)"
        " select 'due ' || n, 'due-' || n, %s, jsonb_build_object('markdown', 'Body'), 'scheduled',"
        " now() - interval '1 hour' from generate_series(1, %s) n",
        (author_id, count),
    )


def statuses(superuser):
    return dict(superuser.execute("select slug, status::text from public.blogs").fetchall())


def add(cli, title, *args, env=None):
    result = cli("calendar", "add", title, *args, "--json", env=env)
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_add_list_move_done_rm_with_json(cli, signed_up, superuser):
    entry = add(cli, "Launch post", "--date", "2026-12-07", "--time", "09:00", "--topic", "launch",
                "--audience", "developers", "--audience", "founders", "--type", "newsletter")  # fmt: skip
    assert entry["title"] == "Launch post" and entry["scheduled_time"] == "09:00:00"
    assert entry["content_type"] == "newsletter" and entry["status"] == "planned"
    assert entry["target_audience"] == ["developers", "founders"] and entry["uid"] == f"{entry['id']}@blogster"
    assert entry["sequence"] == 0 and entry["starts_at"] == "2026-12-07T09:00:00Z"
    add(cli, "Later", "--date", "2027-01-15")
    listed = cli("calendar", "list", "--json").json()
    assert [e["title"] for e in listed] == ["Launch post", "Later"]
    assert [e["title"] for e in cli("calendar", "list", "--from", "2027-01-01", "--json").json()] == ["Later"]
    assert cli("calendar", "list", "--type", "newsletter", "--format", "count").stdout.strip() == "1"
    short = entry["id"][:8]
    moved = cli("calendar", "move", short, "--date", "2026-12-08", "--time", "10:30", "--json")
    assert moved.exit_code == 0, moved.stderr
    assert moved.json()["scheduled_date"] == "2026-12-08" and moved.json()["sequence"] == 1
    finished = cli("calendar", "done", entry["uid"], "--json")
    assert finished.exit_code == 0, finished.stderr
    finished = finished.json()
    assert finished["status"] == "published" and finished["sequence"] == 2
    in_tokyo = cli("calendar", "move", short, "--time", "09:00", "--json", env={"BLOGSTER_TIMEZONE": "Asia/Tokyo"})
    assert in_tokyo.exit_code == 0, in_tokyo.stderr
    assert in_tokyo.json()["timezone"] == "Asia/Tokyo" and in_tokyo.json()["starts_at"] == "2026-12-08T00:00:00Z"
    removed = cli("calendar", "rm", short, "--json")
    assert removed.exit_code == 0, removed.stderr
    assert removed.json()["id"] == entry["id"]
    assert [e["title"] for e in cli("calendar", "list", "--json").json()] == ["Later"]
    missing = cli("calendar", "rm", short)
    assert missing.exit_code == 3 and missing.stderr.startswith("error: no calendar entry")


@pytest.mark.same_on_every_server  # the message is Python's: CI's second pass leaves it out
def test_a_mistyped_id_is_named_as_an_id_or_uid(cli, signed_up):
    """`8e46a31x` cannot start an id, so only UIDs were searched; the user typed an id, though."""
    typo = cli("calendar", "move", "8e46a31x", "--date", "2026-12-01")
    assert typo.exit_code == 3
    assert typo.stderr.startswith("error: no calendar entry with id or UID '8e46a31x' (see `blogster calendar list`)")


@pytest.mark.same_on_every_server  # reading the arguments is Python's: CI's second pass leaves it out
def test_bad_input_is_one_line_with_its_exit_code(cli, signed_up):
    for args, code in [
        (("add", "X", "--date", "2026-13-01"), 2),
        (("add", "X", "--date", "2026-12-01", "--time", "25:00"), 2),
        (("add", "X", "--date", "2026-12-01", "--type", "podcast"), 2),
        (("add", "  ", "--date", "2026-12-01"), 2),
        (("add", "X", "--date", "2026-12-01", "--blog", "no-such-post"), 3),
        (("move", "abcd1234"), 2),
        (("move", "abcd1234", "--date", "2026-12-01"), 3),
        (("month", "2026-99"), 2),
        (("import", "--ics", "/nonexistent.ics"), 2),
        (("run-due", "--now", "yesterday"), 2),
    ]:
        result = cli("calendar", *args)
        assert result.exit_code == code, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, args


def test_times_are_typed_and_shown_in_the_users_timezone_across_dst(cli, signed_up, superuser):
    before = add(cli, "Before DST", "--date", "2026-03-28", "--time", "09:00", env=BERLIN)
    after = add(cli, "After DST", "--date", "2026-03-30", "--time", "09:00", env=BERLIN)
    assert before["starts_at"] == "2026-03-28T08:00:00Z" and after["starts_at"] == "2026-03-30T07:00:00Z"
    week = cli("calendar", "week", "--date", "2026-03-30", "--json", env=BERLIN).json()
    assert week["timezone"] == "Europe/Berlin"
    # the previous week holds the Saturday entry; both show 09:00 local
    prior = cli("calendar", "week", "--date", "2026-03-28", "--json", env=BERLIN).json()
    shown = {e["title"]: e["at"] for d in prior["days"] + week["days"] for e in d["events"]}
    assert shown == {"Before DST": "09:00:00", "After DST": "09:00:00"}
    # Seen from New York the same instants are 04:00 (EDT) and 03:00 (EDT): instants kept, not wall time.
    ny = cli("calendar", "month", "2026-03", "--json", env={"BLOGSTER_TIMEZONE": "America/New_York"}).json()
    shown = {e["title"]: (d["date"], e["at"]) for d in ny["days"] for e in d["events"]}
    assert shown == {"Before DST": ("2026-03-28", "04:00:00"), "After DST": ("2026-03-30", "03:00:00")}
    table = cli("calendar", "list", env={"BLOGSTER_TIMEZONE": "America/New_York"}).stdout
    assert "\t2026-03-28\t04:00\t" in table and "\t2026-03-30\t03:00\t" in table
    # The notification preferences' timezone is their quiet hours' zone only: the calendar, as every
    # other command, types and shows times in the `timezone` setting (it once took the preferences').
    superuser.execute("update public.user_notification_preferences set timezone = 'Asia/Tokyo'")
    berlin = cli("calendar", "month", "2026-03", "--json", env=BERLIN).json()
    assert berlin["timezone"] == "Europe/Berlin"
    shown = {e["title"]: (d["date"], e["at"]) for d in berlin["days"] for e in d["events"]}
    assert shown["After DST"] == ("2026-03-30", "09:00:00")
    table = cli("calendar", "list", env=BERLIN).stdout
    assert "\t2026-03-30\t09:00\t" in table
    planned = add(cli, "Typed in Berlin", "--date", "2026-04-02", "--time", "09:00", env=BERLIN)
    assert planned["timezone"] == "Europe/Berlin" and planned["starts_at"] == "2026-04-02T07:00:00Z"


@pytest.mark.same_on_every_server  # drawing the views is Python's: CI's second pass leaves it out
def test_month_grid_renders_across_month_boundaries_plain_without_colour(cli, signed_up):
    add(cli, "Turn of the month", "--date", "2026-03-31", "--time", "23:30", env=BERLIN)
    add(cli, "April fool", "--date", "2026-04-01", "--type", "social")
    plain = cli("calendar", "month", "2026-03", env={**BERLIN, "NO_COLOR": "1"})
    assert plain.exit_code == 0, plain.stderr
    assert "March 2026 (Europe/Berlin)" in plain.stdout and "Mon" in plain.stdout and "Sun" in plain.stdout
    row = next(line for line in plain.stdout.splitlines() if "23:30" in line)
    assert row.index("23:30") > row.index("│", 1)  # in the Tuesday (31st) column, not Monday
    assert "Turn of" in plain.stdout
    assert "April fool" not in plain.stdout  # 1 April is shown dimmed, without entries, in March's grid
    assert "\x1b[" not in plain.stdout
    april = cli("calendar", "month", "2026-04", "--json").json()
    assert april["from"] == "2026-03-30" and april["to"] == "2026-05-03"
    agenda = cli("calendar", "agenda", "--days", "3", "--json").json()
    assert agenda["days"] == []


@pytest.mark.same_on_every_server  # drawing the views is Python's: CI's second pass leaves it out
def test_agenda_json_gives_each_entrys_id_for_move_done_and_rm(cli, signed_up):
    """Its events had `uid` only, while `calendar move ID` and the like are shown with the id."""
    today = datetime.now(UTC).date()
    for offset, title in ((1, "Soon"), (2, "Later")):
        add(cli, title, "--date", (today + timedelta(days=offset)).isoformat(), "--time", "09:00")
    listed = {e["title"]: e for e in cli("calendar", "list", "--json").json()}
    agenda = cli("calendar", "agenda", "--json").json()
    events = {e["title"]: e for d in agenda["days"] for e in d["events"]}
    assert {title: (e["id"], e["uid"]) for title, e in events.items()} == {
        title: (e["id"], e["uid"]) for title, e in listed.items()
    }
    moved = cli("calendar", "move", events["Soon"]["id"][:8], "--date", (today + timedelta(days=3)).isoformat())
    assert moved.exit_code == 0, moved.stderr


def test_month_grid_is_coloured_on_a_terminal_unless_no_color():
    from rich.console import Console

    from blogster_cli.cli.calendar_views import month_grid
    from blogster_cli.planning.model import PlannedEvent

    events = [PlannedEvent("a", "Ship it", date(2026, 12, 3), None, content_type="newsletter", status="ready")]
    coloured = Console(force_terminal=True, color_system="standard", width=140, record=True)
    coloured.print(month_grid(date(2026, 12, 1), events, "UTC"))
    assert "\x1b[1;35m" in coloured.export_text(styles=True)  # bold (ready) magenta (newsletter)
    plain = Console(force_terminal=True, no_color=True, width=140, record=True)
    plain.print(month_grid(date(2026, 12, 1), events, "UTC"))
    assert "Ship it" in plain.export_text(styles=True) and "\x1b[1;35m" not in plain.export_text(styles=True)


def test_ics_export_import_round_trip_stable_uids_and_growing_sequence(cli, signed_up, tmp_path):
    entry = add(cli, "Launch", "--date", "2026-03-30", "--time", "09:00", "--topic", "launch", env=BERLIN)
    add(cli, "All day", "--date", "2026-04-02")
    first = tmp_path / "one.ics"
    assert cli("calendar", "export", "--ics", str(first)).exit_code == 0
    parsed = icalendar.Calendar.from_ical(first.read_bytes())
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    launch = events[entry["uid"]]
    assert launch["dtstart"].params["TZID"] == "Europe/Berlin" and launch["dtstart"].dt.hour == 9
    assert int(launch["sequence"]) == 0 and launch["dtstamp"].dt.tzinfo is not None
    assert cli("calendar", "move", entry["id"][:8], "--time", "10:00", env=BERLIN).exit_code == 0
    second = tmp_path / "two.ics"
    assert cli("calendar", "export", "--ics", str(second)).exit_code == 0
    again = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(second.read_bytes()).walk("VEVENT")}
    assert set(again) == set(events)  # same UIDs: calendar programs update, not duplicate
    assert int(again[entry["uid"]]["sequence"]) == 1 and again[entry["uid"]]["dtstart"].dt.hour == 10
    # Importing our own export changes nothing; twice is the same as once.
    result = cli("calendar", "import", "--ics", str(second), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json() == {"created": 0, "updated": 0, "unchanged": 2, "recurring": [], "notes": []}
    # Importing the older file moves the event back (an update by UID), never adds one.
    assert cli("calendar", "import", "--ics", str(first), "--json").json() == {
        "created": 0,
        "updated": 1,
        "unchanged": 1,
        "recurring": [],
        "notes": [],
    }
    assert len(cli("calendar", "list", "--json").json()) == 2


def test_reimporting_my_export_after_changing_the_timezone_changes_nothing(cli, signed_up, tmp_path):
    """An export names no zone for an all-day entry (a DATE) nor for one planned in UTC (`...Z`); a
    re-import read those in the timezone set then: after moving from Berlin to Tokyo, each was
    "updated" into Tokyo (its SEQUENCE grew), the all-day ones now starting at Tokyo's midnight.
    An entry already in the calendar now reads such a start in its own zone: the same entries, at
    the same instants, whatever the zone is now. So does another program's file of UTC and
    floating times, its recurring events' occurrences too."""
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    add(cli, "Timed in Berlin", "--date", "2026-03-30", "--time", "09:00", env=BERLIN)
    add(cli, "All day in Berlin", "--date", "2026-04-02", env=BERLIN)
    add(cli, "Timed in UTC", "--date", "2026-05-01", "--time", "23:30", env={"BLOGSTER_TIMEZONE": "UTC"})
    add(cli, "All day in UTC", "--date", "2026-05-02", env={"BLOGSTER_TIMEZONE": "UTC"})
    other = tmp_path / "other.ics"
    other.write_bytes(
        (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
            "BEGIN:VEVENT\r\nUID:utc@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261210T080000Z\r\n"
            "SUMMARY:In UTC\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:floating@x\r\nDTSTAMP:20260101T000000Z\r\n"
            f"DTSTART:{today + timedelta(days=7):%Y%m%d}T100000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
            "SUMMARY:Floating weekly\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode()
    )
    assert cli("calendar", "import", "--ics", str(other), "--json", env=BERLIN).json()["created"] == 4
    mine = tmp_path / "mine.ics"
    assert cli("calendar", "export", "--ics", str(mine), env=BERLIN).exit_code == 0
    before = cli("calendar", "list", "--json").json()
    assert len(before) == 8
    for zone in ("Asia/Tokyo", "America/New_York"):
        for ics in (mine, other):
            result = cli("calendar", "import", "--ics", str(ics), "--json", env={"BLOGSTER_TIMEZONE": zone})
            assert result.exit_code == 0, result.stderr
            report = result.json()
            assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 8 if ics == mine else 4)
        assert cli("calendar", "list", "--json").json() == before, zone
    shown = {e["title"]: (e["scheduled_time"], e["timezone"], e["starts_at"]) for e in before}
    assert shown["All day in Berlin"] == (None, "Europe/Berlin", "2026-04-01T22:00:00Z")
    assert shown["Timed in UTC"] == ("23:30:00", "UTC", "2026-05-01T23:30:00Z")
    assert shown["In UTC"] == ("09:00:00", "Europe/Berlin", "2026-12-10T08:00:00Z")


@pytest.mark.same_on_every_server  # writing and reading ICS is Python's: CI's second pass leaves it out
def test_a_byte_order_mark_pasted_into_an_entry_is_not_stored_so_the_export_reads_back_the_same(
    cli, signed_up, tmp_path
):
    entry = add(cli, "\ufeffLaunch", "--date", "2026-03-30", "--topic", "\ufefflaunch", "--description", "\ufeffNotes")
    assert (entry["title"], entry["topic_category"], entry["description"]) == ("Launch", "launch", "Notes")
    exported = tmp_path / "plan.ics"
    assert cli("calendar", "export", "--ics", str(exported)).exit_code == 0
    result = cli("calendar", "import", "--ics", str(exported), "--json")
    assert result.json() == {"created": 0, "updated": 0, "unchanged": 1, "recurring": [], "notes": []}


@pytest.mark.same_on_every_server  # reading ICS is Python's: CI's second pass leaves it out
def test_import_from_another_program_is_idempotent_by_uid(cli, signed_up, tmp_path):
    ics = tmp_path / "google.ics"
    ics.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:abc123@google.com\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20261210T080000Z\r\n"
        b"SUMMARY:Guest post\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert cli("calendar", "import", "--ics", str(ics), "--json", env=BERLIN).json()["created"] == 1
    assert cli("calendar", "import", "--ics", str(ics), "--json", env=BERLIN).json()["unchanged"] == 1
    (entry,) = cli("calendar", "list", "--json").json()
    assert entry["uid"] == "abc123@google.com" and entry["scheduled_time"] == "09:00:00"
    assert entry["timezone"] == "Europe/Berlin"
    bad = tmp_path / "bad.ics"
    bad.write_text("hello")
    result = cli("calendar", "import", "--ics", str(bad))
    assert result.exit_code == 2 and "not an iCalendar file" in result.stderr


@pytest.mark.same_on_every_server  # reading ICS is Python's: CI's second pass leaves it out
def test_an_import_past_the_entry_cap_is_refused_whole_in_one_line_and_writes_nothing(
    cli, signed_up, tmp_path, monkeypatch
):
    """Red team 27b F6: a small file of minutely events added 292,800 entries; now a file whose
    recurring events make more than the cap (lowered here: 10,000 in use) is refused, exit 2, and adds none."""
    from blogster_cli.planning import ics

    monkeypatch.setattr(ics, "MAX_FILE_OCCURRENCES", 500)
    minutely = [f"UID:n{n}@x\r\nSUMMARY:n{n}\r\nDTSTART:20261205T090000Z\r\nRRULE:FREQ=MINUTELY\r\n" for n in range(3)]
    result = cli("calendar", "import", "--ics", str(ics_events(tmp_path / "many.ics", *minutely)))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "recurring events make more entries than one import adds from them (500 occurrences" in result.stderr
    assert "its first 2 of 3 events make 732 already;" in result.stderr
    assert cli("calendar", "list", "--format", "count").stdout.strip() == "0"


@pytest.mark.same_on_every_server  # reading ICS is Python's: CI's second pass leaves it out
def test_an_import_whose_rules_walk_past_the_file_s_limit_is_refused_whole_in_one_line(
    cli, signed_up, tmp_path, monkeypatch
):
    """Red team 47 F5: 100 rules that never match (15 KB) took 17-43 s of CPU; now a file whose rules
    walk past the file's limit (lowered here: 3,000,000 looks in use) is refused, exit 2, and adds none."""
    from blogster_cli.planning import ics

    monkeypatch.setattr(ics, "_FILE_WALK", 400_000)  # one rule that never matches walks 270,000
    never = [
        f"UID:n{n}@x\r\nSUMMARY:n{n}\r\nDTSTART:20250101T000000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n"
        for n in range(3)
    ]
    result = cli("calendar", "import", "--ics", str(ics_events(tmp_path / "never.ics", *never)))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert (
        "recurring events take too long to expand in all (rules that never match, such as February 30" in result.stderr
    )
    assert "its first 2 of 3 events went past the limit; split the file, or fix its rules" in result.stderr
    assert cli("calendar", "list", "--format", "count").stdout.strip() == "0"
    alone = cli("calendar", "import", "--ics", str(ics_events(tmp_path / "one.ics", never[0])))
    assert alone.exit_code == 0 and "such as February 30?" in alone.stderr  # one alone: imported with its note


def test_views_and_next_change_load_only_the_entries_they_need_not_every_upcoming_one(cli, signed_up, superuser):
    """Red team 27b F6: after a large import the calendar commands were slow. The views read their
    days (and a day each side) only; `next-change` loaded every upcoming entry (6.5 s for 200,000)
    to find the earliest, and now asks SQL for it."""
    from sqlalchemy import event

    from blogster_cli.models.calendar import ContentCalendar

    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    (author,) = superuser.execute("select id from auth.users where email = 'ada@example.com'").fetchone()
    superuser.execute(
        "insert into public.content_calendar (user_id, uid, title, scheduled_date, scheduled_time, timezone)"
        " select %s, 'far-' || n, 'Far', %s, time '09:00', 'UTC' from generate_series(1, 2000) n",
        (author, tomorrow + timedelta(days=200)),
    )
    superuser.execute(
        "insert into public.content_calendar (user_id, uid, title, scheduled_date, scheduled_time, timezone)"
        " values (%s, 'soon', 'Soon', %s, '23:30', 'Pacific/Kiritimati')",  # UTC+14: 09:30 UTC that day
        (author, tomorrow),
    )
    loaded = []

    def count(target, context):
        loaded.append(target.uid)

    event.listen(ContentCalendar, "load", count)
    try:
        views = (("agenda", "--days", "3"), ("week", tomorrow.isoformat()), ("month", f"{tomorrow:%Y-%m}"))
        for view in views:
            shown = cli("calendar", *view, "--json", env={"BLOGSTER_TIMEZONE": "UTC"}).json()
            assert [e["title"] for day in shown["days"] for e in day["events"]] == ["Soon"]
        assert loaded == ["soon"] * 3
        found = cli("calendar", "next-change", "--json").json()
        assert found == {"what": "calendar", "at": f"{tomorrow}T09:30:00+00:00"}
        assert loaded == ["soon"] * 3  # none loaded: the earliest start comes from SQL
    finally:
        event.remove(ContentCalendar, "load", count)


def ics_events(path, *events):
    body = "".join(f"BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n{event}END:VEVENT\r\n" for event in events)
    path.write_bytes(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n{body}END:VCALENDAR\r\n".encode())
    return path


PLANNED = (
    "UID:title@x\r\nSUMMARY:Title\r\nDTSTART:20261210T090000Z\r\n",
    "UID:time@x\r\nSUMMARY:Time\r\nDTSTART:20261211T090000Z\r\n",
    "UID:notes@x\r\nSUMMARY:Notes\r\nDESCRIPTION:old\r\nDTSTART:20261212T090000Z\r\n",
    "UID:same@x\r\nSUMMARY:Same\r\nDTSTART:20261213T090000Z\r\n",
)
REPLANNED = (
    "UID:title@x\r\nSUMMARY:Title renamed\r\nDTSTART:20261210T090000Z\r\n",
    "UID:time@x\r\nSUMMARY:Time\r\nDTSTART;TZID=America/New_York:20261211T070000\r\n",
    "UID:notes@x\r\nSUMMARY:Notes\r\nDESCRIPTION:new\r\nDTSTART:20261212T090000Z\r\n",
    PLANNED[3],
    "UID:added@x\r\nSUMMARY:Added\r\nDTSTART:20261214T090000Z\r\n",
)


def calendar_rows_written(superuser):
    """Each entry's columns an import sets, its sequence, and when (updated_at, xmin) it was last written."""
    query = (
        "select uid, title, description, scheduled_date::text, scheduled_time::text, timezone, sequence,"
        " updated_at, xmin::text from public.content_calendar"
    )
    return {row[0]: row[1:] for row in superuser.execute(query).fetchall()}


def test_a_reimport_writes_the_changed_events_in_one_statement_and_leaves_the_others_unwritten(
    cli, signed_up, superuser, tmp_path
):
    """An ORM UPDATE per changed event was a round trip each: 100,000 renamed events took 27.6 s."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    assert cli("calendar", "import", "--ics", str(ics_events(tmp_path / "a.ics", *PLANNED))).exit_code == 0
    before = calendar_rows_written(superuser)
    updates: list[tuple[str, bool]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().lower().startswith("update") and "content_calendar" in statement:
            updates.append((statement, executemany))

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        result = cli("calendar", "import", "--ics", str(ics_events(tmp_path / "b.ics", *REPLANNED)), "--json")
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert result.exit_code == 0, result.stderr
    assert (result.json()["created"], result.json()["updated"], result.json()["unchanged"]) == (1, 3, 1)
    assert len(updates) == 1 and not updates[0][1]  # one statement for all three, not one per event
    after = calendar_rows_written(superuser)
    assert after["same@x"] == before["same@x"]  # not written at all: same updated_at, same xmin
    assert after["title@x"][:6] == ("Title renamed", None, "2026-12-10", "09:00:00", "UTC", 1)
    assert after["time@x"][:6] == ("Time", None, "2026-12-11", "07:00:00", "America/New_York", 1)
    assert after["notes@x"][:6] == ("Notes", "new", "2026-12-12", "09:00:00", "UTC", 1)
    for uid in ("title@x", "time@x", "notes@x"):
        assert after[uid][6] > before[uid][6]  # updated_at
    assert after["added@x"][:6] == ("Added", None, "2026-12-14", "09:00:00", "UTC", 0)


def test_a_reimport_refused_by_one_row_adds_and_changes_nothing(cli, signed_up, superuser, tmp_path):
    """The file is one unit of work: a changed row the database refuses (here by a check the test
    adds) undoes the other changed rows, written by the same statement, and the event added."""
    assert cli("calendar", "import", "--ics", str(ics_events(tmp_path / "a.ics", *PLANNED))).exit_code == 0
    before = calendar_rows_written(superuser)
    superuser.execute("alter table public.content_calendar add constraint no_notes check (description <> 'new')")
    result = cli("calendar", "import", "--ics", str(ics_events(tmp_path / "b.ics", *REPLANNED)))
    assert result.exit_code == 2, result.stderr
    assert calendar_rows_written(superuser) == before


@pytest.mark.same_on_every_server  # expanding the RRULE is Python's: CI's second pass leaves it out
def test_a_recurring_event_imports_its_occurrences_in_the_next_12_months_once(cli, signed_up, tmp_path):
    """A weekly event (RRULE, one week left out by EXDATE, one moved by a RECURRENCE-ID event)
    adds one entry per occurrence from today for 12 months, each with a UID of its own, and says
    so on stderr and in --json; importing the file again adds nothing."""
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    monday = today - timedelta(days=today.weekday() + 14)  # two weeks back: those are not imported
    skipped, moved = monday + timedelta(weeks=3), monday + timedelta(weeks=4)
    ics = tmp_path / "weekly.ics"
    ics.write_bytes(
        (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
            "BEGIN:VEVENT\r\nUID:weekly@x\r\nDTSTAMP:20260101T000000Z\r\n"
            f"DTSTART;TZID=Europe/Berlin:{monday:%Y%m%d}T090000\r\nRRULE:FREQ=WEEKLY\r\n"
            f"EXDATE;TZID=Europe/Berlin:{skipped:%Y%m%d}T090000\r\nSUMMARY:Weekly tips\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:weekly@x\r\nDTSTAMP:20260101T000000Z\r\n"
            f"RECURRENCE-ID;TZID=Europe/Berlin:{moved:%Y%m%d}T090000\r\n"
            f"DTSTART;TZID=Europe/Berlin:{moved:%Y%m%d}T110000\r\nSUMMARY:Weekly tips (late)\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n"
        ).encode()
    )
    expected = [
        day
        for day in (monday + timedelta(weeks=n) for n in range(60))
        if today <= day < today + timedelta(days=365) and day != skipped
    ]
    result = cli("calendar", "import", "--ics", str(ics), "--json", env=BERLIN)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert (report["created"], report["updated"], report["unchanged"]) == (len(expected), 0, 0)
    (recurring,) = report["recurring"]
    assert recurring["uid"] == "weekly@x" and recurring["imported"] == len(expected)
    assert recurring["first"] == str(expected[0]) and not recurring["truncated"]
    assert (
        f"note: 'Weekly tips' repeats: {plural(len(expected), 'occurrence')} imported, {expected[0]} to {expected[-1]}"
        f" (an import takes those from {today} to" in result.stderr
    )
    entries = cli("calendar", "list", "--json").json()
    assert sorted(date.fromisoformat(e["scheduled_date"]) for e in entries) == expected
    assert len({e["uid"] for e in entries}) == len(expected) and all(e["uid"].startswith("weekly@x#") for e in entries)
    (late,) = [e for e in entries if e["title"] == "Weekly tips (late)"]
    assert (late["scheduled_date"], late["scheduled_time"]) == (str(moved), "11:00:00")
    again = cli("calendar", "import", "--ics", str(ics), "--json", env=BERLIN).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, len(expected))
    assert len(cli("calendar", "list", "--json").json()) == len(expected)
    human = cli("calendar", "import", "--ics", str(ics), env=BERLIN)
    assert human.exit_code == 0 and human.stderr.count("\n") == 2 and "note: 'Weekly tips' repeats" in human.stderr


@pytest.mark.same_on_every_server  # writing ICS is Python's: CI's second pass leaves it out
def test_feed_writes_calendar_ics_into_the_site_output(cli, signed_up, tmp_path):
    add(cli, "Launch", "--date", "2026-12-07")
    out = tmp_path / "public"
    result = cli("calendar", "feed", "--json", env={"BLOGSTER_SITE_OUT": str(out)})  # made, as site build makes it
    assert result.exit_code == 0, result.stderr
    feed = out / "calendar.ics"
    assert [str(e["summary"]) for e in icalendar.Calendar.from_ical(feed.read_bytes()).walk("VEVENT")] == ["Launch"]
    assert sorted(p.name for p in out.iterdir()) == ["calendar.ics"]  # no temporary file left


def test_suggest_learns_from_analytics_and_scores_upcoming_entries(cli, signed_up, superuser, tmp_path):
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Read me\nslug: read-me\n---\nBody.\n")
    assert cli("blogs", "new", "--from", str(post)).exit_code == 0
    new_blog = cli("calendar", "suggest", "--json")  # no analytics yet: a default, not an error (h329 L10)
    assert new_blog.exit_code == 0, new_blog.stderr
    default = new_blog.json()
    assert (default["weekday"], default["hour"], default["entries_scored"]) == ("Tuesday", 9, 0), default
    assert (default["weekday_source"], default["hour_source"], default["days_counted"]) == ("default", "default", 0)
    assert "Tuesdays at 09:00 is a default, not your readers' time; no entry was scored" in new_blog.stderr
    for days in ("0", "100000000"):  # the second overflowed the date arithmetic: exit 1
        assert cli("calendar", "suggest", "--days", days).exit_code == 2
    (blog_id,) = superuser.execute("select id from public.blogs where slug = 'read-me'").fetchone()
    today = datetime.now(UTC).date()
    hourly = [0] * 24
    hourly[17] = 40  # 17:00 UTC = 18:00 in Berlin in winter, 19:00 in summer
    for offset in range(1, 43):
        day = today - timedelta(days=offset)
        views = 300 if day.weekday() == 3 else 20
        superuser.execute(
            "insert into public.blog_analytics (blog_id, date, views, views_by_hour) values (%s, %s, %s, %s)",
            (blog_id, day, views, hourly),
        )
    thursday = today + timedelta(days=(3 - today.weekday()) % 7 or 7)
    add(cli, "On a Thursday", "--date", thursday.isoformat(), "--time", "18:00", env={"BLOGSTER_TIMEZONE": "UTC"})
    add(cli, "On a Monday", "--date", (thursday + timedelta(days=4)).isoformat(), "--time", "06:00")
    result = cli("calendar", "suggest", "--json")
    assert result.exit_code == 0, result.stderr
    found = result.json()
    assert found["weekday"] == "Thursday" and found["hour"] == 17 and found["entries_scored"] == 2
    scores = dict(superuser.execute("select title, optimal_time_score from public.content_calendar").fetchall())
    assert scores["On a Thursday"] == 0.0 and scores["On a Monday"] == 0.0  # 18:00 and 06:00: nobody reads then
    assert cli("calendar", "move", "On a Thursday", "--time", "17:00").exit_code == 3  # a title is not a reference
    superuser.execute("update public.content_calendar set scheduled_time = '17:00' where title = 'On a Thursday'")
    assert cli("calendar", "suggest").exit_code == 0
    assert superuser.execute(
        "select optimal_time_score from public.content_calendar where title = 'On a Thursday'"
    ).fetchone() == (1.0,)


@pytest.mark.parametrize("dry_run", [True, False])
def test_run_due_cli_json_summary(cli, signed_up, superuser, dry_run):
    (user_id,) = superuser.execute("select id from auth.users").fetchone()
    scheduled_posts(superuser, user_id, 2)
    args = ("calendar", "run-due", "--json", "--now", datetime.now(UTC).isoformat()) + (
        ("--dry-run",) if dry_run else ()
    )
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["dry_run"] is dry_run and len(summary["published"]) == 2 and summary["errors"] == []
    expected = "scheduled" if dry_run else "published"
    assert set(statuses(superuser).values()) == {expected}
    nxt = cli("calendar", "next-change", "--json")
    assert nxt.exit_code == 0 and nxt.json() is None


def test_run_due_exits_1_when_a_step_fails_and_keeps_what_was_done(cli, signed_up, superuser, tmp_path):
    (user_id,) = superuser.execute("select id from auth.users").fetchone()
    scheduled_posts(superuser, user_id, 1)
    not_a_folder = tmp_path / "site-out"
    not_a_folder.write_text("a file where the site should go")
    result = cli("calendar", "run-due", "--json", env={"BLOGSTER_SITE_OUT": str(not_a_folder)})
    assert result.exit_code == 1
    summary = result.json()
    assert [p["slug"] for p in summary["published"]] == ["due-1"] and summary["errors"][0].startswith("site:")
    assert result.stderr.startswith("error: site:") and "Traceback" not in result.stderr
    assert statuses(superuser) == {"due-1": "published"}


@pytest.mark.timeout(120)  # the FIFO held the run in open(2) for good: a signal ends it
def test_run_due_says_in_one_line_that_a_fifo_at_the_manifest_s_name_is_damaged(cli, signed_up, superuser, tmp_path):
    """Red team 46 F2: `mkfifo site/.blogster-site.json` hung `calendar run-due --json` for good, and a
    run each minute piled up behind it. Now it is one error line, exit 1, the post published."""
    import os

    (user_id,) = superuser.execute("select id from auth.users").fetchone()
    scheduled_posts(superuser, user_id, 1)
    (site := tmp_path / "site").mkdir()
    os.mkfifo(site / ".blogster-site.json")
    result = cli("calendar", "run-due", "--json", env={"BLOGSTER_SITE_OUT": str(site)})
    assert result.exit_code == 1
    damaged = f"site: {site / '.blogster-site.json'} is damaged (not a regular file: a folder, link, FIFO or device); remove it"
    assert result.json()["errors"] == [damaged] and result.stderr == f"error: {damaged}\n"
    assert statuses(superuser) == {"due-1": "published"}


@pytest.mark.same_on_every_server  # reading ICS is Python's: CI's second pass leaves it out
def test_an_event_with_an_unreadable_or_repeated_start_is_refused_in_one_line(cli, signed_up, tmp_path):
    for start in (b"DTSTART:\r\n", b"DTSTART:soon\r\n", b"DTSTART:20261210\r\nDTSTART:20261211\r\n"):
        ics = tmp_path / "odd.ics"
        ics.write_bytes(
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:odd@example.com\r\n"
            + start
            + b"SUMMARY:Odd\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        result = cli("calendar", "import", "--ics", str(ics))
        assert result.exit_code == 2, (start, result.stderr)
        assert result.stderr.count("\n") == 1 and "odd@example.com" in result.stderr, result.stderr
    assert cli("calendar", "list", "--json").json() == []


@pytest.mark.same_on_every_server  # the date arithmetic is Python's: CI's second pass leaves it out
def test_dates_near_year_9999_are_refused_on_input_and_shown_clamped_when_stored(cli, signed_up, superuser, tmp_path):
    new_york, kiritimati = {"BLOGSTER_TIMEZONE": "America/New_York"}, {"BLOGSTER_TIMEZONE": "Pacific/Kiritimati"}
    ics = tmp_path / "far.ics"
    ics.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:far@example.com\r\n"
        b"DTSTART;TZID=America/New_York:99991231T235900\r\nSUMMARY:Far\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    for args, env in [
        (("add", "far", "--date", "9999-12-31", "--time", "23:59"), new_york),  # 10000-01-01 in UTC
        (("add", "early", "--date", "0001-01-01"), {"BLOGSTER_TIMEZONE": "Asia/Tokyo"}),  # year 0 in UTC
        (("import", "--ics", str(ics)), None),
        (("month", "9999-12"), None),  # its last week ends on 10000-01-02
        (("week", "--date", "9999-12-31"), None),
    ]:
        result = cli("calendar", *args, env=env)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "unexpected" not in result.stderr, (args, result.stderr)
        assert "outside years 1 to 9999" in result.stderr, (args, result.stderr)
    far = add(cli, "far", "--date", "9999-12-31", "--time", "23:59")  # in UTC it fits
    moved = cli("calendar", "move", far["id"][:8], "--time", "23:00", env=new_york)
    assert moved.exit_code == 2 and "outside years 1 to 9999" in moved.stderr, moved.stderr
    # A row stored before this check (or dated past 9999 in the database) is shown at the range's end.
    superuser.execute("update public.content_calendar set timezone = 'America/New_York'")
    for env in (new_york, kiritimati):
        listed = cli("calendar", "list", env=env)
        assert listed.exit_code == 0 and "\t9999-12-31\t" in listed.stdout, listed.stderr  # 18:59 or 23:59
        assert cli("calendar", "list", "--json", env=env).json()[0]["starts_at"] == "9999-12-31T23:59:59.999999Z"
        exported = cli("calendar", "export", "--ics", str(tmp_path / "out.ics"), "--force", env=env)
        assert exported.exit_code == 0, exported.stderr
        month = cli("calendar", "month", "9999-11", "--json", env=env)
        assert month.exit_code == 0, month.stderr
        assert cli("calendar", "week", "--date", "9999-12-20", env=env).exit_code == 0
    superuser.execute("update public.content_calendar set scheduled_date = 'infinity'")
    listed = cli("calendar", "list", "--json", env=kiritimati)
    assert listed.exit_code == 0 and listed.json()[0]["scheduled_date"] == "9999-12-31", listed.stderr
    assert cli("calendar", "export", "--ics", str(tmp_path / "out.ics"), "--force", env=kiritimati).exit_code == 0


def test_import_reads_no_link_and_quotes_no_line_of_a_file_that_is_not_a_calendar(cli, signed_up, tmp_path):
    """A red team imported `plan.ics -> ~/.ssh/id_rsa`: the link was followed, and the parse error
    printed the key's first line."""
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n")
    for path in (secret, tmp_path / "plan.ics"):
        if path != secret:
            path.symlink_to(secret)
        result = cli("calendar", "import", "--ics", str(path))
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "PRIVATE KEY" not in result.stderr and "b3Bl" not in result.stderr and str(path) in result.stderr
    assert "symbolic link: not followed" in result.stderr
    calendar = tmp_path / "real.ics"
    calendar.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u@x\r\nDTSTART:20261210T090000Z\r\nSUMMARY:S\r\n"
                         b"END:VEVENT\r\nEND:VCALENDAR\r\n")  # fmt: skip
    (tmp_path / "linked.ics").symlink_to(calendar)
    assert cli("calendar", "import", "--ics", str(tmp_path / "linked.ics")).exit_code == 2
    assert cli("calendar", "list", "--json").json() == []


@pytest.mark.same_on_every_server  # checking the input is Python's: CI's second pass leaves it out
def test_add_takes_all_day_as_move_does_and_refuses_it_with_a_time(cli, signed_up):
    """`calendar move` took --all-day and `calendar add` refused it as an unknown option (exit 2)."""
    entry = add(cli, "Whole day", "--date", "2026-12-07", "--all-day")
    assert (entry["scheduled_date"], entry["scheduled_time"]) == ("2026-12-07", None)
    both = cli("calendar", "add", "Both", "--date", "2026-12-07", "--time", "10:00", "--all-day")
    assert both.exit_code == 2 and "--time and --all-day contradict" in both.stderr and both.stderr.count("\n") == 1
    assert [e["title"] for e in cli("calendar", "list", "--json").json()] == ["Whole day"]


@pytest.mark.same_on_every_server  # checking the input is Python's: CI's second pass leaves it out
def test_move_refuses_a_time_with_all_day_and_titles_are_capped_like_posts(cli, signed_up, tmp_path):
    entry = add(cli, "Plan", "--date", "2026-12-07", "--time", "09:00")
    both = cli("calendar", "move", entry["id"][:8], "--time", "10:00", "--all-day")
    assert both.exit_code == 2 and "--time and --all-day" in both.stderr and both.stderr.count("\n") == 1
    assert cli("calendar", "list", "--json").json()[0]["scheduled_time"] == "09:00:00"

    assert add(cli, "x" * 500, "--date", "2026-12-07")["title"] == "x" * 500
    long = cli("calendar", "add", "x" * 100_000, "--date", "2026-12-07")
    assert (long.exit_code, long.stderr) == (2, "error: a title has at most 500 characters\n")
    ics = tmp_path / "long.ics"
    ics.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:long@x\r\nDTSTART:20261210T090000Z\r\nSUMMARY:"
                    + b"y" * 100_000 + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")  # fmt: skip
    refused = cli("calendar", "import", "--ics", str(ics))
    assert refused.exit_code == 2 and "event 'long@x': a title has at most 500 characters" in refused.stderr
    assert len(cli("calendar", "list", "--json").json()) == 2


@pytest.mark.same_on_every_server  # drawing the list is Python's: CI's second pass leaves it out
def test_the_list_shows_times_as_typed(cli, signed_up):
    """The table and CSV printed `09:00:00` where every other view prints 09:00 (JSON keeps ISO)."""
    add(cli, "Launch", "--date", "2026-12-07", "--time", "09:00")
    add(cli, "All day", "--date", "2026-12-08")
    rows = cli("calendar", "list", "--format", "csv").stdout.splitlines()
    assert [row.split(",")[2] for row in rows] == ["time", "09:00", "all day"]
    assert cli("calendar", "list", "--json").json()[0]["scheduled_time"] == "09:00:00"


@pytest.mark.same_on_every_server  # drawing the views is Python's: CI's second pass leaves it out
def test_an_imported_time_with_seconds_reads_the_same_in_the_list_and_the_views(cli, signed_up, tmp_path):
    """`calendar list` showed an imported 09:00:30 as 09:00:30, the agenda and week views as 09:00:
    one clock format serves them all (seconds only where an entry has them)."""
    day = datetime.now(UTC).date() + timedelta(days=1)  # tomorrow in UTC, the timezone used here
    starts = f"{day:%Y%m%d}T090030Z"
    ics = ics_events(tmp_path / "seconds.ics", f"UID:s@x\r\nSUMMARY:Odd second\r\nDTSTART:{starts}\r\n")
    env = {"BLOGSTER_TIMEZONE": "UTC"}
    assert cli("calendar", "import", "--ics", str(ics), env=env).exit_code == 0
    add(cli, "On the minute", "--date", day.isoformat(), "--time", "10:00", env=env)
    listed = cli("calendar", "list", "--format", "csv", env=env).stdout.splitlines()
    assert [row.split(",")[2] for row in listed[1:]] == ["09:00:30", "10:00"]
    agenda = cli("calendar", "agenda", "--days", "2", "--format", "csv", env=env).stdout.splitlines()
    assert [row.split(",")[1] for row in agenda[1:]] == ["09:00:30", "10:00"]
    week = cli("calendar", "week", day.isoformat(), env={**env, "COLUMNS": "200"}).stdout
    assert "09:00:30 Odd second" in week and "10:00 On the minute" in week
