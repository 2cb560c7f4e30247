"""The SEO imports know a keyword by the database's lower() (0209's unique key), not Python's str.lower().

The two differ on some letters: "İ" (U+0130) lowers to "i" plus a combining dot in Python and to "i"
in PostgreSQL 18's builtin C.UTF-8 provider; Python makes a final sigma "ς" where that server keeps
"σ"; a libc "C" locale lowers ASCII letters only. `seo import-keywords` of "İstanbul hotels" and
"istanbul hotels" failed whole with PostgreSQL's "ON CONFLICT DO UPDATE command cannot affect row a
second time"; `seo import-positions` of "İstanbul hotels" with "istanbul hotels" stored ended in a
KeyError (red team 72 F1 F2). What is one keyword is the server's to say, so the expectations are
worked out from its lower(), and spelled out where it folds "İ" and "Σ" as PostgreSQL 18's does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import text

from blogster_cli.actors import Timeouts
from blogster_cli.db.orm import orm_unit_of_work
from blogster_cli.repositories import seo as seo_rows
from blogster_cli.services import seo
from tests.integration.test_seo_positions import import_positions, stored, world

__all__ = ["world"]  # the fixture, as test_seo_positions makes it

DAY = date(2026, 11, 28)
ISTANBUL = "İstanbul hotels"  # Python: "i̇stanbul hotels"; PostgreSQL 18 (builtin C.UTF-8): "istanbul hotels"
STREET = "ΟΔΟΣ αθηνων"  # Python: "οδος αθηνων"; PostgreSQL 18 (builtin C.UTF-8): "οδοσ αθηνων"
SPELLINGS = [ISTANBUL, "istanbul hotels", STREET, "οδοσ αθηνων", "Οδοσ Αθηνων", "zsh"]


def server_lower(superuser, keyword: str) -> str:
    return superuser.execute("select lower(%s::text)", (keyword,)).fetchone()[0]


def folds(superuser) -> bool:
    """Whether the server lowers "İ" to "i" and "Σ" to "σ" (PostgreSQL 18's builtin provider, glibc)."""
    return (server_lower(superuser, ISTANBUL), server_lower(superuser, STREET)) == ("istanbul hotels", "οδοσ αθηνων")


def keywords(superuser):
    return sorted(superuser.execute("select keyword, search_volume from keyword_research").fetchall())


def test_keyword_keys_are_the_servers_lower(world, superuser):
    alice, _ = world
    with orm_unit_of_work(alice) as session:
        keys = seo_rows.keyword_keys(session, keywords=SPELLINGS)
    assert keys == {keyword: server_lower(superuser, keyword) for keyword in SPELLINGS}


def test_a_keyword_file_repeating_a_keyword_by_the_servers_lower_reports_the_repeat(world, superuser):
    alice, _ = world
    export = "Keyword,Volume\n" + "".join(f"{keyword},{line}\n" for line, keyword in enumerate(SPELLINGS, 2))
    result = seo.import_keywords(alice, text=export, source="k.csv")
    firsts: dict[str, int] = {}
    first_lines = {line: firsts.setdefault(server_lower(superuser, k), line) for line, k in enumerate(SPELLINGS, 2)}
    repeats = [(line, f"repeats the keyword of line {first}") for line, first in first_lines.items() if first != line]
    assert [(r.line, r.reason) for r in result.rejected] == repeats
    kept = sorted((SPELLINGS[line - 2], line) for line, first in first_lines.items() if first == line)
    assert ((result.inserted, result.updated), keywords(superuser)) == ((len(kept), 0), kept)
    if folds(superuser):
        assert repeats == [(3, "repeats the keyword of line 2"), (5, "repeats the keyword of line 4"),
                           (6, "repeats the keyword of line 4")]  # fmt: skip
        again = seo.import_keywords(alice, text="Keyword,Volume\nistanbul hotels,7\nοδοσ αθηνων,8\n", source="k.csv")
        assert (again.inserted, again.updated, again.rejected) == (0, 2, [])
        assert keywords(superuser) == sorted([(ISTANBUL, 7), (STREET, 8), ("zsh", 7)])


def test_keywords_python_lowers_alike_but_the_server_does_not_are_two(world, superuser):
    alice, _ = world
    dotted = "i\u0307stanbul hotels"  # "i" and a combining dot: what Python lowers ISTANBUL to
    result = seo.import_keywords(alice, text=f"Keyword,Volume\n{ISTANBUL},1\n{dotted},2\n", source="k.csv")
    two = server_lower(superuser, ISTANBUL) != server_lower(superuser, dotted)  # PostgreSQL 18's builtin provider
    assert (result.inserted, len(result.rejected)) == ((2, 0) if two else (1, 1))


def test_positions_find_a_stored_keyword_by_the_servers_lower_and_merge_by_it(world, superuser):
    alice, _ = world
    seo.import_keywords(alice, text="Keyword,Volume\nistanbul hotels,200\nοδοσ αθηνων,10\n", source="k.csv")
    export = (
        "Query,Page,Clicks,Impressions,CTR,Position\n"
        f"{ISTANBUL},https://ada.dev/posts/alpha/,3,100,3%,4.2\n"
        "istanbul hotels,https://ada.dev/posts/alpha/?utm_source=x,1,100,1%,6\n"
        f"{STREET},https://ada.dev/posts/beta/,2,20,10%,9\n"
    )
    result = import_positions(alice, text=export, source="gsc.csv", check_date=DAY)
    new = {server_lower(superuser, ISTANBUL) != "istanbul hotels", server_lower(superuser, STREET) != "οδοσ αθηνων"}
    assert (result.inserted, result.keywords_added, result.rejected) == (2 + sum(new), sum(new), [])
    if folds(superuser):
        assert stored(superuser) == [
            ("alpha", "istanbul hotels", DAY, "desktop", None, 5, None, None, 4, 200, 0.02),
            ("beta", "οδοσ αθηνων", DAY, "desktop", None, 9, None, None, 2, 20, 0.1),
        ]


def test_positions_of_new_keywords_one_by_the_servers_lower_add_one_keyword(world, superuser):
    alice, _ = world
    queries = [ISTANBUL, "istanbul hotels", STREET, "οδοσ αθηνων"]
    export = "Query,Page,Clicks,Impressions,CTR,Position\n" + "".join(
        f"{query},https://ada.dev/posts/alpha/,1,100,1%,4\n" for query in queries
    )
    result = import_positions(alice, text=export, source="gsc.csv", check_date=DAY)
    distinct = len({server_lower(superuser, query) for query in queries})
    assert (result.inserted, result.keywords_added, result.rejected) == (distinct, distinct, [])
    if folds(superuser):
        assert keywords(superuser) == sorted([(ISTANBUL, None), (STREET, None)])  # the first spelling of each
    again = import_positions(alice, text=export, source="gsc.csv", check_date=DAY)
    assert (again.inserted, again.updated, again.keywords_added) == (0, distinct, 0)


def test_the_imports_keep_the_lock_timeout_for_the_statements_after_their_writes(world):
    """Their writes wait for another import's keywords under the statement timeout alone; what follows
    (upsert_positions, recompute_changes) under the transaction's lock_timeout again."""
    alice = replace(world[0], timeouts=Timeouts(lock_ms=321))
    with orm_unit_of_work(alice) as session:
        seo_rows.upsert_keywords(session, rows=[{"keyword": "zsh", "search_volume": 1}])
        after_upsert = session.connection().execute(text("select current_setting('lock_timeout')")).scalar_one()
        seo_rows.keyword_ids(session, keywords=["fish"])
        after_ids = session.connection().execute(text("select current_setting('lock_timeout')")).scalar_one()
    assert (after_upsert, after_ids) == ("321ms", "321ms")
