"""database_url values libpq cannot read, and libpq's secrets other than the password.

`config set database_url` refuses a string libpq cannot read (Prisma's `?schema=public`, an unknown
option, an unterminated quote, a bad %-escape) with libpq's reason and exit 2, before the keyring or
the file changes: its password could not be taken out, and every command would refuse the value.
`doctor` names one written by hand (or by an older version) that holds a password, never showing it.

sslpassword (the client key's passphrase) and oauth_client_secret (libpq 18) are secrets as the
password is: `config set database_url` keeps each in the keyring, the database connection gets it
back, and every place a value is shown masks them."""

from __future__ import annotations

import tomllib

import pytest

SECRET = "S3cretPW9q"

UNREADABLE = [
    (f"postgresql://u:{SECRET}@db.example.com/blog?schema=public", 'invalid URI query parameter: "schema"'),
    (f"host=127.0.0.1 password={SECRET} foo=bar", 'invalid connection option "foo"'),
    (f"host=127.0.0.1 password='{SECRET}", "unterminated quoted string in connection info string"),
    (f"postgresql://u:{SECRET}%zz@127.0.0.1/db", 'invalid percent-encoded token: "***"'),
    (f"postgresql://u@127.0.0.1/db?password={SECRET}%", 'invalid percent-encoded token: "***"'),
    (f"postgresql://u@127.0.0.1/db?sslpassword={SECRET}&schema=x", 'invalid URI query parameter: "schema"'),
    (
        f"POSTGRESQL://u:{SECRET}@127.0.0.1/db",
        'missing "=" after "POSTGRESQL://u:***@127.0.0.1/db" in connection info string',
    ),
]


def _file(home) -> str:
    path = home / "config.toml"
    return path.read_text() if path.exists() else ""


@pytest.mark.same_on_every_server  # config and libpq only: no URL here reaches the test server
@pytest.mark.parametrize("url,reason", UNREADABLE)
@pytest.mark.parametrize("how", ["argument", "stdin"])
def test_config_set_refuses_a_database_url_libpq_cannot_read(cli, isolated_environment, monkeypatch, url, reason, how):
    from blogster_cli.credentials import CredentialStore

    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    kept = "postgresql://u:0ldPassw0rd@127.0.0.1:5999/db"
    assert cli("config", "set", "database_url", kept).exit_code == 0
    before = _file(isolated_environment)
    if how == "stdin":
        result = cli("config", "set", "database_url", "-", input=url + "\n")
    else:
        result = cli("config", "set", "database_url", url)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr == f"error: database_url is not a connection string libpq reads: {reason}\n"
    assert SECRET not in result.stdout + result.stderr
    assert _file(isolated_environment) == before  # nothing written: the old URL and its password stay
    assert CredentialStore("default").get("database_password") == "0ldPassw0rd"
    assert CredentialStore("default").get("database_sslpassword") is None


def test_libpqs_reason_never_shows_a_secret_or_part_of_one():
    """libpq quotes what it could not read: a password's second word, a whole URI with one in it."""
    from blogster_cli.config import libpq_refusal

    assert libpq_refusal(f"host=h password={SECRET} b c port=5") == 'missing "=" after "***" in connection info string'
    assert libpq_refusal(f"host=h password=a{SECRET} b") == 'missing "=" after "***" in connection info string'
    assert libpq_refusal(f"host=h sslpassword={SECRET}x y") == 'missing "=" after "***" in connection info string'
    refused = libpq_refusal(f"postgresql://u:{SECRET}@[::1/db")
    assert refused is not None and SECRET not in refused and "IPv6 host address" in refused
    quoted = libpq_refusal('POSTGRESQL://u:p"w@h/db')  # a quote inside the password
    assert quoted is not None and 'p"w' not in quoted
    assert libpq_refusal("postgresql://u:pw@h/db?sslmode=disable") is None


@pytest.mark.parametrize("url,reason", UNREADABLE)
@pytest.mark.parametrize("profile", ["default", "work"])
def test_doctor_names_a_password_in_a_hand_written_url_libpq_cannot_read(
    cli, signed_up, isolated_environment, url, reason, profile
):
    import tomli_w

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
        f"database_url (profile {profile!r}) holds a password (or another secret) in clear, in a connection"
        f" string libpq cannot read ({reason}), which every command refuses and no `config set` takes out:"
        f" give the URL again, as libpq reads it, to `blogster{chosen} config set database_url -`, which keeps"
        " its password in the keyring"
    ) in found["detail"], found["detail"]
    text = cli("doctor")
    assert SECRET not in text.stdout + text.stderr and "libpq cannot read" in text.stdout
    again = cli("config", "set", "timezone", "UTC")  # nothing "moved" out of a string libpq cannot read
    assert again.exit_code == 0 and "moved" not in again.stdout + again.stderr and "removed" not in again.stderr
    assert tomllib.loads(path.read_text())["profiles"][profile]["database_url"] == url
    listed = cli(*(["--profile", profile] if profile != "default" else []), "config", "list", "--json")
    assert SECRET not in listed.stdout + listed.stderr


def test_doctor_says_nothing_of_an_unreadable_url_without_a_secret(cli, signed_up, isolated_environment):
    (isolated_environment / "config.toml").write_text(
        "[profiles.work]\ndatabase_url = 'postgresql://u@127.0.0.1/db?schema=public'\n"
    )
    result = cli("doctor", "--json")
    assert not [check for check in result.json() if check["name"] == "config file"]


LIBPQ_SECRET_URLS = [
    f"postgresql://u@127.0.0.1:5999/db?sslpassword={SECRET}",
    f"postgresql://u@127.0.0.1:5999/db?ssl%70assword={SECRET}&sslmode=disable",
    f"postgresql://u@127.0.0.1:5999/db?oauth_client_secret={SECRET}&oauth_client_id=x&oauth_issuer=https://i.example",
    f"host=127.0.0.1 port=5999 dbname=db sslpassword='{SECRET}'",
]


@pytest.mark.same_on_every_server  # config and libpq only: no URL here reaches the test server
@pytest.mark.parametrize("url", LIBPQ_SECRET_URLS)
def test_config_set_keeps_libpqs_other_secrets_in_the_keyring(cli, isolated_environment, monkeypatch, url):
    from psycopg.conninfo import conninfo_to_dict

    from blogster_cli.context import AppContext
    from blogster_cli.credentials import CredentialStore

    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    name = "oauth_client_secret" if "oauth" in url else "sslpassword"
    for args in (("config", "set", "database_url", url), ("config", "set", "database_url", url, "--json")):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert SECRET not in result.stdout + result.stderr, args
        assert "its password in the keyring" in result.stderr or "--json" in args
    stored = tomllib.loads((isolated_environment / "config.toml").read_text())["profiles"]["default"]["database_url"]
    assert SECRET not in stored and name not in conninfo_to_dict(stored)
    assert conninfo_to_dict(stored)["host"] == "127.0.0.1" and conninfo_to_dict(stored)["dbname"] == "db"
    assert CredentialStore("default").get(f"database_{name}") == SECRET
    assert CredentialStore("default").get("database_password") is None
    for args in (
        ("config", "get", "database_url"),
        ("config", "get", "database_url", "--json"),
        ("config", "list", "--json"),
    ):
        shown = cli(*args)
        assert shown.exit_code == 0 and SECRET not in shown.stdout + shown.stderr, args
    assert conninfo_to_dict(AppContext().database.conninfo)[name] == SECRET  # put back for the connection

    replaced = cli("config", "set", "database_url", "postgresql://u:N3wPass@127.0.0.1:5999/db")
    assert replaced.exit_code == 0, replaced.stderr
    assert CredentialStore("default").get(f"database_{name}") is None  # the old server's: forgotten
    assert CredentialStore("default").get("database_password") == "N3wPass"
    assert name not in conninfo_to_dict(AppContext().database.conninfo)
    assert cli("config", "unset", "database_url").exit_code == 0
    assert CredentialStore("default").get("database_password") is None


@pytest.mark.same_on_every_server  # config and libpq only: no URL here reaches the test server
@pytest.mark.parametrize("url", LIBPQ_SECRET_URLS)
@pytest.mark.parametrize("where", ["environment", "file", "option"])
def test_libpqs_other_secrets_are_masked_wherever_a_value_is_shown(cli, isolated_environment, monkeypatch, url, where):
    args: tuple[str, ...] = ()
    if where == "environment":
        monkeypatch.setenv("BLOGSTER_DATABASE_URL", url)
    elif where == "file":  # written by hand (or by an older version)
        monkeypatch.delenv("BLOGSTER_DATABASE_URL")
        (isolated_environment / "config.toml").write_text(f"[profiles.default]\ndatabase_url = {url!r}\n")
    else:
        args = ("--database-url", url)
    for command in (("config", "get", "database_url"), ("config", "list"), ("config", "list", "--json")):
        shown = cli(*args, *command)
        assert shown.exit_code == 0, shown.stderr
        assert SECRET not in shown.stdout + shown.stderr, command
        assert "***" in shown.stdout, command
        assert ("warning: --database-url holds a password" in shown.stderr) == (where == "option")


def test_a_hand_written_sslpassword_is_named_by_doctor_and_moved_by_config_set(cli, signed_up, isolated_environment):
    from blogster_cli.credentials import CredentialStore

    url = f"postgresql://u@127.0.0.1:5999/db?sslpassword={SECRET}"
    (isolated_environment / "config.toml").write_text(f"[profiles.work]\ndatabase_url = {url!r}\n")
    result = cli("doctor", "--json")
    assert SECRET not in result.stdout
    [found] = [check for check in result.json() if check["name"] == "config file"]
    assert (
        "database_url (profile 'work') holds secrets (sslpassword) in clear: any `blogster --profile work"
        in (found["detail"])
    )
    moved = cli("config", "set", "timezone", "UTC")
    assert moved.exit_code == 0 and "moved the password in database_url (profile 'work')" in moved.stderr
    assert SECRET not in (isolated_environment / "config.toml").read_text()
    assert CredentialStore("work").get("database_sslpassword") == SECRET


def test_a_database_description_shows_none_of_libpqs_secrets():
    from blogster_cli.db.connection import Database

    described = Database(
        f"host=127.0.0.1 password={SECRET}1 sslpassword={SECRET}2 oauth_client_secret={SECRET}3 dbname=db"
    ).describe()
    assert SECRET not in described and "host=127.0.0.1" in described


def test_the_secrets_are_those_libpq_marks_as_secret():
    """libpq marks a secret option (PQconndefaults' dispchar '*'); a libpq that adds one fails this."""
    from psycopg import pq

    from blogster_cli.url_secrets import LIBPQ_SECRETS

    marked = {option.keyword.decode() for option in pq.Conninfo.get_defaults() if option.dispchar == b"*"}
    assert marked == set(LIBPQ_SECRETS)
