"""Red team 65 F1: statements no one can end, run by an account's own login.

translate(text, from, to) looks every character up in all of `from` and never checks for interrupts:
neither statement_timeout nor pg_terminate_backend ends it (minutes with texts of 100,000 characters,
days with 100 MB), so an account pinned the server's CPUs, held the NOTIFY queue with a session the
watch could not end, or shielded a holder from it (tests/security/test_notify_queue_attacks.py).
Migration 0204 takes it from PUBLIC (internal.uninterruptible_functions() lists what it closes;
internal.secure_database(), run by every `db migrate`, revokes them), and documentation's search
vector, the one place Blogster called it, reads `<` and `>` with replace(). Only a superuser may:
`doctor` fails a database where PUBLIC still may call it, with the statement a superuser runs.
"""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db import migrations
from blogster_cli.db.closed_functions import UNINTERRUPTIBLE, open_to_public
from blogster_cli.services import backup
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as
from tests.security.test_shared_server_attacks import as_managed_administrator, doctor_checks


def closed_functions(superuser: psycopg.Connection) -> list[tuple[str, bool]]:
    return superuser.execute(
        "select name, public_holds from internal.uninterruptible_functions() order by 1"
    ).fetchall()


def test_an_account_cannot_call_a_function_no_one_can_end(db, superuser, make_user):
    assert closed_functions(superuser) == [("translate(text,text,text)", False)]
    bob = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, bob.role_name) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select translate(repeat('a', 100000), repeat('b', 100000), '')")


def test_every_migrate_closes_them_again(db, superuser):
    superuser.execute("grant execute on function pg_catalog.translate(text, text, text) to public")
    assert closed_functions(superuser) == [("translate(text,text,text)", True)]
    assert migrations.apply(db) == []
    assert closed_functions(superuser) == [("translate(text,text,text)", False)]


def test_a_restored_database_keeps_them_closed(db, superuser, make_user, tmp_path):
    """A restore builds its scratch database from Blogster's migrations, 0204 among them: still closed."""
    bob = make_user(login_password=LOGIN_PASSWORD)
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    superuser.close()
    db.close()
    assert backup.restore(db, path=archive).accounts == 1
    with login_as(db, bob.role_name) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select translate('a', 'b', 'c')")


def test_a_migrating_login_that_is_no_superuser_is_told_what_a_superuser_revokes(db, superuser):
    """A managed server's administrator may not revoke on pg_catalog's functions: a notice, as for the
    advisory locks (0194), naming the statement; a superuser's run closes them."""
    notices: list[str] = []
    superuser.add_notice_handler(lambda diagnostic: notices.append(diagnostic.message_primary or ""))
    superuser.execute("grant execute on function pg_catalog.translate(text, text, text) to public")
    with as_managed_administrator(superuser):
        superuser.execute("select internal.secure_database()")
        assert closed_functions(superuser) == [("translate(text,text,text)", True)]
    assert any(
        "run statements no one can end" in notice and "REVOKE EXECUTE ON FUNCTION translate(text,text,text)" in notice
        for notice in notices
    ), notices
    superuser.execute("select internal.secure_database()")
    assert closed_functions(superuser) == [("translate(text,text,text)", False)]


def test_doctor_fails_a_database_where_public_may_call_them_until_a_superuser_revokes_them(db, superuser):
    """Where `db migrate` could not revoke them (a managed server's administrator is no superuser)."""
    check_name = UNINTERRUPTIBLE.name
    assert check_name not in doctor_checks(db)
    superuser.execute("grant execute on function pg_catalog.translate(text, text, text) to public")
    check = doctor_checks(db)[check_name]
    assert check.status == "fail" and "any login may run translate() in this database" in check.detail
    assert "neither statement_timeout nor pg_terminate_backend ends" in check.detail
    assert check.detail.endswith("run REVOKE EXECUTE ON FUNCTION pg_catalog.translate(text, text, text) FROM PUBLIC;")
    superuser.execute(UNINTERRUPTIBLE.revoke_sql)  # what the check says to run
    assert check_name not in doctor_checks(db)
    assert open_to_public(superuser, UNINTERRUPTIBLE) == []


def test_an_administrator_account_still_indexes_documentation_titles_as_text(db, make_user):
    """The search vector's trigger runs as the writer (an administrator account here, no superuser):
    `<integer>` is still indexed by its word, without translate()."""
    admin = make_user(admin=True, login_password=LOGIN_PASSWORD)
    with login_as(db, admin.role_name) as conn:
        conn.execute(
            "insert into documentation_pages (title, slug, content, excerpt, tags, status) values"
            " ('<integer>', 'integer', jsonb_build_object('version', 1, 'markdown', 'A number.'),"
            " 'An <int> excerpt', array['<tagged>'], 'published')"
        )
        vector = conn.execute("select search_vector::text from documentation_pages where slug = 'integer'").fetchone()
    assert vector == ("'excerpt':4B 'int':3B 'integ':1A 'number':7C 'tag':5B",)  # read as tags, they went
