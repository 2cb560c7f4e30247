"""h293 M5, M6, L11 (helper 303): an intent without responses (a CSV import) is not answered "OK.";
a change of the intents queues the worker's learning (0158) and the first message after it is
answered with the new model; the analytics' top intents keep their names after `--replace`."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.chatbot import replies
from blogster_cli.services import chatbot, chatbot_replies
from tests.integration.test_chatbot_replies import answer, say

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"
QUOKKA_PHRASES = ["how do i look after a quokka", "what do quokkas eat", "quokka food", "feeding my quokka"]


@pytest.fixture
def admin(db, make_user) -> ActingUser:
    acting = ActingUser(db, make_user(admin=True))
    chatbot.import_intents(acting, path=STARTER)
    assert chatbot_replies.wait_until_trained(db, wait_s=300)
    return acting


def learn_jobs(superuser) -> int:
    return superuser.execute(
        "select count(*) from procrastinate.procrastinate_jobs where task_name = 'learn_chatbot_intents'"
        " and status = 'todo'"
    ).fetchone()[0]


@pytest.mark.same_on_every_server  # the classifier's, Python-bound: CI's second pass leaves it out
def test_an_intent_without_responses_offers_the_help_pages_rather_than_ok(db, superuser, make_user, admin, tmp_path):
    pairs = tmp_path / "quokka.csv"
    pairs.write_text("text,label\n" + "".join(f"{p},quokka_care\n" for p in QUOKKA_PHRASES))
    assert chatbot.import_intents(admin, path=pairs).without_responses == 1
    assert chatbot_replies.wait_until_trained(db, wait_s=300)
    user = make_user()
    reply = answer(db, superuser, say(db, user, "what food do quokkas like"))
    assert reply["intent"] == "quokka_care" and reply["metadata"]["source"] == "no_response"
    assert reply["text"].startswith(replies.NO_RESPONSE_TEXT) and "OK." not in reply["text"]
    assert "blogster docs search" in reply["text"]  # no help page matches: how to search them


def test_a_change_of_the_intents_queues_one_learn_job(db, superuser, admin):
    superuser.execute("delete from procrastinate.procrastinate_jobs where task_name = 'learn_chatbot_intents'")
    chatbot.add_intent(admin, name="quokka_care", phrases=QUOKKA_PHRASES, responses=["Quokkas eat leaves."])
    assert learn_jobs(superuser) == 1
    chatbot.import_intents(admin, path=STARTER, replace=True)  # 26 deletes and 26 inserts: still one waiting
    chatbot.remove_intent(admin, name="greeting")
    assert learn_jobs(superuser) == 1
    superuser.execute(
        "update procrastinate.procrastinate_jobs set status = 'doing' where task_name = 'learn_chatbot_intents'"
    )
    chatbot.add_intent(admin, name="greeting", phrases=["hello"], responses=["Hi!"])
    assert learn_jobs(superuser) == 1  # a change after the job began: another one waits


@pytest.mark.same_on_every_server  # the classifier's, Python-bound: CI's second pass leaves it out
def test_the_first_message_after_a_change_is_answered_with_the_new_model(db, superuser, make_user, admin, monkeypatch):
    """It got "I'm still learning..." while the worker learnt the starter set's 26 intents in a second."""
    monkeypatch.setattr(chatbot_replies, "LEARN_WAIT_S", 120.0)  # a busy test machine: the wait is what is tested
    chatbot.add_intent(admin, name="quokka_care", phrases=QUOKKA_PHRASES, responses=["Quokkas eat leaves."])
    reply = answer(db, superuser, say(db, make_user(), "what food do quokkas like"))
    assert reply["intent"] == "quokka_care" and reply["text"] == "Quokkas eat leaves."


def test_top_intents_keep_their_names_after_the_intents_are_replaced(db, superuser, make_user, admin):
    user = make_user()
    assert answer(db, superuser, say(db, user, "how do I schedule a post for tomorrow?"))["intent"] == "schedule_post"
    chatbot.import_intents(admin, path=STARTER, replace=True)  # every intent deleted and created anew
    (today,) = chatbot.analytics(admin, days=1)
    assert [(i["name"], i["count"]) for i in today.top_intents] == [("schedule_post", 1)]
    new_id = superuser.execute("select id::text from chatbot_intents where name = 'schedule_post'").fetchone()[0]
    assert today.top_intents[0]["intent_id"] == new_id
    # After the replace, the same intent's replies count with the earlier ones.
    assert chatbot_replies.wait_until_trained(db, wait_s=300)
    assert answer(db, superuser, say(db, user, "how do I schedule a post for friday?"))["intent"] == "schedule_post"
    (today,) = chatbot.analytics(admin, days=1)
    assert [(i["name"], i["count"]) for i in today.top_intents] == [("schedule_post", 2)]


MIGRATION = "0158_chatbot_learns_on_change_and_counts_intents_by_name"


def test_0158_names_the_intents_counted_by_id_before(empty_db, tmp_path, monkeypatch):
    """Counters written by id: the stored intent's name, else the name an earlier day's top intents
    gave it while it existed, else '' (an intent nobody knows any more, shown without a name)."""
    from blogster_cli.db import migrations
    from tests.integration.test_migrations import use_copied_migrations

    use_copied_migrations(tmp_path, monkeypatch, before=MIGRATION[:4])
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        kept, gone, unknown = (
            conn.execute(
                "insert into public.chatbot_intents (name) values (%s) returning id::text", (name,)
            ).fetchone()[0]
            for name in ("kept", "gone", "unknown")
        )
        conn.execute(
            "insert into public.chatbot_analytics (date, top_intents) values (current_date - 3, %s::jsonb)",
            (f'[{{"intent_id": "{gone}", "name": "gone", "count": 1}}]',),
        )
        conn.execute("delete from public.chatbot_intents where name <> 'kept'")
        conn.execute(
            "insert into internal.chatbot_analytics_shards (day, shard, intent_hits) values"
            " (current_date, 0, jsonb_build_object(%s::text, 2, %s::text, 3, %s::text, 1)),"
            " (current_date, 1, jsonb_build_object(%s::text, 1))",
            (kept, gone, unknown, kept),
        )
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION) == [MIGRATION]
    with empty_db.connect() as conn:
        hits = [
            row[0] for row in conn.execute("select intent_hits from internal.chatbot_analytics_shards order by shard")
        ]
        assert hits == [{"kept": 2, "gone": 3, "": 1}, {"kept": 1}]
        top = conn.execute("select top_intents from public.refresh_chatbot_analytics(current_date)").fetchone()[0]
    assert top == [
        {"intent_id": None, "name": "gone", "count": 3},  # as many as kept: by name then
        {"intent_id": kept, "name": "kept", "count": 3},
        {"intent_id": None, "name": None, "count": 1},
    ]
