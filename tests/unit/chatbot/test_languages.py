"""A message in another language than the intents: the hint for the "not sure" reply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blogster_cli.chatbot.intents import read_file
from blogster_cli.chatbot.languages import SetLanguage
from tests.conftest import shared_data

STARTER = Path(__file__).resolve().parents[3] / "examples" / "chatbot" / "intents.yaml"
GERMAN_SET = [
    "wie spät ist es", "wie viel uhr ist es jetzt", "kannst du mir die uhrzeit sagen", "welcher tag ist heute",
    "was ist das datum von heute", "stell einen wecker für sieben uhr", "weck mich morgen um sechs",
    "lösche meinen wecker", "ich möchte einen timer für zehn minuten", "wie wird das wetter morgen",
]  # fmt: skip


@pytest.fixture(scope="module")
def starter() -> SetLanguage:
    specs, _ = read_file(STARTER)
    return SetLanguage.of(p for s in specs for p in s.training_phrases)


@pytest.mark.parametrize(
    "message", ["wie kann ich einen Beitrag planen?", "¿cómo programo una publicación?", "如何安排发布文章",
                "Как запланировать публикацию?", "comment programmer un article pour demain ?"],
)  # fmt: skip
def test_a_question_in_another_language_gets_the_hint_in_the_set_s_language(starter, message):
    assert starter.language == "en"
    assert starter.hint(message) == "I only understand English here."


@pytest.mark.parametrize(
    "message", ["what is the capital of peru", "asdf qwer zxcv", "yes", "postgres error", "exit code 7", "hola!",
                "😀 how do I schedule a post 😀", "how do I write 東京 in a post", "the café is open", "merci"],
)  # fmt: skip
def test_english_noise_and_short_or_mixed_messages_get_no_hint(starter, message):
    assert starter.hint(message) is None


def test_no_english_question_of_clinc150_is_taken_for_another_language():
    """5,500 real questions (CLINC150's test split and its out-of-scope queries), none in another language."""
    data = json.loads(shared_data("intents", "clinc150", "data_full.json").read_text(encoding="utf-8"))
    language = SetLanguage.of(text for text, _ in data["train"])
    questions = [text for text, _ in data["test"]] + [text for text, _ in data["oos_test"]]
    assert language.language == "en" and [q for q in questions if language.is_foreign(q)] == []


def test_a_german_set_answers_in_german_and_an_unknown_language_gets_no_hint():
    german = SetLanguage.of(GERMAN_SET)
    assert german.language == "de"
    assert german.hint("how do I set an alarm for tomorrow") == "Ich verstehe hier nur Deutsch."
    assert german.hint("wie ist das wetter in berlin") is None
    unknown = SetLanguage.of(["merhaba", "günaydın", "hoşça kal", "görüşürüz"])  # Turkish: not one known here
    assert unknown.language is None and unknown.hint("how do I set an alarm for tomorrow") is None
    assert SetLanguage.of(["hello", "bye"]).language is None  # too few words to tell
