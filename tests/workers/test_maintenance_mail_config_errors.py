"""Red team (Low): maintenance mail whose send met a configuration error (a refused SMTP login)
was retried 5 times like a network outage, a failed login each time, though trying again cannot
help until the settings change. The job now fails at once, its error in `workers status`; once
the settings are fixed, `workers retry` mails each user once."""

from __future__ import annotations

from blogster_cli.services import workers
from tests.smtp_login import smtp_with_login
from tests.workers.test_serve_workers import deliveries, message_id_of, run_once, schedule_maintenance

RIGHT = "the-right-password"


def test_a_refused_login_is_tried_once_and_mailed_once_after_the_fix(db, make_user, superuser, start_worker):
    admin, reader = make_user(admin=True), make_user()
    schedule_maintenance(db, admin)
    with smtp_with_login(RIGHT) as (recorder, logins, url):
        wrong = url.replace("letters@", "letters:wrong@")
        for _ in range(3):  # three runs of the worker (the first retry was due 2 s after the failure)
            run_once(start_worker, wrong)
        assert len(logins.sessions) == 1, logins.sessions  # was a login per attempt, 5 in all
        [(job_id, status)] = superuser.execute(
            "select id, status::text from procrastinate.procrastinate_jobs where task_name = 'notification_email'"
        ).fetchall()
        assert status == "failed"
        [failed] = workers.status(db).failed
        assert failed["id"] == job_id and "refused the login (535" in failed["error"], failed
        assert f"blogster workers retry {job_id}" in failed["error"]
        assert deliveries(superuser) == {} and recorder.messages == []  # nobody marked failed: still to mail

        workers.retry(db, job_id=job_id)
        run_once(start_worker, url.replace("letters@", f"letters:{RIGHT}@"))
        run_once(start_worker, url.replace("letters@", f"letters:{RIGHT}@"))
    assert [rcpt for rcpt, _ in recorder.messages if rcpt == reader.email] == [reader.email]
    assert [rcpt for rcpt, _ in recorder.messages if rcpt == admin.email] == [admin.email]
    assert recorder.to(reader.email)[0]["Message-ID"] == message_id_of(superuser, reader)
    assert deliveries(superuser) == {admin.user_id: ("sent", None), reader.user_id: ("sent", None)}
