"""Red teams 65 F1 and 68 F2: statements no one can end, run by an account's own login.

translate(text, from, to) looks every character up in all of `from` and never checks for interrupts:
neither statement_timeout nor pg_terminate_backend ends it (minutes with texts of 100,000 characters,
days with 100 MB), so an account pinned the server's CPUs, held the NOTIFY queue with a session the
watch could not end, or shielded a holder from it (tests/security/test_notify_queue_attacks.py).
Migration 0204 takes it from PUBLIC (internal.uninterruptible_functions() lists what it closes;
internal.secure_database(), run by every `db migrate`, revokes them), and documentation's search
vector, the one place Blogster called it, reads `<` and `>` with replace(). Only a superuser may:
`doctor` fails a database where PUBLIC still may call it, with the statement a superuser runs.
jsonb's ?|, ?& and - text[] do the same, quadratic in their lengths (60,000 elements each: 5-17 s,
about a day at 4 million), and Blogster calls none of them: 0208 adds them to the list.
"""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db import migrations
from blogster_cli.db.closed_functions import UNINTERRUPTIBLE, open_to_public
from blogster_cli.services import backup
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as
from tests.security.test_shared_server_attacks import as_managed_administrator, doctor_checks

CLOSED = {  # signature (as regprocedure prints it) -> an account's call of it
    "jsonb_delete(jsonb,text[])": "select '{\"a\": 1}'::jsonb - array['a']",
    "jsonb_exists_all(jsonb,text[])": "select '[\"a\"]'::jsonb ?& array['a']",
    "jsonb_exists_any(jsonb,text[])": "select '[]'::jsonb ?| array['a']",
    "translate(text,text,text)": "select translate(repeat('a', 100000), repeat('b', 100000), '')",
}


def closed_functions(superuser: psycopg.Connection) -> list[tuple[str, bool]]:
    return superuser.execute(
        "select name, public_holds from internal.uninterruptible_functions() order by 1"
    ).fetchall()


def grant_to_public(superuser: psycopg.Connection, signature: str) -> None:
    superuser.execute(f"grant execute on function pg_catalog.{signature} to public")


@pytest.mark.parametrize("signature", sorted(CLOSED))
def test_an_account_cannot_call_a_function_no_one_can_end(db, superuser, make_user, signature):
    """Through its operator too: `?|`, `?&` and `- text[]` are the functions' own."""
    assert closed_functions(superuser) == [(name, False) for name in sorted(CLOSED)]
    bob = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, bob.role_name) as conn:
        with pytest.raises(
            psycopg.errors.InsufficientPrivilege, match=rf"permission denied for function {signature.split('(')[0]}\b"
        ):
            conn.execute(CLOSED[signature])


def test_an_account_still_runs_the_jsonb_operators_blogster_uses(db, make_user):
    """`- 'key'` (one key: jsonb_delete(jsonb, text)), `#-`, `?` and jsonpath are other functions, which
    Blogster's SQL uses (0188's newsletter content, documentation's text: 0004, 0141): open."""
    bob = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, bob.role_name) as conn:
        assert conn.execute(
            """select '{"html": 1, "text": 2, "a": 3}'::jsonb - 'html' - 'text',"""
            """ '{"a": {"b": 1}}'::jsonb #- '{a,b}', '{"a": 1}'::jsonb ? 'a',"""
            """ jsonb_path_query_array('{"a": ["x", 1]}', 'strict $.** ? (@.type() == "string")')"""
        ).fetchone() == ({"a": 3}, {"a": {}}, True, ["x"])


def test_every_migrate_closes_them_again(db, superuser):
    for signature in CLOSED:
        grant_to_public(superuser, signature)
    assert closed_functions(superuser) == [(name, True) for name in sorted(CLOSED)]
    assert open_to_public(superuser, UNINTERRUPTIBLE) == sorted(CLOSED)  # doctor's list is the migration's
    assert migrations.apply(db) == []
    assert closed_functions(superuser) == [(name, False) for name in sorted(CLOSED)]


def test_a_restored_database_keeps_them_closed(db, superuser, make_user, tmp_path):
    """A restore builds its scratch database from Blogster's migrations, 0204 and 0208 among them: still closed."""
    bob = make_user(login_password=LOGIN_PASSWORD)
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    superuser.close()
    db.close()
    assert backup.restore(db, path=archive).accounts == 1
    with login_as(db, bob.role_name) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select translate('a', 'b', 'c')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(CLOSED["jsonb_exists_any(jsonb,text[])"])


def test_a_migrating_login_that_is_no_superuser_is_told_what_a_superuser_revokes(db, superuser):
    """A managed server's administrator may not revoke on pg_catalog's functions: a notice, as for the
    advisory locks (0194), naming the statement; a superuser's run closes them."""
    notices: list[str] = []
    superuser.add_notice_handler(lambda diagnostic: notices.append(diagnostic.message_primary or ""))
    grant_to_public(superuser, "translate(text, text, text)")
    grant_to_public(superuser, "jsonb_exists_any(jsonb, text[])")
    with as_managed_administrator(superuser):
        superuser.execute("select internal.secure_database()")
        assert [name for name, public_holds in closed_functions(superuser) if public_holds] == [
            "jsonb_exists_any(jsonb,text[])",
            "translate(text,text,text)",
        ]
    assert any(
        "run statements no one can end" in notice
        and "REVOKE EXECUTE ON FUNCTION jsonb_exists_any(jsonb,text[]), translate(text,text,text) FROM PUBLIC" in notice
        for notice in notices
    ), notices
    superuser.execute("select internal.secure_database()")
    assert closed_functions(superuser) == [(name, False) for name in sorted(CLOSED)]


@pytest.mark.parametrize("signature", sorted(CLOSED))
def test_doctor_fails_a_database_where_public_may_call_one_until_a_superuser_revokes_them(db, superuser, signature):
    """Where `db migrate` could not revoke them (a managed server's administrator is no superuser)."""
    check_name = UNINTERRUPTIBLE.name
    assert check_name not in doctor_checks(db)
    grant_to_public(superuser, signature)
    check = doctor_checks(db)[check_name]
    assert check.status == "fail" and "any login may run translate() or jsonb's ?|, ?& and - text[]" in check.detail
    assert "(jsonb_exists_any, jsonb_exists_all, jsonb_delete) in this database" in check.detail
    assert "neither statement_timeout nor pg_terminate_backend ends" in check.detail
    assert check.detail.endswith(
        "run REVOKE EXECUTE ON FUNCTION pg_catalog.translate(text, text, text),"
        " pg_catalog.jsonb_exists_any(jsonb, text[]), pg_catalog.jsonb_exists_all(jsonb, text[]),"
        " pg_catalog.jsonb_delete(jsonb, text[]) FROM PUBLIC;"
    )
    assert open_to_public(superuser, UNINTERRUPTIBLE) == [signature]
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
