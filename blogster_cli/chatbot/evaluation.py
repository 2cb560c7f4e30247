"""How good a classifier is on labelled examples: accuracy, out-of-scope recall, macro F1, confusions.

Gold label `oos` (OUT_OF_SCOPE_LABEL) means the bot should say it does not know; a
prediction of None is the bot saying so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from blogster_cli.chatbot.intents import OUT_OF_SCOPE_LABEL

CONFUSED_PAIRS_SHOWN = 10


@dataclass(frozen=True)
class Evaluation:
    """Fractions are 0-1; None where the set has no example of the kind (e.g. no out-of-scope rows)."""

    total: int
    accuracy: float
    in_scope_accuracy: float | None
    oos_recall: float | None
    macro_f1: float
    in_scope: int
    out_of_scope: int
    oos_precision: float | None
    unknown_labels: list[str]
    confused: list[dict[str, object]] = field(default_factory=list)
    latency_ms_p50: float = 0.0
    latency_ms_p95: float = 0.0
    training_s: float = 0.0
    threshold: float = 0.0


def _percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def evaluate(
    gold: Sequence[str],
    predicted: Sequence[str | None],
    *,
    known_labels: set[str],
    latencies_s: Sequence[float] = (),
    training_s: float = 0.0,
    threshold: float = 0.0,
) -> Evaluation:
    """Scores `predicted` against `gold` (same order)."""
    pred = [p if p is not None else OUT_OF_SCOPE_LABEL for p in predicted]
    pairs = list(zip(gold, pred, strict=True))
    total = len(pairs)
    in_scope = [(g, p) for g, p in pairs if g != OUT_OF_SCOPE_LABEL]
    oos = [(g, p) for g, p in pairs if g == OUT_OF_SCOPE_LABEL]
    said_oos = [g for g, p in pairs if p == OUT_OF_SCOPE_LABEL]
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs})
    f1s = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    confusions = Counter((g, p) for g, p in pairs if g != p)
    return Evaluation(
        total=total,
        accuracy=sum(g == p for g, p in pairs) / total if total else 0.0,
        in_scope_accuracy=sum(g == p for g, p in in_scope) / len(in_scope) if in_scope else None,
        oos_recall=sum(p == OUT_OF_SCOPE_LABEL for _, p in oos) / len(oos) if oos else None,
        macro_f1=sum(f1s) / len(f1s) if f1s else 0.0,
        in_scope=len(in_scope),
        out_of_scope=len(oos),
        oos_precision=sum(g == OUT_OF_SCOPE_LABEL for g in said_oos) / len(said_oos) if said_oos else None,
        unknown_labels=sorted({g for g, _ in in_scope} - known_labels),
        confused=[
            {"expected": g, "predicted": p, "count": n} for (g, p), n in confusions.most_common(CONFUSED_PAIRS_SHOWN)
        ],
        latency_ms_p50=median(latencies_s) * 1000 if latencies_s else 0.0,
        latency_ms_p95=_percentile(latencies_s, 0.95) * 1000,
        training_s=training_s,
        threshold=threshold,
    )
