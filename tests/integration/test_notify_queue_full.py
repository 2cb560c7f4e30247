"""Red team 61 F2 with a really full NOTIFY queue: an account's session holding it back stops every
job from being queued (`review assign` failed with exit 1 and the server's words); now the author
reads one line saying so (RateLimited, exit 9), and `serve-workers`' watch at its own thresholds
ends the holding session, after which the assignment goes through.

The queue is the server's and 8 GB by default (42 s to fill at full speed on PostgreSQL 15): this
runs on a server of its own whose queue is 1,024 pages, 8 MB (max_notify_queue_pages: PostgreSQL 17 and later). The
attacker's own login and who else is ended: tests/security/test_notify_queue_attacks.py.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.cli import exit_codes
from blogster_cli.db import migrations
from blogster_cli.db.connection import Database
from blogster_cli.db.embedded import EmbeddedServer
from blogster_cli.db.errors import NOTIFY_QUEUE_FULL
from blogster_cli.errors import RateLimited
from blogster_cli.repositories import accounts
from blogster_cli.services import blogs, review
from blogster_cli.services.notify_queue import ACT_AT_USAGE, QueueWatch

FILL = "select count(pg_notify('chatter', g::text || repeat('y', 7990))) from generate_series(1, 50) g"


@pytest.fixture(scope="module")
def small_queue_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    server = EmbeddedServer(tmp_path_factory.mktemp("small-notify-queue"))
    server.ensure_running()
    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:
        if conn.info.server_version < 170000:
            pytest.skip("max_notify_queue_pages is PostgreSQL 17's")
        conn.execute("alter system set max_notify_queue_pages = 1024")
        conn.execute("create database blogster_small_queue")
    server.stop()
    server.ensure_running()
    db = Database(server.conninfo("blogster_small_queue"))
    migrations.apply(db)
    yield db
    from tests.conftest import close_pooled_connections

    close_pooled_connections()
    db.close()
    server.destroy()


def account(db: Database, password_hash: str, name: str) -> Actor:
    email = f"{name}-{uuid.uuid4().hex[:6]}@example.com"
    with db.connect() as conn, conn.transaction():
        user_id = accounts.insert_user(conn, email=email, password_hash=password_hash, metadata={})
        accounts.create_role(conn, role_name="u_" + user_id.hex, login_password="pw")
    return Actor(user_id=user_id, email=email, is_admin=False)


def test_a_full_queue_is_one_line_for_the_user_and_the_watch_ends_the_account_holding_it(
    small_queue_db: Database, password_hash: str, tmp_path: Path
) -> None:
    db = small_queue_db
    ada, vic, bob = (account(db, password_hash, name) for name in ("ada", "vic", "bob"))
    as_ada = ActingUser(db, ada)
    blogs.create(as_ada, new=blogs.NewBlog(title="Draft one", slug="draft-one", markdown="Text."))
    holder = psycopg.connect(make_conninfo(db.conninfo, user=bob.role_name, password="pw"), autocommit=True)
    holder.execute("set idle_in_transaction_session_timeout = 0")
    holder.execute("listen chatter")
    holder.execute("begin")
    holder.execute("select 1")
    started = time.monotonic()
    with psycopg.connect(make_conninfo(db.conninfo, user=bob.role_name, password="pw"), autocommit=True) as filler:
        with pytest.raises(psycopg.errors.ProgramLimitExceeded, match="too many notifications"):
            for _ in range(100):
                filler.execute(FILL)
    assert time.monotonic() - started < 30

    with pytest.raises(RateLimited) as refused:
        review.assign(as_ada, blog="draft-one", to=vic.email, role="editor")
    assert str(refused.value) == NOTIFY_QUEUE_FULL
    assert exit_codes.for_error(refused.value) == exit_codes.RATE_LIMITED

    watch = QueueWatch()
    look = watch.look(db)  # its own thresholds: the queue is full
    assert look.usage >= 0.9
    assert [(s.email, s.role_name) for s in look.ended] == [(bob.email, bob.role_name)]
    with pytest.raises(psycopg.OperationalError):
        holder.execute("select 1")
    for _ in range(100):  # the watch's next looks: each trims what no session holds any more
        if watch.look(db).usage < ACT_AT_USAGE:
            break
        time.sleep(0.1)
    assigned = review.assign(as_ada, blog="draft-one", to=vic.email, role="editor")
    assert assigned.role == "editor"
    holder.close()


def test_without_a_look_the_queue_stays_full_after_its_holder_ends(small_queue_db: Database) -> None:
    """PostgreSQL trims the queue as a notification commits, which none can while it is full, or as
    pg_notification_queue_usage() is asked: the watch's look is what empties it again."""
    db = small_queue_db
    with db.connect() as holder, db.connect() as filler:
        holder.execute("listen chatter")
        holder.execute("begin")
        holder.execute("select 1")
        with pytest.raises(psycopg.errors.ProgramLimitExceeded):
            for _ in range(100):
                filler.execute(FILL)
        holder.execute("rollback")
        holder.execute("unlisten *")
        with pytest.raises(psycopg.errors.ProgramLimitExceeded):
            filler.execute("select pg_notify('chatter', 'x')")
        assert QueueWatch().look(db).usage < ACT_AT_USAGE
        filler.execute("select pg_notify('chatter', 'x')")
