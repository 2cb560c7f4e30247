"""blogster review: assign, the status transitions, comments in order, notifications, approver publishing."""

import re
import sys

from tests.cli.conftest import PASSWORD


def signup(cli, email):
    result = cli("auth", "signup", "--email", email, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr


def login(cli, email):
    assert cli("auth", "logout").exit_code == 0
    result = cli("auth", "login", "--email", email, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result.json()


def setup_team(cli, tmp_path):
    """ada owns two posts; grace and lin have accounts; ada is logged in."""
    signup(cli, "grace@example.com")
    assert cli("auth", "logout").exit_code == 0
    signup(cli, "lin@example.com")
    assert cli("auth", "logout").exit_code == 0
    signup(cli, "ada@example.com")
    for slug in ("draft-one", "private-two"):
        post = tmp_path / f"{slug}.md"
        post.write_text(f"---\ntitle: {slug}\nslug: {slug}\ndraft: true\n---\nText of {slug}.\n")
        assert cli("blogs", "new", "--from", str(post)).exit_code == 0


def assign(cli, slug, email, role, *options):
    """`blogster review assign SLUG --to EMAIL --role ROLE [OPTIONS...]` as the logged-in user."""
    return cli("review", "assign", slug, "--to", email, "--role", role, *options)


def notifications(superuser, email):
    return [
        r[0]
        for r in superuser.execute(
            "select n.title from public.user_notifications n join auth.users u on u.id = n.user_id"
            " where u.email = %s order by n.created_at, n.title",
            (email,),
        ).fetchall()
    ]


def test_review_walks_the_transitions_with_comments_and_notifications(cli, tmp_path, superuser):
    setup_team(cli, tmp_path)
    assigned = ok(assign(cli, "draft-one", "grace@example.com", "editor", "--json"))
    ref = assigned["id"][:8]
    assert assigned["status"] == "assigned" and assigned["slug"] == "draft-one"
    assert [a["id"] for a in ok(cli("review", "list", "--by-me", "--json"))] == [assigned["id"]]
    login(cli, "grace@example.com")
    assert [a["slug"] for a in ok(cli("review", "list", "--json"))] == ["draft-one"]
    shown = cli("review", "show", ref)
    assert shown.exit_code == 0 and "Text of draft-one." in shown.stdout
    bad = cli("review", "submit", ref)  # assigned -> awaiting_review skips in_progress: says what comes first
    assert (bad.exit_code, bad.stderr) == (
        2,
        "error: an assignment cannot go from assigned to awaiting_review:"
        f" run `blogster review start {ref}` first, then submit\n",
    )
    assert ok(cli("review", "start", ref, "--json"))["status"] == "in_progress"
    ok(cli("review", "comment", ref, "First note.", "--json"))
    said = cli("review", "comment", ref, "Second note.")
    assert said.exit_code == 0 and said.stderr == f"Commented on {ref} (draft-one, still in_progress).\n"
    assert cli("review", "approve", ref).exit_code == 4  # an editor cannot approve
    assert ok(cli("review", "submit", ref, "--comment", "Done editing.", "--json"))["status"] == "awaiting_review"
    theirs = cli("publish", "draft-one")  # not her post: refused as `posts edit` refuses it (h310 L6)
    assert theirs.exit_code == 4 and "is assigned to you as editor" in theirs.stderr, theirs.stderr
    login(cli, "ada@example.com")
    ok(cli("review", "comment", ref, "Thanks!", "--json"))
    rejected = ok(cli("review", "reject", ref, "--comment", "One more pass.", "--json"))
    assert rejected["status"] == "rejected" and rejected["completed_at"]
    login(cli, "grace@example.com")
    assert ok(cli("review", "start", ref, "--json"))["status"] == "in_progress"
    assert ok(cli("review", "submit", ref, "--json"))["status"] == "awaiting_review"
    login(cli, "ada@example.com")
    final = ok(cli("review", "approve", ref, "--json"))
    assert final["status"] == "approved"
    comments = final["comments"]
    assert [(c["author_email"], c["action"], c["text"]) for c in comments] == [
        ("grace@example.com", "comment", "First note."),
        ("grace@example.com", "comment", "Second note."),
        ("grace@example.com", "submit", "Done editing."),
        ("ada@example.com", "comment", "Thanks!"),
        ("ada@example.com", "reject", "One more pass."),
    ]
    assert [c["at"] for c in comments] == sorted(c["at"] for c in comments)
    # Each step notifies the other party, never the one who took it (0130): grace hears of her
    # assignment and of ada's status changes, ada of each of grace's steps, comments included; each
    # one rewrites its recipient's unread notification of its lane about the assignment, a step's or
    # a comment's (0136, 0140), and nobody read.
    assert notifications(superuser, "grace@example.com") == ["Approved by ada@example.com: draft-one"]
    by_grace = "grace@example.com (editor): draft-one"
    assert notifications(superuser, "ada@example.com") == [
        f"Comment by {by_grace}", f"Submitted for approval by {by_grace}",
    ]  # fmt: skip
    assert notifications(superuser, "lin@example.com") == []


def test_reviewer_submits_as_reviewed_and_an_allowed_approver_publishes(cli, tmp_path, superuser):
    setup_team(cli, tmp_path)
    reviewer = ok(assign(cli, "draft-one", "lin@example.com", "reviewer", "--json"))
    approver = ok(assign(cli, "draft-one", "grace@example.com", "approver", "--allow-publish", "--json"))
    not_allowed = ok(assign(cli, "private-two", "grace@example.com", "approver", "--json"))
    assert assign(cli, "draft-one", "lin@example.com", "editor", "--allow-publish").exit_code == 2
    assert assign(cli, "draft-one", "nobody@example.com", "editor").exit_code == 3
    assert assign(cli, "draft-one", "ada@example.com", "editor").exit_code == 2
    login(cli, "lin@example.com")
    ok(cli("review", "start", reviewer["id"][:8], "--json"))
    assert ok(cli("review", "submit", reviewer["id"][:8], "--json"))["status"] == "reviewed"
    login(cli, "grace@example.com")
    ok(cli("review", "start", not_allowed["id"][:8], "--json"))
    refused = cli("review", "approve", not_allowed["id"][:8], "--publish")
    assert refused.exit_code == 4
    assert ok(cli("review", "list", "--json"))[0]["status"] == "in_progress"  # the refused approval was rolled back
    ok(cli("review", "start", approver["id"][:8], "--json"))
    published = ok(cli("review", "approve", approver["id"][:8], "--publish", "--json"))
    assert published["status"] == "approved"
    status = dict(superuser.execute("select slug, status::text from public.blogs").fetchall())
    assert status == {"draft-one": "published", "private-two": "draft"}
    (count,) = superuser.execute(
        "select count(*) from public.activities a join public.blogs b on b.id = a.blog_id"
        " where b.slug = 'draft-one' and a.type = 'published'"
    ).fetchone()
    assert count == 1
    again = cli("review", "approve", approver["id"][:8], "--publish")
    assert again.exit_code == 2
    # `review approve --publish` is one step: ada hears of it once (0130); the refused one, never.
    # One unread notification per assignment, its newest step (0136).
    assert notifications(superuser, "ada@example.com") == [
        "Reviewed by lin@example.com (reviewer): draft-one", "Started by grace@example.com (approver): private-two",
        "Approved and published by grace@example.com (approver): draft-one",
    ]  # fmt: skip
    assert notifications(superuser, "grace@example.com") == [
        "Assigned as approver by ada@example.com: draft-one", "Assigned as approver by ada@example.com: private-two",
    ]  # fmt: skip


def test_a_post_is_assigned_once_per_teammate_and_role_and_its_author_withdraws_it(cli, tmp_path):
    """Assigning the same post to the same teammate and role again is refused while it is open
    (each one would notify them again); `review withdraw` takes it back, and only its author can."""
    setup_team(cli, tmp_path)
    first = ok(assign(cli, "draft-one", "grace@example.com", "editor", "--json"))
    again = assign(cli, "draft-one", "grace@example.com", "editor")
    assert again.exit_code == 5 and again.stderr.count("\n") == 1 and "already assigned" in again.stderr
    assert "Traceback" not in again.stderr
    login(cli, "grace@example.com")
    refused = cli("review", "withdraw", first["id"][:8])
    assert refused.exit_code == 4 and "only its author" in refused.stderr
    assert [a["id"] for a in ok(cli("review", "list", "--json"))] == [first["id"]]
    login(cli, "ada@example.com")
    gone = ok(cli("review", "withdraw", first["id"][:8], "--json"))
    assert gone["id"] == first["id"] and ok(cli("review", "list", "--by-me", "--json")) == []
    login(cli, "grace@example.com")
    assert ok(cli("review", "list", "--json")) == [] and cli("review", "show", first["id"][:8]).exit_code == 3
    login(cli, "ada@example.com")
    ok(assign(cli, "draft-one", "grace@example.com", "editor", "--json"))


def test_an_approver_cannot_publish_an_empty_post_the_rule_publish_applies(cli, tmp_path, superuser):
    """`review approve --publish` refuses a post with no content as `publish` does (exit 2, the
    same one line), and the approval is rolled back with it."""
    setup_team(cli, tmp_path)
    assert cli("posts", "new", "Empty", "--slug", "empty", input="").exit_code == 0
    assigned = ok(assign(cli, "empty", "grace@example.com", "approver", "--allow-publish", "--json"))
    refused_by_publish = cli("publish", "empty")
    assert refused_by_publish.exit_code == 2
    login(cli, "grace@example.com")
    ok(cli("review", "start", assigned["id"][:8], "--json"))
    refused = cli("review", "approve", assigned["id"][:8], "--publish")
    assert refused.exit_code == 2, refused.stderr
    assert refused.stderr == refused_by_publish.stderr == "error: 'empty' cannot be published: it has no content\n"
    assert ok(cli("review", "list", "--json"))[0]["status"] == "in_progress"  # the approval was rolled back
    assert superuser.execute("select status::text from public.blogs where slug = 'empty'").fetchone() == ("draft",)


def test_review_show_dates_its_comments_in_the_timezone_setting(cli, tmp_path):
    """New-user walkthrough: comments showed `[2026-12-04T14:44:45.63119+00:00]` (UTC, ISO)."""
    setup_team(cli, tmp_path)
    ref = ok(assign(cli, "draft-one", "grace@example.com", "editor", "--json"))["id"][:8]
    ok(cli("review", "comment", ref, "First note.", "--json"))
    assert cli("config", "set", "timezone", "Europe/Berlin").exit_code == 0
    shown = cli("review", "show", ref)
    assert shown.exit_code == 0, shown.stderr
    assert re.search(
        r"^\[\d{4}-\d\d-\d\d \d\d:\d\d CET\] ada@example.com \(comment\): First note\.$", shown.stdout, re.M
    ), shown.stdout


def test_an_assignee_is_told_that_only_the_author_changes_the_post(cli, tmp_path, superuser):
    """New-user walk: an editor's `posts edit SLUG` said "no post with slug or id" (exit 3) while
    `review show` printed the post. The spec lets only a post's author update it (team permissions
    are a future enhancement): the refusal now says what the assignee does instead (exit 4)."""
    setup_team(cli, tmp_path)
    editor = ok(assign(cli, "draft-one", "grace@example.com", "editor", "--json"))
    ok(assign(cli, "private-two", "lin@example.com", "approver", "--json"))
    post, author = superuser.execute("select id, author_id from public.blogs where slug = 'draft-one'").fetchone()
    login(cli, "grace@example.com")
    hint = f"editors comment and submit (`blogster review show {editor['id'][:8]}`); only the post's author changes it"
    for ref in ("draft-one", str(post), f"{str(author)[:8]}/draft-one"):
        refused = cli("posts", "edit", ref, "--title", "Mine now")
        assert refused.exit_code == 4, (ref, refused.stderr)
        assert refused.stderr == f"error: {ref!r} is assigned to you as editor: {hint}\n"
    in_editor = cli("posts", "edit", "draft-one", env={"EDITOR": "true", "VISUAL": "true"})
    assert (in_editor.exit_code, in_editor.stderr) == (4, f"error: 'draft-one' is assigned to you as editor: {hint}\n")
    assert cli("posts", "rm", "draft-one").exit_code == 4
    missing = cli("posts", "edit", "private-two", "--title", "x")  # not hers to read: as missing as before
    assert missing.exit_code == 3 and "no post with slug or id 'private-two'" in missing.stderr
    login(cli, "lin@example.com")
    refused = cli("posts", "edit", "private-two", "--title", "x")
    assert refused.exit_code == 4 and "as approver: approvers comment, approve or reject" in refused.stderr
    assert superuser.execute("select title from public.blogs order by slug").fetchall() == [
        ("draft-one",),
        ("private-two",),
    ]
    login(cli, "ada@example.com")
    ok(cli("review", "withdraw", editor["id"][:8], "--json"))
    login(cli, "grace@example.com")
    assert cli("posts", "edit", "draft-one", "--title", "x").exit_code == 3  # no longer assigned: not hers to read


def test_withdrawing_tells_the_assignee(cli, tmp_path, superuser):
    """New-user walk: `review withdraw` made the assignment vanish from the assignee's list without a word."""
    setup_team(cli, tmp_path)
    assigned = ok(assign(cli, "draft-one", "grace@example.com", "editor", "--json"))
    said = cli("review", "withdraw", assigned["id"][:8])
    assert said.exit_code == 0 and said.stderr == f"{assigned['id'][:8]} (draft-one) withdrawn.\n"
    # The withdrawal rewrites her unread notification of the assignment (0136).
    assert notifications(superuser, "grace@example.com") == [
        "Withdrawn by ada@example.com: your assignment as editor on draft-one"
    ]
    assert notifications(superuser, "ada@example.com") == []


def test_a_refused_step_says_who_may_take_it(cli, tmp_path):
    """New-user walk: an editor's `review approve` said only "error: permission denied"."""
    setup_team(cli, tmp_path)
    ref = ok(assign(cli, "draft-one", "grace@example.com", "editor", "--json"))["id"][:8]
    refused = cli("review", "start", ref)
    assert refused.exit_code == 4
    assert refused.stderr == (
        "error: only the assignee can start an assignment; as the post's author you approve, reject,"
        " comment or withdraw it\n"
    )
    login(cli, "grace@example.com")
    ok(cli("review", "start", ref, "--json"))
    for step in ("approve", "reject"):
        refused = cli("review", step, ref)
        assert refused.exit_code == 4
        assert (
            refused.stderr
            == f"error: only the post's author or an approver assigned to it can {step}; you are its editor\n"
        )
    refused = cli("review", "approve", ref, "--publish")
    assert (
        refused.exit_code == 4 and "only the post's author or an approver assigned to it can approve" in refused.stderr
    )
    assert ok(cli("review", "list", "--json"))[0]["status"] == "in_progress"


def test_approve_publish_of_a_post_already_published_records_the_approval(cli, tmp_path, superuser):
    """New-user walk: `review approve ID --publish` on a post its author had published meanwhile failed
    ("already published or gone", exit 2) and dropped the approval. The approval is what the approver
    came to give: it is recorded, and the line says there was nothing to publish."""
    setup_team(cli, tmp_path)
    allowed = ok(assign(cli, "draft-one", "grace@example.com", "approver", "--allow-publish", "--json"))
    not_allowed = ok(assign(cli, "private-two", "grace@example.com", "approver", "--json"))
    own = cli("review", "approve", allowed["id"][:8], "--publish")  # the author publishes with `publish`
    assert own.exit_code == 2 and "`blogster publish draft-one`" in own.stderr
    assert cli("publish", "draft-one").exit_code == 0
    assert cli("publish", "private-two").exit_code == 0
    login(cli, "grace@example.com")
    for assignment in (allowed, not_allowed):
        ok(cli("review", "start", assignment["id"][:8], "--json"))
    refused = cli("review", "approve", not_allowed["id"][:8], "--publish")  # not allowed: refused all the same
    assert refused.exit_code == 4 and "the author has not allowed you to publish 'private-two'" in refused.stderr
    said = cli("review", "approve", allowed["id"][:8], "--publish")
    assert said.exit_code == 0, said.stderr
    assert said.stderr == (
        f"{allowed['id'][:8]} (draft-one) is approved; 'draft-one' was already published: nothing to publish.\n"
    )
    statuses = {a["slug"]: a["status"] for a in ok(cli("review", "list", "--json"))}
    assert statuses == {"draft-one": "approved", "private-two": "in_progress"}
    (published,) = superuser.execute(
        "select count(*) from public.activities where type = 'published' and metadata ? 'approved_by'"
    ).fetchone()
    assert published == 0  # its author published it, once
    assert notifications(superuser, "ada@example.com")[-1] == "Approved by grace@example.com (approver): draft-one"


def test_approve_publish_says_it_published_and_json_tells_which(cli, tmp_path):
    setup_team(cli, tmp_path)
    first = ok(assign(cli, "draft-one", "grace@example.com", "approver", "--allow-publish", "--json"))
    second = ok(assign(cli, "private-two", "grace@example.com", "approver", "--allow-publish", "--json"))
    assert cli("publish", "private-two").exit_code == 0
    login(cli, "grace@example.com")
    for assignment in (first, second):
        ok(cli("review", "start", assignment["id"][:8], "--json"))
    said = cli("review", "approve", first["id"][:8], "--publish")
    assert (said.exit_code, said.stderr) == (0, f"{first['id'][:8]} (draft-one) is approved and published.\n")
    shown = ok(cli("review", "approve", second["id"][:8], "--publish", "--json"))
    assert (shown["status"], shown["already_published"]) == ("approved", True)


def test_approve_publish_keeps_the_date_of_a_post_published_before(cli, tmp_path, superuser):
    """`publish` keeps the date of a post published before (unpublish keeps it): its address and
    place in the feeds do not move. `review approve --publish` redated it to now (walk 9, left over);
    a post never published still gets today's date."""
    setup_team(cli, tmp_path)
    assert cli("publish", "draft-one").exit_code == 0
    assert cli("unpublish", "draft-one").exit_code == 0
    superuser.execute("update public.blogs set published_at = '2024-03-01 09:30+00' where slug = 'draft-one'")
    kept = ok(assign(cli, "draft-one", "grace@example.com", "approver", "--allow-publish", "--json"))
    fresh = ok(assign(cli, "private-two", "grace@example.com", "approver", "--allow-publish", "--json"))
    login(cli, "grace@example.com")
    for assignment in (kept, fresh):
        ok(cli("review", "start", assignment["id"][:8], "--json"))
    said = cli("review", "approve", kept["id"][:8], "--publish")
    assert (said.exit_code, said.stderr) == (
        0,
        f"{kept['id'][:8]} (draft-one) is approved and published; it keeps its publication date, 2024-03-01.\n",
    )
    shown = ok(cli("review", "approve", fresh["id"][:8], "--publish", "--json"))
    assert (shown["already_published"], shown["kept_publication_date"]) == (False, None)
    dates = dict(
        superuser.execute(
            "select slug, published_at > now() - interval '1 hour' from public.blogs"
            " where slug in ('draft-one', 'private-two')"
        ).fetchall()
    )
    assert dates == {"draft-one": False, "private-two": True}  # kept; never published: now
    (kept_date,) = superuser.execute("select published_at from public.blogs where slug = 'draft-one'").fetchone()
    assert kept_date.isoformat() == "2024-03-01T09:30:00+00:00"


def test_approve_publish_leaves_a_post_scheduled_for_later_scheduled(cli, tmp_path, superuser):
    """New-user walk 12 (M1): `review approve --publish` on a post its author scheduled for later
    published it at once, dated now, and said nothing of the schedule (0166): an approver overrode
    the author's embargo. It stays scheduled, and the approver's line and the author's notification
    say when it goes live, each in their own zone; a draft is still published now. Neither approval
    marks a calendar entry itself: the due work marks the draft's, whose post is live, and leaves the
    scheduled post's planned until it goes live at its time."""
    setup_team(cli, tmp_path)
    assert cli("config", "set", "timezone", "Europe/Berlin").exit_code == 0  # ada's notifications follow it
    assert cli("publish", "draft-one", "--at", "2099-03-01 09:00").exit_code == 0
    for slug in ("draft-one", "private-two"):
        ok(cli("calendar", "add", f"Launch {slug}", "--date", "2099-03-01", "--blog", slug, "--json"))
    embargoed = ok(assign(cli, "draft-one", "grace@example.com", "approver", "--allow-publish", "--json"))
    draft = ok(assign(cli, "private-two", "grace@example.com", "approver", "--allow-publish", "--json"))
    login(cli, "grace@example.com")
    assert cli("config", "set", "timezone", "Asia/Tokyo").exit_code == 0
    for assignment in (embargoed, draft):
        ok(cli("review", "start", assignment["id"][:8], "--json"))
    said = cli("review", "approve", embargoed["id"][:8], "--publish")
    assert (said.exit_code, said.stderr) == (
        0,
        f"{embargoed['id'][:8]} (draft-one) is approved; it goes live as scheduled at 2099-03-01 17:00 JST.\n",
    )
    shown = ok(cli("review", "approve", draft["id"][:8], "--publish", "--json"))
    assert (shown["status"], shown["already_published"], shown["scheduled_for"]) == ("approved", False, None)
    posts = superuser.execute(
        "select slug, status::text, published_at > now() - interval '1 hour' and published_at <= now(),"
        " published_at = '2099-03-01 08:00+00' from public.blogs order by slug"
    ).fetchall()
    assert posts == [("draft-one", "scheduled", False, True), ("private-two", "published", True, False)]
    assert notifications(superuser, "ada@example.com") == [
        "Approved by grace@example.com (approver), goes live as scheduled at 2099-03-01 09:00 CET: draft-one",
        "Approved and published by grace@example.com (approver): private-two",
    ]
    login(cli, "ada@example.com")
    assert ok(cli("calendar", "run-due", "--json"))["calendar_marked"] == 1
    entries = superuser.execute("select title, status::text from public.content_calendar order by title").fetchall()
    assert entries == [("Launch draft-one", "planned"), ("Launch private-two", "published")]
    again = ok(cli("review", "list", "--by-me", "--json"))
    assert {a["slug"]: a["status"] for a in again} == {"draft-one": "approved", "private-two": "approved"}


def test_approve_publish_refuses_a_scheduled_post_changed_meanwhile_as_a_draft(cli, tmp_path, superuser, monkeypatch):
    """Red team 43b F5 (0178): the author retitles her post while the approver's `review approve
    --publish` runs. A draft was refused (exit 2); one scheduled for later stayed scheduled and her
    notification named the new title as approved. Both are refused now, in the same words."""
    from blogster_cli.repositories import review as review_rows

    approve = review_rows.publish

    def author_retitles_first(session, *, assignment_id):
        superuser.execute("update public.blogs set title = 'Retitled' where slug in ('draft-one', 'private-two')")
        return approve(session, assignment_id=assignment_id)

    setup_team(cli, tmp_path)
    assert cli("publish", "draft-one", "--at", "2099-03-01 09:00").exit_code == 0
    refs = [ok(assign(cli, slug, "grace@example.com", "approver", "--allow-publish", "--json"))["id"][:8]
            for slug in ("draft-one", "private-two")]  # fmt: skip
    login(cli, "grace@example.com")
    for ref in refs:
        ok(cli("review", "start", ref, "--json"))
    monkeypatch.setattr(review_rows, "publish", author_retitles_first)
    said = [cli("review", "approve", ref, "--publish") for ref in refs]
    refused = "error: the post changed after it was approved: its author can assign it again\n"
    assert [(r.exit_code, r.stderr) for r in said] == [(2, refused)] * 2
    statuses = superuser.execute("select slug, status::text from public.blogs order by slug").fetchall()
    assert statuses == [("draft-one", "scheduled"), ("private-two", "draft")]


def test_approve_publish_json_says_when_a_scheduled_post_goes_live(cli, tmp_path, superuser):
    setup_team(cli, tmp_path)
    assert cli("publish", "draft-one", "--at", "2099-03-01 09:00").exit_code == 0
    assignment = ok(assign(cli, "draft-one", "grace@example.com", "approver", "--allow-publish", "--json"))
    login(cli, "grace@example.com")
    ok(cli("review", "start", assignment["id"][:8], "--json"))
    shown = ok(cli("review", "approve", assignment["id"][:8], "--publish", "--json"))
    assert (shown["status"], shown["already_published"], shown["kept_publication_date"]) == ("approved", False, None)
    assert shown["scheduled_for"] == "2099-03-01T09:00:00+00:00"
    (count,) = superuser.execute("select count(*) from public.activities where type = 'published'").fetchone()
    assert count == 0  # it goes live at its time, with the one `published` activity the due work records


def test_a_due_day_is_the_same_day_for_the_author_and_the_assignee(cli, tmp_path, superuser):
    """New-user walk: `--due 2026-12-10` showed as `2026-12-10 22:59 UTC` to a UTC assignee and
    `23:59 CET` to the author (and west of UTC, as the next day): a due date is a day, one for both."""
    from datetime import datetime, timedelta

    setup_team(cli, tmp_path)
    day = (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%d")
    assert cli("config", "set", "timezone", "America/Los_Angeles").exit_code == 0
    editor = ok(assign(cli, "draft-one", "grace@example.com", "editor", "--due", day, "--json"))
    assert editor["due_date"] == day
    assert cli("config", "set", "timezone", "Asia/Tokyo").exit_code == 0
    ok(assign(cli, "private-two", "grace@example.com", "reviewer", "--due", day, "--json"))
    for zone, who in (
        ("Europe/Berlin", "ada@example.com"),
        ("UTC", "grace@example.com"),
        ("Pacific/Kiritimati", "grace@example.com"),
    ):
        login(cli, who)
        assert cli("config", "set", "timezone", zone).exit_code == 0
        listed = cli("review", "list", *(["--by-me"] if who.startswith("ada") else []), "--format", "csv")
        assert listed.exit_code == 0, listed.stderr
        dues = [line.split(",")[5] for line in listed.stdout.splitlines()[1:]]
        assert dues == [day, day], (zone, listed.stdout)
        shown = cli("review", "show", editor["id"][:8])
        assert re.search(rf"^due\s+{day}$", shown.stdout, re.M), shown.stdout
    stored = superuser.execute("select distinct due_date at time zone 'UTC' from public.team_collaboration").fetchall()
    assert stored == [(datetime.strptime(day, "%Y-%m-%d").replace(hour=23, minute=59, second=59),)]


def test_lists_and_show_name_the_people_on_each_assignment(cli, tmp_path, superuser):
    """New-user walk (h257 M4): `review list` and `review show` named nobody, `--json` gave bare ids:
    a lead with two teammates on one post could not tell who held which assignment."""
    setup_team(cli, tmp_path)
    editor = ok(assign(cli, "draft-one", "grace@example.com", "editor", "--json"))
    reviewer = ok(assign(cli, "draft-one", "lin@example.com", "reviewer", "--json"))
    ids = {row[0]: row[1] for row in superuser.execute("select email, id::text from auth.users").fetchall()}
    assert (editor["assignee_email"], editor["author_email"], editor["assigner_email"]) == (
        "grace@example.com", "ada@example.com", "ada@example.com",
    )  # fmt: skip
    assert (editor["assigned_to"], editor["author_id"]) == (ids["grace@example.com"], ids["ada@example.com"])
    by_me = cli("review", "list", "--by-me", "--format", "csv")
    assert by_me.stdout.splitlines() == [
        "id,slug,assignee,role,status,due,comments",
        f"{reviewer['id']},draft-one,lin@example.com,reviewer,assigned,,0",
        f"{editor['id']},draft-one,grace@example.com,editor,assigned,,0",
    ]
    listed = ok(cli("review", "list", "--by-me", "--json"))
    assert [(a["assignee_email"], a["author_email"]) for a in listed] == [
        ("lin@example.com", "ada@example.com"), ("grace@example.com", "ada@example.com"),
    ]  # fmt: skip
    login(cli, "grace@example.com")
    mine = cli("review", "list", "--format", "csv")
    assert mine.stdout.splitlines() == [
        "id,slug,author,role,status,due,comments",
        f"{editor['id']},draft-one,ada@example.com,editor,assigned,,0",
    ]
    shown = cli("review", "show", editor["id"][:8])
    assert shown.exit_code == 0, shown.stderr
    for key, value in (("author", "ada@example.com"), ("assignee", "grace@example.com"),
                       ("role", "editor"), ("assigned by", "ada@example.com")):  # fmt: skip
        assert re.search(rf"^{key}\s+{re.escape(value)}$", shown.stdout, re.M), (key, shown.stdout)
    assert "lin@example.com" not in shown.stdout  # another assignee of the post: not hers to know
    # An account marked for deletion: its email is no one's to read any more; its id's start stands in.
    superuser.execute("update auth.users set deleted_at = now() where email = 'ada@example.com'")
    assert ok(cli("review", "list", "--json"))[0]["author_email"] is None
    ada = ids["ada@example.com"][:8]
    assert re.search(rf"^author\s+account {ada}$", cli("review", "show", editor["id"][:8]).stdout, re.M)


def test_assign_says_who_has_which_role_and_submit_before_start_says_start_first(cli, tmp_path):
    """New-user walk (h257 L8): "972b5ac2 (backups-that-restore) is assigned." named neither, and a
    submit before start said only that "an assignment cannot go from assigned to reviewed"."""
    setup_team(cli, tmp_path)
    said = assign(cli, "draft-one", "Grace@Example.com", "approver", "--allow-publish")
    assert said.exit_code == 0, said.stderr
    ref = said.stderr[:8]
    assert said.stderr == f"{ref} (draft-one): grace@example.com is assigned as approver, allowed to publish.\n"
    reviewer = assign(cli, "private-two", "lin@example.com", "reviewer")
    lin = reviewer.stderr[:8]
    assert reviewer.stderr == f"{lin} (private-two): lin@example.com is assigned as reviewer.\n"
    login(cli, "lin@example.com")
    early = cli("review", "submit", lin)
    assert (early.exit_code, early.stderr) == (
        2,
        f"error: an assignment cannot go from assigned to reviewed: run `blogster review start {lin}` first,"
        " then submit\n",
    )
    login(cli, "grace@example.com")
    ok(cli("review", "start", ref, "--json"))
    ok(cli("review", "reject", ref, "--json"))  # an approver rejects: back to rework
    again = cli("review", "submit", ref)
    assert again.exit_code == 2 and f"run `blogster review start {ref}` first, then submit" in again.stderr


def test_notifications_name_who_acted_and_carry_the_comment(cli, tmp_path):
    """New-user walk (h257 M4): the assignee read "TITLE is now rejected" (no name, no comment), and
    every body was "assignment <uuid>". `notifications read ID` shows the one it marks (L7)."""
    setup_team(cli, tmp_path)
    ref = ok(assign(cli, "draft-one", "grace@example.com", "editor", "--json"))["id"][:8]
    login(cli, "grace@example.com")
    ok(cli("review", "start", ref, "--json"))
    ok(cli("review", "submit", ref, "--comment", "Tightened the intro.\nAnd the rest.", "--json"))
    login(cli, "ada@example.com")
    [submitted] = ok(cli("notifications", "list", "--json"))
    assert submitted["title"] == "Submitted for approval by grace@example.com (editor): draft-one"
    assert submitted["content"] == f"`blogster review show {ref}`: Tightened the intro. …"
    assert submitted["link"].startswith(f"blogster review show {ref}") and len(submitted["link"]) == 57
    ok(cli("review", "reject", ref, "--comment", "Please also check the psql line\nand the rest.", "--json"))
    login(cli, "grace@example.com")
    [rejected] = ok(cli("notifications", "list", "--unread", "--json"))
    assert rejected["title"] == "Rejected by ada@example.com: draft-one"
    assert rejected["content"] == f"`blogster review show {ref}`: Please also check the psql line …"
    read = cli("notifications", "read", rejected["id"][:8])
    assert read.exit_code == 0, read.stderr
    assert re.fullmatch(
        rf"\[\d{{4}}-\d\d-\d\d \d\d:\d\d \w+\] Rejected by ada@example\.com: draft-one\n"
        rf"`blogster review show {ref}`: Please also check the psql line …\n",
        read.stdout,
    ), read.stdout
    assert read.stderr == f"Marked {rejected['id'][:8]} read.\n"
    assert ok(cli("notifications", "list", "--unread", "--json")) == []
    again = ok(cli("notifications", "read", rejected["id"], "--json"))
    assert (again["id"], again["read"], again["title"], again["content"]) == (
        rejected["id"], True, rejected["title"], rejected["content"],
    )  # fmt: skip


def test_a_hostile_comment_in_a_notification_is_shown_not_acted_on(cli, tmp_path, monkeypatch):
    """The body carries the comment's first line as written (exact in --json and pipes); on a
    terminal, `notifications read` and `list` show its controls as stand-ins (terminal_text)."""
    setup_team(cli, tmp_path)
    ref = ok(assign(cli, "draft-one", "grace@example.com", "editor", "--json"))["id"][:8]
    login(cli, "grace@example.com")
    ok(cli("review", "comment", ref, "Hi\x1b]0;pwned\x07 \u202eevil", "--json"))
    login(cli, "ada@example.com")
    [comment] = ok(cli("notifications", "list", "--json"))
    assert comment["content"] == f"`blogster review show {ref}`: Hi\x1b]0;pwned\x07 \u202eevil"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")
    shown = cli("notifications", "read", comment["id"][:8])
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.endswith(f"`blogster review show {ref}`: Hi␛]0;pwned␇ \ufffdevil\n"), shown.stdout
    assert "\x1b]" not in shown.stdout and "\u202e" not in shown.stdout


def test_an_approver_cannot_publish_a_templates_unwritten_scaffold(cli, tmp_path, superuser):
    """A post holding only its template's headings and guidance comments is no content on review's
    path too (exit 2, the line `publish` refuses it with); before, `approve --publish` put it live."""
    setup_team(cli, tmp_path)
    assert cli("posts", "new", "Scaffold", "--slug", "scaffold", "--template", "how-to").exit_code == 0
    assigned = ok(assign(cli, "scaffold", "grace@example.com", "approver", "--allow-publish", "--json"))
    refused_by_publish = cli("publish", "scaffold")
    assert refused_by_publish.exit_code == 2
    login(cli, "grace@example.com")
    ok(cli("review", "start", assigned["id"][:8], "--json"))
    refused = cli("review", "approve", assigned["id"][:8], "--publish")
    assert refused.exit_code == 2, refused.stderr
    assert (
        refused.stderr
        == refused_by_publish.stderr
        == (
            "error: 'scaffold' cannot be published: it has no content (only its template's headings and guidance comments)\n"
        )
    )
    assert superuser.execute("select status::text from public.blogs where slug = 'scaffold'").fetchone() == ("draft",)
