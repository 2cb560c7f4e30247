"""Every command that prints data takes --json (README: "data commands take `--json`"), and every
list --format and --limit ("Every list takes `--format ...`"): found by walking the whole command
tree, as test_help.py does, so a new command without them fails here.

New-user walk (h228 L9): `notifications read` (while `read-all` had it), `flags rm`,
`interactive rm`, `config set` and others printed their result only as a sentence; `config list`
and `audience segments` took no --format."""

from __future__ import annotations

import json

from tests.cli.test_help import COMMANDS

# Commands that print no data, each with the reason. An entry whose command takes --json fails the
# test: an exception does not outlive its reason.
NO_DATA = {
    ("tui",): "a full-screen program: it draws the studio, it prints no result",
    ("serve-workers",): "runs until stopped: what it does is logged on stderr, `workers status --json` reports it",
    ("site", "serve"): "runs until Ctrl-C, serving the site: its progress lines go to stderr",
}
# Commands that print data and lack --json still, in files another change was editing when this
# test was written: remove each entry with the option's arrival (the test then says so).
NOT_YET: dict[tuple[str, ...], str] = {}


def takes(command, option: str) -> bool:
    return any(option in getattr(param, "opts", ()) for param in command.params)


def test_every_command_that_prints_data_takes_json():
    missing = [
        " ".join(path) for path, command in COMMANDS if path not in NO_DATA | NOT_YET and not takes(command, "--json")
    ]
    assert missing == [], f"these commands print data but take no --json: {missing}"


# Lists not named `list` (a `list` command is one by its name).
OTHER_LISTS = {("audience", "segments"), ("ai", "models"), ("chat", "history")}
LISTS_NOT_YET: dict[tuple[str, ...], str] = {}


def test_every_list_takes_format_and_limit():
    lists = [(path, command) for path, command in COMMANDS if path[-1] == "list" or path in OTHER_LISTS]
    missing = [
        " ".join(path)
        for path, command in lists
        if path not in LISTS_NOT_YET and not all(takes(command, o) for o in ("--format", "--limit", "--json"))
    ]
    assert len(lists) > 20 and missing == [], f"these lists lack --format, --limit or --json: {missing}"
    found = dict(COMMANDS)
    for path in LISTS_NOT_YET:
        assert not takes(found[path], "--format"), f"{' '.join(path)} takes --format now: drop it from LISTS_NOT_YET"


def test_config_list_and_audience_segments_take_the_list_formats(cli, signed_up):
    settings = cli("config", "list", "--json").json()  # one row per setting, with its source
    names = [row["setting"] for row in settings]
    assert cli("config", "list", "--format", "json").json() == settings
    assert cli("config", "list", "--format", "ids").stdout.split() == names
    assert cli("config", "list", "--format", "count").stdout == f"{len(settings)}\n"
    csv = cli("config", "list", "--format", "csv").stdout.splitlines()
    assert csv[0] == "setting,value,source" and "timezone,UTC,default" in csv
    assert cli("config", "list", "--limit", "2", "--json").json() == settings[:2]
    assert cli("config", "list", "--format", "yaml").stdout.startswith(f"- setting: {names[0]}")
    assert "timezone" in cli("config", "list").stdout  # the table: setting, value, source

    segments = cli("audience", "segments", "--json").json()  # every segment, empty before any page view
    assert cli("audience", "segments", "--format", "json").json() == segments
    assert cli("audience", "segments", "--format", "count").stdout == f"{len(segments)}\n"
    names = [s["segment_name"] for s in segments]
    assert cli("audience", "segments", "--format", "ids").stdout.splitlines() == names
    assert cli("audience", "segments", "--format", "csv").stdout.startswith("segment,readers,visits,")
    assert [s["segment_name"] for s in cli("audience", "segments", "--limit", "2", "--json").json()] == names[:2]


def test_the_exceptions_are_commands_and_still_exceptions():
    found = dict(COMMANDS)
    for path in NO_DATA | NOT_YET:
        assert path in found, f"{' '.join(path)} is no command: drop it from the exceptions"
        assert not takes(found[path], "--json"), f"{' '.join(path)} takes --json now: drop it from the exceptions"


def test_the_new_json_results(cli, signed_up, superuser, tmp_path):
    """What the commands that gained --json print (a removal: what was removed; a change: the result)."""
    from tests.cli.conftest import PASSWORD

    assert cli("flags", "create", "new-editor").exit_code == 0
    removed = cli("flags", "rm", "new-editor", "--yes", "--json")
    assert removed.exit_code == 0 and removed.json()["name"] == "new-editor", removed.stderr

    set_ = cli("config", "set", "timezone", "Europe/Berlin", "--json")
    assert set_.json() == {"timezone": "Europe/Berlin"} == cli("config", "get", "timezone", "--json").json()

    poll = tmp_path / "poll.json"
    poll.write_text(json.dumps({"question": "Which shell?", "options": ["bash", "zsh"]}))
    created = cli("interactive", "create", "poll", "--title", "Which shell?", "--structure", str(poll), "--json")
    assert created.exit_code == 0, created.stderr
    item = created.json()
    gone = cli("interactive", "rm", item["id"][:8], "--json")
    assert gone.exit_code == 0 and gone.json()["tracking_id"] == item["tracking_id"], gone.stderr

    post = tmp_path / "post.md"
    post.write_text("---\ntitle: First\nslug: first\n---\nSome words.\n")
    assert cli("import", str(post)).exit_code == 0
    edited = cli("posts", "edit", "first", "--title", "First, edited", "--json")
    assert edited.exit_code == 0 and edited.json()["title"] == "First, edited", edited.stderr
    listed = cli("posts", "list", "--json").json()[0]  # as `posts new --json`: every field a list can show
    assert set(listed) <= set(edited.json()) and all(edited.json()[k] == v for k, v in listed.items())

    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert cli("auth", "login", "--email", signed_up, "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert cli("admin", "users", "grant-admin", "bob@example.com", "--json").json() == {
        "email": "bob@example.com", "admin": True
    }  # fmt: skip
    assert cli("admin", "users", "revoke-admin", "bob@example.com", "--json").json()["admin"] is False
    banned = cli("admin", "users", "ban", "bob@example.com", "--days", "1", "--json").json()
    assert banned["email"] == "bob@example.com" and banned["banned_until"] > "2000"
    assert cli("admin", "users", "ban", "bob@example.com", "--lift", "--json").json()["banned_until"] is None
    purged = cli("admin", "users", "purge", "bob@example.com", "--yes", "--json")
    assert purged.json() == {"email": "bob@example.com", "purged": True}, purged.stderr

    assert cli("admin", "workers", "add", "host-1", "--json").exit_code == 0
    assert cli("admin", "workers", "rm", "host-1", "--json").json() == {"name": "host-1", "removed": True}

    superuser.execute(
        "insert into public.user_notifications (user_id, type, title)"
        " select id, 'security', 'Hello' from auth.users where email = %s",
        (signed_up,),
    )
    (notification,) = cli("notifications", "list", "--format", "ids").stdout.split()
    read = cli("notifications", "read", notification[:8], "--json")
    shown = read.json()  # the notification it marked (h257 L7), its id and read as before
    assert (shown["id"], shown["read"], shown["title"]) == (notification, True, "Hello"), read.stderr

    changed = cli("auth", "passwd", "--password-stdin", "--json", input=f"{PASSWORD}\n{PASSWORD}-2\n")
    assert changed.json() == {"email": signed_up, "password_changed": True}, changed.stderr
    ended = {"profile": "default", "logged_out": True, "session_still_valid": False}
    assert cli("auth", "logout", "--json").json() == ended
    assert cli("auth", "logout", "--json").json() == {**ended, "logged_out": False}


def test_config_set_json_keeps_a_urls_password_out(cli, isolated_environment):
    url = cli("config", "set", "database_url", "postgresql://me:TOP%40SECRET@db.example.com/blog", "--json")
    assert url.exit_code == 0 and "TOP" not in url.stdout + url.stderr, url
    assert url.json() == {"database_url": "postgresql://me@db.example.com/blog"}  # as the file holds it
    assert "TOP" not in cli("config", "get", "database_url", "--json").stdout
    assert cli("config", "set", "database_url", "", "--json").json() == {"database_url": None}
