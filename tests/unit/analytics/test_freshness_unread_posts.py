"""`analytics freshness` advice for a post with no views (h293 L2): a post published within the last 30
days got none, while every older post with no views was told "no views in the last 30 days"."""

from __future__ import annotations

import pytest

from blogster_cli.analytics.freshness import assess

OLD = "no views in the last 30 days: update it or link to it from newer posts"


@pytest.mark.parametrize(
    ("age_days", "advice"),
    [
        (0, "no views since it was published today: share it or link to it from other posts"),
        (1, "no views since it was published 1 day ago: share it or link to it from other posts"),
        (30, "no views since it was published 30 days ago: share it or link to it from other posts"),
        (31, OLD),
        (900, OLD),
    ],
)
def test_every_published_post_without_views_gets_advice_for_its_age(age_days, advice):
    unread = assess(days_since_update=0, age_days=age_days, views_30d=0, views_prev_30d=0)
    assert unread.recommended_updates == [advice]


def test_a_read_post_gets_no_views_advice_however_new():
    for age_days in (0, 10, 400):
        read = assess(days_since_update=0, age_days=age_days, views_30d=3, views_prev_30d=0)
        assert read.recommended_updates == []
