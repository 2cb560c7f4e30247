"""A connection refused for its settings is a configuration error (exit 6), not "database unavailable"
(exit 7): a wrong password, a login the server does not know or lets in no more, an option libpq cannot
use, a database that is not there. Retrying those changes nothing (a cron wrapper that retries on 7 would
retry a wrong password forever); a server that is down stays 7. Each message names where the URL came
from, and a refused own login stays "wrong login or password" (exit 1)."""

from __future__ import annotations

import os
import uuid

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

PASSWORD = "correct horse battery staple"


def _url(db, **changes) -> str:
    params = conninfo_to_dict(db.conninfo)
    params.pop("password", None)
    params.update(changes)
    return make_conninfo(**{key: value for key, value in params.items() if value is not None})


def _one_line(result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_a_login_the_server_does_not_know_is_a_configuration_error_naming_its_source(cli, db, signed_up):
    nobody = f"nobody_{uuid.uuid4().hex[:8]}"  # embedded: "role ... does not exist"; a password server: none supplied
    line = _one_line(cli("--database-url", _url(db, user=nobody), "posts", "list"), 6)
    assert "refused the login given by --database-url" in line


def test_a_role_that_may_not_log_in_is_a_configuration_error(cli, db, make_user):
    account = make_user()  # an embedded-style account role: NOLOGIN
    line = _one_line(cli("--database-url", _url(db, user=account.role_name), "db", "status"), 6)
    assert "refused the login" in line


@pytest.mark.skipif(
    not os.environ.get("BLOGSTER_TEST_DATABASE_URL"),
    reason="password checks need a TCP server with password auth (BLOGSTER_TEST_DATABASE_URL)",
)
def test_a_wrong_password_is_a_configuration_error(cli, db, signed_up, monkeypatch):
    user = conninfo_to_dict(db.conninfo).get("user")
    monkeypatch.setenv("BLOGSTER_DATABASE_URL", _url(db, user=user, password="not-the-password"))
    line = _one_line(cli("posts", "list"), 6)
    assert "refused the login given by BLOGSTER_DATABASE_URL" in line and "password authentication failed" in line
    assert "not-the-password" not in line


@pytest.mark.parametrize(
    ("changes", "said"),
    [({"port": "notaport"}, 'for connection option "port"'), ({"sslmode": "bogus"}, "invalid sslmode value")],
)
def test_an_option_libpq_cannot_use_is_a_configuration_error_naming_its_source(cli, db, signed_up, changes, said):
    line = _one_line(cli("--database-url", _url(db, **changes), "posts", "list"), 6)
    assert line.startswith("error: the database URL (--database-url): ") and said in line


def test_a_database_that_does_not_exist_is_a_configuration_error(cli, db):
    user = conninfo_to_dict(db.conninfo).get("user")
    missing = f"blogster_missing_{uuid.uuid4().hex[:8]}"
    url = _url(db, user=user, dbname=missing, password=conninfo_to_dict(db.conninfo).get("password"))
    line = _one_line(cli("--database-url", url, "db", "status"), 6)
    assert f"the database {missing} does not exist" in line and "createdb" in line


def test_a_server_that_is_not_there_is_still_unavailable(cli, signed_up):
    line = _one_line(cli("--database-url", "postgresql://nobody@127.0.0.1:1/none", "posts", "list"), 7)
    assert "cannot connect to the database" in line


def test_a_refused_own_login_is_still_a_wrong_login(cli, db):
    user_url = _url(db, user=None)
    nobody = f"u_{uuid.uuid4().hex}"
    result = cli("--database-url", user_url, "--profile", "eve", "auth", "login", "--login", nobody,
                 "--password-stdin", input=PASSWORD + "\n")  # fmt: skip
    assert "wrong login or password" in _one_line(result, 1)
