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
    "select internal.flag_rule_ids('{}'::jsonb)",  # 0211's, which the rules' update ran
    "select internal.flag_rule_id('\"x\"'::jsonb)",
    "select internal.flag_condition_ids('{}'::jsonb, 1)",
    "select internal.flag_string_for_reader('x', 'x')",  # 0212's
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


def odd_spellings(user_id: UUID) -> list[str]:
    """Spellings red team 73 found the 0210 text match let through (F1): names_account and Python's
    UUID() take urn:/uuid: out anywhere and braces off both ends, and an id inside longer text."""
    text = str(user_id)
    return [
        text.replace("-", "-uuid:", 1),
        text + "urn:",
        "}" + text + "{",
        "uuid:urn:" + text,
        "x " + text,
        "{" + user_id.hex.upper() + "}-",
        "uu" + "urn:" + "id:" + text,  # "urn:" out first leaves "uuid:"
    ]


def test_no_other_account_id_is_readable_in_any_spelling_or_key(db, make_user, superuser):
    victim, reader = make_user(), make_user()
    nested = {"any": [{"attr": "email_domain", "in": odd_spellings(victim.user_id)}]}
    superuser.execute(
        "insert into public.feature_flags (name, enabled, strategy, conditions) values"
        " ('odd-list', true, 'user_ids', %s), ('odd-when', true, 'all', %s)",
        (
            Jsonb({"user_ids": odd_spellings(victim.user_id)}),
            Jsonb({"when": {"not": nested}, str(victim.user_id): [[{"x": [victim.user_id.hex]}]]}),
        ),
    )
    with db.connect() as conn, acting_transaction(conn, reader.role_name):
        shown = conn.execute("select conditions from public.feature_flag_rules()").fetchall()
    text = json.dumps([row[0] for row in shown]).lower()
    for noise in ("urn:", "uuid:", "{", "}", "-", " "):
        text = text.replace(noise, "")
    assert victim.user_id.hex not in text
    assert shown[0][0]["user_ids"] == [NIL] * len(odd_spellings(victim.user_id))


def test_the_reader_own_id_in_any_spelling_is_kept_as_stored(db, make_user, superuser):
    reader, other = make_user(), make_user()
    own = [*spellings(reader.user_id), "}" + str(reader.user_id) + "{", "uuid:urn:" + str(reader.user_id)]
    conditions = {"user_ids": [*own, str(other.user_id)], "when": {"attr": "user_id", "in": own}}
    superuser.execute(
        "insert into public.feature_flags (name, enabled, strategy, conditions) values ('own', true, 'user_ids', %s)",
        (Jsonb(conditions),),
    )
    with db.connect() as conn, acting_transaction(conn, reader.role_name):
        (shown,) = conn.execute("select conditions from public.feature_flag_rules()").fetchone()
    assert shown == {"user_ids": [*own, NIL], "when": conditions["when"]}


def test_an_administrator_reads_the_rules_whole(db, make_user, superuser):
    victim, admin = make_user(), make_user(admin=True)
    flags_naming(superuser, victim.user_id, admin.user_id)
    whole = dict(superuser.execute("select name, conditions from public.feature_flags").fetchall())
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        shown = dict(conn.execute("select name, conditions from public.feature_flag_rules()").fetchall())
        raw = dict(conn.execute("select name, conditions from public.feature_flags").fetchall())
    assert shown == whole == raw


def test_a_rule_naming_the_reader_in_another_spelling_is_on_for_it_alone(db, make_user, superuser):
    """0211: an id in any spelling the masking keeps as the reader's own is the reader's for the
    evaluator too, so the rule the reader reads is on for it; another account's, in the same
    spellings, reads as the nil UUID and is off for the reader, as the whole rule is."""
    victim, reader = make_user(), make_user()
    for who, user_id in (("mine", reader.user_id), ("theirs", victim.user_id)):
        for n, spelling in enumerate(spellings(user_id)[1:] + odd_spellings(user_id)[2:4]):
            superuser.execute(
                "insert into public.feature_flags (name, enabled, strategy, conditions) values (%s, true, 'all', %s)",
                (f"{who}-{n}", Jsonb({"when": {"attr": "user_id", "in": [spelling]}})),
            )
    superuser.execute(  # Python's UUID() reads the reader's id in it, the masking none: off either way
        "insert into public.feature_flags (name, enabled, strategy, conditions) values ('odd-mine', true, 'all', %s)",
        (Jsonb({"when": {"attr": "user_id", "eq": odd_spellings(reader.user_id)[6]}}),),
    )
    whole = dict(superuser.execute("select name, conditions from public.feature_flags").fetchall())
    with db.connect() as conn, acting_transaction(conn, reader.role_name):
        shown = conn.execute(
            "select name, enabled, strategy::text, rollout_percentage, conditions from public.feature_flag_rules()"
        ).fetchall()
    me = Subject(reader.user_id, "example.com", "free", False)
    on = {row[0] for row in shown if is_on(FlagRule(*row), me)}
    assert on == {name for name in whole if name.startswith("mine-")} and len(on) == 7
    assert on == {name for name, conditions in whole.items() if is_on(FlagRule(name, True, "all", 0, conditions), me)}
    assert victim.user_id.hex not in json.dumps([row[4] for row in shown]).lower().replace("-", "")


def test_quotes_and_escapes_in_a_rule_hide_no_other_account_id(db, make_user, superuser):
    """0212 cuts a rule's text at its quotes: escaped quotes, backslashes and control characters
    around an id, in keys and values, must not shift a string's bounds to let another's id through."""
    victim, reader = make_user(), make_user()
    text, own = str(victim.user_id), str(reader.user_id)
    strings = [
        'a"' + text, text + "\\", "\\" + text, '\\"' + text + '"', '"' + text + '"', "\n" + text, text + "\u0001",
        "\u0001" + victim.user_id.hex, '", "' + text, text.upper() + '\\"', "é" + text, '"' + own,
    ]  # fmt: skip
    conditions = {"user_ids": strings, "when": {"any": [{value: [value, own]} for value in strings]}}
    superuser.execute(
        "insert into public.feature_flags (name, enabled, strategy, conditions) values ('tricky', true, 'user_ids', %s)",
        (Jsonb(conditions),),
    )
    with db.connect() as conn, acting_transaction(conn, reader.role_name):
        (shown,) = conn.execute("select conditions from public.feature_flag_rules()").fetchone()
    assert shown["user_ids"] == [NIL] * len(strings)  # '"' + own is not the reader's id alone either
    seen = json.dumps(shown, ensure_ascii=False).lower()
    for noise in ("urn:", "uuid:", "{", "}", "-", " ", "\\", '"'):
        seen = seen.replace(noise, "")
    assert victim.user_id.hex not in seen and own in json.dumps(shown)


# Rules no reader takes: no JSON object, or a strategy's list that is no list, or a "when" that is
# no condition. One such rule made every account's `flags list` and `flags check` a traceback.
MALFORMED_RULES = ["[]", "1", '"x"', "null", '["when"]', '{"user_ids": null}', '{"tiers": "pro"}',
                   '{"user_ids": {"a": 1}}', '{"when": 5}', '{"when": []}']  # fmt: skip


def test_no_sql_stores_a_rule_no_reader_takes(db, make_user, superuser):
    """0213: an administrator's own SQL (or the superuser's) could store a rule that is no JSON
    object, which broke every account's reading of the flags; the column's check refuses it, on
    insert and on update, and keeps the shapes flags store."""
    admin = make_user(admin=True)
    superuser.execute("insert into public.feature_flags (name, enabled) values ('kept', true)")
    writes = [
        "insert into public.feature_flags (name, enabled, conditions) values ('bad', true, %s::jsonb)",
        "update public.feature_flags set conditions = %s::jsonb where name = 'kept'",
    ]
    for rule in MALFORMED_RULES:
        for write in writes:
            with db.connect() as conn, pytest.raises(psycopg.errors.CheckViolation, match="conditions_shape"):
                with acting_transaction(conn, admin.role_name):
                    conn.execute(write, (rule,))
            with pytest.raises(psycopg.errors.CheckViolation):
                superuser.execute(write, (rule,))
    assert superuser.execute("select name, conditions from public.feature_flags").fetchall() == [("kept", {})]
    for rule in ['{"when": null}', '{"user_ids": [], "tiers": ["pro"], "when": {"attr": "is_admin", "eq": true}}']:
        with db.connect() as conn, acting_transaction(conn, admin.role_name):
            conn.execute(writes[1], (rule,))
