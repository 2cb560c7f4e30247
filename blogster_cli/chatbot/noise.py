"""Made-up off-topic messages for calibrating the out-of-scope line without out-of-scope examples.

Two kinds, drawn with a fixed seed so training is repeatable: word salads (2-8 words, about
two in five common English function words from scikit-learn's stop-word list, the rest real
words from the vocabulary that ships with the WordLlama model, embedding.py) and keyboard
noise (1-4 runs of random letters). Neither is written with any intent set in mind: they
stand for whatever a user may type that no intent was taught, from "asdf qwer" to a
question about something else entirely.
"""

from __future__ import annotations

import random
import string
from functools import cache

FUNCTION_WORD_SHARE = 0.4
NOISE_SHARE = 0.25  # one text in four is random letters


@cache
def _words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from blogster_cli.chatbot.embedding import vocabulary_words

    return tuple(sorted(ENGLISH_STOP_WORDS)), tuple(vocabulary_words())


def off_topic_texts(count: int, *, seed: int) -> list[str]:
    """`count` made-up messages; the same ones for the same seed."""
    function_words, words = _words()
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        if rng.random() < NOISE_SHARE:
            runs = (
                "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 8)))
                for _ in range(rng.randint(1, 4))
            )
        else:
            runs = (
                rng.choice(function_words) if rng.random() < FUNCTION_WORD_SHARE else rng.choice(words)
                for _ in range(rng.randint(2, 8))
            )
        texts.append(" ".join(runs))
    return texts
