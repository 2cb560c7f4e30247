"""Feature flags and their audit log (admins write under RLS; the trigger writes the log)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from blogster_cli.models.accounts import UserSubscription
from blogster_cli.models.system import FeatureFlag, FeatureFlagLog


def by_name(session: Session, *, name: str) -> FeatureFlag | None:
    return session.exec(select(FeatureFlag).where(FeatureFlag.name == name)).first()


def list_all(session: Session) -> list[FeatureFlag]:
    return list(session.exec(select(FeatureFlag).order_by(FeatureFlag.name)))


def save(session: Session, *, flag: FeatureFlag) -> FeatureFlag:
    session.add(flag)
    session.flush()
    session.refresh(flag)
    return flag


def delete(session: Session, *, flag: FeatureFlag) -> None:
    """The one place a flag is deleted (to switch to public.delete_rows when table DELETE goes)."""
    session.delete(flag)
    session.flush()


def log(session: Session, *, limit: int) -> list[FeatureFlagLog]:
    return list(session.exec(select(FeatureFlagLog).order_by(col(FeatureFlagLog.created_at).desc()).limit(limit)))


def own_tier(session: Session) -> str | None:
    row = session.exec(select(UserSubscription.subscription_tier).where(col(UserSubscription.is_active))).first()
    return str(row) if row is not None else None
