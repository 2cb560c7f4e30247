"""The notification preferences' timezone (the zone their quiet hours are read in, kept in the
database for the server that queues the emails) follows the `timezone` setting until the account
chooses a zone of its own, also for an account made before the setting was changed (the walk's
L24: `quickstart`, then `config set timezone Europe/Berlin`, and the quiet hours stayed in UTC)."""

from __future__ import annotations

from tests.cli.conftest import PASSWORD


def stored_zone(superuser, email: str) -> tuple[str, bool]:
    """What the server reads the quiet hours in, and whether it follows the setting."""
    return superuser.execute(
        "select p.timezone, p.timezone_follows_setting from public.user_notification_preferences p"
        " join auth.users u on u.id = p.user_id where u.email = %s",
        (email,),
    ).fetchone()


def shown_zone(cli, env: dict[str, str] | None = None) -> str:
    shown = cli("notifications", "prefs", "show", "--json", env=env)
    assert shown.exit_code == 0, shown.stderr
    return shown.json()["timezone"]


def test_an_account_made_before_the_setting_changed_follows_it(cli, signed_up, superuser):
    assert stored_zone(superuser, signed_up) == ("UTC", True)  # signed up on the default setting
    changed = cli("config", "set", "timezone", "Europe/Berlin")
    assert changed.exit_code == 0, changed.stderr
    assert "note:" not in changed.stderr
    # Written as the setting changed: an email queued now waits for the quiet hours' end in Berlin.
    assert stored_zone(superuser, signed_up) == ("Europe/Berlin", True)
    assert shown_zone(cli) == "Europe/Berlin"
    unset = cli("config", "unset", "timezone")
    assert unset.exit_code == 0, unset.stderr
    assert stored_zone(superuser, signed_up) == ("UTC", True)


def test_the_setting_as_a_command_reads_it_is_followed_when_the_preferences_are_shown(cli, signed_up, superuser):
    # BLOGSTER_TIMEZONE (or a hand edit of the config file) changes no stored value by itself.
    assert shown_zone(cli, env={"BLOGSTER_TIMEZONE": "Asia/Tokyo"}) == "Asia/Tokyo"
    assert stored_zone(superuser, signed_up) == ("Asia/Tokyo", True)
    quiet = cli(
        "notifications",
        "prefs",
        "set",
        "quiet_hours_start",
        "22:00",
        "--json",
        env={"BLOGSTER_TIMEZONE": "Europe/Paris"},
    )
    assert quiet.exit_code == 0 and quiet.json()["timezone"] == "Europe/Paris", quiet.stderr


def test_a_zone_chosen_in_the_preferences_stays_until_set_back_to_the_settings(cli, signed_up, superuser):
    assert cli("config", "set", "timezone", "Europe/Berlin").exit_code == 0
    chosen = cli("notifications", "prefs", "set", "timezone", "America/New_York")
    assert chosen.exit_code == 0, chosen.stderr
    assert "prefs set timezone Europe/Berlin" in chosen.stderr  # the note says how to follow it again
    assert cli("config", "set", "timezone", "Asia/Tokyo").exit_code == 0
    assert stored_zone(superuser, signed_up) == ("America/New_York", False)
    assert shown_zone(cli) == "America/New_York"
    # Set to the setting's zone: it follows the setting again.
    assert cli("notifications", "prefs", "set", "timezone", "Asia/Tokyo").exit_code == 0
    assert cli("config", "set", "timezone", "Europe/Paris").exit_code == 0
    assert stored_zone(superuser, signed_up) == ("Europe/Paris", True)


def test_config_set_without_a_session_changes_only_the_setting(cli, superuser):
    made = cli("auth", "signup", "--email", "bo@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert made.exit_code == 0, made.stderr
    assert cli("auth", "logout").exit_code == 0
    changed = cli("config", "set", "timezone", "Europe/Berlin")
    assert changed.exit_code == 0 and changed.stderr.count("\n") == 1, changed.stderr  # its one line, no note
    assert stored_zone(superuser, "bo@example.com") == ("UTC", True)  # followed once they sign in and look
