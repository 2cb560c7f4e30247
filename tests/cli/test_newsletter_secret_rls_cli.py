"""A newsletter's reader secret (what keys its Message-IDs and tracking keys) lives only in its own
owner-only row: another account, anon or an admin cannot read it through any table, view or
function they can reach, cannot change it, and it is stored nowhere else.

(Attacks, but kept beside the newsletter CLI tests: the secret adds no table or function, and a
file in tests/security needs a kind in tests/unit/test_readme_security_counts.py.)"""

from __future__ import annotations

import re

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from tests.cli.conftest import PASSWORD

RELATIONS_SQL = """
select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname in ('public', 'auth', 'internal') and c.relkind in ('r', 'p', 'v', 'm', 'f')
order by 1
"""
# Functions without arguments a role may call that return rows or text: one more way to read a table.
FUNCTIONS_SQL = """
select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname in ('public', 'auth') and p.pronargs = 0 and p.prokind = 'f'
  and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype, 'void'::regtype)
  and has_function_privilege(%s, p.oid, 'EXECUTE')
order by 1
"""


@pytest.fixture
def alices_letter(cli, superuser, tmp_path):
    """Alice (the first account, an admin) made a newsletter through the CLI; Bob and Carol are
    accounts of their own, Carol an admin too."""
    signup = ("auth", "signup", "--password-stdin")
    assert cli(*signup, "--email", "alice@example.com", input=PASSWORD + "\n").exit_code == 0
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Alice secret\n---\nHello.\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published", "--slug", "alice-secret").exit_code == 0
    letter = cli("newsletter", "create", "--blogs", "alice-secret", "--subject", "Alice letter", "--json").json()
    (secret,) = superuser.execute(
        "select content->>'reader_secret' from public.email_newsletters where id = %s", (letter["id"],)
    ).fetchone()
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    return letter["id"], secret


def readable_text(conn: psycopg.Connection, role: str) -> list[tuple[str, str]]:
    """(relation or function, its rows as text) for everything `role` may read."""
    seen = []
    relations = [name for (name,) in conn.execute(RELATIONS_SQL).fetchall()]
    functions = [name for (name,) in conn.execute(FUNCTIONS_SQL, (role,)).fetchall()]
    for name in relations:
        if not conn.execute("select has_table_privilege(%s, %s, 'SELECT')", (role, name)).fetchone()[0]:
            continue
        try:
            with acting_transaction(conn, role):
                rows = conn.execute(f"select coalesce(string_agg(to_jsonb(t)::text, ' '), '') from {name} t").fetchone()
        except psycopg.errors.InsufficientPrivilege:  # no USAGE on its schema (internal)
            continue
        seen.append((name, rows[0]))
    for name in functions:
        call = name.split("(")[0]
        try:
            with acting_transaction(conn, role):
                rows = conn.execute(
                    f"select coalesce(string_agg(to_jsonb(r)::text, ' '), '') from {call}() r"
                ).fetchone()
        except psycopg.Error:  # not callable this way (a set-returning one needing a session, ...)
            continue
        seen.append((name, rows[0]))
    return seen


def test_no_one_else_reads_the_secret_anywhere(db, superuser, make_user, alices_letter):
    newsletter_id, secret = alices_letter
    bob, carol = make_user(), make_user(admin=True)
    (alice_id,) = superuser.execute("select id from auth.users where email = 'alice@example.com'").fetchone()
    with db.connect() as conn:  # the sweep finds it where it is: Alice's own row, as Alice
        assert [name for name, text in readable_text(conn, "u_" + alice_id.hex) if secret in text] == [
            "public.email_newsletters"
        ]
    for role in (bob.role_name, carol.role_name, "anon"):
        with db.connect() as conn:
            seen = readable_text(conn, role)
        assert len(seen) > 5, role  # the sweep did read things
        leaked = [name for name, text in seen if secret in text or "reader_secret" in text]
        assert leaked == [], (role, leaked)


def test_no_one_else_changes_or_moves_the_secret(db, superuser, make_user, alices_letter):
    newsletter_id, secret = alices_letter
    bob = make_user()
    with db.connect() as conn, acting_transaction(conn, bob.role_name):
        changed = conn.execute(
            "update public.email_newsletters set content = jsonb_set(content, '{reader_secret}', '\"0\"')"
        ).rowcount
        assert changed == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # no deletes but through delete_rows
            conn.execute("delete from public.email_newsletters")
    (after,) = superuser.execute(
        "select content->>'reader_secret' from public.email_newsletters where id = %s", (newsletter_id,)
    ).fetchone()
    assert after == secret


def test_the_secret_is_kept_in_its_newsletter_row_only(superuser, alices_letter):
    newsletter_id, secret = alices_letter
    holders = []
    for (name,) in superuser.execute(RELATIONS_SQL.replace("'v', 'm', 'f'", "'m'")).fetchall():
        (count,) = superuser.execute(
            f"select count(*) from {name} t where to_jsonb(t)::text like %s", (f"%{secret}%",)
        ).fetchone()
        if count:
            holders.append((name, count))
    assert holders == [("public.email_newsletters", 1)]
