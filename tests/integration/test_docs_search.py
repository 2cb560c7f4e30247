"""search_documentation: ranking on a small fixed corpus, filters, highlighting, hostile input, drafts."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.db import migrations
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import documentation
from tests.integration.test_migrations import use_copied_migrations

CORPUS = {
    # slug: (category, title, status, tags, markdown)
    "styles/color": (
        "styles",
        "Color",
        "published",
        ["css"],
        "# Color\n\nThe `color` style sets the text color of a widget.\n\n## Syntax\n\ncolor: red;\n",
    ),
    "styles/background": (
        "styles",
        "Background",
        "published",
        ["css"],
        "# Background\n\nSets the background color of a widget. A color name or hex value.\n",
    ),
    "guide/events": (
        "guide",
        "Events and messages",
        "published",
        [],
        "# Events and messages\n\nHandlers receive events.\n\n## Message queue\n\nEvery widget has a message queue."
        " Messages wait in the queue until the handler runs.\n\n## Bubbling\n\nEvents bubble up to the parent.\n",
    ),
    "guide/workers": (
        "guide",
        "Workers",
        "published",
        ["concurrency"],
        "# Workers\n\nRun slow work in a worker thread so the interface stays responsive. The queue of"
        " work is processed in order. A message is posted when the worker ends.\n",
    ),
    "guide/screens": (
        "guide",
        "Screens",
        "published",
        [],
        "# Screens\n\nPush and pop screens on the screen stack.\n\n```python\n# a comment, not a heading\n```\n",
    ),
    "faq/install": (
        "faq",
        "Installing on Windows",
        "published",
        ["setup"],
        "# Installing on Windows\n\nUse the new Windows Terminal for the best colors.\n",
    ),
    "guide/secret-roadmap": (
        "guide",
        "Secret roadmap",
        "draft",
        [],
        "# Secret roadmap\n\nThe zeppelin feature ships next year.\n",
    ),
}


@pytest.fixture
def corpus(superuser):
    categories = {}
    for position, name in enumerate(("styles", "guide", "faq")):
        categories[name] = superuser.execute(
            "insert into documentation_categories (name, slug, order_position) values (%s, %s, %s) returning id",
            (name.title(), name, position),
        ).fetchone()[0]
    for slug, (category, title, status, tags, markdown) in CORPUS.items():
        superuser.execute(
            "insert into documentation_pages (category_id, title, slug, content, tags, status)"
            " values (%s, %s, %s, %s, %s, %s)",
            (
                categories[category],
                title,
                slug,
                Jsonb({"version": 1, "markdown": markdown, "source": {"path": slug + ".md"}}),
                tags,
                status,
            ),
        )
    return categories


def search(db, actor, query, **options):
    conn = db.connect()
    try:
        with acting_transaction(conn, actor.role_name):
            names = ", ".join(f"{key} => %({key})s" for key in options)
            sql = "select slug, score, snippet, path, category from search_documentation(%(query)s"
            sql += (", " + names if names else "") + ")"
            return conn.execute(sql, {"query": query, **options}).fetchall()
    finally:
        conn.close()


def slugs(rows):
    return [row[0] for row in rows]


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("color", "styles/color"),  # the title beats a body mention
        ("message queue", "guide/events"),  # a section heading finds its page
        ("background color", "styles/background"),
        ("windows", "faq/install"),
        ("worker thread", "guide/workers"),
        ("screen stack", "guide/screens"),
    ],
)
def test_ranking_puts_the_expected_page_first(db, make_user, corpus, query, expected_first):
    rows = search(db, make_user(), query)
    assert slugs(rows)[0] == expected_first, rows


def test_words_in_code_fences_are_not_headings(superuser):
    markdown = "# Real\n\n```python\n# not a heading\n```\n## Also real ##\n"
    assert superuser.execute("select documentation_headings(%s)", (markdown,)).fetchone()[0] == "Real\nAlso real"


def test_snippets_highlight_the_query_words_and_carry_path_and_category(db, make_user, corpus):
    slug, score, snippet, path, category = search(db, make_user(), "bubble")[0]
    assert slug == "guide/events" and score > 0
    assert "⟦bubble⟧" in snippet
    assert (path, category) == ("guide/events.md", "Guide")


def test_websearch_syntax_phrases_or_and_exclusion(db, make_user, corpus):
    user = make_user()
    assert slugs(search(db, user, '"message queue"')) == ["guide/events"]
    assert set(slugs(search(db, user, "windows OR bubbling"))) == {"faq/install", "guide/events"}
    assert "guide/events" not in slugs(search(db, user, "queue -bubbling"))
    assert "guide/workers" in slugs(search(db, user, "queue -bubbling"))


def test_category_and_tag_filters(db, make_user, corpus):
    user = make_user()
    assert set(slugs(search(db, user, "color", in_category="styles"))) == {"styles/color", "styles/background"}
    assert slugs(search(db, user, "color", in_tag="setup")) == ["faq/install"]
    assert search(db, user, "color", in_category="no-such-category") == []


def test_drafts_only_for_admins_who_ask(db, make_user, corpus):
    user, admin = make_user(), make_user(admin=True)
    assert search(db, user, "zeppelin") == []
    assert search(db, user, "zeppelin", include_drafts=True) == []
    assert search(db, admin, "zeppelin") == []
    assert slugs(search(db, admin, "zeppelin", include_drafts=True)) == ["guide/secret-roadmap"]


def test_hidden_category_hides_its_pages_from_users(db, make_user, corpus, superuser):
    user = make_user()
    superuser.execute("update documentation_categories set is_visible = false where slug = 'faq'")
    assert search(db, user, "windows") == []
    superuser.execute("update documentation_categories set is_visible = true where slug = 'faq'")
    assert slugs(search(db, user, "windows")) == ["faq/install"]


def test_publishing_and_editing_keep_the_index_current(db, make_user, corpus, superuser):
    user = make_user()
    superuser.execute("update documentation_pages set status = 'published' where slug = 'guide/secret-roadmap'")
    assert slugs(search(db, user, "zeppelin")) == ["guide/secret-roadmap"]
    superuser.execute(
        "update documentation_pages set content = %s where slug = 'guide/secret-roadmap'",
        (Jsonb({"version": 1, "markdown": "Airships instead."}),),
    )
    assert search(db, user, "zeppelin") == []
    assert slugs(search(db, user, "airships")) == ["guide/secret-roadmap"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "\\",
        "\\'",
        "'",
        "&|!():*<>",
        "a & | b",
        "!!!",
        "(((",
        "-",
        "OR",
        "x" * 10_000,
        "ünïcödé 漢字 😀",
        "",
        "   ",
        "\t\n",
        "color:*",
        "'; drop table documentation_pages; --",
        "\u200b",
    ],
)
def test_hostile_queries_never_raise(db, make_user, corpus, query):
    rows = search(db, make_user(), query)
    assert isinstance(rows, list)


def test_collection_statistics_follow_every_change(db, corpus, superuser):
    def kept_and_recomputed():
        return superuser.execute(STATS_ROWS).fetchall(), superuser.execute(RECOUNT).fetchall()

    kept, recomputed = kept_and_recomputed()
    assert kept == recomputed and kept[1][1] == 6
    superuser.execute("update documentation_pages set status = 'published' where slug = 'guide/secret-roadmap'")
    superuser.execute("update documentation_categories set is_visible = false where slug = 'faq'")
    superuser.execute("delete from documentation_pages where slug in ('styles/color', 'guide/workers')")
    kept, recomputed = kept_and_recomputed()
    assert kept == recomputed and kept[1][1] == 4


# 0119: what readers take (the stats row plus changes not folded yet), and a recount of the index.
READ_STATS = "select (internal.documentation_search_collection(s)).* from unnest(array['all', 'visible']) s order by 1"
RECOUNT = (
    "select scope, count(d.page_id), coalesce(sum(len_title), 0), coalesce(sum(len_heading), 0),"
    " coalesce(sum(len_meta), 0), coalesce(sum(len_body), 0)"
    " from (values ('all'), ('visible')) s(scope)"
    " left join internal.documentation_search_docs d on s.scope = 'all' or d.visible"
    " group by scope order by scope"
)
STATS_ROWS = (
    "select scope, pages, sum_title, sum_heading, sum_meta, sum_body from internal.documentation_search_stats"
    " order by scope"
)


def test_statistics_stay_exact_through_an_import_and_every_later_change(db, make_user, superuser, tmp_path):
    """An import (one transaction, batches in savepoints), then edits, archiving, deletes and a
    category hidden: after each, the statistics equal a recount, and nothing is left unfolded."""
    for n in range(60):
        folder = tmp_path / ("guide" if n % 2 else "reference")
        folder.mkdir(exist_ok=True)
        words = " ".join(("widget", "screen", "queue", "message", "color")[: 1 + n % 5])
        (folder / f"page-{n:02d}.md").write_text(f"# Page {n} {words}\n\nBody {n}: {words} {words}.\n\n## Part\n")
    documentation.import_tree(ActingUser(db, make_user(admin=True)), root=tmp_path, publish=True)

    def check(pages_visible):
        assert superuser.execute(READ_STATS).fetchall() == superuser.execute(RECOUNT).fetchall()
        assert superuser.execute(STATS_ROWS).fetchall() == superuser.execute(RECOUNT).fetchall()
        assert superuser.execute("select count(*) from internal.documentation_search_stat_changes").fetchone() == (0,)
        assert superuser.execute(STATS_ROWS).fetchall()[1][1] == pages_visible

    check(60)
    superuser.execute(
        "update documentation_pages set content = jsonb_set(content, '{markdown}', to_jsonb(%s::text))"
        " where slug like '%%page-1%%'",
        ("# Longer\n\nA much longer body than before, with many more words in it than it had.",),
    )
    check(60)
    superuser.execute("update documentation_pages set status = 'archived' where slug like '%%page-2%%'")
    check(50)
    superuser.execute("update documentation_pages set status = 'draft' where slug like '%%page-3%%'")
    check(40)
    superuser.execute("delete from documentation_pages where slug like '%%page-4%%'")
    check(30)
    superuser.execute("update documentation_categories set is_visible = false where slug = 'guide'")
    check(15)
    superuser.execute("update documentation_categories set is_visible = true where slug = 'guide'")
    check(30)
    superuser.execute("delete from documentation_categories where slug = 'reference'")
    check(30)


def test_statistics_are_exact_inside_a_writing_transaction_and_folded_once_at_commit(db, corpus, superuser):
    """Readers in the writing transaction see its changes before any fold; a savepoint rolled
    back takes its changes with it; the commit folds the rest, one new version per stats row."""
    before = superuser.execute(STATS_ROWS).fetchall()
    with db.connect() as conn:
        with conn.transaction():
            for batch in range(3):
                conn.execute(
                    "insert into documentation_pages (title, slug, content, status)"
                    " select 'Batch page ' || n, %s || n, jsonb_build_object('version', 1, 'markdown',"
                    " repeat('word ', n)), 'published' from generate_series(1, 20) n",
                    (f"batch-{batch}-",),
                )
                conn.execute("update documentation_pages set status = 'draft' where slug = %s", (f"batch-{batch}-1",))
                assert conn.execute(READ_STATS).fetchall() == conn.execute(RECOUNT).fetchall()
            with pytest.raises(RuntimeError), conn.transaction():
                conn.execute("delete from documentation_pages where slug like 'batch-0-%%'")
                assert conn.execute(READ_STATS).fetchall() == conn.execute(RECOUNT).fetchall()
                raise RuntimeError("rolled back")
            assert conn.execute(READ_STATS).fetchall() == conn.execute(RECOUNT).fetchall()
            # Not one update of the shared rows yet: the changes wait in their own rows.
            assert conn.execute(STATS_ROWS).fetchall() == before
            assert conn.execute("select count(*) from internal.documentation_search_stat_changes").fetchone()[0] > 60
            # Another session reads the committed figures, exactly (before this commit).
            assert superuser.execute(READ_STATS).fetchall() == superuser.execute(RECOUNT).fetchall() == before
    assert superuser.execute(STATS_ROWS).fetchall() == superuser.execute(RECOUNT).fetchall()
    assert superuser.execute(STATS_ROWS).fetchall()[1][1] == 6 + 3 * 19
    assert superuser.execute("select count(*) from internal.documentation_search_stat_changes").fetchone() == (0,)


def test_search_scores_use_the_pending_changes(db, make_user, corpus, superuser):
    """With a change left unfolded (as a restore may leave one), scores are those of the folded figures."""
    user = make_user()
    folded = search(db, user, "color")
    with superuser.transaction():
        superuser.execute("set local session_replication_role = replica")
        superuser.execute(
            "update internal.documentation_search_stats set pages = pages - 2, sum_body = sum_body - 40"
            " where scope = 'visible'"
        )
        superuser.execute(
            "insert into internal.documentation_search_stat_changes"
            " (scope, pages, sum_title, sum_heading, sum_meta, sum_body) values ('visible', 2, 0, 0, 0, 40)"
        )
    assert search(db, user, "color") == folded


def test_upgrading_to_0119_keeps_the_statistics(empty_db, tmp_path, monkeypatch):
    """A database indexed under 0060's trigger: after 0119 the figures are the same, and the
    changes after it keep them exact."""
    use_copied_migrations(tmp_path, monkeypatch, before="0119")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        conn.execute(
            "insert into documentation_pages (title, slug, content, status)"
            " select 'Old page ' || n, 'old-' || n, jsonb_build_object('version', 1, 'markdown', repeat('text ', n)),"
            " case when n % 3 = 0 then 'draft' else 'published' end::documentation_status"
            " from generate_series(1, 30) n"
        )
        before = conn.execute(STATS_ROWS).fetchall()
        assert before == conn.execute(RECOUNT).fetchall()
    monkeypatch.undo()
    assert "0119_documentation_search_stats_deltas" in migrations.apply(empty_db)
    with empty_db.connect() as conn:
        assert conn.execute(STATS_ROWS).fetchall() == before
        assert conn.execute(READ_STATS).fetchall() == before
        conn.execute("update documentation_pages set status = 'published' where slug = 'old-3'")
        conn.execute("delete from documentation_pages where slug = 'old-4'")
        assert conn.execute(STATS_ROWS).fetchall() == conn.execute(RECOUNT).fetchall()
        assert conn.execute(STATS_ROWS).fetchall()[0][1] == 29


@pytest.fixture
def reader(make_user):
    """One account for every example of a property test (fixtures are not re-made per example)."""
    return make_user()


SEARCH_TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=80)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=SEARCH_TEXT | st.sampled_from(["color", "message queue", "-color", '"screen stack"', "or or"]),
    category=st.none() | SEARCH_TEXT | st.sampled_from(["styles", "guide"]),
    tag=st.none() | SEARCH_TEXT,
    limit=st.integers(min_value=1, max_value=200),
    drafts=st.booleans(),
)
def test_any_search_input_returns_rows_the_reader_may_see(db, reader, corpus, query, category, tag, limit, drafts):
    """Issue 20, property: whatever the query, category, tag and limit, search answers (never
    raises) with at most `limit` rows, and never the draft page to a non-admin."""
    options = {"in_category": category, "in_tag": tag, "result_limit": limit, "include_drafts": drafts}
    rows = search(db, reader, query, **options)
    assert len(rows) <= limit
    assert "guide/secret-roadmap" not in slugs(rows)
