"""The figures `chatbot evaluate` prints."""

from __future__ import annotations

import pytest

from blogster_cli.chatbot.evaluation import evaluate


def test_accuracy_out_of_scope_recall_macro_f1_and_confusions():
    gold = ["a", "a", "b", "oos", "oos"]
    predicted = ["a", "b", "b", None, "a"]
    result = evaluate(gold, predicted, known_labels={"a", "b"}, latencies_s=[0.001, 0.003, 0.002])
    assert result.total == 5 and result.accuracy == pytest.approx(3 / 5)
    assert result.in_scope_accuracy == pytest.approx(2 / 3)
    assert result.oos_recall == pytest.approx(1 / 2) and result.oos_precision == 1.0
    # F1: a = 2*1/(2+1+1) = .5, b = 2*1/(2+1+0) = .667, oos = 2*1/(2+0+1) = .667
    assert result.macro_f1 == pytest.approx((0.5 + 2 / 3 + 2 / 3) / 3)
    assert {(c["expected"], c["predicted"]) for c in result.confused} == {("a", "b"), ("oos", "a")}
    assert result.latency_ms_p50 == pytest.approx(2.0)


def test_a_set_without_out_of_scope_rows_has_no_recall_and_counts_refusals_wrong():
    result = evaluate(["a", "b"], ["a", None], known_labels={"a"})
    assert result.oos_recall is None and result.accuracy == 0.5 and result.unknown_labels == ["b"]
