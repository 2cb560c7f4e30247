"""What a draft's claim on its idea (its row lock, held across the provider call) means for others
(the claim outliving a server's idle-transaction limit: tests/cli/test_guard_idle_limit_cli.py).

- `generate draft --idea` claims the idea as a batch does: an idea a running batch is drafting is
  refused at once, with no provider call and no credit (before, the draft was written and paid
  for, then its store waited for the batch's lock and failed).
- `ideas discard`/`start` of that idea wait for the claim as for any change, and say when they give
  up that a running `generate` is drafting it.
"""

from __future__ import annotations

import time

from tests.cli.test_generate_batch_overlap_cli import OVERLAP_S, draft_calls, finished, saved_ideas, start_batch
from tests.cli.test_generate_batch_stopped_cli import POST_IDEAS, wait_for_calls
from tests.cli.test_generate_cli import CHAT, credits_of, reservations


def test_a_draft_from_the_idea_a_batch_is_drafting_is_refused_at_once_without_a_call(cli, signed_up, ai_env, superuser):
    (idea,) = saved_ideas(cli, ai_env, superuser, 1)
    remaining, used = credits_of(superuser, signed_up)
    asked = len(ai_env.calls(CHAT))
    ai_env.delay_s, ai_env.delay_after = OVERLAP_S, asked
    batch = start_batch(1)
    wait_for_calls(ai_env, batch, asked + 1)
    ai_env.delay_s = 0  # the batch's answer still waits; a call the draft made would be answered at once

    started = time.monotonic()
    refused = cli("generate", "draft", "--idea", idea[:8])
    took = time.monotonic() - started

    assert batch.poll() is None  # it really overlapped
    assert refused.exit_code == 5, refused.stderr
    assert refused.stderr == (
        f"error: another run is drafting idea {idea} (a `blogster generate` still running): nothing was sent"
        " to the AI provider or charged; try again when it is done\n"
    )
    assert took < 3  # not after a lock wait (lock_timeout_ms is 5000)
    assert draft_calls(ai_env, asked) == 1  # only the batch's
    assert [d["idea_id"] for d in finished(batch)["drafted"]] == [idea]
    assert superuser.execute(POST_IDEAS).fetchone() == (1, 1)
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (1,)
    assert credits_of(superuser, signed_up) == (remaining - 1, used + 1) and reservations(superuser) == 0


def test_an_idea_a_batch_is_drafting_cannot_be_discarded_or_started_meanwhile_and_says_why(
    cli, signed_up, ai_env, superuser
):
    (idea,) = saved_ideas(cli, ai_env, superuser, 1)
    assert cli("config", "set", "lock_timeout_ms", "500").exit_code == 0
    asked = len(ai_env.calls(CHAT))
    ai_env.delay_s, ai_env.delay_after = OVERLAP_S, asked
    batch = start_batch(1)
    wait_for_calls(ai_env, batch, asked + 1)

    held = (
        "error: this idea is being drafted by a running `blogster generate` (or changed by another command);"
        " try again when it is done\n"
    )
    for command in ("discard", "start"):
        result = cli("ideas", command, idea)
        assert (result.exit_code, result.stderr) == (5, held), command
    assert batch.poll() is None  # it held the idea all along

    assert [d["idea_id"] for d in finished(batch)["drafted"]] == [idea]
    assert superuser.execute("select status from public.blog_ideas where id = %s", (idea,)).fetchone() == (
        "in_progress",
    )


def test_a_draft_from_an_idea_already_started_is_refused_before_any_credit_or_call(cli, signed_up, ai_env, superuser):
    """Red team 55 F4: `generate draft --idea` on an idea that already had a post wrote another each
    time (another credit), re-linked the idea to the newest and orphaned the first, while `ideas start`
    refused it. A re-run after a kill that came just after the store so paid twice."""
    first, second = saved_ideas(cli, ai_env, superuser, 2)
    drafted = cli("generate", "draft", "--idea", first, "--json")
    assert drafted.exit_code == 0, drafted.stderr
    post = drafted.json()
    started = cli("ideas", "start", second, "--json")
    assert started.exit_code == 0, started.stderr
    remaining, used = credits_of(superuser, signed_up)
    asked = len(ai_env.calls(CHAT))

    for idea, slug in ((first, post["slug"]), (second, started.json()["slug"])):
        again = cli("generate", "draft", "--idea", idea[:8])
        assert (again.exit_code, again.stderr) == (
            5,
            f"error: idea {idea} was already started as a post ({slug}): it is not drafted again;"
            " nothing was sent to the AI provider or charged\n",
        )
        refused = cli("ideas", "start", idea)
        assert (refused.exit_code, refused.stderr) == (
            5,
            f"error: idea {idea} was already started as a post ({slug})\n",
        )

    assert len(ai_env.calls(CHAT)) == asked
    assert credits_of(superuser, signed_up) == (remaining, used) and reservations(superuser) == 0
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (2,)
    assert superuser.execute("select blog_id::text from public.blog_ideas where id = %s", (first,)).fetchone() == (
        post["id"],
    )
    batch = cli("generate", "batch", "--ideas", "2")  # nor does a batch take them
    assert batch.exit_code == 0, batch.stderr
    assert batch.json()["counts"]["drafted"] == 0 and len(ai_env.calls(CHAT)) == asked
