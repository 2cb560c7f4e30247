"""0202: the characters slugs, tags and template names may not hold are written out once, in
internal.holds_unshown_character, which the three checks call; a tag is in its compatibility form
(NFKC) as the commands store it, and the tags an account's own SQL stored otherwise (`Ｃq`, `ﬁsh`)
are merged or renamed as 0199 mended its own, each author's changed links in their activity."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.content.slugs import USABLE_SLUG, invisible_character
from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations
from tests.integration.test_unshown_characters_migration import UNSHOWN, _accepted, _around

MIGRATION = "0202_one_list_of_unshown_characters_and_nfkc_tags"
CHECKS = ("blogs_slug_format", "blog_tags_name_format", "blog_templates_name_format")
POST_1, POST_2 = (f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 3))
TAG_CQ, TAG_FULLWIDTH, TAG_LIGATURE, TAG_LONG = (f"20000000-0000-4000-8000-00000000000{n}" for n in range(1, 5))


def test_0202_folds_tags_to_their_compatibility_form_and_records_it_for_each_author(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0202")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        ada, bob = (
            conn.execute("insert into auth.users (email) values (%s) returning id", (email,)).fetchone()[0]
            for email in ("ada@example.com", "bob@example.com")
        )
        for post, author in ((POST_1, ada), (POST_2, bob)):
            conn.execute(
                "insert into public.blogs (id, author_id, title, slug) values (%s, %s, %s, %s)",
                (post, author, f"Post {post[-1]}", f"post-{post[-1]}"),
            )
        long_name = "\ufdfa" * 4  # NFKC: 72 characters, past a tag's 64
        for tag, name in (
            (TAG_CQ, "Cq"),
            (TAG_FULLWIDTH, "\uff23q"),
            (TAG_LIGATURE, "\ufb01sh"),
            (TAG_LONG, long_name),
        ):
            conn.execute("insert into public.blog_tags (id, name) values (%s, %s)", (tag, name))
        link = "insert into public.blogs_to_tags (blog_id, tag_id, tag_name) values (%s, %s, %s)"
        conn.execute(link, (POST_1, TAG_CQ, "Cq"))
        conn.execute(link, (POST_1, TAG_FULLWIDTH, "\uff23q"))  # ada's post carries both: keeps the other's link
        conn.execute(link, (POST_2, TAG_FULLWIDTH, "\uff23q"))  # bob's moves to Cq
        conn.execute(link, (POST_2, TAG_LIGATURE, "\ufb01sh"))
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION)[-1] == MIGRATION
    with empty_db.connect() as conn:
        tags = dict(conn.execute("select id::text, name from public.blog_tags").fetchall())
        assert tags == {TAG_CQ: "Cq", TAG_LIGATURE: "fish", TAG_LONG: "tag-20000000"}
        links = conn.execute(
            "select blog_id::text, tag_id::text, tag_name from public.blogs_to_tags order by blog_id, tag_name"
        ).fetchall()
        assert links == [(POST_1, TAG_CQ, "Cq"), (POST_2, TAG_CQ, "Cq"), (POST_2, TAG_LIGATURE, "fish")]
        tagged = conn.execute(
            "select user_id, blog_id::text, metadata from public.activities where type = 'tagged'"
        ).fetchall()
        assert sorted((user, post, m["removed"], m["added"], m["migration"]) for user, post, m in tagged) == sorted(
            [
                (ada, POST_1, ["\uff23q"], ["Cq"], "0202"),
                (bob, POST_2, ["\uff23q"], ["Cq"], "0202"),
                (bob, POST_2, ["\ufb01sh"], ["fish"], "0202"),
            ]
        )
        for name in ("\uff23q", "\ufb01sh", "x\u00b2"):
            with pytest.raises(psycopg.errors.CheckViolation, match="blog_tags_name_format"):
                conn.execute("update public.blog_tags set name = %s where id = %s", (name, TAG_CQ))
        assert conn.execute(
            "select convalidated from pg_constraint where conname = 'blog_tags_name_format'"
        ).fetchone() == (True,)


def test_the_three_checks_call_the_one_list_of_unshown_characters(superuser):
    """No check writes the characters out any more: each calls internal.holds_unshown_character,
    which only the migrations' owner can change (immutable, parallel safe, its search_path pinned,
    EXECUTE granted to the roles that write rows, not to PUBLIC)."""
    for check in CHECKS:
        definition = superuser.execute(
            "select pg_get_constraintdef(oid) from pg_constraint where conname = %s", (check,)
        ).fetchone()[0]
        assert "internal.holds_unshown_character(" in definition, definition
        assert not any(written in definition for written in ("\\u00ad", "\\ue000", "\\U000e0000")), definition
    function = superuser.execute(
        "select provolatile, proparallel, proconfig, proowner::regrole::text, prosecdef,"
        " has_function_privilege('public', oid, 'EXECUTE')"
        " from pg_proc where oid = 'internal.holds_unshown_character(text)'::regprocedure"
    ).fetchone()
    assert function == ("i", "s", ['search_path=""'], "blogster_owner", False, False)


def test_the_slug_check_still_holds_a_slug_to_1_to_200_characters(db):
    """blogs_slug_format says "1 to 200 characters, none of the class" rather than `^[^...]{1,200}$`
    (the server expands a bounded repetition: 25 microseconds a slug): the same slugs pass."""
    slugs = [
        "",
        "a",
        "a" * 200,
        "a" * 201,
        "\u00e9" * 200,
        "\u00e9" * 201,
        "\u6771" * 200,
        "\u6771" * 201,
        "a\nb",
        "a b",
    ]
    accepted = _accepted(db, "blogs_slug_format", "slug", slugs)
    assert accepted == {s for s in slugs if USABLE_SLUG.match(s)}
    assert {len(s) for s in accepted} == {1, 200}


def test_the_function_refuses_the_characters_the_commands_do(superuser):
    """internal.holds_unshown_character against the commands' `invisible_character`, one character
    at a time, around every refused range."""
    characters = _around(set(UNSHOWN))
    refused = {
        c
        for (c,) in superuser.execute(
            "select c from unnest(%s::text[]) as c where internal.holds_unshown_character(c)", (characters,)
        )
    }
    assert refused == {c for c in characters if invisible_character(c) is not None}
    assert refused >= set(UNSHOWN)
