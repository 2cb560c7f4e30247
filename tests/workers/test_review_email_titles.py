"""A review email's Subject names a post titled by its body's first `# heading` by that heading's
words, as the site shows it (`publish.titles.shown_title`): `Why we ship`, not `*Why* we ship`, at
the end of the title ("Assigned as editor by EMAIL: TITLE", "Rejected by EMAIL: TITLE", 0171). The in-app notification keeps the title the database wrote. A heading whose
words hold a line break (a character reference) still makes a Subject of one line."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, notifications, review
from tests.smtp_server import smtp_server
from tests.workers.test_review_email import version
from tests.workers.test_serve_workers import run_once


@pytest.fixture
def team(db, make_user):
    """ada's post titled by its heading `*Why* we ship`; grace, her teammate."""
    people = {name: ActingUser(db, make_user(f"{name}@example.com")) for name in ("ada", "grace")}
    new = blogs.NewBlog(title="*Why* we ship", slug="why", markdown="# *Why* we ship\n\nText.")
    blogs.create(people["ada"], new=new)
    return SimpleNamespace(**people)


def test_review_subjects_show_a_heading_titles_words(team, superuser, start_worker):
    with smtp_server() as (recorder, url):
        editor = str(review.assign(team.ada, blog="why", to="grace@example.com", role="editor").id)
        run_once(start_worker, url)
        [assigned] = recorder.to("grace@example.com")
        assert assigned["Subject"] == "Assigned as editor by ada@example.com: Why we ship"
        assigned_id = version(superuser, team.grace)[0]
        (in_app,) = superuser.execute("select title from public.user_notifications where id = %s", (assigned_id,))
        assert in_app[0] == "Assigned as editor by ada@example.com: *Why* we ship"  # the database's, as written

        review.act(team.grace, ref=editor, action="start")
        review.act(team.grace, ref=editor, action="submit")
        notifications.mark_read(team.grace, ref=str(assigned_id))
        review.act(team.ada, ref=editor, action="reject", note="Not yet.")
        run_once(start_worker, url)
        [submitted] = recorder.to("ada@example.com")  # the step's notice, rewritten from start's (0136)
        assert submitted["Subject"] == "Submitted for approval by grace@example.com (editor): Why we ship"
        _, rejected = recorder.to("grace@example.com")
        assert rejected["Subject"] == "Rejected by ada@example.com: Why we ship"


def test_a_line_break_in_a_heading_titles_words_stays_out_of_the_subject(db, make_user, start_worker):
    ada, grace = (ActingUser(db, make_user(f"{name}@example.com")) for name in ("ada", "grace"))
    title = "*Why*&#13;&#10;Bcc: eve@example.com"  # the heading's words: "Why", CR LF, "Bcc: ..."
    blogs.create(ada, new=blogs.NewBlog(title=title, slug="why", markdown=f"# {title}\n\nText."))
    with smtp_server() as (recorder, url):
        review.assign(ada, blog="why", to="grace@example.com", role="editor")
        run_once(start_worker, url)
        [assigned] = recorder.to("grace@example.com")
    assert assigned["Subject"] == "Assigned as editor by ada@example.com: Why Bcc: eve@example.com"
    assert assigned["Bcc"] is None and [to for to, _ in recorder.messages] == ["grace@example.com"]
