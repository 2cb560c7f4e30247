"""analytics.aggregate.site_days: the site's unique visitors per day, each visitor once whatever the posts (0109)."""

from __future__ import annotations

from datetime import date

import pytest

from blogster_cli.analytics.aggregate import site_days


@pytest.mark.parametrize("posts", [set(), {"a"}])
def test_site_days_counts_each_visitor_once_a_day_over_the_given_posts(posts):
    day = 1796083200
    views = [(1, day + 10, "a", "", None), (1, day + 20, "b", "", None), (2, day + 30, "a", "", None),
             (3, day + 40, None, "", None), (1, day + 86400, "a", "", None)]  # fmt: skip
    counted = site_days(views, posts | {"b"})
    expected = {date(2026, 12, 1): 2, date(2026, 12, 2): 1} if posts else {date(2026, 12, 1): 1}
    assert counted == expected
