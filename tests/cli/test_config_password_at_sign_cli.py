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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogster_cli.config import UNREAD_PASSWORD, shown_url, unread_password

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

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


# -- One reading of a URL setting's user:password@, everywhere (red team 41: F2, F3, F4) ------------
#
# A password with a raw '@', '/', '?' or '#' is read generously (url_secrets.userinfo_at: up to the
# last '@' before the query) wherever a URL setting is shown or stored: its query's secrets were
# shown beside a masked password libpq does not read whole (F2), an SMTP URL from the environment
# with a '/' in its password was shown whole (F3), and an AI base URL with one passed the "must
# not hold a password" check into config.toml, and made `ai status` fail with part of it (F4).

MARK = "S3CRy9"

UNREAD_WITH_QUERY_SECRET = [  # F2: libpq reads not the password whole, and the query has a secret too
    f"postgresql://u:a@b@127.0.0.1:1/db?password={MARK}",
    f"postgresql://u:a/b@127.0.0.1:1/db?sslpassword={MARK}",
    f"postgresql://u:{MARK}/q@127.0.0.1:1/db?oauth_client_secret={MARK}",
]

AI_WITH_PASSWORD = [f"https://u:{MARK}{c}b@h.example/v1" for c in "/?#"]  # F4


def _secretless(*texts: str) -> None:
    for text in texts:
        assert MARK not in text, text


def _put_in_file(home, key: str, value: str) -> None:
    import tomli_w

    path = home / "config.toml"
    document = tomllib.loads(path.read_text()) if path.exists() else {}
    document.setdefault("profiles", {}).setdefault("default", {})[key] = value
    path.write_text(tomli_w.dumps(document))


def _shown_by_config(cli, key: str, env: dict[str, str] | None = None) -> None:
    """`config get` (text and --json) and `config list` (text and --json) show no part of MARK (a
    bad value from the environment: `config get` refuses it, `config list` shows it marked)."""
    for args in (("config", "get", key), ("config", "get", key, "--json"), ("config", "list"), ("config", "list", "--json")):  # fmt: skip
        shown = cli(*args, env=env)
        _secretless(shown.stdout, shown.stderr)
        assert shown.exit_code != 0 or "***" in shown.stdout, (args, shown.stdout, shown.stderr)


@pytest.mark.parametrize("url", UNREAD_WITH_QUERY_SECRET)
def test_f2_the_query_secret_beside_an_unread_password_is_masked(cli, isolated_environment, monkeypatch, url):
    cli = _forgetting(cli)
    assert shown_url(url).endswith("=***") and MARK not in shown_url(url)
    _shown_by_config(cli, "database_url", env={"BLOGSTER_DATABASE_URL": url})
    monkeypatch.delenv("BLOGSTER_DATABASE_URL", raising=False)
    _put_in_file(isolated_environment, "database_url", url)  # as an older version, or a hand edit, left it
    _shown_by_config(cli, "database_url")
    report = cli("doctor")
    _secretless(report.stdout, report.stderr)


def test_f3_an_smtp_url_from_the_environment_with_a_slash_in_its_password_is_masked(cli, isolated_environment):
    url = f"smtp://u:{MARK}/b@h.example:587"
    assert shown_url(url) == "smtp://u:***@h.example:587"
    env = {"BLOGSTER_SMTP_URL": url}
    listed = cli("config", "list", "--json", env=env)
    row = {row["setting"]: row for row in listed.json()}["smtp_url"]
    assert row["value"] == "smtp://u:***@h.example:587" and row["problem"], row
    _shown_by_config(cli, "smtp_url", env=env)
    written = cli("config", "set", "smtp_url", "smtp://u@h.example:587", env=env)  # the note names the variable's
    assert written.exit_code == 0 and "BLOGSTER_SMTP_URL overrides this" in written.stderr, written.stderr
    _secretless(written.stdout, written.stderr, (isolated_environment / "config.toml").read_text())


@pytest.mark.parametrize("url", AI_WITH_PASSWORD)
def test_f4_an_ai_base_url_with_a_password_holding_slash_question_or_hash_is_refused(cli, isolated_environment, url):
    refused = cli("config", "set", "ai_base_url", "-", input=url)
    assert (refused.exit_code, refused.stdout) == (2, "") and "must not hold a password" in refused.stderr
    _secretless(refused.stderr, _file(isolated_environment))
    setup = cli("ai", "setup", "--base-url", url, "--model", "m", "--no-key")
    assert setup.exit_code == 2 and len(setup.stderr.splitlines()) == 1, setup.stderr
    _secretless(setup.stdout, setup.stderr, _file(isolated_environment))


@pytest.mark.parametrize("url", AI_WITH_PASSWORD)
def test_f4_one_in_the_environment_or_the_file_is_a_one_line_configuration_error(cli, isolated_environment, url):
    from blogster_cli.cli.exit_codes import CONFIGURATION

    for env in ({"BLOGSTER_AI_BASE_URL": url, "BLOGSTER_AI_MODEL": "m"}, None):
        if env is None:
            _put_in_file(isolated_environment, "ai_base_url", url)  # from an older version
        for args in (("ai", "status"), ("ai", "status", "--json"), ("ai", "models")):
            failed = cli(*args, env=env)
            assert failed.exit_code == CONFIGURATION and failed.stdout == "", (args, failed.stdout, failed.stderr)
            assert len(failed.stderr.splitlines()) == 1 and "u:***@h.example" in failed.stderr, failed.stderr
            _secretless(failed.stderr)
        written = cli("config", "set", "ai_model", "m2", env=env)  # the confirmation, the moved-password notes
        _secretless(written.stdout, written.stderr)
    _shown_by_config(cli, "ai_base_url")
    assert "ai_base_url (profile 'default')" in cli("doctor").stdout  # named as a password in the file


def test_f4_an_ai_base_url_the_http_client_cannot_read_is_a_one_line_error(cli, isolated_environment):
    from blogster_cli.cli.exit_codes import CONFIGURATION

    failed = cli("ai", "models", env={"BLOGSTER_AI_BASE_URL": "https://u:pw@bé~b%/v1", "BLOGSTER_AI_MODEL": "m"})
    assert failed.exit_code == CONFIGURATION and len(failed.stderr.splitlines()) == 1, failed.stderr
    assert "u:***@" in failed.stderr and "pw" not in failed.stderr.replace("password", "")


@pytest.mark.parametrize("name", ["api_key", "key", "token", "access_token", "Api_Key", "api%5Fkey"])
def test_an_ai_base_url_query_key_is_masked_by_ai_status_and_refused_by_config_set(cli, isolated_environment, name):
    url = f"https://h.example/v1?{name}={MARK}&api-version=1"
    assert shown_url(url) == f"https://h.example/v1?{name}=***&api-version=1"
    env = {
        "BLOGSTER_AI_BASE_URL": url,
        "BLOGSTER_AI_MODEL": "m",
        "BLOGSTER_AI_MAX_RETRIES": "0",
        "BLOGSTER_AI_TIMEOUT_S": "1",
    }
    for args in (("ai", "status"), ("ai", "status", "--json")):
        shown = cli(*args, env=env)
        _secretless(shown.stdout, shown.stderr)
        assert f"{name}=***" in shown.stdout, shown.stdout
    refused = cli("config", "set", "ai_base_url", "-", input=url)
    assert refused.exit_code == 2 and "must not hold a password or key" in refused.stderr
    _secretless(refused.stderr, _file(isolated_environment))


# Passwords as users write them: any of the characters URL readers split on, raw or percent-encoded.
_PASSWORD_TAIL = st.text(alphabet="ab1@/?#:%", max_size=10)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=_PASSWORD_TAIL, query=st.sampled_from(["", "?sslmode=disable", f"?password={MARK}"]))
def test_a_database_url_password_never_shows(tail, query):
    url = f"postgresql://u:{MARK}{tail}@127.0.0.1:1/db{query}"
    assert MARK not in shown_url(url)


@settings(max_examples=300, deadline=None)
@given(tail=_PASSWORD_TAIL, query=st.sampled_from(["", f"?api_key={MARK}", "?x=a@b"]), key=st.sampled_from(
    ["ai_base_url", "dns_resolver_url", "devto_url", "smtp_url"]))  # fmt: skip
def test_another_url_settings_password_never_shows_and_is_never_stored(tail, query, key):
    from blogster_cli.config import split_url_secrets

    url = f"{'smtp' if key == 'smtp_url' else 'https'}://u:{MARK}{tail}@h.example/v1{query}"
    assert MARK not in shown_url(url)
    stripped, secrets = split_url_secrets(key, url)
    assert MARK not in stripped and secrets
    if key == "smtp_url":  # the keyring gets the password as the user meant it
        assert secrets["password"].startswith(MARK)
