"""New-user walk, part 9 (report h310): `images rm` of a featured image left the post pointing at
it, `publish` stopped warning and `site build` wrote an <img> for a file it did not write (M3);
social posts carried no link to the blog post they promote, and the AI was not given it (M4);
`publish A B` with A already published exited 2 though B was published, `unpublish` of a draft
too (L1); `--format count` counted the default --limit, not the rows (L2); another account's
public post was "no post" (exit 3) to `images add`, `newsletter create` and `review assign` but
"not yours to change" (exit 4) to `posts edit` (L6)."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli.test_catalog_and_images_cli import png_bytes
from tests.cli.test_scheduling_and_publishing_rules_cli import graces_posts_seen_by_ada
from tests.cli.test_social_posting_cli import backdate, published_post
from tests.platform_servers import X_TOKEN, FakeSocial

# -- M3: removing a featured image ------------------------------------------------------------------


def featured_post(cli, tmp_path, slug: str = "with-pictures") -> dict:
    made = cli("blogs", "new", "With pictures", "--slug", slug, input="Some text.\n")
    assert made.exit_code == 0, made.stderr
    picture = tmp_path / "red.png"
    picture.write_bytes(png_bytes())
    added = cli("images", "add", slug, str(picture), "--featured", "--json")
    assert added.exit_code == 0, added.stderr
    return dict(added.json())


def test_removing_a_featured_image_leaves_the_post_with_none_and_says_so(cli, signed_up, tmp_path):
    image = featured_post(cli, tmp_path)
    assert cli("blogs", "show", "with-pictures", "--json").json()["featured_image"] == image["url"]
    removed = cli("images", "rm", image["id"][:8])
    assert removed.exit_code == 0, removed.stderr
    assert "'with-pictures' has no featured image now" in removed.stderr
    assert cli("blogs", "show", "with-pictures", "--json").json()["featured_image"] in (None, "")
    published = cli("publish", "with-pictures", "--json")
    assert published.exit_code == 0, published.stderr
    assert "no featured image" in published.json()[0]["warnings"]


def test_publish_warns_and_the_site_shows_no_broken_picture_for_a_dangling_featured_image(
    cli, signed_up, tmp_path, superuser
):
    """Data an older Blogster left: the post still names a stored picture whose row is gone."""
    image = featured_post(cli, tmp_path)
    superuser.execute("delete from public.image_assets where id = %s", (image["id"],))
    published = cli("publish", "with-pictures", "--json")
    assert published.exit_code == 0, published.stderr
    [warning] = [w for w in published.json()[0]["warnings"] if "featured" in w]
    assert image["url"] in warning and "not stored" in warning
    out = tmp_path / "site"
    built = cli("site", "build", "--out", str(out))
    assert built.exit_code == 0, built.stderr
    assert f"its featured image {image['url']} is not stored" in built.stderr
    pages = [path.read_text() for path in out.rglob("*.html")]
    assert pages and not any(image["url"] in page for page in pages)
    assert not (out / image["url"]).exists()
    # The picture back (same file, same post, same address): the next build shows it again.
    again = cli("images", "add", "with-pictures", str(tmp_path / "red.png"), "--json")
    assert again.exit_code == 0 and again.json()["url"] == image["url"]
    rebuilt = cli("site", "build", "--out", str(out))
    assert rebuilt.exit_code == 0 and "not stored" not in rebuilt.stderr, rebuilt.stderr
    assert (out / image["url"]).is_file()
    assert any(f'src="/{image["url"]}"' in path.read_text() for path in out.rglob("*.html"))


# -- M4: the social post carries the link ------------------------------------------------------------


@pytest.fixture
def x(http) -> FakeSocial:
    return FakeSocial(http).install()


def post_url(slug: str, text: str) -> str:
    found = re.search(r"https://ada\.example/\S*" + re.escape(slug) + r"\S*", text)
    assert found, text
    return found.group(0)


def test_a_social_post_goes_out_with_the_blog_posts_address(cli, signed_up, x):
    assert cli("site", "settings", "set", "url", "https://ada.example").exit_code == 0
    slug = published_post(cli)
    connected = cli("social", "profiles", "connect", "twitter", "--handle", "ada", "--token-stdin", input=X_TOKEN)
    assert connected.exit_code == 0, connected.stderr
    made = cli("social", "new", slug, "--platform", "twitter", "--text", "Ten habits", "--hashtag", "shell", "--json")
    assert made.exit_code == 0, made.stderr
    link = made.json()["link"]
    assert post_url(slug, link) == link
    assert made.json()["length"] == len("Ten habits") + 1 + 23 + len(" #shell")  # X counts a link as 23
    post = made.json()["id"]
    assert cli("social", "schedule", post, "--at", "2099-01-01 09:00").exit_code == 0
    backdate("social_media_posts", [post])
    ran = cli("social", "post-due", env={"BLOGSTER_TWITTER_URL": x.url})
    assert ran.exit_code == 0, ran.stderr
    [(_, text)] = x.posts
    assert text == f"Ten habits {link} #shell"


def test_the_length_check_counts_the_link(cli, signed_up):
    slug = published_post(cli)
    fits = cli("social", "new", slug, "--platform", "twitter", "--text", "a" * 256, "--json")
    assert fits.exit_code == 0, fits.stderr
    assert fits.json()["length"] == 280
    over = cli("social", "new", slug, "--platform", "twitter", "--text", "a" * 257)
    assert over.exit_code == 2 and "281 characters with the link and hashtags, over twitter's 280" in over.stderr
    # A text that has the address already carries it once, counted once.
    link = fits.json()["link"]
    own = cli("social", "new", slug, "--platform", "twitter", "--text", f"Read {link}", "--json")
    assert own.exit_code == 0 and own.json()["length"] == len("Read ") + 23


def test_the_social_prompt_is_given_the_address(cli, signed_up, ai_env):
    assert cli("site", "settings", "set", "url", "https://ada.example").exit_code == 0
    slug = published_post(cli)
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"content": "New habits, read it!", "hashtags": ["shell"]}))
    made = cli("generate", "social", slug, "--platform", "twitter", "--json")
    assert made.exit_code == 0, made.stderr
    [call] = ai_env.calls("/v1/chat/completions")
    prompt = "\n".join(m["content"] for m in call.body["messages"])
    link = made.json()["link"]
    assert post_url(slug, link) == link and link in prompt and "23" in prompt
    assert made.json()["length"] == len("New habits, read it!") + 1 + 23 + len(" #shell")


# -- L1: already as asked is a note -------------------------------------------------------------------


def draft(cli, slug: str) -> None:
    made = cli("blogs", "new", slug.capitalize(), "--slug", slug, input="Some text.\n")
    assert made.exit_code == 0, made.stderr


def test_publishing_a_published_post_again_is_a_note_not_a_failure(cli, signed_up):
    draft(cli, "first")
    draft(cli, "second")
    assert cli("publish", "first").exit_code == 0
    both = cli("publish", "first", "second")
    assert both.exit_code == 0, both.stderr
    assert "'first' is already published (since " in both.stderr and "error" not in both.stderr
    assert "'second' is now published" in both.stderr
    assert cli("unpublish", "second").exit_code == 0
    down = cli("unpublish", "first", "second", "--json")
    assert down.exit_code == 0, down.stderr
    outcomes = {o["slug"]: o for o in down.json()}
    assert outcomes["second"]["changed"] is False and outcomes["second"]["note"] == "already a draft"
    assert outcomes["first"]["status"] == "draft" and outcomes["first"]["changed"] is True
    # A real failure still fails; scheduling a live post is refused.
    assert cli("publish", "first").exit_code == 0
    later = cli("publish", "first", "--at", "2099-01-01 09:00")
    assert later.exit_code == 2 and "already published: unpublish it first" in later.stderr


# -- L2: --format count counts every row ---------------------------------------------------------------


def test_format_count_is_not_capped_by_a_default_limit(cli, signed_up, superuser):
    (me,) = superuser.execute("select id from auth.users where email = %s", (signed_up,)).fetchone()
    superuser.execute(
        "insert into public.activities (user_id, type, title, description)"
        " select %s, 'edited', 'x', 'x' from generate_series(1, 105)",
        (me,),
    )
    superuser.execute(
        "insert into public.ai_generation_logs (user_id, model) select %s, 'm' from generate_series(1, 25)", (me,)
    )
    total = superuser.execute("select count(*) from public.activities where user_id = %s", (me,)).fetchone()[0]
    assert cli("activity", "--format", "count").stdout == f"{total}\n"
    assert cli("activity", "--format", "count", "--limit", "7").stdout == "7\n"  # an explicit --limit caps
    assert len(cli("activity", "--json").json()) == 100  # the default still applies to the rows shown
    assert cli("ai", "logs", "--format", "count").stdout == "25\n"
    assert len(cli("ai", "logs", "--json").json()) == 20
    assert cli("credits", "--format", "count").stdout == "25\n"
    assert cli("credits", "--format", "count", "--limit", "3").stdout == "3\n"


# -- L6: another account's post, the same answer everywhere -------------------------------------------


def test_another_accounts_public_post_is_not_yours_from_every_command(cli, tmp_path):
    author, post_id = graces_posts_seen_by_ada(cli)
    picture = tmp_path / "red.png"
    picture.write_bytes(png_bytes())
    commands = [
        ("images", "add", "{ref}", str(picture)),
        ("newsletter", "create", "--subject", "Mine", "--blogs", "{ref}"),
        ("review", "assign", "{ref}", "--to", "grace@example.com", "--role", "editor"),
        ("publish", "{ref}"),
        ("social", "new", "{ref}", "--platform", "twitter", "--text", "x"),
    ]
    for ref in (f"{author}/open", post_id):
        for command in commands:
            result = cli(*(arg.format(ref=ref) for arg in command))
            assert result.exit_code == 4, (command, result.stderr)
            assert result.stderr == f"error: {ref!r} is another account's post: not yours to change\n", command
    hidden = cli("images", "add", f"{author}/secret", str(picture))  # a draft is not visible: not found
    assert hidden.exit_code == 3 and "no post" in hidden.stderr
