"""JSON an account stores by its own SQL that PostgreSQL keeps but Python cannot read (red team 43b F1,
beyond widgets): an integer past Python's 4,300-digit limit on int(str) (ValueError) and a value
nested past its recursion limit (RecursionError). psycopg decoded such a value inside queries that
read every post or row of the account, so one of them stopped the whole site build, `analytics
ingest` (and the SEO and revenue imports), `export`, `import` over the posts and `account export`.
Each now reads the JSON as text: a build or an export leaves the one value aside (the build says
so), and `account export` writes the stored text as it is."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import account_export, exports, post_addresses, site

BASE = "blogster.page"
DIGITS = "9" * 5000
NESTING = "[" * 5000 + "]" * 5000
UNREADABLE = {"digits": DIGITS, "nesting": NESTING}


def own_post(db, actor: Actor, slug: str, fields: str, *, dialect: str = "hugo") -> None:
    """A published post of the account, written by its own role, its front matter's fields `fields`
    (JSON text) and its source a Hugo file."""
    content = (
        f'{{"version": 1, "markdown": "Body of {slug}.", "front_matter": {{"format": null, "raw": null, "fields": {fields}}},'
        f' "source": {{"dialect": "{dialect}", "path": "content/posts/{slug}.md"}}}}'
    )
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        conn.execute(
            "insert into blogs (title, slug, author_id, content, status, published_at)"
            " values (%s, %s, %s, %s::jsonb, 'published', %s)",
            (slug.title(), slug, actor.user_id, content, datetime.now(UTC) - timedelta(days=1)),
        )


@pytest.fixture(params=sorted(UNREADABLE))
def posts(request, db, make_user) -> tuple[Actor, ActingUser, str]:
    """An account with a post of readable front matter ('fine', its old URL /old/fine/) and one whose
    front matter's `date` only PostgreSQL can read ('odd', its old URL /old/odd/ readable)."""
    actor = make_user()
    own_post(db, actor, "fine", '{"url": "/old/fine/", "date": "2024-01-02"}')
    own_post(db, actor, "odd", f'{{"url": "/old/odd/", "date": {UNREADABLE[request.param]}}}')
    return actor, ActingUser(db, actor), request.param


def test_a_post_whose_front_matter_python_cannot_read_is_built_with_a_warning(posts, tmp_path):
    """The build's one query of the posts' front matter failed whole ("unexpected failure"): the
    post is built without the unreadable value, a warning naming it says so, on every build."""
    _, acting, kind = posts
    out = tmp_path / "public"
    report = site.build(acting, out=out, base_domain=BASE)
    assert report.posts == 2
    assert "Body of odd." in (out / "old" / "odd" / "index.html").read_text()  # at its readable kept URL
    reason = "a number of more than 4,300 digits" if kind == "digits" else "nests too deeply"
    [warning] = report.warnings
    assert "'odd'" in warning and "date" in warning and reason in warning and "\n" not in warning
    again = site.build(acting, out=out, base_domain=BASE)  # nothing changed: still said
    assert again.warnings == report.warnings and again.written == 0


def test_analytics_maps_the_other_posts_former_urls_past_it(posts):
    """`analytics ingest`, `seo import` and `revenue import` read every post's address fields in one query."""
    _, acting, _ = posts
    plan = post_addresses.address_plan(acting, map_pattern=None, base_domain=BASE)
    assert set(plan.post_ids) == {"fine", "odd"}
    assert plan.matcher.slug_for("/old/fine/") == "fine" and plan.matcher.slug_for("/old/odd/") == "odd"


def test_export_writes_the_post_without_the_unreadable_value(posts, tmp_path):
    """`blogster export` streamed every post's content through psycopg: the first unreadable one ended it."""
    _, acting, _ = posts
    summary = exports.export_posts(acting, directory=tmp_path / "out", dialect="hugo")
    assert summary.posts == 2
    odd = next((tmp_path / "out").rglob("odd.md")).read_text()
    assert "Body of odd." in odd and "/old/odd/" in odd and "9999" not in odd and "[[[" not in odd


def test_account_export_keeps_the_stored_json_as_it_is(posts, db, tmp_path):
    """`account export` decoded every table's rows with psycopg: one such value in any of the account's
    rows (a post's content, a widget's structure, a chatbot's context) failed the whole export. The
    rows are written as PostgreSQL's own JSON text, so the file holds exactly what is stored."""
    actor, acting, kind = posts
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        conn.execute(
            "insert into interactive_content (user_id, content_type, title, tracking_id, structure)"
            " values (%s, 'poll', 'W', 'poll1', %s::jsonb)",
            (actor.user_id, f'{{"question": "Q?", "options": ["a", "b"], "n": {UNREADABLE[kind]}}}'),
        )
    summary = account_export.export_account(acting, directory=tmp_path / "mine")
    assert summary.posts == 2 and summary.rows >= 4
    text = (tmp_path / "mine" / "account.json").read_text()
    assert text.count(UNREADABLE[kind]) == 3  # the post's date, its first revision's, the poll's "n": as stored
    if kind == "digits":  # a reader that takes long numbers reads it whole
        document = json.loads(text, parse_int=str)
        assert document["account"]["id"] == str(actor.user_id)
        [poll] = document["tables"]["interactive_content"]
        assert poll["structure"]["n"] == DIGITS and poll["title"] == "W"
        assert {post["slug"] for post in document["tables"]["blogs"]} == {"fine", "odd"}


def test_account_export_is_the_json_it_was(db, make_user, tmp_path):
    """Rows written as their stored text read back as the same values the decoded rows were."""
    actor = make_user()
    own_post(db, actor, "fine", '{"url": "/old/fine/", "tags": ["ü", 1.50, null, {"a": [true]}]}')
    summary = account_export.export_account(ActingUser(db, actor), directory=tmp_path / "mine")
    document = json.loads((tmp_path / "mine" / "account.json").read_text())
    [post] = document["tables"]["blogs"]
    assert post["content"]["front_matter"]["fields"]["tags"] == ["ü", 1.5, None, {"a": [True]}]
    assert summary.tables == len(document["tables"]) and summary.rows == sum(map(len, document["tables"].values()))
    assert document["account"]["email"] == actor.email


def as_role(db, actor: Actor, statement: str, params: tuple = ()) -> list[tuple]:
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def own_rows(db, actor: Actor, bad: str) -> None:
    """A readable row (its "n" 1) and one holding `bad` as "n" in each table whose rows a list command
    reads whole, written as the account's own role."""
    me = actor.user_id
    [(blog_id,)] = as_role(
        db, actor, "insert into blogs (title, slug, author_id) values ('P', 'p', %s) returning id", (me,)
    )
    [(profile_id,)] = as_role(
        db,
        actor,
        "insert into social_media_profiles (user_id, platform, profile_id) values (%s, 'twitter', 'me') returning id",
        (me,),
    )
    [(conversation_id,)] = as_role(
        db, actor, "insert into chatbot_conversations (user_id) values (%s) returning id", (me,)
    )
    for n, value in enumerate(("1", bad), start=1):
        text, fields = f'{{"n": {value}}}', '{{"{0}": {1}, "n": ' + value + "}}"
        for statement, params in (
            (
                "insert into email_newsletters (user_id, title, content, status, scheduled_time)"
                " values (%s, 'L', %s, 'scheduled', now() - interval '1 hour')",
                (me, fields.format("text", '"hi"')),
            ),
            (
                "insert into social_media_posts (blog_id, social_profile_id, content, engagement_metrics)"
                " values (%s, %s, 'T', %s)",
                (blog_id, profile_id, fields.format("likes", 2)),
            ),
            ("insert into chatbot_conversations (user_id, context, metadata) values (%s, %s, %s)", (me, text, text)),
            (
                "insert into chatbot_messages (conversation_id, role, content, metadata) values (%s, 'user', 'hi', %s)",
                (conversation_id, text),
            ),
            (
                "insert into research_sources (user_id, title, url, citation_format) values (%s, 'S', 'https://a.example/', %s)",
                (me, fields.format("apa", '"A"')),
            ),
            (
                "insert into competitor_content (user_id, content_url, rank_positions) values (%s, %s, %s)",
                (me, f"https://a.example/{n}", fields.format("q", 3)),
            ),
            (
                "insert into platform_republishing (blog_id, platform, engagement_metrics) values (%s, %s, %s)",
                (blog_id, ("dev_to", "hashnode")[n - 1], text),
            ),
            (
                "insert into activities (user_id, type, title, description, metadata) values (%s, 'purged', %s, 'x', %s)",
                (me, f"A{n}", fields.format("slug", '"gone"')),
            ),
        ):
            as_role(db, actor, statement, params)


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_lists_show_every_row_past_one_python_cannot_read(db, make_user, kind):
    """`newsletter list`, the due sends, `social list`, `chat history`, `research list`, `competitors list`
    and `crosspost status` read whole rows through the ORM, and `activity` (the dashboard, the studio) its
    metadata through psycopg, whose decoding of one such value ended the query: each row is listed,
    without the value."""
    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.repositories import newsletters as newsletter_rows
    from blogster_cli.services import blogs, chat, competitors, crossposting, newsletters, research, social

    actor = make_user()
    own_rows(db, actor, UNREADABLE[kind])
    acting = ActingUser(db, actor)
    letters = newsletters.list_newsletters(acting)
    assert len(letters) == 2
    with orm_unit_of_work(acting) as session:
        contents = [row.content for row in newsletter_rows.own_newsletters(session)]
        due = newsletter_rows.due_newsletters(session, now=datetime.now(UTC))  # `newsletter send-due`, the workers
    assert sorted(contents, key=len) == [{"text": "hi"}, {"text": "hi", "n": 1}] and len(due) == 2
    posts = social.list_posts(acting, base_domain=BASE)
    assert len(posts) == 2
    talks = chat.conversations(acting)
    assert len(talks) == 3 and sum(len(talk.messages) for talk in talks) == 2
    assert len(chat.conversation_summaries(acting)) == 3
    assert len(research.list_sources(acting)) == 2
    pages = competitors.pages(acting)
    assert sorted((page["rank_positions"] for page in pages), key=len) == [{"q": 3}, {"q": 3, "n": 1}]
    assert len(crossposting.status(acting)) == 2
    shown = {row.title: row.metadata for row in blogs.activity(acting) if row.type == "purged"}
    assert shown == {"A1": {"slug": "gone", "n": 1}, "A2": {"slug": "gone"}}
