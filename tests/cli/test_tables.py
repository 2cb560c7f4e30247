"""One table layout for every list (cli/tables.py): slugs, times and numbers whole on a terminal, titles
cut first; tab-separated under the columns' own names in a pipe."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

LONG_SLUG = "a-very-long-slug-that-must-stay-whole-because-you-type-it"


def drawn(rows, columns, width: int) -> str:
    from rich.console import Console

    from blogster_cli.cli import tables

    console = Console(width=width, file=StringIO(), color_system=None)
    console.print(tables.table(rows, columns, width=width))
    text = console.file.getvalue()
    assert all(len(line) <= width for line in text.splitlines())
    return text


def test_tables_keep_slugs_whole_and_shorten_titles():
    rows = [{"slug": LONG_SLUG, "title": "An equally long title that can be shortened with an ellipsis " * 2}]
    text = drawn(rows, ["slug", "title"], 90)
    assert LONG_SLUG in text and "…" in text


def test_a_table_gives_way_in_its_titles_never_in_times_or_numbers():
    moment = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    row = {"slug": "from-zero", "title": "From zero to shell in ten steps, " * 3, "status": "published",
           "tags": ["shell", "rust"], "word_count": 1234, "reading_time": 6, "updated_at": moment}  # fmt: skip
    shown = {width: drawn([row], list(row), width) for width in (80, 120)}
    for text in shown.values():
        assert "words" in text and " min " in text and "1234" in text
        assert "published" in text and "From zero" in text and "…" in text
    assert "2026-12-03 14:30 UTC" in shown[120]
    assert "2026-12-03 " in shown[80] and "2026…" not in shown[80]


def test_a_slug_stays_whole_when_even_numbers_must_give_way():
    row = {"slug": LONG_SLUG, "freshness_score": 42.5, "update_priority": "high", "traffic_trend": -0.25,
           "days_since_update": 400, "recommended_updates": "Refresh the statistics; add new examples"}  # fmt: skip
    assert LONG_SLUG in drawn([row], list(row), 90)


def terminal(monkeypatch, columns: int) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("LINES", "50")


def test_lists_keep_a_long_slug_whole_on_a_narrow_terminal_and_pipes_stay_tab_separated(
    cli, signed_up, tmp_path: Path, monkeypatch
):
    post = tmp_path / "post.md"
    post.write_text(f"---\ntitle: {'A title long enough to be cut short ' * 2}\nslug: {LONG_SLUG}\n---\nSome words.\n")
    piped = cli("import", str(post), "--dry-run")  # the plan is data: scripts read it
    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout == f"outcome\tpath\tslug\treason\nwould import\t{post}\t{LONG_SLUG}\t\n"
    assert cli("import", str(post)).exit_code == 0
    terminal(monkeypatch, 80)
    for command in (("import", str(post), "--dry-run"), ("posts", "list")):
        shown = cli(*command)
        assert shown.exit_code == 0 and LONG_SLUG in shown.stdout, shown.stdout
        assert all(len(line) <= 80 for line in re.sub(r"\x1b\[[0-9;]*m", "", shown.stdout).splitlines())


def test_markup_in_other_peoples_text_stays_text():
    """A slug, an email or a tag is another account's text at times (a shared tag name, a review
    assignment's post, a subscriber): rich must not read `[link=...]` or `[/x]` in it as markup."""
    from rich.console import Console

    from blogster_cli.cli import tables

    rows = [{"slug": "[link=https://evil.example]click-me", "email": '"[/x]"@example.com', "title": "[blink]t[/blink]"}]
    console = Console(width=120, file=StringIO(), force_terminal=True, color_system="truecolor")
    console.print(tables.table(rows, ["slug", "email", "title"], width=120))
    text = console.file.getvalue()
    assert "\x1b]8" not in text and "\x1b[5m" not in text
    assert "[link=https://evil.example]click-me" in text and '"[/x]"@example.com' in text and "[blink]t" in text


def test_a_pipe_gets_one_row_per_line_whatever_the_cells_hold(capsys):
    from blogster_cli.cli import tables

    tables.print_table([{"email": "r3@example.com", "name": "Line1\nfake@example.com\tinjected\r"}], ["email", "name"])
    assert capsys.readouterr().out == "email\tname\nr3@example.com\tLine1 fake@example.com injected \n"


def test_a_list_on_a_terminal_shows_markup_as_text(cli, signed_up, tmp_path, monkeypatch):
    post = tmp_path / "post.md"
    post.write_text('---\ntitle: Tags\ntags: ["[/x]", "[link=https://evil.example]click"]\n---\nWords.\n')
    assert cli("import", str(post)).exit_code == 0
    terminal(monkeypatch, 100)
    shown = cli("tags", "list")
    assert shown.exit_code == 0, shown.stderr
    assert (
        "[/x]" in shown.stdout and "[link=https://evil.example]click" in shown.stdout and "\x1b]8" not in shown.stdout
    )


def test_a_list_longer_than_the_screen_is_printed_when_the_pager_is_missing(capsys, monkeypatch):
    from blogster_cli.cli import tables

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "5")
    monkeypatch.setenv("PAGER", "/nonexistent/pager")
    tables.print_table([{"slug": f"post-{n}"} for n in range(10)], ["slug"])
    out = capsys.readouterr().out
    assert all(f"post-{n}" in out for n in range(10)), out


def test_a_terminal_narrower_than_a_table_can_be_still_shows_every_cell(capsys, monkeypatch):
    """Red team 18: COLUMNS=0 printed nothing (exit 0) and 20 columns drew empty columns."""
    from blogster_cli.cli import tables

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("LINES", "50")
    rows = [{"slug": "first-post", "title": "First", "status": "draft"}]
    for columns in ("0", "20"):
        monkeypatch.setenv("COLUMNS", columns)
        tables.print_table(rows, ["slug", "title", "status"])
        out = capsys.readouterr().out
        assert "first-post" in out and "First" in out and "draft" in out, (columns, out)
