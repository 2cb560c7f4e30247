"""A quiz's, poll's, survey's or calculator's structure is checked when a command saves it, but the
database takes any JSON (its default is '{}'): an account writing its own rows by raw SQL (its own
login on a shared server) put markup and a script into its built site through a calculator's
default, which the site's sanitizer never sees, and stopped every build (and `calendar run-due`,
its social posts and newsletters with it) with a poll of no question. The build checks each stored
structure as a save does: one that fails is left out with a warning naming it, the rest is built."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db.acting import acting_transaction
from blogster_cli.services import due_work, site

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
