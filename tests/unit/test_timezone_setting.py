"""The timezone setting (BLOGSTER_TIMEZONE, the config file, `config set`) takes IANA zone names only."""

import pytest

from blogster_cli import config
from blogster_cli.errors import ConfigError, InvalidInput


@pytest.mark.parametrize("name", ["UTC", "Europe/Berlin", "America/New_York", "Etc/UTC", "Asia/Kolkata"])
def test_iana_names_are_accepted(name):
    config.check_timezone(name)


@pytest.mark.parametrize(
    "name",
    ["posixrules", "posix/Europe/Berlin", "right/UTC", "Factory", "localtime", "zone.tab", "Mars/Olympus",
     "Europe", "x" * 300],
    ids=lambda name: name[:20],
)  # fmt: skip
def test_files_under_the_zone_folders_that_name_no_zone_are_refused(name):
    """ZoneInfo opens each of these (or fails otherwise than unknown); none is a zone to plan in. A
    folder of zones and a name too long for a file failed as files ("cannot use ...", exit 8); no
    zone's name is longer than the database keeps (64 characters, 0178)."""
    with pytest.raises(InvalidInput, match="unknown timezone"):
        config.check_timezone(name)


def test_the_environment_variable_is_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("BLOGSTER_HOME", str(tmp_path))
    monkeypatch.setenv("BLOGSTER_TIMEZONE", "posixrules")
    with pytest.raises(ConfigError, match="BLOGSTER_TIMEZONE: unknown timezone 'posixrules'"):
        config.load_settings()
    monkeypatch.setenv("BLOGSTER_TIMEZONE", "UTC")
    assert config.load_settings().timezone == "UTC"


@pytest.mark.parametrize("name", ["posixrules", "right/UTC", "Factory"])
def test_a_notification_timezone_is_an_iana_name_too(name):
    """`notifications prefs set timezone` checks the name as the setting does (planning/times.zone)."""
    from blogster_cli.services.notifications import _preference_value

    with pytest.raises(InvalidInput, match="unknown time zone"):
        _preference_value("timezone", name)
    assert _preference_value("timezone", "Europe/Berlin") == "Europe/Berlin"


def test_a_preferences_timezone_other_than_the_setting_is_named_with_what_it_applies_to():
    """`notifications prefs show/set` say which zone applies to what when the two differ (h228 L6)."""
    from blogster_cli.services.notifications import timezone_note

    assert timezone_note({"timezone": "Europe/Berlin"}, configured="Europe/Berlin") is None
    assert timezone_note({"timezone": "America/New_York"}, configured="Europe/Berlin") == (
        "quiet hours are read in America/New_York (these preferences' timezone); the times you type and see"
        " everywhere else are in your timezone setting, Europe/Berlin"
        " (blogster notifications prefs set timezone Europe/Berlin to read quiet hours there too)"
    )
