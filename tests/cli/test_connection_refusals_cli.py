"""A connection refused for its settings is a configuration error (exit 6), not "database unavailable"
(exit 7): a wrong password, a login the server does not know or lets in no more, an option libpq cannot
use, a database that is not there. Retrying those changes nothing (a cron wrapper that retries on 7 would
retry a wrong password forever); a server that is down stays 7. Each message names where the URL came
from, and a refused own login stays "wrong login or password" (exit 1)."""

from __future__ import annotations

import os
import uuid

import pytest
from psycopg.conninfo import conninfo_to_dict

from tests.cli.conftest import database_url, error_message

PASSWORD = "correct horse battery staple"


def test_a_login_the_server_does_not_know_is_a_configuration_error_naming_its_source(cli, db, signed_up):
    nobody = f"nobody_{uuid.uuid4().hex[:8]}"  # embedded: "role ... does not exist"; a password server: none supplied
    line = error_message(cli("--database-url", database_url(db, user=nobody), "posts", "list"), 6)
    assert "refused the login given by --database-url" in line


def test_a_role_that_may_not_log_in_is_a_configuration_error(cli, db, make_user):
    account = make_user()  # an embedded-style account role: NOLOGIN
    line = error_message(cli("--database-url", database_url(db, user=account.role_name), "db", "status"), 6)
    assert "refused the login" in line


@pytest.mark.skipif(
    not os.environ.get("BLOGSTER_TEST_DATABASE_URL"),
    reason="password checks need a TCP server with password auth (BLOGSTER_TEST_DATABASE_URL)",
)
def test_a_wrong_password_is_a_configuration_error(cli, db, signed_up, monkeypatch):
    user = conninfo_to_dict(db.conninfo).get("user")
    monkeypatch.setenv("BLOGSTER_DATABASE_URL", database_url(db, user=user, password="not-the-password"))
    line = error_message(cli("posts", "list"), 6)
    assert "refused the login given by BLOGSTER_DATABASE_URL" in line and "password authentication failed" in line
    assert "not-the-password" not in line


@pytest.mark.parametrize(
    ("changes", "said"),
    [({"port": "notaport"}, 'for connection option "port"'), ({"sslmode": "bogus"}, "invalid sslmode value")],
)
def test_an_option_libpq_cannot_use_is_a_configuration_error_naming_its_source(cli, db, signed_up, changes, said):
    line = error_message(cli("--database-url", database_url(db, **changes), "posts", "list"), 6)
    assert line.startswith("the database URL (--database-url): ") and said in line


def test_a_database_that_does_not_exist_is_a_configuration_error(cli, db):
    user = conninfo_to_dict(db.conninfo).get("user")
    missing = f"blogster_missing_{uuid.uuid4().hex[:8]}"
    url = database_url(db, user=user, dbname=missing, password=conninfo_to_dict(db.conninfo).get("password"))
    line = error_message(cli("--database-url", url, "db", "status"), 6, warnings_allowed=True)  # the URL's password
    assert f"the database {missing} does not exist" in line and f"createdb --template=template0 {missing}" in line


def test_a_server_that_is_not_there_is_still_unavailable(cli, signed_up):
    line = error_message(cli("--database-url", "postgresql://nobody@127.0.0.1:1/none", "posts", "list"), 7)
    assert "cannot connect to the database" in line


def test_a_refused_own_login_is_still_a_wrong_login(cli, db):
    user_url = database_url(db, user=None)
    nobody = f"u_{uuid.uuid4().hex}"
    result = cli("--database-url", user_url, "--profile", "eve", "auth", "login", "--login", nobody,
                 "--password-stdin", input=PASSWORD + "\n")  # fmt: skip
    assert "wrong login or password" in error_message(result, 1)
