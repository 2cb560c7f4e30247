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
