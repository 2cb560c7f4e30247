"""A restore killed (SIGKILL) at any step leaves a database to use, holding the old data or,
once the copy was complete and the old one set aside, the backup's; running the restore again
completes it and leaves no scratch database behind. The names of a restore still running are
never touched (db/database_swap.py)."""

from __future__ import annotations

import time

import psycopg
import pytest

from blogster_cli.db import database_swap
from blogster_cli.errors import Conflict
from blogster_cli.services import backup
from tests.killed_restore import KILL_POINTS, restore_killed_at

KEPT, LATER = "kept@example.com", "after-the-backup@example.com"


def emails(db) -> set[str]:
    with db.connect() as conn:
        return {email for (email,) in conn.execute("select email from auth.users")}


def beside(server_conninfo: str, db) -> list[str]:
    """The databases named after `db`'s (a restore's scratch copies, the one it replaced)."""
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        rows = conn.execute(
            "select datname from pg_database where starts_with(datname, %s) order by 1", (db.database_name + "_",)
        )
        return [name for (name,) in rows]


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_restore_killed_at_any_step_loses_nothing_and_a_rerun_completes_it(
    db, make_user, server_conninfo, tmp_path, point
):
    make_user(KEPT)
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    make_user(LATER)
    db.close()

    restore_killed_at(db.conninfo, archive, point)

    # A plain connection finds a database: before the swap the old one, after it the backup's
    # (killed between the renames, the connection itself puts the complete copy in place).
    swapped = point in ("between-renames", "after-swap")
    assert emails(db) == ({KEPT} if swapped else {KEPT, LATER})
    if point != "between-renames":
        assert beside(server_conninfo, db), "the killed restore left its scratch database"

    result = backup.restore(db, path=archive)
    assert result.accounts == 1
    assert emails(db) == {KEPT}
    assert beside(server_conninfo, db) == []


def test_a_restore_still_running_keeps_its_names_and_blocks_a_second_one(db, server_conninfo):
    name = db.database_name
    owner = psycopg.connect(server_conninfo, autocommit=True)
    swap = database_swap.begin(owner, name)
    with psycopg.connect(server_conninfo, autocommit=True) as other:
        assert database_swap.drop_abandoned(other, name) == []
        assert database_swap.leftovers(other, name) == []
        with pytest.raises(Conflict, match="another restore"):
            database_swap.begin(other, name)
        owner.close()  # the restore's process killed: its session ends
        deadline = time.monotonic() + 10
        while not database_swap.leftovers(other, name):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        (left,) = database_swap.leftovers(other, name)
        assert (left.name, left.stage) == (swap.loading, "restore") and left.size_bytes > 0
        assert database_swap.drop_abandoned(other, name) == [swap.loading]
    assert beside(server_conninfo, db) == []


def test_a_killed_restores_own_session_left_on_its_copy_is_ended_and_anyone_elses_waited_for(db, server_conninfo):
    """A killed client's server process can outlive its owner session while it winds down (a
    statement still running): the next restore ends it rather than leaving the copy behind,
    but never ends a session that is not the restore's own."""
    from psycopg.conninfo import make_conninfo

    name = db.database_name
    owner = psycopg.connect(server_conninfo, autocommit=True)
    swap = database_swap.begin(owner, name)
    on_copy = make_conninfo(server_conninfo, dbname=swap.loading)
    orphan = psycopg.connect(on_copy, application_name=swap.loader, autocommit=True)
    someone = psycopg.connect(on_copy, application_name="psql", autocommit=True)
    owner.close()
    with psycopg.connect(server_conninfo, autocommit=True) as other:
        deadline = time.monotonic() + 10
        while not database_swap.leftovers(other, name):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert database_swap.drop_abandoned(other, name) == []
        with pytest.raises(psycopg.OperationalError):
            orphan.execute("select 1")
        assert someone.execute("select 1").fetchone() == (1,)
        someone.close()  # its server process ends a moment later: until then the copy stays
        deadline = time.monotonic() + 10
        while database_swap.drop_abandoned(other, name) != [swap.loading]:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    assert beside(server_conninfo, db) == []


def test_a_session_ending_on_an_abandoned_copy_does_not_keep_the_copy(db, server_conninfo):
    """A session that is going (an autovacuum worker the fresh copy drew, a killed client's
    process winding down) is waited for, not taken for someone using the copy (CI run 93:
    the re-run of a restore killed while loading left its copy behind)."""
    import threading

    from psycopg.conninfo import make_conninfo

    name = db.database_name
    owner = psycopg.connect(server_conninfo, autocommit=True)
    swap = database_swap.begin(owner, name)
    owner.close()
    going = psycopg.connect(make_conninfo(server_conninfo, dbname=swap.loading), autocommit=True)
    with psycopg.connect(server_conninfo, autocommit=True) as other:
        database_swap.settle(other, name, wait_seconds=10)
        threading.Timer(0.5, going.close).start()
        assert database_swap.drop_abandoned(other, name) == [swap.loading]
    assert beside(server_conninfo, db) == []


def test_a_rerun_at_once_waits_for_the_killed_restores_session_to_go(db, server_conninfo):
    """settle: the owner session of a restore killed just now is still closing; a re-run gives
    it a moment instead of refusing as if a restore were running, and waits no longer than that."""
    import threading

    name = db.database_name
    owner = psycopg.connect(server_conninfo, autocommit=True)
    database_swap.begin(owner, name)
    with psycopg.connect(server_conninfo, autocommit=True) as other:
        started = time.monotonic()
        database_swap.settle(other, name, wait_seconds=0.3)
        assert time.monotonic() - started >= 0.3  # a restore that stays running is not waited out
        threading.Timer(0.3, owner.close).start()
        database_swap.settle(other, name, wait_seconds=10)
        database_swap.abandon(other, database_swap.begin(other, name))
        assert database_swap.drop_abandoned(other, name) != []  # the killed one's copy
    assert beside(server_conninfo, db) == []


def test_the_connection_path_waits_for_a_running_swap_and_finishes_an_abandoned_one(db, server_conninfo):
    """Between a live restore's renames the database is missing: nothing is taken from it;
    once its session is gone, the complete copy is put in place and the old one dropped."""
    name = db.database_name
    db.close()
    owner = psycopg.connect(server_conninfo, autocommit=True)
    swap = database_swap.begin(owner, name)
    database_swap.mark_ready(owner, swap)
    (ready_oid,) = owner.execute("select oid from pg_database where datname = %s", (swap.ready,)).fetchone()
    database_swap._rename(owner, name, swap.replaced)
    with psycopg.connect(server_conninfo, autocommit=True) as other:
        assert not database_swap.finish_interrupted(other, name, wait_seconds=0.3)
        assert beside(server_conninfo, db) == sorted([swap.ready, swap.replaced])
        owner.close()
        deadline = time.monotonic() + 10
        # Every session of the set-aside copy gone (the fixture's closed connections end on the
        # server a moment after they close; on a busy machine the drop met one still there).
        while other.execute("select 1 from pg_stat_activity where datname = %s", (swap.replaced,)).fetchone():
            assert time.monotonic() < deadline
            time.sleep(0.05)
    while True:  # the owner's session may take a moment to end; until then the connect fails
        try:
            with db.connect() as conn:
                assert conn.execute("select oid from pg_database where datname = current_database()").fetchone() == (
                    ready_oid,
                )
                # Open to the accounts again: the copy was closed to all but superusers while it was made.
                opened = conn.execute("select has_database_privilege('public', current_database(), 'connect')")
                assert opened.fetchone() == (True,)
            break
        except Exception:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert beside(server_conninfo, db) == []


def test_restore_needs_a_superuser_login_and_touches_nothing_without_one(db, make_user, tmp_path):
    from psycopg.conninfo import make_conninfo

    from blogster_cli.db.connection import Database
    from blogster_cli.errors import ConfigError

    make_user(KEPT)
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    alice = make_user(login_password="alice-login-pw")
    as_alice = Database(make_conninfo(db.conninfo, user=alice.role_name, password="alice-login-pw"))
    with pytest.raises(ConfigError, match="superuser"):
        backup.restore(as_alice, path=archive)
    assert emails(db) == {KEPT, alice.email}


def test_every_name_fits_postgresql_even_for_a_long_database_name():
    long_name = "blogster_" + "x" * 54  # 63 bytes, the most PostgreSQL allows
    swap = database_swap.Swap(long_name, "0" * database_swap.ID_HEX)
    names = {swap.loading, swap.ready, swap.replaced}
    assert len(names) == 3 and all(len(n.encode()) <= 63 for n in names)
    assert database_swap.Swap("blogster", "1" * database_swap.ID_HEX).ready == "blogster_ready_111111111111"
