"""Feature flags and their audit log (admins write under RLS; the trigger writes the log)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlmodel import Session, col, select, text

from blogster_cli.db.rows import checked
from blogster_cli.flags.evaluation import rule_problem
from blogster_cli.models.accounts import Profile, UserSubscription
from blogster_cli.models.flags import FeatureFlag, FeatureFlagLog
from blogster_cli.stored_json import UnreadableJson, decoded


@dataclass(frozen=True)
class FlagRuleRow:
    name: str
    description: str | None
    enabled: bool
    strategy: str
    rollout_percentage: int
    conditions: dict[str, Any]


def by_name(session: Session, *, name: str) -> FeatureFlag | None:
    return session.exec(select(FeatureFlag).where(FeatureFlag.name == name)).first()


class UnreadableRule(ValueError):
    """A flag's stored rule no reader takes (SQL outside Blogster wrote it, where 0213's check was
    not kept): the flag's name, and why."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(why)
        self.name = name
        self.why = why


def stored_rule(name: str, conditions: Any) -> dict[str, Any]:
    """Flag `name`'s stored rule as read (decoded), or UnreadableRule: no JSON object, or its lists no lists."""
    problem = rule_problem(conditions)
    if problem is not None:
        raise UnreadableRule(name, problem)
    return dict(conditions)


def rules(session: Session) -> list[FlagRuleRow]:
    """Every flag's rule by name, through public.feature_flag_rules (0210): whole for administrators;
    for others with every account id but their own written as the nil UUID (accounts cannot read
    the conditions column), which answers the same for them. Read as text and decoded here
    (`stored_json`: a number too long or nesting too deep for Python is one flag's error, not the
    driver's); a rule no reader takes is UnreadableRule."""
    rows = session.execute(
        text(
            "select name, description, enabled, strategy, rollout_percentage, conditions::text"
            " from public.feature_flag_rules()"
        )
    ).all()
    read = []
    for name, description, enabled, strategy, percentage, conditions in rows:
        try:
            rule = stored_rule(name, decoded(conditions))
        except UnreadableJson as exc:
            raise UnreadableRule(name, str(exc)) from None
        read.append(FlagRuleRow(name, description, enabled, str(strategy), percentage, rule))
    return read


def save(session: Session, *, flag: FeatureFlag) -> FeatureFlag:
    session.add(flag)
    session.flush()
    session.refresh(flag)
    return flag


def delete(session: Session, *, flag: FeatureFlag) -> bool:
    """The one place a flag is deleted: through public.delete_rows, which applies the table's
    DELETE policies (user roles hold no DELETE privilege, 0010)."""
    session.expunge(flag)
    deleted = session.execute(
        text("select public.delete_rows('public.feature_flags', array[:id]::uuid[])"), {"id": flag.id}
    ).all()
    return len(deleted) == 1


def version(session: Session) -> UUID:
    """The flags' version (0085): drawn afresh in the transaction of every change of a flag."""
    value = session.execute(text("select public.feature_flags_version()")).scalar_one()
    return checked(value, UUID)


def log(session: Session, *, limit: int | None) -> list[FeatureFlagLog]:
    return list(session.exec(select(FeatureFlagLog).order_by(col(FeatureFlagLog.created_at).desc()).limit(limit)))


def own_tier(session: Session, *, user_id: UUID) -> str | None:
    """The active tier of account `user_id` (the session's: an administrator reads every account's
    subscriptions, and the first active one of any account was taken for its own)."""
    row = session.exec(
        select(UserSubscription.subscription_tier).where(
            col(UserSubscription.is_active), UserSubscription.user_id == user_id
        )
    ).first()
    return str(row) if row is not None else None


def subject_by_email(session: Session, *, email: str) -> tuple[UUID, str, str, bool] | None:
    """(user id, email domain, tier, admin) of the live account with this email, through
    public.flag_subject (0034): any account for admins, oneself for others."""
    row = session.execute(
        text("select user_id, email_domain, subscription_tier, is_admin from public.flag_subject(:email)"),
        {"email": email},
    ).first()
    return (row[0], row[1], row[2], row[3]) if row is not None else None


def account_emails(session: Session, *, user_ids: set[UUID]) -> dict[UUID, str]:
    """The emails of those of `user_ids` the caller may see, through public.account_emails (0137):
    every account's for administrators, one's own for others."""
    if not user_ids:
        return {}
    rows = session.execute(
        text("select id, email from public.account_emails(cast(:ids as uuid[]))"), {"ids": sorted(user_ids)}
    ).all()
    return {checked(row[0], UUID): checked(row[1], str) for row in rows}


def known_user_ids(session: Session, *, user_ids: set[UUID]) -> set[UUID]:
    """Those of `user_ids` that are accounts, read from profiles (every account has one, 0002):
    administrators, the only ones who change flags, see every profile; others only their own."""
    if not user_ids:
        return set()
    return set(session.exec(select(Profile.id).where(col(Profile.id).in_(user_ids))))


def user_ids_by_email(session: Session, *, emails: set[str]) -> dict[str, UUID]:
    """The ids of the live accounts with these emails, by lowercased email, through
    public.flag_subject (0034): any account for administrators, oneself for others."""
    if not emails:
        return {}
    rows = session.execute(
        text(
            "select lower(e.email), s.user_id from unnest(cast(:emails as text[])) e(email)"
            " cross join lateral public.flag_subject(e.email) s"
        ),
        {"emails": sorted(emails)},
    ).all()
    return {checked(row[0], str): checked(row[1], UUID) for row in rows}
