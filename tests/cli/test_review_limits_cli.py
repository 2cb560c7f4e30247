"""Red team 12 on `review` (0116): lists count comments without fetching them, `show` prints the
newest 50 (--all: every one), a step to the status an assignment has is refused, --due is not in
the past, one person's comments are bounded in total, and a deleted account leaves others' rows."""

from datetime import datetime, timedelta

from psycopg.types.json import Jsonb

from tests.cli.test_review_cli import login, ok, setup_team


def preload_comments(superuser, assignment_id, email, texts):
    """Appends comments by `email` straight into the row, as review_act writes them."""
    (user_id,) = superuser.execute("select id from auth.users where email = %s", (email,)).fetchone()
    comments = [
        {"author": str(user_id), "author_email": email, "at": f"2026-01-01T00:00:{i % 60:02d}", "action": "comment",
         "text": text}
        for i, text in enumerate(texts)
    ]  # fmt: skip
    superuser.execute(
        "update public.team_collaboration set comments = comments || %s where id = %s", (Jsonb(comments), assignment_id)
    )


def test_list_counts_comments_and_show_prints_the_newest_50(cli, tmp_path, superuser):
    setup_team(cli, tmp_path)
    assigned = ok(cli("review", "assign", "draft-one", "--to", "grace@example.com", "--role", "editor", "--json"))
    preload_comments(superuser, assigned["id"], "ada@example.com", [f"note {i}" for i in range(1, 121)])
    login(cli, "grace@example.com")

    (row,) = ok(cli("review", "list", "--json"))
    assert row["comment_count"] == 120 and "comments" not in row  # counted in SQL, bodies never fetched
    assert "120" in cli("review", "list").stdout

    shown = cli("review", "show", assigned["id"][:8])
    assert shown.exit_code == 0, shown.stderr
    assert "(70 earlier comments not shown" in shown.stdout
    assert "note 70" not in shown.stdout and "note 71" in shown.stdout and "note 120" in shown.stdout
    as_json = ok(cli("review", "show", assigned["id"][:8], "--json"))["assignment"]
    assert as_json["comment_count"] == 120
    assert [c["text"] for c in as_json["comments"]] == [f"note {i}" for i in range(71, 121)]
    every = ok(cli("review", "show", assigned["id"][:8], "--all", "--json"))["assignment"]
    assert [c["text"] for c in every["comments"]] == [f"note {i}" for i in range(1, 121)]
    assert "not shown" not in cli("review", "show", assigned["id"][:8], "--all").stdout
    stepped = ok(cli("review", "start", assigned["id"][:8], "--json"))  # a step's result carries the newest 50 too
    assert stepped["comment_count"] == 120 and len(stepped["comments"]) == 50


def test_a_step_to_the_status_the_assignment_has_is_refused(cli, tmp_path):
    setup_team(cli, tmp_path)
    ref = ok(cli("review", "assign", "draft-one", "--to", "grace@example.com", "--role", "editor", "--json"))["id"][:8]
    login(cli, "grace@example.com")
    ok(cli("review", "start", ref, "--json"))
    again = cli("review", "start", ref, "--comment", "once more")
    assert again.exit_code == 2 and "already in_progress" in again.stderr
    ok(cli("review", "submit", ref, "--json"))
    assert cli("review", "submit", ref).exit_code == 2
    login(cli, "ada@example.com")
    ok(cli("review", "approve", ref, "--json"))
    twice = cli("review", "approve", ref)
    assert twice.exit_code == 2 and "already approved" in twice.stderr
    final = ok(cli("review", "comment", ref, "Still fine to comment.", "--json"))
    assert final["status"] == "approved" and [c["text"] for c in final["comments"]] == ["Still fine to comment."]


def test_due_dates_in_the_past_are_refused(cli, tmp_path):
    setup_team(cli, tmp_path)
    assign = ("review", "assign", "draft-one", "--to", "grace@example.com", "--role")
    for day in ("0001-01-01", (datetime.now() - timedelta(days=2)).strftime("%Y-%m-%d")):
        refused = cli(*assign, "editor", "--due", day)
        assert refused.exit_code == 2 and "in the past" in refused.stderr
    assert cli(*assign, "editor", "--due", "9999-12-31").exit_code == 2  # past the times stored (WINDOW)
    later = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%d")
    assert ok(cli(*assign, "reviewer", "--due", later, "--json"))["due_date"].startswith(later)


def test_one_persons_comments_on_an_assignment_total_at_most_200000_characters(cli, tmp_path, superuser):
    setup_team(cli, tmp_path)
    ref = ok(cli("review", "assign", "draft-one", "--to", "grace@example.com", "--role", "editor", "--json"))["id"]
    preload_comments(superuser, ref, "grace@example.com", ["x" * 10_000] * 20)  # 200,000: at the cap
    login(cli, "grace@example.com")
    refused = cli("review", "comment", ref[:8], "one more")
    assert refused.exit_code == 2 and "200,000 characters" in refused.stderr
    login(cli, "ada@example.com")
    ok(cli("review", "comment", ref[:8], "The author keeps a voice.", "--json"))


def test_account_delete_removes_its_id_and_email_from_others_rows(cli, tmp_path, superuser):
    setup_team(cli, tmp_path)
    assign = ("review", "assign", "draft-one", "--to", "grace@example.com", "--role", "approver", "--allow-publish")
    ref = ok(cli(*assign, "--json"))["id"][:8]
    login(cli, "grace@example.com")
    (grace_id,) = superuser.execute("select id::text from auth.users where email = 'grace@example.com'").fetchone()
    ok(cli("review", "start", ref, "--comment", "On it.", "--json"))
    ok(cli("review", "approve", ref, "--publish", "--json"))
    login(cli, "ada@example.com")
    ok(cli("review", "comment", ref, "Thanks!", "--json"))
    login(cli, "grace@example.com")
    assert cli("account", "delete", "--yes").exit_code == 0

    login(cli, "ada@example.com")
    shown = ok(cli("review", "show", ref, "--json"))["assignment"]
    assert [(c["author"], c["author_email"], c["text"]) for c in shown["comments"]] == [
        (None, None, "On it."),
        (shown["assigned_by"], "ada@example.com", "Thanks!"),
    ]
    assert "deleted account (start): On it." in cli("review", "show", ref).stdout
    leftovers = superuser.execute(
        "select 'comments' from public.team_collaboration where comments::text ~* %(id)s or comments::text ~* %(email)s"
        " union all select 'activities' from public.activities where metadata::text ~* %(id)s",
        {"id": grace_id, "email": "grace@example\\.com"},
    ).fetchall()
    assert leftovers == []
    (metadata,) = superuser.execute("select metadata from public.activities where type = 'published'").fetchone()
    assert "approved_by" not in metadata and metadata["slug"] == "draft-one"


def test_account_delete_takes_its_email_off_others_review_notifications(cli, tmp_path, superuser):
    """A teammate's notifications said "Submitted for approval by grace@example.com (editor): ..."
    after grace deleted her account, while `review show` said "deleted account" (0210)."""
    setup_team(cli, tmp_path)
    ref = ok(cli("review", "assign", "draft-one", "--to", "grace@example.com", "--role", "editor", "--json"))["id"][:8]
    login(cli, "grace@example.com")
    ok(cli("review", "start", ref, "--json"))
    login(cli, "ada@example.com")
    assert cli("notifications", "read-all").exit_code == 0  # kept as it is: the next step writes a new one
    login(cli, "grace@example.com")
    ok(cli("review", "comment", ref, "The intro is too long.", "--json"))
    ok(cli("review", "submit", ref, "--json"))
    login(cli, "ada@example.com")
    titles = sorted(n["title"] for n in ok(cli("notifications", "list", "--json")))
    assert titles == [
        "Comment by grace@example.com (editor): draft-one",
        "Started by grace@example.com (editor): draft-one",
        "Submitted for approval by grace@example.com (editor): draft-one",
    ]
    login(cli, "grace@example.com")
    assert cli("account", "delete", "--yes").exit_code == 0

    login(cli, "ada@example.com")
    titles = sorted(n["title"] for n in ok(cli("notifications", "list", "--json")))
    assert titles == [
        "Comment by a deleted account (editor): draft-one",
        "Started by a deleted account (editor): draft-one",
        "Submitted for approval by a deleted account (editor): draft-one",
    ]
    assert "grace" not in cli("notifications", "list").stdout
    stored = superuser.execute(
        "select count(*) from public.user_notifications where title ~* 'grace' or content ~* 'grace'"
    ).fetchone()
    assert stored == (0,)


def test_account_delete_takes_its_email_off_titles_written_before_0171(cli, tmp_path, superuser):
    """Red team 73 F6: 0144 wrote "TITLE is now approved by EMAIL" (nothing after the email), and
    such a title kept a deleted account's email. An email only ends another's, or another only
    starts with it, is not the deleted account's."""
    setup_team(cli, tmp_path)
    (ada_id,) = superuser.execute("select id from auth.users where email = 'ada@example.com'").fetchone()
    titles = [
        "draft-one is now approved by grace@example.com",
        "draft-one is now approved by grace@example.com (editor): twice by grace@example.com",
        "draft-one is now approved by agrace@example.com",
        "draft-one is now approved by grace@example.comx",
    ]
    for title in titles:
        superuser.execute(
            "insert into public.user_notifications (user_id, type, title, content) values (%s, 'blog_interaction', %s, '')",
            (ada_id, title),
        )
    login(cli, "grace@example.com")
    assert cli("account", "delete", "--yes").exit_code == 0

    stored = superuser.execute("select title from public.user_notifications where user_id = %s", (ada_id,)).fetchall()
    assert sorted(row[0] for row in stored) == sorted(
        [
            "draft-one is now approved by a deleted account",
            "draft-one is now approved by a deleted account (editor): twice by a deleted account",
            "draft-one is now approved by agrace@example.com",
            "draft-one is now approved by grace@example.comx",
        ]
    )
