"""A rule naming an account as "{ID}", in upper case, as urn:uuid:ID or in another spelling of its
id was stored as typed and never on for that account (the evaluator compared text). Ids are
stored lower-case and hyphenated: by `flags create/update`, and 0211 for the rules saved before.
Other values are kept as written."""

from __future__ import annotations

from uuid import UUID

from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.db import migrations
from blogster_cli.flags.evaluation import FlagRule, Subject, is_on
from blogster_cli.services import flags
from blogster_cli.vocabulary import FeatureFlagStrategy
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0211_canonical_flag_rule_ids"


def odd(user_id: UUID) -> list[str]:
    text = str(user_id)
    return ["{" + text.upper() + "}", "urn:uuid:" + text, user_id.hex.upper(), "-".join(user_id.hex)]


def test_flags_store_each_id_in_one_spelling_and_are_on_for_it(db, make_user):
    admin, ada, bob = ActingUser(db, make_user(admin=True)), ActingUser(db, make_user()), ActingUser(db, make_user())
    me, other = ada.actor.user_id, bob.actor.user_id
    created = flags.create(
        admin,
        name="beta",
        description=None,
        strategy=FeatureFlagStrategy.USER_IDS,
        percentage=0,
        conditions={"user_ids": odd(me), "when": {"not": {"attr": "email_domain", "eq": other.hex.upper()}}},
    )
    assert created.conditions == {
        "user_ids": [str(me)] * 4,
        "when": {"not": {"attr": "email_domain", "eq": other.hex.upper()}},  # not an id: as written
    }
    flags.update(admin, name="beta", enabled=True)
    assert flags.check(ada, name="beta") is True
    assert flags.check(bob, name="beta") is False
    updated = flags.update(admin, name="beta", conditions={"user_ids": ["urn:uuid:" + str(other).upper()]})
    assert updated.conditions == {"user_ids": [str(other)]}
    assert flags.check(bob, name="beta") is True and flags.check(ada, name="beta") is False


def test_0211_writes_the_ids_of_rules_saved_before_in_one_spelling(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0211")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        me = conn.execute("insert into auth.users (email) values ('ada@example.com') returning id").fetchone()[0]
        small = UUID(int=0x11 << 100)
        when = {
            "any": [
                {"attr": "user_id", "eq": "{" + str(me).upper() + "}"},
                {"not": {"all": [{"attr": "user_id", "in": [*odd(me), "x " + str(me), "0x" + small.hex[2:]]}]}},
                {"attr": "email_domain", "in": [me.hex.upper()]},
            ]
        }
        rules = {
            "listed": ("user_ids", {"user_ids": [*odd(me), "+" + small.hex[1:], "ada@example.com", 7]}),
            "named": ("all", {"when": when}),
            "number": ("user_ids", Jsonb({"user_ids": [10**31]})),
            "plain": ("all", {"when": {"attr": "email_domain", "eq": "urn:uuid:" + str(me).upper()}}),
        }
        for name, (strategy, conditions) in rules.items():
            conn.execute(
                "insert into public.feature_flags (name, enabled, strategy, conditions) values (%s, true, %s, %s)",
                (name, strategy, conditions if isinstance(conditions, Jsonb) else Jsonb(conditions)),
            )
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION)[-1] == MIGRATION
    with empty_db.connect() as conn:
        stored = dict(conn.execute("select name, conditions from public.feature_flags").fetchall())
        logged = conn.execute("select count(*) from public.feature_flag_logs where action = 'updated'").fetchone()
    assert stored["listed"] == {"user_ids": [str(me)] * 4 + [str(small), "ada@example.com", 7]}
    assert stored["named"] == {
        "when": {
            "any": [
                {"attr": "user_id", "eq": str(me)},
                {"not": {"all": [{"attr": "user_id", "in": [str(me)] * 4 + ["x " + str(me), str(small)]}]}},
                {"attr": "email_domain", "in": [me.hex.upper()]},
            ]
        }
    }
    assert stored["number"] == {"user_ids": ["10000000-0000-0000-0000-000000000000"]}
    assert stored["plain"] == {"when": {"attr": "email_domain", "eq": "urn:uuid:" + str(me).upper()}}
    assert logged == (3,)  # the rules changed, as any change of a flag
    ada = Subject(me, "example.com", "free", False)
    assert is_on(FlagRule("listed", True, "user_ids", 0, stored["listed"]), ada)
    assert is_on(FlagRule("named", True, "all", 0, stored["named"]), ada)


def nested(condition: dict, levels: int) -> dict:
    for _ in range(levels):
        condition = {"not": condition}
    return condition


def test_0211_keeps_empty_lists_and_writes_the_deepest_ids(empty_db, tmp_path, monkeypatch):
    """An empty "all"/"any" inside a list stays as it is (written null, a flag on for everyone would be
    off for everyone), and an id at the deepest level the evaluator reads is written too."""
    use_copied_migrations(tmp_path, monkeypatch, before="0211")
    migrations.apply(empty_db)
    small = UUID(int=0x11 << 100)
    with empty_db.connect() as conn:
        me = conn.execute("insert into auth.users (email) values ('ada@example.com') returning id").fetchone()[0]
        rules = {
            "everyone": {"when": {"any": [{"all": []}, {"attr": "user_id", "eq": "{" + str(me).upper() + "}"}]}},
            "no-one-else": {"when": {"all": [{"not": {"any": []}}, {"attr": "user_id", "in": [me.hex]}]}},
            "top": {"when": {"all": []}, "user_ids": ["0x" + small.hex[2:]]},
            "deepest": {"when": nested({"attr": "user_id", "eq": "0x" + small.hex[2:]}, 16)},
        }
        for name, conditions in rules.items():
            conn.execute(
                "insert into public.feature_flags (name, enabled, strategy, conditions) values (%s, true, %s, %s)",
                (name, "user_ids" if "user_ids" in conditions else "all", Jsonb(conditions)),
            )
    monkeypatch.undo()
    migrations.apply(empty_db, until=MIGRATION)
    with empty_db.connect() as conn:
        stored = dict(conn.execute("select name, conditions from public.feature_flags").fetchall())
    assert stored["everyone"] == {"when": {"any": [{"all": []}, {"attr": "user_id", "eq": str(me)}]}}
    assert stored["no-one-else"] == {"when": {"all": [{"not": {"any": []}}, {"attr": "user_id", "in": [str(me)]}]}}
    assert stored["top"] == {"when": {"all": []}, "user_ids": [str(small)]}
    assert stored["deepest"] == {"when": nested({"attr": "user_id", "eq": str(small)}, 16)}
    ada, other = Subject(me, "example.com", "free", False), Subject(small, "example.com", "free", False)
    assert is_on(FlagRule("everyone", True, "all", 0, stored["everyone"]), other)
    assert is_on(FlagRule("no-one-else", True, "all", 0, stored["no-one-else"]), ada)
    assert is_on(FlagRule("top", True, "user_ids", 0, stored["top"]), other)
    assert is_on(FlagRule("deepest", True, "all", 0, stored["deepest"]), other)


def test_0213_switches_off_the_rules_saved_before_that_no_reader_takes(empty_db, tmp_path, monkeypatch):
    """A rule that is no JSON object (or whose lists are no lists) made every reading of the flags
    fail; 0213 refuses them from now on and writes those saved before as the empty rule, off, their
    description saying why, the old rule kept in the log. Well-formed rules are left as they are."""
    use_copied_migrations(tmp_path, monkeypatch, before="0213")
    migrations.apply(empty_db)
    rules = {"array": "[]", "number": "1", "string": '"x"', "null": "null", "listless": '{"user_ids": null}',
             "fine": '{"when": null, "tiers": ["pro"]}'}  # fmt: skip
    with empty_db.connect() as conn:
        for name, rule in rules.items():
            conn.execute(
                "insert into public.feature_flags (name, description, enabled, conditions) values (%s, %s, true, %s::jsonb)",
                (name, "Beta editor" if name == "array" else None, rule),
            )
    monkeypatch.undo()
    migrations.apply(empty_db, until="0213_flag_rules_are_objects")
    with empty_db.connect() as conn:
        stored = {
            row[0]: row[1:]
            for row in conn.execute("select name, conditions, enabled, description from public.feature_flags")
        }
        logged = dict(conn.execute(
            "select new_state ->> 'name', previous_state -> 'conditions' from public.feature_flag_logs where action = 'updated'"
        ).fetchall())  # fmt: skip
    assert stored.pop("fine") == ({"when": None, "tiers": ["pro"]}, True, None)
    assert {name: row[:2] for name, row in stored.items()} == {name: ({}, False) for name in stored}
    assert stored["array"][2].startswith("Beta editor (Switched off by migration 0213: its stored rule was not")
    assert all(row[2].startswith("(Switched off by migration 0213") for name, row in stored.items() if name != "array")
    assert logged == {"array": [], "number": 1, "string": "x", "null": None, "listless": {"user_ids": None}}
