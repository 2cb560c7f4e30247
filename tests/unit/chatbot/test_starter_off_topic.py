"""The starter set's out-of-scope examples cover the date, the time, the weather and small talk:
before, "have a nice day" drew questions about the day to the goodbye ("Goodbye! Rate this
chat..."), and the time-zone follow-up drew questions about the time.

The questions below were written before the examples were, and none of them is a training
phrase; they are not the trial's off-topic lines (h242) either, which judged the change."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.chatbot.classifier import IntentClassifier
from blogster_cli.chatbot.intents import OUT_OF_SCOPE_LABEL, read_file

STARTER = Path(__file__).resolve().parents[3] / "examples" / "chatbot" / "intents.yaml"
DATE_TIME_WEATHER = [
    "could you tell me what the date is",
    "what day of the week is it",
    "what's the current time in london",
    "do you know today's date",
    "how many hours are left until midnight",
    "what's the temperature today",
    "is it going to snow tonight",
    "what will the weather be like tomorrow",
    "what time does the sun set",
    "is today a holiday",
]
SMALL_TALK = [
    "are you a human or a machine",
    "what's your favourite food",
    "who invented the telephone",
    "can you tell me a fun fact",
]


@pytest.fixture(scope="module")
def starter():
    specs, _ = read_file(STARTER)
    phrases = {p for s in specs for p in s.training_phrases}
    assert not phrases & {*DATE_TIME_WEATHER, *SMALL_TALK}
    return IntentClassifier.train(
        [p for s in specs for p in s.training_phrases], [s.name for s in specs for _ in s.training_phrases]
    )


def test_questions_about_the_date_the_time_and_the_weather_are_not_answered(starter):
    answered = {
        text: p.label for text, p in zip(DATE_TIME_WEATHER, starter.predict(DATE_TIME_WEATHER), strict=True) if p.label
    }
    assert answered == {}


def test_small_talk_is_mostly_not_answered(starter):
    """The question "are you a human or a machine" may still reach the human-agent intent ("I want a real person")."""
    answered = [p.label for p in starter.predict(SMALL_TALK) if p.label]
    assert len(answered) <= 1 and set(answered) <= {"human_agent"}


def test_no_goodbye_phrase_is_about_the_day():
    specs, _ = read_file(STARTER)
    goodbye = next(s for s in specs if s.name == "goodbye")
    assert not [p for p in goodbye.training_phrases if "day" in p.split()]
    off_topic = next(s for s in specs if s.name == OUT_OF_SCOPE_LABEL)
    assert len(off_topic.training_phrases) >= 30 and not off_topic.responses
