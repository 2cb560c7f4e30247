"""`blogster crosspost` against local servers speaking the Forem, Hashnode and WordPress APIs."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest
from pytest_httpserver import HTTPServer

from tests.cli.conftest import connect
from tests.platform_servers import (
    HASHNODE_TOKEN,
    TOKEN,
    WP_APP_PASSWORD,
    WP_USER,
    FakeForem,
    FakeHashnode,
    FakeWordPress,
)
from tests.server_errors import quiet_when_the_client_left

POST = "---\ntitle: Ten terminal habits\ntags: [Shell Tips, Productivity, Linux, CLI, Terminal, Bash]\n---\nUse **tmux**.\n"


@pytest.fixture
def forem(http) -> FakeForem:
    return FakeForem(http).install()


def publish_post(cli, tmp_path, text: str, slug: str = "ten-terminal-habits") -> str:
    """A published post of mine made from `text` (a markdown file with front matter): its slug."""
    path = tmp_path / "post.md"
    path.write_text(text)
    made = cli("blogs", "new", "--from", str(path), "--status", "published", "--slug", slug)
    assert made.exit_code == 0, made.stderr
    return slug


@pytest.fixture
def published(cli, signed_up, tmp_path) -> str:
    return publish_post(cli, tmp_path, POST)


def test_devto_create_then_update_never_duplicates(cli, published, forem):
    connect(cli, "devto", TOKEN)
    env = {"BLOGSTER_DEVTO_URL": forem.url}
    first = cli("crosspost", published, "--to", "devto", "--json", env=env)
    assert first.exit_code == 0, first.stderr
    [outcome] = first.json()
    assert outcome["action"] == "created" and outcome["platform_post_id"] == "1001"
    [article] = forem.posts.values()
    assert article["canonical_url"] == outcome["canonical_url"]
    assert article["canonical_url"].startswith("https://") and article["canonical_url"].endswith(
        "/ten-terminal-habits/"
    )
    assert len(article["tags"]) == 4 and all(re.fullmatch("[a-z0-9]+", t) for t in article["tags"])  # Forem's rules
    assert article["published"] is True and "**tmux**" in article["body_markdown"]

    again = cli("crosspost", published, "--to", "devto", "--json", env=env)
    assert again.exit_code == 0 and again.json()[0]["action"] == "updated"
    assert len(forem.posts) == 1 and ("PUT", "/api/articles/1001") in forem.requests

    status = cli("crosspost", "status", published, "--json").json()
    assert [(s["platform"], s["publication_status"], s["platform_post_id"]) for s in status] == [
        ("devto", "published", "1001")
    ]
    assert article["url"] == status[0]["platform_url"]


def test_wrong_token_is_recorded_and_reported_without_the_token(cli, published, forem, superuser):
    connect(cli, "devto", "wrong-token-value")
    result = cli("crosspost", published, "--to", "devto", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "refused the token (401)" in result.stderr
    assert "wrong-token-value" not in result.stderr + result.stdout
    [row] = cli("crosspost", "status", "--json").json()
    assert row["publication_status"] == "failed" and "401" in row["last_error"]
    # The environment overrides the keyring, for cron; the next run succeeds and clears the error.
    fixed = cli(
        "crosspost", published, "--to", "devto", env={"BLOGSTER_DEVTO_URL": forem.url, "BLOGSTER_DEVTO_TOKEN": TOKEN}
    )
    assert fixed.exit_code == 0, fixed.stderr
    [row] = cli("crosspost", "status", "--json").json()
    assert row["publication_status"] == "published" and row["last_error"] is None
    assert_no_secret_in_database(superuser, ["wrong-token-value", TOKEN])


def assert_no_secret_in_database(superuser, secrets: list[str]) -> None:
    tables = superuser.execute(
        "select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname in ('public', 'auth', 'internal') and c.relkind in ('r', 'p')"
    ).fetchall()
    for (table,) in tables:
        for secret in secrets:
            (count,) = superuser.execute(
                f"select count(*) from {table} t where to_jsonb(t)::text like %s", (f"%{secret}%",)
            ).fetchone()
            assert count == 0, f"{secret!r} stored in {table}"


def test_rate_limit_with_retry_after_is_waited_out(cli, published, forem):
    connect(cli, "devto", TOKEN)
    forem.rate_limit_next = 1
    result = cli("crosspost", published, "--to", "devto", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert result.exit_code == 0, result.stderr
    assert len(forem.posts) == 1


def test_a_long_rate_limit_fails_and_keeps_the_copy_for_the_next_run(cli, published, forem, http):
    connect(cli, "devto", TOKEN)
    env = {"BLOGSTER_DEVTO_URL": forem.url}
    assert cli("crosspost", published, "--to", "devto", env=env).exit_code == 0
    forem.rate_limit_next = 5  # more than the client's attempts
    result = cli("crosspost", published, "--to", "devto", env=env)
    assert result.exit_code == 1 and "rate limiting (429); try again in 1 s" in result.stderr
    [row] = cli("crosspost", "status", "--json").json()
    assert row["publication_status"] == "failed" and row["platform_post_id"] == "1001"
    forem.rate_limit_next = 0
    assert cli("crosspost", published, "--to", "devto", "--json", env=env).json()[0]["action"] == "updated"
    assert len(forem.posts) == 1


@pytest.mark.same_on_every_server  # finding the copy is Python's: CI's second pass leaves it out
def test_sigkill_after_the_remote_create_then_a_rerun_does_not_post_twice(cli, published, forem):
    """The client dies after dev.to created the article but before it recorded the id."""
    connect(cli, "devto", TOKEN)
    env = {**os.environ, "BLOGSTER_DEVTO_URL": forem.url}
    process = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "crosspost", published, "--to", "devto"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    forem.before_create_answer = lambda: os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    assert len(forem.posts) == 1
    [row] = cli("crosspost", "status", "--json").json()
    assert row["platform_post_id"] is None and row["publication_status"] == "draft"  # the recorded intent

    forem.before_create_answer = None
    rerun = cli("crosspost", published, "--to", "devto", "--json", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.json()[0]["action"] == "recovered" and rerun.json()[0]["platform_post_id"] == "1001"
    assert len(forem.posts) == 1 and ("PUT", "/api/articles/1001") in forem.requests


def test_hashnode_publish_then_update(cli, published, http):
    hashnode = FakeHashnode(http).install()
    connect(cli, "hashnode", HASHNODE_TOKEN)
    env = {"BLOGSTER_HASHNODE_URL": hashnode.url}
    first = cli("crosspost", published, "--to", "hashnode", "--json", env=env)
    assert first.exit_code == 0, first.stderr
    [post] = hashnode.posts.values()
    assert post["originalArticleURL"] == first.json()[0]["canonical_url"]
    assert len(post["tags"]) == 5 and all(re.fullmatch("[a-z0-9-]+", t["slug"]) for t in post["tags"])
    again = cli("crosspost", published, "--to", "hashnode", "--json", env=env)
    assert again.json()[0]["action"] == "updated" and len(hashnode.posts) == 1


def test_wordpress_with_an_application_password(cli, published, http):
    wordpress = FakeWordPress(http).install()
    assert cli("platforms", "connect", "wordpress", "--token-stdin", input="no-colon\n").exit_code == 2
    connect(cli, "wordpress", f"{WP_USER}:{WP_APP_PASSWORD}")
    assert cli("crosspost", published, "--to", "wordpress").exit_code == 6  # no wordpress_url yet
    env = {"BLOGSTER_WORDPRESS_URL": wordpress.url}
    first = cli("crosspost", published, "--to", "wordpress", "--json", env=env)
    assert first.exit_code == 0, first.stderr
    [post] = wordpress.posts.values()
    assert post["status"] == "publish" and post["slug"] == published
    assert first.json()[0]["canonical_url"] in post["content"] and "<strong>tmux</strong>" in post["content"]
    assert sorted(wordpress.tags.values()) == sorted(["Shell Tips", "Productivity", "Linux", "CLI", "Terminal", "Bash"])
    # A lost local record: the copy is found by its slug and the link back to the original.
    cli("crosspost", published, "--to", "wordpress", env=env)
    assert len(wordpress.posts) == 1 and len(wordpress.tags) == 6


def test_wordpress_gets_the_title_and_excerpt_as_text(cli, signed_up, http, tmp_path):
    """WordPress stores both as HTML, and an application password usually belongs to an editor
    allowed unfiltered HTML: a title or description holding markup went in as markup."""
    wordpress = FakeWordPress(http).install()
    path = tmp_path / "evil.md"
    path.write_text(
        "---\ntitle: <script>alert(1)</script> & co\ndescription: </p><img src=x onerror=alert(2)>\n---\nBody.\n"
    )
    assert cli("blogs", "new", "--from", str(path), "--status", "published", "--slug", "evil").exit_code == 0
    connect(cli, "wordpress", f"{WP_USER}:{WP_APP_PASSWORD}")
    sent = cli("crosspost", "evil", "--to", "wordpress", "--json", env={"BLOGSTER_WORDPRESS_URL": wordpress.url})
    assert sent.exit_code == 0, sent.stderr
    [post] = wordpress.posts.values()
    assert post["title"] == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    assert post["excerpt"] == "&lt;/p&gt;&lt;img src=x onerror=alert(2)&gt;"


def test_platforms_list_never_shows_a_token(cli, signed_up):
    connect(cli, "devto", TOKEN)
    listed = cli("platforms", "list", "--json")
    assert TOKEN not in listed.stdout
    assert {p["platform"]: p["token"] for p in listed.json()} == {
        "devto": "credentials_file",  # the tests' store: no OS keyring
        "hashnode": "none",
        "wordpress": "none",
    }
    assert cli("platforms", "disconnect", "devto").exit_code == 0
    assert cli("platforms", "list", "--json").json()[0]["token"] == "none"
    medium = cli("platforms", "connect", "medium", "--token-stdin", input="x\n")
    assert medium.exit_code == 2 and "no longer issues API integration tokens" in medium.stderr


def test_only_published_posts_are_cross_posted(cli, signed_up, forem):
    connect(cli, "devto", TOKEN)
    assert cli("blogs", "new", "A draft").exit_code == 0
    result = cli("crosspost", "a-draft", "--to", "devto", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert result.exit_code == 2 and "not published" in result.stderr and not forem.requests
    assert cli("crosspost", "no-such-post", "--to", "devto", env={"BLOGSTER_DEVTO_URL": forem.url}).exit_code == 3


def test_an_answer_in_an_unexpected_shape_is_a_recorded_failure_not_a_traceback(cli, published, http):
    http.expect_request("/api/articles/me/all").respond_with_json([])
    http.expect_request("/api/articles", method="POST").respond_with_json({"unexpected": True}, status=201)
    connect(cli, "devto", TOKEN)
    result = cli("crosspost", published, "--to", "devto", env={"BLOGSTER_DEVTO_URL": http.url_for("").rstrip("/")})
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "devto answered in an unexpected shape" in result.stderr
    [row] = cli("crosspost", "status", "--json").json()
    assert row["publication_status"] == "failed" and row["platform_post_id"] is None


def test_two_runs_at_once_create_the_remote_post_once(cli, published):
    """A second run starts while the first is inside dev.to's create (before the article
    exists, so a lookup by canonical URL cannot see it): it must not create a second copy."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)  # both runs talk to it at once
    server.start()
    quiet_when_the_client_left(server.server)
    try:
        forem = FakeForem(server).install()
        connect(cli, "devto", TOKEN)
        env = {**os.environ, "BLOGSTER_DEVTO_URL": forem.url}
        command = [sys.executable, "-m", "blogster_cli", "crosspost", published, "--to", "devto", "--json"]
        second: list[subprocess.CompletedProcess[str]] = []

        def race() -> None:
            forem.before_create = None
            second.append(subprocess.run(command, env=env, capture_output=True, text=True, timeout=120))

        forem.before_create = race
        first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
        assert first.returncode == 0, first.stderr
        [late] = second
        assert late.returncode == 0, late.stderr
        actions = sorted([json.loads(first.stdout)[0]["action"], json.loads(late.stdout)[0]["action"]])
        assert actions == ["busy", "created"]
        assert len(forem.posts) == 1 and [r for r in forem.requests if r[0] == "POST"] == [("POST", "/api/articles")]
        [row] = cli("crosspost", "status", "--json").json()
        assert row["platform_post_id"] == "1001" and row["publication_status"] == "published"

        rerun = cli("crosspost", published, "--to", "devto", "--json", env={"BLOGSTER_DEVTO_URL": forem.url})
        assert rerun.json()[0]["action"] == "updated" and len(forem.posts) == 1  # the lock was released
    finally:
        server.clear()
        server.stop()
