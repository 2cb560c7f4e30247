"""0196 on a database whose posts hold slugs with invisible or direction-changing characters, or
decomposed (NFD) ones (red team 60, F8: written before, or by an account's own SQL): each is renamed
composed with its format characters as dashes, `-2`, `-3`... past a slug its author already has
(trashed posts included; another author's slugs do not count), `post-` and its id's first 8 hex
digits where that is no usable slug; each rename is in its author's activity; the check refuses
such slugs from then on, and the commands' rule (content/slugs.py) is the check's. 0198 does the
same for Unicode's default-ignorable characters that are no format character (Hangul fillers,
variation selectors, the grapheme joiner) and the braille blank."""

from __future__ import annotations

import sys
import unicodedata

import psycopg
import pytest
import regex

from blogster_cli.content.slugs import USABLE_SLUG
from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

MIGRATION = "0196_post_slugs_are_visible_and_composed"
MIGRATION_0198 = "0198_post_slugs_hold_no_ignorable_characters"
ZWSP, RLO, SHY = "pay\u200bpal", "pay\u202epal", "\u00ad"
NFD = unicodedata.normalize("NFD", "café")
ONE, TWO, THREE, FOUR, FIVE = (f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 6))


def test_0196_renames_invisible_and_decomposed_slugs_records_it_and_then_refuses_them(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0196")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        ada, bob = (
            conn.execute("insert into auth.users (email) values (%s) returning id", (email,)).fetchone()[0]
            for email in ("ada@example.com", "bob@example.com")
        )
        insert = "insert into public.blogs (id, author_id, title, slug, deleted_at) values (%s, %s, 'T', %s, %s)"
        conn.execute(insert, (ONE, ada, ZWSP, None))
        conn.execute(insert, (TWO, ada, RLO, None))
        conn.execute(insert, (THREE, ada, NFD, None))
        conn.execute(insert, (FOUR, ada, SHY, None))  # nothing left but a dash: kept as one
        conn.execute(insert, (FIVE, bob, "x" * 199 + "\u200b", None))  # past 200 once a dash: post- and its id
        conn.execute(insert, ("10000000-0000-4000-8000-000000000001", ada, "pay-pal", "2026-01-01"))
        conn.execute(insert, ("10000000-0000-4000-8000-000000000002", ada, "café", None))
        conn.execute(insert, ("10000000-0000-4000-8000-000000000003", bob, "pay-pal-2", None))
        conn.execute(insert, ("10000000-0000-4000-8000-000000000004", ada, "paypal", None))
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION)[-1] == MIGRATION
    with empty_db.connect() as conn:
        slugs = dict(conn.execute("select id::text, slug from public.blogs").fetchall())
        assert [slugs[i] for i in (ONE, TWO, THREE, FOUR, FIVE)] == [
            "pay-pal-2",
            "pay-pal-3",
            "café-2",
            "-",
            "post-00000000",
        ]
        assert slugs["10000000-0000-4000-8000-000000000004"] == "paypal"
        recorded = conn.execute(
            "select blog_id::text, user_id, type, metadata from public.activities order by blog_id"
        ).fetchall()
        assert [(r[0], r[1], r[2], r[3]["slug_before"], r[3]["slug"]) for r in recorded] == [
            (ONE, ada, "edited", ZWSP, "pay-pal-2"),
            (TWO, ada, "edited", RLO, "pay-pal-3"),
            (THREE, ada, "edited", NFD, "café-2"),
            (FOUR, ada, "edited", SHY, "-"),
            (FIVE, bob, "edited", "x" * 199 + "\u200b", "post-00000000"),
        ]
        assert all(r[3]["fields"] == ["slug"] for r in recorded)
        for slug in (ZWSP, RLO, NFD, "a\ufeff", "a\U000e0041", "a\u2066b"):
            with pytest.raises(psycopg.errors.CheckViolation, match="blogs_slug_format"):
                conn.execute("update public.blogs set slug = %s where id = %s", (slug, ONE))
        conn.execute("update public.blogs set slug = 'caf\u00e9-3' where id = %s", (ONE,))  # composed is a name


def test_0198_renames_slugs_with_default_ignorable_characters_records_it_and_then_refuses_them(
    empty_db, tmp_path, monkeypatch
):
    """Hangul fillers, variation selectors, the grapheme joiner, the braille blank: each run a dash,
    numbered past the author's slugs, recorded; the format characters 0196 renamed stay refused."""
    use_copied_migrations(tmp_path, monkeypatch, before="0198")
    migrations.apply(empty_db)
    filler, selector = "pay\u3164pal", "pay\ufe0f\U000e0100pal"
    with empty_db.connect() as conn:
        ada = conn.execute("insert into auth.users (email) values ('ada@example.com') returning id").fetchone()[0]
        insert = "insert into public.blogs (id, author_id, title, slug) values (%s, %s, 'T', %s)"
        conn.execute(insert, (ONE, ada, filler))
        conn.execute(insert, (TWO, ada, selector))
        conn.execute(insert, (THREE, ada, "\u2800"))  # a blank alone: a dash
        conn.execute(insert, (FOUR, ada, "caf\u00e9\u034f"))  # composed once the joiner is a dash
        conn.execute(insert, (FIVE, ada, "pay-pal"))
    monkeypatch.undo()
    assert migrations.apply(empty_db, until=MIGRATION_0198)[-1] == MIGRATION_0198
    with empty_db.connect() as conn:
        slugs = dict(conn.execute("select id::text, slug from public.blogs").fetchall())
        assert [slugs[i] for i in (ONE, TWO, THREE, FOUR, FIVE)] == ["pay-pal-2", "pay-pal-3", "-", "café-", "pay-pal"]
        recorded = conn.execute(
            "select blog_id::text, type, description, metadata from public.activities order by blog_id"
        ).fetchall()
        assert [(r[0], r[1], r[3]["slug_before"], r[3]["slug"], r[3]["migration"]) for r in recorded] == [
            (ONE, "edited", filler, "pay-pal-2", "0198"),
            (TWO, "edited", selector, "pay-pal-3", "0198"),
            (THREE, "edited", "\u2800", "-", "0198"),
            (FOUR, "edited", "caf\u00e9\u034f", "café-", "0198"),
        ]
        assert "renamed 'pay-pal-2' by upgrade 0198" in recorded[0][2]
        for slug in (filler, selector, "a\u115f", "a\uffa0", "a\u180b", "a\u2065", "a\U000e0fff", "pay\u200bpal"):
            with pytest.raises(psycopg.errors.CheckViolation, match="blogs_slug_format"):
                conn.execute("update public.blogs set slug = %s where id = %s", (slug, ONE))


def test_the_commands_rule_is_the_checks_and_refuses_every_invisible_character(db):
    """USABLE_SLUG and blogs_slug_format refuse the same characters, one by one: every format character
    this Python knows and every default-ignorable one (content/slugs.py `INVISIBLE_CHARACTERS`: a
    newer Unicode's new ones need a migration writing them into the check too), and no other
    character of the planes they are in."""
    format_characters = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    ignorable = [chr(c) for c in range(sys.maxunicode + 1) if regex.match(r"\p{Default_Ignorable_Code_Point}", chr(c))]
    invisible = {*format_characters, *ignorable, "\u2800"}
    assert {f"a{c}b" for c in invisible} == {f"a{c}b" for c in invisible if not USABLE_SLUG.match(f"a{c}b")}
    near = {chr(c) for c in [*range(0xA0, 0x3200), *range(0xFE00, 0x10000), *range(0xE0000, 0xE1010)]}
    near |= {chr(c + step) for c in map(ord, invisible) for step in (-1, 0, 1)}
    slugs = sorted(f"a{c}b" for c in near if unicodedata.normalize("NFC", f"a{c}b") == f"a{c}b")
    with db.connect() as conn:
        check = conn.execute(
            "select pg_get_expr(conbin, conrelid) from pg_constraint where conname = 'blogs_slug_format'"
        ).fetchone()[0]
        accepted = {r[0] for r in conn.execute(f"select slug from unnest(%s::text[]) as slug where {check}", (slugs,))}
    assert accepted == {slug for slug in slugs if USABLE_SLUG.match(slug)}
