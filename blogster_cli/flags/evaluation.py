"""Whether a flag is on for a user: strategies, stable percentage buckets, a small condition language.

Percentage: a user's bucket is sha256("<flag>:<user id>") mod 10,000, so a user always
gets the same answer at a given percentage, and raising the percentage only adds users
(bucket < percentage * 100). Flags hash independently, so the same users are not always
the first ones in.

Conditions (the flag's `conditions` JSON), evaluated by walking the data, never eval:
    {"all": [C, ...]}  {"any": [C, ...]}  {"not": C}
    {"attr": NAME, "eq": VALUE}  {"attr": NAME, "in": [VALUE, ...]}
NAME is one of the subject's attributes: user_id, email_domain, subscription_tier, is_admin.
Strategy user_ids reads {"user_ids": [...]}, subscription_tier reads {"tiers": [...]}; any
other key "when" holds a condition that must also hold. Malformed conditions raise
InvalidCondition and count as off when evaluated (a rule that is no JSON object, or whose lists
are not lists, too: `rule_problem`); `check_rule` refuses, when a flag is
saved, a rule that could never match as written (an unknown tier, a user that is named by
neither an id nor an email, a strategy without its list, a list no strategy reads, an empty
"any" or "all"). A rule being saved may name accounts by email: `named_emails` gives them, the
service looks them up and `with_ids` puts each account's id in its place (rules are stored and
evaluated with ids only), and `named_user_ids` gives the ids, which the service checks are accounts.

An account id is stored in one spelling, lower-case and hyphenated as str(UUID) writes it
(`stored_id`; `with_ids` writes each id a rule names so, 0211 rewrote the rules saved before),
and the evaluator reads a user id in any spelling the rules' masking for non-administrators
(0210) takes for an account's id the same way: a rule naming "{ID}", "ID" in upper case or
"urn:uuid:ID" is on for that account, as the masking keeps it for that account alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from blogster_cli.vocabulary import SubscriptionTier

BUCKETS = 10_000
ATTRIBUTES = ("user_id", "email_domain", "subscription_tier", "is_admin")
MAX_DEPTH = 16
TIERS = tuple(tier.value for tier in SubscriptionTier)
# The list each strategy reads from the conditions.
STRATEGY_LISTS = {"user_ids": "user_ids", "subscription_tier": "tiers"}


# What the rules' masking (0210) passes over in an id: urn:, uuid:, braces and dashes, anywhere, any case.
_ID_NOISE = re.compile(r"urn:|uuid:|[{}-]", re.IGNORECASE)
_HEX_ID = re.compile(r"[0-9a-f]{32}")


def canonical_id(value: Any) -> Any:
    """The account id `value` spells, lower-case and hyphenated, as the evaluator reads ids: 32 hex
    digits once urn:, uuid:, braces and dashes are taken out, in any case (what the masking of
    others' ids for non-administrators, 0210, reads as an id and keeps for that account alone, so
    a rule answers the same read whole or masked). Anything else (an email, any other text) as it is."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return value
    hex_digits = _ID_NOISE.sub("", str(value)).lower()
    return str(UUID(hex=hex_digits)) if _HEX_ID.fullmatch(hex_digits) else value


def stored_id(value: Any) -> Any:
    """`value`, naming an account in a rule, as the rule is stored: `canonical_id`'s id, or the id
    Python's UUID() reads in it (as `check_rule` accepted it: "0x...", "+...", "_" between digits),
    lower-case and hyphenated; anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return value
    if (canonical := canonical_id(value)) is not value:
        return canonical
    if any(character.isspace() for character in str(value)):  # UUID() would read " 70c..." as 070c...
        return value
    try:
        return str(UUID(str(value)))
    except ValueError:
        return value


class InvalidCondition(ValueError):
    """The condition JSON does not follow the documented language."""


@dataclass(frozen=True)
class Subject:
    user_id: UUID
    email_domain: str
    subscription_tier: str
    is_admin: bool

    def attribute(self, name: str) -> Any:
        if name not in ATTRIBUTES:
            raise InvalidCondition(f"unknown attribute {name!r}; one of {', '.join(ATTRIBUTES)}")
        value = getattr(self, name)
        return str(value) if isinstance(value, UUID) else value


@dataclass(frozen=True)
class FlagRule:
    name: str
    enabled: bool
    strategy: str  # all | percentage | user_ids | subscription_tier
    rollout_percentage: int
    conditions: Mapping[str, Any]


def bucket(flag_name: str, user_id: UUID) -> int:
    digest = hashlib.sha256(f"{flag_name}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def in_rollout(flag_name: str, user_id: UUID, percentage: int) -> bool:
    return bucket(flag_name, user_id) < percentage * (BUCKETS // 100)


def condition_holds(condition: Any, subject: Subject, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        raise InvalidCondition("conditions nest too deeply")
    if not isinstance(condition, Mapping) or len(condition) == 0:
        raise InvalidCondition("a condition is a non-empty JSON object")
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        parts = condition[key]
        if len(condition) != 1 or not isinstance(parts, list):
            raise InvalidCondition(f'"{key}" takes a list of conditions and nothing beside it')
        results = [condition_holds(part, subject, depth + 1) for part in parts]
        return all(results) if key == "all" else any(results)
    if "not" in condition:
        if len(condition) != 1:
            raise InvalidCondition('"not" takes one condition and nothing beside it')
        return not condition_holds(condition["not"], subject, depth + 1)
    if set(condition) == {"attr", "eq"}:
        value = subject.attribute(condition["attr"])
        return bool(value == (canonical_id(condition["eq"]) if condition["attr"] == "user_id" else condition["eq"]))
    if set(condition) == {"attr", "in"}:
        if not isinstance(condition["in"], list):
            raise InvalidCondition('"in" takes a list')
        value = subject.attribute(condition["attr"])
        if condition["attr"] == "user_id":
            return value in [canonical_id(each) for each in condition["in"]]
        return value in condition["in"]
    raise InvalidCondition(f"unknown condition keys {sorted(condition)}")


def _kind(value: Any) -> str:
    """A JSON value's kind as a message names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else "a number"


def rule_problem(conditions: Any) -> str | None:
    """Why a stored rule is not one the evaluator reads, or None: a rule is a JSON object whose
    "user_ids" and "tiers" (the lists the strategies read), where given, are lists, and whose "when",
    where given, is an object or null (the shape 0213's check keeps the column to; what is inside a
    "when" is `condition_holds`'s to judge)."""
    if not isinstance(conditions, Mapping):
        return f"it is {_kind(conditions)}, not a JSON object"
    for key in STRATEGY_LISTS.values():
        if key in conditions and not isinstance(conditions[key], list):
            return f'its "{key}" is {_kind(conditions[key])}, not a list'
    if conditions.get("when") is not None and not isinstance(conditions["when"], Mapping):
        return f'its "when" is {_kind(conditions["when"])}, not a condition (a JSON object)'
    return None


def is_on(flag: FlagRule, subject: Subject) -> bool:
    """The flag's answer for this subject; a malformed rule or condition answers off."""
    if not flag.enabled:
        return False
    try:
        if (problem := rule_problem(flag.conditions)) is not None:
            raise InvalidCondition(problem)
        when = flag.conditions.get("when")
        if when is not None and not condition_holds(when, subject):
            return False
        if flag.strategy == "all":
            return True
        if flag.strategy == "percentage":
            return in_rollout(flag.name, subject.user_id, flag.rollout_percentage)
        if flag.strategy == "user_ids":
            return str(subject.user_id) in [str(canonical_id(u)) for u in flag.conditions.get("user_ids", [])]
        if flag.strategy == "subscription_tier":
            return subject.subscription_tier in flag.conditions.get("tiers", [])
    except InvalidCondition:
        return False
    return False


def check_rule(strategy: str, conditions: Mapping[str, Any]) -> None:
    """Raises InvalidCondition for a rule that could never match as written: a strategy
    without its non-empty list, a list another strategy reads, another key than `when`, a user
    named by neither a UUID nor an email, a tier that does not exist, or a malformed `when` (an empty "any" or "all" too)."""
    wanted = STRATEGY_LISTS.get(strategy)
    for key in conditions:
        if key != "when" and key != wanted:
            reader = next((name for name, listed in STRATEGY_LISTS.items() if listed == key), None)
            raise InvalidCondition(
                f'"{key}" is read only with strategy {reader}' if reader else f'unknown key "{key}": use "when"'
            )
    if wanted is not None:
        values = conditions.get(wanted)
        if not isinstance(values, list) or not values:
            raise InvalidCondition(f'strategy {strategy} needs a non-empty "{wanted}" list')
        for value in values:
            _check_value("user_id" if wanted == "user_ids" else "subscription_tier", value)
    when = conditions.get("when")
    if when is not None:
        probe = Subject(user_id=UUID(int=0), email_domain="", subscription_tier=TIERS[0], is_admin=False)
        condition_holds(when, probe)  # the shape and the attribute names, every part (all/any evaluate each)
        _check_values(when)


def _check_values(condition: Any) -> None:
    """Each value of a well-formed `when` condition one its attribute can have."""
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        if not condition[key]:  # evaluates, but almost certainly not what was meant
            matches = "everybody" if key == "all" else "nobody"
            raise InvalidCondition(f'an empty "{key}" matches {matches}: give it at least one condition')
        for part in condition[key]:
            _check_values(part)
    elif "not" in condition:
        _check_values(condition["not"])
    else:
        for value in [condition["eq"]] if "eq" in condition else condition["in"]:
            _check_value(condition["attr"], value)


def _check_value(attribute: str, value: Any) -> None:
    if attribute == "subscription_tier" and value not in TIERS:
        raise InvalidCondition(f"no tier {value!r}: one of {', '.join(TIERS)}")
    if attribute == "user_id" and not _is_email(value):
        try:
            if any(character.isspace() for character in str(value)):  # UUID() would read " 70c..." as 070c...
                raise ValueError
            UUID(str(value))
        except ValueError:
            raise InvalidCondition(
                f"{value!r} is neither an account's id nor its email (`admin users list --format ids` lists the ids)"
            ) from None
    if attribute == "is_admin" and not isinstance(value, bool):
        raise InvalidCondition(f"is_admin is true or false, not {value!r}")


def _is_email(value: Any) -> bool:
    """An account named by its email (to be replaced by its id before the rule is saved)."""
    return isinstance(value, str) and "@" in value and not any(character.isspace() for character in value)


def named_user_ids(conditions: Mapping[str, Any]) -> set[UUID]:
    """The user ids a rule `check_rule` accepted names: its "user_ids" list and each user_id
    value of its `when` (negated ones too: naming no account is a mistake either way)."""
    return {UUID(str(value)) for value in _user_values(conditions) if not _is_email(value)}


def named_emails(conditions: Mapping[str, Any]) -> set[str]:
    """The emails, lowercased, a rule `check_rule` accepted names accounts by, where it names ids."""
    return {str(value).lower() for value in _user_values(conditions) if _is_email(value)}


def with_ids(conditions: Mapping[str, Any], ids: Mapping[str, UUID]) -> dict[str, Any]:
    """The rule as it is stored: each email it names an account by replaced by that account's id
    (`ids`, by lowercased email: every one `named_emails` gives), each id it names written as
    `stored_id` writes it (for a rule `check_rule` accepted; other values as they are)."""

    def user(value: Any) -> Any:
        return str(ids[value.lower()]) if _is_email(value) else stored_id(value)

    def condition(part: Mapping[str, Any]) -> dict[str, Any]:
        if "all" in part or "any" in part:
            key = "all" if "all" in part else "any"
            return {key: [condition(each) for each in part[key]]}
        if "not" in part:
            return {"not": condition(part["not"])}
        if part["attr"] != "user_id":
            return dict(part)
        if "eq" in part:
            return {"attr": "user_id", "eq": user(part["eq"])}
        return {"attr": "user_id", "in": [user(value) for value in part["in"]]}

    rule = dict(conditions)
    if "user_ids" in rule:
        rule["user_ids"] = [user(value) for value in rule["user_ids"]]
    if rule.get("when") is not None:
        rule["when"] = condition(rule["when"])
    return rule


def _user_values(conditions: Mapping[str, Any]) -> list[Any]:
    """Each value naming an account in a rule `check_rule` accepted (an id or an email)."""
    named = list(conditions.get("user_ids", []))
    if conditions.get("when") is not None:
        named += _user_values_in(conditions["when"])
    return named


def _user_values_in(condition: Mapping[str, Any]) -> list[Any]:
    if "all" in condition or "any" in condition:
        parts = condition["all"] if "all" in condition else condition["any"]
        return [value for part in parts for value in _user_values_in(part)]
    if "not" in condition:
        return _user_values_in(condition["not"])
    if condition["attr"] != "user_id":
        return []
    return [condition["eq"]] if "eq" in condition else list(condition["in"])
