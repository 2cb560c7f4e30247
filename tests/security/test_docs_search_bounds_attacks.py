"""public.search_documentation (0214) reads a query word with signs (`C++`, `C#`, `.NET`) as a term a
page must hold as written, by a regular expression over each candidate page's whole text. As first
written, any signed-in account chose how many (up to 64) and each scanned every page: 64 terms no page
holds cost a hundred times a plain query's time, growing with the documentation up to
statement_timeout. It reads the first 8 and stops scanning a page once one term decides."""

from __future__ import annotations

import time

from psycopg.types.json import Jsonb

from tests.security.test_docs_rls import as_role

PAGES = 40
BODY = "The worker stops gracefully when told; Ctrl-C and the net. " * 4000  # ~240 KB a page


def timed(db, user, query: str) -> tuple[float, list[tuple[str]]]:
    started = time.monotonic()
    rows = as_role(db, user, "select slug from search_documentation(%s, result_limit => 100)", (query,))
    return time.monotonic() - started, rows


def test_many_signed_terms_cost_about_what_one_does(db, make_user, superuser):
    for n in range(PAGES):
        superuser.execute(
            "insert into documentation_pages (title, slug, content, status) values (%s, %s, %s, 'published')",
            (f"Page {n}", f"page-{n}", Jsonb({"version": 1, "markdown": BODY + f" Page{n} writes c{n}++."})),
        )
    user = make_user()
    one, found = timed(db, user, "worker zz++")
    assert found == []
    many, found = timed(db, user, "worker " + " ".join(f"z{n}++" for n in range(64)))
    assert found == [] and many < 5 * one + 0.5, (one, many)
    # Terms with signs still filter as written, alone or with OR, and the first 8 of them are read.
    assert timed(db, user, "worker c7++")[1] == [("page-7",)]
    assert sorted(timed(db, user, "worker c1++ or c2++")[1]) == [("page-1",), ("page-2",)]
    ninth = "worker " + " ".join(["c3++"] * 8) + " zz++"  # the ninth signed word is searched as the parser reads it
    assert timed(db, user, ninth)[1] == [("page-3",)]
