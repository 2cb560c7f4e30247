"""0201 on a database whose slugs and tags hold characters that show as nothing or as a box
(private-use, noncharacters, U+FFFC, U+16FE4), and whose template names hold control characters or
other whitespace than single spaces (red team 64, F3 and F4): each is mended as 0198 and 0199 mend
theirs, and the checks refuse them from then on, character by character as the commands do; a
tag's trailing no-break space is trimmed by normalize_blog_tag, not refused."""

from __future__ import annotations

import sys
import unicodedata

import psycopg
import pytest

from blogster_cli.content.rules import BLANK, check_template_name, normalise_tags
from blogster_cli.content.slugs import USABLE_SLUG, invisible_character
from blogster_cli.db import migrations
from blogster_cli.errors import InvalidInput
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0201_nothing_unshown_in_slugs_tags_and_template_names"
POST_1, POST_2, POST_3 = (f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 4))
TAG_C, TAG_PRIVATE, TAG_FILLER = (f"10000000-0000-4000-8000-00000000000{n}" for n in range(1, 4))
UNSHOWN = [
    "\ue000",
    "\uf8ff",
    "\U000f0000",
    "\U0010fffd",
    "\ufdd0",
    "\ufdef",
    "\ufffe",
    "\U0001ffff",
    "\ufffc",
    "\U00016fe4",
]


def test_0201_mends_slugs_tags_and_templates_and_then_refuses_them(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0201")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        ada = conn.execute("insert into auth.users (email) values ('ada@example.com') returning id").fetchone()[0]
        for post, slug in ((POST_1, "paypal"), (POST_2, "pay\ue000pal"), (POST_3, "pay\ufffcpal")):
            conn.execute(
                "insert into public.blogs (id, author_id, title, slug) values (%s, %s, %s, %s)", (post, ada, slug, slug)
            )
        for tag, name in ((TAG_C, "C"), (TAG_PRIVATE, "C\ue000"), (TAG_FILLER, "Khitan\U00016fe4")):
            conn.execute("insert into public.blog_tags (id, name) values (%s, %s)", (tag, name))
        link = "insert into public.blogs_to_tags (blog_id, tag_id, tag_name) values (%s, %s, %s)"
        conn.execute(link, (POST_1, TAG_PRIVATE, "C\ue000"))
        conn.execute(link, (POST_2, TAG_FILLER, "Khitan\U00016fe4"))
        for name in ("Evil\x1b]0;pwned\x07\x1b[2J", "Cq\x80", "pay\u200apal", "nb sp", "nb\u00a0sp", "line\u2028break"):
            conn.execute("insert into public.blog_templates (name, structure) values (%s, '[]')", (name,))
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION)[-1] == MIGRATION
    with empty_db.connect() as conn:
        slugs = dict(conn.execute("select id::text, slug from public.blogs").fetchall())
        assert slugs == {POST_1: "paypal", POST_2: "pay-pal", POST_3: "pay-pal-2"}
        edited = conn.execute(
            "select metadata from public.activities where type = 'edited' order by blog_id"
        ).fetchall()
        assert [(m["slug_before"], m["slug"], m["migration"]) for (m,) in edited] == [
            ("pay\ue000pal", "pay-pal", "0201"),
            ("pay\ufffcpal", "pay-pal-2", "0201"),
        ]
        tags = dict(conn.execute("select id::text, name from public.blog_tags").fetchall())
        assert tags == {TAG_C: "C", TAG_FILLER: "Khitan"}
        links = conn.execute("select blog_id::text, tag_name from public.blogs_to_tags order by blog_id").fetchall()
        assert links == [(POST_1, "C"), (POST_2, "Khitan")]
        tagged = conn.execute(
            "select metadata from public.activities where type = 'tagged' order by blog_id"
        ).fetchall()
        assert [(m["removed"], m["added"], m["migration"]) for (m,) in tagged] == [
            (["C\ue000"], ["C"], "0201"),
            (["Khitan\U00016fe4"], ["Khitan"], "0201"),
        ]
        templates = {name for (name,) in conn.execute("select name from public.blog_templates")}
        assert {"Evil]0;pwned[2J", "Cq", "pay pal", "nb sp", "nb sp 2", "line break"} <= templates
        for slug in ("a\ue000", "a\U000f0000", "a\ufdd0", "a\U0003fffe", "a\ufffc", "a\U00016fe4"):
            with pytest.raises(psycopg.errors.CheckViolation, match="blogs_slug_format"):
                conn.execute("update public.blogs set slug = %s where id = %s", (slug, POST_1))
        for name in ("C\ue000", "C\U0010fffd", "C\uffff", "C\ufffc"):
            with pytest.raises(psycopg.errors.CheckViolation, match="blog_tags_name_format"):
                conn.execute("update public.blog_tags set name = %s where id = %s", (name, TAG_C))
        for name in ("Evil\x1b[2J", "pay\u200apal", " lead", "two  spaces", "Cq\x01", "C\ue000"):
            with pytest.raises(psycopg.errors.CheckViolation, match="blog_templates_name_format"):
                conn.execute("update public.blog_templates set name = %s where name = 'Cq'", (name,))
        conn.execute("update public.blog_tags set name = %s where id = %s", ("C\u00a0", TAG_C))
        assert conn.execute("select name from public.blog_tags where id = %s", (TAG_C,)).fetchone()[0] == "C"


def _around(points: set[str]) -> list[str]:
    near = {chr(c) for c in [*range(0x1, 0x3200), *range(0xD7F0, 0x10000), *range(0x16FE0, 0x16FF0)]}
    near |= {chr(c) for c in range(0xE0000, sys.maxunicode + 1) if c % 0x100 in (0, 1, 0xFE, 0xFF) or c > 0x10FFF0}
    near |= {chr(c + step) for c in map(ord, points) for step in (-1, 0, 1) if 0 < c + step <= sys.maxunicode}
    near |= {chr((plane << 16) | low) for plane in range(17) for low in (0, 1, 0xFFFD, 0xFFFE, 0xFFFF)} - {"\0"}
    return sorted(c for c in near if not 0xD800 <= ord(c) < 0xE000)


def _accepted(db, constraint: str, column: str, names: list[str]) -> set[str]:
    with db.connect() as conn:
        check = conn.execute(
            "select pg_get_expr(conbin, conrelid) from pg_constraint where conname = %s", (constraint,)
        ).fetchone()[0]
        return {
            r[0] for r in conn.execute(f"select {column} from unnest(%s::text[]) as {column} where {check}", (names,))
        }


def test_the_checks_refuse_the_unshown_characters_as_the_commands_do(db):
    """blogs_slug_format, blog_tags_name_format and blog_templates_name_format against the commands'
    rules (USABLE_SLUG, `normalise_tags`, `check_template_name`), one character at a time:
    every unshown character refused, and near them, the controls and the spaces, the same ones."""
    characters = _around(set(UNSHOWN))
    words = [f"a{c}b" for c in characters if unicodedata.normalize("NFC", f"a{c}b") == f"a{c}b"]
    assert _accepted(db, "blogs_slug_format", "slug", words) == {w for w in words if USABLE_SLUG.match(w)}
    tags = [w for w in words if len(w.split()) == 1]  # normalize_blog_tag folds whitespace
    # A tag the commands store as written (0202: in its compatibility form, no control character).
    assert _accepted(db, "blog_tags_name_format", "name", tags) == {w for w in tags if _tagged_as(w) == [w]}
    names = words + [f" {w}" for w in words[:50]] + [f"a{c}{c}b" for c in BLANK]
    assert _accepted(db, "blog_templates_name_format", "name", names) == {n for n in names if _saved_as(n) == n}
    assert all(invisible_character(f"a{c}b") for c in UNSHOWN)


def _tagged_as(name: str) -> list[str] | None:
    try:
        return normalise_tags([name])
    except InvalidInput:
        return None


def _saved_as(name: str) -> str | None:
    try:
        return check_template_name(name)
    except InvalidInput:
        return None
