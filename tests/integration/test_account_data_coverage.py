"""Issue 9.30: `account export` and `account delete` cover every table holding the user's data.

The tables are found in the catalog, not listed by hand, so a new table is covered (or
makes these tests fail) the day it arrives. An account's rows are those that reference
it through a foreign key (a user, author, owner, creator column), directly or through
a row of its own (a message of its conversation, a tag link of its post). The test
gives the account rows in every such table it can reach, generated from column types,
then checks that the export holds every one the account may read, and that after
`account delete` nothing anywhere references the account or even mentions its id.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.context import AppContext
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import account_export, accounts

TABLES_SQL = """
select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname in ('public', 'auth', 'internal') and c.relkind in ('r', 'p') and not c.relispartition
order by 1, 2
"""
# Foreign keys by their first column pair (enough to follow ownership).
FOREIGN_KEYS_SQL = """
select cn.nspname, cc.relname, a.attname, pn.nspname, pc.relname, pa.attname
from pg_constraint k
join pg_class cc on cc.oid = k.conrelid join pg_namespace cn on cn.oid = cc.relnamespace
join pg_class pc on pc.oid = k.confrelid join pg_namespace pn on pn.oid = pc.relnamespace
join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
join pg_attribute pa on pa.attrelid = k.confrelid and pa.attnum = k.confkey[1]
where k.contype = 'f' and k.conparentid = 0
"""
# Columns a generated row must fill: not null, no default, not generated.
REQUIRED_COLUMNS_SQL = """
select a.attname, format_type(a.atttypid, a.atttypmod), t.typtype, a.atttypid::regtype::text
from pg_attribute a join pg_type t on t.oid = a.atttypid
where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped and a.attnotnull
  and a.attgenerated = '' and a.attidentity = '' and not a.atthasdef
order by a.attnum
"""
# Values for columns whose CHECK constraints a type-based guess would not meet.
KNOWN_GOOD = {
    "channels": "{in_app}",
    "role": "user",
    "email": "someone@example.com",
    "start_time": "2026-01-15",
    "end_time": "2026-01-16",
    "file_key": "0" * 64,
    "range_hash": "0" * 64,
    "start_offset": "0",
    "end_offset": "1",
    "outcome": "sent",
    "folder": "/home/ada/site",
    "dialect": "hugo",
    "file_sha256": "0" * 64,
}
# Nullable columns a trigger or CHECK still insists on (the chatbot cleans and requires a message's text).
KNOWN_OPTIONAL = {
    ("public", "chatbot_messages"): {"content": "How do I schedule a post?"},
    # A record of a newsletter that mailed (`mailed` 1 above) has its last mail's time (0190).
    ("internal", "deleted_newsletters"): {"last_mailed_at": "2026-01-15"},
}
ACCOUNT_ROOTS = {("auth", "users"), ("public", "profiles")}


@dataclass(frozen=True)
class ForeignKey:
    child: tuple[str, str]
    column: str
    parent: tuple[str, str]
    parent_column: str


def ident(table: tuple[str, str]) -> sql.Composable:
    return sql.Identifier(*table)


def foreign_keys(conn) -> list[ForeignKey]:
    return [ForeignKey((a, b), c, (d, e), f) for a, b, c, d, e, f in conn.execute(FOREIGN_KEYS_SQL).fetchall()]


def account_rows(conn, user_id: uuid.UUID) -> dict[tuple[str, str], set[str]]:
    """Every row (as jsonb text) that references the account, directly or through its own rows.

    Starts from the id itself, not from the auth.users row, so it finds leftovers after a delete.
    """
    return {table: set(rows) for table, rows in _account_rows(conn, user_id).items() if rows}


def _account_rows(conn, user_id: uuid.UUID) -> dict[tuple[str, str], dict[str, dict]]:
    keys = foreign_keys(conn)
    seeds = {root: [{"id": str(user_id)}] for root in ACCOUNT_ROOTS}
    found: dict[tuple[str, str], dict[str, dict]] = {}
    changed = True
    while changed:
        changed = False
        for key in keys:
            parent_rows = [*seeds.get(key.parent, []), *found.get(key.parent, {}).values()]
            values = sorted({str(row[key.parent_column]) for row in parent_rows if row.get(key.parent_column)})
            if not values:
                continue
            query = sql.SQL("select to_jsonb(t)::text, to_jsonb(t) from {} t where {}::text = any(%s)").format(
                ident(key.child), sql.Identifier(key.column)
            )
            rows = found.setdefault(key.child, {})
            for text, row in conn.execute(query, (values,)).fetchall():
                if text not in rows:
                    rows[text] = row
                    changed = True
    return found


def account_rows_with_data(conn, user_id: uuid.UUID) -> dict[tuple[str, str], list[dict]]:
    return {table: list(rows.values()) for table, rows in _account_rows(conn, user_id).items() if rows}


def _value_for(conn, table, column, type_name, typtype, base_type, user_id, parents) -> object:
    if column in parents:
        return parents[column]
    if typtype == "e":
        return conn.execute(
            "select enumlabel from pg_enum where enumtypid = %s::regtype order by enumsortorder limit 1", (base_type,)
        ).fetchone()[0]
    if column in KNOWN_GOOD:
        return KNOWN_GOOD[column]
    if column == "slug":
        return f"{table[1].replace('_', '-')}-{uuid.uuid4().hex[:6]}"
    if type_name == "uuid":
        return user_id
    if type_name.startswith(("timestamp", "date")):
        return "2026-01-15"
    if type_name in ("integer", "bigint", "smallint", "numeric", "double precision", "real") or type_name.startswith(
        "numeric"
    ):
        return 1
    if type_name == "boolean":
        return False
    if type_name in ("jsonb", "json"):
        return "{}"
    if type_name.endswith("[]"):
        return "{}"
    if type_name == "interval":
        return "1 minute"
    return f"{table[1]}-{column}-{uuid.uuid4().hex[:6]}"


def populate_everything(conn, user_id: uuid.UUID) -> list[str]:
    """Gives the account a row in every table that references it (and in their children);
    returns the tables it could not fill, for the test to report."""
    keys = foreign_keys(conn)
    owner_columns: dict[tuple[str, str], dict[str, str]] = {}
    for key in keys:
        if key.parent in ACCOUNT_ROOTS:
            owner_columns.setdefault(key.child, {})[key.column] = key.parent
    tables = [tuple(row) for row in conn.execute(TABLES_SQL).fetchall()]
    failed: list[str] = []
    already = {table: rows for table, rows in account_rows_with_data(conn, user_id).items()}
    my_ids = {table: rows[0]["id"] for table, rows in already.items() if "id" in rows[0]}
    pending = [t for t in tables if t not in ACCOUNT_ROOTS | set(already) and t != ("internal", "schema_migrations")]
    for _round in range(4):  # children need their parents' rows first
        still = []
        for table in pending:
            parents: dict[str, object] = {column: user_id for column in owner_columns.get(table, {})}
            for key in keys:
                if key.child == table and key.parent in my_ids and key.column not in parents:
                    parents[key.column] = my_ids[key.parent]
            if not parents:
                continue  # neither the account's nor a child of its rows
            columns = conn.execute(REQUIRED_COLUMNS_SQL, (".".join(table),)).fetchall()
            missing_parent = [
                c for c, *_ in columns if any(k.child == table and k.column == c for k in keys) and c not in parents
            ]
            if missing_parent:
                still.append(table)
                continue
            values = {c: _value_for(conn, table, c, t, tt, bt, user_id, parents) for c, t, tt, bt in columns}
            values.update(KNOWN_OPTIONAL.get(table, {}))
            values.update(parents)
            query = sql.SQL("insert into {} ({}) values ({}) returning to_jsonb({}.*)").format(
                ident(table),
                sql.SQL(", ").join(map(sql.Identifier, values)),
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
                sql.Identifier(table[1]),
            )
            try:
                with conn.transaction():
                    row = conn.execute(query, list(values.values())).fetchone()[0]
            except psycopg.errors.UniqueViolation:
                if table in account_rows_with_data(conn, user_id):
                    continue  # a trigger filled it while its source table was being filled (daily totals)
                raise
            except psycopg.Error as exc:
                failed.append(f"{'.'.join(table)}: {exc.sqlstate} {str(exc).splitlines()[0]}")
                continue
            if "id" in row:
                my_ids[table] = row["id"]
        pending = still
    return failed + [f"{'.'.join(t)}: parents never filled" for t in pending]


@pytest.fixture
def busy_account(db, make_user, superuser) -> Callable[[], tuple[Actor, Actor]]:
    """An admin account with a row in every table that can reference it, and a bystander with posts of their own."""
    from blogster_cli.services import blogs

    alice, bystander = make_user(admin=True), make_user()  # an admin reads the most tables
    blogs.create(
        ActingUser(db, alice),
        new=blogs.NewBlog(title="Alice writes", markdown="Mine.", tags=["mine"], status="published"),
    )
    blogs.create(
        ActingUser(db, bystander), new=blogs.NewBlog(title="Bystander writes", markdown="Theirs.", status="published")
    )
    failed = populate_everything(superuser, alice.user_id)
    assert failed == [], "give these tables a hand-written row for the coverage test:\n" + "\n".join(failed)
    return alice, bystander


def test_the_populated_account_reaches_every_table_that_references_accounts(db, busy_account, superuser):
    alice, _ = busy_account
    reached = account_rows(superuser, alice.user_id)
    referencing = {k.child for k in foreign_keys(superuser) if k.parent in ACCOUNT_ROOTS}
    assert referencing <= set(reached)
    assert len(reached) >= 39  # of the 47 tables, 39 can hold an account's rows today


def test_account_export_holds_every_row_of_the_account_it_may_read(db, busy_account, superuser, tmp_path):
    import json

    alice, _ = busy_account
    reached = account_rows(superuser, alice.user_id)
    account_export.export_account(ActingUser(db, alice), directory=tmp_path / "export")
    exported = json.loads((tmp_path / "export" / "account.json").read_text())
    assert exported["account"]["id"] == str(alice.user_id)
    with db.connect() as conn:
        for (schema, table), rows in sorted(reached.items()):
            if schema != "public":
                continue  # auth.users is the "account" entry; auth.sessions and the outbox are not readable
            with acting_transaction(conn, alice.role_name):
                columns = conn.execute(  # all, but a row number shared by every account (0103)
                    "select array_agg(attname order by attnum) from pg_attribute where attrelid = %s::regclass"
                    " and attnum > 0 and not attisdropped and has_column_privilege(attrelid, attnum, 'select')",
                    (f"{schema}.{table}",),
                ).fetchone()[0]
                if not columns:
                    assert table not in exported["tables"], table
                    continue
                shown = [json.dumps({k: v for k, v in json.loads(row).items() if k in columns}) for row in rows]
                readable = conn.execute(
                    sql.SQL("select count(*) from (select {} from {}) t where to_jsonb(t) = any(%s::jsonb[])").format(
                        sql.SQL(", ").join(map(sql.Identifier, columns)), ident((schema, table))
                    ),
                    (sorted(shown),),
                ).fetchone()[0]
            assert len(exported["tables"].get(table, [])) == readable, table


def test_account_export_leaves_out_other_accounts_rows(db, busy_account, tmp_path):
    import json

    alice, bystander = busy_account
    account_export.export_account(ActingUser(db, alice), directory=tmp_path / "export")
    text = (tmp_path / "export" / "account.json").read_text()
    assert str(bystander.user_id) not in text and "Bystander writes" not in text
    assert [b["title"] for b in json.loads(text)["tables"]["blogs"]] == ["Alice writes"]


def test_account_delete_leaves_no_row_that_references_or_mentions_the_account(db, busy_account, superuser):
    alice, bystander = busy_account
    bystander_before = account_rows(superuser, bystander.user_id)
    ctx = AppContext(database_url=db.conninfo)
    assert accounts.delete_own_account(ActingUser(ctx.database, alice), ctx=ctx) == "deleted"
    ctx.database.close()

    assert account_rows(superuser, alice.user_id) == {}
    for schema, table in superuser.execute(TABLES_SQL).fetchall():
        mentions = superuser.execute(
            sql.SQL("select count(*) from {} t where to_jsonb(t)::text ~ %s").format(ident((schema, table))),
            (f"{alice.user_id}|{alice.user_id.hex}",),
        ).fetchone()[0]
        assert mentions == 0, f"{schema}.{table} still mentions the deleted account"
    assert account_rows(superuser, bystander.user_id) == bystander_before
