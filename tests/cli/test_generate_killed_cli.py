"""A `generate` killed outright (SIGKILL, a crash) holds no credit once it is gone (red team 55 F3:
three killed runs held the free plan's 3 credits for an hour, `credits` said they were "held by
generations running now", and the next run was refused with "no AI credits left"). Its reservation
lasts as long as its connection, which the server ends with the process (migration 0193)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.cli.test_generate_cli import CHAT, credits_of, reservations
from tests.conftest import hangups_by_default


def killed_mid_call(ai_env) -> None:
    """A `generate draft --stream` run killed outright while the provider is still answering it."""
    asked = len(ai_env.calls(CHAT))
    with hangups_by_default():
        process = subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "generate", "draft", "--topic", "Sourdough", "--stream"],
            env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(ai_env.calls(CHAT)) == asked:  # the credit reserved, the provider asked
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.kill()
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL


def test_credits_killed_runs_reserved_are_free_again_at_once(cli, signed_up, ai_env, superuser):
    ai_env.delay_s = 30  # each run is killed before its answer comes
    for _ in range(3):  # the free plan's 3 credits
        killed_mid_call(ai_env)
    assert credits_of(superuser, signed_up) == (3, 0)

    report = cli("credits", "--json").json()
    assert (report["credits_remaining"], report["credits_held"], report["credits_available"]) == (3, 0, 3)
    ai_env.delay_s = 0
    started = time.monotonic()
    drafted = cli("generate", "draft", "--topic", "After the kills")
    assert drafted.exit_code == 0, drafted.stderr
    assert time.monotonic() - started < 10  # at once, not after an hour (nor a lock wait)
    assert credits_of(superuser, signed_up) == (2, 1) and reservations(superuser) == 0
    assert cli("credits", "--json").json()["credits_available"] == 2
