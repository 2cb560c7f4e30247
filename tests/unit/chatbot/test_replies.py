"""Choosing the intent (with follow-ups), filling parameters, saying "I don't know" honestly."""

from __future__ import annotations

from blogster_cli.chatbot import replies
from blogster_cli.chatbot.sanitize import sanitise_message


def test_a_confident_top_intent_answers_and_an_unsure_one_does_not():
    assert replies.decide([("a", 0.9), ("b", 0.1)], threshold=0.5) == replies.Decision("a", 0.9)
    assert replies.decide([("a", 0.4)], threshold=0.5) == replies.Decision(None, 0.4)
    assert replies.decide([], threshold=0.5) == replies.Decision(None, 0.0)


def test_an_expected_follow_up_wins_at_a_lower_bar():
    ranked = [("thanks", 0.45), ("timezone", 0.3)]
    assert replies.decide(ranked, threshold=0.5, follow_ups=["timezone"]) == replies.Decision("timezone", 0.3, True)
    assert replies.decide(ranked, threshold=0.5, follow_ups=["other"]).intent is None
    assert replies.decide([("timezone", 0.1)], threshold=0.5, follow_ups=["timezone"]).intent is None


def test_parameters_come_from_the_message_then_the_conversation_then_defaults():
    spec = {"plan": {"pattern": r"\b(free|pro|team)\b", "default": "Pro"}, "product": "Blogster"}
    responses = [{"text": "The {plan} plan of {product}; {unknown} stays."}]
    told = replies.compose(responses=responses, parameters=spec, message="the TEAM plan?", remembered={}, turn=0)
    assert told.text == "The TEAM plan of Blogster; {unknown} stays." and told.parameters == {"plan": "TEAM"}
    again = replies.compose(responses=responses, parameters=spec, message="and?", remembered={"plan": "free"}, turn=1)
    assert again.text.startswith("The free plan")
    default = replies.compose(responses=responses, parameters=spec, message="cost?", remembered={}, turn=0)
    assert default.text.startswith("The Pro plan")


def test_responses_rotate_by_turn_and_docs_are_listed():
    responses = [{"text": "one"}, {"text": "two", "search_docs": True}]
    docs = [replies.DocLink("Scheduling", "schedule", "...")]
    assert replies.compose(responses=responses, parameters={}, message="", remembered={}, turn=2).text == "one"
    assert replies.wants_docs(responses, 1) and not replies.wants_docs(responses, 0)
    text = replies.compose(responses=responses, parameters={}, message="", remembered={}, turn=1, docs=docs).text
    assert text == "two\nFrom the documentation:\n- Scheduling (blogster docs show schedule)"


def test_out_of_scope_offers_docs_or_the_search_command():
    assert "blogster docs search" in replies.out_of_scope([]).text
    assert (
        "- Scheduling (blogster docs show schedule)"
        in replies.out_of_scope([replies.DocLink("Scheduling", "schedule", "")]).text
    )


def test_messages_lose_markup_and_control_characters_and_are_bounded():
    import pytest

    from blogster_cli.errors import InvalidInput

    assert sanitise_message("<b>Hi</b> <script>alert(1)</script>there\x07\u202e!") == "Hi there!"
    assert sanitise_message("a &lt;b&gt; c\r\n\n\n\nd") == "a  c\n\nd"
    assert sanitise_message("2 < 3 and 5 > 4") == "2 < 3 and 5 > 4"
    with pytest.raises(InvalidInput, match="empty"):
        sanitise_message("<i></i>\x00 ")
    with pytest.raises(InvalidInput, match="at most 2000 characters"):
        sanitise_message("x" * 2001)


def test_a_bare_answer_counts_only_as_a_follow_up_the_conversation_expects():
    """A bare "yes" (an intent may have learnt it: the starter set's time-zone follow-up did) is an
    answer to a question: outside a conversation expecting that question's follow-ups, the bot
    asks what it means instead of answering with whichever intent learnt "yes"."""
    ranked = [("timezone", 0.97), ("declined", 0.1)]
    assert replies.decide(ranked, threshold=0.5, bare_answer=True) == replies.Decision(None, 0.0, needs_context=True)
    expecting = replies.decide(ranked, threshold=0.5, follow_ups=["timezone", "declined"], bare_answer=True)
    assert expecting == replies.Decision("timezone", 0.97, follow_up=True)
    other = replies.decide(ranked, threshold=0.5, follow_ups=["other"], bare_answer=True)
    assert other.intent is None and other.needs_context
    unlikely = replies.decide([("x", 0.9), ("declined", 0.2)], threshold=0.5, follow_ups=["declined"], bare_answer=True)
    assert unlikely == replies.Decision(None, 0.2, needs_context=True)
    assert replies.decide([], threshold=0.5, bare_answer=True).needs_context
    # A message that says more is classified as before.
    assert replies.decide(ranked, threshold=0.5) == replies.Decision("timezone", 0.97)
    assert replies.needs_context().text == replies.NEEDS_CONTEXT_TEXT


def test_bare_answers_are_yes_no_and_their_kin_alone():
    for text in ("yes", "Yes!", "yeah sure", "of course", "ok 👍", "no", "Nope.", "sure, go ahead", "nah"):
        assert replies.is_bare_answer(text), text
    for text in ("", "👍", "yes, which time zone?", "no thanks", "thanks", "hello", "yes yes yes yes yes", "yesterday"):
        assert not replies.is_bare_answer(text), text


def test_while_intents_are_learnt_the_bot_says_so_with_the_help_pages():
    assert replies.still_learning([]).text == replies.LEARNING_TEXT
    with_docs = replies.still_learning([replies.DocLink("Scheduling", "schedule", "")]).text
    assert with_docs.startswith(replies.LEARNING_TEXT) and with_docs.endswith(
        "- Scheduling (blogster docs show schedule)"
    )
