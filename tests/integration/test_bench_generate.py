"""bench/generate.py at a tiny scale: the counts it reports are in the database, what the
skipped triggers would have written is there, and RLS still hides other accounts' drafts."""

import pytest

from bench.bench_rls import fill
from bench.generate import SHARED_DATA, Generation, generate, recorded_generation, scaled_counts
from blogster_cli.db.acting import acting_transaction
from tests.integration.test_dashboard_daily_totals import assert_rollup_exact

SCALE = 0.0005  # 5 accounts, 500 posts, 5,000 analytics rows, 500 chat messages
COUNTS = {"blog_ideas": 17}  # instead of the scale's 25


def test_generated_data_is_complete_consistent_and_private(superuser):
    """One generation (it takes seconds), three kinds of checks."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not present at {SHARED_DATA}")
    written = generate(superuser, scale=SCALE, seed=7, counts=COUNTS, report=lambda *line: None)
    check_counts(written, superuser)
    check_derived_columns(superuser)
    assert_rollup_exact(superuser)  # the dashboard's rollup, which the loading skipped the triggers of
    check_a_user_sees_own_drafts_and_no_one_elses(superuser)
    check_a_kept_database_is_reused_only_at_its_own_scale(superuser)


def count(conn, table: str) -> int:
    return conn.execute(f"select count(*) from {table}").fetchone()[0]


def check_counts(generated, superuser):
    """The counts it reports are the scale's, or the ones set, and are in the database."""
    expected = scaled_counts(SCALE, COUNTS)
    assert expected["blog_ideas"] == 17
    assert generated["users"] == expected["users"] == count(superuser, "auth.users")
    assert count(superuser, "public.profiles") == expected["users"]  # the signup trigger ran
    roles = superuser.execute(
        "select count(*) from auth.users u join pg_roles r on r.rolname = u.role_name"
        " where pg_has_role(r.rolname, 'authenticated', 'member')"
    ).fetchone()[0]
    assert roles == expected["users"]
    for table in ("blogs", "user_notifications", "documentation_pages", "chatbot_messages", "blog_ideas"):
        assert generated[table] == expected[table] == count(superuser, f"public.{table}"), table
    for table in ("blog_revisions", "blogs_to_tags", "blog_analytics", "chatbot_conversations", "serp_positions"):
        assert generated[table] == count(superuser, f"public.{table}") > 0, table


def check_derived_columns(superuser):
    """What the skipped triggers and foreign key checks would have ensured holds."""
    mismatched_words = superuser.execute(
        "select count(*) from public.blogs"
        " where word_count <> public.markdown_word_count(content ->> 'markdown')"
        " or reading_time <> public.reading_time_minutes(word_count)"
    ).fetchone()[0]
    assert mismatched_words == 0
    # The latest revision is the post's content, numbered from 1 without gaps.
    bad_revisions = superuser.execute(
        """select count(*) from public.blogs b
           join lateral (select max(revision_number) as last, count(*) as n from public.blog_revisions r
                         where r.blog_id = b.id) r on true
           where r.n = 0 or r.last <> r.n
              or (select content from public.blog_revisions where blog_id = b.id and revision_number = r.last)
                 is distinct from b.content"""
    ).fetchone()[0]
    assert bad_revisions == 0
    orphans = superuser.execute(
        """select (select count(*) from public.blogs_to_tags t
                   where not exists (select 1 from public.blogs b where b.id = t.blog_id and b.author_id = t.author_id))
                + (select count(*) from public.blog_revisions r
                   where not exists (select 1 from public.blogs b where b.id = r.blog_id and b.author_id = r.author_id))
                + (select count(*) from public.blog_analytics a
                   where not exists (select 1 from public.blogs b where b.id = a.blog_id and b.author_id = a.author_id))
                + (select count(*) from public.chatbot_messages m
                   where not exists (select 1 from public.chatbot_conversations c where c.id = m.conversation_id))"""
    ).fetchone()[0]
    assert orphans == 0
    # Each tag link's blog_public (0024) says what its post is: the policies read it, not the post.
    stale, public_links = superuser.execute(
        """select count(*) filter (where t.blog_public is distinct from (b.status = 'published' and b.deleted_at is null)),
                  count(*) filter (where t.blog_public)
           from public.blogs_to_tags t join public.blogs b on b.id = t.blog_id"""
    ).fetchone()
    assert stale == 0 and public_links > 0
    # Each link carries its tag's name (0094): the tag lists read it, not blog_tags.
    wrong_names, links = superuser.execute(
        """select count(*) filter (where t.tag_name is distinct from g.name), count(*)
           from public.blogs_to_tags t join public.blog_tags g on g.id = t.tag_id"""
    ).fetchone()
    assert wrong_names == 0 and links == count(superuser, "public.blogs_to_tags") > 0
    counted, messages = superuser.execute(
        "select (select sum(messages) from internal.chatbot_analytics_shards), (select count(*) from public.chatbot_messages)"
    ).fetchone()
    assert counted == messages
    assert count(superuser, "only public.chatbot_messages") == 0  # every row found its monthly partition
    assert count(superuser, "public.chatbot_messages_default") == 0
    assert count(superuser, "public.user_notifications_default") == 0
    assert superuser.execute("select bool_and(search_vector is not null) from public.documentation_pages").fetchone()[0]


def check_a_user_sees_own_drafts_and_no_one_elses(superuser):
    authors = superuser.execute(
        "select u.id, u.role_name from auth.users u"
        " where exists (select 1 from public.blogs b where b.author_id = u.id and b.status = 'draft')"
    ).fetchall()
    assert len(authors) >= 2, "the fixture should give several accounts drafts"
    for user_id, role_name in authors:
        own_drafts = superuser.execute(
            "select count(*) from public.blogs where author_id = %s and status = 'draft'", (user_id,)
        ).fetchone()[0]
        with acting_transaction(superuser, role_name):
            draft_authors = superuser.execute(
                "select author_id, count(*) from public.blogs where status = 'draft' group by author_id"
            ).fetchall()
            foreign_analytics = superuser.execute(
                "select count(*) from public.blog_analytics where author_id <> %s", (user_id,)
            ).fetchone()[0]
            foreign_messages = superuser.execute(
                "select count(*) from public.chatbot_messages m join public.chatbot_conversations c"
                " on c.id = m.conversation_id where c.user_id <> %s",
                (user_id,),
            ).fetchone()[0]
        assert draft_authors == [(user_id, own_drafts)]
        assert foreign_analytics == 0
        assert foreign_messages == 0


def test_refuses_a_database_that_already_has_accounts(make_user, superuser):
    make_user()
    with pytest.raises(ValueError, match="already has accounts"):
        generate(superuser, scale=SCALE, report=lambda *line: None)


def check_a_kept_database_is_reused_only_at_its_own_scale(superuser):
    """The generator records its scale, seed and counts set with the rows; bench_rls reuses a
    kept database filled with the same ones (without writing a row) and refuses one filled with others."""
    filled = Generation(SCALE, 7, COUNTS)
    assert recorded_generation(superuser) == filled
    posts = count(superuser, "public.blogs")
    assert fill(superuser, filled, kept=True, applied=[]) is True
    assert count(superuser, "public.blogs") == posts
    assert fill(superuser, Generation(SCALE * 2, 7, COUNTS), kept=True, applied=[]) is False
    assert fill(superuser, Generation(SCALE, 8, COUNTS), kept=True, applied=[]) is False
    assert fill(superuser, Generation(SCALE, 7), kept=True, applied=[]) is False
    assert fill(superuser, Generation(SCALE, 7, {"blog_ideas": 18}), kept=True, applied=[]) is False
    assert count(superuser, "public.blogs") == posts


def test_a_kept_database_with_accounts_but_no_record_is_refused(superuser, make_user):
    """Accounts the generator did not write (or a database filled before it recorded its scale) are
    not taken for generated data, nor generated over."""
    make_user()
    assert recorded_generation(superuser) is None
    assert fill(superuser, Generation(SCALE, 7), kept=True, applied=[]) is False
