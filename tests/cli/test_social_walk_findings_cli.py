"""Social posts as a new user met them (report h228): LinkedIn hashtags went out escaped, as text
(M4); `social profiles connect linkedin --handle` asked for "your account's name there" though the
value is posted as urn:li:person:HANDLE (M5); `social list` showed scheduled times as UTC ISO
strings, cut on a terminal (M7)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.cli.test_social_posting_cli import backdate
from tests.platform_servers import LINKEDIN_TOKEN, FakeSocial

MEMBER_ID = "782bbtaQ"  # the shape of the `sub` LinkedIn's /v2/userinfo answers


@pytest.fixture
def post(cli, signed_up) -> str:
    made = cli(  # published: a social post is scheduled only once the page it links to is live by then
        "blogs", "new", "Pulling a better shot", "--slug", "better-shot", "--status", "published", input="Shots.\n"
    )
    assert made.exit_code == 0, made.stderr
    return "better-shot"


def connect_linkedin(cli, handle: str = MEMBER_ID, token: str = LINKEDIN_TOKEN):
    return cli("social", "profiles", "connect", "linkedin", "--handle", handle, "--token-stdin", input=token + "\n")


def test_linkedin_hashtags_go_out_as_linkedins_hashtags_and_the_rest_escaped(cli, post, http):
    linkedin = FakeSocial(http, platform="linkedin").install()
    assert connect_linkedin(cli).exit_code == 0
    made = cli(
        "social", "new", post, "--platform", "linkedin", "--text", "A better shot (at home) #espresso, C# not one",
        "--hashtag", "coffee", "--hashtag", "#home_barista", "--json",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    post_id = made.json()["id"]
    assert cli("social", "schedule", post_id, "--at", "2099-01-01 09:00").exit_code == 0
    backdate("social_media_posts", [post_id])

    ran = cli("social", "post-due", "--json", env={"BLOGSTER_LINKEDIN_URL": linkedin.url})
    assert ran.exit_code == 0, ran.stderr
    [(request, _)] = linkedin.server.log
    assert request.get_json() == {
        "author": f"urn:li:person:{MEMBER_ID}",
        "commentary": (
            "A better shot \\(at home\\) {hashtag|\\#|espresso}, C\\# not one"
            " https://ada.blogster.page/posts/better-shot/"  # the link to the blog post
            " {hashtag|\\#|coffee} {hashtag|\\#|home\\_barista}"
        ),
        "visibility": "PUBLIC",
        "lifecycleState": "PUBLISHED",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "isReshareDisabledByAuthor": False,
    }
    assert request.headers["Idempotency-Key"] == post_id


@pytest.mark.parametrize(
    "handle",
    ["ada", "Ada Lovelace", "https://www.linkedin.com/in/ada-lovelace", "ada@example.com", "urn:li:person:ada"],
)
def test_a_linkedin_handle_that_is_no_member_id_is_refused_saying_where_to_find_it(cli, post, handle):
    refused = connect_linkedin(cli, handle)
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.startswith(f"error: {handle!r} is not a LinkedIn member id: posts go out as urn:li:person:")
    assert "https://api.linkedin.com/v2/userinfo" in refused.stderr and refused.stderr.count("\n") == 1
    assert LINKEDIN_TOKEN not in refused.stderr
    assert cli("social", "profiles", "list", "--json").json() == []  # nothing kept


def test_a_linkedin_member_id_is_taken_as_is_or_from_its_urn(cli, post):
    assert connect_linkedin(cli, f"urn:li:person:{MEMBER_ID}").exit_code == 0
    [profile] = cli("social", "profiles", "list", "--json").json()
    assert profile["handle"] == MEMBER_ID
    assert connect_linkedin(cli, MEMBER_ID).exit_code == 0  # the same profile, its token replaced
    assert [p["handle"] for p in cli("social", "profiles", "list", "--json").json()] == [MEMBER_ID]
    # Other platforms' handles are their user names, as before.
    assert (
        cli("social", "profiles", "connect", "twitter", "--handle", "ada", "--token-stdin", input="t\n").exit_code == 0
    )


def test_the_handle_help_says_what_linkedin_needs(cli):
    shown = cli("social", "profiles", "connect", "--help")
    assert shown.exit_code == 0
    text = " ".join(shown.stdout.split())
    assert "Your account's name there" not in text
    assert "for LinkedIn your member id" in text and "urn:li:person:ID" in text and "/v2/userinfo" in text


def test_social_list_shows_scheduled_times_in_my_timezone_and_json_keeps_utc(cli, post):
    made = cli("social", "new", post, "--platform", "twitter", "--text", "Late one", "--json").json()
    berlin = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
    assert cli("social", "schedule", made["id"], "--at", "2099-12-05 00:47", env=berlin).exit_code == 0

    [stored] = cli("social", "list", "--json", env=berlin).json()
    assert stored["scheduled_time"] == "2099-12-04T23:47:00+00:00"  # --json unchanged: UTC ISO 8601
    listed = cli("social", "list", "--format", "csv", env=berlin)
    [row] = csv.DictReader(io.StringIO(listed.stdout))
    assert row["scheduled_time"] == "2099-12-05 00:47 CET"  # the local date, as `social show` says
    shown = cli("social", "show", made["id"], env=berlin).stdout
    assert "2099-12-05 00:47 CET" in shown
    table = cli("social", "list", env={**berlin, "COLUMNS": "200"}).stdout  # off a terminal: TSV
    assert "\t2099-12-05 00:47 CET\t" in table and "+00:00" not in table
    tokyo = datetime.fromisoformat(stored["scheduled_time"]).astimezone(ZoneInfo("Asia/Tokyo"))
    [row] = csv.DictReader(
        io.StringIO(cli("social", "list", "--format", "csv", env={"BLOGSTER_TIMEZONE": "Asia/Tokyo"}).stdout)
    )
    assert row["scheduled_time"] == tokyo.strftime("%Y-%m-%d %H:%M JST")
