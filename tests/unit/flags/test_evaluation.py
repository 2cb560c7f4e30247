"""Flag evaluation: stable, monotonic percentages and a condition language that cannot run code."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blogster_cli.flags.evaluation import (
    FlagRule,
    InvalidCondition,
    Subject,
    canonical_id,
    check_rule,
    condition_holds,
    in_rollout,
    is_on,
    named_emails,
    named_user_ids,
    rule_problem,
    stored_id,
    with_ids,
)


def subject(**overrides) -> Subject:
    values = {"user_id": uuid.uuid4(), "email_domain": "example.com", "subscription_tier": "free", "is_admin": False}
    values.update(overrides)
    return Subject(**values)


@given(st.uuids(), st.integers(0, 100), st.integers(0, 100))
def test_raising_the_percentage_only_adds_users(user_id, low, high):
    low, high = sorted((low, high))
    assert not in_rollout("beta", user_id, low) or in_rollout("beta", user_id, high)


@given(st.uuids(), st.integers(0, 100))
def test_a_user_always_gets_the_same_answer(user_id, percentage):
    assert in_rollout("beta", user_id, percentage) == in_rollout("beta", user_id, percentage)


def test_percentage_is_close_to_its_share_of_users():
    users = [uuid.UUID(int=n) for n in range(20000)]
    share = sum(in_rollout("beta", u, 25) for u in users) / len(users)
    assert 0.23 < share < 0.27
    assert not any(in_rollout("beta", u, 0) for u in users[:1000])
    assert all(in_rollout("beta", u, 100) for u in users[:1000])


def test_strategies_and_conditions():
    pro = subject(subscription_tier="pro", email_domain="corp.example")
    free = subject()
    tiers = FlagRule("t", True, "subscription_tier", 0, {"tiers": ["pro"]})
    assert is_on(tiers, pro) and not is_on(tiers, free)
    listed = FlagRule("u", True, "user_ids", 0, {"user_ids": [str(free.user_id)]})
    assert is_on(listed, free) and not is_on(listed, pro)
    when = {"all": [{"attr": "email_domain", "eq": "corp.example"}, {"not": {"attr": "is_admin", "eq": True}}]}
    everyone_at_corp = FlagRule("c", True, "all", 0, {"when": when})
    assert is_on(everyone_at_corp, pro) and not is_on(everyone_at_corp, free)
    assert not is_on(FlagRule("off", False, "all", 100, {}), pro)


@pytest.mark.parametrize(
    "condition",
    [
        {"attr": "__class__", "eq": 1},
        {"attr": "email_domain", "eq": 1, "extra": 2},
        {"any": "not a list"},
        {"eval": "__import__('os').system('true')"},
        [],
    ],
)
def test_malformed_conditions_are_refused_and_evaluate_off(condition):
    with pytest.raises(InvalidCondition):
        condition_holds(condition, subject())
    assert not is_on(FlagRule("x", True, "all", 0, {"when": condition}), subject())


@pytest.mark.parametrize(
    ("strategy", "conditions", "problem"),
    [
        ("all", [], "it is an array, not a JSON object"),
        ("all", 1, "it is a number, not a JSON object"),
        ("all", "x", "it is a string, not a JSON object"),
        ("all", None, "it is null, not a JSON object"),
        ("user_ids", {"user_ids": None}, 'its "user_ids" is null, not a list'),
        ("user_ids", {"user_ids": {"a": 1}}, 'its "user_ids" is an object, not a list'),
        ("subscription_tier", {"tiers": "pro"}, 'its "tiers" is a string, not a list'),  # "pro" in "pro"
        ("subscription_tier", {"tiers": 5}, 'its "tiers" is a number, not a list'),
        ("all", {"when": True}, 'its "when" is true, not a condition'),
    ],
)
def test_a_rule_of_another_shape_is_named_and_answers_off(strategy, conditions, problem) -> None:
    """A rule stored by SQL outside Blogster that is no JSON object, or whose lists are no lists, made
    the evaluator raise TypeError or AttributeError (a traceback for every reader) or read a string as
    its list; it answers off, and `rule_problem` says why (what 0213's check refuses to store)."""
    assert rule_problem(conditions) is not None and rule_problem(conditions).startswith(problem)
    for user in (subject(subscription_tier="pro"), subject(user_id=uuid.UUID(int=1))):
        assert not is_on(FlagRule("x", True, strategy, 100, conditions), user)


def test_the_shapes_flags_store_are_well_formed() -> None:
    for conditions in (
        {},
        {"when": None},
        {"user_ids": [], "tiers": ["pro"], "when": {"attr": "is_admin", "eq": True}},
    ):
        assert rule_problem(conditions) is None


@pytest.mark.parametrize(
    ("strategy", "conditions", "refused"),
    [
        ("subscription_tier", {"tiers": ["platinum"]}, "no tier 'platinum'"),
        ("subscription_tier", {}, 'needs a non-empty "tiers" list'),
        ("subscription_tier", {"tiers": []}, 'needs a non-empty "tiers" list'),
        ("user_ids", {"user_ids": ["not-a-uuid"]}, "is neither an account's id nor its email"),
        # UUID() reads " 70c1..." as 070c1...: the deletion scrub would not know it for that account.
        ("user_ids", {"user_ids": [" " + "0" * 31]}, "is neither an account's id nor its email"),
        ("all", {"when": {"attr": "user_id", "eq": "\t" + "0" * 30 + "1"}}, "is neither an account's id nor its email"),
        ("all", {"tiers": ["pro"]}, '"tiers" is read only with strategy subscription_tier'),
        ("percentage", {"user_ids": [str(uuid.uuid4())]}, "read only with strategy user_ids"),
        ("all", {"whenever": {}}, 'unknown key "whenever"'),
        ("all", {"when": {"attr": "subscription_tier", "in": ["pro", "gold"]}}, "no tier 'gold'"),
        ("all", {"when": {"not": {"attr": "is_admin", "eq": "yes"}}}, "is_admin is true or false"),
        ("all", {"when": {"any": [{"attr": "user_id", "eq": "bob"}]}}, "is neither an account's id nor its email"),
        ("user_ids", {"user_ids": ["dave @example.com"]}, "is neither an account's id nor its email"),
        ("all", {"when": {"attr": "plan", "eq": "pro"}}, "unknown attribute"),
        ("all", {"when": {"any": []}}, 'an empty "any" matches nobody'),
        ("percentage", {"when": {"all": []}}, 'an empty "all" matches everybody'),
        ("all", {"when": {"not": {"any": [{"all": []}]}}}, 'an empty "all" matches everybody'),
    ],
)
def test_a_rule_that_could_never_match_is_refused(strategy, conditions, refused) -> None:
    with pytest.raises(InvalidCondition, match=refused):
        check_rule(strategy, conditions)


@pytest.mark.parametrize(
    ("strategy", "conditions"),
    [
        ("all", {}),
        ("percentage", {"when": {"attr": "email_domain", "in": ["example.com"]}}),
        ("subscription_tier", {"tiers": ["pro", "team"], "when": {"attr": "is_admin", "eq": False}}),
        ("user_ids", {"user_ids": [str(uuid.uuid4())]}),
    ],
)
def test_rules_that_can_match_are_kept(strategy, conditions) -> None:
    check_rule(strategy, conditions)


def test_a_rule_names_its_user_ids_wherever_they_are() -> None:
    listed, negated, among = (uuid.uuid4() for _ in range(3))
    when = {"any": [{"not": {"attr": "user_id", "eq": str(negated)}}, {"attr": "user_id", "in": [str(among)]}]}
    conditions = {"user_ids": [str(listed)], "when": when}
    check_rule("user_ids", conditions)
    assert named_user_ids(conditions) == {listed, negated, among}
    assert named_user_ids({"when": {"attr": "email_domain", "eq": "example.com"}}) == set()


def test_a_rule_may_name_accounts_by_email_and_is_stored_with_their_ids() -> None:
    """A new user's `--conditions '{"user_ids": ["dave@example.com"]}'` was refused as "not a user
    id" pointing at a table that shows no ids (new-user walk #2): emails are accepted, and the
    service puts the accounts' ids in their place, so rules are evaluated as before."""
    dave, erin, kept = (uuid.uuid4() for _ in range(3))
    when = {"any": [{"not": {"attr": "user_id", "eq": "Erin@Example.com"}}, {"attr": "email_domain", "eq": "x.org"}]}
    conditions = {"user_ids": ["dave@example.com", str(kept)], "when": when}
    check_rule("user_ids", conditions)
    assert named_emails(conditions) == {"dave@example.com", "erin@example.com"}
    assert named_user_ids(conditions) == {kept}
    stored = with_ids(conditions, {"dave@example.com": dave, "erin@example.com": erin})
    assert stored == {
        "user_ids": [str(dave), str(kept)],
        "when": {"any": [{"not": {"attr": "user_id", "eq": str(erin)}}, {"attr": "email_domain", "eq": "x.org"}]},
    }
    assert named_emails(stored) == set() and named_user_ids(stored) == {dave, erin, kept}
    rule = FlagRule("beta", True, "user_ids", 0, stored)
    assert is_on(rule, subject(user_id=dave)) and not is_on(rule, subject(user_id=erin, email_domain="y.org"))


def id_spellings(user_id: uuid.UUID) -> list[object]:
    """Spellings of an account's id `check_rule` accepts (Python's UUID() reads them) or the masking
    of others' ids (0210) takes for one."""
    text = str(user_id)
    return [
        text.upper(), "{" + text + "}", "urn:uuid:" + text, user_id.hex, "-".join(user_id.hex),
        "URN:UUID:" + text.upper(), "}" + text + "{", "uuid:urn:" + text,
    ]  # fmt: skip


def test_an_id_in_any_spelling_is_stored_lower_case_and_hyphenated() -> None:
    """A rule naming an account as "{ID}", in upper case or as urn:uuid:ID was stored as typed and
    never on for that account: the evaluator compared the text. Ids are stored in one spelling."""
    me, other = uuid.uuid4(), uuid.uuid4()
    for spelling in id_spellings(me):
        assert canonical_id(spelling) == str(me), spelling
    assert canonical_id(10**31) == "10000000-0000-0000-0000-000000000000"  # a JSON number: str() of it read as hex
    small = uuid.UUID(int=0x11 << 100)  # 00000000-0000-0011-..., so Python's UUID() reads more spellings
    python_only = [
        "0x" + small.hex[2:],
        "+" + small.hex[1:],
        small.hex[1:3] + "_" + small.hex[3:],
        "uu" + "urn:" + "id:" + str(small),
    ]
    for spelling in python_only:
        assert stored_id(spelling) == str(small), spelling
        assert canonical_id(spelling) == spelling  # the masking reads no id in it, nor does the evaluator
    assert with_ids({"user_ids": python_only}, {}) == {"user_ids": [str(small)] * 4}
    kept: list[object] = ["ada@example.com", "x " + str(me), str(me) + "0", "pro", True, 7, None, [str(me)], "Ümlaut"]
    assert [canonical_id(value) for value in kept] == kept == [stored_id(value) for value in kept]
    when = {"any": [{"attr": "user_id", "eq": "{" + str(other).upper() + "}"},
                    {"attr": "email_domain", "in": [me.hex.upper()]}]}  # fmt: skip
    conditions = {"user_ids": ["urn:uuid:" + str(me).upper(), other.hex], "when": when}
    check_rule("user_ids", conditions)
    assert with_ids(conditions, {}) == {
        "user_ids": [str(me), str(other)],
        "when": {"any": [{"attr": "user_id", "eq": str(other)}, {"attr": "email_domain", "in": [me.hex.upper()]}]},
    }  # an id-like value of another attribute is not an id: kept as written


def test_a_rule_naming_an_account_in_any_spelling_is_on_for_it() -> None:
    me, other = uuid.uuid4(), uuid.uuid4()
    for spelling in id_spellings(me):
        listed = FlagRule("beta", True, "user_ids", 0, {"user_ids": [str(other), spelling]})
        named = FlagRule("beta", True, "all", 0, {"when": {"attr": "user_id", "eq": spelling}})
        among = FlagRule("beta", True, "all", 0, {"when": {"attr": "user_id", "in": [spelling]}})
        for rule in (listed, named, among):
            assert is_on(rule, subject(user_id=me)), (spelling, rule)
            assert not is_on(rule, subject(user_id=uuid.uuid4())), (spelling, rule)
    not_an_id = FlagRule("beta", True, "all", 0, {"when": {"attr": "user_id", "eq": "x " + str(me)}})
    assert not is_on(not_an_id, subject(user_id=me))
