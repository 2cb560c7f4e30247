"""publish / unpublish / schedule list, and the scheduler's publish_due."""

from datetime import UTC, datetime, timedelta

from tests.cli.conftest import PASSWORD


def new_post(cli, tmp_path, slug, body="Some words here.\n", extra=""):
    post = tmp_path / f"{slug}.md"
    post.write_text(f"---\ntitle: {slug.title()}\nslug: {slug}\ndraft: true\n{extra}---\n{body}")
    result = cli("blogs", "new", "--from", str(post), "--porcelain")
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def activity_types(superuser, slug):
    rows = superuser.execute(
        "select a.type from public.activities a join public.blogs b on b.id = a.blog_id"
        " where b.slug = %s and a.type in ('published', 'scheduled') order by a.created_at",
        (slug,),
    ).fetchall()
    return [r[0] for r in rows]


def test_publish_several_checks_each_and_reports_failures(cli, signed_up, tmp_path, superuser):
    new_post(cli, tmp_path, "ready", extra="description: A summary.\n")
    new_post(cli, tmp_path, "empty", body="  \n")
    result = cli("publish", "ready", "empty", "--json")
    assert result.exit_code == 2
    outcomes = {o["ref"]: o for o in result.json()}
    assert outcomes["ready"]["status"] == "published" and outcomes["ready"]["warnings"] == ["no featured image"]
    assert "no content" in outcomes["empty"]["error"] and outcomes["empty"]["status"] is None
    status = {p["slug"]: p["status"] for p in cli("blogs", "list", "--json").json()}
    assert status == {"ready": "published", "empty": "draft"}
    assert activity_types(superuser, "ready") == ["published"]
    assert activity_types(superuser, "empty") == []
    again = cli("publish", "ready")  # already published: a note, nothing done (h310 L1)
    assert again.exit_code == 0 and "'ready' is already published (since " in again.stderr
    assert activity_types(superuser, "ready") == ["published"]


def test_a_mistyped_name_changes_no_post(cli, signed_up, tmp_path, superuser):
    # `publish a typo` must not publish `a` and then fail on `typo`: the command was not what
    # the writer meant, so nothing is published (nor taken down) and the name is said.
    new_post(cli, tmp_path, "ready", extra="description: A summary.\n")
    new_post(cli, tmp_path, "live", extra="description: A summary.\n")
    assert cli("publish", "live").exit_code == 0
    result = cli("publish", "ready", "readdy", "--json")
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.strip() == "error: no post with slug or id 'readdy' (did you mean 'ready'?)"
    taken_down = cli("unpublish", "live", "nothing-like-it")
    assert taken_down.exit_code == 3 and "'nothing-like-it'" in taken_down.stderr
    status = {p["slug"]: p["status"] for p in cli("blogs", "list", "--json").json()}
    assert status == {"ready": "draft", "live": "published"}
    assert activity_types(superuser, "ready") == []


def test_at_in_the_future_schedules_in_the_users_timezone(cli, signed_up, tmp_path, superuser):
    new_post(cli, tmp_path, "later")
    env = {"BLOGSTER_TIMEZONE": "Europe/Paris"}
    result = cli("publish", "later", "--at", "2999-12-01 09:00", "--json", env=env)
    assert result.exit_code == 0, result.stderr
    (published_at,) = superuser.execute("select published_at from public.blogs where slug = 'later'").fetchone()
    assert published_at == datetime(2999, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Paris is 08:00 UTC in winter
    listed = cli("schedule", "list", "--json", env=env)
    assert listed.exit_code == 0, listed.stderr
    listed = listed.json()
    assert [(r["slug"], r["publishes_at"]) for r in listed] == [("later", "2999-12-01T09:00:00+01:00")]
    assert activity_types(superuser, "later") == ["scheduled"]
    assert cli("publish", "later", "--at", "tomorrow").exit_code == 2
    assert cli("publish", "later", "--at", "2999-12-01 09:00", env={"BLOGSTER_TIMEZONE": "Mars/Base"}).exit_code == 6


def test_unpublish_takes_published_and_scheduled_posts_back_to_draft(cli, signed_up, tmp_path):
    new_post(cli, tmp_path, "live")
    new_post(cli, tmp_path, "soon")
    assert cli("publish", "live").exit_code == 0
    assert cli("publish", "soon", "--at", "2999-01-01 00:00").exit_code == 0
    assert cli("unpublish", "live", "soon").exit_code == 0
    assert {p["status"] for p in cli("blogs", "list", "--json").json()} == {"draft"}
    assert cli("schedule", "list", "--json").json() == []
    again = cli("unpublish", "live")  # a draft already: a note, nothing done (h310 L1)
    assert again.exit_code == 0 and again.stderr == "'live' is already a draft.\n"


def test_publish_due_publishes_once_with_one_activity(db, make_user, superuser):
    from blogster_cli.actors import ActingUser
    from blogster_cli.services import blogs, publishing

    actor = make_user()
    acting = ActingUser(db, actor)
    blogs.create(acting, new=blogs.NewBlog(title="Due", markdown="Body text."))
    blogs.create(acting, new=blogs.NewBlog(title="Not yet", markdown="Body text."))
    soon = (datetime.now(UTC) + timedelta(hours=1)).strftime(publishing.AT_FORMAT)
    later = (datetime.now(UTC) + timedelta(days=2)).strftime(publishing.AT_FORMAT)
    publishing.publish(acting, refs=["due"], at=soon)
    publishing.publish(acting, refs=["not-yet"], at=later)
    # An hour passes for "due" (the database refuses a published post dated ahead: 0206).
    superuser.execute("update public.blogs set published_at = published_at - interval '2 hours' where slug = 'due'")
    assert [r.slug for r in publishing.publish_due(acting, now=datetime.now(UTC))] == ["due"]
    assert publishing.publish_due(acting, now=datetime.now(UTC)) == []
    # A run whose clock is days ahead publishes nothing early, and is not refused for it.
    assert publishing.publish_due(acting, now=datetime.now(UTC) + timedelta(days=3)) == []
    assert activity_types(superuser, "due") == ["scheduled", "published"]
    assert activity_types(superuser, "not-yet") == ["scheduled"]
    other = ActingUser(db, make_user())
    assert publishing.publish_due(other, now=datetime.now(UTC) + timedelta(days=3)) == []
    status = dict(superuser.execute("select slug, status::text from public.blogs").fetchall())
    assert status == {"due": "published", "not-yet": "scheduled"}


def test_another_user_cannot_publish_my_post(cli, signed_up, tmp_path):
    post_id = new_post(cli, tmp_path, "mine")
    assert cli("auth", "logout").exit_code == 0
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    result = cli("publish", post_id)
    assert result.exit_code == 3 and "no post" in result.stderr
    assert cli("unpublish", post_id).exit_code == 3
