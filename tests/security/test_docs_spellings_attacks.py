"""public.documentation_spellings (0156), called in raw SQL as a signed-in non-admin: it reads the
search index (in `internal`, which no user role reaches) and the pages' text, so it must apply the
visibility of documentation_pages' RLS itself: a draft's, an archived page's or a hidden category's
words are never found, nor counted, nor checked as written, drafts or not; an admin sees drafts
only when asking. It gives back only words it was given, and bounds its work."""

from __future__ import annotations

import itertools
import time

import psycopg
import pytest
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction
from tests.security.test_docs_rls import as_role, pages  # noqa: F401  (fixture)

HIDDEN = ["zeppelin", "quasar", "obsidian", "secret"]  # "secret": on every page but the public one


def spellings(db, actor, words, drafts=False):
    return sorted(as_role(db, actor, "select word, pages, written from documentation_spellings(%s, %s)",
                          (words, drafts)))  # fmt: skip


def test_a_user_finds_no_word_of_pages_rls_hides(db, make_user, pages):  # noqa: F811
    user = make_user()
    for drafts in (False, True):
        assert spellings(db, user, HIDDEN, drafts) == [], drafts
        assert spellings(db, user, ["sunflower", "zeppelin", "page"], drafts) == [("page", 1, 1), ("sunflower", 1, 1)]
    assert spellings(db, user, ["the"]) == []  # a stop word: no stem, nothing


def test_an_admin_sees_drafts_only_when_asking(db, make_user, pages):  # noqa: F811
    admin = make_user(admin=True)
    assert spellings(db, admin, ["zeppelin"]) == []
    assert spellings(db, admin, ["zeppelin", "secret"], True) == [("secret", 3, 3), ("zeppelin", 1, 1)]


def test_an_anonymous_caller_is_refused(db, pages):  # noqa: F811
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.connect() as conn, acting_transaction(conn, "anon"):
            conn.execute("select * from documentation_spellings(array['sunflower'])")


def test_hostile_word_lists_are_bounded_and_read_as_words(db, make_user, pages):  # noqa: F811
    user = make_user()
    # Regular-expression characters are words' characters, not a pattern (no page matches `.*`).
    assert spellings(db, user, [".*", "(sun", "sunflower|page", "sun.lower", "\\", "'", None]) == []
    started = time.monotonic()
    many = spellings(db, user, ["sunflower"] * 100_000 + [f"w{n}" for n in range(100_000)] + ["x" * 100_000])
    assert time.monotonic() - started < 10
    assert many == [("sunflower", 1, 1)]


def test_an_array_of_arrays_is_read_as_its_first_2000_words(db, make_user, pages):  # noqa: F811
    """0156 read `words[1:2000]`: of a 2,000 × 200 array, all 400,000 words (h305 F5)."""
    user = make_user()
    late = "select word, pages, written from documentation_spellings(%s::text[])"
    # "sunflower" is element 2,001 in the array's order: past the bound whatever the shape
    for shape in ([[f"w{n}", f"w{n}x"] for n in range(1_000)] + [["sunflower", "page"]],
                  [[[f"w{n}"], [f"v{n}"]] for n in range(1_000)] + [[["sunflower"], ["page"]]]):  # fmt: skip
        assert as_role(db, user, late, (shape,)) == []
    assert sorted(as_role(db, user, late, ([["sunflower", "page"], ["x", "y"]],))) == [
        ("page", 1, 1),
        ("sunflower", 1, 1),
    ]
    started = time.monotonic()
    wide = [[f"w{n}y{m}" for m in range(200)] for n in range(2_000)]
    assert as_role(db, user, late, (wide,)) == []
    assert time.monotonic() - started < 5


def test_two_thousand_words_on_long_pages_cost_no_scan_of_their_text(db, make_user, superuser):
    """0156 checked "written" with a regular expression over each page's whole text, for each word
    and each of its first 20 pages: 2,000 words of the docs took 4 s on 63 pages of 3 KB, and
    minutes on pages of 100 KB (h321 F5). It is an index probe per page now."""
    # 2,000 made-up words (none a stop word, each its own stem)
    words = ["".join(letters) for letters in itertools.product("bcdfgkmpvz", "aeiou", "bkrt", "mnpx", "ou", "lx")]
    words = words[:2_000]
    body = " ".join(words) + "\n\n"
    for n in range(5):  # 5 pages of 100 KB, each writing all 2,000 words
        superuser.execute(
            "insert into documentation_pages (title, slug, content, status) values (%s, %s, %s, 'published')",
            (f"Long {n}", f"long-{n}", Jsonb({"version": 1, "markdown": body * (100_000 // len(body) + 1)})),
        )
    user = make_user()
    conn = db.connect()
    try:
        with acting_transaction(conn, user.role_name):
            conn.execute("set local statement_timeout = '20s'")  # ends 0163's on more pages
            started = time.monotonic()
            found = conn.execute("select word, pages, written from documentation_spellings(%s)", (words,)).fetchall()
            elapsed = time.monotonic() - started
    finally:
        conn.close()
    assert elapsed < 2, elapsed  # 0.2 s here; 0163's function took 10 s
    assert len(found) == 2_000 and {(held, written) for _, held, written in found} == {(5, 5)}
