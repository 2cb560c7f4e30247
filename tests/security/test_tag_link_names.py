"""Migration 0094: a tag link carries its tag's name (`tag_name`), which the post lists read
instead of blog_tags. The copy must not show anyone a tag name blog_tags' own policy hides,
must always equal the tag's name case-insensitively whatever an account sends (0117 keeps the
writer's spelling; tests/security/test_tag_spelling.py), and must follow an admin's rename,
however a rename and a link insert interleave."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction
from blogster_cli.repositories import blogs, blogs_bulk
from blogster_cli.repositories.blogs import BlogFilter
from tests.security.test_tag_link_visibility import held_while_linking, link_while_held, new_post, new_tag

DOC = Jsonb({"version": 1, "markdown": "words", "sections": []})


@pytest.fixture
def alice_and_bob(make_user):
    return make_user(), make_user()


def link(db, role: str, blog_id, tag_id, tag_name: str | None = None) -> None:
    with db.connect() as conn, acting_transaction(conn, role):
        if tag_name is None:
            conn.execute("insert into public.blogs_to_tags (blog_id, tag_id) values (%s, %s)", (blog_id, tag_id))
        else:
            conn.execute(
                "insert into public.blogs_to_tags (blog_id, tag_id, tag_name) values (%s, %s, %s)",
                (blog_id, tag_id, tag_name),
            )


def names_on_links(superuser, blog_id) -> list[str]:
    return [
        n for (n,) in superuser.execute("select tag_name from blogs_to_tags where blog_id = %s order by 1", (blog_id,))
    ]


def readable_names(db, role: str) -> list[str]:
    with db.connect() as conn, acting_transaction(conn, role):
        return [n for (n,) in conn.execute("select tag_name from public.blogs_to_tags order by 1")]


def test_another_authors_private_tag_names_do_not_leak_through_the_links(db, superuser, alice_and_bob):
    alice, bob = alice_and_bob
    draft = new_post(superuser, alice, "plans", "draft")
    link(db, alice.role_name, draft, new_tag(superuser, "layoffs-2027"))
    for role in ("anon", bob.role_name):
        assert readable_names(db, role) == [], role
        with db.connect() as conn, acting_transaction(conn, role):
            assert (
                conn.execute("select count(*) from public.blogs_to_tags where tag_name = 'layoffs-2027'").fetchone()[0]
                == 0
            )
            assert conn.execute("select count(*) from public.blog_tags").fetchone()[0] == 0  # blog_tags agrees
            # The readers of tags (post lists, filter by tag, exports) see none of it either.
            assert blogs.find_visible(conn, ref=str(draft)) is None
            assert blogs.list_own(conn, filters=BlogFilter(all_authors=True, tag="layoffs-2027")) == []
            assert blogs_bulk.tag_ids_of(conn, blog_ids=[draft]) == {draft: {}}
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        assert blogs.find_own(conn, ref="plans").tags == ["layoffs-2027"]  # type: ignore[union-attr]
        assert [b.slug for b in blogs.list_own(conn, filters=BlogFilter(tag="LAYOFFS-2027"))] == ["plans"]
    # Published, the post and its tag are everyone's, as blog_tags' policy says.
    superuser.execute("update blogs set status = 'published', published_at = now() where id = %s", (draft,))
    for role in ("anon", bob.role_name):
        assert readable_names(db, role) == ["layoffs-2027"], role


def test_a_sent_tag_name_is_replaced_by_the_tags_own(db, superuser, alice_and_bob):
    alice, _ = alice_and_bob
    post = new_post(superuser, alice, "news", "published")
    link(db, alice.role_name, post, new_tag(superuser, "rust"), tag_name="Someone else's secret tag")
    assert names_on_links(superuser, post) == ["rust"]
    # The service role (BYPASSRLS) cannot store another name either, nor move a link to a tag and keep the old name.
    other = new_tag(superuser, "go")
    superuser.execute("update blogs_to_tags set tag_name = 'forged' where blog_id = %s", (post,))
    assert names_on_links(superuser, post) == ["rust"]
    superuser.execute("update blogs_to_tags set tag_id = %s where blog_id = %s", (other, post))
    assert names_on_links(superuser, post) == ["go"]


def test_accounts_cannot_update_a_links_name(db, superuser, alice_and_bob):
    alice, bob = alice_and_bob
    post = new_post(superuser, alice, "news", "published")
    link(db, alice.role_name, post, new_tag(superuser, "rust"))
    for role in (alice.role_name, bob.role_name, "anon"):
        with db.connect() as conn, acting_transaction(conn, role):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("update public.blogs_to_tags set tag_name = 'forged' where blog_id = %s", (post,))
    assert names_on_links(superuser, post) == ["rust"]


def test_an_admins_rename_rewrites_every_link(db, superuser, make_user, alice_and_bob):
    alice, bob = alice_and_bob
    admin = make_user(admin=True)
    tag = new_tag(superuser, "pyhton")
    posts = [new_post(superuser, alice, "a", "draft"), new_post(superuser, bob, "b", "published")]
    link(db, alice.role_name, posts[0], tag)
    link(db, bob.role_name, posts[1], tag)
    untouched = new_post(superuser, bob, "c", "published")
    link(db, bob.role_name, untouched, new_tag(superuser, "rust"))
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        assert conn.execute("update public.blog_tags set name = 'python' where id = %s", (tag,)).rowcount == 1
    assert [names_on_links(superuser, p) for p in posts] == [["python"], ["python"]]
    assert names_on_links(superuser, untouched) == ["rust"]
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        assert blogs.find_own(conn, ref="a").tags == ["python"]  # type: ignore[union-attr]
    # An account cannot rename (no UPDATE on blog_tags), so cannot rewrite others' links either.
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update public.blog_tags set name = 'mine' where id = %s", (tag,))
    assert names_on_links(superuser, posts[1]) == ["python"]


def test_a_link_inserted_while_its_tag_is_renamed_waits_and_copies_the_new_name(
    db, superuser, make_user, alice_and_bob
):
    alice, _ = alice_and_bob
    admin = make_user(admin=True)
    post = new_post(superuser, alice, "news", "published")
    tag = new_tag(superuser, "old-name")
    rename = "update public.blog_tags set name = 'new-name' where id = %s"
    link_while_held(db, superuser, holder=admin.role_name, held=rename, params=(tag,), linker=alice.role_name,
                    post=post, tag=tag)  # fmt: skip
    assert names_on_links(superuser, post) == ["new-name"]


def test_a_rename_waits_for_a_link_being_inserted_and_then_covers_it(db, superuser, make_user, alice_and_bob):
    alice, _ = alice_and_bob
    admin = make_user(admin=True)
    post = new_post(superuser, alice, "news", "published")
    tag = new_tag(superuser, "old-name")
    rename = "update public.blog_tags set name = 'new-name' where id = %s"
    held_while_linking(db, superuser, linker=alice.role_name, post=post, tag=tag, actor=admin.role_name,
                       statement=rename, params=(tag,))  # fmt: skip
    assert names_on_links(superuser, post) == ["new-name"]
