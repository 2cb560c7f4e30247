"""Every time you type without an offset is in your `timezone` setting, read by one helper
(planning/times.parse_at): run-due's --now and a maintenance window's --start/--end too, which once
read UTC (h228 L6). Lists show the times in your timezone, labelled; --json keeps ISO 8601 with the offset."""

from __future__ import annotations

from tests.cli.test_publish_cli import new_post

BERLIN = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
TOKYO = {"BLOGSTER_TIMEZONE": "Asia/Tokyo"}


def test_run_due_now_is_in_your_timezone(cli, signed_up, tmp_path):
    new_post(cli, tmp_path, "launch")
    assert cli("publish", "launch", "--at", "2026-12-20 09:00", env=BERLIN).exit_code == 0  # 08:00 UTC
    early = cli("calendar", "run-due", "--dry-run", "--json", "--now", "2026-12-20 08:30", env=BERLIN)
    assert early.exit_code == 0, early.stderr
    assert early.json()["published"] == []  # 08:30 in Berlin, not 08:30 UTC (then the post was due)
    assert early.json()["now"] in ("2026-12-20T07:30:00Z", "2026-12-20T07:30:00+00:00", "2026-12-20T08:30:00+01:00")
    due = cli("calendar", "run-due", "--dry-run", "--json", "--now", "2026-12-20T09:01", env=BERLIN)
    assert [p["slug"] for p in due.json()["published"]] == ["launch"]
    offset = cli("calendar", "run-due", "--dry-run", "--json", "--now", "2026-12-20 08:30Z", env=BERLIN)
    assert [p["slug"] for p in offset.json()["published"]] == ["launch"]  # an offset names one instant


def test_run_due_now_says_which_of_two_times_it_took_and_refuses_a_skipped_one(cli, signed_up):
    twice = cli("calendar", "run-due", "--dry-run", "--now", "2026-10-25 02:30", env=BERLIN)
    assert twice.exit_code == 0, twice.stderr
    assert "give --now '2026-10-25 02:30+01:00'" in twice.stderr
    skipped = cli("calendar", "run-due", "--dry-run", "--now", "2026-03-29 02:30", env=BERLIN)
    assert skipped.exit_code == 2
    assert skipped.stderr == (
        "error: --now '2026-03-29 02:30' does not exist in Europe/Berlin (the clocks jump forward that night);"
        " choose a time before or after the gap\n"
    )


def test_maintenance_windows_are_typed_and_listed_in_your_timezone(cli, signed_up):
    scheduled = cli(
        "admin", "maintenance", "schedule", "--title", "Upgrade",
        "--start", "2030-01-05 02:00", "--end", "2030-01-05 03:00", "--json", env=BERLIN,
    )  # fmt: skip
    assert scheduled.exit_code == 0, scheduled.stderr
    window = scheduled.json()
    assert (window["start_time"], window["end_time"]) == ("2030-01-05T01:00:00+00:00", "2030-01-05T02:00:00+00:00")
    listed = cli("admin", "maintenance", "list", env=BERLIN).stdout.splitlines()
    assert "\t2030-01-05 02:00 CET\t2030-01-05 03:00 CET\t" in listed[1]  # as typed
    moved = cli("admin", "maintenance", "update", window["id"], "--end", "2030-01-05 04:00Z", "--json", env=TOKYO)
    assert moved.json()["end_time"] == "2030-01-05T04:00:00+00:00"
    past = cli("admin", "maintenance", "schedule", "--title", "Old", "--start", "2020-01-01 09:00",
               "--end", "2020-01-01 10:00", env=BERLIN)  # fmt: skip
    assert (past.exit_code, past.stderr) == (
        2,
        "error: --end 2020-01-01 10:00 CET has passed: schedule a window that is still to come\n",
    )


def test_notification_prefs_say_which_timezone_applies_to_what(cli, signed_up):
    assert cli("notifications", "prefs", "set", "quiet_hours_end", "07:00").exit_code == 0
    same = cli("notifications", "prefs", "set", "quiet_hours_start", "22:00")
    assert same.exit_code == 0 and same.stderr == ""  # its timezone is the setting's (UTC here)
    other = cli("notifications", "prefs", "set", "timezone", "America/New_York", env=BERLIN)
    assert other.exit_code == 0, other.stderr
    assert other.stderr == (
        "note: quiet hours are read in America/New_York (these preferences' timezone); the times you type"
        " and see everywhere else are in your timezone setting, Europe/Berlin"
        " (blogster notifications prefs set timezone Europe/Berlin to read quiet hours there too)\n"
    )
    shown = cli("notifications", "prefs", "show", env=BERLIN)
    assert "timezone" in shown.stdout and "America/New_York" in shown.stdout
    assert shown.stderr.startswith("note: quiet hours are read in America/New_York")
