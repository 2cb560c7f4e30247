"""Maintenance emails find their SMTP server as newsletters do (email_delivery.smtp_server, h270
item 4): they read BLOGSTER_SMTP_URL only, with its own `user:password@`, so a server set with
`config set smtp_url` and the password `newsletter smtp-password` stored mailed nobody ("no SMTP
server configured"). The environment still overrides both."""

from __future__ import annotations

from tests.smtp_login import smtp_with_login
from tests.workers.conftest import blogster_here
from tests.workers.test_serve_workers import deliveries, run_once, schedule_maintenance

RIGHT = "the-right-password"


def blogster(*args: str, input: str = "") -> None:
    """A command in the test's Blogster home, as its user would run it (in this process: what is
    tested is what the worker reads of it)."""
    done = blogster_here(*args, env={"BLOGSTER_SMTP_URL": None, "BLOGSTER_SMTP_PASSWORD": None}, input=input)
    assert done.returncode == 0, done.stderr


def test_the_smtp_url_setting_and_the_stored_password_deliver_it(db, make_user, superuser, start_worker):
    admin, reader = make_user(admin=True), make_user()
    schedule_maintenance(db, admin)
    with smtp_with_login(RIGHT) as (recorder, logins, url):
        blogster("config", "set", "smtp_url", url)  # smtp://letters@127.0.0.1:PORT
        blogster("newsletter", "smtp-password", "--password-stdin", input=RIGHT + "\n")
        worker = run_once(start_worker, None)  # no BLOGSTER_SMTP_URL
    assert deliveries(superuser) == {admin.user_id: ("sent", None), reader.user_id: ("sent", None)}, worker.stderr
    assert sorted(rcpt for rcpt, _ in recorder.messages) == sorted([admin.email, reader.email])
    assert logins.refused == 0 and RIGHT not in worker.stderr


def test_a_password_in_smtp_url_moves_to_the_store_and_still_delivers(db, make_user, superuser, start_worker):
    admin = make_user(admin=True)
    schedule_maintenance(db, admin)
    with smtp_with_login(RIGHT) as (recorder, logins, url):
        blogster("config", "set", "smtp_url", url.replace("letters@", f"letters:{RIGHT}@"))
        run_once(start_worker, None)
    assert deliveries(superuser) == {admin.user_id: ("sent", None)} and logins.refused == 0


def test_the_environment_overrides_the_stored_password(db, make_user, superuser, start_worker, monkeypatch):
    admin = make_user(admin=True)
    schedule_maintenance(db, admin)
    with smtp_with_login(RIGHT) as (recorder, logins, url):
        blogster("config", "set", "smtp_url", url)
        blogster("newsletter", "smtp-password", "--password-stdin", input="an-old-password\n")
        # A worker set up before: BLOGSTER_SMTP_URL with its password, as the job alone read it.
        run_once(start_worker, url.replace("letters@", f"letters:{RIGHT}@"))
    assert deliveries(superuser) == {admin.user_id: ("sent", None)} and logins.refused == 0

    schedule_maintenance(db, admin)  # another maintenance: BLOGSTER_SMTP_PASSWORD over the stored one
    with smtp_with_login(RIGHT) as (recorder, logins, url):
        blogster("config", "set", "smtp_url", url)
        monkeypatch.setenv("BLOGSTER_SMTP_PASSWORD", RIGHT)
        run_once(start_worker, None)
    assert [rcpt for rcpt, _ in recorder.messages] == [admin.email] and logins.refused == 0
