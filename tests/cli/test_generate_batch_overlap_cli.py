"""Two `generate batch` runs of one account at the same time (a cron run and a manual one), as real
processes against the local OpenAI-compatible server: each run claims the idea it drafts (its row
lock, held until the draft is stored), so each idea is drafted once, by one of them, and their
summaries add up. Both runs read the saved ideas before either stored a draft, so without the claim
each drafted every idea (h255).

The overlap is made certain: the two runs start together, each run's first draft answers only after
OVERLAP_S, and the test checks that both were asked for while no post was stored yet; later answers
come at once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

from tests.cli.test_generate_batch_stopped_cli import POST_IDEAS, wait_for_calls
from tests.cli.test_generate_cli import CHAT, IDEA, credits_of, reservations
from tests.conftest import hangups_by_default

OVERLAP_S = 6
"""How long each run's first draft waits for its answer: time enough for the slower of two runs
started together to ask for its own."""


def saved_ideas(cli, ai_env, superuser, count: int) -> list[str]:
    """`count` saved ideas, oldest first (one `generate ideas` call), and credits for all of them."""
    ai_env.structured.clear()
    titles = [f"Idea {n}" for n in range(1, count + 1)]
    ai_env.structured.append(json.dumps({"ideas": [{**IDEA, "title": title} for title in titles]}))
    made = cli("generate", "ideas", "--topic", "espresso", "--count", str(count), "--json")
    assert made.exit_code == 0, made.stderr
    ids = {idea["title"]: idea["id"] for idea in made.json()}
    for minutes, title in enumerate(reversed(titles)):  # "Idea 1" the oldest
        superuser.execute(
            "update public.blog_ideas set created_at = created_at - make_interval(mins => %s) where id = %s",
            (minutes, ids[title]),
        )
    for title in titles:
        assert cli("ideas", "save", ids[title]).exit_code == 0
    superuser.execute("update public.user_subscriptions set credits_remaining = 10")
    return [ids[title] for title in titles]


def start_batch(count: int) -> subprocess.Popen[str]:
    with hangups_by_default():
        return subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "generate", "batch", "--ideas", str(count)],
            env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip


def two_runs_drafting(ai_env, superuser, count: int) -> tuple[subprocess.Popen[str], subprocess.Popen[str]]:
    """Two batches started at once, each waiting for its first draft's answer, no post stored yet."""
    asked = len(ai_env.calls(CHAT))
    ai_env.delay_s, ai_env.delay_after = OVERLAP_S, asked
    runs = start_batch(count), start_batch(count)
    for run in runs:
        wait_for_calls(ai_env, run, asked + 2)
    assert superuser.execute(POST_IDEAS).fetchone() == (0, 0)  # they really overlap
    ai_env.delay_s = 0  # the two answers on their way still wait; every later one comes at once
    return runs


def finished(process: subprocess.Popen[str]) -> dict:
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return json.loads(stdout)


def draft_calls(ai_env, before: int) -> int:
    return len(ai_env.calls(CHAT)) - before


def test_two_overlapping_batches_draft_each_idea_once_and_their_summaries_add_up(cli, signed_up, ai_env, superuser):
    ideas = saved_ideas(cli, ai_env, superuser, 4)
    remaining, used = credits_of(superuser, signed_up)
    asked = len(ai_env.calls(CHAT))
    first, second = two_runs_drafting(ai_env, superuser, 4)
    summaries = [finished(first), finished(second)]

    drafted = [d["idea_id"] for s in summaries for d in s["drafted"]]
    assert sorted(drafted) == sorted(ideas)  # each idea by one run, once
    assert sum(s["counts"]["drafted"] for s in summaries) == 4
    assert all(s["failed"] == s["skipped"] == [] and s["interrupted"] is False for s in summaries)
    assert all(s["counts"]["drafted"] >= 1 for s in summaries)  # each drafted the idea it had claimed
    assert superuser.execute(POST_IDEAS).fetchone() == (4, 4)
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (4,)
    assert draft_calls(ai_env, asked) == 4  # no idea asked for twice
    assert credits_of(superuser, signed_up) == (remaining - 4, used + 4) and reservations(superuser) == 0


def test_a_run_killed_outright_leaves_its_idea_to_the_other_run_at_once(cli, signed_up, ai_env, superuser):
    """The claim is a row lock, which dies with the killed run's connection: no lease to wait out."""
    ideas = saved_ideas(cli, ai_env, superuser, 3)
    asked = len(ai_env.calls(CHAT))
    first, second = two_runs_drafting(ai_env, superuser, 3)
    first.kill()
    assert first.communicate(timeout=60)[0] == "" and first.returncode == -signal.SIGKILL
    summary = finished(second)

    assert sorted(d["idea_id"] for d in summary["drafted"]) == sorted(ideas)
    assert summary["failed"] == summary["skipped"] == []
    assert superuser.execute(POST_IDEAS).fetchone() == (3, 3)
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (3,)
    assert draft_calls(ai_env, asked) == 4  # the killed run's one draft is the only call repeated


def test_a_stopped_run_leaves_out_of_its_summary_the_idea_the_other_run_is_drafting(cli, signed_up, ai_env, superuser):
    """Each run holds one of the two oldest ideas; SIGTERM stops one: its summary lists the idea it
    abandoned and the one it did not reach, not the other run's; the other run then drafts all
    three, each once, oldest free first."""
    ideas = saved_ideas(cli, ai_env, superuser, 3)
    stopped_run, other_run = two_runs_drafting(ai_env, superuser, 3)
    stopped_run.send_signal(signal.SIGTERM)
    stdout, stderr = stopped_run.communicate(timeout=60)
    assert stopped_run.returncode == 143, stderr
    stopped = json.loads(stdout)
    assert stopped["drafted"] == stopped["failed"] == [] and stopped["interrupted"] is True
    (abandoned, abandoned_reason), (not_reached, not_reached_reason) = [
        (s["idea_id"], s["reason"].split(":")[0]) for s in stopped["skipped"]
    ]
    assert (abandoned_reason, not_reached_reason) == ("stopped while it was being drafted", "not tried")
    assert abandoned in ideas[:2] and not_reached == ideas[2]  # not the idea the other run holds
    (held_by_other,) = set(ideas[:2]) - {abandoned}
    summary = finished(other_run)
    assert [d["idea_id"] for d in summary["drafted"]] == [held_by_other, abandoned, ideas[2]]
    assert superuser.execute(POST_IDEAS).fetchone() == (3, 3) and reservations(superuser) == 0


def test_a_run_that_finds_every_idea_taken_says_another_run_is_drafting_them(cli, signed_up, ai_env, superuser):
    (idea,) = saved_ideas(cli, ai_env, superuser, 1)
    asked = len(ai_env.calls(CHAT))
    ai_env.delay_s, ai_env.delay_after = OVERLAP_S, asked
    first = start_batch(1)
    wait_for_calls(ai_env, first, asked + 1)
    second = cli("generate", "batch", "--ideas", "1")  # while the first run waits for its answer
    assert first.poll() is None  # it really overlapped
    assert second.exit_code == 0, second.stderr
    assert second.json()["counts"] == {"drafted": 0, "failed": 0, "skipped": 0}
    assert second.stderr == "note: another run is drafting the 1 saved idea left without a post\n"
    assert [d["idea_id"] for d in finished(first)["drafted"]] == [idea]
    assert draft_calls(ai_env, asked) == 1 and superuser.execute(POST_IDEAS).fetchone() == (1, 1)


def test_a_slug_another_generation_takes_meanwhile_is_stored_again_in_the_claim(cli, db, signed_up, ai_env, superuser):
    """The claim's unit of work stores the draft: a slug taken by a concurrent generation (a
    Conflict) undoes only that try (a savepoint), and the next try stores it under the next slug,
    with no second call and the credit charged once."""
    (idea,) = saved_ideas(cli, ai_env, superuser, 1)
    remaining, used = credits_of(superuser, signed_up)
    asked = len(ai_env.calls(CHAT))
    (author,) = superuser.execute("select id from auth.users where email = %s", (signed_up,)).fetchone()
    with db.connect(autocommit=False) as other:  # a generation storing "A title" at the same time
        other.execute("insert into public.blogs (author_id, title, slug) values (%s, 'A title', 'a-title')", (author,))

        def commit_once_the_batch_waits() -> None:
            deadline = time.monotonic() + 60
            while not superuser.execute(
                "select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"
            ).fetchone():
                if time.monotonic() > deadline:
                    return
                time.sleep(0.02)
            other.commit()

        committer = threading.Thread(target=commit_once_the_batch_waits)
        committer.start()
        result = cli("generate", "batch", "--ideas", "1")
        committer.join()
    assert result.exit_code == 0, result.stderr
    assert [(d["idea_id"], d["slug"]) for d in result.json()["drafted"]] == [(idea, "a-title-2")]
    assert draft_calls(ai_env, asked) == 1 and superuser.execute(POST_IDEAS).fetchone() == (1, 1)
    assert credits_of(superuser, signed_up) == (remaining - 1, used + 1) and reservations(superuser) == 0
