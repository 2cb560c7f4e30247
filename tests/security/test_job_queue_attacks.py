"""Issue 14: what an account, holding only its own credentials, tries against the job queue
(procrastinate's schema, 0030-0033) and the workers' ledgers, and must not get through:
reading, forging, changing or deleting jobs; calling the queue's functions; learning
anything from, or steering the workers through, the queue's NOTIFY channels.
"""

from __future__ import annotations

import json
import signal
import time

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as
from tests.workers.conftest import smtp, start_worker  # noqa: F401  (fixtures)
from tests.workers.test_serve_workers import message_id_of, schedule_maintenance, wait_for

LEDGERS = ("internal.email_deliveries", "internal.job_failures", "internal.credit_refills")
USER_ROLES = ("anon", "authenticated", "blogster_admin")


def queue_tables(superuser) -> list[str]:
    return [
        name
        for (name,) in superuser.execute(
            "select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'procrastinate' and c.relkind in ('r', 'p') order by 1"
        )
    ]


def queue_functions(superuser) -> list[tuple[str, int]]:
    """Each function in the queue's schema with a call that passes type checks: (call, nargs)."""
    return list(
        superuser.execute(
            "select p.oid::regproc::text, p.pronargs from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
            " where n.nspname = 'procrastinate' and p.prorettype <> 'trigger'::regtype order by 1, 2"
        )
    )


@pytest.fixture
def alice_and_admin(make_user):
    return make_user(login_password=LOGIN_PASSWORD), make_user(admin=True, login_password=LOGIN_PASSWORD)


def a_queued_job(db, superuser, admin) -> int:
    schedule_maintenance(db, admin)
    return superuser.execute("select max(id) from procrastinate.procrastinate_jobs").fetchone()[0]


def test_the_catalog_gives_user_roles_nothing_in_the_queue(superuser, make_user):
    user = make_user()
    roles = (*USER_ROLES, user.role_name)
    for role in roles:
        assert not superuser.execute("select has_schema_privilege(%s, 'procrastinate', 'USAGE')", (role,)).fetchone()[0]
    granted = list(
        superuser.execute(
            "select c.oid::regclass::text, r.rolname, a.privilege_type"
            " from pg_class c join pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) a"
            " left join pg_roles r on r.oid = a.grantee"
            " where (n.nspname = 'procrastinate' or c.oid = any(%s::regclass[]))"
            " and (a.grantee = 0 or r.rolname = any(%s))",
            (list(LEDGERS), list(roles)),
        )
    )
    assert granted == []
    callable_by_users = list(
        superuser.execute(
            "select p.oid::regprocedure::text, r from pg_proc p join pg_namespace n on n.oid = p.pronamespace,"
            " unnest(%s::text[]) r where n.nspname = 'procrastinate' and has_function_privilege(r, p.oid, 'EXECUTE')",
            (list(roles),),
        )
    )
    assert callable_by_users == []


@pytest.mark.parametrize("who", ["account", "admin account"])
def test_an_account_login_cannot_read_forge_change_or_delete_jobs_or_ledgers(db, superuser, alice_and_admin, who):
    alice, admin = alice_and_admin
    attacker = alice if who == "account" else admin
    job_id = a_queued_job(db, superuser, admin)
    tables = queue_tables(superuser)
    assert "procrastinate.procrastinate_jobs" in tables and len(tables) == 4
    attempts = []
    for table in (*tables, *LEDGERS):
        attempts += [
            f"select * from {table}",
            f"insert into {table} default values",
            f"update {table} set id = id",
            f"delete from {table}",
            f"lock table {table} in access exclusive mode",
        ]
    attempts += [
        "insert into procrastinate.procrastinate_jobs (queue_name, task_name, args)"
        f" values ('notifications', 'notification_email', '{{\"user_id\": \"{alice.user_id}\"}}')",
        f"update procrastinate.procrastinate_jobs set status = 'cancelled' where id = {job_id}",
        "truncate procrastinate.procrastinate_jobs",
        "copy procrastinate.procrastinate_jobs to stdout",
    ]
    with login_as(db, attacker.role_name) as conn:
        for statement in attempts:
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(statement)
    assert superuser.execute(
        "select status::text from procrastinate.procrastinate_jobs where id = %s", (job_id,)
    ).fetchone() == ("todo",)


def test_no_user_role_can_call_the_queues_functions(db, superuser, alice_and_admin):
    alice, admin = alice_and_admin
    job_id = a_queued_job(db, superuser, admin)
    functions = queue_functions(superuser)
    names = {name for name, _ in functions}
    assert {"procrastinate.procrastinate_defer_jobs_v1", "procrastinate.procrastinate_fetch_job_v2"} <= names
    calls = {
        "procrastinate.procrastinate_defer_jobs_v1": "(array[row('notifications', 'notification_email', 0, null, null,"
        " '{}'::jsonb, null)::procrastinate.procrastinate_job_to_defer_v1])",
        "procrastinate.procrastinate_fetch_job_v2": "(null, null)",
        "procrastinate.procrastinate_finish_job_v1": f"({job_id}, 'succeeded', true)",
        "procrastinate.procrastinate_cancel_job_v1": f"({job_id}, true, true)",
        "procrastinate.procrastinate_retry_job_v1": f"({job_id}, now(), null, null, null)",
        "procrastinate.procrastinate_retry_job_v2": f"({job_id}, now(), null, null, null)",
        "procrastinate.procrastinate_register_worker_v1": "()",
        "procrastinate.procrastinate_unregister_worker_v1": "(1)",
        "procrastinate.procrastinate_update_heartbeat_v1": "(1)",
        "procrastinate.procrastinate_prune_stalled_workers_v1": "(0)",
        "procrastinate.procrastinate_defer_periodic_job_v2": "('q', 'l', 'ql', 't', 0, 'k', 0, '{}')",
    }
    assert names <= set(calls), names - set(calls)
    for login in (alice, admin):
        with login_as(db, login.role_name) as conn:
            for name in sorted(names):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(f"select {name}{calls[name]}")
    for role in USER_ROLES:
        with db.connect() as conn, acting_transaction(conn, role):
            for name in sorted(names):
                with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                    conn.execute(f"select {name}{calls[name]}")
    assert superuser.execute(
        "select status::text from procrastinate.procrastinate_jobs where id = %s", (job_id,)
    ).fetchone() == ("todo",)


def test_the_queue_channels_tell_listeners_nothing_about_accounts_or_jobs(db, superuser, make_user, alice_and_admin):
    """Any role may LISTEN on procrastinate's channels: a fan-out is one payload naming no job."""
    alice, admin = alice_and_admin
    make_user()
    with login_as(db, alice.role_name) as listener:
        listener.execute('listen "procrastinate_any_queue_v1"')
        listener.execute('listen "procrastinate_queue_v1#notifications"')
        schedule_maintenance(db, admin)
        received = [(n.channel, n.payload) for n in listener.notifies(timeout=2)]
    assert sorted(received) == [
        ("procrastinate_any_queue_v1", '{"type": "job_inserted", "job_id": null}'),
        ("procrastinate_queue_v1#notifications", '{"type": "job_inserted", "job_id": null}'),
    ]
    job_ids = [str(job_id) for (job_id,) in superuser.execute("select id from procrastinate.procrastinate_jobs")]
    recipients = superuser.execute(
        "select jsonb_array_length(args->'recipients') from procrastinate.procrastinate_jobs"
    ).fetchall()
    assert len(job_ids) == 1 and recipients == [(3,)]  # one email job of up to 100 recipients (0036)
    assert not any(
        str(alice.user_id) in payload or f": {job_id}" in payload for _, payload in received for job_id in job_ids
    )


def test_forged_notifications_neither_abort_a_job_nor_stop_the_worker(
    db,
    superuser,
    alice_and_admin,
    smtp,  # noqa: F811
    start_worker,  # noqa: F811
):
    """Anyone may NOTIFY the workers' channels: an abort request for a running job, a
    malformed payload and one with no type are wake-ups at most."""
    recorder, smtp_url = smtp
    alice, admin = alice_and_admin
    recorder.stall_once[alice.email] = 3.0
    worker = start_worker("--concurrency", "2", smtp_url=smtp_url)
    schedule_maintenance(db, admin)
    wait_for(recorder.stalled.is_set, timeout=30, what="alice's email in flight")
    (running,) = superuser.execute(
        "select id from procrastinate.procrastinate_jobs where status = 'doing'"
        " and args->'recipients' @> jsonb_build_array(jsonb_build_object('user_id', %s::text))",
        (str(alice.user_id),),
    ).fetchone()
    with login_as(db, alice.role_name) as attacker:
        for channel in ("procrastinate_any_queue_v1", "procrastinate_queue_v1#notifications"):
            for payload in (json.dumps({"type": "abort_job_requested", "job_id": running}), "not json", "{}", "[]"):
                attacker.execute("select pg_notify(%s, %s)", (channel, payload))
    wait_for(lambda: len(recorder.to(alice.email)) == 1, timeout=30, what="alice's email despite the forged abort")
    time.sleep(1)
    assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
    assert superuser.execute(
        "select status::text from internal.email_deliveries where user_id = %s", (alice.user_id,)
    ).fetchone() == ("sent",)
    assert recorder.to(alice.email) == [message_id_of(superuser, alice)]
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=15) == 0
