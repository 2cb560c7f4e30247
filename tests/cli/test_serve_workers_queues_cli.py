"""`serve-workers --queue NAME` takes only the queues jobs go to (h228 L10: `--queue nosuch` ran,
watching a queue nothing is ever put in, and exited 0 having done nothing)."""

from __future__ import annotations

import time


def test_an_unknown_queue_is_refused_naming_the_queues(cli, db):
    began = time.monotonic()
    refused = cli("serve-workers", "--once", "--queue", "nosuch")
    assert refused.exit_code == 2 and refused.stdout == "", refused
    assert refused.stderr == "error: unknown queue 'nosuch': the queues are chatbot, maintenance, notifications\n"
    typo = cli("serve-workers", "--once", "--queue", "chatbot", "--queue", "notification")
    assert typo.exit_code == 2 and "unknown queue 'notification' (did you mean 'notifications'?)" in typo.stderr
    several = cli("serve-workers", "--queue", "a", "--queue", "b", "--queue", "a")
    assert several.exit_code == 2 and several.stderr.startswith("error: unknown queues 'a', 'b': the queues are ")
    assert time.monotonic() - began < 10  # refused before any worker started


def test_the_queues_are_those_of_the_jobs_and_the_help_names_them(cli, db):
    from blogster_cli.context import AppContext
    from blogster_cli.workers.app import build_app, queue_names

    app = build_app(AppContext(database_url=db.conninfo), pool_size=1)
    # procrastinate's own remove_old_jobs (queue "builtin") is registered too, and never queued by Blogster
    ours = {task.queue for name, task in app.tasks.items() if "procrastinate.builtin_tasks." not in name}
    assert queue_names() == sorted(ours) == ["chatbot", "maintenance", "notifications"]
    shown = " ".join(cli("serve-workers", "--help").stdout.split())
    assert "chatbot, maintenance or notifications" in shown
