"""`workers ensure-partitions` needs the partitioned tables to itself for a moment: while another
session reads one it waits (up to the administrative lock timeout, 5 s), then says what happened,
in a writer's words (another command is using the same records), with exit 5 (a conflict), and
creates nothing. A lock wait on a row names the thing that is busy (here an account)."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.errors import translate
from blogster_cli.errors import Conflict
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

ROW = "this account is being changed by another command right now; try again in a moment"
TABLE = (
    "another command is using the same records right now, and this command needs them to itself for a"
    " moment; try again shortly"
)


def partitions(superuser) -> int:
    return superuser.execute(
        "select count(*) from pg_inherits where inhparent in"
        " ('public.user_notifications'::regclass, 'public.chatbot_messages'::regclass)"
    ).fetchone()[0]


def test_an_open_read_of_a_partitioned_table_makes_it_say_the_table_is_in_use(cli, db, make_user, superuser):
    alice = make_user(login_password=LOGIN_PASSWORD)
    before = partitions(superuser)
    with login_as(db, alice.role_name) as reader, reader.transaction():
        reader.execute("select count(*) from public.chatbot_messages")  # her own: none, but the table is open
        ran = cli("workers", "ensure-partitions", "--months", "14", "--json")
    assert ran.exit_code == 5
    assert ran.stdout == ""
    assert ran.stderr == f"error: {TABLE}\n"
    assert partitions(superuser) == before  # nothing created: the run was one transaction
    retried = cli("workers", "ensure-partitions", "--months", "14", "--json")
    assert retried.exit_code == 0, retried.stderr
    assert retried.json()["created"] > 0


def lock_error(superuser, db, statement: str) -> psycopg.Error:
    """The error `statement` meets while another session holds every auth.users row (and, so,
    the table in ROW SHARE mode)."""
    with db.connect() as holder, holder.transaction():
        holder.execute("select id from auth.users for update")
        with pytest.raises(psycopg.errors.LockNotAvailable) as raised, superuser.transaction():
            superuser.execute("set local lock_timeout = '100ms'")
            superuser.execute(statement)
    return raised.value


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("select id from auth.users for update", ROW),
        ("select id from auth.users for share nowait", ROW),
        ("update auth.users set email = email", ROW),
        ("lock table auth.users in exclusive mode", TABLE),
        ("lock table auth.users in exclusive mode nowait", TABLE),
        ("alter table auth.users alter column email set default null", TABLE),
    ],
)
def test_a_lock_timeout_names_a_row_only_when_it_waited_for_one(db, make_user, superuser, statement, message):
    make_user()
    error = translate(lock_error(superuser, db, statement))
    assert isinstance(error, Conflict)
    assert str(error) == message


def test_a_run_with_nothing_to_do_waits_for_no_reader_and_a_drifted_partition_is_synced(cli, db, make_user, superuser):
    """0104: the daily run copied every policy and grant onto every partition again, taking each
    partition to itself: with nothing to create it waited for every open read, then failed.
    Now it changes (and locks) nothing unless a partition differs from its parent."""
    import time

    assert cli("workers", "ensure-partitions", "--months", "3", "--json").exit_code == 0
    alice = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, alice.role_name) as reader, reader.transaction():
        reader.execute("select count(*) from public.chatbot_messages")
        reader.execute("select count(*) from public.user_notifications")
        started = time.monotonic()
        quiet = cli("workers", "ensure-partitions", "--months", "3", "--json")
        assert quiet.exit_code == 0, quiet.stderr
        assert quiet.json()["created"] == 0 and time.monotonic() - started < 3
    (partition, policy) = superuser.execute(
        "select c.oid::regclass::text, p.polname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
        " join pg_policy p on p.polrelid = c.oid where i.inhparent = 'public.user_notifications'::regclass limit 1"
    ).fetchone()
    superuser.execute(f'drop policy "{policy}" on {partition}')
    superuser.execute(f"grant select on {partition} to anon")
    assert cli("workers", "ensure-partitions", "--months", "3", "--json").exit_code == 0
    assert (
        superuser.execute(
            "select count(*) from pg_policy where polrelid = %s::regclass and polname = %s", (partition, policy)
        ).fetchone()[0]
        == 1
    )
    assert not superuser.execute("select has_table_privilege('anon', %s, 'select')", (partition,)).fetchone()[0]
