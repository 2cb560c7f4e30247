"""A conversation whose stored context was forged with raw SQL (parameters that are a list, a
context that is no object...) is answered all the same by a real `serve-workers`: the parts of
another shape are left out, as if never said, in one log line; no traceback, no retry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import chat, chatbot

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"

FORGED = [
    ("hello there", {"parameters": [1, 2]}, "greeting"),
    ("hello there", [1, 2], "greeting"),
    ("hello there", "text", "greeting"),
    ("hello there", {"follow_ups": 5, "last_intent": ["x"]}, "greeting"),
    ("how much does it cost", {"parameters": {"plan": 5}, "follow_ups": ["pricing", 7]}, "pricing"),
]


def test_a_forged_context_is_left_out_and_the_bot_still_answers(db, make_user, superuser, start_worker):
    chatbot.import_intents(ActingUser(db, make_user(admin=True)), path=STARTER)
    users = []
    for question, context, _ in FORGED:
        user = ActingUser(db, make_user())
        with pytest.raises(chat.NoWorker):  # kept, answered by the worker below
            chat.ask(user, text=question)
        superuser.execute(
            "update chatbot_conversations set context = %s::jsonb where user_id = %s",
            (json.dumps(context), user.actor.user_id),
        )
        users.append(user)

    worker = start_worker("--once", "--queue", "chatbot")
    _, stderr = worker.communicate(timeout=120)
    assert worker.returncode == 0, stderr
    assert "Traceback" not in stderr and "TypeError" not in stderr, stderr
    said = [line for line in stderr.splitlines() if "stored context is not the shape the bot writes" in line]
    assert len(said) == len(FORGED), stderr
    for user, (question, _, intent) in zip(users, FORGED, strict=True):
        asked, answered = chat.history(user).messages
        assert asked.content == question and answered.role == "assistant" and answered.intent == intent
    [priced] = [chat.history(u).messages[1].content for u, f in zip(users, FORGED, strict=True) if f[2] == "pricing"]
    assert priced.startswith("The Pro plan"), priced  # the forged parameter left out: the default
    assert superuser.execute("select count(*) from internal.job_failures").fetchone() == (0,)
    assert superuser.execute(
        "select count(*) from procrastinate.procrastinate_jobs where task_name = 'process_chatbot_message'"
    ).fetchone() == (0,)  # each answered at its first attempt (a succeeded job is deleted)
