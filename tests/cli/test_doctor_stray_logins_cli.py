"""`doctor` counts the stray logins on the server (account roles that can log in though no database
there has their account: left by a restore to an earlier state or a dropped database) and names the
command that switches them off, `db disable-stray-logins`, which leaves every database's accounts
alone, and everything while some database cannot be read. A restore reports those it switched off."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest
from psycopg import sql

from blogster_cli.repositories import accounts

LOGIN_PASSWORD = "stray-login-password"
FIX = "blogster db disable-stray-logins"


def stray_role(server_conninfo: str) -> str:
    role_name = f"u_{uuid.uuid4().hex}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        accounts.create_role(conn, role_name=role_name, login_password=LOGIN_PASSWORD)
    return role_name


def can_login(db, role_name: str) -> bool:
    with db.connect() as conn:
        return accounts.role_can_login(conn, role_name=role_name)


def stray_check(cli) -> dict | None:
    result = cli("doctor", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    return {check["name"]: check for check in result.json()}.get("stray logins")


@pytest.fixture
def closed_database(server_conninfo):
    """A database of the server that takes no connections, so nobody can read its accounts."""
    name = f"blogster_test_closed_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {} allow_connections false").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database {}").format(sql.Identifier(name)))


def test_doctor_counts_stray_logins_and_the_command_it_names_switches_them_off(
    cli, signed_up, db, make_user, server_conninfo
):
    account = make_user(login_password=LOGIN_PASSWORD)  # an account of this database: not a stray
    strays = [stray_role(server_conninfo) for _ in range(2)]

    check = stray_check(cli)
    assert check is not None and check["status"] == "warn", check
    count = re.match(r"(\d+) account roles can still log in though no database on the server has", check["detail"])
    assert count and int(count.group(1)) >= 2, check  # more when earlier tests' databases left some
    assert f"switch them off with `{FIX}`" in check["detail"]
    text = cli("doctor")
    assert text.exit_code == 0
    assert f"WARN  stray logins: {count.group(1)} account roles" in text.stdout

    result = cli("db", "disable-stray-logins", "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert set(strays) <= set(summary["switched_off"]) and account.role_name not in summary["switched_off"]
    assert summary["left_alone"] == [] and summary["unchecked"] is None
    assert not any(can_login(db, name) for name in strays)
    assert can_login(db, account.role_name)
    assert stray_check(cli) is None
    again = cli("db", "disable-stray-logins")
    assert again.exit_code == 0 and "Switched off 0 stray logins." in again.stderr


def test_while_a_database_cannot_be_read_nothing_is_switched_off(cli, signed_up, db, server_conninfo, closed_database):
    stray = stray_role(server_conninfo)

    check = stray_check(cli)
    assert check is not None and check["status"] == "skip", check
    assert f"the database {closed_database} could not be read" in check["detail"]
    assert FIX not in check["detail"]

    result = cli("db", "disable-stray-logins")
    assert result.exit_code == 0, result.stderr
    assert "Switched off 0 stray logins." in result.stderr
    assert "warning: left alone" in result.stderr and f"{closed_database} could not be read" in result.stderr
    assert can_login(db, stray)
    assert cli("db", "disable-stray-logins", "--json").json()["left_alone"].count(stray) == 1


def test_a_restore_says_how_many_stray_logins_it_switched_off(cli, signed_up, db, server_conninfo, tmp_path):
    archive = tmp_path / "all.blogster-backup"
    assert cli("db", "backup", str(archive)).exit_code == 0
    stray = stray_role(server_conninfo)

    result = cli("db", "restore", str(archive), "--yes")

    assert result.exit_code == 0, result.stderr
    assert re.search(r"Switched off \d+ stray logins?: account roles no database", result.stderr), result.stderr
    assert not can_login(db, stray)
