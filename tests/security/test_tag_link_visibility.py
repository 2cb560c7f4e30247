"""Migration 0024: a tag link's `blog_public` (its post is published and not trashed) decides
who else reads the link and its tag, so it must always equal the post, whoever writes the
link, whatever they send, and however a publish and a link insert interleave."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction

DOC = Jsonb({"version": 1, "markdown": "words", "sections": []})


@pytest.fixture
def alice_and_bob(make_user):
    return make_user(), make_user()


def new_post(superuser, author, slug: str, status: str) -> str:
    return superuser.execute(
        "insert into blogs (title, slug, author_id, status, content) values ('T', %s, %s, %s, %s) returning id",
        (slug, author.user_id, status, DOC),
    ).fetchone()[0]


def new_tag(superuser, name: str) -> str:
    return superuser.execute("insert into blog_tags (name) values (%s) returning id", (name,)).fetchone()[0]


def visible_tags(db, role: str) -> list[str]:
    with db.connect() as conn, acting_transaction(conn, role):
        return [n for (n,) in conn.execute("select t.name from public.blog_tags t order by 1")]


def visible_links(db, role: str, blog_id) -> int:
    with db.connect() as conn, acting_transaction(conn, role):
        return conn.execute("select count(*) from public.blogs_to_tags where blog_id = %s", (blog_id,)).fetchone()[0]


def flags(superuser, blog_id) -> list[bool]:
    return [f for (f,) in superuser.execute("select blog_public from blogs_to_tags where blog_id = %s", (blog_id,))]


def test_a_link_sent_as_public_on_a_draft_stays_private(db, superuser, alice_and_bob):
    alice, bob = alice_and_bob
    draft = new_post(superuser, alice, "plans", "draft")
    secret = new_tag(superuser, "layoffs-2027")
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        conn.execute(
            "insert into public.blogs_to_tags (blog_id, tag_id, blog_public) values (%s, %s, true)", (draft, secret)
        )
    assert flags(superuser, draft) == [False]
    for role in ("anon", bob.role_name):
        assert visible_tags(db, role) == [] and visible_links(db, role, draft) == 0, role
    assert visible_tags(db, alice.role_name) == ["layoffs-2027"]


def test_accounts_cannot_set_the_flag_on_any_link(db, superuser, alice_and_bob):
    alice, bob = alice_and_bob
    draft = new_post(superuser, alice, "plans", "draft")
    superuser.execute("insert into blogs_to_tags (blog_id, tag_id) values (%s, %s)", (draft, new_tag(superuser, "x")))
    for role in (alice.role_name, bob.role_name, "anon"):
        with db.connect() as conn, acting_transaction(conn, role):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("update public.blogs_to_tags set blog_public = true where blog_id = %s", (draft,))
    assert flags(superuser, draft) == [False]


def test_publishing_trashing_and_restoring_follow_the_post(db, superuser, alice_and_bob):
    alice, bob = alice_and_bob
    post = new_post(superuser, alice, "news", "draft")
    superuser.execute(
        "insert into blogs_to_tags (blog_id, tag_id) values (%s, %s), (%s, %s)",
        (post, new_tag(superuser, "release"), post, new_tag(superuser, "rust")),
    )
    steps = [
        ("update public.blogs set status = 'published', published_at = now() where id = %s", True),
        ("update public.blogs set deleted_at = now() where id = %s", False),
        ("update public.blogs set deleted_at = null where id = %s", True),
        ("update public.blogs set status = 'archived' where id = %s", False),
    ]
    for statement, public in steps:
        with db.connect() as conn, acting_transaction(conn, alice.role_name):
            conn.execute(statement, (post,))
        assert flags(superuser, post) == [public, public], statement
        expected = ["release", "rust"] if public else []
        for role in ("anon", bob.role_name):
            assert visible_tags(db, role) == expected, (statement, role)
            assert visible_links(db, role, post) == len(expected), (statement, role)
        assert visible_links(db, alice.role_name, post) == 2


def blocked(superuser, pid: int) -> bool:
    for _ in range(200):
        row = superuser.execute("select wait_event_type from pg_stat_activity where pid = %s", (pid,)).fetchone()
        if row and row[0] == "Lock":
            return True
        time.sleep(0.05)
    return False


def link_while_held(db, superuser, *, holder: str, held: str, params: tuple, linker: str, post, tag) -> None:
    """Links `tag` to `post` as `linker` while `holder`'s transaction has run `held` and not yet
    committed: asserts the insert waits for it, then lets both finish."""
    with db.connect() as holding, db.connect() as tagging:
        with acting_transaction(holding, holder):
            holding.execute(held, params)

            def insert_link() -> None:
                with acting_transaction(tagging, linker):
                    tagging.execute("insert into public.blogs_to_tags (blog_id, tag_id) values (%s, %s)", (post, tag))

            thread = threading.Thread(target=insert_link)
            thread.start()
            assert blocked(superuser, tagging.info.backend_pid)
        thread.join(30)


def held_while_linking(db, superuser, *, linker: str, post, tag, actor: str, statement: str, params: tuple) -> None:
    """Runs `statement` as `actor` while `linker`'s transaction has linked `tag` to `post` and not
    yet committed: asserts the statement waits for it, then lets both finish."""
    with db.connect() as tagging, db.connect() as waiting:
        with acting_transaction(tagging, linker):
            tagging.execute("insert into public.blogs_to_tags (blog_id, tag_id) values (%s, %s)", (post, tag))

            def run() -> None:
                with acting_transaction(waiting, actor):
                    waiting.execute(statement, params)

            thread = threading.Thread(target=run)
            thread.start()
            assert blocked(superuser, waiting.info.backend_pid)
        thread.join(30)


def test_a_link_inserted_while_its_post_is_unpublished_waits_and_reads_the_outcome(db, superuser, alice_and_bob):
    alice, bob = alice_and_bob
    post = new_post(superuser, alice, "news", "published")
    tag = new_tag(superuser, "late")
    unpublish = "update public.blogs set status = 'draft' where id = %s"
    link_while_held(db, superuser, holder=alice.role_name, held=unpublish, params=(post,), linker=alice.role_name,
                    post=post, tag=tag)  # fmt: skip
    assert flags(superuser, post) == [False]
    assert visible_tags(db, bob.role_name) == []


def test_a_publish_waits_for_a_link_being_inserted_and_then_covers_it(db, superuser, alice_and_bob):
    alice, bob = alice_and_bob
    post = new_post(superuser, alice, "news", "published")
    tag = new_tag(superuser, "late")
    unpublish = "update public.blogs set status = 'draft' where id = %s"
    held_while_linking(db, superuser, linker=alice.role_name, post=post, tag=tag, actor=alice.role_name,
                       statement=unpublish, params=(post,))  # fmt: skip
    assert flags(superuser, post) == [False]
    assert visible_tags(db, bob.role_name) == [] and visible_tags(db, "anon") == []
