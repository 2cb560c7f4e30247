"""A restore waits at most RESTORE_LOCK_WAIT_SECONDS for a lock, then stops with one line naming what
it waited for and the session holding it (exit 5): it used to wait for ever, printing nothing (red
team 50). Only superusers may connect to its scratch database, and one (an administrator's psql) can
still hold a table there that its migrations or its loading of the rows need."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from blogster_cli.errors import Conflict
from blogster_cli.services import backup

HOLD_SECONDS = 20


def test_a_lock_held_on_the_scratch_database_stops_the_restore_naming_its_holder(db, make_user, tmp_path, monkeypatch):
    make_user()
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    monkeypatch.setattr(backup, "RESTORE_LOCK_WAIT_SECONDS", 1.0)
    done = threading.Event()
    holders: list[tuple[int, str]] = []

    def hold() -> None:
        """A superuser's session on the scratch copy, reading `blogs` in a transaction it keeps open."""
        pattern = db.database_name.replace("_", "\\_") + "\\_restore\\_%"
        with db.connect() as watch:
            while not done.is_set():
                found = watch.execute("select datname from pg_database where datname like %s", (pattern,)).fetchone()
                if found is None:
                    continue
                try:
                    with psycopg.connect(make_conninfo(db.conninfo, dbname=found[0])) as conn:
                        while (
                            not done.is_set()
                            and conn.execute("select to_regclass('public.blogs')").fetchone()[0] is None
                        ):
                            conn.rollback()
                        conn.execute("select 1 from public.blogs limit 1")
                        holders.append((conn.info.backend_pid, conn.info.user))
                        done.wait(HOLD_SECONDS)
                        return
                except psycopg.OperationalError:  # not open to connections yet, or dropped: look again
                    continue

    def held_before_loading(stage: str) -> None:
        """The rows load once the holder holds `blogs` (its schema is in by then): never ahead of it."""
        if stage == backup.RESTORE_STAGES[2]:
            deadline = time.monotonic() + HOLD_SECONDS
            while not holders and holder.is_alive() and time.monotonic() < deadline:
                time.sleep(0.01)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        with pytest.raises(Conflict) as stopped:
            backup.restore(db, path=archive, on_stage=held_before_loading)
    finally:
        done.set()
        holder.join()
    message = str(stopped.value)
    [(pid, login)] = holders
    assert "\n" not in message
    assert f"the restore waited over 1 s for a table of its scratch database {db.database_name}_restore_" in message
    assert f"held by server process {pid} (login {login})" in message, message
    assert "run the same `blogster db restore` again; the database was not replaced" in message
    with db.connect() as conn:  # the database is as it was, and no copy is left beside it
        assert conn.execute("select count(*) from auth.users").fetchone() == (1,)
        pattern = db.database_name.replace("_", "\\_") + "\\_%"
        assert conn.execute("select count(*) from pg_database where datname like %s", (pattern,)).fetchone() == (0,)
