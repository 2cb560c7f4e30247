"""Social posts, cross-posts, newsletters and `calendar run-due` as a new user met them (report
h277): `social post-due` blamed the token when the profile had no handle (M3); a social post of a
draft was scheduled and posted, linking to a page that did not exist (M4); `newsletter subscribers
import` counted an address repeated in another case nowhere (L2); `calendar run-due` without
`site_out` skipped the rebuild without a word (L4); `crosspost` without a token hinted a command
that cannot prompt off a terminal (L10); a partly refused `newsletter send` printed `error:` and
exited 0 (L11). (L8, `publish --help`'s example time: tests/cli/test_help_examples.py.)"""

from __future__ import annotations

import re

import pytest

from tests.cli.test_crosspost_cli import POST, TOKEN, publish_post
from tests.cli.test_newsletter_cli import readers_csv
from tests.cli.test_social_posting_cli import backdate, published_post
from tests.platform_servers import X_TOKEN, FakeForem, FakeSocial


@pytest.fixture
def x(http) -> FakeSocial:
    return FakeSocial(http).install()


def one_line_error(result, code: int) -> str:
    assert result.exit_code == code, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return str(result.stderr)


def hinted_command(message: str) -> list[str]:
    """The `blogster ...` command a message names, as arguments after `blogster`."""
    found = re.search(r"`blogster ([^`]+)`", message)
    assert found, message
    return found.group(1).split()


def social_post(cli, slug: str = "ten-terminal-habits", text: str = "Habits") -> str:
    made = cli("social", "new", slug, "--platform", "twitter", "--text", text, "--json")
    assert made.exit_code == 0, made.stderr
    return str(made.json()["id"])


def shown(cli, post_id: str) -> tuple[str, str | None]:
    post = cli("social", "show", post_id, "--json").json()
    return post["status"], post["error"]


# -- M3: what is missing, the handle or the token --------------------------------------------------


def test_a_profile_without_a_handle_is_named_as_such_with_a_command_that_runs_off_a_terminal(cli, signed_up, x):
    published_post(cli)
    post = social_post(cli)  # on a stand-in profile: `social profiles connect` never ran
    assert cli("social", "schedule", post, "--at", "2099-01-01 09:00").exit_code == 0
    backdate("social_media_posts", [post])
    env = {"BLOGSTER_TWITTER_URL": x.url, "BLOGSTER_TWITTER_TOKEN": X_TOKEN}
    ran = cli("social", "post-due", env=env)
    assert ran.exit_code == 1 and x.posts == []
    assert ran.stderr.count("\n") == 1 and "no token" not in ran.stderr and "BLOGSTER_TWITTER_TOKEN" not in ran.stderr
    assert "your twitter profile has no handle: connect it with" in ran.stderr, ran.stderr
    assert shown(cli, post)[0] == "scheduled" and "has no handle" in str(shown(cli, post)[1])
    # The command the message names connects the profile, off a terminal, once its NAME is filled in.
    command = [arg.replace("NAME", "ada") for arg in hinted_command(ran.stderr)]
    assert command[:5] == ["social", "profiles", "connect", "twitter", "--handle"] and "--token-stdin" in command
    assert cli(*command, input=X_TOKEN + "\n").exit_code == 0
    assert cli("social", "post-due", env={"BLOGSTER_TWITTER_URL": x.url}).exit_code == 0
    assert [key for key, _ in x.posts] == [post] and shown(cli, post) == ("published", None)


def test_a_profile_without_a_token_names_the_whole_connect_command_and_the_variable(cli, signed_up, x):
    published_post(cli)
    connected = cli("social", "profiles", "connect", "twitter", "--handle", "ada", "--token-stdin", input=X_TOKEN)
    assert connected.exit_code == 0, connected.stderr
    post = social_post(cli)
    assert cli("social", "schedule", post, "--at", "2099-01-01 09:00").exit_code == 0
    assert cli("social", "profiles", "disconnect", "twitter").exit_code == 0
    backdate("social_media_posts", [post])
    ran = cli("social", "post-due", env={"BLOGSTER_TWITTER_URL": x.url})
    assert ran.exit_code == 1 and "no token for your twitter profile here" in ran.stderr
    assert hinted_command(ran.stderr) == [
        "social",
        "profiles",
        "connect",
        "twitter",
        "--handle",
        "ada",
        "--token-stdin",
    ]
    assert "or set BLOGSTER_TWITTER_TOKEN" in ran.stderr


# -- M4: a social post goes out only once its blog post's page is live -----------------------------


def test_a_social_post_of_a_draft_is_not_scheduled(cli, signed_up):
    assert cli("blogs", "new", "Half done", "--slug", "half-done", input="Not yet.\n").exit_code == 0
    post = social_post(cli, "half-done")  # a draft of a draft: nothing goes out
    refused = one_line_error(cli("social", "schedule", post, "--at", "2099-01-01 09:00"), 2)
    assert "'half-done' is a draft, so the post would link to a page that does not exist" in refused
    assert "blogster publish half-done --at TIME" in refused
    assert shown(cli, post) == ("draft", None)
    assert cli("social", "schedule", post, "--clear").exit_code == 0  # taking one back always works


def test_a_social_post_of_a_scheduled_post_is_scheduled_no_earlier_than_the_post(cli, signed_up):
    utc = {"BLOGSTER_TIMEZONE": "UTC"}
    assert cli("blogs", "new", "Coming soon", "--slug", "coming-soon", input="Soon.\n").exit_code == 0
    assert cli("publish", "coming-soon", "--at", "2099-01-02 09:00", env=utc).exit_code == 0
    post = social_post(cli, "coming-soon")
    early = one_line_error(cli("social", "schedule", post, "--at", "2099-01-01 09:00", env=utc), 2)
    assert "'coming-soon' goes live at 2099-01-02 09:00 UTC" in early
    assert "schedule this post for 2099-01-02 09:00 or later" in early
    same = cli("social", "schedule", post, "--at", "2099-01-02 09:00", "--json", env=utc)
    assert same.exit_code == 0 and same.json()["status"] == "scheduled", same.stderr
    assert cli("social", "schedule", post, "--at", "2099-01-03 10:00", env=utc).exit_code == 0


def test_post_due_waits_for_a_scheduled_post_and_run_due_publishes_it_first(cli, signed_up, x, superuser):
    assert (
        cli("social", "profiles", "connect", "twitter", "--handle", "ada", "--token-stdin", input=X_TOKEN).exit_code
        == 0
    )
    assert cli("blogs", "new", "Coming soon", "--slug", "coming-soon", input="Soon.\n").exit_code == 0
    assert cli("publish", "coming-soon", "--at", "2099-01-01 09:00").exit_code == 0
    post = social_post(cli, "coming-soon")
    assert cli("social", "schedule", post, "--at", "2099-01-01 09:00").exit_code == 0
    backdate("social_media_posts", [post])  # the social post is due; its blog post goes live in 2099
    env = {"BLOGSTER_TWITTER_URL": x.url}
    ran = cli("social", "post-due", "--json", env=env)
    assert ran.exit_code == 1 and x.posts == []
    [outcome] = ran.json()
    assert outcome["action"] == "waiting" and outcome["error"].startswith("waiting for its blog post: 'coming-soon'")
    assert shown(cli, post) == ("scheduled", outcome["error"])
    # Both due: `calendar run-due` publishes the blog post, then posts the social post, in one run.
    superuser.execute("update public.blogs set published_at = published_at - interval '80 years'")
    done = cli("calendar", "run-due", "--json", env=env)
    assert done.exit_code == 0, done.stderr
    assert [p["slug"] for p in done.json()["published"]] == ["coming-soon"]
    assert [o["action"] for o in done.json()["social_posted"]] == ["posted"]
    assert [key for key, _ in x.posts] == [post] and shown(cli, post) == ("published", None)


def test_post_due_fails_a_post_whose_blog_post_went_back_to_draft(cli, signed_up, x):
    [post] = [social_post(cli, published_post(cli))]
    assert (
        cli("social", "profiles", "connect", "twitter", "--handle", "ada", "--token-stdin", input=X_TOKEN).exit_code
        == 0
    )
    assert cli("social", "schedule", post, "--at", "2099-01-01 09:00").exit_code == 0
    assert cli("unpublish", "ten-terminal-habits").exit_code == 0
    backdate("social_media_posts", [post])
    ran = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert ran.exit_code == 1 and x.posts == []
    [outcome] = ran.json()
    assert outcome["action"] == "failed"
    assert outcome["error"].startswith("not posted: 'ten-terminal-habits' is a draft, so the post would link")
    assert f"blogster social schedule {post} --at TIME" in outcome["error"]
    assert shown(cli, post) == ("failed", outcome["error"])
    again = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": x.url})
    assert again.exit_code == 0 and again.json() == []  # failed: not tried at every run


# -- L2: an address repeated in the CSV is counted ----------------------------------------------


def test_subscribers_import_counts_an_address_repeated_in_another_case(cli, signed_up, tmp_path):
    path = tmp_path / "subs.csv"
    path.write_text(
        "email,name\nann@example.com,Ann\nANN@example.com,Ann again\nbob@example.com,\ncarl@example.com,\nnope,\n"
    )
    first = cli("newsletter", "subscribers", "import", str(path))
    assert first.exit_code == 0, first.stderr
    assert first.stderr.endswith("3 added, 0 already listed, 1 duplicate, 1 left out\n"), first.stderr
    again = cli("newsletter", "subscribers", "import", str(path), "--json")
    report = again.json()
    assert (report["added"], report["already_listed"], report["duplicates"], len(report["problems"])) == (0, 3, 1, 1)
    listed = cli("newsletter", "subscribers", "list", "--json").json()
    assert sorted((s["email"], s["name"]) for s in listed)[0] == ("ann@example.com", "Ann")  # the first line's


# -- L4: `calendar run-due` says it did not rebuild the site ---------------------------------------


@pytest.mark.parametrize("dry_run", [False, True])
def test_run_due_without_a_site_folder_says_the_site_is_not_rebuilt(cli, signed_up, superuser, dry_run):
    assert cli("blogs", "new", "Due now", "--slug", "due-now", input="Now.\n").exit_code == 0
    assert cli("publish", "due-now", "--at", "2099-01-01 09:00").exit_code == 0
    superuser.execute("update public.blogs set published_at = now() - interval '1 hour'")
    dry = ("--dry-run",) if dry_run else ()
    said = cli("calendar", "run-due", *dry)
    assert said.exit_code == 0, said.stderr
    assert "note: the site is not rebuilt: no site folder is set (`blogster config set site_out DIR`" in said.stderr
    if not dry_run:
        assert cli("blogs", "new", "Due too", "--slug", "due-too", input="Too.\n").exit_code == 0
        assert cli("publish", "due-too", "--at", "2099-01-01 09:00").exit_code == 0
        superuser.execute("update public.blogs set published_at = now() - interval '1 hour' where slug = 'due-too'")
    report = cli("calendar", "run-due", "--json", *dry).json()
    assert len(report["published"]) == 1 and report["site_rebuilt"] is False
    assert [n for n in report["notes"] if n.startswith("the site is not rebuilt")] != []


def test_run_due_with_nothing_published_or_with_a_site_folder_says_nothing_of_it(cli, signed_up, superuser, tmp_path):
    quiet = cli("calendar", "run-due", "--json")
    assert quiet.exit_code == 0 and quiet.json()["notes"] == []
    assert cli("blogs", "new", "Due now", "--slug", "due-now", input="Now.\n").exit_code == 0
    assert cli("publish", "due-now", "--at", "2099-01-01 09:00").exit_code == 0
    superuser.execute("update public.blogs set published_at = now() - interval '1 hour'")
    built = cli("calendar", "run-due", "--json", env={"BLOGSTER_SITE_OUT": str(tmp_path / "public")})
    assert built.exit_code == 0 and built.json()["site_rebuilt"] is True, built.stderr
    assert not any("not rebuilt" in n for n in built.json()["notes"])


# -- L10: the crosspost hint works off a terminal --------------------------------------------------


def test_crosspost_without_a_token_names_a_connect_that_runs_off_a_terminal(cli, signed_up, tmp_path, http):
    forem = FakeForem(http).install()
    slug = publish_post(cli, tmp_path, POST)
    env = {"BLOGSTER_DEVTO_URL": forem.url}
    refused = cli("crosspost", slug, "--to", "devto", env=env)
    assert refused.exit_code == 6 and refused.stderr.count("\n") == 1, refused.stderr
    assert "or set BLOGSTER_DEVTO_TOKEN" in refused.stderr
    command = hinted_command(refused.stderr)
    assert command == ["platforms", "connect", "devto", "--token-stdin"]
    assert cli(*command, input=TOKEN + "\n").exit_code == 0  # off a terminal, as cron and scripts run
    assert cli("crosspost", slug, "--to", "devto", env=env).exit_code == 0 and len(forem.posts) == 1


# -- L11: a reader refused in a send that went on is a warning -------------------------------------


def test_a_partly_refused_send_warns_and_an_all_refused_one_errs(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    recorder.refuse.add("reader1@example.com")
    env = {"BLOGSTER_SMTP_URL": url}
    sent = cli("newsletter", "send", newsletter, "--to", readers_csv(tmp_path, count=3), env=env)
    assert sent.exit_code == 0, sent.stderr
    assert "warning: refused reader1@example.com: recipient refused: 550" in sent.stderr
    assert "error:" not in sent.stderr
    made = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", "Again", "--json").json()
    (tmp_path / "one.csv").write_text("email\nreader1@example.com\n")
    failed = cli("newsletter", "send", made["id"], "--to", str(tmp_path / "one.csv"), env=env)
    assert failed.exit_code == 1
    assert "error: refused reader1@example.com: recipient refused: 550" in failed.stderr
    assert "warning:" not in failed.stderr
