"""Times at the ends of the calendar: `--at` and run-due's `--now` refuse what some timezone cannot
show (exit 2), and a time stored before that (or by another client) is shown, never a crash."""

from __future__ import annotations

import pytest

from tests.cli.test_publish_cli import new_post

NEW_YORK = {"BLOGSTER_TIMEZONE": "America/New_York"}


@pytest.mark.parametrize("at", ["0001-01-01 00:00", "1969-12-31 23:59Z", "9999-12-31 23:59", "9999-12-31 00:00Z"])
def test_publish_at_outside_the_window_is_a_usage_error(cli, signed_up, tmp_path, at):
    new_post(cli, tmp_path, "odd")
    result = cli("publish", "odd", "--at", at)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --at {at!r} is out of range in UTC: give a time from 1970-01-01 00:00 to 9999-12-30 23:59 UTC\n"
    )
    assert cli("posts", "show", "odd", "--json").json()["status"] == "draft"


def test_run_due_now_outside_the_window_is_a_usage_error(cli, signed_up):
    result = cli("calendar", "run-due", "--now", "0001-01-01T00:00")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --now '0001-01-01T00:00' is out of range in UTC")


def test_a_stored_time_past_a_zones_range_is_shown_and_run_due_goes_on(cli, signed_up, tmp_path, superuser):
    new_post(cli, tmp_path, "old")
    assert cli("publish", "old").exit_code == 0
    superuser.execute("update public.blogs set published_at = '0001-01-01 00:00+00' where slug = 'old'")
    shown = cli("posts", "show", "old", env=NEW_YORK)
    assert shown.exit_code == 0, shown.stderr
    assert "published 1-01-01 00:00 UTC" in shown.stdout
    new_post(cli, tmp_path, "soon")
    assert cli("publish", "soon", "--at", "2099-01-01 09:00").exit_code == 0
    superuser.execute("update public.blogs set published_at = now() - interval '1 minute' where slug = 'soon'")
    env = {**NEW_YORK, "BLOGSTER_SITE_OUT": str(tmp_path / "site")}
    due = cli("calendar", "run-due", "--json", env=env)  # was --now 2099: a time to come is only previewed now
    report = due.json()
    assert [p["slug"] for p in report["published"]] == ["soon"]
    assert report["errors"] == [] and report["site_rebuilt"], due.stderr
    assert cli("site", "build", "--out", str(tmp_path / "site2"), env=NEW_YORK).exit_code == 0


def test_a_scheduled_time_past_a_zones_range_is_listed(cli, signed_up, tmp_path, superuser):
    new_post(cli, tmp_path, "far")
    assert cli("publish", "far", "--at", "2099-01-01 09:00").exit_code == 0
    shown = cli("posts", "show", "far", env={"BLOGSTER_TIMEZONE": "UTC"}).stdout
    assert "scheduled" in shown and "goes live 2099-01-01 09:00 UTC" in shown and "published" not in shown
    superuser.execute("update public.blogs set published_at = '9999-12-31 23:59+00' where slug = 'far'")
    listed = cli("schedule", "list", env={"BLOGSTER_TIMEZONE": "Asia/Tokyo"})
    assert listed.exit_code == 0, listed.stderr
    assert "far" in listed.stdout


@pytest.mark.parametrize("dialect", ["hugo", "zola", "jekyll"])
def test_a_post_dated_past_a_zones_range_exports(cli, signed_up, tmp_path, superuser, dialect):
    new_post(cli, tmp_path, "old")
    assert cli("publish", "old").exit_code == 0
    superuser.execute("update public.blogs set published_at = '0001-01-01 00:00+00' where slug = 'old'")
    exported = cli("export", str(tmp_path / "out"), "--format", dialect, env=NEW_YORK)
    assert exported.exit_code == 0, exported.stderr
