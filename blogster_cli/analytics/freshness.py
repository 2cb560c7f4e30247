"""Content freshness: how much a post needs an update, from its age, last update and traffic trend.

- traffic trend: views of the last 30 days against the 30 before, (now - before) / before, in
  [-1, 1] (0 when the post had no views in either window; 1 for views after none);
- freshness score, 0-100: 60 points for recency (halved for every year since the last update)
  and 40 for the trend (20 when traffic is flat);
- update priority: critical below 25, high below 45, medium below 65, else low;
- recommended updates: one for a post not updated for over a year, one for traffic down a quarter
  or more, and one for every post with no views in the last 30 days (published within them: no
  views since it was published, so share it), so no unread post goes without advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blogster_cli.vocabulary import ContentUpdatePriority
from blogster_cli.wording import plural

HALF_LIFE_DAYS = 365
NEW_POST_DAYS = 30
"""A post published at most this many days ago has not had the 30 days its "no views" advice speaks of."""


@dataclass(frozen=True)
class Freshness:
    freshness_score: float
    traffic_trend: float
    update_priority: ContentUpdatePriority
    recommended_updates: list[str] = field(default_factory=list)


def traffic_trend(views_30d: int, views_prev_30d: int) -> float:
    if views_prev_30d == 0:
        return 1.0 if views_30d else 0.0
    return max(-1.0, min(1.0, (views_30d - views_prev_30d) / views_prev_30d))


def assess(*, days_since_update: int, age_days: int, views_30d: int, views_prev_30d: int) -> Freshness:
    """The freshness of one post (see the module's definitions)."""
    trend = traffic_trend(views_30d, views_prev_30d)
    score = 60 * 0.5 ** (max(days_since_update, 0) / HALF_LIFE_DAYS) + 40 * (1 + trend) / 2
    if score < 25:
        priority = ContentUpdatePriority.CRITICAL
    elif score < 45:
        priority = ContentUpdatePriority.HIGH
    elif score < 65:
        priority = ContentUpdatePriority.MEDIUM
    else:
        priority = ContentUpdatePriority.LOW
    advice = []
    if days_since_update > HALF_LIFE_DAYS:
        advice.append(f"not updated for {days_since_update} days: check facts, links and versions")
    if trend <= -0.25:
        advice.append(f"traffic fell {-trend:.0%} against the previous 30 days: refresh the title and intro")
    if views_30d == 0 and age_days > NEW_POST_DAYS:
        advice.append("no views in the last 30 days: update it or link to it from newer posts")
    elif views_30d == 0:  # too new for the advice above, not for advice: every unread post gets some
        since = "today" if age_days <= 0 else f"{plural(age_days, 'day')} ago"
        advice.append(f"no views since it was published {since}: share it or link to it from other posts")
    return Freshness(round(score, 1), round(trend, 3), priority, advice)
