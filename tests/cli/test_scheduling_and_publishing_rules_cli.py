"""The rules of going live, the same on every path: a scheduled post has a time, a published
post has content; a wall time is one that exists; and the exit codes of publishing's refusals."""

from datetime import UTC, datetime

import pytest

from tests.cli.conftest import PASSWORD


def login(cli, email, *, signup=False):
    cli("auth", "logout")
    verb = "signup" if signup else "login"
    result = cli("auth", verb, "--email", email, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr


def draft(cli, slug, body="Some words here.\n"):
    result = cli("posts", "new", slug, "--slug", slug, input=body)
    assert result.exit_code == 0, result.stderr


def one_line_refusal(result, code, *words):
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def stored(superuser, slug):
    return superuser.execute("select status, published_at from public.blogs where slug = %s", (slug,)).fetchone()


def test_scheduled_needs_a_time_on_every_path(cli, signed_up, superuser):
    one_line_refusal(
        cli("posts", "new", "Sched null", "--status", "scheduled", input="x\n"), 2, "blogster publish", "--at"
    )
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (0,)
    draft(cli, "later")
    one_line_refusal(cli("posts", "status", "later", "scheduled"), 2, "blogster publish later --at")
    one_line_refusal(cli("posts", "edit", "later", "--status", "scheduled"), 2, "blogster publish later --at")
    assert stored(superuser, "later") == ("draft", None)
    assert cli("publish", "later", "--at", "2999-01-01 09:00").exit_code == 0
    assert stored(superuser, "later")[0] == "scheduled"


def test_the_schema_refuses_a_scheduled_post_without_a_time(cli, signed_up, superuser, db):
    """0111's CHECK: no writer, not even the superuser, stores one; an account's write reads as the rule."""
    import psycopg

    from blogster_cli.db.errors import translate
    from blogster_cli.errors import InvalidInput

    draft(cli, "later")
    with pytest.raises(psycopg.errors.CheckViolation, match="blogs_scheduled_has_time"):
        superuser.execute("update public.blogs set status = 'scheduled', published_at = null where slug = 'later'")
    (author,) = superuser.execute("select author_id from public.blogs where slug = 'later'").fetchone()
    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        conn.execute(f"set role u_{author.hex}")
        with pytest.raises(psycopg.errors.CheckViolation) as refused:
            conn.execute("update public.blogs set status = 'scheduled' where slug = 'later'")
    error = translate(refused.value)
    assert isinstance(error, InvalidInput) and str(error).startswith(
        "a scheduled post needs a time: use `blogster publish"
    )
    assert stored(superuser, "later") == ("draft", None)
    assert cli("publish", "later", "--at", "2999-01-01 09:00").exit_code == 0
    assert stored(superuser, "later") == ("scheduled", datetime(2999, 1, 1, 9, tzinfo=UTC))


def test_a_scheduled_row_stored_without_a_time_is_listed_and_skipped_not_a_crash(cli, signed_up, superuser):
    """A database not yet migrated to 0111 (restored from an older backup, say) may hold one."""
    draft(cli, "no-time")
    draft(cli, "due")
    assert cli("publish", "due", "--at", "2999-01-01 09:00").exit_code == 0
    superuser.execute("update public.blogs set published_at = '2000-01-01' where slug = 'due'")
    superuser.execute("alter table public.blogs drop constraint blogs_scheduled_has_time")
    superuser.execute("update public.blogs set status = 'scheduled', published_at = null where slug = 'no-time'")
    listed = cli("schedule", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert [(r["slug"], r["publishes_at"]) for r in listed.json()] == [
        ("due", "2000-01-01T00:00:00+00:00"),
        ("no-time", None),
    ]
    assert "blogster publish no-time --at" in listed.stderr
    assert cli("schedule", "list").exit_code == 0
    dry = cli("calendar", "run-due", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    assert [p["slug"] for p in dry.json()["published"]] == ["due"]
    assert "no-time" in dry.json()["notes"][0] and "no-time" in dry.stderr
    run = cli("calendar", "run-due", "--json")
    assert run.exit_code == 0, run.stderr
    assert [p["slug"] for p in run.json()["published"]] == ["due"]
    assert stored(superuser, "no-time") == ("scheduled", None) and stored(superuser, "due")[0] == "published"
    assert cli("workers", "publish-due").exit_code == 0


def test_an_empty_post_cannot_become_published_whichever_command(cli, signed_up, superuser):
    one_line_refusal(cli("posts", "new", "Empty published", "--status", "published", input=""), 2, "no content")
    draft(cli, "empty", body="")
    for args in (("posts", "status", "empty", "published"), ("posts", "edit", "empty", "--status", "published")):
        one_line_refusal(cli(*args), 2, "'empty' cannot be published: it has no content")
    one_line_refusal(cli("publish", "empty"), 2, "'empty' cannot be published: it has no content")
    assert stored(superuser, "empty") == ("draft", None)
    assert cli("posts", "new", "Full", "--status", "published", input="Words.\n").exit_code == 0


def test_publish_and_unpublish_of_a_missing_post_exit_3(cli, signed_up):
    one_line_refusal(cli("publish", "nonexist"), 3, "no post")
    one_line_refusal(cli("unpublish", "nonexist"), 3, "no post")
    draft(cli, "here")
    assert cli("publish", "here", "nonexist").exit_code == 3
    assert cli("publish", "here").exit_code == 0  # the mistyped command published nothing
    assert cli("publish", "here").exit_code == 0  # already published: a note (h310 L1)


def graces_posts_seen_by_ada(cli) -> tuple[str, str]:
    """grace publishes `open` and keeps `secret` a draft; ada, signed in, sees grace's label and
    the open post's id (what she would type)."""
    login(cli, "grace@example.com", signup=True)
    draft(cli, "open")
    draft(cli, "secret")
    assert cli("publish", "open").exit_code == 0
    login(cli, "ada@example.com", signup=True)
    (listed,) = cli("posts", "list", "--all-authors", "--json").json()
    return listed["author"], listed["id"]


def test_another_accounts_published_post_is_not_yours_to_change_its_draft_not_found(cli, tmp_path):
    author, post_id = graces_posts_seen_by_ada(cli)
    for ref in (f"{author}/open", post_id):
        one_line_refusal(cli("posts", "edit", ref, "--title", "x"), 4, "not yours to change")
        one_line_refusal(cli("posts", "status", ref, "draft"), 4, "not yours to change")
    one_line_refusal(cli("posts", "edit", f"{author}/secret", "--title", "x"), 3, "no post")
    one_line_refusal(cli("posts", "edit", f"{author}/nothing", "--title", "x"), 3, "no post")
    draft(cli, "mine")
    assert cli("publish", "mine").exit_code == 0
    (me,) = {p["author"] for p in cli("posts", "list", "--all-authors", "--json").json()} - {author}
    assert cli("posts", "edit", f"{me}/mine", "--title", "Mine again").exit_code == 0


def test_the_editor_path_refuses_another_accounts_post_as_the_flag_path_does(cli, tmp_path):
    """`posts edit REF` with no flags (the $EDITOR round trip) gives the flags' exit code and
    line: 4 for another account's published post, 3 for its draft; no editor is started."""
    author, post_id = graces_posts_seen_by_ada(cli)
    marker = tmp_path / "editor-ran"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ntouch "{marker}"\n')
    editor.chmod(0o755)
    env = {"EDITOR": str(editor), "VISUAL": ""}
    for ref in (f"{author}/open", post_id):
        by_flag = cli("posts", "edit", ref, "--title", "x")
        by_editor = cli("posts", "edit", ref, env=env)
        one_line_refusal(by_editor, 4, "not yours to change")
        assert (by_editor.exit_code, by_editor.stderr) == (by_flag.exit_code, by_flag.stderr)
    by_flag = cli("posts", "edit", f"{author}/secret", "--title", "x")
    by_editor = cli("posts", "edit", f"{author}/secret", env=env)
    one_line_refusal(by_editor, 3, "no post")
    assert (by_editor.exit_code, by_editor.stderr) == (by_flag.exit_code, by_flag.stderr)
    assert not marker.exists()


def test_a_past_at_says_it_published_now(cli, signed_up, superuser):
    draft(cli, "old")
    result = cli("publish", "old", "--at", "2020-01-01 10:00", env={"BLOGSTER_TIMEZONE": "Europe/Berlin"})
    assert result.exit_code == 0, result.stderr
    assert "is now published" in result.stderr and "2020-01-01 10:00 CET has passed: published now" in result.stderr
    assert stored(superuser, "old") == ("published", datetime(2020, 1, 1, 9, 0, tzinfo=UTC))


def test_a_wall_time_the_clocks_skip_is_refused_a_repeated_one_is_the_first(cli, signed_up, superuser):
    berlin = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
    draft(cli, "gap")
    one_line_refusal(
        cli("publish", "gap", "--at", "2030-03-31 02:30", env=berlin), 2, "does not exist in Europe/Berlin", "clocks"
    )
    assert stored(superuser, "gap") == ("draft", None)
    result = cli("publish", "gap", "--at", "2030-10-27 02:30", env=berlin)
    assert result.exit_code == 0, result.stderr
    assert "02:30 CEST" in result.stderr and "happens twice" in result.stderr
    assert "for the second, 02:30 CET (01:30 UTC), give --at '2030-10-27 02:30+01:00'" in result.stderr
    assert stored(superuser, "gap") == ("scheduled", datetime(2030, 10, 27, 0, 30, tzinfo=UTC))
    assert cli("unpublish", "gap").exit_code == 0
    second = cli("publish", "gap", "--at", "2030-10-27 02:30+01:00", env=berlin)
    assert second.exit_code == 0 and "happens twice" not in second.stderr, second.stderr
    assert "for 2030-10-27 02:30 CET" in second.stderr
    assert stored(superuser, "gap") == ("scheduled", datetime(2030, 10, 27, 1, 30, tzinfo=UTC))
    draft(cli, "fine")
    assert cli("publish", "fine", "--at", "2030-03-31 03:30", env=berlin).exit_code == 0
    assert stored(superuser, "fine")[1] == datetime(2030, 3, 31, 1, 30, tzinfo=UTC)
