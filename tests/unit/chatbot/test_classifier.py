"""The classifier on a small intent set: right intents, a calibrated out-of-scope line."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.chatbot.classifier import IntentClassifier
from blogster_cli.chatbot.intents import read_file
from blogster_cli.errors import InvalidInput

STARTER = Path(__file__).resolve().parents[3] / "examples" / "chatbot" / "intents.yaml"


@pytest.fixture(scope="module")
def starter():
    specs, _ = read_file(STARTER)
    return IntentClassifier.train(
        [p for s in specs for p in s.training_phrases], [s.name for s in specs for _ in s.training_phrases]
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("how can I schedule my post for next monday", "schedule_post"),
        ("I forgot my password, help", "reset_password"),
        ("bring my wordpress blog over", "import_posts"),
        ("what do your plans cost", "pricing"),
    ],
)
def test_paraphrases_find_their_intent(starter, text, intent):
    prediction = starter.predict([text])[0]
    assert prediction.label == intent and prediction.confidence >= 0.5


@pytest.mark.parametrize("text", ["who won the football match", "play some music", "what's the weather in paris"])
def test_unrelated_questions_fall_below_the_line(starter, text):
    prediction = starter.predict([text])[0]
    assert prediction.label is None and prediction.confidence < 0.5


def test_two_intents_are_enough_and_one_is_not():
    two = IntentClassifier.train(["hi", "hello", "bye", "goodbye"], ["greet", "greet", "leave", "leave"])
    assert two.predict(["hello there"])[0].ranked[0][0] == "greet"
    with pytest.raises(InvalidInput, match="at least 2 intents"):
        IntentClassifier.train(["hi"], ["greet"])
