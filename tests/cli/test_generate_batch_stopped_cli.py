"""`generate batch` stopped by Ctrl-C, SIGTERM or SIGHUP prints its summary (the draft in flight
abandoned, its credit released) and exits with the signal's code; a SIGKILL prints nothing, and a
second run drafts each idea left exactly once (h228 L14: a SIGTERM printed nothing, exit 143,
though one idea had been drafted and charged)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.cli.test_generate_cli import CHAT, IDEA, credits_of, reservations
from tests.conftest import hangups_by_default

POST_IDEAS = (
    "select count(*), count(distinct i.blog_id) from public.blog_ideas i join public.blogs b on b.id = i.blog_id"
)


def three_saved_ideas(cli, ai_env, superuser) -> list[str]:
    """Three saved ideas (one `generate ideas` call), and credits enough for all of them."""
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"ideas": [IDEA, {**IDEA, "title": "Two"}, {**IDEA, "title": "Three"}]}))
    made = cli("generate", "ideas", "--topic", "espresso", "--count", "3", "--json")
    assert made.exit_code == 0, made.stderr
    ids = [idea["id"] for idea in made.json()]
    for idea_id in ids:
        assert cli("ideas", "save", idea_id).exit_code == 0
    superuser.execute("update public.user_subscriptions set credits_remaining = 10")
    return ids


def start_batch() -> subprocess.Popen[str]:
    """The batch as a foreground command: SIGHUP and SIGINT at their default actions (started from
    a script's background job, as CI runs the tests, it would inherit SIGINT ignored)."""
    with hangups_by_default():
        return subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "generate", "batch", "--ideas", "3"],
            env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip


def wait_for_calls(ai_env, process: subprocess.Popen[str], count: int) -> None:
    deadline = time.monotonic() + 60
    while len(ai_env.calls(CHAT)) < count:
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("signal_name", "code", "message"),
    [("SIGTERM", 143, "terminated"), ("SIGINT", 130, "interrupted"), ("SIGHUP", 129, "hangup")],
)
def test_a_stopped_batch_prints_its_summary_and_a_second_run_goes_on(
    cli, signed_up, ai_env, superuser, signal_name, code, message
):
    ideas = three_saved_ideas(cli, ai_env, superuser)
    ai_env.delay_s, ai_env.delay_after = 30, len(ai_env.calls(CHAT)) + 1  # the first draft answers, the second hangs
    process = start_batch()
    wait_for_calls(ai_env, process, 3)  # the ideas, the first draft, the second draft asked for
    assert reservations(superuser) == 1  # the second draft's credit, held
    process.send_signal(getattr(signal, signal_name))
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    summary = json.loads(stdout)
    [drafted] = summary["drafted"]
    assert summary["failed"] == [] and summary["interrupted"] is True
    assert summary["counts"] == {"drafted": 1, "failed": 0, "skipped": 2}
    in_flight, not_reached = summary["skipped"]
    assert {drafted["idea_id"], in_flight["idea_id"], not_reached["idea_id"]} == set(ideas)
    assert in_flight["reason"].startswith("stopped while it was being drafted: nothing was saved or charged")
    assert not_reached["reason"].startswith("not tried: the run was stopped first")
    assert stderr == (
        "note: stopped after drafting 1 idea; nothing was charged for the 2 ideas left:"
        f" run the same command again to draft them\nerror: {message}\n"
    )
    assert reservations(superuser) == 0 and credits_of(superuser, signed_up) == (9, 2)

    ai_env.delay_s = 0
    again = cli("generate", "batch", "--ideas", "3")
    assert again.exit_code == 0, again.stderr
    assert [d["idea_id"] for d in again.json()["drafted"]] == [in_flight["idea_id"], not_reached["idea_id"]]
    assert again.json()["interrupted"] is False
    assert superuser.execute(POST_IDEAS).fetchone() == (3, 3)
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (3,)


def test_a_batch_killed_outright_says_nothing_and_a_second_run_drafts_each_idea_once(cli, signed_up, ai_env, superuser):
    """SIGKILL leaves no chance to print: the post and its idea's link are stored in one unit of
    work, so the next run takes exactly the ideas without a post."""
    three_saved_ideas(cli, ai_env, superuser)
    ai_env.delay_s, ai_env.delay_after = 30, len(ai_env.calls(CHAT)) + 1
    process = start_batch()
    wait_for_calls(ai_env, process, 3)
    process.kill()
    stdout, _ = process.communicate(timeout=60)
    assert (process.returncode, stdout) == (-signal.SIGKILL, "")
    assert superuser.execute(POST_IDEAS).fetchone() == (1, 1)

    ai_env.delay_s = 0
    again = cli("generate", "batch", "--ideas", "3")
    assert again.exit_code == 0, again.stderr
    assert again.json()["counts"] == {"drafted": 2, "failed": 0, "skipped": 0}
    assert superuser.execute(POST_IDEAS).fetchone() == (3, 3)
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (3,)
    assert cli("generate", "batch", "--ideas", "3").json()["counts"]["drafted"] == 0
