"""Another account can neither see nor change my AI generation rows: raw SQL as its role, and the CLI.

Ada makes every kind of generation row through the CLI (ideas, a logged draft, a
research source, a writer's block session, a voice recording, a social post, an image,
a credit reservation); Bob then tries, as his own database role and as a CLI user, to
read, change, delete or spend them. Ada's rows are compared before and after.
"""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from tests.cli.conftest import PASSWORD
from tests.cli.test_voice_cli import make_wav

IDEA = {
    "title": "Dialing in espresso", "description": "Grind, dose, time.", "keywords": ["espresso"],
    "trending_score": 70, "engagement_potential": 60, "difficulty_level": "beginner", "estimated_word_count": 900,
}  # fmt: skip
# Each table with the column that names its owner.
OWNER_COLUMNS = {
    "blog_ideas": "user_id", "ai_generation_logs": "user_id", "research_sources": "user_id",
    "writers_block_sessions": "user_id", "voice_recordings": "user_id", "social_media_profiles": "user_id",
    "social_media_posts": "author_id", "image_assets": "created_by", "blogs": "author_id",
}  # fmt: skip
GENERATION_TABLES = tuple(OWNER_COLUMNS)


def snapshot(superuser, user_id: uuid.UUID) -> dict[str, list]:
    """Everything of Ada's that Bob might touch, as the superuser sees it."""
    found = {}
    for table in GENERATION_TABLES:
        found[table] = superuser.execute(
            f"select to_jsonb(t) from public.{table} t where {OWNER_COLUMNS[table]} = %s order by id", (user_id,)
        ).fetchall()
    found["subscription"] = superuser.execute(
        "select credits_remaining, credits_used, subscription_tier::text from public.user_subscriptions where user_id = %s",
        (user_id,),
    ).fetchall()
    found["reservations"] = superuser.execute(
        "select request_id from internal.ai_credit_reservations where user_id = %s", (user_id,)
    ).fetchall()
    return found


def attempt(db, role: str, statement: str, params: tuple = ()) -> int:
    """Rows `statement` affected as `role`, or 0 when PostgreSQL refused it outright."""
    with db.connect() as conn:
        try:
            with acting_transaction(conn, role):
                return conn.execute(statement, params).rowcount
        except psycopg.errors.InsufficientPrivilege:
            return 0


@pytest.fixture
def ada_generated(cli, signed_up, ai_env, superuser, tmp_path):
    ai_env.structured_by_schema.update(
        blog_ideas=json.dumps({"ideas": [IDEA]}),
        social_post=json.dumps({"content": "Espresso, simply.", "hashtags": ["coffee"]}),
        suggestions=json.dumps({"suggestions": ["Weigh the dose.", "Time the shot."]}),
    )
    superuser.execute("update public.user_subscriptions set credits_remaining = 20")
    idea_id = cli("generate", "ideas", "--topic", "espresso", "--count", "1", "--json").json()[0]["id"]
    slug = cli("generate", "draft", "--topic", "Espresso at home", "--json").json()["slug"]
    for command in (
        ("research", "add", slug, "--url", "https://example.org/crema", "--title", "Crema"),
        ("unblock", slug, "--count", "2"),
        ("voice", "transcribe", str(make_wav(tmp_path / "note.wav")), "--blog", slug),
        ("generate", "social", slug, "--platform", "twitter"),
        ("generate", "image", slug, "--prompt", "a cup", "--model", "gpt-image-1"),
    ):
        result = cli(*command)
        assert result.exit_code == 0, (command, result.stderr)
    ada = superuser.execute("select id from auth.users where email = %s", (signed_up,)).fetchone()[0]
    held = uuid.uuid4()  # a reservation of Ada's still in flight
    superuser.execute("insert into internal.ai_credit_reservations (request_id, user_id) values (%s, %s)", (held, ada))
    rows = snapshot(superuser, ada)
    assert all(rows[table] for table in GENERATION_TABLES)
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    bob = superuser.execute("select id from auth.users where email = 'bob@example.com'").fetchone()[0]
    return {"ada": ada, "bob_role": f"u_{bob.hex}", "idea": idea_id, "slug": slug, "held": held, "rows": rows}


def test_bob_cannot_read_change_delete_or_spend_adas_generation_rows_by_sql(db, superuser, ada_generated):
    ada, role = ada_generated["ada"], ada_generated["bob_role"]
    with db.connect() as conn, acting_transaction(conn, role):
        for table in GENERATION_TABLES:
            assert conn.execute(f"select count(*) from public.{table}").fetchone() == (0,), table
        assert conn.execute("select count(*) from public.user_subscriptions where user_id = %s", (ada,)).fetchone() == (
            0,
        )
        assert conn.execute("select public.release_generation_credit(%s)", (ada_generated["held"],)).fetchone() == (
            False,
        )
    for statement, params in (
        ("update public.blog_ideas set status = 'discarded' where user_id = %s", (ada,)),
        ("update public.ai_generation_logs set completion = 'x', tokens_used = 0 where user_id = %s", (ada,)),
        ("update public.research_sources set title = 'x' where user_id = %s", (ada,)),
        ("update public.writers_block_sessions set selected_suggestion_id = '1' where user_id = %s", (ada,)),
        ("update public.voice_recordings set transcription_text = 'x' where user_id = %s", (ada,)),
        ("update public.social_media_posts set content = 'x' where author_id = %s", (ada,)),
        ("update public.social_media_profiles set profile_name = 'x' where user_id = %s", (ada,)),
        ("update public.image_assets set ai_prompt = 'x' where created_by = %s", (ada,)),
        ("update public.user_subscriptions set credits_remaining = 0 where user_id = %s", (ada,)),
        ("delete from public.ai_generation_logs where user_id = %s", (ada,)),
        ("delete from internal.ai_credit_reservations where user_id = %s", (ada,)),
        ("select * from internal.ai_credit_reservations where user_id = %s", (ada,)),
    ):
        assert attempt(db, role, statement, params) == 0, statement
    for table in GENERATION_TABLES:  # deletes go through delete_rows, which applies the DELETE policies
        ids = [row[0]["id"] for row in ada_generated["rows"][table]]
        deleted = attempt(db, role, "select public.delete_rows(%s::regclass, %s::uuid[])", (f"public.{table}", ids))
        assert deleted == 0, table
    # A log written in Ada's name would charge Ada's credit: the insert policy refuses it.
    with pytest.raises(psycopg.errors.InsufficientPrivilege), db.connect() as conn, acting_transaction(conn, role):
        conn.execute(
            "insert into public.ai_generation_logs (user_id, request_id, prompt, model, success, tokens_used)"
            " values (%s, gen_random_uuid(), 'p', 'm', true, 1)",
            (ada,),
        )
    assert snapshot(superuser, ada) == ada_generated["rows"]


def test_bob_sees_none_of_adas_generation_rows_through_the_cli(cli, superuser, ada_generated):
    for command in (("ideas", "list"), ("research", "list"), ("ai", "logs")):
        assert cli(*command, "--json").json() == [], command
    report = cli("credits", "--json").json()
    assert report["recent"] == [] and report["credits_used"] == 0
    source_id = str(ada_generated["rows"]["research_sources"][0][0]["id"])
    for command in (
        ("ideas", "save", ada_generated["idea"]),
        ("ideas", "discard", ada_generated["idea"]),
        ("ideas", "start", ada_generated["idea"]),
        ("generate", "draft", "--idea", ada_generated["idea"]),
        ("research", "rm", source_id),
        ("research", "add", ada_generated["slug"], "--url", "https://x.org", "--title", "T"),
        ("generate", "seo", ada_generated["slug"]),
        ("unblock", ada_generated["slug"]),
        ("generate", "image", ada_generated["slug"], "--prompt", "p", "--model", "gpt-image-1"),
    ):
        result = cli(*command)
        assert result.exit_code == 3, (command, result.exit_code, result.stderr)
        assert "espresso" not in result.stderr.lower() and "crema" not in result.stderr.lower()
    assert snapshot(superuser, ada_generated["ada"]) == ada_generated["rows"]
