"""`blogster crosspost` when a platform may have acted without saying so, renamed or lost our copy,
or echoes the credential: no second copy, and no secret in any message or in the database."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from tests.cli.conftest import CROSSPOST_PLATFORMS
from tests.cli.test_crosspost_cli import assert_no_secret_in_database, publish_post
from tests.platform_servers import TOKEN, WP_APP_PASSWORD, WP_USER, FakeForem, FakePlatform, FakeWordPress
from tests.server_errors import quiet_when_the_client_left

POST = "---\ntitle: Ten terminal habits\ntags: [Shell]\n---\nUse **tmux**.\n"
PLATFORMS = list(CROSSPOST_PLATFORMS)


@pytest.fixture
def published(cli, signed_up, tmp_path) -> str:
    return publish_post(cli, tmp_path, POST)


def crosspost(cli, ref: str, platform: str, env: dict[str, str]):
    return cli("crosspost", ref, "--to", platform, "--json", env=env)


def killed_inside_the_create(fake: FakePlatform, ref: str, platform: str, env: dict[str, str]) -> None:
    """The CLI is SIGKILLed after the platform made the copy, before it answered."""
    process = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "crosspost", ref, "--to", platform],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    fake.before_create_answer = lambda: os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=120)
    fake.before_create_answer = None
    assert process.returncode == -signal.SIGKILL
    assert len(fake.posts) == 1


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_create_answered_503_is_looked_up_before_any_other_create(cli, published, platform_server, platform):
    """The platform made the post, then answered 503 with Retry-After (a gateway timing out):
    the create is not sent again blindly; the copy is looked up and kept."""
    fake, env = platform_server(platform)
    fake.unavailable_after_create = 5  # every create would answer 503
    result = crosspost(cli, published, platform, env)
    assert result.exit_code == 0, result.stderr
    assert result.json()[0]["action"] == "recovered"
    assert len(fake.posts) == 1
    [row] = cli("crosspost", "status", "--json").json()
    assert row["publication_status"] == "published" and row["platform_post_id"] is not None
    again = crosspost(cli, published, platform, env)
    assert again.json()[0]["action"] == "updated" and len(fake.posts) == 1


@pytest.mark.same_on_every_server  # finding the copy is Python's: CI's second pass leaves it out
def test_a_wordpress_copy_stored_under_another_slug_is_found_after_a_kill(cli, published, platform_server):
    """The slug is taken on the site (a trashed post, a page), so WordPress stores the copy as
    SLUG-2; the re-run after a kill inside the create finds it by its link back."""
    wordpress, env = platform_server("wordpress")
    assert isinstance(wordpress, FakeWordPress)
    wordpress.taken_slugs = {published}
    killed_inside_the_create(wordpress, published, "wordpress", env)
    assert wordpress.posts[1]["slug"] == f"{published}-2"
    rerun = crosspost(cli, published, "wordpress", env)
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.json()[0]["action"] == "recovered" and rerun.json()[0]["platform_post_id"] == "1"
    assert len(wordpress.posts) == 1


@pytest.mark.same_on_every_server  # finding the copy is Python's: CI's second pass leaves it out
@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_killed_create_then_a_slug_change_finds_the_copy(cli, published, platform_server, platform):
    """The killed run's copy carries the old canonical URL; the re-run comes after the post's
    slug (so its canonical URL) changed: it looks for the old one too."""
    fake, env = platform_server(platform)
    killed_inside_the_create(fake, published, platform, env)
    assert cli("blogs", "edit", published, "--slug", "renamed-habits").exit_code == 0
    rerun = crosspost(cli, "renamed-habits", platform, env)
    assert rerun.exit_code == 0, rerun.stderr
    [outcome] = rerun.json()
    assert outcome["action"] == "recovered" and outcome["canonical_url"].endswith("/renamed-habits/")
    assert len(fake.posts) == 1
    [post] = fake.posts.values()
    assert "renamed-habits" in str(post.get("canonical_url") or post.get("originalArticleURL") or post["content"])


def test_a_wordpress_application_password_echoed_alone_is_masked_everywhere(cli, published, platform_server, superuser):
    """The server echoes the password alone, without spaces, and the Basic header's base64 form:
    none reaches stderr, --json, `crosspost status` or platform_republishing.last_error."""
    wordpress, env = platform_server("wordpress")
    compact = WP_APP_PASSWORD.replace(" ", "")
    basic = base64.b64encode(f"{WP_USER}:{WP_APP_PASSWORD}".encode()).decode()
    secrets = [WP_APP_PASSWORD, compact, basic, WP_APP_PASSWORD[:9]]
    wordpress.refuse_with = f"bad password {WP_APP_PASSWORD} ({compact}) in header Basic {basic}"
    result = crosspost(cli, published, "wordpress", env)
    assert result.exit_code == 1 and "WordPress answered 400" in result.stderr
    status = cli("crosspost", "status", "--json")
    status_csv = cli("crosspost", "status", "--format", "csv")
    assert "400" in status.json()[0]["last_error"]
    for secret in secrets:
        for text in (result.stdout, result.stderr, status.stdout, status_csv.stdout):
            assert secret not in text
    assert_no_secret_in_database(superuser, secrets)


def test_a_token_across_the_cut_of_the_message_is_masked_whole(cli, published, platform_server, superuser):
    """The error line is cut to 200 characters: masking comes first, so no first part of the token stays."""
    forem, env = platform_server("devto")
    forem.refuse_with = "x" * 165 + " bad token " + TOKEN + " rejected"
    result = crosspost(cli, published, "devto", env)
    assert result.exit_code == 1 and "dev.to answered 400" in result.stderr
    status = cli("crosspost", "status", "--json")
    leaked = TOKEN[:12]  # what a cut before masking left
    for text in (result.stdout, result.stderr, status.stdout):
        assert leaked not in text
    assert_no_secret_in_database(superuser, [leaked])


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_copy_deleted_on_the_platform_is_made_again(cli, published, platform_server, platform):
    """A 404 (Hashnode: 'post not found') for the stored id: the id is forgotten, the copy looked
    up, then made again, and the run says so; it no longer fails on every run."""
    fake, env = platform_server(platform)
    assert crosspost(cli, published, platform, env).exit_code == 0
    fake.posts.clear()  # deleted by the user, or by moderation
    rerun = cli("crosspost", published, "--to", platform, env=env)
    assert rerun.exit_code == 0, rerun.stderr
    assert "re-created" in rerun.stderr and len(fake.posts) == 1  # messages go to stderr
    [row] = cli("crosspost", "status", "--json").json()
    assert row["publication_status"] == "published" and row["last_error"] is None
    again = crosspost(cli, published, platform, env)
    assert again.exit_code == 0 and again.json()[0]["action"] == "updated" and len(fake.posts) == 1


@pytest.fixture
def second_site() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    quiet_when_the_client_left(server.server)
    yield server
    server.clear()
    server.stop()


def test_a_copy_made_on_another_site_is_not_updated_on_the_new_one(
    cli, published, platform_server, second_site, tmp_path
):
    """wordpress_url now names another site (red team 27, High): the old copy's id there is some
    other post (the site owner's page), which must not be overwritten: the copy is made anew on
    the new site. And ids are told apart per site: the new copy's id 2 is the old site's id of
    another post's copy, which is no clash."""
    _, env = platform_server("wordpress")
    other = publish_post(cli, tmp_path, "---\ntitle: Second post\n---\nText.\n", slug="second-post")
    for ref in (published, other):  # ids 1 and 2 there
        assert crosspost(cli, ref, "wordpress", env).exit_code == 0
    new_site = FakeWordPress(second_site).install()
    owners_page = {"id": 1, "slug": "about", "title": "About us", "content": "<p>Ours.</p>", "link": ""}
    new_site.posts[1] = dict(owners_page)
    moved = crosspost(cli, published, "wordpress", {"BLOGSTER_WORDPRESS_URL": new_site.url})
    assert moved.exit_code == 0, moved.stderr
    assert moved.json()[0]["action"] == "created" and moved.json()[0]["platform_post_id"] == "2"
    assert new_site.posts[1] == owners_page and new_site.posts[2]["title"] == "Ten terminal habits"
    assert moved.json()[0]["platform_url"] == new_site.posts[2]["link"]
    again = crosspost(cli, published, "wordpress", {"BLOGSTER_WORDPRESS_URL": new_site.url})
    assert again.json()[0]["action"] == "updated" and len(new_site.posts) == 2


THEIRS = "https://elsewhere.example/theirs/"
SOMEONE_ELSES_POST: dict[str, tuple[int, dict[str, object]]] = {
    "wordpress": (1, {"id": 1, "slug": "about", "title": "About us", "content": "<p>Ours.</p>", "link": ""}),
    "devto": (1001, {"id": 1001, "title": "Theirs", "canonical_url": THEIRS, "url": "https://dev.to/them/theirs"}),
    "hashnode": (1, {"id": "hn1", "title": "Theirs", "originalArticleURL": THEIRS, "url": "https://them.dev/hn1"}),
}
"""Per platform: the post (key and fields) that is another author's, or the site owner's, on the
new site, with the id our copy had on the old one."""


def fake_on(server: HTTPServer, platform: str) -> FakePlatform:
    kind, _ = CROSSPOST_PLATFORMS[platform]
    fake: FakePlatform = kind(server).install()  # type: ignore[attr-defined]
    return fake


def as_before_0126(superuser) -> None:
    """The copies as a version before 0126 left them: ids without the site they belong to."""
    superuser.execute("update public.platform_republishing set platform_site = null")


def copies_by_slug(superuser) -> dict[str, tuple[str, str]]:
    rows = superuser.execute(
        "select b.slug, r.platform_post_id, r.platform_site from public.platform_republishing r"
        " join public.blogs b on b.id = r.blog_id"
    ).fetchall()
    return {slug: (remote_id, site) for slug, remote_id, site in rows}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_copy_from_before_0126_is_not_sent_to_a_new_site(
    cli, published, platform_server, second_site, superuser, platform
):
    """A copy recorded before 0126 has no site; the platform's URL now names another site, where
    its id is someone else's post (red team 28, F1): that post is left alone, and the copy is made
    on the new site (its site recorded), then updated there."""
    old_site, env = platform_server(platform)
    assert crosspost(cli, published, platform, env).exit_code == 0
    as_before_0126(superuser)
    new_site = fake_on(second_site, platform)
    key, theirs = SOMEONE_ELSES_POST[platform]
    new_site.posts[key] = dict(theirs)
    new_env = {name: new_site.url for name in env}
    moved = crosspost(cli, published, platform, new_env)
    assert moved.exit_code == 0, moved.stderr
    assert new_site.posts[key] == theirs
    [ours] = [post for k, post in new_site.posts.items() if k != key]
    assert ours["title"] == "Ten terminal habits"
    [outcome] = moved.json()
    assert outcome["action"] == "created" and outcome["platform_post_id"] == str(ours["id"])
    assert outcome["platform_url"] == ours.get("link", ours.get("url"))
    assert copies_by_slug(superuser)[published] == (str(ours["id"]), new_site.url)
    again = crosspost(cli, published, platform, new_env)
    assert again.json()[0]["action"] == "updated" and len(new_site.posts) == 2
    assert new_site.posts[key] == theirs and len(old_site.posts) == 1


@pytest.mark.parametrize("platform", PLATFORMS)
def test_copies_from_before_0126_on_the_same_site_are_updated_in_place(
    cli, published, platform_server, tmp_path, superuser, platform
):
    """Copies recorded before 0126 on the site still configured are updated where they are (no
    second copy) and their site recorded, even two an earlier version gave one id: the post with
    that id is the copy of the one whose link to the original it ends with, and the other copy is
    found by its own link (before, neither was ever sent again)."""
    fake, env = platform_server(platform)
    other = publish_post(cli, tmp_path, "---\ntitle: Second post\n---\nText.\n", slug="second-post")
    for ref in (published, other):
        assert crosspost(cli, ref, platform, env).exit_code == 0
    first_id, second_id = copies_by_slug(superuser)[published][0], copies_by_slug(superuser)[other][0]
    as_before_0126(superuser)
    superuser.execute("update public.platform_republishing set platform_post_id = %s", (first_id,))
    titles = {key: post["title"] for key, post in fake.posts.items()}
    first = crosspost(cli, published, platform, env)
    assert first.exit_code == 0, first.stderr
    assert first.json()[0]["action"] == "updated" and first.json()[0]["platform_post_id"] == first_id
    second = crosspost(cli, other, platform, env)
    assert second.exit_code == 0, second.stderr
    assert second.json()[0]["action"] == "recovered" and second.json()[0]["platform_post_id"] == second_id
    assert {key: post["title"] for key, post in fake.posts.items()} == titles  # none made, none overwritten
    assert copies_by_slug(superuser) == {published: (first_id, fake.url), other: (second_id, fake.url)}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_id_from_before_0126_claims_nothing_on_a_new_site(
    cli, published, platform_server, second_site, tmp_path, superuser, platform
):
    """The new site gives another post's copy the id this post's copy had on the old site (recorded
    before 0126, without its site): that id is the other copy's, recorded and updated (before, it was
    refused as this one's, and the copy made again on every run); this post's copy is made anew."""
    _, env = platform_server(platform)
    assert crosspost(cli, published, platform, env).exit_code == 0
    [(old_id, _)] = copies_by_slug(superuser).values()
    as_before_0126(superuser)
    other = publish_post(cli, tmp_path, "---\ntitle: Second post\n---\nText.\n", slug="second-post")
    new_site = fake_on(second_site, platform)
    new_env = {name: new_site.url for name in env}
    first = crosspost(cli, other, platform, new_env)
    assert first.exit_code == 0, first.stderr
    assert first.json()[0]["platform_post_id"] == old_id
    assert crosspost(cli, other, platform, new_env).json()[0]["action"] == "updated"
    moved = crosspost(cli, published, platform, new_env)
    assert moved.exit_code == 0, moved.stderr
    assert moved.json()[0]["action"] == "created" and moved.json()[0]["platform_post_id"] != old_id
    assert sorted(post["title"] for post in new_site.posts.values()) == ["Second post", "Ten terminal habits"]


def test_a_dev_to_article_of_someone_else_carrying_our_link_is_no_copy_of_ours(
    cli, published, platform_server, second_site, superuser
):
    """Anyone may give a dev.to article our canonical URL: a copy recorded before 0126 whose id is
    such an article on the configured site is made anew there (red team 29). The check read the
    article by id, so the update went to an article dev.to refuses us, run after run."""
    _, env = platform_server("devto")
    first = crosspost(cli, published, "devto", env)
    assert first.exit_code == 0, first.stderr
    as_before_0126(superuser)
    superuser.execute("update public.platform_republishing set platform_post_id = '5001'")
    new_site = fake_on(second_site, "devto")
    assert isinstance(new_site, FakeForem)
    copied = {
        "id": 5001,
        "title": "Copied",
        "canonical_url": first.json()[0]["canonical_url"],
        "url": "https://dev.to/them/c",
    }
    new_site.strangers[5001] = dict(copied)
    moved = crosspost(cli, published, "devto", {name: new_site.url for name in env})
    assert moved.exit_code == 0, moved.stderr
    assert moved.json()[0]["action"] == "created" and moved.json()[0]["platform_post_id"] != "5001"
    assert new_site.strangers[5001] == copied and [p["title"] for p in new_site.posts.values()] == [
        "Ten terminal habits"
    ]
