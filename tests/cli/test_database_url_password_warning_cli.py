"""`--database-url` with a password in it: the command runs, and one warning line on stderr says that
anyone on the machine can read it in `ps` and where the URL belongs (BLOGSTER_DATABASE_URL, or `config
set database_url -`, which keeps its password in the keyring). The warning never repeats the password;
a URL without one, or one from the environment, is not warned about."""

from __future__ import annotations

import pytest

SECRET = "S3cr3t-Pg-pass"
DOWN = "127.0.0.1:1/none"  # nothing listens: the command fails after the warning, exit 7


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://pgadmin:{SECRET}@{DOWN}",
        f"postgresql://pgadmin@{DOWN}?sslmode=disable&password={SECRET}",
        f"host=127.0.0.1 port=1 dbname=none user=pgadmin password={SECRET}",
    ],
)
def test_a_password_on_the_command_line_is_warned_about_once(cli, url):
    result = cli("--database-url", url, "db", "status")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, result.stderr
    assert "`ps`" in warnings[0] and "BLOGSTER_DATABASE_URL" in warnings[0]
    assert "config set database_url -" in warnings[0]
    assert SECRET not in result.stderr
    assert result.exit_code == 7  # it still ran, as given


def test_the_warning_also_comes_after_the_command(cli):
    result = cli("config", "get", "timezone", "--database-url", f"postgresql://pgadmin:{SECRET}@{DOWN}")
    assert result.exit_code == 0 and result.stdout.strip() == "UTC"
    assert result.stderr.count("warning: --database-url holds a password") == 1


def test_no_warning_without_a_password_or_from_the_environment(cli, monkeypatch):
    plain = cli("--database-url", f"postgresql://pgadmin@{DOWN}", "config", "get", "timezone")
    assert plain.exit_code == 0 and "warning" not in plain.stderr
    monkeypatch.setenv("BLOGSTER_DATABASE_URL", f"postgresql://pgadmin:{SECRET}@{DOWN}")
    from_env = cli("config", "get", "timezone")
    assert from_env.exit_code == 0 and "warning" not in from_env.stderr
