"""A guard (a unit of work holding an item's row lock across an outside call) outlives a server
whose administrator ends sessions idle in a transaction sooner than that call answers
(`idle_in_transaction_session_timeout` for the database here; db.orm.orm_guard_unit_of_work turns it
off for the guard's own transaction). Before, the server ended the guard's session under the call:
every draft of a batch failed at its store after the provider was paid, and a social post went out
without being recorded as published (the next run would post it again).

Each command runs as a process of its own, so that its sessions are opened after the setting.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.cli.test_generate_batch_overlap_cli import draft_calls, finished, saved_ideas, start_batch
from tests.cli.test_generate_batch_stopped_cli import POST_IDEAS
from tests.cli.test_generate_cli import CHAT, credits_of, reservations
from tests.cli.test_social_posting_cli import due_posts, statuses
from tests.platform_servers import FakeSocial
from tests.server_limits import limit_database_sessions

# The limit is well above the pauses a loaded machine puts between a transaction's statements (a
# starved process stopped 300 ms in CI), and the outside call well above the limit.
LIMIT = "1s"
CALL_S = 2.5


@pytest.fixture
def x(http) -> FakeSocial:
    return FakeSocial(http).install()


def test_a_batch_stores_its_drafts_though_the_server_ends_idle_transactions_sooner(
    cli, db, signed_up, ai_env, superuser
):
    ideas = saved_ideas(cli, ai_env, superuser, 2)
    remaining, used = credits_of(superuser, signed_up)
    limit_database_sessions(superuser, db, "idle_in_transaction_session_timeout", LIMIT)
    asked = len(ai_env.calls(CHAT))
    ai_env.delay_s, ai_env.delay_after = CALL_S, asked  # each draft's answer comes after CALL_S

    summary = finished(start_batch(2))

    assert [d["idea_id"] for d in summary["drafted"]] == ideas
    assert summary["failed"] == summary["skipped"] == []
    assert draft_calls(ai_env, asked) == 2
    assert superuser.execute(POST_IDEAS).fetchone() == (2, 2)
    assert credits_of(superuser, signed_up) == (remaining - 2, used + 2) and reservations(superuser) == 0


def test_a_social_post_the_platform_is_slow_to_answer_is_recorded_as_published(cli, db, signed_up, x, superuser):
    (post,) = due_posts(cli, count=1)
    limit_database_sessions(superuser, db, "idle_in_transaction_session_timeout", LIMIT)
    x.before_answer = lambda number: time.sleep(CALL_S)

    ran = subprocess.run(
        [sys.executable, "-m", "blogster_cli", "social", "post-due", "--json"],
        env={**os.environ, "BLOGSTER_TWITTER_URL": x.url}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert ran.returncode == 0, ran.stderr
    assert [o["action"] for o in json.loads(ran.stdout)] == ["posted"]
    assert len(x.posts) == 1
    assert statuses(cli)[post][0] == "published"
