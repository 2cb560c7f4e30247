"""h257's new-user walk (M2, M5, L2, L7): the SMTP URL's password never stays in the config file;
a bad BLOGSTER_* override says to unset it, and `config list` still shows every value with its
source; the "not logged in" hint names the profile; `config unset`; `notifications prefs` read
back as `prefs set` takes them."""

from __future__ import annotations

import re

from tests.cli.conftest import make_newsletter
from tests.cli.test_tui_cli import on_a_terminal  # noqa: F401 (a fixture)
from tests.smtp_login import smtp_with_login

SECRET = "Sm7p%40SECRET"  # as typed in the URL: the server takes it decoded
DECODED = "Sm7p@SECRET"


def lines(result) -> str:  # type: ignore[no-untyped-def]
    return result.stdout + result.stderr


# -- M2: the SMTP password goes to the keyring -------------------------------------------------


def test_an_smtp_urls_password_goes_to_the_keyring_and_the_send_reads_it_back(
    cli, signed_up, tmp_path, isolated_environment
):
    with smtp_with_login(DECODED) as (recorder, logins, url):
        with_password = url.replace("letters@", f"letters:{SECRET}@")
        result = cli("config", "set", "smtp_url", with_password)
        assert result.exit_code == 0, result.stderr
        assert "SECRET" not in lines(result) and "its password in the keyring" in result.stderr
        assert "SECRET" not in (isolated_environment / "config.toml").read_text()
        assert DECODED in (isolated_environment / "credentials.json").read_text()
        assert cli("config", "get", "smtp_url").stdout.strip() == url  # no password left to mask
        # A URL without one keeps the stored password (`newsletter smtp-password` manages it).
        assert cli("config", "set", "smtp_url", url).exit_code == 0
        assert DECODED in (isolated_environment / "credentials.json").read_text()

        newsletter = make_newsletter(cli, tmp_path)
        readers = tmp_path / "readers.csv"
        readers.write_text("email\nr1@example.com\n")
        sent = cli("newsletter", "send", newsletter, "--to", str(readers))
        assert sent.exit_code == 0, sent.stderr
        assert [rcpt for rcpt, _ in recorder.messages] == ["r1@example.com"] and logins.refused == 0


def test_config_set_moves_passwords_an_older_version_left_in_the_file_and_doctor_names_them(
    cli, signed_up, isolated_environment
):
    from blogster_cli.credentials import CredentialStore

    def config_check() -> dict[str, str] | None:
        return {c["name"]: c for c in cli("doctor", "--json").json()}.get("config file")

    assert config_check() is None
    CredentialStore("work").set("smtp:password", "STORED-ONE")  # in use: it won over the URL's
    (isolated_environment / "config.toml").write_text(
        '[profiles.default]\nsmtp_url = "smtp://u:FIRSTPW@mail.example:587"\n'
        '[profiles.work]\nsmtp_url = "smtp://u:SECONDPW@mail.example:587"\n'
        'database_url = "postgresql://writer:DBPW@db.example/blog"\n'
        'ai_base_url = "https://k:AIPW@ai.example/v1"\n'
    )
    found = config_check()
    assert found is not None and found["status"] == "warn"
    for named in ("smtp_url (profile 'default')", "smtp_url (profile 'work')", "database_url (profile 'work')",
                  "ai_base_url (profile 'work')", "config set smtp_url smtp://u@mail.example:587"):  # fmt: skip
        assert named in found["detail"], found["detail"]
    assert "PW" not in str(found)

    moved = cli("config", "set", "timezone", "Europe/Berlin")
    assert moved.exit_code == 0, moved.stderr
    assert "moved the password in smtp_url (profile 'default')" in moved.stderr
    assert "moved the password in database_url (profile 'work')" in moved.stderr
    assert "removed the password in smtp_url (profile 'work')" in moved.stderr  # the keyring's is kept
    assert "PW" not in lines(moved)
    text = (isolated_environment / "config.toml").read_text()
    assert "FIRSTPW" not in text and "SECONDPW" not in text and "DBPW" not in text
    assert CredentialStore("default").get("smtp:password") == "FIRSTPW"
    assert CredentialStore("work").get("smtp:password") == "STORED-ONE"
    assert CredentialStore("work").get("database_password") == "DBPW"
    # The AI URL's password has no place to go: doctor still names it, and `config set` refuses one.
    left = config_check()
    assert left is not None and "ai_base_url (profile 'work')" in left["detail"] and "smtp_url" not in left["detail"]
    refused = cli("config", "set", "ai_base_url", "https://k:AIPW@ai.example/v1")
    assert refused.exit_code == 2 and "must not hold a password" in refused.stderr and "AIPW" not in refused.stderr


# -- M5: where each value comes from ------------------------------------------------------------


def test_a_bad_environment_override_says_to_unset_it_and_config_list_still_shows_it(cli):
    bad = {"BLOGSTER_TIMEZONE": "Nowhere/X"}
    got = cli("config", "get", "timezone", env=bad)
    assert got.exit_code == 6
    assert "unset BLOGSTER_TIMEZONE" in got.stderr and "config set" not in got.stderr

    listed = cli("config", "list", "--json", env=bad)
    assert listed.exit_code == 0, listed.stderr
    rows = {row["setting"]: row for row in listed.json()}
    assert rows["timezone"]["value"] == "Nowhere/X" and rows["timezone"]["source"] == "environment"
    assert "unset BLOGSTER_TIMEZONE" in rows["timezone"]["problem"]
    assert rows["editor"] == {"setting": "editor", "value": None, "source": "default", "problem": None}
    assert "warning: BLOGSTER_TIMEZONE: unknown timezone" in listed.stderr

    table = cli("config", "list", env=bad)
    assert table.exit_code == 0 and "source" in table.stdout.splitlines()[0] and "problem" in table.stdout

    written = cli("config", "set", "timezone", "UTC", env=bad)
    assert written.exit_code == 0
    assert "note: BLOGSTER_TIMEZONE overrides this" in written.stderr


def test_a_bad_value_in_the_file_is_marked_with_how_to_mend_it(cli, isolated_environment):
    (isolated_environment / "config.toml").write_text('[profiles.work]\nsite_base_domain = "not a domain"\n')
    listed = cli("--profile", "work", "config", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    [row] = [row for row in listed.json() if row["setting"] == "site_base_domain"]
    assert (row["value"], row["source"]) == ("not a domain", "file")
    assert row["problem"].endswith("(fix it there, or: blogster --profile work config set site_base_domain VALUE)")
    assert cli("--profile", "work", "config", "get", "timezone").exit_code == 6


def test_config_list_shows_each_values_source(cli):
    cli("config", "set", "timezone", "Europe/Berlin")
    rows = {
        row["setting"]: row["source"] for row in cli("config", "list", "--json", env={"BLOGSTER_EDITOR": "nano"}).json()
    }
    assert (rows["timezone"], rows["editor"], rows["session_days"]) == ("file", "environment", "default")
    written = cli("config", "set", "timezone", "Asia/Tokyo")
    assert written.exit_code == 0 and "overrides" not in written.stderr  # nothing overrides it
    assert cli("config", "list", "--format", "csv").stdout.splitlines()[0] == "setting,value,source"


# -- L2: the login hint names the profile ---------------------------------------------------------

# The test server's URL is a server's: its members log in with their own login (walk 12, M3 d).
ON_A_SERVER = (
    " --login u_... (on a shared server, the login your administrator gave you; with the administrator's"
    " superuser URL: --email EMAIL)\n"
)


def test_the_not_logged_in_hint_names_the_profile(cli):
    cli("--profile", "work", "config", "set", "timezone", "UTC")
    error = cli("--profile", "work", "auth", "whoami")
    assert error.exit_code == 1
    assert error.stderr == "error: not logged in; run: blogster --profile work auth login" + ON_A_SERVER
    assert cli("auth", "whoami").stderr == "error: not logged in; run: blogster auth login" + ON_A_SERVER


def test_the_studio_closes_with_the_profiles_login_hint(cli, on_a_terminal):  # noqa: F811
    cli("--profile", "work", "config", "set", "timezone", "UTC")
    result = cli("--profile", "work", "tui")
    assert result.stderr == "error: not logged in; run: blogster --profile work auth login" + ON_A_SERVER


# -- L7: config unset; notification preferences ---------------------------------------------------


def test_config_unset_and_an_empty_value_say_what_applies_now(cli, isolated_environment):
    cli("config", "set", "timezone", "Europe/Berlin")
    removed = cli("config", "unset", "timezone")
    assert removed.exit_code == 0, removed.stderr
    assert removed.stderr == "timezone removed (now UTC, the default; profile 'default')\n"
    assert "timezone" not in (isolated_environment / "config.toml").read_text()
    again = cli("config", "unset", "timezone", "--json")
    assert again.json() == {"setting": "timezone", "removed": False, "value": "UTC", "source": "default"}

    cli("config", "set", "timezone", "Europe/Berlin")
    emptied = cli("config", "set", "timezone", "", env={"BLOGSTER_TIMEZONE": "Asia/Tokyo"})
    assert emptied.stderr == "timezone removed (now Asia/Tokyo, from BLOGSTER_TIMEZONE; profile 'default')\n"
    assert cli("config", "unset", "editor").stderr == "editor was not set (no value, the default; profile 'default')\n"
    assert "did you mean 'timezone'" in cli("config", "unset", "timzone").stderr


def test_notification_preferences_read_back_as_prefs_set_takes_them(cli, signed_up):
    started = cli("notifications", "prefs", "set", "quiet_hours_start", "22:00")
    assert started.exit_code == 0, started.stderr
    assert re.search(r"^quiet_hours_start +22:00$", started.stdout, re.M), started.stdout  # not 22:00:00
    assert "note: quiet hours are off until they have an end too" in started.stderr
    shown = cli("notifications", "prefs", "show")
    assert "in_app_notifications" in shown.stdout and "in app notifications" not in shown.stdout
    assert "22:00:00" not in shown.stdout and "quiet hours are off" in shown.stderr
    ended = cli("notifications", "prefs", "set", "quiet hours end", "07:00")  # the words work too
    assert ended.exit_code == 0 and "quiet hours are off" not in ended.stderr
    as_json = cli("notifications", "prefs", "show", "--json").json()
    assert (as_json["quiet_hours_start"], as_json["quiet_hours_end"]) == ("22:00", "07:00")  # as the table (h329 L11e)
    assert cli("notifications", "prefs", "set", "quiet_hours_end", as_json["quiet_hours_end"]).exit_code == 0

    mistyped = cli("notifications", "prefs", "set", "emial_notifications", "off")
    assert mistyped.exit_code == 2
    assert "unknown preference 'emial_notifications' (did you mean 'email_notifications'?)" in mistyped.stderr


def test_quiet_hours_at_the_same_time_are_named_as_off(cli, signed_up):
    cli("notifications", "prefs", "set", "quiet_hours_start", "22:00")
    cli("notifications", "prefs", "set", "quiet_hours_end", "22:00")
    assert "start and end at the same time" in cli("notifications", "prefs", "show").stderr
