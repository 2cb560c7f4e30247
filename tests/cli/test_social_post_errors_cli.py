"""A social post that could not go out keeps why (`social list`, `social show`), whichever run
tried it; `social schedule` refuses a platform that is never posted to; `social list` shows the
same fields in its table, CSV and JSON; `workers post-social` and `workers send-newsletters`
print their counts with `failed_accounts`, as every other cron command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from werkzeug import Response

from tests.cli.test_social_posting_cli import backdate, due_posts
from tests.platform_servers import X_TOKEN, FakeSocial

REFUSED = "X refused the token (401): check it with `blogster social profiles connect`"


@pytest.fixture
def x(http) -> FakeSocial:
    return FakeSocial(http).install()


def stored_errors(superuser) -> list[tuple[str, str | None]]:
    return superuser.execute("select post_status::text, error from public.social_media_posts").fetchall()


def test_a_refused_post_keeps_its_reason_until_it_is_posted(cli, signed_up, x, superuser):
    [post] = due_posts(cli, token="not-the-token", count=1)
    ran = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert ran.exit_code == 1 and ran.json()[0]["error"] == REFUSED
    assert stored_errors(superuser) == [("failed", REFUSED)]
    [listed] = cli("social", "list", "--json").json()
    assert listed["status"] == "failed" and listed["error"] == REFUSED
    shown = cli("social", "show", post[:8], "--json")
    assert shown.exit_code == 0 and shown.json() == listed
    record = cli("social", "show", post[:8])
    assert record.exit_code == 0 and re.search(rf"^error +{re.escape(REFUSED)}$", record.stdout, re.MULTILINE)
    assert "not-the-token" not in str(stored_errors(superuser)) + ran.stdout + ran.stderr + record.stdout
    # Connected again with the right token and scheduled again: posted, and the reason is gone.
    connected = cli("social", "profiles", "connect", "twitter", "--handle", "ada", "--token-stdin", input=X_TOKEN)
    assert connected.exit_code == 0, connected.stderr
    assert cli("social", "schedule", post[:8], "--at", "2099-01-01 09:00").exit_code == 0
    assert cli("social", "show", post[:8], "--json").json()["error"] == REFUSED  # the last try's, until one goes out
    backdate("social_media_posts", [post])
    assert cli("social", "post-due", env={"BLOGSTER_TWITTER_URL": x.url}).exit_code == 0
    assert stored_errors(superuser) == [("published", None)]
    assert cli("social", "show", post[:8], "--json").json()["error"] is None


def test_the_workers_runs_reason_is_kept_too(cli, signed_up, x, superuser):
    """The workers' minute job (`workers post-social` is its cron twin) printed the reason only in
    its log: `social list` now shows it to the post's owner."""
    due_posts(cli, token="not-the-token", count=1)
    ran = cli("workers", "post-social", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert ran.exit_code == 1 and REFUSED in ran.stderr
    [listed] = cli("social", "list", "--json").json()
    assert (listed["status"], listed["error"]) == ("failed", REFUSED)


def test_show_does_not_wait_for_a_post_being_posted(cli, signed_up, x):
    """`social show` reads: a run holding the post's row lock across the platform call (up to
    minutes) does not make it wait out lock_timeout_ms and fail."""
    [post] = due_posts(cli, count=1)
    env = {**os.environ, "BLOGSTER_TWITTER_URL": x.url}
    shown: list[subprocess.CompletedProcess[str]] = []

    def look(made: int) -> None:  # X made the post; the run still holds the lock, waiting for the answer
        command = [sys.executable, "-m", "blogster_cli", "social", "show", post, "--json"]
        shown.append(subprocess.run(command, env=env, capture_output=True, text=True, timeout=120))

    x.before_answer = look
    ran = subprocess.run(
        [sys.executable, "-m", "blogster_cli", "social", "post-due"], env=env, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert shown[0].returncode == 0, shown[0].stderr
    assert json.loads(shown[0].stdout)["status"] == "scheduled"  # as it was before this run records it


def test_a_post_waiting_for_a_token_says_so_once(cli, signed_up, x, superuser):
    [post] = due_posts(cli, count=1)
    assert cli("social", "profiles", "disconnect", "twitter").exit_code == 0
    assert cli("social", "post-due", env={"BLOGSTER_TWITTER_URL": x.url}).exit_code == 1
    [(status, error)] = stored_errors(superuser)
    assert status == "scheduled" and error.startswith("no token for your twitter profile here")
    (written,) = superuser.execute("select updated_at from public.social_media_posts").fetchone()
    assert cli("social", "post-due", env={"BLOGSTER_TWITTER_URL": x.url}).exit_code == 1
    assert superuser.execute("select updated_at from public.social_media_posts").fetchone() == (written,)
    env = {"BLOGSTER_TWITTER_URL": x.url, "BLOGSTER_TWITTER_TOKEN": X_TOKEN}
    assert cli("social", "post-due", env=env).exit_code == 0
    assert stored_errors(superuser) == [("published", None)] and cli("social", "show", post).exit_code == 0


def test_a_platforms_echo_of_the_token_is_stored_masked(cli, signed_up, http, superuser):
    """What is kept is what is printed: one line, the token masked in every form, bounded."""
    token = "echoed-token-123456"
    http.expect_request("/2/tweets", method="POST").respond_with_handler(
        lambda request: Response(f"bad request for {token} " + "x" * 3000, status=400)
    )
    due_posts(cli, token=token, count=1)
    ran = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": http.url_for("").rstrip("/")})
    assert ran.exit_code == 1
    [(status, error)] = stored_errors(superuser)
    assert status == "failed" and error.startswith("X answered 400: bad request for *** xxx")
    assert token not in error and len(error) <= 500 and "\n" not in error
    assert error == ran.json()[0]["error"]


def test_a_post_for_a_platform_never_posted_to_is_not_scheduled(cli, signed_up, superuser):
    assert cli("blogs", "new", "Ten terminal habits", "--slug", "ten-terminal-habits").exit_code == 0
    made = cli("social", "new", "ten-terminal-habits", "--platform", "pinterest", "--text", "Pin it", "--json")
    assert made.exit_code == 0, made.stderr
    refused = cli("social", "schedule", made.json()["id"][:8], "--at", "2099-01-01 09:00")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr == (
        "error: not scheduled: Blogster posts only to twitter and linkedin; pinterest needs media or an app"
        " review, so post it there by hand\n"
    )
    assert stored_errors(superuser) == [("draft", None)]
    assert cli("social", "schedule", made.json()["id"][:8], "--clear").exit_code == 0  # a draft stays a draft
    # One scheduled before the refusal (or by another client) still fails, and says why.
    superuser.execute(
        "update public.social_media_posts set post_status = 'scheduled', scheduled_time = now() - interval '1 minute'"
    )
    ran = cli("social", "post-due")
    assert ran.exit_code == 1
    [(status, error)] = stored_errors(superuser)
    assert (
        status == "failed"
        and error == "posting to pinterest is not supported (only twitter, linkedin): post it by hand"
    )


def test_social_list_shows_the_same_fields_in_table_csv_and_json(cli, signed_up, x):
    due_posts(cli, token="not-the-token", count=1)
    assert cli("social", "post-due", env={"BLOGSTER_TWITTER_URL": x.url}).exit_code == 1
    made = cli("social", "new", "ten-terminal-habits", "--platform", "linkedin", "--text", "Later", "--hashtag", "cli")
    assert made.exit_code == 0, made.stderr
    listed = cli("social", "list", "--json").json()
    keys = list(listed[0])
    assert {"scheduled_time", "handle", "hashtags", "error"} <= set(keys)
    header, *rows = cli("social", "list", "--format", "csv").stdout.splitlines()
    assert header.split(",") == keys and len(rows) == 2
    table = cli("social", "list").stdout.splitlines()  # piped: tab-separated, the columns' own names
    assert table[0].split("\t") == keys
    failed = next(line.split("\t") for line in table[1:] if "\tfailed\t" in line)
    assert failed[keys.index("error")] == REFUSED and failed[keys.index("handle")] == "ada"
    assert failed[keys.index("scheduled_time")].startswith("2019-01-01")  # 2099 less backdate's 80 years
    draft = next(line.split("\t") for line in table[1:] if "\tdraft\t" in line)
    assert draft[keys.index("hashtags")] == "cli" and draft[keys.index("error")] == ""


def test_post_social_and_send_newsletters_print_counts_as_every_cron_command(cli, signed_up, x):
    empty = cli("workers", "post-social", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert empty.exit_code == 0 and empty.json() == {"posted": 0, "failed": 0, "failed_accounts": 0, "posts": []}
    letters = cli("workers", "send-newsletters", "--json", env={"BLOGSTER_SMTP_URL": ""})
    assert letters.exit_code == 0
    assert letters.json() == {"sent": 0, "held": 0, "busy": 0, "failed": 0, "failed_accounts": 0, "newsletters": []}
    due_posts(cli, count=2)
    FakeSocial(x.server, platform="linkedin").install()
    [bad] = due_posts(cli, "linkedin", "not-the-linkedin-token", count=1)
    env = {"BLOGSTER_TWITTER_URL": x.url, "BLOGSTER_LINKEDIN_URL": x.url}
    ran = cli("workers", "post-social", "--json", env=env)
    assert ran.exit_code == 1
    report = ran.json()
    assert {k: report[k] for k in ("posted", "failed", "failed_accounts")} == {
        "posted": 2, "failed": 1, "failed_accounts": 0,
    }  # fmt: skip
    assert [p["id"] for p in report["posts"] if p["error"]] == [bad]
