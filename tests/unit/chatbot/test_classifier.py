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
        ("how do I publish a post", "publish_post"),
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
    assert len(rows) == 68 and right / len(rows) >= 0.9 and refused / len(rows) <= 0.08


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


# An open-ended set, as a quiz or chit-chat bot has: each intent a topic, its phrases questions
# about anything in it, so no two are worded alike. Written for this test (none from a corpus).
QUIZ = {
    "history": [
        "who was the first president of the united states", "when did the second world war end",
        "why did the roman empire fall", "who built the pyramids of giza", "when was the berlin wall torn down",
        "what started the first world war", "who was napoleon bonaparte", "tell me about the french revolution",
        "when did columbus reach america", "who was cleopatra", "what was the cold war about",
        "when did the titanic sink", "who was the first emperor of china", "what happened at pearl harbor",
        "when did humans first land on the moon", "who was winston churchill", "what was the renaissance",
        "how long did the hundred years war last", "who invented the printing press", "when did the soviet union collapse",
    ],
    "science": [
        "what is the speed of light", "why is the sky blue", "what is a black hole", "how does photosynthesis work",
        "what is dna made of", "how far away is the sun", "what is the boiling point of water",
        "who discovered penicillin", "what causes earthquakes", "how do vaccines work", "what is an atom",
        "why do we have seasons", "what is gravity", "how many planets are in the solar system",
        "what is the theory of relativity", "how do magnets work", "what are the states of matter",
        "why does ice float", "what is the largest planet", "how old is the universe",
    ],
    "literature": [
        "who wrote hamlet", "what is the iliad about", "who is the author of pride and prejudice",
        "recommend a good novel", "who wrote war and peace", "what is a sonnet", "who wrote the odyssey",
        "what are some books by charles dickens", "who is sherlock holmes", "what is moby dick about",
        "who wrote one hundred years of solitude", "what is your favourite book", "who was edgar allan poe",
        "what is magical realism", "who wrote don quixote", "what is the plot of macbeth",
        "do you like poetry", "who wrote nineteen eighty-four", "what is a haiku", "who wrote the divine comedy",
    ],
    "sports": [
        "who won the last world cup", "how many players are on a football team", "what are the rules of tennis",
        "who is the best basketball player ever", "when are the next olympic games", "how long is a marathon",
        "what is offside in soccer", "who has won the most grand slams", "how does scoring work in golf",
        "what is a hat trick", "who won the tour de france", "how big is a basketball court",
        "what sport do you like", "how many rounds are in a boxing match", "what is a home run",
        "who holds the 100 metres record", "how often is the super bowl played", "what is cricket",
        "which country invented rugby", "how many sets are in a volleyball match",
    ],
    "food": [
        "how do i cook pasta", "what is your favourite food", "how long do i boil an egg",
        "what can i make with chicken and rice", "is chocolate healthy", "how do you make pancakes",
        "what is sushi", "recommend a vegetarian dinner", "how do i bake bread", "what spices go with lamb",
        "what is the healthiest fruit", "how do i make a salad dressing", "what wine goes with fish",
        "how spicy is a jalapeno", "what is a good breakfast", "how do i store fresh herbs",
        "what is gluten", "how do i make soup", "where does coffee come from", "what should i eat after running",
    ],
}  # fmt: skip
QUIZ_HELD_OUT = [
    ("who was the last king of france", "history"), ("when did the american civil war begin", "history"),
    ("what was the industrial revolution", "history"), ("who were the vikings", "history"),
    ("why did the ottoman empire end", "history"), ("who was julius caesar", "history"),
    ("how hot is the surface of the sun", "science"), ("what is a neutron star", "science"),
    ("how do plants grow", "science"), ("why is the ocean salty", "science"),
    ("what is an electron", "science"), ("how does electricity work", "science"),
    ("who wrote the great gatsby", "literature"), ("what is the best book by tolstoy", "literature"),
    ("what is a novella", "literature"), ("who is the author of harry potter", "literature"),
    ("what happens in romeo and juliet", "literature"), ("can you suggest a poem", "literature"),
    ("who won wimbledon this year", "sports"), ("how many players are on a hockey team", "sports"),
    ("what is a penalty kick", "sports"), ("who is the fastest swimmer", "sports"),
    ("how long is a football match", "sports"), ("what is a slam dunk", "sports"),
    ("how do i make a curry", "food"), ("what is a healthy lunch", "food"),
    ("how long should i roast a chicken", "food"), ("what is tofu made from", "food"),
    ("which cheese goes with red wine", "food"), ("how do i make rice fluffy", "food"),
]  # fmt: skip


def test_an_open_ended_small_set_refuses_few_of_its_valid_questions():
    """The made-up off-topic text's lines may refuse at most REFUSAL_BUDGET (1 in 10) of the set's
    own phrases, judged as messages the bot was not taught: before, questions about a topic were
    no closer to their neighbours than word salads are, and those lines refused 6 of these 30
    held-out questions (20%; 51% of chatterbot-corpus's, h242) though the top intent was right for
    29 of them."""
    quiz = _train(QUIZ)
    predictions = quiz.predict([text for text, _ in QUIZ_HELD_OUT])
    refused = sum(p.label is None for p in predictions)
    right = sum(p.label == intent for p, (_, intent) in zip(predictions, QUIZ_HELD_OUT, strict=True))
    assert refused <= 0.1 * len(QUIZ_HELD_OUT) and right >= 0.85 * len(QUIZ_HELD_OUT)
    rng = random.Random(2024)
    noise = [
        " ".join(
            "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(1, 10)))
            for _ in range(rng.randint(1, 6))
        )
        for _ in range(300)
    ]
    assert sum(p.label is None for p in quiz.predict(noise)) >= 0.9 * len(noise)


def test_a_question_in_another_language_is_not_answered_and_gets_a_hint(starter):
    """h242: German, Spanish and Chinese forms of in-scope questions got "not sure" with no word
    of why; the reply can now say so (languages.py), and an English off-topic question gets no hint."""
    foreign = ["wie kann ich einen Beitrag planen?", "¿cómo programo una publicación?", "如何安排发布文章"]
    assert [p.label for p in starter.predict(foreign)] == [None, None, None]
    assert {starter.language_hint(text) for text in foreign} == {"I only understand English here."}
    assert starter.language_hint("what is the capital of peru") is None


def test_loading_the_embedding_model_leaves_logging_alone():
    """wordllama calls logging.basicConfig(level=INFO) on import; a process that loads it
    must not start printing every library's INFO lines."""
    script = (
        "import logging; from blogster_cli.chatbot.embedding import embed; embed(['hello']);"
        "root = logging.getLogger(); print(len(root.handlers), root.level)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", str(logging.WARNING)] and done.stderr == ""
