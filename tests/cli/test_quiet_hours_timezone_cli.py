"""The notification preferences keep a timezone of their own: the zone their quiet hours are read in,
which the server needs when it queues an email (it cannot read a profile's `timezone` setting).
It starts as the `timezone` setting the account signs up with, and it decides nothing else: the
calendar, as every command, types and shows times in the `timezone` setting."""

from __future__ import annotations

from tests.cli.conftest import PASSWORD

BERLIN = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}


def _signup(cli, email, env=None):
    result = cli("auth", "signup", "--email", email, "--password-stdin", input=PASSWORD + "\n", env=env)
    assert result.exit_code == 0, result.stderr


def test_quiet_hours_start_in_the_timezone_the_account_signed_up_with(cli):
    _signup(cli, "ada@example.com", env=BERLIN)
    assert cli("notifications", "prefs", "show", "--json", env=BERLIN).json()["timezone"] == "Europe/Berlin"
    _signup(cli, "bob@example.com")  # the setting's default, UTC
    assert cli("notifications", "prefs", "show", "--json").json()["timezone"] == "UTC"


def test_the_preferences_timezone_does_not_move_the_calendar(cli, superuser):
    _signup(cli, "ada@example.com", env=BERLIN)
    assert cli("notifications", "prefs", "set", "timezone", "America/New_York").exit_code == 0
    added = cli("calendar", "add", "Launch", "--date", "2026-12-05", "--time", "00:47", "--json", env=BERLIN)
    assert added.exit_code == 0, added.stderr
    assert added.json()["timezone"] == "Europe/Berlin" and added.json()["starts_at"] == "2026-12-04T23:47:00Z"
    listed = cli("calendar", "list", env=BERLIN).stdout
    assert "\t2026-12-05\t00:47\t" in listed  # as `posts list` and `social show` show it
