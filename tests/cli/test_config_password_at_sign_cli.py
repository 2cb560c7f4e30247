"""A database_url whose password holds a raw '@' (red team 39, F1).

libpq ends a URI's `user:password@` at the first '@': `postgresql://u:pa@SECRET@localhost/db` is
the password pa and the host `SECRET@localhost`. `config set` kept pa in the keyring and the rest
of the password, as the host (or, after a ':', the port), in config.toml, and `config get`/`list`
and doctor's FAIL line showed it. Now any URL whose user:password@, read as a URL reader reads it
(up to the last '@'), is not what libpq reads is refused (exit 2, one line, a hint to
percent-encode); a value already stored in that form (a host or port with an '@') is masked
wherever it is shown, named by doctor, and never sent to a server."""

from __future__ import annotations

import tomllib

import pytest

from blogster_cli.config import UNREAD_PASSWORD, shown_url, unread_password

SECRET = "S3cretPW9q"

NOT_READ_WHOLE = [
    f"postgresql://u:pa@{SECRET}@localhost/db",
    f"postgresql://u:p@ss:{SECRET}@localhost/db",  # the rest as host ss and port SECRET@localhost
    f"postgresql://u:pa@{SECRET}@localhost:5432/db?sslmode=disable",
    f"postgres://u:pa@{SECRET}@h1,h2/db",
    f"postgresql://u:a@{SECRET}@[::1]:5432/db",
    f"postgresql://u:pa?x@{SECRET}@localhost/db",  # a '?' before the '@' too
    f"postgresql://u@x:{SECRET}@localhost/db",  # an '@' in the user name
]

STORED_BEFORE = [  # what `config set` wrote for the first two
    f"user=u dbname=db host={SECRET}@localhost",
    f"user=u dbname=db host=ss port={SECRET}@localhost",
]

READ_WHOLE = [
    f"postgresql://u:pa%40{SECRET}@localhost/db",  # percent-encoded
    f"postgresql://u:pa?{SECRET}@localhost/db",  # libpq reads '?' and '#' in the password whole
    f"postgresql://u:pa#{SECRET}@localhost/db",
    f"postgresql://u:pa:{SECRET}@localhost/db",
    f"postgresql://u:{SECRET}@localhost/db?application_name=a@b",
    "postgresql://localhost:5432/db?application_name=a@b",
    "postgresql://u@localhost/d@b",  # an '@' in the database name, with no password
    "host=/run/a@b user=u",  # a socket's folder
    "host=@abstract user=u",  # an abstract socket
]


def _forgetting(cli):
    """`cli`, each run's context forgotten after it: the fixture closes the last one's database,
    which a URL refused by open_database cannot open (so a later run would fail there)."""
    from blogster_cli.cli import state

    def run(*args, **options):
        try:
            return cli(*args, **options)
        finally:
            state._context = None

    return run


def _file(home) -> str:
    path = home / "config.toml"
    return path.read_text() if path.exists() else ""


def test_what_libpq_does_not_read_whole_is_found_and_masked():
    for url in NOT_READ_WHOLE + STORED_BEFORE:
        assert unread_password(url), url
        assert SECRET not in shown_url(url) and "***" in shown_url(url), url
    for url in READ_WHOLE:
        assert not unread_password(url), url
    assert shown_url(NOT_READ_WHOLE[0]) == "postgresql://u:***@localhost/db"
    assert shown_url(STORED_BEFORE[0]) == "user=u dbname=db host=***@localhost"
    assert shown_url(STORED_BEFORE[1]) == "user=u dbname=db host=*** port=***@localhost"


@pytest.mark.parametrize("url", NOT_READ_WHOLE + STORED_BEFORE)
def test_config_set_refuses_it_with_a_hint_to_percent_encode(cli, isolated_environment, monkeypatch, url):
    from blogster_cli.credentials import CredentialStore

    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    kept = "postgresql://u:0ldPassw0rd@127.0.0.1:5999/db"
    assert cli("config", "set", "database_url", kept).exit_code == 0
    before = _file(isolated_environment)
    result = cli("config", "set", "database_url", url)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"error: database_url: {UNREAD_PASSWORD}\n")
    assert "%40" in result.stderr
    assert _file(isolated_environment) == before
    assert CredentialStore("default").get("database_password") == "0ldPassw0rd"


def test_the_same_password_percent_encoded_goes_to_the_keyring(cli, isolated_environment, monkeypatch):
    from blogster_cli.credentials import CredentialStore

    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    result = cli("config", "set", "database_url", f"postgresql://u:pa%40{SECRET}@localhost/db")
    assert result.exit_code == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr + _file(isolated_environment)
    assert CredentialStore("default").get("database_password") == f"pa@{SECRET}"


@pytest.mark.parametrize("stored", STORED_BEFORE)
def test_one_stored_before_is_masked_named_by_doctor_and_never_sent(cli, isolated_environment, monkeypatch, stored):
    import tomli_w

    cli = _forgetting(cli)
    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    path = isolated_environment / "config.toml"
    document = tomllib.loads(path.read_text()) if path.exists() else {}
    document.setdefault("profiles", {}).setdefault("default", {})["database_url"] = stored
    path.write_text(tomli_w.dumps(document))
    for args in (("config", "get", "database_url"), ("config", "list"), ("config", "list", "--json")):
        shown = cli(*args)
        assert shown.exit_code == 0 and SECRET not in shown.stdout + shown.stderr, (args, shown.stdout)
        assert "***" in shown.stdout, shown.stdout
    report = cli("doctor", "--json")
    assert SECRET not in report.stdout + report.stderr
    checks = {check["name"]: check for check in report.json()}
    assert checks["server"]["status"] == "fail" and checks["server"]["detail"].endswith(UNREAD_PASSWORD)
    assert checks["config file"]["status"] == "warn" and UNREAD_PASSWORD in checks["config file"]["detail"]
    text = cli("doctor")
    assert SECRET not in text.stdout + text.stderr and "FAIL  server" in text.stdout
    command = cli("blogs", "list")  # signed in or not, the URL is refused before any server is asked
    assert SECRET not in command.stdout + command.stderr


@pytest.mark.parametrize("url", NOT_READ_WHOLE[:2])
def test_one_in_the_environment_is_masked_and_refused(cli, signed_up, url):
    cli = _forgetting(cli)
    listed = cli("config", "list", "--json", env={"BLOGSTER_DATABASE_URL": url})
    assert listed.exit_code == 0 and SECRET not in listed.stdout + listed.stderr
    report = cli("doctor", env={"BLOGSTER_DATABASE_URL": url})
    assert SECRET not in report.stdout + report.stderr
    assert f"FAIL  server: BLOGSTER_DATABASE_URL: {UNREAD_PASSWORD}" in report.stdout, report.stdout
    command = cli("blogs", "list", env={"BLOGSTER_DATABASE_URL": url})
    assert (command.exit_code, command.stderr) == (6, f"error: BLOGSTER_DATABASE_URL: {UNREAD_PASSWORD}\n")
