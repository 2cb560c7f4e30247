"""Posting due social posts (`social post-due`, `workers post-social`, `calendar run-due`, the
workers' job) against local servers speaking X's and LinkedIn's APIs: each post once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from tests.cli.conftest import PASSWORD
from tests.platform_servers import LINKEDIN_TOKEN, X_TOKEN, FakeSocial

POSTS = 3
LINK = "https://ada.blogster.page/posts/ten-terminal-habits/"
"""The address of the blog post the due posts promote: each goes out with it after its text."""


@pytest.fixture
def x(http) -> FakeSocial:
    return FakeSocial(http).install()


def backdate(table: str, ids: list[str]) -> None:
    """Moves rows scheduled far ahead 80 years back (due now, in the same order): `--at` refuses a
    time past, so a due item is scheduled ahead and its time moved, as the clock would move it."""
    import psycopg

    with psycopg.connect(os.environ["BLOGSTER_DATABASE_URL"], autocommit=True) as conn:
        conn.execute(
            f"update public.{table} set scheduled_time = scheduled_time - interval '80 years' where id = any(%s::uuid[])",
            (ids,),
        )


def published_post(cli, slug: str = "ten-terminal-habits", *profile: str) -> str:
    """My published post `slug` (made if need be): a social post is scheduled only when the page it
    links to is live by its time."""
    if cli(*profile, "blogs", "show", slug).exit_code != 0:
        made = cli(*profile, "blogs", "new", slug.replace("-", " ").capitalize(), "--slug", slug, "--status",
                   "published", input="Some text.\n")  # fmt: skip
        assert made.exit_code == 0, made.stderr
    return slug


def due_posts(cli, platform: str = "twitter", token: str = X_TOKEN, count: int = POSTS) -> list[str]:
    """`count` posts on my connected profile, scheduled in the past (due now)."""
    published_post(cli)
    handle = "782bbtaQ" if platform == "linkedin" else "ada"  # LinkedIn's is a member id
    connected = cli(
        "social", "profiles", "connect", platform, "--handle", handle, "--token-stdin", input=token + "\n"
    )  # fmt: skip
    assert connected.exit_code == 0, connected.stderr
    ids = []
    for n in range(count):
        made = cli("social", "new", "ten-terminal-habits", "--platform", platform, "--text", f"Habit {n}", "--json")
        assert made.exit_code == 0, made.stderr
        ids.append(made.json()["id"])
        assert cli("social", "schedule", ids[-1], "--at", f"2099-01-01 09:0{n}").exit_code == 0
    backdate("social_media_posts", ids)
    return ids


def statuses(cli) -> dict[str, tuple[str, str | None]]:
    return {p["id"]: (p["status"], p["platform_post_id"]) for p in cli("social", "list", "--json").json()}


def test_post_due_posts_each_due_post_once_with_its_id_as_idempotency_key(cli, signed_up, x, superuser):
    ids = due_posts(cli)
    later = cli("social", "new", "ten-terminal-habits", "--platform", "twitter", "--text", "Not yet", "--json")
    assert cli("social", "schedule", later.json()["id"], "--at", "2099-01-01 09:00").exit_code == 0
    ran = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert ran.exit_code == 0, ran.stderr
    assert [o["action"] for o in ran.json()] == ["posted"] * POSTS
    assert sorted(key for key, _ in x.posts) == sorted(ids)
    assert sorted(text for _, text in x.posts) == [f"Habit {n} {LINK}" for n in range(POSTS)]
    now = statuses(cli)
    assert all(now[i][0] == "published" and now[i][1] for i in ids)
    assert now[later.json()["id"]] == ("scheduled", None)
    assert X_TOKEN not in ran.stdout + ran.stderr
    tokens = superuser.execute("select access_token from public.social_media_profiles").fetchall()
    assert all(X_TOKEN not in (t or "") for (t,) in tokens)

    again = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert again.json() == [] and len(x.posts) == POSTS  # nothing twice


def test_sigkill_mid_run_then_a_rerun_repeats_only_the_post_in_flight_with_the_same_key(cli, signed_up, x):
    ids = due_posts(cli)
    env = {**os.environ, "BLOGSTER_TWITTER_URL": x.url}
    process = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "workers", "post-social", "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    # X made the second post; the poster dies before it hears so (and before it records it).
    x.before_answer = lambda made: os.kill(process.pid, signal.SIGKILL) if made == 2 else None
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL and len(x.posts) == 2
    x.before_answer = None
    assert sorted(s for s, _ in statuses(cli).values()) == ["published", "scheduled", "scheduled"]

    rerun = cli("workers", "post-social", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.json() == {"posted": 2, "failed": 0, "failed_accounts": 0, "posts": rerun.json()["posts"]}
    assert len(rerun.json()["posts"]) == 2
    keys = [key for key, _ in x.posts]
    assert sorted(set(keys)) == sorted(ids)  # every post reached X
    repeated = [key for key in set(keys) if keys.count(key) > 1]
    assert repeated == [keys[1]]  # only the one in flight, sent again under the same key
    assert all(status == "published" for status, _ in statuses(cli).values())


def test_two_runs_at_once_post_each_post_once(cli, signed_up, x):
    due_posts(cli)
    env = {**os.environ, "BLOGSTER_TWITTER_URL": x.url}
    command = [sys.executable, "-m", "blogster_cli", "social", "post-due", "--json"]
    second: list[subprocess.CompletedProcess[str]] = []

    def race(made: int) -> None:  # the first run is inside its first post: a second run starts
        if made == 1:
            second.append(subprocess.run(command, env=env, capture_output=True, text=True, timeout=120))

    x.before_answer = race
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert first.returncode == 0 and second[0].returncode == 0, first.stderr + second[0].stderr
    assert len(x.posts) == POSTS and len({key for key, _ in x.posts}) == POSTS
    done = json.loads(first.stdout) + json.loads(second[0].stdout)
    assert sorted(o["id"] for o in done) == sorted(key for key, _ in x.posts)  # each posted by one run


def test_linkedin_and_unsupported_platforms(cli, signed_up, http, superuser):
    linkedin = FakeSocial(http, platform="linkedin").install()
    [post] = due_posts(cli, "linkedin", LINKEDIN_TOKEN, count=1)
    # `social schedule` refuses a Pinterest post; one scheduled before that (or by another client) is due.
    pin = cli("social", "new", "ten-terminal-habits", "--platform", "pinterest", "--text", "Pin", "--json").json()["id"]
    superuser.execute(
        "update public.social_media_posts set post_status = 'scheduled', scheduled_time = now() - interval '1 hour'"
        " where id = %s",
        (pin,),
    )
    ran = cli("social", "post-due", "--json", env={"BLOGSTER_LINKEDIN_URL": linkedin.url})
    assert ran.exit_code == 1  # the Pinterest post failed
    outcomes = {o["id"]: o for o in ran.json()}
    assert outcomes[post]["action"] == "posted" and outcomes[post]["platform_post_id"] == "urn:li:share:7001"
    assert outcomes[pin]["action"] == "failed" and "not supported" in outcomes[pin]["error"]
    assert "not supported" in ran.stderr
    assert linkedin.posts == [(post, f"Habit 0 {LINK}")]
    assert statuses(cli)[pin] == ("failed", None)


def test_a_refused_token_marks_the_post_failed_without_showing_the_token(cli, signed_up, x):
    [post] = due_posts(cli, token="not-the-token", count=1)
    ran = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert ran.exit_code == 1 and "social profiles connect" in ran.stderr
    assert "not-the-token" not in ran.stdout + ran.stderr
    assert statuses(cli)[post] == ("failed", None) and x.posts == []


def due_newsletter(cli, tmp_path, readers: int = 2) -> str:
    """A newsletter of a published post, scheduled in the past for `readers` readers."""
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: Shell basics\n---\nUse **tmux**.\n")
    assert cli("blogs", "new", "--from", str(path), "--status", "published", "--slug", "shell-basics").exit_code == 0
    made = cli("newsletter", "create", "--blogs", "shell-basics", "--subject", "This week", "--json")
    assert made.exit_code == 0, made.stderr
    listed = tmp_path / "readers.csv"
    listed.write_text("email\n" + "".join(f"reader{n}@example.com\n" for n in range(readers)))
    newsletter_id: str = made.json()["id"]
    assert cli("newsletter", "send", newsletter_id, "--to", str(listed), "--at", "2099-01-01 09:00").exit_code == 0
    backdate("email_newsletters", [newsletter_id])
    return newsletter_id


def test_run_due_posts_due_social_posts_and_sends_due_newsletters_once(cli, signed_up, x, tmp_path):
    from tests.smtp_server import smtp_server

    ids = due_posts(cli)
    newsletter_id = due_newsletter(cli, tmp_path)
    with smtp_server() as (recorder, smtp_url):
        env = {"BLOGSTER_TWITTER_URL": x.url, "BLOGSTER_SMTP_URL": smtp_url}
        dry = cli("calendar", "run-due", "--dry-run", "--json", env=env).json()
        assert len(dry["social_due"]) == POSTS and dry["newsletters_due"] == [newsletter_id] and x.posts == []
        ran = cli("calendar", "run-due", "--json", env=env)
        assert ran.exit_code == 0, ran.stderr
        summary = ran.json()
        assert sorted(o["id"] for o in summary["social_posted"]) == sorted(ids)
        assert [r["sent"] for r in summary["newsletters_sent"]] == [2]
        again = cli("calendar", "run-due", "--json", env=env).json()
        assert again["social_posted"] == [] and again["newsletters_sent"] == [] and again["social_due"] == []
        assert len(x.posts) == POSTS and sorted(r for r, _ in recorder.messages) == [
            "reader0@example.com",
            "reader1@example.com",
        ]
    assert cli("newsletter", "list", "--json").json()[0]["status"] == "sent"


def test_run_due_without_smtp_reports_the_due_newsletter(cli, signed_up, tmp_path):
    due_newsletter(cli, tmp_path)
    ran = cli("calendar", "run-due", "--json", env={"BLOGSTER_SMTP_URL": ""})
    assert ran.exit_code == 1 and "no SMTP server" in ran.stderr
    assert cli("newsletter", "list", "--json").json()[0]["status"] == "scheduled"


def test_the_workers_queue_posts_and_sends_what_is_due(cli, signed_up, x, db, tmp_path):
    """The workers' minute jobs, run from the queue by `serve-workers --once`, as cron would not."""
    from blogster_cli.context import AppContext
    from blogster_cli.workers.app import build_app
    from tests.smtp_server import smtp_server

    ids = due_posts(cli)
    due_newsletter(cli, tmp_path)
    app = build_app(AppContext(database_url=db.conninfo), pool_size=1)
    with app.open():
        for task in ("post_social", "send_newsletters"):
            app.tasks[task].defer(timestamp=0)
    with smtp_server() as (recorder, smtp_url):
        env = {**os.environ, "BLOGSTER_TWITTER_URL": x.url, "BLOGSTER_SMTP_URL": smtp_url}
        worker = subprocess.run(
            [sys.executable, "-m", "blogster_cli", "serve-workers", "--once", "--queue", "maintenance"],
            env=env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert worker.returncode == 0, worker.stderr
        assert sorted(key for key, _ in x.posts) == sorted(ids)
        assert sorted(r for r, _ in recorder.messages) == ["reader0@example.com", "reader1@example.com"]
        assert all(
            "@" in str(m["From"]) for _, m in recorder.messages
        )  # the account's address, though the worker knew only its id
    assert cli("newsletter", "list", "--json").json()[0]["status"] == "sent"


def test_without_a_token_here_the_post_waits_instead_of_failing(cli, signed_up, x):
    [post] = due_posts(cli, count=1)
    assert cli("social", "profiles", "disconnect", "twitter").exit_code == 0
    ran = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert ran.exit_code == 1 and "BLOGSTER_TWITTER_TOKEN" in ran.stderr
    assert [o["action"] for o in ran.json()] == ["waiting"] and x.posts == []
    assert statuses(cli)[post] == ("scheduled", None)
    env = {"BLOGSTER_TWITTER_URL": x.url, "BLOGSTER_TWITTER_TOKEN": X_TOKEN}  # cron's way in
    assert [o["action"] for o in cli("social", "post-due", "--json", env=env).json()] == ["posted"]
    assert statuses(cli)[post][0] == "published" and len(x.posts) == 1


def test_a_profile_naming_another_secret_of_the_store_gets_no_token(cli, signed_up, x, superuser):
    """Red team 23: access_token is the account's to write, and naming `keyring:session` (or
    another account's social entry) sent that secret to X as the bearer token."""
    [post] = due_posts(cli, count=1)
    superuser.execute("update social_media_profiles set access_token = 'keyring:session'")
    ran = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert [o["action"] for o in ran.json()] == ["waiting"] and x.server.log == []  # nothing sent
    assert statuses(cli)[post] == ("scheduled", None)


def test_disconnecting_a_profile_naming_another_secret_leaves_that_secret_alone(cli, signed_up, superuser):
    """Red team (Low): disconnect deleted whatever keyring entry the profile's row named; naming
    `keyring:session` logged the account out of this machine (posting already refused such a name)."""
    connected = cli("social", "profiles", "connect", "twitter", "--handle", "ada", "--token-stdin", input="tok\n")
    assert connected.exit_code == 0, connected.stderr
    superuser.execute("update social_media_profiles set access_token = 'keyring:session'")
    result = cli("social", "profiles", "disconnect", "twitter")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == (
        "warning: twitter profile disconnected; its token reference named no keyring entry"
        " `social profiles connect` made for this account, so none was deleted\n"
    )
    assert superuser.execute("select access_token, is_connected from social_media_profiles").fetchall() == [
        (None, False)
    ]
    assert cli("social", "profiles", "list").exit_code == 0  # still signed in: the session is there
    again = cli("social", "profiles", "disconnect", "twitter", "--json")  # nothing named now: nothing to say
    assert again.exit_code == 0 and again.stderr == "" and again.json()["token_left_alone"] is False


def test_the_environments_token_posts_only_its_owners_posts(cli, signed_up, x):
    """Red team 23: BLOGSTER_TWITTER_TOKEN set for the workers posted every account's due posts
    on that one X account. It is the account's the command runs as (the workers: the profile's)."""
    [mine] = due_posts(cli, count=1)
    assert cli("social", "profiles", "disconnect", "twitter").exit_code == 0  # only the environment's token
    signup = ("auth", "signup", "--email", "bob@example.com", "--password-stdin")
    assert cli("--profile", "bob", *signup, input=PASSWORD + "\n").exit_code == 0
    published_post(cli, "bobs-post", "--profile", "bob")
    connected = cli("--profile", "bob", "social", "profiles", "connect", "twitter", "--handle", "bob",
                    "--token-stdin", input="bobs-own-token\n")  # fmt: skip
    assert connected.exit_code == 0, connected.stderr
    assert cli("--profile", "bob", "social", "profiles", "disconnect", "twitter").exit_code == 0
    made = cli("--profile", "bob", "social", "new", "bobs-post", "--platform", "twitter", "--text", "Bob's", "--json")
    theirs = made.json()["id"]
    assert cli("--profile", "bob", "social", "schedule", theirs, "--at", "2099-01-01 09:00").exit_code == 0
    backdate("social_media_posts", [theirs])
    env = {"BLOGSTER_TWITTER_URL": x.url, "BLOGSTER_TWITTER_TOKEN": X_TOKEN}
    ran = cli("workers", "post-social", "--json", env=env)
    assert ran.exit_code in (0, 1), ran.stderr
    assert [text for _, text in x.posts] == [f"Habit 0 {LINK}"]
    assert statuses(cli)[mine][0] == "published"
    [bobs] = cli("--profile", "bob", "social", "list", "--json").json()
    assert bobs["status"] == "scheduled"


def test_a_platform_that_cannot_be_reached_leaves_the_post_due_for_the_next_run(cli, signed_up, x):
    """No connection (the laptop offline at cron time, a DNS hiccup) sent nothing: the post stays
    scheduled with the reason, and the next run posts it, rather than failing it for good."""
    import socket

    [post] = due_posts(cli, count=1)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{free.getsockname()[1]}"
    ran = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": closed})
    assert ran.exit_code == 1 and "could not reach X" in ran.stderr
    assert [o["action"] for o in ran.json()] == ["waiting"] and x.posts == []
    assert statuses(cli)[post] == ("scheduled", None)
    assert "could not reach X" in cli("social", "show", post, "--json").json()["error"]
    again = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert [o["action"] for o in again.json()] == ["posted"] and len(x.posts) == 1
    assert statuses(cli)[post][0] == "published"
