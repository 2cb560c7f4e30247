"""0118: a purged account's id leaves feature-flag rules and the jobs not yet started, in the
same statement as the deletion (the trigger of 0116 on auth.users), and a rule it leaves naming
no account matches nobody."""

from __future__ import annotations

import uuid

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.context import AppContext
from blogster_cli.db.acting import acting_transaction
from blogster_cli.flags.evaluation import FlagRule, InvalidCondition, Subject, check_rule, is_on
from blogster_cli.services import accounts


@pytest.fixture
def ctx(db):
    context = AppContext(database_url=db.conninfo)
    yield context
    context.database.close()


def purge(ctx, admin, victim) -> None:
    accounts.purge_user(ActingUser(ctx.database, admin), ctx=ctx, email=victim.email)


def add_flag(superuser, name: str, strategy: str, conditions: dict) -> None:
    superuser.execute(
        "insert into public.feature_flags (name, enabled, strategy, conditions) values (%s, true, %s, %s)",
        (name, strategy, Jsonb(conditions)),
    )


def flag(superuser, name: str) -> tuple[bool, dict]:
    return superuser.execute("select enabled, conditions from public.feature_flags where name = %s", (name,)).fetchone()


def subject(user_id: uuid.UUID, domain: str = "example.com") -> Subject:
    return Subject(user_id=user_id, email_domain=domain, subscription_tier="free", is_admin=False)


def test_flag_rules_lose_the_id_and_a_rule_left_naming_nobody_matches_nobody(db, ctx, make_user, superuser):
    bob, carol, admin = make_user(), make_user(), make_user(admin=True)
    b, c = str(bob.user_id), str(carol.user_id)
    add_flag(superuser, "both", "user_ids", {"user_ids": [b, c]})
    add_flag(superuser, "only-bob", "user_ids", {"user_ids": ["{" + b.upper() + "}"]})
    add_flag(superuser, "bob-by-when", "all", {"when": {"attr": "user_id", "eq": b}})
    add_flag(
        superuser, "nested", "all",
        {"when": {"any": [{"not": {"attr": "user_id", "in": [b, c]}}, {"attr": "email_domain", "eq": "x.org"}]}},
    )  # fmt: skip
    add_flag(superuser, "carol", "user_ids", {"user_ids": [c]})
    purge(ctx, admin, bob)

    assert flag(superuser, "both") == (True, {"user_ids": [c]})
    assert flag(superuser, "carol") == (True, {"user_ids": [c]})
    # The last account gone: switched off, and an edit must give a new list (check_rule).
    enabled, conditions = flag(superuser, "only-bob")
    assert (enabled, conditions) == (False, {"user_ids": []})
    with pytest.raises(InvalidCondition):
        check_rule("user_ids", conditions)
    # `eq bob` matches nobody now; before, it matched bob alone: never everyone.
    enabled, conditions = flag(superuser, "bob-by-when")
    assert conditions == {"when": {"attr": "user_id", "in": []}}
    check_rule("all", conditions)
    anyone = [subject(carol.user_id), subject(admin.user_id), subject(uuid.uuid4(), "x.org")]
    assert not any(is_on(FlagRule("bob-by-when", enabled, "all", 0, conditions), s) for s in anyone)
    enabled, conditions = flag(superuser, "nested")
    assert conditions["when"]["any"][0] == {"not": {"attr": "user_id", "in": [c]}}
    rule = FlagRule("nested", enabled, "all", 0, conditions)
    assert [is_on(rule, s) for s in (subject(carol.user_id), subject(carol.user_id, "x.org"))] == [False, True]
    assert is_on(rule, subject(admin.user_id))


def queue_email(superuser, *user_ids: uuid.UUID, status: str = "todo", legacy: bool = False) -> int:
    if legacy:
        args: dict = {"user_id": str(user_ids[0]), "notification_id": str(uuid.uuid4()), "title": "t", "content": "c"}
    else:
        recipients = [{"user_id": str(u), "notification_id": str(uuid.uuid4()), "in_app": False} for u in user_ids]
        args = {"maintenance_schedule_id": str(uuid.uuid4()), "title": "t", "content": "c", "recipients": recipients}
    return superuser.execute(
        "insert into procrastinate.procrastinate_jobs (queue_name, task_name, args, status)"
        " values ('notifications', 'notification_email', %s, %s) returning id",
        (Jsonb(args), status),
    ).fetchone()[0]


def chat_job(db, superuser, actor) -> int:
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        (conversation,) = conn.execute(
            "insert into public.chatbot_conversations (user_id) values (auth.uid()) returning id"
        ).fetchone()
        conn.execute(
            "insert into public.chatbot_messages (conversation_id, role, content) values (%s, 'user', 'hi')",
            (conversation,),
        )
    return superuser.execute(
        "select id from procrastinate.procrastinate_jobs where task_name = 'process_chatbot_message'"
        " and args ->> 'conversation_id' = %s",
        (str(conversation),),
    ).fetchone()[0]


def jobs(superuser) -> dict[int, list[str]]:
    """Each job left: the user ids its args name."""
    return {
        job_id: [r["user_id"] for r in args.get("recipients", [])]
        or [args.get("user_id") or args.get("conversation_id")]
        for job_id, args in superuser.execute("select id, args from procrastinate.procrastinate_jobs")
    }


def test_queued_jobs_of_the_account_go_and_batches_lose_its_entry(db, ctx, make_user, superuser):
    bob, carol, admin = make_user(), make_user(), make_user(admin=True)
    b, c = str(bob.user_id), str(carol.user_id)
    shared = queue_email(superuser, bob.user_id, carol.user_id)
    bobs_batch = queue_email(superuser, bob.user_id)
    legacy = queue_email(superuser, bob.user_id, legacy=True)
    running = queue_email(superuser, bob.user_id, status="doing")
    carols = queue_email(superuser, carol.user_id)
    bobs_chat, carols_chat = chat_job(db, superuser, bob), chat_job(db, superuser, carol)
    purge(ctx, admin, bob)
    left = jobs(superuser)
    assert left[shared] == [c]
    assert left[running] == [b]  # running: left alone
    assert left[carols] == [c]
    assert carols_chat in left
    assert not {bobs_batch, legacy, bobs_chat} & set(left)


def test_a_job_a_worker_is_claiming_does_not_hold_up_the_purge(db, make_user, superuser):
    """A job row locked (a worker's claim) is skipped, as 0116 skips locked activities."""
    bob = make_user()
    claimed = queue_email(superuser, bob.user_id)
    with db.connect() as worker, worker.transaction():
        worker.execute("select 1 from procrastinate.procrastinate_jobs where id = %s for update", (claimed,))
        with db.connect() as purger:
            purger.execute("set lock_timeout = '2s'")
            purger.execute("delete from auth.users where id = %s", (bob.user_id,))
            purger.commit()
    assert claimed in jobs(superuser)
    assert superuser.execute("select count(*) from auth.users where id = %s", (bob.user_id,)).fetchone() == (0,)
