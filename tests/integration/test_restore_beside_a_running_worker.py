"""A restore beside a running worker (new-user walk, h384): it took 35-50 s, saying nothing, while
the worker's pool reconnected at once after each ending of its sessions and kept every rename
waiting the server's 5 s for it to leave. Now the database takes no new session once the swap
starts; a session holding sending work (a newsletter's row lock) is given a moment, then ended,
and the restore says once what it waits for."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from blogster_cli.services import backup

pytestmark = pytest.mark.usefixtures("restores_copy_the_template")  # its swap, not its schema's build


def test_a_client_that_reconnects_at_once_does_not_keep_the_restore_waiting(db, make_user, tmp_path):
    make_user("kept@example.com")
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    stop = threading.Event()

    def pool() -> None:  # as a worker's connection pool: back the moment its session is ended
        while not stop.is_set():
            try:
                with psycopg.connect(db.conninfo, autocommit=True) as conn:
                    while not stop.is_set():
                        conn.execute("select 1")
                        time.sleep(0.01)
            except psycopg.Error:
                continue

    clients = [threading.Thread(target=pool) for _ in range(3)]
    for client in clients:
        client.start()
    try:
        started = time.monotonic()
        result = backup.restore(db, path=archive)
        took = time.monotonic() - started
    finally:
        stop.set()
        for client in clients:
            client.join()
    assert result.accounts == 1
    assert took < 12, f"the restore took {took:.1f} s"
    with db.connect() as conn:  # open to sessions again
        assert conn.execute("select count(*) from auth.users").fetchone() == (1,)


def test_a_send_in_flight_is_given_a_moment_then_ended_and_the_wait_said_once(db, make_user, tmp_path, superuser):
    ada = make_user("ada@example.com")
    superuser.execute(
        "insert into public.email_newsletters (user_id, title, status) values (%s, 'This week', 'scheduled')",
        (ada.user_id,),
    )
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    sender = psycopg.connect(db.conninfo)  # a send's guard: the newsletter's row lock, held
    sender.execute("select 1 from public.email_newsletters for no key update")
    said: list[str] = []
    try:
        backup.restore(db, path=archive, on_wait=said.append)
        assert sender.closed or sender.broken or _ended(sender)
    finally:
        sender.close()
    assert len(said) == 1
    assert said[0].startswith(f"waiting for the other sessions on database {db.database_name}")
    assert "serve-workers" in said[0] and said[0].endswith("ending them")


def _ended(conn: psycopg.Connection) -> bool:
    try:
        conn.execute("select 1")
    except psycopg.OperationalError:
        return True
    return False
