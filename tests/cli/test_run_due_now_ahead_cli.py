"""`calendar run-due --now` later than the real time published at once (new-user walk #3): a post
scheduled for 17:20, run at 17:10 with `--now '17:30'`, went live with its published_at still to
come and its calendar entry marked. A time to come is refused (exit 2) unless --dry-run previews
it; an earlier --now (catching up on what was due by then) works as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.cli.test_publish_cli import new_post

BERLIN = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
BERLIN_TZ = ZoneInfo("Europe/Berlin")


def test_a_now_to_come_is_refused_without_dry_run(cli, signed_up, tmp_path, superuser):
    real = datetime.now(UTC).replace(second=0, microsecond=0)
    new_post(cli, tmp_path, "due-soon")
    at = f"{real + timedelta(minutes=10):%Y-%m-%d %H:%M}Z"
    assert cli("publish", "due-soon", "--at", at, env=BERLIN).exit_code == 0
    ahead = f"{real + timedelta(minutes=20):%Y-%m-%d %H:%M}Z"

    refused = cli("calendar", "run-due", "--now", ahead, env=BERLIN)
    assert refused.exit_code == 2
    shown = (real + timedelta(minutes=20)).astimezone(BERLIN_TZ)
    assert refused.stderr.startswith(f"error: --now {shown:%Y-%m-%d %H:%M %Z} is after the real time (")
    assert refused.stderr.endswith("add --dry-run to preview it\n") and refused.stderr.count("\n") == 1
    assert cli("calendar", "run-due", "--now", ahead, "--json", env=BERLIN).exit_code == 2
    assert superuser.execute("select status from public.blogs where slug = 'due-soon'").fetchone() == ("scheduled",)
    assert cli("posts", "show", "due-soon", "--json").json()["status"] == "scheduled"

    preview = cli("calendar", "run-due", "--now", ahead, "--dry-run", "--json", env=BERLIN)
    assert preview.exit_code == 0, preview.stderr
    assert [p["slug"] for p in preview.json()["published"]] == ["due-soon"]
    assert cli("posts", "show", "due-soon", "--json").json()["status"] == "scheduled"


def test_an_earlier_now_still_catches_up(cli, signed_up, tmp_path, superuser):
    new_post(cli, tmp_path, "missed")
    assert cli("publish", "missed", "--at", "2099-01-01 09:00").exit_code == 0
    superuser.execute("update public.blogs set published_at = now() - interval '2 hours' where slug = 'missed'")
    earlier = datetime.now(UTC) - timedelta(hours=3)
    before = cli("calendar", "run-due", "--json", "--now", earlier.isoformat())
    assert before.exit_code == 0 and before.json()["published"] == [], before.stderr  # not due by then
    caught_up = cli("calendar", "run-due", "--json", "--now", (earlier + timedelta(hours=2)).isoformat())
    assert caught_up.exit_code == 0, caught_up.stderr
    assert [p["slug"] for p in caught_up.json()["published"]] == ["missed"]
    assert cli("posts", "show", "missed", "--json").json()["status"] == "published"
