"""A login is the server's, not one database's: what another database keeps closed stays closed (red team 46).

`admin users reset-password` decided from the current database's account alone whether to give the
account's role LOGIN. Run in a copy of the data where the account was not banned (`create database
blogcopy template blogster` before the ban), it opened the login of a member banned in blogster, who
logged in there again and wrote. So did a ban's end in one database (`workers reopen-logins`) while
another still banned the account, and `ban --lift` in a copy made after the ban. Now every other
database on the server is read first (as the stray-logins code does): a ban in force or a deletion
there keeps the login closed, and so does a database that cannot be read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from blogster_cli.context import AppContext
from blogster_cli.db.connection import Database
from tests.cli.conftest import PASSWORD, database_url
from tests.cli.test_account_login_left_overs_cli import connects, end_the_ban, opens, role_login
from tests.cli.test_doctor_stray_logins_cli import closed_database  # noqa: F401  # the fixture
from tests.cli.test_shared_server_sign_in_cli import (  # noqa: F401  # member: the fixture
    MEMBER_PASSWORD,
    PASSWORDS_CHECKED,
    Member,
    bob_runs,
    member,
)

NEW_PASSWORD = "bobs-new-password-1"


@pytest.fixture
def copy_of(server_conninfo: str) -> Iterator[Callable[[Database], Database]]:
    """copy_of(db): a copy of `db` on the same server (`create database ... template`), dropped after."""
    made = []

    def copy(db: Database) -> Database:
        name = f"blogster_test_copy_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(server_conninfo, autocommit=True) as conn:  # a template takes no other sessions
            conn.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s"
                         " and pid <> pg_backend_pid()", (db.database_name,))  # fmt: skip
            conn.execute(sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(db.database_name)))  # fmt: skip
        made.append(name)
        return Database(make_conninfo(db.conninfo, dbname=name))

    yield copy
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        for name in made:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def login_of(server_conninfo: str, login: str) -> tuple[bool, str | None]:
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        return role_login(conn, login)


def in_copy(cli, copy: Database, *args: str, user: str | None = "postgres", **kwargs):
    """A command on the copy: the administrator's (the same superuser login and session), or with
    `user=None` a member's. The password (a TCP test server's) in PGPASSWORD, not on the command line."""
    password = conninfo_to_dict(copy.conninfo).get("password")
    return cli("--database-url", database_url(copy, user=user and conninfo_to_dict(copy.conninfo).get("user")),
               *args, env={"PGPASSWORD": password} if password else None, **kwargs)  # fmt: skip


def is_shut_out(cli, db, member: Member, password: str) -> bool:  # noqa: F811
    """Whether bob cannot log in to the banned database with `password`."""
    again = bob_runs(cli, member, "auth", "login", "--login", member.login, "--password-stdin", profile="again",
                     input=password + "\n")  # fmt: skip
    return again.exit_code != 0 and not (PASSWORDS_CHECKED and connects(db, member.login, password))


def test_a_reset_in_a_copy_without_the_ban_leaves_the_login_closed(cli, db, server_conninfo, member, copy_of):  # noqa: F811
    copy = copy_of(db)  # bob is not banned there
    assert cli("admin", "users", "ban", member.email).exit_code == 0
    assert login_of(server_conninfo, member.login)[0] is False

    reset = in_copy(cli, copy, "admin", "users", "reset-password", member.email, "--password-stdin", "--json",
                    input=NEW_PASSWORD + "\n")  # fmt: skip

    assert reset.exit_code == 0, reset.stderr
    assert reset.json() == {"email": member.email, "login": member.login, "password": None, "can_log_in": False}
    can_login, verifier = login_of(server_conninfo, member.login)
    assert can_login is False and opens(verifier, NEW_PASSWORD)  # the password, for when the ban ends
    assert is_shut_out(cli, db, member, NEW_PASSWORD)
    assert bob_runs(cli, member, "posts", "create", "--title", "Still here").exit_code != 0
    text = in_copy(cli, copy, "admin", "users", "reset-password", member.email, "--password-stdin",
                   input=NEW_PASSWORD + "\n")  # fmt: skip
    assert text.stderr == (
        f"Password for {member.email} (login {member.login}) changed.\n"
        f"{member.login} does not log in with this password: it is banned in the database {db.database_name},"
        " and a login serves every database on the server\n"
    )
    assert login_of(server_conninfo, member.login)[0] is False


def test_a_reset_leaves_alone_a_login_awaiting_its_purge_elsewhere(cli, db, server_conninfo, member, copy_of):  # noqa: F811
    """`account delete` there kept LOGIN with a password nobody knows: the reset's password would open it."""
    copy = copy_of(db)
    deleted = in_copy(cli, copy, "--profile", "bob", "account", "delete", "--yes", "--json", user=None)
    assert deleted.exit_code == 0 and deleted.json()["outcome"] == "marked", deleted.stderr
    before = login_of(server_conninfo, member.login)

    reset = cli("admin", "users", "reset-password", member.email, "--password-stdin", "--json",
                input=NEW_PASSWORD + "\n")  # fmt: skip

    assert reset.json()["can_log_in"] is False, reset.stderr
    assert login_of(server_conninfo, member.login) == before
    text = cli("admin", "users", "reset-password", member.email, "--password-stdin", input=NEW_PASSWORD + "\n")
    assert f"it awaits its purge in the database {copy.database_name}" in text.stderr
    if PASSWORDS_CHECKED:  # LOGIN kept: the embedded test server's socket would let any password in
        assert not connects(db, member.login, NEW_PASSWORD)


def test_a_database_that_cannot_be_read_keeps_the_login_closed(cli, server_conninfo, signed_up, closed_database):  # noqa: F811
    """Whether it bans the account is unknown: a login made by `auth signup` gets its password, not LOGIN."""
    made = cli("--profile", "cara", "auth", "signup", "--email", "cara@example.com", "--password-stdin",
               input=PASSWORD + "\n" + PASSWORD + "\n")  # fmt: skip
    assert made.exit_code == 0, made.stderr

    reset = cli("admin", "users", "reset-password", "cara@example.com", "--password-stdin", input=NEW_PASSWORD + "\n")

    assert reset.exit_code == 0, reset.stderr
    login = reset.stderr.split("(login ")[1].split(")")[0]
    assert f"{login} does not log in with this password: the database {closed_database} could not be read" in (
        reset.stderr
    )
    can_login, verifier = login_of(server_conninfo, login)
    assert can_login is False and opens(verifier, NEW_PASSWORD)


def test_a_bans_end_leaves_closed_a_login_another_database_bans(cli, db, server_conninfo, member, copy_of):  # noqa: F811
    """Until that ban is lifted too, by the workers' job as by `workers reopen-logins`."""
    from blogster_cli.workers.app import build_app

    copy = copy_of(db)
    assert in_copy(cli, copy, "admin", "users", "ban", member.email).exit_code == 0  # for good there
    assert cli("admin", "users", "ban", member.email, "--days", "1").exit_code == 0
    end_the_ban_here = db.connect()
    try:
        end_the_ban(end_the_ban_here, member.email)
    finally:
        end_the_ban_here.close()

    assert cli("workers", "reopen-logins", "--json").json() == {"reopened": []}
    app = build_app(AppContext(database_url=db.conninfo), pool_size=1)
    app.tasks["reopen_logins"](timestamp=0)
    assert login_of(server_conninfo, member.login)[0] is False
    assert is_shut_out(cli, db, member, MEMBER_PASSWORD)

    lifted = in_copy(cli, copy, "admin", "users", "ban", member.email, "--lift")
    assert (lifted.exit_code, lifted.stderr) == (0, f"Lifted the ban on {member.email}.\n")  # nothing bans it now
    assert login_of(server_conninfo, member.login)[0] is True
    assert bob_runs(cli, member, "posts", "list").exit_code == 0


def test_lifting_a_ban_in_a_copy_made_after_it_leaves_the_login_closed(cli, db, server_conninfo, member, copy_of):  # noqa: F811
    assert cli("admin", "users", "ban", member.email).exit_code == 0
    copy = copy_of(db)  # banned in both

    lifted = in_copy(cli, copy, "admin", "users", "ban", member.email, "--lift")

    assert lifted.exit_code == 0, lifted.stderr
    assert lifted.stderr == (
        f"Lifted the ban on {member.email}.\nwarning: its login stays closed: it is banned in the database"
        f" {db.database_name}, and a login serves every database on the server\n"
    )
    assert login_of(server_conninfo, member.login)[0] is False
    assert is_shut_out(cli, db, member, MEMBER_PASSWORD)
