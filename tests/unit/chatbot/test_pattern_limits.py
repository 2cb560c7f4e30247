"""Parameter patterns that cost more to compile than to run, too many parameters, and patterns
only the regex package reads (helper 274, from helper 271's F4): the regex package writes counted
repeats out when it compiles, outside the search's timeout, so `(?:(?:a{1000}){1000}){10}` took
3.6 s and 2.8 GB and `((((a{100}){100}){100}){100})` got the worker killed. Such a pattern is
refused where intents are read (one line, naming the parameter), one stored before is never
compiled (no value, named for the log), and all of a message's patterns share PATTERN_TIMEOUT_S."""

from __future__ import annotations

import logging
import random
import re
import warnings
from re import _constants as sre_constants  # private: only to check the public check never counts less
from re import _parser as sre_parser
from typing import Any

import pytest

from blogster_cli.chatbot import intents, patterns, replies
from blogster_cli.errors import InvalidInput
from blogster_cli.services import chatbot_replies
from tests.bounded_child import measured

BOMBS = [r"(?:(?:a{1000}){1000}){10}", r"((((a{100}){100}){100}){100})"]
REFUSED = {
    "counted repeats": (BOMBS[0], "come to 10,000,000 characters written out, at most 10,000"),
    "deeper repeats": (BOMBS[1], "come to 100,000,000 characters"),
    "too long": ("a" * 1001, "at most 1000 characters"),
    "recursion": (r"(a(?R)?b)", "not a regular expression Python's re module reads"),
    "unicode property": (r"\p{Greek}+", "not a regular expression Python's re module reads"),
    "fuzzy matching": (r"(?:cat){e<=1}", "starts no counted repeat: write a literal { as \\{"),
    "verbose brace": ("(?x)a { 3}", "starts no counted repeat"),
    "no regular expression": ("(", "missing ), unterminated subpattern"),
    "not a string": (7, "a pattern is a string"),
}
KEPT = [
    r"(\d+) writers",
    r"\b(free|pro|team)\b",
    r"[A-Z]{2}\d{6}",
    r"(?x) (\w+) \s {2}",
    r"a{,}",
    r"\d{1,10000}",
    r"[{]",
]


def _intent(parameters: dict[str, Any]) -> dict[str, Any]:
    return {"name": "pricing", "training_phrases": ["how much"], "parameters": parameters}


@pytest.mark.parametrize("case", REFUSED)
def test_a_pattern_too_costly_or_not_re_is_refused_with_one_line_naming_it(case):
    pattern, reason = REFUSED[case]
    with pytest.raises(InvalidInput) as refused:
        intents.intent_from_mapping(_intent({"plan": {"pattern": pattern, "default": "Pro"}}), "intents.yaml: intent 1")
    message = str(refused.value)
    assert message.startswith("intents.yaml: intent 1 (pricing): parameter 'plan': ") and "\n" not in message
    assert reason in message, message


def test_usual_patterns_and_fifty_parameters_are_kept_and_fifty_one_refused():
    for pattern in KEPT:
        assert patterns.problem(pattern) is None, pattern
    fifty = {f"p{i}": {"pattern": KEPT[i % len(KEPT)]} for i in range(50)}
    assert intents.intent_from_mapping(_intent(fifty), "f").parameters == fifty
    with pytest.raises(InvalidInput, match=r"at most 50 parameters \(this one has 51\)"):
        intents.intent_from_mapping(_intent({**fifty, "p50": "plain"}), "f")


_SETUP = """
import regex  # imported before the timing, as the worker has it
from blogster_cli.chatbot import replies
"""
_BOMBS = """
spec = {"plan": {"pattern": case[0], "default": "Pro"}, "big": {"pattern": case[1]}, "n": {"pattern": r"(\\d+) writers"}}
found = replies.search_parameters(spec, "a" * 50 + " 12 writers")
assert found.found == {"n": "12"} and found.timed_out == (), found
assert [name for name, _ in found.refused] == ["plan", "big"], found.refused
"""


def test_a_stored_pattern_that_would_take_the_worker_s_memory_is_never_compiled():
    took = measured(_SETUP, _BOMBS, BOMBS, cpu=20)  # before: killed at 2 GiB, or 3.6 s of CPU at best
    assert took["seconds"] < 1.0 and took["rss_mb"] < 500, took


_FIFTY = """
spec = {f"p{i}": {"pattern": r"(a|a)+$"} for i in range(50)}
found = replies.search_parameters(spec, "a" * 5000 + "!")
assert found.found == {} and len(found.timed_out) == 50, found
"""


def test_the_patterns_of_a_message_share_one_budget():
    took = measured(_SETUP, _FIFTY, None, cpu=20)  # before: 0.1 s each, 5 s for the message
    assert took["seconds"] < 0.2 + 3 * replies.PATTERN_TIMEOUT_S, took


def test_a_refused_stored_pattern_is_said_once_in_the_log_without_the_message(caplog):
    caplog.set_level(logging.WARNING, logger="blogster.chatbot")
    intent = {"id": "h274-intent", "name": "pricing", "parameters": {"plan": {"pattern": BOMBS[0]}}}
    for _ in range(3):
        reply = replies.compose(
            responses=[{"text": "The {plan} plan."}], parameters={"plan": {"pattern": BOMBS[0], "default": "Pro"}},
            message="secret words", remembered={}, turn=0,
        )  # fmt: skip
        assert reply.text == "The Pro plan." and reply.refused and reply.refused[0][0] == "plan"
        chatbot_replies._report_timed_out(intent, reply.timed_out, reply.refused)
    said = [r.getMessage() for r in caplog.records if "is not used" in r.getMessage()]
    assert len(said) == 1 and "'pricing'" in said[0] and "'plan'" in said[0] and "10,000,000" in said[0], said
    assert "secret" not in said[0]


def _true_size(parsed: Any) -> int:
    """The expanded size as re's own (private) parser reads the pattern."""
    c = sre_constants
    total = 0
    for op, av in parsed:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, body = av
            total += _true_size(body) * max(low, high if high != c.MAXREPEAT else low, 1)
        elif op is c.SUBPATTERN:
            total += _true_size(av[3])
        elif op in (c.ASSERT, c.ASSERT_NOT):
            total += _true_size(av[1])
        elif op is c.ATOMIC_GROUP:
            total += _true_size(av)
        elif op is c.BRANCH:
            total += max(_true_size(b) for b in av[1])
        elif op is c.GROUPREF_EXISTS:
            total += max(_true_size(av[1]), _true_size(av[2]) if av[2] else 0)
        elif op is not c.AT:
            total += 1
    return total


PIECES = ["a", " ", "\n", "#", "[", "]", "^", "\\", "(", ")", "(?:", "(?x)", "(?x:", "(?-x:", "(?#", "(?P<n>",
          "(?P=n)", "(?(n)", "|", "{3}", "{2,5}", "{,4}", "{7,}", "*", "+", "?", "{", "}", r"\N{LATIN SMALL LETTER A}",
          "(?=", "(?<=", "(?>", r"\)", r"\]", r"\{", ",", "3"]  # fmt: skip


def test_the_size_read_from_the_text_is_never_less_than_re_s_own_reading():
    rng = random.Random(274)
    checked = 0
    while checked < 3000:
        pattern = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14)))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = sre_parser.parse(pattern, re.IGNORECASE)
                re.compile(pattern, re.IGNORECASE)
        except re.error:
            continue
        if "starts no counted repeat" in (patterns.problem(pattern) or ""):
            continue
        checked += 1
        assert patterns.expanded_size(pattern) >= _true_size(parsed), pattern
