"""Other people's text must not drive your terminal: ESC/OSC sequences, C1 codes and bidi overrides.

A post title, a docs page, a notification or an access log's referrer (anyone on the internet
writes those) holding "\\x1b]0;..." sets the window title, "\\x1b]52;c;..." writes the clipboard,
"\\x1bc" resets the terminal, "\\x9b" is CSI on some terminals, U+202E reorders a listing so it
lies. Neither Rich nor Textual removes them. On a terminal they are shown as visible stand-ins
(␛ for ESC, U+FFFD for C1 and bidi controls); in a pipe, a file or --json the data stays exact.
"""

from __future__ import annotations

import json
import sys

import pytest
from textual.widgets import DataTable, TextArea

from blogster_cli.terminal_text import dropped, is_safe, json_escaped, safe
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import PASSWORD
from tests.integration.test_analytics_ingest import line, write
from tests.tui.conftest import acting_as, app_for, drive, settle, table_text, writer  # noqa: F401 (fixtures)
from tests.tui.conftest import write as write_post
from tests.tui.test_posts import open_posts
from tests.tui.test_screens import add_notifications

cli = cli_fixtures.cli  # the CLI runner fixture, as tests/cli uses it

TITLE = (
    "Hi\x1b]0;pwned\x07 \x1b[2J\x1b]52;c;QUJD\x07 \x9b31m \u202eevil\u202c \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\"
)
SHOWN = "Hi␛]0;pwned␇ ␛[2J␛]52;c;QUJD␇ \ufffd31m \ufffdevil\ufffd ␛]8;;http://evil␛\\link␛]8;;␛\\"
# What a terminal acts on in TITLE (rich's and Textual's own styling is ESC '[' ... 'm' and moves).
ACTED_ON = ("\x1b]", "\x1bc", "\x1b\\", "\x1b[2J", "\x07", "\x9b", "\u202e", "\u202c")


def acted_on(text: str) -> list[str]:
    return [sequence for sequence in ACTED_ON if sequence in text]


def test_every_terminal_control_is_shown_as_a_stand_in_and_json_stays_the_same_json():
    assert safe(TITLE) == SHOWN
    assert safe("a\tb\nc\r\nd\re\x00\x7f\x85\u2066x\u2069\udcff") == "a\tb\nc\r\nd␍e␀␡\ufffd\ufffdx\ufffd\ufffd"
    assert safe("Plain, ünïcode and emoji 🙂 [b]") == "Plain, ünïcode and emoji 🙂 [b]"
    assert dropped(TITLE) == "Hi]0;pwned [2J]52;c;QUJD 31m evil ]8;;http://evil\\link]8;;\\"
    text = json.dumps({"title": TITLE}, ensure_ascii=False)
    assert not acted_on(json_escaped(text)) and json.loads(json_escaped(text)) == {"title": TITLE}


MARKS = "\u200e\u200f\u061c"  # LRM, RLM, ALM


def test_bidi_marks_are_shown_as_the_overrides_are_and_json_stays_the_same_json():
    """An RLM ending a title turned the numbers after it (the next columns of its row) right to left
    on a terminal that applies the bidi algorithm: "│ Prices\u200f │ 3 │ 12 │" showed "│ Prices12 │ 3 │  │"."""
    assert safe(f"a{MARKS}b") == "a\ufffd\ufffd\ufffdb" and not is_safe("Prices\u200f")
    assert dropped(f"a{MARKS}b") == "ab"  # the TUI's last filter: they take no cells, as rich counts them
    text = json.dumps({"title": f"Prices{MARKS}"}, ensure_ascii=False)
    assert not any(mark in json_escaped(text) for mark in MARKS) and json.loads(json_escaped(text)) == json.loads(text)


@pytest.fixture
def terminal(monkeypatch):
    """The CLI's stdout and stderr are a terminal (as under a pty), for what runs next."""

    def on() -> None:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
        monkeypatch.setenv("COLUMNS", "200")

    return on


def signed_up(cli) -> None:
    assert cli("auth", "signup", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0


def test_a_hostile_title_is_shown_not_acted_on_in_tables_records_markdown_and_messages(cli, terminal):
    signed_up(cli)
    created = cli("posts", "new", "--title", TITLE, "--slug", "hostile", input="Body \x1b]52;c;QUJD\x07 end\n")
    assert created.exit_code == 0, created.stderr
    assert not acted_on(created.stderr) and SHOWN in created.stderr  # "Created '...'": a message is for people
    # Off a terminal the data is the data: tab-separated, JSON and the raw markdown byte-exact.
    assert f"hostile\t{TITLE}\t" in cli("posts", "list").stdout
    assert cli("posts", "show", "hostile", "--json").json()["title"] == TITLE
    assert "Body \x1b]52;c;QUJD\x07 end" in cli("posts", "show", "hostile").stdout
    terminal()
    listed = cli("posts", "list")
    assert listed.exit_code == 0 and "hostile" in listed.stdout
    assert not acted_on(listed.stdout) and "Hi␛]0;pwned␇" in listed.stdout
    shown = cli("posts", "show", "hostile")
    assert not acted_on(shown.stdout) and "Body ␛]52;c;QUJD␇ end" in shown.stdout
    as_json = cli("posts", "show", "hostile", "--json")
    assert not acted_on(as_json.stdout) and as_json.json()["title"] == TITLE  # the same JSON, escaped
    missing = cli("posts", "show", TITLE)
    assert missing.exit_code != 0 and not acted_on(missing.stderr)  # an error that echoes the input


def test_a_title_with_bidi_marks_is_listed_with_stand_ins_on_a_terminal_and_exact_in_a_pipe(cli, terminal):
    signed_up(cli)
    title = "Prices\u200f"
    assert cli("posts", "new", "--title", title, "--slug", "marked", input="Words.\n").exit_code == 0
    assert f"marked\t{title}\t" in cli("posts", "list").stdout  # data: exact
    terminal()
    listed = cli("posts", "list")
    assert listed.exit_code == 0 and "Prices\ufffd" in listed.stdout and "\u200f" not in listed.stdout
    assert cli("posts", "show", "marked", "--json").json()["title"] == title


def test_a_docs_page_written_with_escapes_is_shown_not_acted_on_in_search_and_show(cli, terminal):
    signed_up(cli)  # the first account is an admin: docs pages are admins' text, read by everyone
    body = "Zebrafish guide \x1b]52;c;QUJD\x07 and \x1b[2J here.\n"
    added = cli("docs", "new", TITLE, "--slug", "zebra", "--from", "-", "--status", "published", input=body)
    assert added.exit_code == 0, added.stderr
    assert cli("docs", "show", "zebra").stdout.endswith(body)  # off a terminal: the source, exact
    terminal()
    found = cli("docs", "search", "zebrafish")
    assert found.exit_code == 0 and "Zebrafish" in found.stdout
    assert not acted_on(found.stdout) and "QUJD" in found.stdout
    shown = cli("docs", "show", "zebra")
    assert not acted_on(shown.stdout) and "guide ␛]52;c;QUJD␇ and ␛[2J here" in shown.stdout


def test_an_access_log_referrer_cannot_reset_your_terminal_through_the_report(cli, terminal, tmp_path):
    signed_up(cli)
    assert cli("posts", "new", "Alpha", "--slug", "alpha", "--status", "published", input="Words.\n").exit_code == 0
    referrer = "https://evil\x1bc\x9b2J\x1bP.example/x"  # RIS (full reset), C1 CSI, DCS: a valid host to urlsplit
    log = write(tmp_path / "access.log", [line("10.0.0.1", "10:00:00", "/posts/alpha/", ref=referrer)])
    assert cli("analytics", "ingest", str(log)).exit_code == 0
    assert cli("analytics", "report", "--json").json()["top_referrers"] == [
        {"domain": "evil\x1bc\x9b2j\x1bp.example", "views": 1}
    ]
    terminal()
    report = cli("analytics", "report")
    assert report.exit_code == 0, report.stderr
    assert "evil␛c\ufffd2j␛p.example" in report.stdout
    assert "\x1bc" not in report.stdout and "\x1bp" not in report.stdout and "\x9b" not in report.stdout


def terminal_output(app) -> str:
    """What the studio writes to the terminal for its whole screen now."""
    update = app.screen._compositor.render_update(full=True)
    return update.render_segments(app.console)


def test_the_studio_shows_titles_and_notifications_and_draws_no_control_from_a_post(writer, superuser):  # noqa: F811
    body = "Body \x1b]52;c;QUJD\x07 end"
    write_post(writer, TITLE, body=body)
    add_notifications(superuser, writer, TITLE)
    app = app_for(writer)

    async def steps(pilot):
        await settle(pilot)
        assert not acted_on(terminal_output(app))
        await open_posts(pilot)
        assert table_text(app.screen.query_one("#posts", DataTable))[0][0].startswith("Hi␛]0;pwned␇")
        assert not acted_on(terminal_output(app))
        await pilot.press("f5")
        await settle(pilot)
        assert table_text(app.screen.query_one("#notifications", DataTable))[0][3] == SHOWN
        assert not acted_on(terminal_output(app))
        await open_posts(pilot)
        await pilot.click("#posts", offset=(3, 1))  # the editor: the text stays as written, drawn safely
        await settle(pilot)
        assert app.screen.title == "Editor" and app.screen.query_one("#text", TextArea).text.endswith(body)
        assert not acted_on(terminal_output(app))

    drive(app, steps)


def test_a_workers_log_line_shows_the_controls_a_jobs_error_carries():
    import logging

    from blogster_cli.workers.runner import configure_logging

    root = logging.getLogger()
    kept = root.handlers[:], root.level
    try:
        configure_logging("warning")
        formatter = root.handlers[0].formatter
    finally:
        root.handlers[:], root.level = kept
    assert formatter is not None
    record = logging.makeLogRecord(
        {"name": "blogster.workers", "msg": "publishing %s failed", "args": (TITLE,), "levelname": "ERROR"}
    )
    shown = formatter.format(record)
    assert not acted_on(shown) and "Hi␛]0;pwned" in shown
