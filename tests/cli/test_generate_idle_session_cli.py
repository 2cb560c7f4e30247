"""A running `generate` keeps its reserved credit though the server ends idle sessions (red team 58
F2): with an `idle_session_timeout` (an administrator's, or a pooler's idle limit), the pooled
connection that reserved sat idle during the provider call and was ended, so the reservation looked
dead (migration 0193): a second run took the last credit and was charged, and the first run's paid
answer was then refused at its store. The reservation's session is now the run's own, held in a
transaction (where `idle_session_timeout` does not apply) until the answer is stored."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.cli.test_generate_cli import CHAT, NO_CREDITS, credits_of, reservations
from tests.conftest import hangups_by_default
from tests.server_limits import limit_database_sessions


def started(ai_env) -> subprocess.Popen[str]:
    """A `generate draft` run in a process of its own, once it has reserved and asked the provider."""
    with hangups_by_default():
        process = subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "generate", "draft", "--topic", "First run"],
            env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while not ai_env.calls(CHAT):
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)
    return process


def test_a_running_generation_keeps_its_credit_though_idle_sessions_are_ended(
    cli, signed_up, ai_env, superuser, db
):  # fmt: skip
    superuser.execute("update public.user_subscriptions set credits_remaining = 1")
    limit_database_sessions(superuser, db, "idle_session_timeout", "1s")
    ai_env.delay_s = 5
    first = started(ai_env)
    time.sleep(2)  # past the idle limit: a connection idle outside a transaction is ended by now
    ai_env.delay_s = 0

    second = cli("generate", "draft", "--topic", "Second run")
    assert second.exit_code == 1 and second.stderr == f"error: {NO_CREDITS}\n"
    assert len(ai_env.calls(CHAT)) == 1  # refused before its provider call

    _out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert credits_of(superuser, signed_up) == (0, 1) and reservations(superuser) == 0
    logs = superuser.execute("select success, count(*) from public.ai_generation_logs group by 1").fetchall()
    assert logs == [(True, 1)]


def test_a_run_whose_reservation_session_ends_meanwhile_is_charged_a_free_credit(cli, signed_up, ai_env, superuser):
    """The session is lost all the same (an administrator ends it): the reservation is gone, and the
    store charges a credit still free, as one made without a reservation is."""
    ai_env.delay_s = 3
    first = started(ai_env)
    (pid,) = superuser.execute("select holder_pid from internal.ai_credit_reservations").fetchone()
    assert superuser.execute("select pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
    _out, err = first.communicate(timeout=60)
    assert first.returncode == 0 and err == "Saved 'a-title' (9 words, AI draft, 1 credit).\n", err
    assert credits_of(superuser, signed_up) == (2, 1) and reservations(superuser) == 0
