"""`chat list`, `social profiles list`, `platforms list` and `crosspost status` take --format, --json and
--limit like every other list; `chat list --json` carries each conversation's messages; `social rm --json`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.cli.test_blogs_cli import new_post
from tests.cli.test_lists_and_names import check_list_options
from tests.platform_servers import TOKEN, FakeForem

# Python-bound (the lists' options and rendering): the queries are the plain ones the other tests run
# on every server. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

LISTS = [
    ("chat", "list"),
    ("social", "profiles", "list"),
    ("platforms", "list"),
    ("crosspost", "status"),
    ("crosspost", "status", "first-post"),
]


@pytest.fixture
def forem(http) -> FakeForem:
    return FakeForem(http).install()


@pytest.fixture
def some_of_each(cli, signed_up, forem):
    """Two conversations, two social profiles, and two posts cross-posted to dev.to."""
    assert cli("chat", "ask", "How do I schedule a post?").exit_code == 10  # kept; no worker answers here
    assert cli("chat", "ask", "And how do I tag one?").exit_code == 10
    assert cli("chat", "ask", "Another question", "--new").exit_code == 10
    for handle in ("782bbtaQ", "yrZCpj2Z12"):  # LinkedIn member ids
        connected = cli("social", "profiles", "connect", "linkedin", "--handle", handle, "--token-stdin", input="t\n")
        assert connected.exit_code == 0, connected.stderr
    assert cli("platforms", "connect", "devto", "--token-stdin", input=TOKEN + "\n").exit_code == 0
    env = {"BLOGSTER_DEVTO_URL": forem.url}
    for title in ("First post", "Second post"):
        new_post(cli, title, "--status", "published", body="Words here.\n")
        sent = cli("crosspost", title.lower().replace(" ", "-"), "--to", "devto", env=env)
        assert sent.exit_code == 0, sent.stderr


@pytest.mark.parametrize("command", LISTS, ids=[" ".join(c) for c in LISTS])
def test_these_lists_take_the_same_output_options_as_every_other(cli, some_of_each, command):
    records = check_list_options(cli, command)
    bad = cli(*command, "--format", "xml")
    assert (
        bad.exit_code == 2 and bad.stderr.startswith("error: --format must be one of") and bad.stderr.count("\n") == 1
    )
    assert cli("--json", *command).json() == records  # --json before the command too


def test_what_ids_prints_is_what_the_next_command_takes(cli, some_of_each):
    conversations = cli("chat", "list", "--format", "ids").stdout.split()
    assert conversations == [c["id"] for c in cli("chat", "list", "--json").json()]
    history = cli("chat", "history", "--conversation", conversations[-1], "--json")
    assert [m["content"] for m in history.json()["messages"]] == ["How do I schedule a post?", "And how do I tag one?"]
    assert cli("platforms", "list", "--format", "ids").stdout.split() == ["devto", "hashnode", "wordpress"]
    assert sorted(cli("crosspost", "status", "--format", "ids").stdout.split()) == ["first-post", "second-post"]
    assert cli("crosspost", "status", "second-post", "--format", "ids").stdout.split() == ["second-post"]


def test_chat_list_json_carries_each_conversations_messages_and_a_table_counts_them(cli, some_of_each):
    listed = cli("chat", "list", "--json").json()
    assert [[(m["role"], m["content"]) for m in c["messages"]] for c in listed] == [
        [("user", "Another question")],  # newest first
        [("user", "How do I schedule a post?"), ("user", "And how do I tag one?")],
    ]
    assert listed[0]["messages"] == cli("chat", "history", "--json").json()["messages"]
    assert cli("chat", "list", "--format", "yaml").stdout.count("content:") == 3
    header, *rows = cli("chat", "list", "--format", "csv", env={"BLOGSTER_TIMEZONE": "Asia/Tokyo"}).stdout.splitlines()
    assert header == "id,status,started_at,ended_at,satisfaction_score,messages"
    assert [row.split(",")[-1] for row in rows] == ["1", "2"]
    # Times in the configured timezone, as every list shows them (not the UTC ISO of --json).
    started = datetime.fromisoformat(listed[0]["started_at"]).astimezone(ZoneInfo("Asia/Tokyo"))
    assert rows[0].split(",")[2] == started.strftime("%Y-%m-%d %H:%M JST")


def test_crosspost_format_and_limit_are_for_status_only(cli, some_of_each, forem):
    sent_before = len(forem.requests)
    for option in (("--format", "csv"), ("--limit", "1")):
        result = cli("crosspost", "first-post", "--to", "devto", *option, env={"BLOGSTER_DEVTO_URL": forem.url})
        assert result.exit_code == 2
        assert result.stderr == "error: --format and --limit are for `crosspost status`; a cross-post takes --json\n"
    assert len(forem.requests) == sent_before  # refused before anything was sent


def test_social_rm_json_prints_the_post_it_removed(cli, signed_up):
    new_post(cli, "First post")
    made = cli("social", "new", "first-post", "--platform", "twitter", "--text", "Faster shell", "--hashtag", "cli")
    assert made.exit_code == 0, made.stderr
    [draft] = cli("social", "list", "--json").json()
    removed = cli("social", "rm", draft["id"][:8], "--json")
    assert removed.exit_code == 0, removed.stderr
    assert removed.json() == draft  # the whole post as it was: id, slug, platform, content, hashtags...
    assert cli("social", "list", "--json").json() == []
    missing = cli("social", "rm", draft["id"][:8], "--json")
    assert missing.exit_code == 3 and missing.stdout == "" and missing.stderr.count("\n") == 1


def test_chat_list_lists_every_conversation_not_the_newest_fifty(cli, signed_up, superuser):
    superuser.execute(
        "insert into public.chatbot_conversations (user_id) select id from auth.users, generate_series(1, 51)"
    )
    assert len(cli("chat", "list", "--json").json()) == 51  # --limit unset or 0: all, as in every list
    assert len(cli("chat", "list", "--limit", "0", "--json").json()) == 51
    assert len(cli("chat", "list", "--limit", "3", "--json").json()) == 3
