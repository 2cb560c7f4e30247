"""0210: an account reads every flag and whether it is on for it, never which other accounts a
flag names. The conditions column (and created_by) are closed to accounts; public.feature_flag_rules()
gives a non-administrator each rule with every other account's id, in any spelling, as the nil UUID."""

from __future__ import annotations

import json
from uuid import UUID

import psycopg
import pytest
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction
from blogster_cli.flags.evaluation import FlagRule, Subject, is_on

NIL = "00000000-0000-0000-0000-000000000000"

RAW_READS = [
    "select conditions from public.feature_flags",
    "select * from public.feature_flags",
    "select to_jsonb(f) from public.feature_flags f",
    "select created_by from public.feature_flags",
    "select 1 from public.feature_flags where conditions::text like '%-%'",  # an oracle on the column
    "select internal.flag_conditions_for('{}'::jsonb, gen_random_uuid())",
]


def spellings(user_id: UUID) -> list[str]:
    """What Python's UUID() reads as the account's id, so what an administrator may have typed."""
    text = str(user_id)
    return [text, text.upper(), "{" + text + "}", "urn:uuid:" + text, user_id.hex, "-".join(user_id.hex)]


def flags_naming(superuser, victim: UUID, reader: UUID) -> None:
    rules = {
        "beta-list": ("user_ids", {"user_ids": [*spellings(victim), str(reader)]}),
        "beta-others": ("user_ids", {"user_ids": [str(victim)]}),
        "deep": (
            "all",
            {
                "when": {
                    "any": [
                        {"not": {"attr": "user_id", "in": spellings(victim)}},
                        {"all": [{"attr": "user_id", "eq": str(victim)}]},
                    ]
                }
            },
        ),  # fmt: skip
        "mine-only": ("all", {"when": {"attr": "user_id", "eq": str(reader)}}),
    }
    for name, (strategy, conditions) in rules.items():
        superuser.execute(
            "insert into public.feature_flags (name, enabled, strategy, conditions) values (%s, true, %s, %s)",
            (name, strategy, Jsonb(conditions)),
        )


@pytest.mark.parametrize("statement", RAW_READS)
def test_an_account_reads_no_flag_conditions_by_raw_sql(db, make_user, superuser, statement):
    victim, reader = make_user(), make_user()
    flags_naming(superuser, victim.user_id, reader.user_id)
    with db.connect() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        with acting_transaction(conn, reader.role_name):
            conn.execute(statement)


def test_the_rules_an_account_reads_name_no_one_else_and_answer_the_same_for_it(db, make_user, superuser):
    victim, reader = make_user(), make_user()
    flags_naming(superuser, victim.user_id, reader.user_id)
    whole = dict(superuser.execute("select name, conditions from public.feature_flags").fetchall())
    with db.connect() as conn, acting_transaction(conn, reader.role_name):
        shown = conn.execute(
            "select name, enabled, strategy::text, rollout_percentage, conditions from public.feature_flag_rules()"
        ).fetchall()
        assert conn.execute("select name from public.feature_flags order by name").fetchall()  # the flags stay visible
    assert [row[0] for row in shown] == ["beta-list", "beta-others", "deep", "mine-only"]
    text = json.dumps([row[4] for row in shown])
    assert all(spelling.lower() not in text.lower() for spelling in spellings(victim.user_id)[:5])
    assert victim.user_id.hex not in text.replace("-", "")
    assert str(reader.user_id) in text and NIL in text
    me = Subject(reader.user_id, "example.com", "free", False)
    for name, enabled, strategy, percentage, conditions in shown:
        assert is_on(FlagRule(name, enabled, strategy, percentage, conditions), me) == is_on(
            FlagRule(name, enabled, strategy, percentage, whole[name]), me
        ), name
    assert {row[0] for row in shown if is_on(FlagRule(*row), me)} == {"beta-list", "deep", "mine-only"}


def test_an_administrator_reads_the_rules_whole(db, make_user, superuser):
    victim, admin = make_user(), make_user(admin=True)
    flags_naming(superuser, victim.user_id, admin.user_id)
    whole = dict(superuser.execute("select name, conditions from public.feature_flags").fetchall())
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        shown = dict(conn.execute("select name, conditions from public.feature_flag_rules()").fetchall())
        raw = dict(conn.execute("select name, conditions from public.feature_flags").fetchall())
    assert shown == whole == raw
