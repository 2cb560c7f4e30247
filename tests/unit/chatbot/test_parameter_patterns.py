"""An owner's parameter pattern that backtracks without end, on a visitor's message made for it
(helper 259): with the standard `re` module, `(a+)+$` on 30 a's and a '!' took minutes of the
worker's CPU (2^30 ways to split the a's), `(a|a)+$` on 40 of them longer still. The patterns run
on the regex package with a timeout: the first it sees through at once, the second is given up
after PATTERN_TIMEOUT_S, finds nothing (the parameter's default answers) and is named in the reply
for the worker's log. Each case runs in a child process limited in CPU time, so a search that is
unbounded again fails the test in seconds instead of holding the machine."""

from __future__ import annotations

import pytest

from blogster_cli.chatbot import replies
from tests.bounded_child import measured

CPU_LIMIT = 10  # seconds the child may run: what an unbounded search reaches (and is killed at)
BOUND = 2.0  # CPU seconds a case may take: PATTERN_TIMEOUT_S (0.1) and a compose, with room for a slow runner
# name: (the owner's pattern, the visitor's message, whether the pattern is given up)
CATASTROPHIC = {
    "nested repetition": (r"(a+)+$", "a" * 30 + "!", False),  # re: minutes; the regex package: at once
    "overlapping alternatives": (r"(a|a)+$", "a" * 40 + "!", True),  # both engines: 2^40 paths
    "overlapping classes": (r"([a-z ]|[a-z ])+$", "what does the team plan cost for my writers?", True),
}

_SETUP = """
import regex  # imported before the timing, as the worker has it
from blogster_cli.chatbot import replies
pattern, message, given_up = case
spec = {"plan": {"pattern": pattern, "default": "Pro"}, "writers": {"pattern": r"(\\d+) writers"}}
responses = [{"text": "The {plan} plan for {writers} writers."}]
"""
_TIMED = """
reply = replies.compose(
    responses=responses, parameters=spec, message="12 writers, " + message, remembered={}, turn=0
)
assert reply.text == "The Pro plan for 12 writers.", reply.text
assert reply.parameters == {"writers": "12"}, reply.parameters
assert reply.timed_out == (("plan",) if given_up else ()), reply.timed_out
"""


@pytest.mark.parametrize("name", CATASTROPHIC)
def test_a_pattern_that_backtracks_without_end_is_bounded_and_finds_nothing(name):
    took = measured(_SETUP, _TIMED, CATASTROPHIC[name], cpu=CPU_LIMIT)
    assert took["seconds"] < BOUND, took


@pytest.mark.timeout(30)  # an unbounded search is interrupted (the re module looks at signals)
def test_a_pattern_given_up_is_named_and_the_others_still_answer():
    spec = {"plan": {"pattern": r"(a|a)+$"}, "team": {"pattern": r"\b(free|pro|team)\b"}, "bad": {"pattern": "("}}
    found = replies.search_parameters(spec, "the team plan " + "a" * 40 + "!")
    assert found.found == {"team": "team"} and found.timed_out == ("plan",)
    assert replies.search_parameters(spec, "the pro plan").found == {"team": "pro"}
