"""SEO positions, competitor pages, revenue and reader segments (0005 policies, 0045 keys): Bob against Ada.

Ada imports a Search Console export, an Ahrefs export and a revenue report and derives her
reader segments through the CLI. Bob, a second account, then tries as his own database role
and through the CLI to read her rows, write rows onto her published posts or her keywords,
overwrite her rows through the new unique keys (ON CONFLICT), and import onto her posts by
slug or URL. Every attempt fails or touches nothing, and Ada's rows are the same afterwards.
"""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import PASSWORD
from tests.integration.test_analytics_ingest import HAND_MADE_LOG, write
from tests.integration.test_competitors_and_revenue import AFFILIATE_REPORT, AHREFS_TOP_PAGES
from tests.integration.test_seo_positions import GSC_DAY1

cli, signed_up = cli_fixtures.cli, cli_fixtures.signed_up  # the CLI fixtures, as tests/cli uses them

OWNER_COLUMNS = {
    "serp_positions": None, "competitor_content": "user_id", "content_monetization": "user_id",
    "reader_profiles": "user_id", "keyword_research": "user_id",
}  # fmt: skip


def snapshot(superuser, ada) -> dict[str, list]:
    out = {}
    for table, owner in OWNER_COLUMNS.items():
        where = (
            f"{owner} = %s" if owner else "blog_id in (select id from blogs where author_id = %s)"
        )  # serp_positions belong to the post's author
        out[table] = superuser.execute(
            f"select to_jsonb(t) from {table} t where {where} order by t.id", (ada,)
        ).fetchall()
    return out


def as_bob(db, role: str, statement: str, params: dict | None = None) -> str:
    """'ok:<rows>' or the SQLSTATE of the refusal; committed when it succeeds."""
    with db.connect() as conn:
        try:
            with acting_transaction(conn, role):
                cursor = conn.execute(statement, params or {})
                return f"ok:{len(cursor.fetchall()) if cursor.description else cursor.rowcount}"
        except psycopg.Error as exc:
            return exc.sqlstate or "error"


@pytest.fixture
def ada_imported(cli, signed_up, superuser, tmp_path):
    for title in ("Alpha", "Beta"):
        made = cli("posts", "new", title, "--slug", title.lower(), "--status", "published", input="Words.\n")
        assert made.exit_code == 0
    assert cli("site", "settings", "set", "custom-domain", "ada.dev").exit_code == 0  # the exports' pages are there
    commands = [
        ("seo", "import-positions", str(write(tmp_path / "gsc.csv", [GSC_DAY1])), "--date", "2026-11-28"),
        ("competitors", "import", str(write(tmp_path / "pages.csv", [AHREFS_TOP_PAGES]))),
        ("revenue", "import", str(write(tmp_path / "rev.csv", [AFFILIATE_REPORT])), "--type", "affiliate",
         "--provider", "amazon"),
        ("analytics", "ingest", str(write(tmp_path / "access.log", HAND_MADE_LOG))),
        ("audience", "segments", "--days", "3660"),
    ]  # fmt: skip
    for command in commands:
        result = cli(*command)
        assert result.exit_code == 0, (command, result.stderr)
    ada = superuser.execute("select id from auth.users where email = %s", (signed_up,)).fetchone()[0]
    rows = snapshot(superuser, ada)
    assert all(rows.values()), "Ada's imports wrote nothing to attack"
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    bob = superuser.execute("select id from auth.users where email = 'bob@example.com'").fetchone()[0]
    ids = {
        "ada": ada,
        "alpha": superuser.execute("select id from blogs where slug = 'alpha'").fetchone()[0],
        "keyword": superuser.execute(
            "select id from keyword_research where user_id = %s and keyword = 'terminal habits'", (ada,)
        ).fetchone()[0],
        "url": rows["competitor_content"][0][0]["content_url"],
        "reference": rows["content_monetization"][0][0]["reference_id"],
    }
    return {"rows": rows, "bob_role": f"u_{bob.hex}", "ids": ids}


ATTACKS = {
    "read her positions": "select * from serp_positions",
    "read her competitor pages": "select * from competitor_content",
    "read her revenue": "select * from content_monetization",
    "read her reader segments": "select * from reader_profiles",
    "read her keywords": "select * from keyword_research",
    "insert a position on her post with her keyword": (
        "insert into serp_positions (blog_id, keyword_id, rank_position) values (%(alpha)s, %(keyword)s, 1)"
    ),
    "upsert over her position through the 0045 key": (
        "insert into serp_positions (blog_id, keyword_id, rank_position, check_date, search_locale)"
        " values (%(alpha)s, %(keyword)s, 99, '2026-11-28', null)"
        " on conflict (blog_id, keyword_id, check_date, search_engine, device_type, search_locale)"
        " do update set rank_position = 99"
    ),
    "move her positions": "update serp_positions set rank_position = 1",
    "insert revenue on her post": (
        "insert into content_monetization (blog_id, monetization_type, revenue) values (%(alpha)s, 'affiliate', 1e6)"
    ),
    "insert revenue as her": "insert into content_monetization (user_id, monetization_type) values (%(ada)s, 'paywall')",
    "upsert over her revenue through the 0045 key": (
        "insert into content_monetization (user_id, provider, reference_id, monetization_type, revenue)"
        " values (%(ada)s, 'amazon', %(reference)s, 'affiliate', 0)"
        " on conflict (user_id, provider, reference_id) do update set revenue = 0"
    ),
    "change her revenue": "update content_monetization set revenue = 0",
    "insert a competitor page as her": (
        "insert into competitor_content (user_id, content_url) values (%(ada)s, 'https://evil.example/')"
    ),
    "upsert over her competitor page": (
        "insert into competitor_content (user_id, content_url, title) values (%(ada)s, %(url)s, 'pwned')"
        " on conflict (user_id, content_url) do update set title = 'pwned'"
    ),
    "rename her segments": "update reader_profiles set segment_name = 'pwned'",
    "insert a segment as her": "insert into reader_profiles (user_id, segment_name) values (%(ada)s, 'all readers')",
    "delete her rows": "delete from content_monetization",
    "read her page views' devices": "select device from analytics_page_views",
}


def test_bob_can_neither_read_nor_write_adas_rows_by_sql(db, superuser, ada_imported):
    results = {name: as_bob(db, ada_imported["bob_role"], sql, ada_imported["ids"]) for name, sql in ATTACKS.items()}
    allowed = {"ok:0"}
    refused = {"42501"}  # insufficient privilege: a WITH CHECK (or DELETE) refused
    for name, outcome in results.items():
        assert outcome in allowed | refused, (name, outcome)
    for name in (
        "insert a position on her post with her keyword", "upsert over her position through the 0045 key",
        "insert revenue on her post", "insert revenue as her", "upsert over her revenue through the 0045 key",
        "insert a competitor page as her", "upsert over her competitor page", "insert a segment as her",
    ):  # fmt: skip
        assert results[name] == "42501", (name, results[name])
    assert snapshot(superuser, ada_imported["ids"]["ada"]) == ada_imported["rows"]


def test_bob_reaches_none_of_adas_rows_through_the_cli(cli, superuser, ada_imported, tmp_path):
    assert cli("auth", "logout").exit_code == 0
    login = cli("auth", "login", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert login.exit_code == 0, login.stderr
    # Imports naming Ada's published posts by URL (on her site: another site's to Bob) or slug are
    # skipped line by line; on Bob's own host, her posts' addresses are none of his posts either.
    positions = cli("seo", "import-positions", str(write(tmp_path / "b.csv", [GSC_DAY1])), "--json").json()
    assert positions["inserted"] == 0 and all(
        "a page of another site (ada.dev)" in r["reason"] for r in positions["rejected"][:4]
    )
    bobs_host = cli("site", "settings", "show", "--json").json()["base_url"]
    on_bobs_host = GSC_DAY1.replace("https://ada.dev/", bobs_host)
    positions = cli("seo", "import-positions", str(write(tmp_path / "c.csv", [on_bobs_host])), "--json").json()
    assert positions["inserted"] == 0 and all("none of your posts" in r["reason"] for r in positions["rejected"][:4])
    revenue = cli(
        "revenue", "import", str(write(tmp_path / "r.csv", [AFFILIATE_REPORT])), "--type", "affiliate", "--json"
    ).json()
    assert revenue["inserted"] == 0 and {r["reason"] for r in revenue["rejected"]} >= {
        "https://ada.dev/posts/alpha/: a page of another site (ada.dev)",
        "beta: none of your posts",
    }
    forced = cli(
        "seo", "import-positions", str(write(tmp_path / "q.csv", ["Query,Position\nx,1\n"])), "--blog", "alpha"
    )
    assert (forced.exit_code, forced.stderr) == (3, "error: no post with slug or id 'alpha'\n")  # as `publish alpha`
    # Listings show only Bob's own (empty) data
    assert cli("seo", "positions", "--json").json() == []
    assert cli("seo", "positions", "--blog", "alpha").exit_code == 3
    assert cli("competitors", "list", "--json").json() == []
    assert cli("revenue", "report", "--json").json() == {"total_revenue": 0, "by_post": [], "by_type": []}
    segments = cli("audience", "segments", "--json").json()
    assert all(segment["segment_size"] == 0 for segment in segments)
    assert cli("seo", "keywords", "--json").json() == []
    assert snapshot(superuser, ada_imported["ids"]["ada"]) == ada_imported["rows"]


def test_the_0209_keyword_key_tells_bob_nothing_of_adas_keywords(db, superuser, ada_imported):
    """0209's unique key is (owner, keyword): Bob adding a keyword Ada has and one she has not answers
    alike (his own row, no conflict); as her (user_id hers), RLS refuses both before any key is checked,
    with or without ON CONFLICT, so no unique violation says which keywords she has."""
    role, ids = ada_imported["bob_role"], ada_imported["ids"]
    probes = {}
    for keyword in ("terminal habits", "nothing she has"):
        params = {**ids, "k": keyword}
        probes[keyword] = [
            as_bob(db, role, "insert into keyword_research (user_id, keyword) values (%(ada)s, %(k)s)", params),
            as_bob(
                db,
                role,
                "insert into keyword_research (user_id, keyword) values (%(ada)s, upper(%(k)s))"
                " on conflict (user_id, lower(keyword)) do nothing returning id",
                params,
            ),  # fmt: skip
            as_bob(
                db,
                role,
                "insert into keyword_research (user_id, keyword) values (%(ada)s, %(k)s)"
                " on conflict (user_id, lower(keyword)) do update set search_volume = 0",
                params,
            ),  # fmt: skip
            as_bob(
                db,
                role,
                "insert into keyword_research (keyword) values (upper(%(k)s))"
                " on conflict (user_id, lower(keyword)) do nothing returning id",
                params,
            ),  # fmt: skip
        ]
    assert probes["terminal habits"] == probes["nothing she has"] == ["42501", "42501", "42501", "ok:1"]
    assert snapshot(superuser, ids["ada"]) == ada_imported["rows"]
