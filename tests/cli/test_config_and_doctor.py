"""Settings per profile, and doctor's verdicts on the database and on secret storage."""

import os

from blogster_cli import __version__
from tests.cli.test_help import newest_migration


def test_config_set_get_list_per_profile(cli):
    assert cli("config", "set", "timezone", "Europe/Berlin").exit_code == 0
    assert cli("config", "get", "timezone").stdout.strip() == "Europe/Berlin"
    assert cli("config", "get", "timezone", "--json").json() == {"timezone": "Europe/Berlin"}
    assert cli("--profile", "work", "config", "set", "editor", "vi").exit_code == 0  # a profile of its own
    assert cli("--profile", "work", "config", "get", "timezone").stdout.strip() == "UTC"
    listed = {row["setting"]: row["value"] for row in cli("config", "list", "--json").json()}
    assert listed["timezone"] == "Europe/Berlin" and "database_url" in listed


def test_a_password_in_a_url_setting_is_never_shown(cli):
    """A database URL may carry its password (the config file is 0600); `config list`, `--json`,
    `config get` and `config set`'s echo show it as ***, so it lands in no terminal or log."""
    url = "postgresql://writer:TOP%40SECRET@db.example:5432/blog"
    env = {"BLOGSTER_DATABASE_URL": url}
    for result in (
        cli("config", "list", env=env),
        cli("config", "list", "--json", env=env),
        cli("config", "get", "database_url", env=env),
    ):
        assert result.exit_code == 0, result.stderr
        assert "TOP" not in result.stdout + result.stderr and "***" in result.stdout + result.stderr
    assert (
        cli("config", "get", "database_url", env=env).stdout.strip() == "postgresql://writer:***@db.example:5432/blog"
    )


def test_a_database_urls_password_goes_to_the_keyring_never_to_the_file(cli, isolated_environment, monkeypatch):
    """`config set database_url` keeps the URL in the config file and its password in the
    keyring (here the 0600 credentials file), and the connection gets it back; `-` reads the
    value from standard input, so it is not in `ps` either. A URL without one forgets it."""
    from psycopg.conninfo import conninfo_to_dict

    from blogster_cli.context import AppContext

    monkeypatch.delenv("BLOGSTER_DATABASE_URL")  # the file's URL, not the tests' server
    for args, stdin in [
        (("postgresql://writer:TOP%40SECRET@db.example:5432/blog?sslmode=require",), None),
        (("-",), "host=db.example user=writer password='TOP@SECRET' dbname=blog\n"),
    ]:
        result = cli("config", "set", "database_url", *args, input=stdin)
        assert result.exit_code == 0, result.stderr
        assert "TOP" not in result.stdout + result.stderr and "keyring" in result.stderr
        assert "TOP" not in (isolated_environment / "config.toml").read_text()
        assert "TOP" not in cli("config", "get", "database_url").stdout
        assert "TOP@SECRET" in (isolated_environment / "credentials.json").read_text()
        assert conninfo_to_dict(AppContext().database.conninfo)["password"] == "TOP@SECRET"
    assert cli("config", "set", "database_url", "postgresql://db.example/blog").exit_code == 0
    assert "TOP" not in (isolated_environment / "credentials.json").read_text()
    assert "password" not in conninfo_to_dict(AppContext().database.conninfo)


def test_doctor_warns_of_a_password_an_older_version_wrote_to_the_config_file(cli, signed_up, isolated_environment):
    from blogster_cli import config

    def check() -> dict[str, str] | None:
        return {c["name"]: c for c in cli("doctor", "--json").json()}.get("config file")

    assert check() is None
    config.write_setting("default", "database_url", "postgresql://writer:TOP@db.example/blog")
    found = check()
    assert found is not None and found["status"] == "warn" and "TOP" not in str(found)


def test_environment_overrides_the_file(cli):
    cli("config", "set", "timezone", "Europe/Berlin")
    result = cli("config", "get", "timezone", env={"BLOGSTER_TIMEZONE": "Asia/Tokyo"})
    assert result.stdout.strip() == "Asia/Tokyo"


def test_bad_settings_are_refused(cli):
    assert cli("config", "set", "timezone", "Mars/Olympus").exit_code == 2
    assert cli("config", "set", "colour", "blue").exit_code == 2
    assert cli("config", "set", "statement_timeout_ms", "soon").exit_code == 2
    for sender in ("bob@example.com\r\nBcc: leak@evil.example", "bob@example.com, leak@evil.example", "bob"):
        assert cli("config", "set", "newsletter_from", sender).exit_code == 2, sender  # one From, one line
    assert cli("config", "set", "newsletter_from", '"Smith, Ada" <ada@example.com>').exit_code == 0
    # A platform's token goes with every request: plain http only to this machine.
    assert cli("config", "set", "wordpress_url", "http://wp.example.com").exit_code == 2
    for url in ("https://wp.example.com", "http://127.0.0.1:8080", "http://localhost:9000/blog"):
        assert cli("config", "set", "wordpress_url", url).exit_code == 0, url


def test_config_accepts_the_names_config_list_shows(cli):
    assert "statement_timeout_ms" in cli("config", "list").stdout  # as `config set` documents it
    assert cli("config", "set", "statement timeout ms", "1234").exit_code == 0
    assert cli("config", "get", "statement timeout ms").stdout.strip() == "1234"
    assert cli("config", "get", "Statement-Timeout-MS").stdout.strip() == "1234"


def test_no_secret_ever_lands_in_the_config_file(cli, signed_up, isolated_environment):
    cli("config", "set", "timezone", "UTC")
    config_text = (isolated_environment / "config.toml").read_text()
    assert "s3cret" not in config_text and "session" not in config_text


def test_doctor_reports_file_secrets_and_fails_on_loose_permissions(cli, signed_up, isolated_environment):
    healthy = cli("doctor", "--json")
    assert healthy.exit_code == 0, healthy.stdout
    checks = {c["name"]: c for c in healthy.json()}
    assert checks["server"]["status"] == "ok"
    assert checks["migrations"]["status"] == "ok"
    assert checks["secrets"]["status"] == "warn"  # the tests run without an OS keyring
    os.chmod(isolated_environment / "credentials.json", 0o644)
    loose = cli("doctor", "--json")
    assert loose.exit_code == 1
    assert {c["name"]: c["status"] for c in loose.json()}["credentials file"] == "fail"


def test_doctor_fails_a_database_where_public_may_still_call_translate(cli, signed_up, superuser):
    """Red teams 65 and 68: `db migrate` takes translate() and jsonb's ?|, ?& and - text[] from PUBLIC
    (0204, 0208) only when a superuser runs it."""
    superuser.execute("grant execute on function pg_catalog.translate(text, text, text) to public")
    result = cli("doctor", "--json")
    assert result.exit_code == 1, result.stdout
    check = {c["name"]: c for c in result.json()}["uninterruptible functions"]
    assert check["status"] == "fail" and "REVOKE EXECUTE ON FUNCTION pg_catalog.translate" in check["detail"]
    assert "pg_catalog.jsonb_exists_any(jsonb, text[])" in check["detail"]
    assert "FAIL  uninterruptible functions: any login may run translate() or jsonb's ?|, ?& and - text[]" in (
        cli("doctor").stdout
    )
    superuser.execute("revoke execute on function pg_catalog.translate(text, text, text) from public")
    healthy = cli("doctor", "--json")
    assert healthy.exit_code == 0 and "uninterruptible functions" not in {c["name"] for c in healthy.json()}


def test_doctor_fails_when_the_server_is_unreachable(cli):
    result = cli("--database-url", "postgresql://nobody@127.0.0.1:1/none", "doctor", "--json")
    assert result.exit_code == 7  # database unavailable, as every command says it
    checks = {c["name"]: c for c in result.json()}
    assert checks["server"]["status"] == "fail"
    # Which build this is, as `--version` says it (new-user walk 12, item 4: every build said 0.1.0).
    assert checks["blogster"]["detail"].startswith(f"{__version__} (schema {newest_migration()}) on Python ")


def test_a_database_url_value_libpq_refuses_is_a_configuration_error(cli):
    result = cli("--database-url", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=abc", "db", "migrate")
    assert (
        result.exit_code == 6
        and result.stderr.strip() == "error: the database URL: bad value for connect_timeout: 'abc'"
    )


def test_unsupported_server_versions_are_refused():
    from blogster_cli.db.connection import server_version_problem

    assert server_version_problem(150008) and server_version_problem(160004) and server_version_problem(140020)
    assert server_version_problem(170000)
    assert not server_version_problem(150009) and not server_version_problem(180001)
