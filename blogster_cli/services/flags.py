"""Feature flags: admins create and change them (audited by the trigger); everyone checks them.

Checks are cached per process (`RULES`), which matters in the long-lived ones
(serve-workers, the TUI): what is kept is the rule set of every flag as the acting account
reads it (others' account ids hidden from a non-administrator, 0210), never an answer, because
evaluating a rule is a pure hash and comparison (flags/evaluation.py). The cache is keyed by
the reader and the flags' version (0085), which a statement trigger draws afresh in the same
transaction as any change of a flag: a check
reads that one value and reloads the rules only when it moved, so it is never behind a
committed change, in this process or any other, and costs no more reads than before when
nothing changed. A materialized view of flag x user answers (the design's suggestion) was
not taken: it would repeat the evaluator in SQL and go stale on every signup and tier change
as well as every flag change.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.db.orm import orm_unit_of_work
from blogster_cli.errors import ConfigError, Conflict, InvalidInput, NotFound, PermissionDenied
from blogster_cli.flags.evaluation import (
    FlagRule,
    InvalidCondition,
    Subject,
    check_rule,
    is_on,
    named_emails,
    named_user_ids,
    with_ids,
)
from blogster_cli.repositories import flags
from blogster_cli.vocabulary import FeatureFlagStrategy

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.models.flags import FeatureFlag

# A flag as `flags list`/`show` give it: the row `flags.rules` reads (others' ids hidden from a
# non-administrator), or an administrator's flag just written.
FlagPublic = flags.FlagRuleRow


@dataclass(frozen=True)
class FlagLogPublic:
    flag: str | None  # its name then (the state logged), kept when the flag is gone
    flag_id: UUID | None
    action: str
    change: str  # what the entry did: the action, but "enabled"/"disabled" for an update that switched the flag
    previous_state: dict[str, Any] | None
    new_state: dict[str, Any] | None
    changed_by: UUID | None
    created_at: dt.datetime | None
    changed_by_email: str | None = None  # the account's email (None: the account is gone)
    reason: str | None = None  # "account deleted": made by an account's deletion (changed_by: who deleted it)


def _unreadable(exc: flags.UnreadableRule) -> ConfigError:
    """The one line for a flag whose stored rule no reader takes (only SQL outside Blogster can
    write one, and 0213's check refuses that): which flag, why, and how an administrator mends it."""
    return ConfigError(
        f"flag {exc.name}'s stored rule cannot be read: {exc.why} (written by SQL outside Blogster);"
        f" an administrator can replace it: blogster flags update {exc.name} --conditions '{{}}'"
    )


def _read_rules(session: Session) -> list[FlagPublic]:
    """`flags.rules`, a rule no reader takes refused as `_unreadable` says it."""
    try:
        return flags.rules(session)
    except flags.UnreadableRule as exc:
        raise _unreadable(exc) from None


def _stored_conditions(flag: FeatureFlag) -> dict[str, Any]:
    """An administrator's flag's stored rule, a rule no reader takes refused as `_unreadable` says it."""
    try:
        return flags.stored_rule(flag.name, flag.conditions)
    except flags.UnreadableRule as exc:
        raise _unreadable(exc) from None


def _public(flag: FeatureFlag) -> FlagPublic:
    return FlagPublic(
        name=flag.name,
        description=flag.description,
        enabled=flag.enabled,
        strategy=str(flag.strategy),
        rollout_percentage=flag.rollout_percentage,
        conditions=_stored_conditions(flag),
    )


def _rule(flag: FlagPublic) -> FlagRule:
    return FlagRule(flag.name, flag.enabled, str(flag.strategy), flag.rollout_percentage, dict(flag.conditions))


class RuleCache:
    """Every flag's rule as one account reads it (`flags.rules`: others' ids hidden from a non-administrator),
    as of the flags' version it was read at (thread-safe: the TUI checks off its UI thread)."""

    def __init__(self) -> None:
        self._held: tuple[tuple[UUID, UUID], Mapping[str, FlagRule]] | None = None
        self._lock = threading.Lock()
        self.loads = 0
        """How many times the rules were read from the database (for tests and benchmarks)."""

    def rules(self, session: Session, *, reader: UUID) -> Mapping[str, FlagRule]:
        """The rules `reader` (the session's account) reads, read again only if a flag changed
        since they were last read, or another account reads them.

        The version is read before the rules: the rules are then at least as new as the
        version they are kept under, so a change committed in between only costs a reload.
        """
        key = (flags.version(session), reader)
        with self._lock:
            held = self._held
            if held is None or held[0] != key:
                held = (key, {flag.name: _rule(flag) for flag in _read_rules(session)})
                self._held = held
                self.loads += 1
        return held[1]


RULES = RuleCache()
"""The process's flag rules: one CLI command reads them once; a worker or the TUI keeps them until a flag changes."""


def _require_admin(acting: ActingUser, doing: str = "change feature flags") -> None:
    if not acting.actor.is_admin:
        raise PermissionDenied(f"only administrators {doing}")


def _validate(percentage: int | None, strategy: str, conditions: Mapping[str, Any]) -> None:
    """The rule as it will be saved: a percentage in range, conditions that can match (`check_rule`)."""
    if percentage is not None and not 0 <= percentage <= 100:
        raise InvalidInput("--percentage must be between 0 and 100")
    try:
        check_rule(strategy, conditions)
    except InvalidCondition as exc:
        raise InvalidInput(f"invalid condition: {exc}") from None


def _accounts(session: Session, conditions: dict[str, Any]) -> dict[str, Any]:
    """The new conditions as they are stored: each account named by email by its id instead, each
    id lower-case and hyphenated (`with_ids`), and each id an account's (a mistyped id or email would match nobody, silently). Only
    administrators get here, and they see every account anyway (RLS, 0002; flag_subject, 0034),
    so the answer tells them nothing new: no existence oracle."""
    emails = named_emails(conditions)
    ids = flags.user_ids_by_email(session, emails=emails)
    missing = sorted(emails - ids.keys())
    if missing:
        raise NotFound(f"no account with email {missing[0]!r}")
    conditions = with_ids(conditions, ids)  # every id in one spelling too (flags/evaluation.py)
    named = named_user_ids(conditions)
    unknown = sorted(map(str, named - flags.known_user_ids(session, user_ids=named)))
    if unknown:
        raise InvalidInput(f"invalid condition: no account with id {unknown[0]} (see `admin users list --format ids`)")
    return conditions


def create(
    acting: ActingUser,
    *,
    name: str,
    description: str | None,
    strategy: FeatureFlagStrategy,
    percentage: int,
    conditions: dict[str, Any],
) -> FlagPublic:
    from blogster_cli.models.flags import FeatureFlag

    _require_admin(acting)
    _validate(percentage, strategy, conditions)
    with orm_unit_of_work(acting) as session:
        if flags.by_name(session, name=name) is not None:
            raise Conflict(f"flag {name} already exists")
        flag = FeatureFlag(
            name=name,
            description=description,
            strategy=strategy,
            rollout_percentage=percentage,
            conditions=_accounts(session, conditions),
        )
        return _public(flags.save(session, flag=flag))


def update(
    acting: ActingUser,
    *,
    name: str,
    enabled: bool | None = None,
    description: str | None = None,
    strategy: FeatureFlagStrategy | None = None,
    rollout_percentage: int | None = None,
    conditions: dict[str, Any] | None = None,
) -> FlagPublic:
    """Sets the fields given (None leaves a field as it is)."""
    _require_admin(acting)
    with orm_unit_of_work(acting) as session:
        flag = flags.by_name(session, name=name)
        if flag is None:
            raise NotFound(f"no flag {name}")
        _validate(
            rollout_percentage,
            str(strategy or flag.strategy),
            _stored_conditions(flag) if conditions is None else conditions,
        )
        changes: dict[str, object] = {
            "enabled": enabled, "description": description, "strategy": strategy,
            "rollout_percentage": rollout_percentage,
            # ids saved before may name accounts since deleted: enabling still works
            "conditions": None if conditions is None else _accounts(session, conditions),
        }  # fmt: skip
        for field, value in changes.items():
            if value is not None:
                setattr(flag, field, value)
        return _public(flags.save(session, flag=flag))


def to_remove(acting: ActingUser, *, name: str) -> FlagPublic:
    """The flag `remove` would delete, for a front end to ask about first: administrators only,
    so a writer is refused rather than asked, and an unknown flag is not found rather than asked about."""
    _require_admin(acting)
    with orm_unit_of_work(acting) as session:
        flag = flags.by_name(session, name=name)
        if flag is None:
            raise NotFound(f"no flag {name}")
        return _public(flag)


def remove(acting: ActingUser, *, name: str) -> FlagPublic:
    """Deletes the flag for every account; returns it as it was."""
    _require_admin(acting)
    with orm_unit_of_work(acting) as session:
        flag = flags.by_name(session, name=name)
        if flag is None:
            raise NotFound(f"no flag {name}")
        shown = _public(flag)
        if not flags.delete(session, flag=flag):
            raise PermissionDenied(f"flag {name} was not removed: only administrators remove flags")
        return shown


@dataclass(frozen=True)
class FlagListed:
    """A flag as `flags list` gives it: `FlagPublic`'s fields and whether it is on for the account listing."""

    name: str
    description: str | None
    enabled: bool
    strategy: str
    rollout_percentage: int
    conditions: dict[str, Any]
    on_for_you: bool


def list_flags(acting: ActingUser) -> list[FlagListed]:
    """Every flag, and whether it is on for the acting user, as `check` answers it: the same rules
    (a non-administrator reads no other account's id in them, `flags.rules`) and the same subject."""
    with orm_unit_of_work(acting) as session:
        rows = _read_rules(session)
        subject = _own_subject(session, acting)
    return [
        FlagListed(f.name, f.description, f.enabled, str(f.strategy), f.rollout_percentage, dict(f.conditions),
                   is_on(_rule(f), subject))
        for f in rows
    ]  # fmt: skip


def _own_subject(session: Session, acting: ActingUser) -> Subject:
    """The acting user as flags are evaluated for it: its id, its email's domain, its active tier
    (free without one) and whether it is an administrator."""
    actor = acting.actor
    return Subject(
        actor.user_id,
        actor.email.rpartition("@")[2],
        flags.own_tier(session, user_id=actor.user_id) or "free",
        actor.is_admin,
    )


def audit_log(acting: ActingUser, *, limit: int | None) -> list[FlagLogPublic]:
    """The log, newest first, with who made each change by email (administrators see every
    account's: public.account_emails, 0137), and why when no administrator made it (`reason`:
    "account deleted", changed_by the administrator who deleted the account, if one did: 0159)."""
    _require_admin(acting, "read the feature flag log")
    with orm_unit_of_work(acting) as session:
        entries = flags.log(session, limit=limit)
        emails = flags.account_emails(session, user_ids={e.changed_by for e in entries if e.changed_by is not None})
        return [
            FlagLogPublic(
                _logged_name(e.new_state, e.previous_state),
                e.flag_id,
                str(e.action),
                _change(str(e.action), e.previous_state, e.new_state),
                e.previous_state,
                e.new_state,
                e.changed_by,
                e.created_at,
                None if e.changed_by is None else emails.get(e.changed_by),
                e.reason,
            )  # fmt: skip
            for e in entries
        ]


def _change(action: str, previous: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    """The entry's action, named "enabled" or "disabled" when an update switched the flag (as
    `flags enable`/`disable` do, and an account's deletion that left a `user_ids` flag naming nobody)."""
    if action == "updated" and previous and new and previous.get("enabled") != new.get("enabled"):
        return "enabled" if new.get("enabled") else "disabled"
    return action


def _logged_name(*states: dict[str, Any] | None) -> str | None:
    return next((str(state["name"]) for state in states if state and state.get("name")), None)


def check(acting: ActingUser, *, name: str, user_email: str | None = None) -> bool:
    """Whether flag `name` is on for the acting user, or (administrators) for the account
    with `user_email` (the rules from `RULES`: read again only after a flag changed)."""
    actor = acting.actor
    about_someone_else = user_email is not None and user_email.lower() != actor.email.lower()
    if about_someone_else and not actor.is_admin:
        raise PermissionDenied("only administrators check flags for other accounts")
    with orm_unit_of_work(acting) as session:
        rule = RULES.rules(session, reader=actor.user_id).get(name)
        if rule is None:
            raise NotFound(f"no flag {name}")
        if user_email is None:
            subject = _own_subject(session, acting)
        else:
            found = flags.subject_by_email(session, email=user_email)
            if found is None:
                raise NotFound(f"no account with email {user_email!r}")
            subject = Subject(*found)
    return is_on(rule, subject)
