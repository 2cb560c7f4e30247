"""A running `serve-workers` uses what `config set` and `social profiles connect` changed after
its start (report h228 M2: it kept the twitter_url it read at its start, so the scheduled posts
went to the old address and failed until the worker was restarted)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tests.cli.test_social_posting_cli import backdate, published_post
from tests.platform_servers import X_TOKEN, FakeSocial
from tests.smtp_server import free_port
from tests.workers.test_serve_workers import wait_for


@pytest.fixture
def x(http) -> FakeSocial:
    return FakeSocial(http).install()


def scheduled_post(cli, text: str) -> str:
    """A post of mine on X, scheduled ahead (not due yet: backdate makes it due)."""
    published_post(cli)
    made = cli("social", "new", "ten-terminal-habits", "--platform", "twitter", "--text", text, "--json")
    assert made.exit_code == 0, made.stderr
    post_id: str = made.json()["id"]
    assert cli("social", "schedule", post_id, "--at", "2099-01-01 09:00").exit_code == 0
    return post_id


def connect_x(cli, token: str) -> None:
    connected = cli("social", "profiles", "connect", "twitter", "--handle", "ada", "--token-stdin", input=token + "\n")
    assert connected.exit_code == 0, connected.stderr


def between_runs(superuser) -> None:
    """Waits until no post_social job is queued or running and the next minute's periodic run is
    over 8 s away: a run that started before a change (the start-up run the worker defers for the
    current minute, a slow one under load) may use the settings it read at its start, so the change
    must come between runs (CI run of stop 45: the start-up run, still opening, posted with the old
    address once the post was made due)."""
    import time

    runs = (
        "select (select count(*) from procrastinate.procrastinate_periodic_defers where task_name = 'post_social'),"
        " (select count(*) from procrastinate.procrastinate_jobs"
        "  where task_name = 'post_social' and status in ('todo', 'doing'))"
    )

    def quiet() -> bool:
        deferred, active = superuser.execute(runs).fetchone()  # finished jobs are deleted; their defers stay
        return deferred > 0 and active == 0 and time.time() % 60 < 52

    wait_for(quiet, timeout=90, what="the worker's post_social runs to end")


def post_now(db, superuser, post_id: str) -> tuple[str, str | None]:
    """Makes the post due and queues the workers' post_social job; its status and error once tried."""
    from procrastinate.exceptions import AlreadyEnqueued

    from blogster_cli.context import AppContext
    from blogster_cli.workers.app import build_app

    backdate("social_media_posts", [post_id])
    app = build_app(AppContext(database_url=db.conninfo), pool_size=1)
    with app.open():
        try:
            app.tasks["post_social"].defer(timestamp=0)
        except AlreadyEnqueued:  # the minute's periodic run is queued already: it posts it
            pass

    def tried() -> bool:
        (status,) = superuser.execute(
            "select post_status::text from social_media_posts where id = %s", (post_id,)
        ).fetchone()
        return status != "scheduled"

    wait_for(tried, timeout=90, what="the worker to try the post")
    row = superuser.execute("select post_status::text, error from social_media_posts where id = %s", (post_id,))
    status, error = row.fetchone()
    return status, error


def test_a_running_worker_posts_with_the_address_and_token_set_after_its_start(cli, signed_up, x, db, superuser):
    dead = f"http://127.0.0.1:{free_port('127.0.0.1')}"  # where nothing listens
    assert cli("config", "set", "twitter_url", dead).exit_code == 0
    connect_x(cli, "an-old-token")
    first, second = scheduled_post(cli, "First"), scheduled_post(cli, "Second")
    env = {**os.environ, "BLOGSTER_DATABASE_URL": db.conninfo}
    for name in ("BLOGSTER_TWITTER_URL", "BLOGSTER_TWITTER_TOKEN"):
        env.pop(name, None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "serve-workers", "--queue", "maintenance"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        heartbeats = "select count(*) from procrastinate.procrastinate_workers"
        wait_for(lambda: superuser.execute(heartbeats).fetchone()[0] > 0, timeout=90, what="the worker to start")

        # The address changed under the running worker: its next job calls the new one.
        between_runs(superuser)
        assert cli("config", "set", "twitter_url", x.url).exit_code == 0
        status, error = post_now(db, superuser, first)
        assert len(x.server.log) == 1, error  # it reached the new address (not "could not reach" the old)
        assert status == "failed" and "social profiles connect" in (error or "")  # with the old token: 401

        # So did the token (the keyring entry `social profiles connect` replaced): the next job uses it.
        between_runs(superuser)
        connect_x(cli, X_TOKEN)
        assert post_now(db, superuser, second) == ("published", None)
        assert [text for _, text in x.posts] == ["Second https://ada.blogster.page/posts/ten-terminal-habits/"]
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=60)
    assert worker.returncode == 0, stderr


def test_each_job_reads_the_config_file_again_only_once_it_changed(cli, db, monkeypatch):
    """The job middleware reads the settings again when the file changed (a stat otherwise), and
    the chatbot's fallback provider is the one set up when the message is answered."""
    from blogster_cli.config import Settings
    from blogster_cli.context import AppContext
    from blogster_cli.services import chatbot_replies
    from blogster_cli.workers.app import build_app, job_middleware

    assert cli("config", "set", "ai_base_url", "http://127.0.0.1:9/v1").exit_code == 0
    assert cli("config", "set", "ai_model", "first-model").exit_code == 0
    monkeypatch.setenv("BLOGSTER_CHATBOT_AI_FALLBACK", "1")
    context = AppContext(database_url=db.conninfo)
    app = build_app(context, pool_size=1)
    models: list[str | None] = []
    monkeypatch.setattr(
        chatbot_replies, "process_message", lambda db, *, provider, **_: models.append(provider and provider.model)
    )
    run = job_middleware(context)
    task = app.tasks["process_chatbot_message"]
    job = SimpleNamespace(job=SimpleNamespace(id=1, task_name=task.name))
    args = {"message_id": "00000000-0000-0000-0000-000000000001", "created_at": "2026-12-05T00:00:00+00:00"}

    def answer() -> None:
        run(lambda: task.func(job, **args), job, None)  # type: ignore[arg-type]

    answer()
    read_before = context.settings
    answer()
    assert context.settings is read_before  # the file unchanged: not read again
    assert cli("config", "set", "ai_model", "second-model").exit_code == 0
    assert cli("config", "set", "lock_timeout_ms", "1234").exit_code == 0
    answer()
    assert models == ["first-model", "first-model", "second-model"]
    assert isinstance(context.settings, Settings) and context.timeouts.lock_ms == 1234
