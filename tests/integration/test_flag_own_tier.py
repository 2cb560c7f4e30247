"""An administrator's own answer (`flags check` without --user, `flags list`'s on_for_you) is
evaluated with its own subscription tier: an administrator reads every account's subscriptions,
and its "own" tier was the first active one of any account."""

from blogster_cli.actors import ActingUser
from blogster_cli.services import flags
from blogster_cli.vocabulary import FeatureFlagStrategy


def test_an_administrators_own_flag_answer_uses_its_own_tier(db, make_user, superuser):
    subscribers = [make_user() for _ in range(3)]  # their subscriptions stored before the administrator's
    superuser.execute(
        "update public.user_subscriptions set subscription_tier = 'pro' where user_id = any(%s)",
        ([s.user_id for s in subscribers],),
    )
    admin = ActingUser(db, make_user(admin=True))
    flags.create(
        admin, name="pro-only", description=None, strategy=FeatureFlagStrategy.SUBSCRIPTION_TIER, percentage=0,
        conditions={"tiers": ["pro"]},
    )  # fmt: skip
    flags.update(admin, name="pro-only", enabled=True)

    assert flags.check(admin, name="pro-only") is False  # the administrator's own plan is free
    assert flags.check(admin, name="pro-only", user_email=admin.actor.email) is False
    assert {f.name: f.on_for_you for f in flags.list_flags(admin)}["pro-only"] is False
    assert flags.check(ActingUser(db, subscribers[0]), name="pro-only") is True
