"""The intent classifier the worker and `chatbot evaluate` share, trained from training phrases.

Features: TF-IDF of words (1-2 grams) and characters (2-4 grams within words), plus a
WordLlama sentence vector (embedding.py), so both wording and meaning count. Model:
one linear SVM per intent (one-vs-rest, liblinear). A message's score is
the best intent's SVM score plus its mean cosine similarity to the 3 nearest training
phrases: messages unlike anything the bot was taught score low even when one intent
wins the vote.

Out of scope: the threshold is calibrated when training, without out-of-scope examples,
from two sides:
- held-out phrases, cross-validated: each intent's phrases are dealt into FOLDS (3) folds, a
  probe model trained on the other folds scores each fold's phrases, and the line is the score
  below which IN_SCOPE_REJECTED of those held-out scores fall. The probes and the final model
  train on two threads (liblinear releases the GIL). A probe learns 2/3 of the phrases: the
  closer it comes to the final model, the truer the line. A probe taught half of them, as
  before, scored held-out phrases so much lower than the final model scores users' messages
  that the line fell low: on CLINC150 (train split as intents, test split evaluated)
  in-scope accuracy and out-of-scope recall were 0.926 and 0.715 then, 0.922 and 0.771 now.
  From SMALL_SET phrases on, only the first fold is scored: the probe then trains beside
  the final model, which takes longer, so the line adds no training time, and a third of
  2,000 phrases or more is plenty to place it (on CLINC150, scoring two folds gives 0.922
  and 0.762, all three 0.922 and 0.767, five folds 0.920 and 0.777 for twice the work). A
  smaller set has every fold scored: a fold of a hand-written set holds two phrases an
  intent, and which two decides the line (the made-up 30-phrase pizzeria of the unit tests:
  0.70 from the first fold alone, 0.27 from all three). IN_SCOPE_REJECTED was chosen on
  CLINC150's validation split only, FOLDS is the usual 3-fold split: no setting was tuned
  on test.
- made-up off-topic text (noise.py: word salads and keyboard noise): on a sparse set
  (median phrases per intent below DENSE_PHRASES, such as the starter set's ten) the line
  is raised, if needed, to the final model's score that only NOISE_ACCEPTED of those texts
  reach, and a message must also be as close to its nearest training phrases as only
  NOISE_ACCEPTED of them are (similarity_line), or it is out of scope whatever its score.
  Held-out phrases cannot set the line there: a hand-written set's phrases are each a
  different wording, so a probe short of two of them misses many (the starter set's 5-fold
  accuracy on its own phrases is 69%) and the line falls so low that "what is the capital
  of peru" was answered with pricing at 0.97. Chosen on CLINC150's validation split cut to
  10 and 20 phrases per intent: the held-out line alone gives in-scope accuracy 0.85 and
  0.88 with out-of-scope recall 0.47 and 0.43; both lines give 0.77 and 0.81 with 0.92 and
  0.94. With 100 phrases per intent (the full train split) held-out phrases look like
  users' messages and the held-out line alone meets the goals.
Out-of-scope examples: phrases of an intent named OUT_OF_SCOPE_LABEL (`oos`, as CLINC150
and `chatbot evaluate` name them: "what is my credit card limit" for a blog's bot) are
messages the bot must not answer. They train a class of their own, never answered: an intent
answers only if its SVM scores above that class's. They count for no line (the held-out
phrases scored are the other intents'), and a message close to them is not "like what the bot
was taught" (the neighbour similarity looks at the other intents' phrases only).
Confidence is the score mapped through a logistic curve centred on that threshold, so 0.5
is the line between answering and saying "I do not know" (the database's low-confidence
count uses the same line).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from blogster_cli.chatbot.intents import OUT_OF_SCOPE_LABEL
from blogster_cli.errors import InvalidInput

if TYPE_CHECKING:
    import numpy as np

FOLDS = 3  # cross-validation of the held-out line: each probe learns 2/3 of every intent's phrases
SMALL_SET = 2000  # phrases: below, every fold is scored (and character n-grams seen once count)
IN_SCOPE_REJECTED = 0.02  # 1 in 50 held-out in-scope phrases refused by the probes
NEIGHBOURS = 3
SVM_C = 0.5
SVM_TOLERANCE = 0.01  # as accurate as the default 1e-4 here, and faster
CONFIDENCE_SLOPE = 8.0
DENSE_PHRASES = 50  # median phrases per intent from which held-out phrases calibrate alone
NOISE_ACCEPTED = 0.05  # on a sparse set, at most 1 in 20 made-up off-topic texts is answered
NOISE_TEXTS = 1000
MIN_INTENTS = 2
MIN_KEPT = 8
SEED = 17


@dataclass(frozen=True)
class Prediction:
    """The best intents (most likely first) with their confidences (0-1; 0.5 is the threshold)."""

    ranked: list[tuple[str, float]]

    @property
    def label(self) -> str | None:
        return self.ranked[0][0] if self.ranked and self.ranked[0][1] >= 0.5 else None

    @property
    def confidence(self) -> float:
        return self.ranked[0][1] if self.ranked else 0.0


class _Model:
    """Vectorisers, the SVMs and the training phrases' vectors (for the neighbour similarity)."""

    def __init__(self, phrases: Sequence[str], labels: Sequence[str], vectors: np.ndarray) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        small = len(phrases) < SMALL_SET
        self.words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
        self.chars = TfidfVectorizer(
            sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 4), min_df=1 if small else 2
        )
        in_scope = [i for i, label in enumerate(labels) if label != OUT_OF_SCOPE_LABEL]
        self.vectors = vectors[in_scope] if len(in_scope) < len(labels) else vectors  # the neighbours
        features = self._features(list(phrases), vectors, fit=True)
        self.svm = LinearSVC(C=SVM_C, tol=SVM_TOLERANCE).fit(features, list(labels))
        self.classes: list[str] = [str(c) for c in self.svm.classes_]
        self.out_of_scope = self.classes.index(OUT_OF_SCOPE_LABEL) if OUT_OF_SCOPE_LABEL in self.classes else None

    def _features(self, texts: list[str], vectors: np.ndarray, *, fit: bool = False) -> Any:
        from scipy.sparse import csr_matrix, hstack

        words = self.words.fit_transform(texts) if fit else self.words.transform(texts)
        chars = self.chars.fit_transform(texts) if fit else self.chars.transform(texts)
        return hstack([words, chars, csr_matrix(vectors)]).tocsr()

    def scores(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-class SVM scores (-inf for the out-of-scope class), each text's neighbour
        similarity, and its out-of-scope class's SVM score (-inf without one)."""
        import numpy as np

        from blogster_cli.chatbot.embedding import embed

        vectors = embed(texts)
        raw = np.asarray(self.svm.decision_function(self._features(texts, vectors)), dtype=np.float64)
        if raw.ndim == 1:  # two classes: one SVM, its score for the second class
            raw = np.stack([-raw, raw], axis=1)
        rival = np.full(len(texts), -np.inf)
        if self.out_of_scope is not None:
            rival = raw[:, self.out_of_scope].copy()
            raw[:, self.out_of_scope] = -np.inf
        similarity = vectors @ self.vectors.T
        k = min(NEIGHBOURS, similarity.shape[1])
        nearest = np.sort(similarity, axis=1)[:, -k:].mean(axis=1)
        return raw, nearest, rival


def _folds(labels: Sequence[str]) -> list[tuple[list[int], list[int]]]:
    """For each probe, the indices it trains on and those it scores (a fold): every fold on a set
    of fewer than SMALL_SET phrases, else the first. Each intent's phrases are shuffled and dealt
    into FOLDS folds; an intent with fewer than 5 phrases is never held out, and a fold holds at
    most max(1, phrases - MIN_KEPT) of an intent's phrases (a probe taught 4 phrases an intent
    scores far below the final model, which would set the threshold too low). Out-of-scope
    examples are only learnt, never scored."""
    by_label: dict[str, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    rng = random.Random(SEED)
    probes = FOLDS if len(labels) < SMALL_SET else 1
    held: list[list[int]] = [[] for _ in range(probes)]
    for label, indices in by_label.items():
        indices = indices[:]
        rng.shuffle(indices)
        if len(indices) < 5 or label == OUT_OF_SCOPE_LABEL:
            continue
        for fold in range(probes):
            held[fold] += indices[fold::FOLDS][: max(1, len(indices) - MIN_KEPT)]
    out = []
    for scored in held:
        chosen = set(scored)
        out.append(([i for i in range(len(labels)) if i not in chosen], sorted(scored)))
    return out


def _sparse(labels: Sequence[str]) -> bool:
    from statistics import median

    return median(Counter(label for label in labels if label != OUT_OF_SCOPE_LABEL).values()) < DENSE_PHRASES


def _held_out_scores(phrases: Sequence[str], labels: Sequence[str], vectors: np.ndarray, keep: list[int],
                     held: list[int]) -> list[float]:  # fmt: skip
    """A probe trained on `keep` scores the phrases of `held` (none if it would know one intent only)."""
    if not held or len({labels[i] for i in keep}) < MIN_INTENTS:
        return []
    probe = _Model([phrases[i] for i in keep], [labels[i] for i in keep], vectors[keep])
    raw, nearest, _ = probe.scores([phrases[i] for i in held])
    return [float(s) for s in raw.max(axis=1) + nearest]


def _noise_lines(model: _Model) -> tuple[float, float]:
    """The score, and the neighbour similarity, that only NOISE_ACCEPTED of the made-up
    off-topic texts reach."""
    from blogster_cli.chatbot.noise import off_topic_texts

    raw, nearest, _ = model.scores(off_topic_texts(NOISE_TEXTS, seed=SEED))
    at = min(len(nearest) - 1, int(len(nearest) * (1 - NOISE_ACCEPTED)))
    return sorted(float(s) for s in raw.max(axis=1) + nearest)[at], sorted(float(s) for s in nearest)[at]


class IntentClassifier:
    """Trained once per set of intents; `predict` is thread-safe and takes ~1 ms a message."""

    def __init__(self, model: _Model, threshold: float, similarity_line: float = -math.inf) -> None:
        self._model = model
        self.threshold = threshold
        self.similarity_line = similarity_line
        self.labels = [c for c in model.classes if c != OUT_OF_SCOPE_LABEL]

    @classmethod
    def train(cls, phrases: Sequence[str], labels: Sequence[str]) -> IntentClassifier:
        """InvalidInput unless at least two intents (out-of-scope examples count as one) have
        training phrases, and one of them is not out of scope."""
        from concurrent.futures import ThreadPoolExecutor

        from blogster_cli.chatbot.embedding import embed

        if len(set(labels)) < MIN_INTENTS or set(labels) == {OUT_OF_SCOPE_LABEL}:
            raise InvalidInput(f"the classifier needs training phrases for at least {MIN_INTENTS} intents")
        vectors = embed(list(phrases))
        with ThreadPoolExecutor(max_workers=2) as pool:
            final = pool.submit(_Model, phrases, labels, vectors)
            probes = [pool.submit(_held_out_scores, phrases, labels, vectors, *fold) for fold in _folds(labels)]
            scores = sorted(score for probe in probes for score in probe.result())
            model = final.result()
        threshold = scores[int(len(scores) * IN_SCOPE_REJECTED)] if scores else 0.0
        similarity_line = -math.inf
        if _sparse(labels):
            score_line, similarity_line = _noise_lines(model)
            threshold = max(threshold, score_line)
        return cls(model, threshold, similarity_line)

    def predict(self, texts: Sequence[str], *, top: int = 5) -> list[Prediction]:
        if not texts:
            return []
        raw, nearest, rival = self._model.scores(list(texts))
        out = []
        for row, near, beaten in zip(raw, nearest, rival, strict=True):
            unlike = float(near) - self.similarity_line  # below 0: unlike every phrase the bot was taught
            ranked = []
            for i in [i for i in row.argsort()[::-1] if i != self._model.out_of_scope][:top]:
                score = float(row[i])
                ranked.append((self._model.classes[i], self._confidence(score + float(near), unlike, score - beaten)))
            out.append(Prediction(ranked))
        return out

    def _confidence(self, score: float, unlike: float, over_out_of_scope: float) -> float:
        """Below 0.5 when the score is under the line, the message unlike every phrase the bot
        was taught, or the out-of-scope examples' SVM scores higher."""
        margin = min(score - self.threshold, unlike, over_out_of_scope)
        return 1.0 / (1.0 + math.exp(-CONFIDENCE_SLOPE * margin))
