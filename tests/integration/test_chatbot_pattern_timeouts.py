"""An intent whose parameter pattern backtracks without end on a visitor's message (helper 259):
the worker's answer still goes out, without a value from that pattern, and the pattern is said
once in the worker's log, however many messages trip it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from blogster_cli.actors import ActingUser
from blogster_cli.services import chatbot, chatbot_replies
from tests.integration.test_chatbot_replies import answer, say

# Python-bound (a pattern's search and the classifier's): the messages' SQL runs on every server
# in test_chatbot_reply_order. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"
# Overlapping alternatives: 2^n ways through a run of n letters and blanks, in the re module and
# the regex package alike; a question ending in '?' makes every one of them fail.
CATASTROPHIC = r"([a-z ]|[a-z ])+$"


@pytest.fixture
def bot(db, make_user, tmp_path):
    """The starter intents with pricing's `plan` pattern made catastrophic, learnt; a user to chat."""
    document = yaml.safe_load(STARTER.read_text())
    pricing = next(intent for intent in document["intents"] if intent["name"] == "pricing")
    pricing["parameters"]["plan"]["pattern"] = CATASTROPHIC
    intents = tmp_path / "intents.yaml"
    intents.write_text(yaml.safe_dump(document))
    chatbot.import_intents(ActingUser(db, make_user(admin=True)), path=intents)
    assert chatbot_replies.wait_until_trained(db, wait_s=300)
    return make_user()


@pytest.mark.timeout(300)  # the re module looks at signals: an unbounded search is interrupted
def test_a_pattern_given_up_leaves_the_default_and_is_logged_once(db, superuser, bot, caplog):
    caplog.set_level(logging.WARNING, logger="blogster.chatbot")
    for question in ("what does the team plan cost?", "how much is the pro plan for my whole writing team?"):
        reply = answer(db, superuser, say(db, bot, question))
        assert reply["intent"] == "pricing" and reply["metadata"]["source"] == "classifier"
        assert "The Pro plan" in reply["text"]  # the default: the pattern found nothing in time
    said = [r.getMessage() for r in caplog.records if "took longer than" in r.getMessage()]
    assert len(said) == 1 and "'pricing'" in said[0] and "'plan'" in said[0], said
    assert "team" not in said[0]  # the pattern is the owner's to fix; the visitor's message is not logged
