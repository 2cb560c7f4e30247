"""Errors the database reports in its own words reach the terminal in a writer's: what is busy or
what was refused, and what to do; never "row", "session", "relation", "constraint" or a type's
name (h228 L12: `social schedule` while the workers posted said "the row is locked by another
session"). Exit codes are unchanged. Messages Blogster's own SQL raises keep their words."""

from __future__ import annotations

import json

import psycopg
import pytest

from blogster_cli.db.errors import translate
from blogster_cli.errors import BlogsterError, Conflict, InvalidInput, NotFound

JARGON = ("row", "session", "relation", "constraint", "violates", "tuple", "syntax", "type ", "null value")


def plain(message: str) -> bool:
    return not any(word in message.lower() for word in JARGON)


def held_post_edit(cli, db, superuser, command: list[str], holder_sql: str) -> tuple[int, str]:
    """`command` run while another transaction holds the rows `holder_sql` locks."""
    assert cli("config", "set", "lock_timeout_ms", "100").exit_code == 0
    with db.connect() as holder, holder.transaction():
        holder.execute(holder_sql)
        ran = cli(*command)
    return ran.exit_code, ran.stderr


def test_a_post_another_command_holds_says_so_in_a_writers_words(cli, signed_up, db, superuser):
    assert cli("blogs", "new", "Ten terminal habits", "--slug", "habits").exit_code == 0
    code, stderr = held_post_edit(
        cli, db, superuser, ["blogs", "edit", "habits", "--title", "Retitled"],
        "select id from public.blogs for update",
    )  # fmt: skip
    assert (code, stderr) == (
        5,
        "error: this post is being changed by another command right now; try again in a moment\n",
    )


def test_a_social_post_being_sent_says_so(cli, signed_up, db, superuser):
    assert cli("blogs", "new", "Ten terminal habits", "--slug", "habits").exit_code == 0
    made = cli("social", "new", "habits", "--platform", "twitter", "--text", "Faster shell", "--json")
    assert made.exit_code == 0, made.stderr
    code, stderr = held_post_edit(
        cli, db, superuser, ["social", "schedule", made.json()["id"], "--at", "2099-01-04 09:00"],
        "select id from public.social_media_posts for no key update",
    )  # fmt: skip
    assert (code, stderr) == (
        5,
        "error: this social post is being sent or changed by another command right now; try again in a moment\n",
    )


def violation(superuser, statement: str, params: tuple[object, ...] = ()) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as raised, superuser.transaction():
        superuser.execute(statement, params)
    return raised.value


def test_postgresql_s_own_words_become_plain_ones_with_the_same_kind(superuser):
    superuser.execute("insert into public.blog_templates (name) values ('Test layout')")
    cases = [
        # a check without a message of ours: what was refused, and whose
        ("update public.blog_templates set image_count = -1", InvalidInput,
         "the template's image count is out of range or not in the expected form; nothing was saved"),
        # a missing value: the column in words
        ("update public.blog_templates set name = null", InvalidInput, "the template's name is missing; nothing was saved"),
        # a duplicate without a message of ours (a unique index on lower(name))
        ("insert into public.blog_templates (name) values ('test LAYOUT')", Conflict,
         "that would duplicate an existing template; nothing was saved"),
        ("select 'not-an-id'::uuid", InvalidInput, "a value is not in the expected form (an id, a number, a date or a yes/no)"),
        ("""select '{"a": "\\u0000"}'::jsonb""", InvalidInput,
         "the text holds a character the database cannot store (a NUL character, \\u0000); remove it and try again"),
        ("select 99999999999::int4", InvalidInput, "a number is too large or too small to be stored"),
    ]  # fmt: skip
    for statement, kind, message in cases:
        error = translate(violation(superuser, statement))
        assert (type(error), str(error)) == (kind, message), statement
        assert plain(str(error)), statement


def test_a_duplicate_in_a_table_without_a_name_for_users_says_it_already_exists(superuser):
    superuser.execute("create table public.test_things (name text unique)")
    superuser.execute("insert into public.test_things values ('a')")
    error = translate(violation(superuser, "insert into public.test_things values ('a')"))
    assert (type(error), str(error)) == (Conflict, "that would duplicate an existing entry; nothing was saved")


def test_a_message_raised_by_blogster_s_own_sql_keeps_its_words(superuser):
    raised = violation(
        superuser,
        "do $$ begin raise exception 'a comment has at most 10,000 characters' using errcode = '23514'; end $$",
    )
    error = translate(raised)
    assert (type(error), str(error)) == (InvalidInput, "a comment has at most 10,000 characters")
    missing = violation(
        superuser, "do $$ begin raise exception 'no such post of yours' using errcode = 'P0002'; end $$"
    )
    assert (type(translate(missing)), str(translate(missing))) == (NotFound, "no such post of yours")


def test_a_statement_past_its_timeout_says_what_to_do(superuser):
    with pytest.raises(psycopg.Error) as raised, superuser.transaction():
        superuser.execute("set local statement_timeout = '50ms'")
        superuser.execute("select pg_sleep(2)")
    error = translate(raised.value)
    assert type(error) is BlogsterError
    assert str(error) == (
        "the database took too long to answer, so the command was stopped; try again, or allow it more time:"
        " `blogster config set statement_timeout_ms MS`"
    )


@pytest.mark.parametrize("kind", [psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected])
def test_a_change_that_met_another_at_the_same_moment_says_to_try_again(kind):
    error = translate(kind("could not serialize access due to concurrent update"))
    assert isinstance(error, Conflict)
    assert str(error) == "another command changed the same thing at the same moment; nothing was changed: try again"


def test_a_social_post_the_ai_wrote_too_long_says_how_long(cli, signed_up, ai_env, superuser):
    """h228 L15: "the AI provider twice returned twitter posts that do not match the schema"."""
    assert cli("blogs", "new", "Ten terminal habits", "--slug", "habits").exit_code == 0
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"content": "x" * 290, "hashtags": ["cli"]}))
    result = cli("generate", "social", "habits", "--platform", "twitter")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: the AI's answer (twitter posts) was not in the expected shape, twice: the twitter post was 319"
        " characters with the link and its hashtags, over twitter's 280; nothing was saved or charged: try again, or use another"
        " model (`blogster ai setup --model NAME`)\n"
    )
    assert superuser.execute("select count(*) from public.social_media_posts").fetchone() == (0,)


def test_a_login_that_is_not_an_account_says_so_without_a_code(empty_db):
    """The message named the SQLSTATE ("this login is not a Blogster account (3F000)")."""
    from blogster_cli.db.acting import admin_unit_of_work
    from blogster_cli.errors import AuthError
    from blogster_cli.repositories import accounts

    with pytest.raises(AuthError) as refused, admin_unit_of_work(empty_db) as conn:
        accounts.own_login_identity(conn)
    assert str(refused.value) == "this login is not a Blogster account on that database"
