"""0199 on a database whose tags and templates hold invisible or direction-changing characters, or
are decomposed (red team F5, F6: written before, or by an account's own SQL): each tag is mended as
an import makes it (those characters dropped, NFKC), merged into the tag it then names (each post
keeping one link, each author one spelling) or renamed, `tag-` and its id's hex where nothing
visible is left; each changed link is in its author's activity. Templates are renamed apart (an id's
shape gets `template `, a taken name ` 2`). The checks refuse such names from then on, and the tag
check refuses every character the commands refuse (content/slugs.py `INVISIBLE_CHARACTERS`)."""

from __future__ import annotations

import sys
import unicodedata

import psycopg
import pytest

from blogster_cli.content.rules import normalise_tags
from blogster_cli.content.slugs import invisible_character
from blogster_cli.db import migrations
from blogster_cli.errors import InvalidInput
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0199_tag_and_template_names_are_visible"
NFD, NFC = unicodedata.normalize("NFD", "Café"), unicodedata.normalize("NFC", "Café")
POST_1, POST_2, POST_3, POST_4 = (f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 5))
TAG_C, TAG_ZWSP, TAG_RLO, TAG_NFD, TAG_BLANK = (f"10000000-0000-4000-8000-00000000000{n}" for n in range(1, 6))
ID_NAMED = "20000000-0000-4000-8000-000000000001"


def test_0199_mends_tags_and_templates_records_it_and_then_refuses_them(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0199")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        ada, bob = (
            conn.execute("insert into auth.users (email) values (%s) returning id", (email,)).fetchone()[0]
            for email in ("ada@example.com", "bob@example.com")
        )
        for post, author, slug in (
            (POST_1, ada, "one"),
            (POST_2, ada, "two"),
            (POST_3, bob, "three"),
            (POST_4, bob, "four"),
        ):
            conn.execute(
                "insert into public.blogs (id, author_id, title, slug) values (%s, %s, %s, %s)",
                (post, author, slug, slug),
            )
        for tag, name in (
            (TAG_C, "C"), (TAG_ZWSP, "C\u200b"), (TAG_RLO, "C\u202e"), (TAG_NFD, NFD), (TAG_BLANK, "\u200b\u2060"),
        ):  # fmt: skip
            conn.execute("insert into public.blog_tags (id, name) values (%s, %s)", (tag, name))
        link = "insert into public.blogs_to_tags (blog_id, tag_id, tag_name) values (%s, %s, %s)"
        conn.execute(link, (POST_1, TAG_C, "C"))
        conn.execute(link, (POST_1, TAG_ZWSP, "C\u200b"))  # carries both: keeps C's link
        conn.execute(link, (POST_2, TAG_ZWSP, "c\u200b"))  # (ada's one spelling of a tag: "C\u200b")
        conn.execute(link, (POST_2, TAG_BLANK, "\u200b\u2060"))
        conn.execute(link, (POST_3, TAG_RLO, "c\u202e"))  # bob has no link to C: his spelling, mended
        conn.execute(link, (POST_4, TAG_NFD, unicodedata.normalize("NFD", "café")))
        conn.execute("insert into public.blog_templates (name, structure) values (%s, '[]')", ("Listicle\u200b",))
        conn.execute("insert into public.blog_templates (name, structure) values (%s, '[]')", (ID_NAMED,))
        conn.execute("insert into public.blog_templates (name, structure) values (%s, '[]')", (NFC,))
        conn.execute("insert into public.blog_templates (name, structure) values (%s, '[]')", (NFD,))
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION)[-1] == MIGRATION
    with empty_db.connect() as conn:
        tags = dict(conn.execute("select id::text, name from public.blog_tags").fetchall())
        assert tags == {TAG_C: "C", TAG_NFD: NFC, TAG_BLANK: "tag-10000000"}
        links = conn.execute(
            "select blog_id::text, tag_id::text, tag_name from public.blogs_to_tags order by blog_id, tag_name"
        ).fetchall()
        assert links == [
            (POST_1, TAG_C, "C"),
            (POST_2, TAG_C, "C"),
            (POST_2, TAG_BLANK, "tag-10000000"),
            (POST_3, TAG_C, "c"),
            (POST_4, TAG_NFD, "café"),
        ]
        recorded = conn.execute(
            "select blog_id::text, user_id, type, description, metadata from public.activities"
            " order by blog_id, metadata->>'added'"
        ).fetchall()
        assert [(r[0], r[1], r[2], r[4]["removed"], r[4]["added"], r[4]["migration"]) for r in recorded] == [
            (POST_1, ada, "tagged", ["C\u200b"], ["C"], "0199"),
            (POST_2, ada, "tagged", ["C\u200b"], ["C"], "0199"),
            (POST_2, ada, "tagged", ["\u200b\u2060"], ["tag-10000000"], "0199"),
            (POST_3, bob, "tagged", ["c\u202e"], ["c"], "0199"),
            (POST_4, bob, "tagged", [unicodedata.normalize("NFD", "café")], ["café"], "0199"),
        ]
        assert "changed by upgrade 0199" in recorded[0][3]
        templates = {name for (name,) in conn.execute("select name from public.blog_templates")}
        assert {"Listicle", "Listicle 2", f"template {ID_NAMED}", NFC, f"{NFC} 2"} <= templates
        assert not {"Listicle\u200b", ID_NAMED, NFD} & templates
        for name in ("C\u200b", "x\u202e", NFD, "x\u3164", "x\u0080"):
            with pytest.raises(psycopg.errors.CheckViolation, match="blog_tags_name_format"):
                conn.execute("update public.blog_tags set name = %s where id = %s", (name, TAG_C))
        for name in ("Listicle\u200b", ID_NAMED.upper(), NFD):
            with pytest.raises(psycopg.errors.CheckViolation, match="blog_templates_name_format"):
                conn.execute("update public.blog_templates set name = %s where name = 'Listicle'", (name,))


def test_the_tag_check_refuses_every_character_the_commands_refuse(db):
    """blog_tags_name_format and `normalise_tags` (`slugs.invisible_character`, and since 0202 the
    control characters) refuse the same characters, one by one, near them and in the planes they are
    in, of the names in their compatibility form (NFKC: the commands fold the others, the check
    refuses them since 0202)."""
    near = {chr(c) for c in [*range(0xA0, 0x3200), *range(0xFE00, 0x10000), *range(0xE0000, 0xE1010)]}
    near |= {chr(c) for c in range(sys.maxunicode + 1) if invisible_character(chr(c))}
    near -= {chr(c) for c in range(0xD800, 0xE000)}  # surrogates: no text
    names = sorted(
        f"a{c}b" for c in near if unicodedata.normalize("NFKC", f"a{c}b") == f"a{c}b" and not f"a{c}b".isspace()
    )
    names = [name for name in names if len(name.split()) == 1]  # the trigger folds whitespace
    with db.connect() as conn:
        check = conn.execute(
            "select pg_get_expr(conbin, conrelid) from pg_constraint where conname = 'blog_tags_name_format'"
        ).fetchone()[0]
        accepted = {r[0] for r in conn.execute(f"select name from unnest(%s::text[]) as name where {check}", (names,))}
    assert accepted == {name for name in names if _typed_as_is(name)}


def _typed_as_is(name: str) -> bool:
    try:
        return normalise_tags([name]) == [name]
    except InvalidInput:
        return False
