"""Red team 67 F2: publishing a post before its time with your own SQL (migration 0206).

The commands publish no post dated in the future (they schedule it), but the rule lived only in
Python: `update public.blogs set status = 'published'` on a post scheduled for 2031, or an insert
dated 2031 or 'infinity', published it at once to the site, the feeds and every author's list. The
database now refuses a row that becomes published dated past its clock plus five minutes."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.errors import translate
from blogster_cli.errors import InvalidInput

INSERT = (
    "insert into public.blogs (title, slug, status, published_at, content)"
    " values ('Early', 'early-insert', 'published', {at}, jsonb_build_object('markdown', 'Words.'))"
)


@pytest.fixture
def ada(db, make_user, superuser):
    """ada, with a post scheduled for 2031 and one published in 2020."""
    ada = make_user("ada@example.com")
    superuser.execute(
        "insert into public.blogs (title, slug, author_id, status, published_at, content) values"
        " ('Early', 'early', %(a)s, 'scheduled', '2031-06-01T10:00:00Z', jsonb_build_object('markdown', 'Words.')),"
        " ('Live', 'live', %(a)s, 'published', '2020-01-01T00:00:00Z', jsonb_build_object('markdown', 'Words.'))",
        {"a": ada.user_id},
    )
    return ada


def as_ada(db, ada, statement: str) -> int:
    with db.connect() as conn, acting_transaction(conn, ada.role_name):
        return conn.execute(statement).rowcount


def statuses(superuser) -> dict[str, str]:
    return dict(superuser.execute("select slug, status::text from public.blogs").fetchall())


@pytest.mark.parametrize(
    "statement",
    [
        "update public.blogs set status = 'published' where slug = 'early'",
        "update public.blogs set published_at = '2031-01-01' where slug = 'live'",
        "update public.blogs set published_at = 'infinity' where slug = 'live'",
        "update public.blogs set published_at = pg_catalog.clock_timestamp() + interval '6 minutes' where slug = 'live'",
        INSERT.format(at="'2031-01-01'"),
        INSERT.format(at="'infinity'"),
        INSERT.format(at="pg_catalog.clock_timestamp() + interval '6 minutes'"),
    ],
    ids=["scheduled-to-published", "dated-ahead", "dated-infinity", "just-past-allowance", "insert-ahead",
         "insert-infinity", "insert-just-past-allowance"],
)  # fmt: skip
def test_publishing_ahead_by_your_own_sql_is_refused_with_a_one_line_error(db, ada, superuser, statement):
    with pytest.raises(psycopg.errors.CheckViolation) as refused:
        as_ada(db, ada, statement)
    assert refused.value.diag.constraint_name == "blogs_published_not_ahead"
    error = translate(refused.value)
    assert isinstance(error, InvalidInput) and str(error).startswith("a published post is not dated in the future")
    assert "\n" not in str(error)
    assert statuses(superuser) == {"early": "scheduled", "live": "published"}
    assert superuser.execute("select published_at::text from public.blogs where slug = 'live'").fetchone()[0][:10] == (
        "2020-01-01"
    )


def test_inside_the_clock_skew_allowance_and_every_other_write_still_work(db, ada, superuser):
    """A client clock a few minutes ahead of the server's still publishes; a published post's other fields,
    a scheduled post's, and unpublishing are no publication ahead."""
    assert as_ada(db, ada, INSERT.format(at="pg_catalog.clock_timestamp() + interval '4 minutes'")) == 1
    assert as_ada(db, ada, "update public.blogs set title = 'Still live' where slug = 'early-insert'") == 1
    assert as_ada(db, ada, "update public.blogs set published_at = '2032-01-01' where slug = 'early'") == 1
    assert as_ada(db, ada, "update public.blogs set status = 'draft' where slug = 'live'") == 1
    assert statuses(superuser) == {"early": "scheduled", "early-insert": "published", "live": "draft"}
