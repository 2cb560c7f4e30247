"""The classifier on a small intent set: right intents, a calibrated out-of-scope line."""

from __future__ import annotations

import csv
import json
import logging
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

from blogster_cli.chatbot.classifier import IntentClassifier
from blogster_cli.chatbot.intents import read_file
from blogster_cli.errors import InvalidInput
from tests.conftest import shared_data

STARTER = Path(__file__).resolve().parents[3] / "examples" / "chatbot" / "intents.yaml"
# Questions a user might ask the starter bot, written without looking at its scores and used
# for no setting: how often the out-of-scope line refuses a fair in-scope question.
STARTER_HELD_OUT = Path(__file__).resolve().parent / "starter_held_out.csv"


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


@pytest.mark.parametrize(
    "text",
    [
        "who won the football match",
        "play some music",
        "what's the weather in paris",
        "asdf qwer zxcv",
        "what is the capital of peru",
        "how tall is mount everest",
        "tell me a joke",
    ],
)
def test_unrelated_questions_fall_below_the_line(starter, text):
    prediction = starter.predict([text])[0]
    assert prediction.label is None and prediction.confidence < 0.5


def test_two_intents_are_enough_and_one_is_not():
    two = IntentClassifier.train(["hi", "hello", "bye", "goodbye"], ["greet", "greet", "leave", "leave"])
    assert two.predict(["hello there"])[0].ranked[0][0] == "greet"
    with pytest.raises(InvalidInput, match="at least 2 intents"):
        IntentClassifier.train(["hi"], ["greet"])


def test_held_out_questions_about_blogster_are_answered_with_the_right_intent(starter):
    with STARTER_HELD_OUT.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    predictions = starter.predict([r["text"] for r in rows])
    right = sum(p.label == r["intent"] for p, r in zip(predictions, rows, strict=True))
    refused = sum(p.label is None for p in predictions)
    assert len(rows) == 66 and right / len(rows) >= 0.9 and refused / len(rows) <= 0.08


def test_keyboard_noise_is_refused_on_the_small_starter_set(starter):
    """Generated here with its own rules and seed (letters, digits, punctuation; 1-6 runs),
    unlike the calibration's made-up texts (chatbot/noise.py)."""
    rng = random.Random(2024)
    alphabet = string.ascii_letters + string.digits + "?!.,;'"
    noise = [
        " ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10))) for _ in range(rng.randint(1, 6)))
        for _ in range(500)
    ]
    refused = sum(p.label is None for p in starter.predict(noise))
    assert refused / len(noise) >= 0.97


def test_clinc150_out_of_scope_questions_are_refused_on_the_starter_set(starter):
    """CLINC150's out-of-scope test queries are off-topic for a Blogster support bot; no
    setting was chosen with them (only with its validation split)."""
    data = json.loads(shared_data("intents", "clinc150", "data_full.json").read_text(encoding="utf-8"))
    texts = [text for text, _ in data["oos_test"]]
    refused = sum(p.label is None for p in starter.predict(texts))
    assert len(texts) == 1000 and refused / len(texts) >= 0.85


def test_a_dense_set_keeps_the_held_out_line_alone():
    """With 50+ phrases per intent the made-up text plays no part (CLINC150's figures)."""
    rng = random.Random(1)
    phrases = [f"order {rng.choice(['a', 'the', 'my'])} pizza {n}" for n in range(50)]
    phrases += [f"book {rng.choice(['a', 'the', 'my'])} flight {n}" for n in range(50)]
    dense = IntentClassifier.train(phrases, ["pizza"] * 50 + ["flight"] * 50)
    assert dense.similarity_line == float("-inf")
    sparse = IntentClassifier.train(phrases[:10] + phrases[50:60], ["pizza"] * 10 + ["flight"] * 10)
    assert sparse.similarity_line > 0


def test_a_dense_real_set_is_judged_on_its_held_out_split_with_a_cross_validated_line():
    """CLINC150's banking and credit-card intents (30, with their 100 train phrases each) judged on
    their test split and CLINC150's out-of-scope test queries. The held-out line comes from a
    probe that learns 2 in 3 of the phrases (0.904 recall, 0.920 in scope): a probe taught half
    of them scored held-out phrases so much lower than the final model scores real questions
    that the line fell low, and 12% of the off-topic queries were answered (0.884 recall, 0.926
    in scope)."""
    data = json.loads(shared_data("intents", "clinc150", "data_full.json").read_text(encoding="utf-8"))
    domains = json.loads(shared_data("intents", "clinc150", "domains.json").read_text(encoding="utf-8"))
    intents = {*domains["banking"], *domains["credit_cards"]}
    train = [(text, label) for text, label in data["train"] if label in intents]
    test = [(text, label) for text, label in data["test"] if label in intents]
    classifier = IntentClassifier.train([t for t, _ in train], [label for _, label in train])
    in_scope = classifier.predict([t for t, _ in test])
    off_topic = classifier.predict([t for t, _ in data["oos_test"]])
    right = sum(p.label == label for p, (_, label) in zip(in_scope, test, strict=True)) / len(test)
    refused = sum(p.label is None for p in off_topic) / len(off_topic)
    assert (len(train), len(test), len(off_topic)) == (3000, 900, 1000)
    assert right >= 0.91 and refused >= 0.895


PIZZERIA = {
    "order_pizza": ["i want to order a pizza", "can i get a large margherita", "order two pepperoni pizzas",
                    "i'd like a pizza delivered", "place an order", "one veggie pizza please",
                    "order food for tonight", "can i order online", "add garlic bread to my order",
                    "i want a pizza with extra cheese"],
    "delivery_status": ["where is my pizza", "how long until my order arrives", "is my delivery on the way",
                        "my food is late", "track my order", "when will the driver get here",
                        "the order hasn't arrived", "delivery time estimate", "has my pizza left the shop",
                        "status of my order"],
    "opening_hours": ["when are you open", "what time do you close", "are you open on sunday",
                      "opening hours", "are you open late tonight", "what are your hours",
                      "do you open for lunch", "holiday opening times", "are you open now",
                      "when do you start serving"],
}  # fmt: skip
# What a pizzeria's bot must not answer: job enquiries go to the manager.
PIZZERIA_OUT_OF_SCOPE = ["are you hiring", "how do i apply for a job", "do you need staff",
                         "send my cv to the manager", "job vacancies", "can i work as a cook",
                         "what do you pay your staff", "internship opportunities"]  # fmt: skip


def _train(intents, out_of_scope=()):
    phrases = [p for examples in intents.values() for p in examples] + list(out_of_scope)
    labels = [name for name, examples in intents.items() for _ in examples] + ["oos"] * len(out_of_scope)
    return IntentClassifier.train(phrases, labels)


def test_an_unrelated_question_on_a_small_made_up_set_is_out_of_scope():
    plain = _train(PIZZERIA)
    for text in ("how do i renew my passport", "what's the capital of peru", "qwpoeiru zmxncb"):
        prediction = plain.predict([text])[0]
        assert prediction.label is None and prediction.confidence < 0.5
    assert plain.predict(["where's my pizza, it's been an hour"])[0].label == "delivery_status"


def test_out_of_scope_examples_teach_what_not_to_answer_and_are_never_an_answer():
    """An intent named `oos` (CLINC150's name, and `chatbot evaluate`'s) holds messages the bot
    must not answer: before, it was an intent like any other, so a job enquiry was answered
    with that intent (whose empty responses the worker turns into "OK.")."""
    taught = _train(PIZZERIA, PIZZERIA_OUT_OF_SCOPE)
    assert taught.labels == ["delivery_status", "opening_hours", "order_pizza"]
    for text in ("can i get a job here", "i want to work for you", "i'd like to apply to work in your kitchen"):
        prediction = taught.predict([text])[0]
        assert prediction.label is None and prediction.confidence < 0.5
        assert "oos" not in [label for label, _ in prediction.ranked]
    for text, intent in [("where's my pizza, it's been an hour", "delivery_status"),
                         ("are you open on bank holidays", "opening_hours"),
                         ("can i order a calzone for pick up", "order_pizza")]:  # fmt: skip
        assert taught.predict([text])[0].label == intent
    with pytest.raises(InvalidInput, match="at least 2 intents"):
        IntentClassifier.train(PIZZERIA_OUT_OF_SCOPE, ["oos"] * len(PIZZERIA_OUT_OF_SCOPE))


def test_loading_the_embedding_model_leaves_logging_alone():
    """wordllama calls logging.basicConfig(level=INFO) on import; a process that loads it
    must not start printing every library's INFO lines."""
    script = (
        "import logging; from blogster_cli.chatbot.embedding import embed; embed(['hello']);"
        "root = logging.getLogger(); print(len(root.handlers), root.level)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", str(logging.WARNING)] and done.stderr == ""
