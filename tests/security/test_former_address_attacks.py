"""Red team 66 F2: a published post's former addresses (0203), forgotten by its author only.

0203 kept every slug a published post had for good: `layoffs-at-acme`, renamed because it said too
much, stayed a redirect page and the feeds' id, readable by anyone. 0205 lets the author remove
entries and only that: a write that adds, alters or reorders one (or holds any other value) keeps
the list as it was; no other account (an assignee of the post included) and not anon writes it."""

from __future__ import annotations

import json

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction

SECRET = {"slug": "layoffs-at-acme", "published_at": "2026-01-05T09:00:00+00:00"}
LATER = {"slug": "acme-news", "published_at": "2026-01-05T09:00:00+00:00"}
SET = "update public.blogs set former_addresses = %s::jsonb where id = %s"


@pytest.fixture
def moved(db, make_user, superuser):
    """ada's published post, renamed twice: its former addresses are SECRET then LATER."""
    ada, grace, eve = (make_user(f"{name}@example.com") for name in ("ada", "grace", "eve"))
    (post,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id, status, published_at, content) values"
        " ('Acme', 'layoffs-at-acme', %s, 'published', '2026-01-05T09:00:00+00:00',"
        " jsonb_build_object('markdown', 'Words.')) returning id",
        (ada.user_id,),
    ).fetchone()
    superuser.execute("set timezone = 'UTC'")
    for slug in ("acme-news", "acme-update"):
        superuser.execute("update public.blogs set slug = %s where id = %s", (slug, post))
    with db.connect() as conn, acting_transaction(conn, ada.role_name):
        conn.execute(
            "insert into public.team_collaboration (blog_id, assigned_to, role) values (%s, %s, 'editor')",
            (post, grace.user_id),
        )
    assert stored(superuser, post) == [SECRET, LATER]
    return {"ada": ada, "grace": grace, "eve": eve, "post": post}


def stored(superuser, post) -> list[dict[str, str]]:
    return superuser.execute("select former_addresses from public.blogs where id = %s", (post,)).fetchone()[0]


def write(db, role: str, value: object, post) -> int:
    with db.connect() as conn, acting_transaction(conn, role):
        return conn.execute(SET, (json.dumps(value), post)).rowcount


@pytest.mark.parametrize(
    "value",
    [
        [SECRET, LATER, {"slug": "planted", "published_at": "2020-01-01T00:00:00+00:00"}],  # one added
        [{"slug": "planted", "published_at": "2020-01-01T00:00:00+00:00"}],  # one swapped in for both
        [{**SECRET, "published_at": "2020-01-01T00:00:00+00:00"}, LATER],  # one's time altered
        [{"slug": "layoffs-at-acme"}],  # a part of one: jsonb containment (@>) would take it
        [{**SECRET, "note": "x"}],  # one with a field added
        [LATER, SECRET],  # reordered: the feeds' id is the first
        [SECRET, SECRET, LATER],  # one twice
        [{**SECRET, "published_at": "2026-01-05T23:00:00+14:00"}, LATER],  # one's time, at another offset (0207)
        {"slug": "acme-news"},  # not a list
        "layoffs-at-acme",
    ],
)
def test_an_author_cannot_add_or_alter_a_former_address(db, moved, superuser, value):
    write(db, moved["ada"].role_name, value, moved["post"])
    assert stored(superuser, moved["post"]) == [SECRET, LATER]


def test_an_author_can_forget_former_addresses_and_only_their_own(db, moved, superuser):
    assert write(db, moved["ada"].role_name, [LATER], moved["post"]) == 1
    assert stored(superuser, moved["post"]) == [LATER]
    assert write(db, moved["ada"].role_name, [], moved["post"]) == 1
    assert stored(superuser, moved["post"]) == []
    superuser.execute("update public.blogs set slug = 'acme-final' where id = %s", (moved["post"],))
    assert [entry["slug"] for entry in stored(superuser, moved["post"])] == ["acme-update"]  # kept again after


@pytest.mark.parametrize("who", ["grace", "eve"])  # the post's assignee (an editor), a stranger
def test_another_account_cannot_forget_or_write_my_former_addresses(db, moved, superuser, who):
    role = moved[who].role_name
    assert write(db, role, [], moved["post"]) == 0
    assert write(db, role, [LATER], moved["post"]) == 0
    assert stored(superuser, moved["post"]) == [SECRET, LATER]


def test_anon_cannot_write_former_addresses(db, moved, superuser):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        write(db, "anon", [], moved["post"])
    assert stored(superuser, moved["post"]) == [SECRET, LATER]


def test_an_author_renaming_in_a_session_of_another_zone_stores_the_time_in_utc(db, moved, superuser):
    """Red team 68 F1: the trigger wrote the time in the session's TimeZone, which the build read as the
    date of the old address: the author's own SQL in a +14:00 session dated it a day late (a redirect
    page where the post never was, and its real old address gone). 0207's trigger writes UTC."""
    with db.connect() as conn, acting_transaction(conn, moved["ada"].role_name):
        conn.execute("set local timezone = 'Pacific/Kiritimati'")
        conn.execute("update public.blogs set slug = 'acme-final' where id = %s", (moved["post"],))
        conn.execute("update public.blogs set slug = 'acme-news' where id = %s", (moved["post"],))
        conn.execute("update public.blogs set slug = 'acme-last' where id = %s", (moved["post"],))
    update = {"slug": "acme-update", "published_at": SECRET["published_at"]}
    final = {"slug": "acme-final", "published_at": SECRET["published_at"]}
    assert stored(superuser, moved["post"]) == [SECRET, LATER, update, final]  # `acme-news` once


@pytest.mark.parametrize("who", ["ada", "grace", "eve"])  # the author, the post's assignee, a stranger
def test_only_the_author_forgets_the_addresses_kept_from_an_import(db, moved, superuser, who):
    """Red team 68 F3: forgetting an imported address (`posts addresses --forget`) writes the post's
    content (its front matter's aliases, `source.forgotten_addresses`): the author's own column."""
    before = superuser.execute("select content from public.blogs where id = %s", (moved["post"],)).fetchone()[0]
    forgotten = {**before, "source": {"dialect": "hugo", "forgotten_addresses": ["/posts/layoffs-at-acme/"]}}
    with db.connect() as conn, acting_transaction(conn, moved[who].role_name):
        written = conn.execute(
            "update public.blogs set content = %s::jsonb where id = %s", (json.dumps(forgotten), moved["post"])
        ).rowcount
    after = superuser.execute("select content from public.blogs where id = %s", (moved["post"],)).fetchone()[0]
    assert (written, after) == ((1, forgotten) if who == "ada" else (0, before))
