"""calendar run-due: each due post published once with one `published` activity, under overlap and SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import due_work, publishing
from tests.conftest import signed_up_in

PAST = datetime.now(UTC) - timedelta(hours=1)
PLANNED = PAST - timedelta(days=1)  # when the tests' entries were planned: before their posts went live


def scheduled_posts(superuser, author_id, count, *, when=PAST, prefix="due"):
    """`count` scheduled posts of `author_id` due at `when`, inserted in one statement."""
    superuser.execute(
        "insert into public.blogs (title, slug, author_id, content, status, published_at)"
        " select %(prefix)s || ' ' || n, %(prefix)s || '-' || n, %(author)s,"
        " jsonb_build_object('markdown', 'Body ' || n), 'scheduled', %(when)s from generate_series(1, %(count)s) n",
        {"prefix": prefix, "author": author_id, "when": when, "count": count},
    )


def plan_each_post(superuser, *, slug=None):
    """A `blog` entry for today for each post (or the one named), planned a day before it goes live:
    the entry its publication fulfils (one added after that, for a later day, is an update)."""
    superuser.execute(
        "insert into public.content_calendar (user_id, title, scheduled_date, blog_id, created_at)"
        " select author_id, title, current_date, id, published_at - interval '1 day' from public.blogs"
        " where %(slug)s::text is null or slug = %(slug)s",
        {"slug": slug},
    )


def published_activity_counts(superuser):
    return dict(
        superuser.execute(
            "select b.slug, count(a.id) from public.blogs b left join public.activities a"
            " on a.blog_id = b.id and a.type = 'published' group by b.slug"
        ).fetchall()
    )


def statuses(superuser):
    return dict(superuser.execute("select slug, status::text from public.blogs").fetchall())


def test_run_due_publishes_marks_entries_and_is_idempotent(db, make_user, superuser):
    actor = make_user()
    acting = ActingUser(db, actor)
    scheduled_posts(superuser, actor.user_id, 3)
    scheduled_posts(superuser, actor.user_id, 1, when=datetime.now(UTC) + timedelta(days=1), prefix="later")
    plan_each_post(superuser)
    preview = due_work.run_due(acting, dry_run=True)
    assert sorted(p.slug for p in preview.published) == ["due-1", "due-2", "due-3"] and preview.calendar_marked == 3
    assert set(statuses(superuser).values()) == {"scheduled"}
    report = due_work.run_due(acting)
    assert sorted(p.slug for p in report.published) == ["due-1", "due-2", "due-3"]
    assert report.calendar_marked == 3 and report.errors == []
    again = due_work.run_due(acting)
    assert again.published == [] and again.calendar_marked == 0
    assert published_activity_counts(superuser) == {"due-1": 1, "due-2": 1, "due-3": 1, "later-1": 0}
    marked = dict(superuser.execute("select title, status::text from public.content_calendar").fetchall())
    assert marked == {"due 1": "published", "due 2": "published", "due 3": "published", "later 1": "planned"}
    assert due_work.next_change(acting)[0] == "post"
    assert due_work.next_change(acting)[1] > datetime.now(UTC)


def test_two_overlapping_runs_publish_each_post_once(db, make_user, superuser):
    actor = make_user()
    scheduled_posts(superuser, actor.user_id, 300)
    barrier = threading.Barrier(2)
    reports = []

    def run() -> None:
        acting = ActingUser(db, actor)
        barrier.wait()
        reports.append(due_work.run_due(acting))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(reports) == 2 and all(r.errors == [] for r in reports)
    first, second = ({p.slug for p in r.published} for r in reports)
    assert not first & second and len(first | second) == 300
    assert set(published_activity_counts(superuser).values()) == {1}
    assert set(statuses(superuser).values()) == {"published"}


def cli_env(db, home) -> dict[str, str]:
    return {
        **os.environ,
        "BLOGSTER_HOME": str(home),
        "BLOGSTER_DATABASE_URL": db.conninfo,
        "BLOGSTER_PASSWORD": "pw-long-enough-1",
    }


def blogster(*args: str) -> list[str]:
    return [sys.executable, "-m", "blogster_cli", *args]


def signed_up_cli(db, tmp_path):
    """An account created and logged in for the CLI processes a test starts in their own
    BLOGSTER_HOME; returns (their env, the user id)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = cli_env(db, home)
    actor = signed_up_in(home, db.conninfo, "cron@example.com", env["BLOGSTER_PASSWORD"])
    return env, actor.user_id


def test_two_run_due_processes_at_once_publish_each_post_once(db, tmp_path, superuser):
    env, user_id = signed_up_cli(db, tmp_path)
    scheduled_posts(superuser, user_id, 500)
    runs = [
        subprocess.Popen(
            blogster("calendar", "run-due", "--json"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    import json

    slugs = [{p["slug"] for p in json.loads(out)["published"]} for out, _ in outputs]
    assert not slugs[0] & slugs[1] and len(slugs[0] | slugs[1]) == 500
    assert set(published_activity_counts(superuser).values()) == {1}


def test_a_run_killed_mid_publish_leaves_nothing_half_done_and_the_rerun_finishes(db, tmp_path, superuser):
    env, user_id = signed_up_cli(db, tmp_path)
    scheduled_posts(superuser, user_id, 200)
    # Hold one due row's lock, so the run's UPDATE is certainly in flight when it is killed.
    with db.connect(autocommit=False) as blocker:
        blocker.execute("select id from public.blogs where slug = 'due-200' for update")
        run = subprocess.Popen(blogster("calendar", "run-due"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not superuser.execute(
            "select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like 'update public.blogs%%'"
        ).fetchone():
            assert time.monotonic() < deadline and run.poll() is None, "run-due never reached the update"
            time.sleep(0.05)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
        blocker.rollback()
    assert run.returncode == -signal.SIGKILL
    for _ in range(50):  # the server notices the dead client and rolls its transaction back
        if not superuser.execute(
            "select 1 from pg_stat_activity where query like 'update public.blogs%%' and state <> 'idle'"
        ).fetchone():
            break
        time.sleep(0.1)
    assert set(statuses(superuser).values()) == {"scheduled"}  # all or nothing: nothing
    assert set(published_activity_counts(superuser).values()) == {0}
    rerun = subprocess.run(
        blogster("calendar", "run-due", "--json"), env=env, capture_output=True, text=True, timeout=120
    )
    assert rerun.returncode == 0, rerun.stderr
    assert set(statuses(superuser).values()) == {"published"}
    assert set(published_activity_counts(superuser).values()) == {1}


def account_with_a_site(db, make_user, superuser):
    """A new account with a site address (the rebuilds need one): its Actor and ActingUser."""
    actor = make_user()
    superuser.execute(
        "insert into public.subdomain_settings (user_id, subdomain) values (%s, 'ada')"
        " on conflict (user_id) do nothing",
        (actor.user_id,),
    )
    return actor, ActingUser(db, actor)


def test_a_run_killed_after_publishing_is_finished_by_the_next(db, make_user, superuser, tmp_path):
    """Entries and the site catch up with posts published by a run that died before those steps."""
    actor, acting = account_with_a_site(db, make_user, superuser)
    scheduled_posts(superuser, actor.user_id, 2)
    plan_each_post(superuser)
    out = tmp_path / "public"
    site = due_work.SiteTarget(out, "blogster.page", "UTC")
    assert due_work.run_due(acting, site=site).site_rebuilt  # builds the site with both posts
    scheduled_posts(superuser, actor.user_id, 1, prefix="late")
    plan_each_post(superuser, slug="late-1")
    publishing.publish_due(acting)  # what a run did before it was killed
    report = due_work.run_due(acting, site=site)
    assert report.published == [] and report.calendar_marked == 1 and report.site_rebuilt
    assert (out / "posts" / "late-1" / "index.html").exists()
    assert published_activity_counts(superuser) == {"due-1": 1, "due-2": 1, "late-1": 1}
    assert not due_work.run_due(acting, site=site).site_rebuilt  # nothing lags any more


def test_run_due_and_the_workers_publish_due_at_once_publish_each_post_once(db, tmp_path, superuser):
    """The account's cron (`calendar run-due`) and the workers' path (`workers publish-due`,
    every account) share one service: racing, they publish each post once, and the calendar
    entries end up marked whichever of them published the post."""
    env, user_id = signed_up_cli(db, tmp_path)
    scheduled_posts(superuser, user_id, 500)
    plan_each_post(superuser)
    worker_home = tmp_path / "worker-home"
    worker_home.mkdir()
    worker_env = {**os.environ, "BLOGSTER_HOME": str(worker_home), "BLOGSTER_DATABASE_URL": db.conninfo}
    commands = [
        (blogster("calendar", "run-due", "--json"), env),
        (blogster("workers", "publish-due", "--json"), worker_env),
    ]
    runs = [
        subprocess.Popen(command, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command, run_env in commands
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    import json

    by_cron = len(json.loads(outputs[0][0])["published"])
    by_workers = json.loads(outputs[1][0])["published"]
    assert by_cron + by_workers == 500
    assert set(published_activity_counts(superuser).values()) == {1}
    assert superuser.execute("select distinct status::text from public.content_calendar").fetchall() == [("published",)]


def test_a_rebuild_reports_the_files_it_left_and_a_cut_short_first_build_is_finished(
    db, make_user, superuser, tmp_path
):
    """run-due's rebuild names the files it left alone (edited by hand since), as `site build`
    does; and a first build cut short (only its journal there, no manifest yet) counts as lagging."""
    from blogster_cli.services.site_files import JOURNAL

    actor, acting = account_with_a_site(db, make_user, superuser)
    scheduled_posts(superuser, actor.user_id, 1)
    out = tmp_path / "public"
    site = due_work.SiteTarget(out, "blogster.page", "UTC")
    first = due_work.run_due(acting, site=site)
    assert first.site_rebuilt and first.site_files_left == []
    (out / "index.html").write_text("edited by hand")
    scheduled_posts(superuser, actor.user_id, 1, prefix="late")
    report = due_work.run_due(acting, site=site)
    assert report.site_rebuilt and report.site_files_left == ["index.html"]
    assert (out / "index.html").read_text() == "edited by hand"

    cut_short = tmp_path / "cut-short"
    cut_short.mkdir()
    (cut_short / JOURNAL).write_text("")  # what a first build killed before its first file leaves
    report = due_work.run_due(acting, site=due_work.SiteTarget(cut_short, "blogster.page", "UTC"))
    assert report.published == [] and report.site_rebuilt
    assert (cut_short / "posts" / "late-1" / "index.html").exists() and not (cut_short / JOURNAL).exists()


def test_a_post_the_workers_published_is_built_by_the_next_run_and_only_once(db, make_user, superuser, tmp_path):
    """A post the workers' minute job published (not run-due) reaches the site folder on the next
    run-due, even a first one (no manifest yet); so does one taken down, one edited and a tag
    linked; a run after a build rebuilds nothing. A folder that is not this account's site is left alone."""
    from blogster_cli.actors import Timeouts

    actor, acting = account_with_a_site(db, make_user, superuser)
    out = tmp_path / "public"
    site = due_work.SiteTarget(out, "blogster.page", "UTC")
    assert not due_work.run_due(acting, site=site).site_rebuilt  # nothing live: no site to make
    scheduled_posts(superuser, actor.user_id, 2)
    assert due_work.publish_due_for_every_author(db, timeouts=Timeouts()).results == [2]
    report = due_work.run_due(acting, site=site)
    assert report.published == [] and report.site_rebuilt and report.errors == []
    assert (out / "posts" / "due-1" / "index.html").exists()
    assert not due_work.run_due(acting, site=site).site_rebuilt  # built: nothing lags any more

    scheduled_posts(superuser, actor.user_id, 1, prefix="late")
    superuser.execute("update public.blogs set status = 'draft', published_at = null where slug = 'due-2'")
    due_work.publish_due_for_every_author(db, timeouts=Timeouts())  # as many posts live as before
    assert due_work.run_due(acting, site=site).site_rebuilt
    assert (out / "posts" / "late-1" / "index.html").exists() and not (out / "posts" / "due-2").exists()
    assert not due_work.run_due(acting, site=site).site_rebuilt

    superuser.execute("update public.blogs set title = 'Renamed' where slug = 'due-1'")
    assert due_work.run_due(acting, site=site).site_rebuilt
    assert "Renamed" in (out / "posts" / "due-1" / "index.html").read_text()
    assert not due_work.run_due(acting, site=site).site_rebuilt

    tag = superuser.execute("insert into public.blog_tags (name) values ('linked-later') returning id").fetchone()[0]
    superuser.execute(
        "insert into public.blogs_to_tags (blog_id, tag_id) select id, %s from public.blogs where slug = 'due-1'",
        (tag,),
    )
    assert due_work.run_due(acting, site=site).site_rebuilt
    assert "linked-later" in (out / "posts" / "due-1" / "index.html").read_text()
    assert not due_work.run_due(acting, site=site).site_rebuilt

    foreign = tmp_path / "theirs"
    foreign.mkdir()
    (foreign / "index.html").write_text("not a build of ours")
    report = due_work.run_due(acting, site=due_work.SiteTarget(foreign, "blogster.page", "UTC"))
    assert not report.site_rebuilt and report.errors == []  # refused each minute otherwise


def test_a_change_of_what_every_page_shows_of_the_settings_is_built_by_the_next_run_and_only_once(
    db, make_user, superuser, tmp_path
):
    """h391: the site's title, theme and description (`site settings set`), my name (the feeds' author),
    the base domain and the time zone (`config set`) are in every page: the cron-built site shows a
    change of any of them at the next run, with no post changed, and the run after that rebuilds nothing."""
    actor, acting = account_with_a_site(db, make_user, superuser)
    scheduled_posts(superuser, actor.user_id, 1)
    out = tmp_path / "public"
    site = due_work.SiteTarget(out, "blogster.page", "UTC")
    assert due_work.run_due(acting, site=site).site_rebuilt
    assert not due_work.run_due(acting, site=site).site_rebuilt

    superuser.execute(
        "update public.subdomain_settings set site_title = 'Renamed blog' where user_id = %s", (actor.user_id,)
    )
    report = due_work.run_due(acting, site=site)
    assert report.site_rebuilt and report.errors == []
    assert "Renamed blog" in (out / "index.html").read_text()
    assert not due_work.run_due(acting, site=site).site_rebuilt

    superuser.execute(
        "update public.subdomain_settings set theme = 'minimal', site_description = 'About things' where user_id = %s",
        (actor.user_id,),
    )
    assert due_work.run_due(acting, site=site).site_rebuilt
    assert "About things" in (out / "index.html").read_text()
    assert not due_work.run_due(acting, site=site).site_rebuilt

    superuser.execute("update public.profiles set full_name = 'Ada Lovelace' where id = %s", (actor.user_id,))
    assert due_work.run_due(acting, site=site).site_rebuilt
    assert "Ada Lovelace" in (out / "atom.xml").read_text()
    assert not due_work.run_due(acting, site=site).site_rebuilt

    moved = due_work.SiteTarget(out, "example.net", "UTC")
    assert due_work.run_due(acting, site=moved).site_rebuilt
    assert '.example.net/"' in (out / "index.html").read_text()  # its canonical address
    assert not due_work.run_due(acting, site=moved).site_rebuilt
    zoned = due_work.SiteTarget(out, "example.net", "Pacific/Kiritimati")
    assert due_work.run_due(acting, site=zoned).site_rebuilt
    assert not due_work.run_due(acting, site=zoned).site_rebuilt

    superuser.execute("update public.subdomain_settings set theme = 'gone' where user_id = %s", (actor.user_id,))
    report = due_work.run_due(acting, site=zoned)  # a theme stored by SQL: no build to compare, none each minute
    assert not report.site_rebuilt and report.errors == []


@pytest.mark.parametrize("markdown", ["", "\u00a0\u3000\n"])
def test_a_due_post_with_nothing_in_it_is_not_published_and_is_named(db, make_user, superuser, markdown):
    """A scheduled post emptied by raw SQL (every command refuses one) came due and went live:
    `publish` refuses it, so run-due and the workers leave it scheduled and say why."""
    actor = make_user()
    acting = ActingUser(db, actor)
    scheduled_posts(superuser, actor.user_id, 1)
    scheduled_posts(superuser, actor.user_id, 1, prefix="empty")
    superuser.execute(
        "update public.blogs set content = jsonb_build_object('markdown', %s::text) where slug = 'empty-1'", (markdown,)
    )
    preview = due_work.run_due(acting, dry_run=True)
    assert [p.slug for p in preview.published] == ["due-1"]
    report = due_work.run_due(acting)
    assert [p.slug for p in report.published] == ["due-1"]
    assert report.notes == [
        "'empty-1' is scheduled but has no title or content, so it is never published",
        due_work.NO_SITE,  # a post went live and no site folder was given to rebuild
    ]
    assert statuses(superuser) == {"due-1": "published", "empty-1": "scheduled"}


def test_a_publication_marks_the_one_entry_it_fulfils(db, make_user, superuser):
    """Of a post's entries (all planned before it went live), its earliest unmarked `blog` entry is
    the publication's, even when the post went live before that day; a later `blog` entry (an
    update planned next month) and the entries of its newsletter and social posts wait for
    `calendar done`."""
    actor = make_user()
    scheduled_posts(superuser, actor.user_id, 2)
    ids = dict(superuser.execute("select slug, id from public.blogs").fetchall())
    today = datetime.now(UTC).date()
    entries = [
        ("due-1", "launch", today + timedelta(days=4), "blog"),  # planned for Friday, live on Monday
        ("due-1", "promote", today + timedelta(days=1), "social"),
        ("due-1", "in the letter", today + timedelta(days=2), "newsletter"),
        ("due-1", "update it", today + timedelta(days=30), "blog"),
        ("due-2", "already done", today - timedelta(days=1), "blog"),
        ("due-2", "second look", today + timedelta(days=7), "blog"),
    ]
    for slug, title, day, kind in entries:
        status = "published" if title == "already done" else "planned"
        superuser.execute(
            "insert into public.content_calendar (user_id, title, scheduled_date, blog_id, content_type, status,"
            " created_at) values (%s, %s, %s, %s, %s, %s, %s)",
            (actor.user_id, title, day, ids[slug], kind, status, PLANNED),
        )
    acting = ActingUser(db, actor)
    assert due_work.run_due(acting, dry_run=True).calendar_marked == 1
    assert due_work.run_due(acting).calendar_marked == 1
    marked = superuser.execute("select title from public.content_calendar where status = 'published' order by title")
    assert [title for (title,) in marked] == ["already done", "launch"]
    assert due_work.run_due(acting).calendar_marked == 0


@pytest.mark.parametrize("planted", ["fifo", "folder"])
def test_something_else_at_the_manifest_s_name_is_one_line_and_the_sending_goes_on(
    db, make_user, superuser, tmp_path, monkeypatch, planted
):
    """Red team 46 F2, F3(a): a FIFO at the site manifest's name hung every run for good, before the
    social posts and newsletters went (the site is checked first); a folder there made each run build
    the whole site, then fail to write the manifest. Now each run says so in one line, builds
    nothing, and sends what is due, whether a post went live in it (the build reads the manifest)
    or not (the check of the site does)."""
    from blogster_cli.services.site_files import MANIFEST, is_private

    actor, acting = account_with_a_site(db, make_user, superuser)
    out = tmp_path / "public"
    out.mkdir()
    {"fifo": os.mkfifo, "folder": os.mkdir}[planted](out / MANIFEST)
    distributed: list[due_work.DueReport] = []
    monkeypatch.setattr(due_work, "_distribute", lambda acting, distribution, report: distributed.append(report))
    site, distribution = due_work.SiteTarget(out, "blogster.page", "UTC"), due_work.Distribution(social=None, smtp=None)
    for prefix in ("due", "later"):  # published by the run, then live already
        scheduled_posts(superuser, actor.user_id, 1, prefix=prefix)
        if prefix == "later":
            publishing.publish_due(acting, now=datetime.now(UTC))
        reports: list[due_work.DueReport] = []
        running = threading.Thread(
            target=lambda done=reports: done.append(due_work.run_due(acting, site=site, distribution=distribution)),
            daemon=True,
        )
        running.start()
        running.join(60)
        assert len(reports) == 1, "the run waited on the manifest"
        report = reports[0]
        assert [post.slug for post in report.published] == (["due-1"] if prefix == "due" else [])
        assert report.errors == [
            f"site: {out / MANIFEST} is damaged (not a regular file: a folder, link, FIFO or device); remove it"
        ]
        assert not report.site_rebuilt and all(is_private(path.name) for path in out.iterdir())  # no page built
        assert distributed[-1] is report
