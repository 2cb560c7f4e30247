"""`blogster social`: drafts checked against each platform's limit on every save; profiles' tokens in the keyring."""

from __future__ import annotations

import pytest

TOKEN = "linkedin-access-token-789"


@pytest.fixture
def post(cli, signed_up) -> str:
    made = cli(  # published: a social post is scheduled only once the page it links to is live by then
        "blogs", "new", "Ten terminal habits", "--slug", "ten-terminal-habits", "--status", "published",
        input="Ten habits.\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    return "ten-terminal-habits"


def test_drafts_by_hand_are_checked_against_the_platform_limit(cli, post):
    made = cli(
        "social", "new", post, "--platform", "twitter", "--text", "Faster shell", "--hashtag", "#shell", "--json"
    )
    assert made.exit_code == 0, made.stderr
    draft = made.json()
    assert (
        draft["length"] == len("Faster shell") + 1 + 23 + len(" #shell")  # the link to the post: 23 on X
        and draft["limit"] == 280 and draft["status"] == "draft"
    )  # fmt: skip
    too_long = cli("social", "new", post, "--platform", "twitter", "--text", "x" * 251, "--hashtag", "shell")
    assert (
        too_long.exit_code == 2 and "282 characters with the link and hashtags, over twitter's 280" in too_long.stderr
    )
    # An edit over the limit is refused and leaves the draft as it was.
    edited = cli("social", "edit", draft["id"][:8], "--text", "y" * 280)
    assert edited.exit_code == 2
    [listed] = cli("social", "list", post, "--json").json()
    assert listed["content"] == "Faster shell" and listed["hashtags"] == ["shell"]
    assert cli("social", "edit", draft["id"][:8], "--text", "Shell habits", "--hashtag", "cli").exit_code == 0
    scheduled = cli("social", "schedule", draft["id"][:8], "--at", "2099-01-04 09:00", "--json").json()
    assert (
        scheduled["status"] == "scheduled"
        and scheduled["content"] == "Shell habits"
        and scheduled["hashtags"] == ["cli"]
    )
    empty = cli("social", "schedule", draft["id"][:8], "--at", "")  # unscheduled it, as --clear does
    assert empty.exit_code == 2 and "is not a time like" in empty.stderr
    assert cli("social", "list", post, "--json").json()[0]["status"] == "scheduled"
    assert cli("social", "schedule", draft["id"][:8], "--clear", "--json").json()["status"] == "draft"
    linkedin = cli("social", "new", post, "--platform", "linkedin", "--text", "z" * 2900, "--json")
    assert linkedin.exit_code == 0 and linkedin.json()["limit"] == 3000
    assert cli("social", "rm", draft["id"][:8]).exit_code == 0
    assert [p["platform"] for p in cli("social", "list", "--json").json()] == ["linkedin"]
    assert cli("social", "rm", draft["id"][:8]).exit_code == 3
    assert cli("social", "new", post, "--platform", "myspace", "--text", "x").exit_code == 2


def test_profile_tokens_stay_in_the_keyring(cli, post, superuser):
    assert cli("social", "new", post, "--platform", "linkedin", "--text", "Before connecting").exit_code == 0
    connected = cli(
        "social", "profiles", "connect", "linkedin", "--handle", "782bbtaQ", "--token-stdin", "--json",
        input=TOKEN + "\n",
    )  # fmt: skip
    assert connected.exit_code == 0, connected.stderr
    assert TOKEN not in connected.stdout and connected.json()["token"] == "credentials_file"
    [(reference, is_connected)] = superuser.execute(
        "select access_token, is_connected from public.social_media_profiles"
    ).fetchall()  # the stand-in profile of the hand-written draft became this account
    assert reference.startswith("keyring:social:") and TOKEN not in reference and is_connected
    (count,) = superuser.execute(
        "select count(*) from public.social_media_profiles t where to_jsonb(t)::text like %s", (f"%{TOKEN}%",)
    ).fetchone()
    assert count == 0
    listed = cli("social", "profiles", "list", "--json")
    assert TOKEN not in listed.stdout and listed.json()[0]["handle"] == "782bbtaQ"
    assert cli("social", "profiles", "disconnect", "linkedin").exit_code == 0
    assert superuser.execute("select access_token, is_connected from public.social_media_profiles").fetchall() == [
        (None, False)
    ]
    assert cli("social", "profiles", "disconnect", "twitter").exit_code == 3
