"""`blogster credits` shows the credits running generations hold, and what is left to spend (0118)."""

from __future__ import annotations

import uuid


def test_credits_shows_held_credits_and_what_is_left(cli, signed_up, superuser):
    (user_id, plan) = superuser.execute(
        "select u.id, s.credits_remaining from auth.users u join public.user_subscriptions s on s.user_id = u.id"
        " where u.email = %s and s.is_active",
        (signed_up,),
    ).fetchone()
    # Two generations running now (their reservations), and one left by a crash over an hour ago.
    for age in ("0 minutes", "1 minute", "2 hours"):
        superuser.execute(
            "insert into internal.ai_credit_reservations (request_id, user_id, created_at)"
            " values (%s, %s, now() - %s::interval)",
            (uuid.uuid4(), user_id, age),
        )
    report = cli("credits", "--json").json()
    assert (report["credits_remaining"], report["credits_held"], report["credits_available"]) == (plan, 2, plan - 2)
    table = cli("credits")
    assert table.exit_code == 0, table.stderr
    assert "held" in table.stdout and "left to spend" in table.stdout
