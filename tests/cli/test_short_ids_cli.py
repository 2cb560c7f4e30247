"""Lists on a terminal show a row's id by its first 8 characters (id_prefixes.shown), which the
commands naming such a row take back; --json, --format csv|ids and pipes keep ids whole.

New-user walk (h228 M8): `ideas list`, `notifications list`, `chat list` and `calendar list` led
with 36-character ids, so at 80 columns titles were cut to a few letters and at 60 the status and
dates were left out."""

from __future__ import annotations

import re
import sys
from io import StringIO
from uuid import UUID

from tests.cli.conftest import PASSWORD

TITLE = "Pulling a better shot at home"


def terminal(monkeypatch, columns: int) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("LINES", "50")


def piped(monkeypatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def rows_of(superuser, email: str) -> None:
    (user_id,) = superuser.execute("select id from auth.users where email = %s", (email,)).fetchone()
    superuser.execute(
        "insert into public.blog_ideas (user_id, title, difficulty_level, trending_score, estimated_word_count)"
        " values (%s, %s, 'beginner', 0.8, 1200)",
        (user_id, TITLE),
    )
    superuser.execute(
        "insert into public.user_notifications (user_id, type, title) values (%s, 'security', %s)",
        (user_id, "Scheduled maintenance: database upgrade"),
    )


def test_lists_show_ids_by_their_first_characters_which_commands_take(cli, signed_up, superuser, monkeypatch):
    rows_of(superuser, signed_up)
    assert cli("calendar", "add", TITLE, "--date", "2026-12-07", "--time", "09:00").exit_code == 0
    assert cli("chat", "ask", "hello there", "--wait", "0.1").exit_code == 10  # no worker: the conversation is kept
    lists = {name: (name, "list") for name in ("ideas", "notifications", "calendar", "chat")}
    ids = {name: cli(*command, "--format", "ids").stdout.split() for name, command in lists.items()}
    assert all(len(found) == 1 and len(found[0]) == 36 for found in ids.values()), ids
    for width in (60, 80):
        terminal(monkeypatch, width)
        for name, command in lists.items():
            shown = cli(*command)
            assert shown.exit_code == 0, shown.stderr
            text = plain(shown.stdout)
            assert ids[name][0][:8] in text and ids[name][0][:9] not in text, (name, width, text)
            assert all(len(line) <= width for line in text.splitlines()), text
    terminal(monkeypatch, 80)  # the room the ids gave back: statuses, read, scores and more of each title
    for command in (("calendar", "list"), ("notifications", "list"), ("chat", "list")):
        shown = cli(*command)
        assert "left out" not in shown.stderr, (command, shown.stderr)
    assert "planned" in cli("calendar", "list").stdout
    ideas = plain(cli("ideas", "list").stdout)
    assert "Pulling a better sh" in ideas and "trending score" in ideas, ideas
    # the shown ids are what the commands take
    assert cli("ideas", "save", ids["ideas"][0][:8]).exit_code == 0
    assert cli("notifications", "read", ids["notifications"][0][:8]).exit_code == 0
    assert cli("calendar", "move", ids["calendar"][0][:8], "--date", "2026-12-08").exit_code == 0
    history = cli("chat", "history", "--conversation", ids["chat"][0][:8], "--json")
    assert history.exit_code == 0 and history.json()["id"] == ids["chat"][0], history.stderr
    # other formats, and pipes, keep ids whole
    for name, command in lists.items():
        assert ids[name][0] in cli(*command, "--format", "csv").stdout
        assert ids[name][0] in cli(*command, "--json").stdout
    piped(monkeypatch)
    for name, command in lists.items():
        assert ids[name][0] in cli(*command).stdout


def test_a_conversation_is_named_by_its_first_characters_as_other_rows_are(cli, signed_up):
    assert cli("chat", "ask", "hello there", "--wait", "0.1").exit_code == 10
    (conversation,) = cli("chat", "list", "--format", "ids").stdout.split()
    for command in (("chat", "history"), ("chat", "end")):
        short = cli(*command, "--conversation", conversation[:6], "--json")
        assert short.exit_code == 0 and short.json()["id"] == conversation, short.stderr
    too_short = cli("chat", "history", "--conversation", conversation[:3])
    assert too_short.exit_code == 2 and "too short" in too_short.stderr
    unknown = cli("chat", "history", "--conversation", "ffff0000" if conversation[:4] != "ffff" else "0000ffff")
    assert unknown.exit_code == 3 and "no conversation with id starting" in unknown.stderr
    not_hex = cli("chat", "history", "--conversation", "hello")
    assert not_hex.exit_code == 2 and "is not a conversation id" in not_hex.stderr


def test_another_account_cannot_name_my_conversation_by_its_prefix(cli, signed_up):
    assert cli("chat", "ask", "my private question", "--wait", "0.1").exit_code == 10
    (conversation,) = cli("chat", "list", "--format", "ids").stdout.split()
    signup = cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert signup.exit_code == 0, signup.stderr
    hidden = cli("chat", "history", "--conversation", conversation[:8])
    assert hidden.exit_code == 3, hidden.stderr


def test_a_table_shows_its_rows_ids_by_their_first_characters_and_other_ids_whole():
    """The row's own `id` (tables.SHORT_IDS) is cut to 8 characters, or as many more as the rows
    shown need to differ; another row's id (`changed by`) and a list passing short=() stay whole."""
    from rich.console import Console

    from blogster_cli.cli import tables
    from tests.cli.test_tables import drawn

    first = "8a259010-8f5f-4e10-aeaf-2bcbc483e6eb"
    twin = "8a259010-7f5f-4e10-aeaf-2bcbc483e6eb"  # the same 9 first characters
    other = "28608860-de7f-44b5-9fc8-48da9a5ebb14"
    text = drawn([{"id": first, "title": "Launch", "changed_by": other}], ["id", "title", "changed_by"], 120)
    assert "8a259010 " in text and first not in text and other in text
    both = drawn([{"id": first, "title": "A"}, {"id": twin, "title": "B"}], ["id", "title"], 120)
    assert "8a259010-8 " in both and "8a259010-7 " in both, both
    assert "8a259010 " in drawn([{"id": UUID(first), "title": "A"}, {"id": None, "title": "B"}], ["id", "title"], 80)
    assert "slug-like-name" in drawn([{"id": "slug-like-name", "title": "A"}], ["id", "title"], 80)  # not a UUID
    console = Console(width=120, file=StringIO(), color_system=None)
    console.print(tables.table([{"id": first, "title": "A"}], ["id", "title"], width=120, short=()))
    assert first in console.file.getvalue()
