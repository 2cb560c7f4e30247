"""blogster workers status | retry."""

from __future__ import annotations


def failed_job(superuser) -> int:
    (job_id,) = superuser.execute(
        "insert into procrastinate.procrastinate_jobs (queue_name, task_name, status, attempts)"
        " values ('notifications', 'notification_email', 'failed', 5) returning id"
    ).fetchone()
    superuser.execute(
        "insert into internal.job_failures (job_id, task_name, error) values (%s, 'notification_email', 'boom')",
        (job_id,),
    )
    superuser.execute(
        "insert into procrastinate.procrastinate_jobs (queue_name, task_name) values ('notifications', 'x'), ('other', 'y')"
    )
    return job_id


def test_status_shows_depth_failures_and_retry_requeues(cli, superuser):
    job_id = failed_job(superuser)
    status = cli("workers", "status", "--json")
    assert status.exit_code == 0, status.stderr
    report = status.json()
    assert {q["queue"]: (q["due"], q["failed"]) for q in report["queues"]} == {"notifications": (1, 1), "other": (1, 0)}
    assert [(f["id"], f["error"]) for f in report["failed"]] == [(job_id, "boom")]

    assert cli("workers", "retry", str(job_id), "--json").json() == {"job": job_id, "queued": True}
    assert superuser.execute(
        "select status::text from procrastinate.procrastinate_jobs where id = %s", (job_id,)
    ).fetchone() == ("todo",)
    again = cli("workers", "retry", str(job_id))
    assert again.exit_code == 3 and again.stderr.strip().endswith(f"no failed job {job_id}")


def test_clean_notifications_removes_only_long_expired_ones(cli, signed_up, superuser):
    (user_id,) = superuser.execute("select id from auth.users").fetchone()
    superuser.execute(
        "insert into user_notifications (user_id, type, title, expires_at) values"
        " (%(u)s, 'maintenance', 'old', now() - interval '8 days'),"
        " (%(u)s, 'maintenance', 'recent', now() - interval '1 day'),"
        " (%(u)s, 'maintenance', 'open', null)",
        {"u": user_id},
    )
    assert cli("workers", "clean-notifications", "--json").json() == {"removed": 1}
    titles = {t for (t,) in superuser.execute("select title from user_notifications")}
    assert titles == {"recent", "open"}
