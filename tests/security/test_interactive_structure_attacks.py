"""A quiz's, poll's, survey's or calculator's structure is checked when a command saves it, but the
database takes any JSON (its default is '{}'): an account writing its own rows by raw SQL (its own
login on a shared server) put markup and a script into its built site through a calculator's
default, which the site's sanitizer never sees, and stopped every build (and `calendar run-due`,
its social posts and newsletters with it) with a poll of no question, then (red team 43b F1) with
JSON Python cannot read (a 5,000-digit number, an unused key nested 5,000 deep), which psycopg
decoded inside the build's query. The build reads each stored structure as text and checks it as a
save does: one that fails is left out with a warning naming it, the rest is built."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import due_work, interactive, site

BASE = "blogster.page"
HOSTILE_DEFAULT = '1"><img src=x onerror=alert(2)>'
CALCULATOR = {"inputs": [{"name": "x", "label": "L", "default": HOSTILE_DEFAULT}], "formula": "1", "result_label": "R"}
BODY = "Hello.\n\n{{< calculator calc1 >}}\n\n{{< poll poll1 >}}\n\n{{< poll fine >}}\n"


def own_widgets_by_sql(db, actor: Actor) -> None:
    """The account's own rows, as its own role: the hostile calculator, a poll left at the column's
    default '{}', and a poll a save would take."""
    fine = {"question": "Tabs?", "options": ["yes", "no"]}
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        for kind, tracking, structure in (("calculator", "calc1", CALCULATOR), ("poll", "fine", fine)):
            conn.execute(
                "insert into interactive_content (user_id, content_type, title, tracking_id, structure)"
                " values (%s, %s, 'W', %s, %s)",
                (actor.user_id, kind, tracking, json.dumps(structure)),
            )
        conn.execute(
            "insert into interactive_content (user_id, content_type, title, tracking_id) values (%s, 'poll', 'W', 'poll1')",
            (actor.user_id,),
        )


@pytest.fixture
def author(db, make_user) -> tuple[Actor, ActingUser]:
    actor = make_user()
    own_widgets_by_sql(db, actor)
    return actor, ActingUser(db, actor)


def post(superuser, actor: Actor, *, status: str, when: datetime) -> None:
    superuser.execute(
        "insert into blogs (title, slug, author_id, content, status, published_at)"
        " values ('Calc', 'calc', %s, jsonb_build_object('markdown', %s::text), %s, %s)",
        (actor.user_id, BODY, status, when),
    )


def assert_left_out_safely(out: Path, warnings: list[str] | tuple[str, ...]) -> None:
    page = (out / "posts" / "calc" / "index.html").read_text()
    assert "onerror" not in page and "<img" not in page
    assert '<form class="blogster-poll" id="fine"' in page  # the valid widget is built
    assert "{{&lt; calculator calc1 &gt;}}" in page and "{{&lt; poll poll1 &gt;}}" in page  # shown as text
    left_out = [w for w in warnings if "stored structure is not valid" in w]
    assert len(left_out) == 2 and all("\n" not in w for w in left_out)
    assert any("calculator 'calc1'" in w and "inputs[0].default must be a number" in w for w in left_out)
    assert any("poll 'poll1'" in w and "question must be text" in w for w in left_out)


def test_a_widget_written_by_sql_puts_no_markup_in_the_site_and_does_not_stop_its_build(author, superuser, tmp_path):
    actor, acting = author
    post(superuser, actor, status="published", when=datetime.now(UTC) - timedelta(days=1))
    out = tmp_path / "public"
    report = site.build(acting, out=out, base_domain=BASE)
    assert report.posts == 1
    assert_left_out_safely(out, report.warnings)


def test_run_due_rebuilds_the_site_past_such_a_widget_and_goes_on(author, superuser, tmp_path):
    """The KeyError of the poll with no question stopped the whole run (its social posts and
    newsletters too): `_rebuild` reports only Blogster's own errors."""
    actor, acting = author
    post(superuser, actor, status="scheduled", when=datetime.now(UTC) - timedelta(hours=1))
    out = tmp_path / "public"
    report = due_work.run_due(acting, site=due_work.SiteTarget(out, BASE, "UTC"))
    assert [p.slug for p in report.published] == ["calc"] and report.site_rebuilt and report.errors == []
    assert_left_out_safely(out, report.notes)


# JSON PostgreSQL stores but Python cannot read: an integer past Python's 4,300-digit limit on
# int(str) (ValueError), and an unused key nested past its recursion limit (RecursionError).
POLL = '{"question": "Q?", "options": ["a", "b"], "n": '
UNREADABLE = {"digits": POLL + "9" * 5000 + "}", "nesting": POLL + "[" * 5000 + "]" * 5000 + "}"}


@pytest.fixture(params=sorted(UNREADABLE))
def unreadable(request, db, make_user) -> tuple[Actor, ActingUser]:
    """An account with a valid poll ('fine') and a poll whose structure only PostgreSQL can read
    ('poll1'), written as the account's own role."""
    actor = make_user()
    fine = json.dumps({"question": "Tabs?", "options": ["yes", "no"]})
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        conn.execute(
            "insert into interactive_content (user_id, content_type, title, tracking_id, structure)"
            " values (%s, 'poll', 'W', 'fine', %s::jsonb), (%s, 'poll', 'W', 'poll1', %s::jsonb)",
            (actor.user_id, fine, actor.user_id, UNREADABLE[request.param]),
        )
    return actor, ActingUser(db, actor)


def assert_unreadable_left_out(out: Path, warnings: list[str] | tuple[str, ...]) -> None:
    page = (out / "posts" / "calc" / "index.html").read_text()
    assert '<form class="blogster-poll" id="fine"' in page and "{{&lt; poll poll1 &gt;}}" in page
    [left_out] = [w for w in warnings if "poll1" in w]
    assert "stored structure is not valid" in left_out and "\n" not in left_out


def test_a_widget_python_cannot_read_is_left_out_and_the_build_goes_on(unreadable, superuser, tmp_path):
    """Red team 43b F1: psycopg decoded every stored structure inside the build's transaction, so a
    5,000-digit number or a key nested 5,000 deep failed the build ("unexpected failure")."""
    actor, acting = unreadable
    post(superuser, actor, status="published", when=datetime.now(UTC) - timedelta(days=1))
    out = tmp_path / "public"
    report = site.build(acting, out=out, base_domain=BASE)
    assert_unreadable_left_out(out, report.warnings)


def test_run_due_goes_past_a_widget_python_cannot_read(unreadable, superuser, tmp_path):
    """The same ValueError or RecursionError escaped `_rebuild`, so every later `calendar run-due`
    stopped before its social posts and newsletters."""
    actor, acting = unreadable
    post(superuser, actor, status="scheduled", when=datetime.now(UTC) - timedelta(hours=1))
    out = tmp_path / "public"
    report = due_work.run_due(acting, site=due_work.SiteTarget(out, BASE, "UTC"))
    assert report.site_rebuilt and report.errors == []
    assert_unreadable_left_out(out, report.notes)


def test_interactive_commands_show_and_mend_a_widget_python_cannot_read(unreadable):
    """`interactive list` (and stats, edit, rm: each reads the row) failed with the same error, so the
    owner could neither see which item it was nor remove it."""
    _, acting = unreadable
    listed = {item.tracking_id: item for item in interactive.list_items(acting)}
    assert listed["fine"].structure == {"question": "Tabs?", "options": ["yes", "no"]}
    assert listed["poll1"].structure is None  # shown, its structure flagged as unreadable
    renamed = interactive.edit(acting, ref="poll1", title="Renamed")
    assert renamed.title == "Renamed" and renamed.structure is None
    mended = interactive.edit(acting, ref="poll1", structure={"question": "Now?", "options": ["a", "b"]})
    assert mended.structure == {"question": "Now?", "options": ["a", "b"]}
    assert interactive.remove(acting, ref="poll1").tracking_id == "poll1"
    assert [item.tracking_id for item in interactive.list_items(acting)] == ["fine"]


def test_run_due_sends_past_any_failure_of_the_site_build(db, make_user, superuser, tmp_path, monkeypatch):
    """Twice a build bug that an account's own rows met (a KeyError, then this ValueError) escaped
    `_rebuild` and held back every later run's social posts and newsletters: an unexpected failure is
    reported as the site's error, and the sending goes on."""
    actor = make_user()
    post(superuser, actor, status="scheduled", when=datetime.now(UTC) - timedelta(hours=1))

    def failing_build(*args: object, **kwargs: object) -> None:
        raise ValueError("Exceeds the limit (4300 digits)\nfor integer string conversion")

    distributed = []
    monkeypatch.setattr(site, "build", failing_build)
    monkeypatch.setattr(due_work, "_distribute", lambda acting, distribution, report: distributed.append(report))
    target, distribution = due_work.SiteTarget(tmp_path, BASE, "UTC"), due_work.Distribution(social=None, smtp=None)
    report = due_work.run_due(ActingUser(db, actor), site=target, distribution=distribution)
    assert report.errors == ["site: unexpected failure: ValueError: Exceeds the limit (4300 digits)"]
    assert distributed == [report] and not report.site_rebuilt
