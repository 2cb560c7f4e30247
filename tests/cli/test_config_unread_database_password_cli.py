"""A database_url whose password libpq does not read as one (red team 38, F5).

libpq ends a URI's `user:password@` at the first '/' (`postgresql://u:pa/SECRET@localhost/db` is
host u, port pa, database `SECRET@localhost/db`) and reads %3A as part of the user name. Such a
password was no secret to libpq, so `config set` wrote it to config.toml and echoed it. Now `config
set` refuses it (exit 2, as a URL libpq cannot read) with a hint to percent-encode, `doctor` names
one already in the file, and wherever a value is shown the password is masked."""

from __future__ import annotations

import tomllib

import pytest

from blogster_cli.config import UNREAD_PASSWORD, shown_url, unread_password

SECRET = "S3cretPW9q"

UNREAD = [
    f"postgresql://u:pa/{SECRET}@localhost/db",
    f"postgres://u:a/b/{SECRET}@localhost",
    f"postgresql://u:{SECRET}/x@localhost:5432/db?sslmode=disable",
    f"postgresql://u%3A{SECRET}@localhost/db",
    f"postgresql://u%3a{SECRET}@localhost/db",
]

READ_AS_WRITTEN = [
    "postgresql://u:@localhost/db",  # an empty password
    "postgresql://u@localhost/db",
    "postgresql://localhost:5432/d%40b",  # an '@' in the database name, percent-encoded
    "postgresql://u@[::1]:5432/db",
    "postgresql:///db?host=/tmp&user=u",
    f"postgresql://u:{SECRET}@localhost/db?application_name=a@b",
    f"host=localhost user=u:x password={SECRET}",
]


def _file(home) -> str:
    path = home / "config.toml"
    return path.read_text() if path.exists() else ""


def test_what_libpq_reads_as_no_password_is_found_and_masked():
    for url in UNREAD:
        assert unread_password(url), url
        assert SECRET not in shown_url(url) and "***@localhost" in shown_url(url), url
    for url in READ_AS_WRITTEN:
        assert not unread_password(url), url
    assert shown_url(f"postgresql://u:pa/{SECRET}@localhost/db") == "postgresql://u:***@localhost/db"


@pytest.mark.parametrize("url", UNREAD)
@pytest.mark.parametrize("how", ["argument", "stdin"])
def test_config_set_refuses_it_with_a_hint_to_percent_encode(cli, isolated_environment, monkeypatch, url, how):
    from blogster_cli.credentials import CredentialStore

    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    kept = "postgresql://u:0ldPassw0rd@127.0.0.1:5999/db"
    assert cli("config", "set", "database_url", kept).exit_code == 0
    before = _file(isolated_environment)
    if how == "stdin":
        result = cli("config", "set", "database_url", "-", input=url + "\n")
    else:
        result = cli("config", "set", "database_url", url)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"error: database_url: {UNREAD_PASSWORD}\n")
    assert "%2F" in result.stderr
    assert _file(isolated_environment) == before  # nothing written: the old URL and its password stay
    assert CredentialStore("default").get("database_password") == "0ldPassw0rd"


def test_the_same_password_percent_encoded_goes_to_the_keyring(cli, isolated_environment, monkeypatch):
    from blogster_cli.credentials import CredentialStore

    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    result = cli("config", "set", "database_url", f"postgresql://u:pa%2F{SECRET}@localhost/db")
    assert result.exit_code == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr + _file(isolated_environment)
    assert CredentialStore("default").get("database_password") == f"pa/{SECRET}"


@pytest.mark.parametrize("profile", ["default", "work"])
def test_doctor_names_one_already_in_the_file_and_list_masks_it(cli, signed_up, isolated_environment, profile):
    import tomli_w

    url = UNREAD[0]
    path = isolated_environment / "config.toml"
    document = tomllib.loads(path.read_text()) if path.exists() else {}
    document.setdefault("profiles", {}).setdefault(profile, {})["database_url"] = url
    path.write_text(tomli_w.dumps(document))
    chosen = "" if profile == "default" else f" --profile {profile}"
    result = cli("doctor", "--json")  # the default profile, on BLOGSTER_DATABASE_URL
    assert SECRET not in result.stdout + result.stderr
    [found] = [check for check in result.json() if check["name"] == "config file"]
    assert found["status"] == "warn", found
    assert (
        f"database_url (profile {profile!r}) holds a password in clear, which no `config set` takes out:"
        f" {UNREAD_PASSWORD}; then give the URL again to `blogster{chosen} config set database_url -`,"
        " which keeps its password in the keyring"
    ) in found["detail"], found["detail"]
    text = cli("doctor")
    assert SECRET not in text.stdout + text.stderr and "%2F" in text.stdout
    again = cli("config", "set", "timezone", "UTC")  # nothing to move: libpq reads no password in it
    assert again.exit_code == 0 and "moved" not in again.stdout + again.stderr
    assert tomllib.loads(path.read_text())["profiles"][profile]["database_url"] == url
    listed = cli(*(["--profile", profile] if profile != "default" else []), "config", "list", "--json")
    assert SECRET not in listed.stdout + listed.stderr
