"""Access-log analytics (0040): what a second account tries by raw SQL against another's figures.

Alice ingests a log; Bob, acting as his own role, tries to read, forge, poison and block her
ingest ledger, page views, ingest lock, blog_analytics and daily visitors (0109). Every attempt
fails or touches nothing, and Alice's data is the same afterwards.
"""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services.analytics_ingest import ingest
from tests.integration.test_analytics_ingest import HAND_MADE_LOG, write

TABLES = (
    "analytics_page_views", "analytics_ingest_ranges", "analytics_ingest_locks", "blog_analytics",
    "analytics_daily_visitors",
)  # fmt: skip


@pytest.fixture
def world(db, make_user, superuser, tmp_path):
    alice, bob = make_user(), make_user()
    ids = {}
    for owner, slug in ((alice, "alpha"), (alice, "beta"), (bob, "bobs")):
        ids[slug] = superuser.execute(
            "insert into blogs (author_id, title, slug, status, published_at)"
            " values (%s, %s, %s, 'published', now()) returning id",
            (owner.user_id, slug, slug),
        ).fetchone()[0]
    log = write(tmp_path / "access.log", HAND_MADE_LOG)
    ingest(ActingUser(db, alice), sources=[str(log)])
    # A view stored one a row, as before 0046 (new batches keep theirs in the ledger row).
    superuser.execute(
        "insert into analytics_page_views (author_id, blog_id, visitor, viewed_at) values (%s, %s, 7, '2020-01-01')",
        (alice.user_id, ids["alpha"]),
    )
    return {"alice": alice, "bob": bob, "ids": ids, "log": log}


def alice_data(superuser, alice) -> dict[str, list]:
    return {
        table: superuser.execute(
            f"select to_jsonb(t) - 'updated_at' - 'locked_at' from {table} t where author_id = %s order by 1::text",
            (alice.user_id,),
        ).fetchall()
        for table in TABLES
    }


def as_bob(db, world, statement: str, params: tuple = ()) -> str:
    """'ok:<rows>' or the SQLSTATE of the error; committed when it succeeds."""
    with db.connect() as conn:
        try:
            with acting_transaction(conn, world["bob"].role_name):
                cursor = conn.execute(statement, params)
                return f"ok:{len(cursor.fetchall()) if cursor.description else cursor.rowcount}"
        except psycopg.Error as exc:
            return exc.sqlstate or "error"


def test_bob_sees_none_of_alices_analytics(db, superuser, world):
    alice = world["alice"]
    assert all(alice_data(superuser, alice)[table] for table in TABLES), "Alice's ingest wrote nothing to attack"
    for table in TABLES:
        columns = "author_id, file_key, views, line_digests" if table == "analytics_ingest_ranges" else "*"
        if table == "analytics_page_views":
            columns = "author_id, blog_id, visitor, viewed_at, referrer, device"
        assert as_bob(db, world, f"select {columns} from {table} where author_id = %s", (alice.user_id,)) == "ok:0"
        assert as_bob(db, world, f"select {columns} from {table}") == "ok:0"


ATTACKS = {
    "forge a page view as Alice": (
        "insert into analytics_page_views (author_id, blog_id, visitor, viewed_at) values (%(alice)s, %(alpha)s, 1, now())"
    ),
    "point his own page view at Alice's post": (
        "insert into analytics_page_views (blog_id, visitor, viewed_at) values (%(alpha)s, 1, now())"
    ),
    "slip views into Alice's ledger": (
        "insert into analytics_ingest_ranges (author_id, file_key, start_offset, end_offset, range_hash, lines,"
        " first_view, last_view, views) values (%(alice)s, repeat('c', 64), 0, 9, repeat('d', 64), 1, now(), now(),"
        " %(alpha)s || E'\\t1\\t' || extract(epoch from now())::bigint || E'\\t\\t')"
    ),
    "poison Alice's ledger so her next ingest skips a log": (
        "insert into analytics_ingest_ranges (author_id, file_key, start_offset, end_offset, range_hash, lines)"
        " values (%(alice)s, repeat('a', 64), 0, 999999, repeat('b', 64), 1)"
    ),
    "unmark Alice's ranges": "update analytics_ingest_ranges set summarised = false where author_id = %(alice)s",
    # 0128: a shorter copy of a log is checked against the line digests: forged ones would pass another log
    "rewrite the line digests of Alice's ranges": (
        "update analytics_ingest_ranges set line_digests = '\\x00000000' where author_id = %(alice)s"
    ),
    "slip line digests for a log into Alice's ledger": (
        "insert into analytics_ingest_ranges (author_id, file_key, start_offset, end_offset, range_hash, line_digests,"
        " lines) values (%(alice)s, repeat('a', 64), 0, 999999, repeat('b', 64), '\\x00000000', 1)"
    ),
    "take Alice's ingest lock": "update analytics_ingest_locks set locked_at = now() where author_id = %(alice)s",
    "lock Alice's lock row": "select * from analytics_ingest_locks where author_id = %(alice)s for update",
    "create a lock row for Alice": "insert into analytics_ingest_locks (author_id) values (%(alice)s)",
    "write figures for Alice's post": (
        "insert into blog_analytics (blog_id, date, views) values (%(alpha)s, '2026-11-30', 999999)"
    ),
    "upsert over Alice's figures": (
        "insert into blog_analytics (blog_id, date, views) values (%(alpha)s, '2026-12-01', 999999)"
        " on conflict (blog_id, date) do update set views = excluded.views"
    ),
    "change Alice's figures": "update blog_analytics set views = 0 where blog_id = %(alpha)s",
    "delete Alice's page views": "delete from analytics_page_views where author_id = %(alice)s",
    "delete Alice's ledger": "delete from analytics_ingest_ranges where author_id = %(alice)s",
    "move Alice's ledger rows to himself": (
        "update analytics_ingest_ranges set author_id = %(bob)s where author_id = %(alice)s"
    ),
    # 0109: the site's unique visitors per day
    "write daily visitors for Alice": (
        "insert into analytics_daily_visitors (author_id, date, unique_visitors) values (%(alice)s, '2026-11-30', 999999)"
    ),
    "upsert over Alice's daily visitors": (
        "insert into analytics_daily_visitors (author_id, date, unique_visitors) values (%(alice)s, '2026-12-01', 0)"
        " on conflict (author_id, date) do update set unique_visitors = excluded.unique_visitors"
    ),
    "change Alice's daily visitors": "update analytics_daily_visitors set unique_visitors = 0 where author_id = %(alice)s",
    "take Alice's daily visitors": (
        "update analytics_daily_visitors set author_id = %(bob)s where author_id = %(alice)s"
    ),
    "delete Alice's daily visitors": "delete from analytics_daily_visitors where author_id = %(alice)s",
    "lock Alice's daily visitors": "select * from analytics_daily_visitors where author_id = %(alice)s for update",
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_bob_cannot_change_alices_analytics(db, superuser, world, attack):
    before = alice_data(superuser, world["alice"])
    params = {"alice": world["alice"].user_id, "bob": world["bob"].user_id, "alpha": world["ids"]["alpha"]}
    outcome = as_bob(db, world, ATTACKS[attack] % {k: f"'{v}'" for k, v in params.items()})
    assert outcome in ("ok:0", "42501", "23503"), outcome
    assert alice_data(superuser, world["alice"]) == before


def test_bob_cannot_block_alices_ingest(db, world):
    """Bob holding his own lock (and trying for hers) in an open transaction does not stall Alice."""
    alice = ActingUser(db, world["alice"])
    with db.connect() as conn, acting_transaction(conn, world["bob"].role_name):
        conn.execute(
            "insert into analytics_ingest_locks default values on conflict (author_id) do update set locked_at = now()"
        )
        conn.execute("select * from analytics_ingest_locks for update").fetchall()
        write(world["log"], [*HAND_MADE_LOG, HAND_MADE_LOG[0]])
        assert ingest(alice, sources=[str(world["log"])], lock_wait_s=1).lines == 1


def test_bobs_ingest_of_the_same_log_is_his_own(db, superuser, world):
    """Ledgers are per account: the same log is new for Bob, and counting it leaves Alice's figures alone."""
    before = alice_data(superuser, world["alice"])
    run = ingest(ActingUser(db, world["bob"]), sources=[str(world["log"])], accept_unmatched=True)
    assert (run.files[0].known, run.files[0].refused, run.page_views) == ("new", None, 4)
    assert run.matched == 0  # Bob has no posts called alpha or beta
    assert alice_data(superuser, world["alice"]) == before
    own = superuser.execute(
        "select count(*) from analytics_ingest_ranges, string_to_table(views, E'\\n') r"
        " where author_id = %s and split_part(r, E'\\t', 1) <> ''",
        (world["bob"].user_id,),
    ).fetchone()[0]
    assert own == 0


def test_alices_post_id_in_bobs_own_ledger_counts_for_nothing(db, superuser, world):
    """A post id in the ledger's views is no foreign key (0046): Bob can write Alice's there, in his own rows,
    and his ingest then counts it for no post: Alice's figures stay hers, and Bob's run still works."""
    bob = ActingUser(db, world["bob"])
    before = alice_data(superuser, world["alice"])
    forged = f"{world['ids']['alpha']}\t1\t1796083200\texample.com\tdesktop"  # 2026-12-01
    assert (
        as_bob(
            db, world,
            "insert into analytics_ingest_ranges (file_key, start_offset, end_offset, range_hash, lines,"
            " first_view, last_view, views) values (repeat('e', 64), 0, 9, repeat('f', 64), 1,"
            " to_timestamp(1796083200), to_timestamp(1796083200), %s)",
            (forged,),
        )
        == "ok:1"
    )  # fmt: skip
    run = ingest(bob, sources=[str(world["log"])], accept_unmatched=True)  # views on no post of his
    assert run.lines == len(HAND_MADE_LOG)
    assert alice_data(superuser, world["alice"]) == before
    assert not superuser.execute(
        "select 1 from blog_analytics where blog_id = %s and author_id = %s",
        (world["ids"]["alpha"], world["bob"].user_id),
    ).fetchall()
    # nor a visitor of Bob's site (0109): the view is of no post of his
    assert not superuser.execute(
        "select 1 from analytics_daily_visitors where author_id = %s", (world["bob"].user_id,)
    ).fetchall()


def test_bob_cannot_count_other_accounts_ingests_through_row_numbers(db, superuser, world):
    """0103: the ledger's and page views' ids are identities shared by every account; reading
    his own rows' ids before and after, Bob learned how many rows Alice ingested meanwhile.
    He reads every other column of his own rows, and none of the ids, however asked."""
    bob = world["bob"]
    ingest(ActingUser(db, bob), sources=[str(world["log"])], accept_unmatched=True)
    for statement in (
        "select id from analytics_ingest_ranges",
        "select max(id) from analytics_ingest_ranges",
        "select * from analytics_ingest_ranges",
        "select file_key from analytics_ingest_ranges order by id",
        "select to_jsonb(t) from analytics_page_views t",
        "insert into analytics_page_views (blog_id, visitor, viewed_at) values (null, 1, now()) returning id",
        "insert into analytics_ingest_ranges (file_key, start_offset, end_offset, range_hash, lines)"
        " values (repeat('c', 64), 0, 1, repeat('d', 64), 1) returning *",
        # 0107: writing the numbers the identity hands out next failed every account's ingest on
        # the primary key, and a taken one (23505) found the global volume.
        "insert into analytics_ingest_ranges (id, file_key, start_offset, end_offset, range_hash, lines)"
        " overriding system value values (1, repeat('c', 64), 0, 1, repeat('d', 64), 1)",
        "insert into analytics_page_views (id, visitor, viewed_at) overriding system value values (1, 1, now())",
    ):
        assert as_bob(db, world, statement) == "42501", statement
    assert as_bob(db, world, "select author_id, file_key, start_offset, views from analytics_ingest_ranges") != "ok:0"
    for table in ("analytics_ingest_ranges", "analytics_page_views"):
        every, readable = superuser.execute(
            "select array_agg(attname order by attnum) filter (where attname <> 'id'),"
            " array_agg(attname order by attnum) filter (where has_column_privilege(%s, attrelid, attnum, 'select'))"
            " from pg_attribute where attrelid = %s::regclass and attnum > 0 and not attisdropped",
            (bob.role_name, table),
        ).fetchone()
        assert readable == every, f"{table}: an account reads {readable}, not every column but id"
