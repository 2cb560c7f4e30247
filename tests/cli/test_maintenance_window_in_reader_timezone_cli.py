"""A maintenance notice shows its window in the reader's `timezone` setting (h306 L14, h315): the
0036 trigger writes its text once for every recipient, in UTC ("DB upgrade (2030-01-05 01:00 to
2030-01-05 02:00 UTC)" for a Berlin admin who typed 02:00); 0164 keeps the window's ends with the
notification, and `notifications list/read` and the TUI show them in the reader's zone. The text
stored (and emailed) stays UTC and says so; a notice without the ends is shown as stored."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from blogster_cli.services.notifications import content_in
from tests.cli.conftest import PASSWORD

UTC_TEXT = "DB upgrade (2030-01-05 01:00 to 2030-01-05 02:00 UTC); affected: publishing"
BERLIN_TEXT = "DB upgrade (2030-01-05 02:00 to 2030-01-05 03:00 CET); affected: publishing"
START, END = dt.datetime(2030, 1, 5, 1, 0, tzinfo=dt.UTC), dt.datetime(2030, 1, 5, 2, 0, tzinfo=dt.UTC)


def schedule_as_berlin_admin(cli, superuser) -> None:
    assert cli("config", "set", "timezone", "Europe/Berlin").exit_code == 0
    created = cli(
        "admin", "maintenance", "schedule", "--title", "DB upgrade", "--start", "2030-01-05 02:00",
        "--end", "2030-01-05 03:00", "--services", "publishing",
    )  # fmt: skip
    assert created.exit_code == 0, created.stderr
    assert superuser.execute(
        "select distinct content, window_start, window_end from user_notifications where type = 'maintenance'"
    ).fetchall() == [(UTC_TEXT, START, END)]  # one text for all, in UTC, and the window it is about


def test_notifications_show_the_window_in_the_readers_timezone_setting(cli, signed_up, superuser):
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert cli("auth", "login", "--email", signed_up, "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    schedule_as_berlin_admin(cli, superuser)

    listed = cli("notifications", "list", "--json").json()
    assert [(n["content"], n["window_start"], n["window_end"]) for n in listed] == [
        (BERLIN_TEXT, "2030-01-05T01:00:00+00:00", "2030-01-05T02:00:00+00:00")
    ]
    read = cli("notifications", "read", listed[0]["id"])
    assert read.exit_code == 0 and read.stdout.splitlines()[1] == BERLIN_TEXT
    assert cli("notifications", "read", listed[0]["id"], "--json").json()["content"] == BERLIN_TEXT

    # Another reader, another setting: the same notice in their zone.
    assert cli("auth", "login", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    new_york = cli("notifications", "list", "--json", env={"BLOGSTER_TIMEZONE": "America/New_York"}).json()
    assert new_york[0]["content"] == "DB upgrade (2030-01-04 20:00 to 2030-01-04 21:00 EST); affected: publishing"
    assert cli("notifications", "list", "--json", env={"BLOGSTER_TIMEZONE": "UTC"}).json()[0]["content"] == UTC_TEXT


def test_a_notice_stored_without_its_window_is_shown_as_stored(cli, signed_up, superuser):
    assert cli("config", "set", "timezone", "Europe/Berlin").exit_code == 0
    superuser.execute(
        "insert into user_notifications (user_id, type, title, content)"
        " select id, 'maintenance', 'Scheduled maintenance: old', %s from auth.users",
        (UTC_TEXT,),
    )  # as 0036 wrote them before 0164
    assert cli("notifications", "list", "--json").json()[0]["content"] == UTC_TEXT


@pytest.mark.parametrize(
    ("content", "zone", "shown"),
    [
        (UTC_TEXT, "Europe/Berlin", BERLIN_TEXT),
        ("DB upgrade (2030-01-05 01:00 to 2030-01-05 02:00 UTC)", "Asia/Kolkata",
         "DB upgrade (2030-01-05 06:30 to 2030-01-05 07:30 IST)"),
        # A description that quotes the window: only the trigger's own is rewritten.
        ("Moved from (2030-01-05 01:00 to 2030-01-05 02:00 UTC) (2030-01-05 01:00 to 2030-01-05 02:00 UTC)",
         "Europe/Berlin", "Moved from (2030-01-05 01:00 to 2030-01-05 02:00 UTC) (2030-01-05 02:00 to 2030-01-05 03:00 CET)"),
        ("Someone else's words", "Europe/Berlin", "Someone else's words"),  # no window named: as stored
        (UTC_TEXT, None, UTC_TEXT),  # no zone given
    ],
)  # fmt: skip
def test_content_in_rewrites_only_the_window_the_trigger_wrote(content, zone, shown):
    tz = ZoneInfo(zone) if zone else None
    assert content_in(content, window_start=START, window_end=END, tzinfo=tz) == shown
    assert content_in(content, window_start=None, window_end=END, tzinfo=tz) == content


def test_a_window_across_a_clock_change_labels_each_end():
    start, end = dt.datetime(2030, 3, 31, 0, 30, tzinfo=dt.UTC), dt.datetime(2030, 3, 31, 1, 30, tzinfo=dt.UTC)
    stored = "Upgrade (2030-03-31 00:30 to 2030-03-31 01:30 UTC)"
    assert content_in(stored, window_start=start, window_end=end, tzinfo=ZoneInfo("Europe/Berlin")) == (
        "Upgrade (2030-03-31 01:30 CET to 2030-03-31 03:30 CEST)"
    )
