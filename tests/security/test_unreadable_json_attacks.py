"""JSON an account stores by its own SQL that PostgreSQL keeps but Python cannot read (red team 43b F1,
beyond widgets): an integer past Python's 4,300-digit limit on int(str) (ValueError) and a value
nested past its recursion limit (RecursionError). psycopg decoded such a value inside queries that
read every post or row of the account, so one of them stopped the whole site build, `analytics
ingest` (and the SEO and revenue imports), `export`, `import` over the posts and `account export`.
Each now reads the JSON as text: a build or an export leaves the one value aside (the build says
so), and `account export` writes the stored text as it is."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import account_export, exports, post_addresses, site
from blogster_cli.stored_json import LeftOut
from tests.cli import conftest as cli_fixtures

cli = cli_fixtures.cli  # the CLI runner fixture, as tests/cli uses it

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


# -- one post read: show, edit, publish, revisions, review, sync status (helper 370) ------------------------


def left_out_date(kind: str) -> tuple[LeftOut, ...]:
    reason = "a number of more than 4,300 digits" if kind == "digits" else "it nests too deeply"
    return (LeftOut("front_matter.fields.date", reason),)


def stored_content(db, slug: str) -> str:
    with db.connect() as conn:
        [(text,)] = conn.execute("select content::text from public.blogs where slug = %s", (slug,)).fetchall()
    return text


def test_a_post_python_cannot_read_all_of_is_read_by_each_way_of_naming_it(posts, make_user, db):
    """Every command reading one post with its text (`posts show`, `posts edit`, `publish`, `crosspost`,
    `generate rewrite`...) read it through psycopg's decoding: "unexpected failure" (exit 1, a traceback
    under --debug), for its author and for anyone reading it published, by id or AUTHOR/SLUG."""
    from blogster_cli.services import blogs, publishing

    actor, acting, kind = posts
    reader = ActingUser(db, make_user())
    odd_id = blogs.get(acting, ref="odd").id
    for who, ref in ((acting, "odd"), (reader, str(odd_id)), (reader, f"{str(actor.user_id)[:8]}/odd")):
        row = blogs.get(who, ref=ref)
        assert row.content is not None and row.content["front_matter"]["fields"] == {"url": "/old/odd/"}
        assert blogs.markdown_of(row) == "Body of odd." and row.left_out == left_out_date(kind)
    assert blogs.get_own(acting, ref="odd").left_out == left_out_date(kind)
    assert blogs.get(acting, ref="fine").left_out == ()
    [outcome] = publishing.publish(acting, refs=["odd"])
    assert outcome.error is None and outcome.note and outcome.note.startswith("already published")


def test_saving_a_changed_body_stores_the_rest_of_the_document_without_the_unreadable_value(posts, db):
    """The edit keeps every value it can read (front matter, source), leaves out the one it cannot
    and says so; a save that leaves the body as it was stores the content as it is."""
    from blogster_cli.services import blogs, editing

    _, acting, kind = posts
    titled = blogs.update(acting, ref="odd", changes=blogs.BlogChanges(title="Odd one"))
    assert titled.left_out == () and stored_content(db, "odd").count(UNREADABLE[kind]) == 1  # the content untouched
    draft = editing.begin(acting, ref="odd")
    assert draft.left_out == left_out_date(kind) and "Body of odd." in draft.text
    outcome = editing.save(acting, draft=draft, edited=draft.text.replace("Body of odd.", "A new body."))
    assert outcome.kind == "saved" and outcome.row is not None and outcome.row.left_out == left_out_date(kind)
    assert json.loads(stored_content(db, "odd")) == {
        "version": 1, "markdown": "A new body.", "front_matter": {"format": None, "raw": None, "fields": {"url": "/old/odd/"}},
        "source": {"dialect": "hugo", "path": "content/posts/odd.md"},
    }  # fmt: skip
    assert blogs.get(acting, ref="odd").left_out == ()


def test_its_revisions_are_compared_and_restored(posts, db):
    """`revisions diff` and `revisions restore` read a revision's content through psycopg too."""
    from blogster_cli.services import blogs

    _, acting, kind = posts
    assert blogs.diff(acting, ref="odd", first=1).text == ""  # its first revision: the body as it is
    blogs.update(acting, ref="odd", changes=blogs.BlogChanges(markdown="Second body."))
    assert "\n-Body of odd.\n" in blogs.diff(acting, ref="odd", first=1, second=2).text
    restored = blogs.restore_revision(acting, ref="odd", number=1)
    assert restored.changed and blogs.markdown_of(restored.post) == "Body of odd." and restored.post.left_out == ()
    assert json.loads(stored_content(db, "odd"))["front_matter"]["fields"] == {"url": "/old/odd/"}


def test_a_version_python_cannot_read_is_saved_as_the_contract_says(db, make_user):
    """The contract's `version` (a number the database checks the type of) left out would be refused by
    the next save (blogs_content_format): a saved body stores version 1."""
    from blogster_cli.services import blogs

    actor = make_user()
    as_role(
        db, actor, "insert into blogs (title, slug, author_id, content) values ('V', 'v', %s, %s::jsonb)",
        (actor.user_id, f'{{"version": {DIGITS}, "markdown": "Old."}}'),
    )  # fmt: skip
    acting = ActingUser(db, actor)
    saved = blogs.update(acting, ref="v", changes=blogs.BlogChanges(markdown="New."))
    assert saved.left_out == (LeftOut("version", "a number of more than 4,300 digits"),)
    assert json.loads(stored_content(db, "v")) == {"version": 1, "markdown": "New."}


def test_a_save_is_refused_rather_than_store_a_content_read_as_nothing():
    """Where nothing of the content could be read (a decoder called too deep in a stack), storing the
    new body alone would lose the whole document: refused, nothing stored."""
    from blogster_cli.errors import BlogsterError
    from blogster_cli.repositories.blogs import BlogRow
    from blogster_cli.services.post_steps import content_to_store

    now = datetime.now(UTC)
    row = BlogRow(
        uuid4(), "odd", "Odd", "draft", 0, 0, now, now, None, None, None, None, None, None, None, False, uuid4(), [],
        left_out=(LeftOut("", "it nests too deeply"),),
    )  # fmt: skip
    with pytest.raises(BlogsterError, match="'odd' was not saved: Python cannot read its stored content"):
        content_to_store(row, markdown="A new body.")
    assert content_to_store(replace(row, content={"markdown": "x", "a": 1}, left_out=()), markdown="y") == {
        "markdown": "y", "a": 1, "version": 1,
    }  # fmt: skip


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_the_cli_shows_and_saves_the_post_with_one_warning(cli, db, tmp_path, kind):
    """What is left out is said in one line on stderr: on showing the post, and on saving its body."""
    from tests.cli.conftest import PASSWORD

    email = "odd@example.com"
    assert cli("auth", "signup", "--email", email, "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    with db.connect() as conn:
        [(user_id,)] = conn.execute("select id from auth.users where email = %s", (email,)).fetchall()
    own_post(db, Actor(user_id, email), "odd", f'{{"url": "/old/odd/", "date": {UNREADABLE[kind]}}}')
    said = str(left_out_date(kind)[0])
    shown = cli("posts", "show", "odd", "--raw")
    assert (shown.exit_code, shown.stdout) == (0, "Body of odd.")
    assert shown.stderr == f"warning: 'odd': its stored {said}: Python cannot read it; left out\n"
    assert cli("posts", "show", "odd", "--json").json()["markdown"] == "Body of odd."
    text = tmp_path / "odd.md"
    text.write_text("---\ntitle: Odd\n---\nA new body.\n")
    saved = cli("posts", "edit", "odd", "--from", str(text))
    assert saved.exit_code == 0 and saved.stderr.splitlines()[0] == (
        f"warning: 'odd': its stored {said}: Python cannot read it; saved without it"
    )
    again = cli("posts", "show", "odd", "--raw")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "A new body.\n", "")


def test_the_studio_opens_the_post_and_says_what_it_left_out(posts, db):
    """The TUI's editor failed to open the post ("unexpected failure" in its notification)."""
    from textual.widgets import TextArea

    from tests.tui.conftest import app_for, drive, settle

    _, acting, kind = posts
    app = app_for(acting)
    said = str(left_out_date(kind)[0])

    async def steps(pilot):
        from blogster_cli.tui.editor import EditorScreen

        app.push_screen(EditorScreen("odd"))
        await settle(pilot)
        area = app.screen.query_one("#text", TextArea)
        assert "Body of odd." in area.text
        area.move_cursor(area.document.end)
        await pilot.press(*" More.")
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(app, steps)
    messages = [n.message for n in app._notifications]
    assert f"'odd': its stored {said}: Python cannot read it; left out" in messages
    assert f"'odd': its stored {said}: Python cannot read it; saved without it" in messages
    assert json.loads(stored_content(db, "odd"))["markdown"] == "Body of odd. More."


def test_an_assignee_reads_the_post_its_author_filled(posts, db, make_user):
    """`review show` (and every step, `review approve --publish`) read the assigned post through the
    ORM, decoded whole: an author could stop every assignee's review of it. (Its comments no account
    fills: an insert starts them empty, and only review_act adds one, its note as a JSON string, 0099.)"""
    from blogster_cli.services import review

    _, acting, _ = posts
    assignee = make_user()
    assignment = review.assign(acting, blog="odd", to=assignee.email, role="reviewer")
    for who in (ActingUser(db, assignee), acting):
        shown = review.show(who, ref=str(assignment.id))
        assert shown.markdown == "Body of odd." and shown.assignment.slug == "odd"
    assert review.act(ActingUser(db, assignee), ref=str(assignment.id), action="start").status == "in_progress"


def test_sync_status_lists_a_folder_whose_last_summary_python_cannot_read(db, make_user, tmp_path):
    """`sync status` and every sync of the folder read its link's last summary (any JSON the account
    may write by its own SQL) through psycopg: the pictures index it keeps is read without the value."""
    from blogster_cli.services import sync

    actor = make_user()
    acting = ActingUser(db, actor)
    folder = tmp_path / "site"
    (folder / "content" / "posts").mkdir(parents=True)
    (folder / "content" / "posts" / "a.md").write_text("---\ntitle: A\n---\nBody.\n")
    sync.sync_folder(acting, directory=folder)
    for bad in UNREADABLE.values():
        as_role(
            db, actor, "update sync_folders set last_summary = %s::jsonb",
            (f'{{"pictures": {{"content/posts/a.md": {{"x.png": {bad}}}}}, "n": {bad}}}',),
        )  # fmt: skip
        [status] = sync.status(acting)
        assert status.folder == str(folder.resolve()) and status.pending == 0
        assert sync.sync_folder(acting, directory=folder).changed == 0
