"""Freshness scores from age, last update and traffic trend (known answers)."""

from __future__ import annotations

from blogster_cli.analytics.freshness import assess, traffic_trend
from blogster_cli.vocabulary import ContentUpdatePriority


def test_traffic_trend_is_bounded_and_defined_without_history() -> None:
    assert traffic_trend(150, 100) == 0.5
    assert traffic_trend(0, 100) == -1.0 and traffic_trend(900, 100) == 1.0
    assert traffic_trend(0, 0) == 0.0 and traffic_trend(5, 0) == 1.0


def test_fresh_growing_posts_score_high_and_old_falling_ones_low() -> None:
    fresh = assess(days_since_update=0, age_days=10, views_30d=150, views_prev_30d=100)
    assert fresh.freshness_score == 60 + 30 and fresh.update_priority is ContentUpdatePriority.LOW
    assert fresh.recommended_updates == []
    stale = assess(days_since_update=730, age_days=900, views_30d=0, views_prev_30d=80)
    assert stale.freshness_score == 15.0 and stale.update_priority is ContentUpdatePriority.CRITICAL
    assert len(stale.recommended_updates) == 3
    flat_year = assess(days_since_update=365, age_days=365, views_30d=10, views_prev_30d=10)
    assert flat_year.freshness_score == 50.0 and flat_year.update_priority is ContentUpdatePriority.MEDIUM
