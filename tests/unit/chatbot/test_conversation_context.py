"""A conversation's stored context is read in the shape the bot writes; any other shape (forged
with raw SQL) is left out, part by part, and said to be."""

from __future__ import annotations

import pytest

from blogster_cli.chatbot.replies import conversation_context

WRITTEN = {"last_intent": "pricing", "follow_ups": ["upgrade_plan"], "parameters": {"plan": "pro"}}


@pytest.mark.parametrize("stored", [None, {}, WRITTEN, {"parameters": {}}])
def test_what_the_bot_writes_is_read_as_it_is(stored):
    assert conversation_context(stored) == (dict(stored or {}), False)


@pytest.mark.parametrize(
    ("stored", "kept"),
    [
        ([1, 2], {}),
        ("text", {}),
        (7, {}),
        ({"parameters": [1, 2]}, {}),
        ({"parameters": {"plan": 5, "tier": "pro", "x": {"y": 1}}}, {"parameters": {"tier": "pro"}}),
        ({"follow_ups": 5, "last_intent": ["x"]}, {}),
        ({"follow_ups": ["a", 7, None]}, {"follow_ups": ["a"]}),
        ({**WRITTEN, "other": 1}, WRITTEN),
    ],
)
def test_another_shape_is_left_out_and_said(stored, kept):
    assert conversation_context(stored) == (kept, True)
