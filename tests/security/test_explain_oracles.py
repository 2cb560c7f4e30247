"""Issue 8 item 3: EXPLAIN ANALYZE must not count another account's hidden rows by value.

Bob probes ranges of a column with leakproof conditions (which PostgreSQL may push into
an index condition ahead of the policy) and reads every counter of the plan: rows each
node returned, rows the policy's filter removed, index searches. Two probes that differ
only in whether Alice's hidden rows fall inside the range must read the same, under
every plan shape Bob can force with the planner's enable_* settings. (Counts of an
owner's rows through the indexes that lead with the owner column remain: see README.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from psycopg.types.json import Jsonb

from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

PLAN_SHAPES = (
    "",
    "set enable_seqscan = off",
    "set enable_seqscan = off; set enable_bitmapscan = off",
    "set enable_seqscan = off; set enable_indexscan = off; set enable_indexonlyscan = off",
)
COUNTERS = (
    "Node Type",
    "Index Name",
    "Actual Rows",
    "Actual Loops",
    "Rows Removed by Filter",
    "Rows Removed by Index Recheck",
    "Index Searches",
)
HIDDEN = 300


def counters(node: dict[str, Any]) -> list[tuple]:
    """Every counter of every node, depth first, without timing, buffers or page counts.

    The policy's InitPlans and SubPlans (auth.uid(), parent checks) are left out: whether
    they ran at all, and the plan the planner picked for them from its statistics, are the
    residue documented in README (tested separately below).
    """
    if node.get("Parent Relationship") in ("InitPlan", "SubPlan"):
        return []
    found = [tuple(node.get(key) for key in COUNTERS)]
    for child in node.get("Plans", []):
        found.extend(counters(child))
    return found


def probe(conn, shape: str, query: str, params: tuple) -> list[tuple]:
    with conn.transaction():
        if shape:
            for setting in shape.split(";"):
                conn.execute(setting)
        plan = conn.execute(
            "explain (analyze, costs off, timing off, summary off, buffers off, format json) " + query, params
        ).fetchone()[0]
        conn.execute("reset all")
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return counters(plan[0]["Plan"])


@pytest.fixture
def hidden_world(superuser, make_user):
    """Alice: many drafts (slugs m-...), a few published posts, images on drafts, activities.
    Bob: his own published posts, so the tables are not Alice's alone."""
    alice = make_user(login_password=LOGIN_PASSWORD)
    bob = make_user(login_password=LOGIN_PASSWORD)
    doc = Jsonb({"version": 1, "markdown": "w", "sections": []})
    superuser.execute(
        "insert into blogs (title, slug, author_id, status, content)"
        " select 'Draft', 'm-secret-' || lpad(g::text, 4, '0'), %s, 'draft', %s from generate_series(1, %s) g",
        (alice.user_id, doc, HIDDEN),
    )
    superuser.execute(
        "insert into blogs (title, slug, author_id, status, content)"
        " select 'Open', 'z-open-' || g, %s, 'published', %s from generate_series(1, 20) g",
        (alice.user_id, doc),
    )
    superuser.execute(
        "insert into blogs (title, slug, author_id, status, content)"
        " select 'Bob', 'b-post-' || g, %s, 'published', %s from generate_series(1, 200) g",
        (bob.user_id, doc),
    )
    superuser.execute(
        # Stored names (0115): `<sha256 hex>.<ext>`, all of Alice's hidden ones starting with 'e'.
        "insert into image_assets (url, path, blog_id, created_by)"
        " select 'media/x', 'e' || left(md5(b.slug) || md5(b.slug), 63) || '.png', b.id, b.author_id"
        " from blogs b where b.status = 'draft'"
    )
    superuser.execute(
        "insert into activities (user_id, type, title, description, blog_id)"
        " select b.author_id, 'm-secret-type', 'Wrote ' || b.slug, 'd', b.id from blogs b where b.status = 'draft'"
    )
    superuser.execute("analyze")
    return alice, bob


CASES = {
    "blogs.slug": [
        ("select id from public.blogs where slug between %s and %s", ("m", "n"), ("c", "d")),
        ("select id from public.blogs where author_id = %s and slug between %s and %s", ("m", "n"), ("c", "d")),
        ("select id from public.blogs where author_id = %s and slug = %s", ("m-secret-0007",), ("c-none",)),
    ],
    "image_assets.path": [
        ("select id from public.image_assets where path between %s and %s", ("e", "f"), ("c", "d")),
        ("select id from public.image_assets where created_by = %s and path between %s and %s", ("e", "f"), ("c", "d")),
    ],
    "activities.type": [
        ("select id from public.activities where type = %s", ("m-secret-type",), ("c-none",)),
        ("select id from public.activities where type between %s and %s", ("m", "n"), ("c", "d")),
        ("select id from public.activities where user_id = %s and title between %s and %s", ("W", "X"), ("c", "d")),
    ],
}


@pytest.mark.parametrize("column", sorted(CASES))
def test_another_account_cannot_count_hidden_rows_by_value(db, hidden_world, column):
    alice, bob = hidden_world
    leaks = []
    with login_as(db, bob.role_name) as conn:
        for query, inside, outside in CASES[column]:
            owner = (alice.user_id,) if query.count("%s") > len(inside) else ()
            for shape in PLAN_SHAPES:
                seen_inside = probe(conn, shape, query, owner + inside)
                seen_outside = probe(conn, shape, query, owner + outside)
                if seen_inside != seen_outside:
                    leaks.append(f"{shape or 'default'}: {query} {inside}: {seen_inside} vs {seen_outside}")
    assert leaks == []


@pytest.mark.xfail(strict=True, reason="residue (README): a policy's InitPlan runs only once a row reaches it")
def test_residue_whether_the_policy_ran_shows_whether_any_row_matched(db, hidden_world):
    """Leakproof conditions are evaluated before the policy's own; the policy's InitPlan
    (select auth.uid()) is evaluated when the first row reaches it, so its loop count (0 or
    1) tells whether any row, hidden or not, matched. Kept because the InitPlan is what
    makes auth.uid() cost ~4 us per statement instead of per row (migration 0008)."""
    alice, bob = hidden_world
    with login_as(db, bob.role_name) as conn:
        query = "select id from public.blogs where author_id = %s and slug between %s and %s"
        plans = [probe_all(conn, query, (alice.user_id, *bounds)) for bounds in (("m", "n"), ("c", "d"))]
    assert plans[0] == plans[1]


def probe_all(conn, query: str, params: tuple) -> list:
    with conn.transaction():
        plan = conn.execute(
            "explain (analyze, costs off, timing off, summary off, buffers off, format json) " + query, params
        ).fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)

    def walk(node):
        return [(node["Node Type"], node.get("Actual Loops"))] + [x for c in node.get("Plans", []) for x in walk(c)]

    return walk(plan[0]["Plan"])
