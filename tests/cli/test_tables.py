"""One table layout for every list (cli/tables.py): slugs, times and numbers whole on a terminal, titles
cut first; tab-separated under the columns' own names in a pipe."""

from __future__ import annotations

import os
import re
import shutil
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
    assert piped.stdout == f"outcome\tpath\tslug\tstatus\treason\nwould import\t{post}\t{LONG_SLUG}\tpublished\t\n"
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
    """Red team 18: COLUMNS=0 printed nothing (exit 0) and 20 columns drew empty columns. COLUMNS=0
    is no width (as Python's shutil reads it: 80 off a terminal); at 20 the columns that do not fit
    are left out, said on stderr, and the slug is whole."""
    from blogster_cli.cli import tables

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(80, 24): os.terminal_size((80, 24)))  # no tty
    monkeypatch.setenv("LINES", "50")
    rows = [{"slug": "first-post", "title": "First", "status": "draft"}]
    monkeypatch.setenv("COLUMNS", "0")
    tables.print_table(rows, ["slug", "title", "status"])
    out = capsys.readouterr().out
    assert "first-post" in out and "First" in out and "draft" in out, out
    monkeypatch.setenv("COLUMNS", "20")
    tables.print_table(rows, ["slug", "title", "status"])
    shown = capsys.readouterr()
    assert "first-post" in shown.out and all(len(line) <= 20 for line in plain(shown.out).splitlines()), shown.out
    assert "(left out at 20 columns: title, status;" in shown.err


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_a_list_fits_a_terminal_30_columns_wide(cli, signed_up, tmp_path: Path, monkeypatch):
    """Red team: from 20 to 39 columns a list was drawn 40 wide, so every line wrapped on the
    terminal, and the note said "left out at 40 columns"."""
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Autovacuum is not the enemy\nslug: autovacuum-and-bloat\ntags: [db]\n---\nWords.\n")
    assert cli("import", str(post)).exit_code == 0
    terminal(monkeypatch, 30)
    shown = cli("posts", "list")
    assert shown.exit_code == 0, shown.stderr
    lines = plain(shown.stdout).splitlines()
    assert lines and all(len(line) <= 30 for line in lines), shown.stdout
    assert "autovacuum-and-bloat" in shown.stdout and "(left out at 30 columns:" in shown.stderr


def test_a_table_that_cannot_fit_is_drawn_at_its_floor_and_says_so(capsys, monkeypatch):
    """Columns never left out (what names the row, slugs, emails) fold onto more lines, down to
    TEXT_MIN cells each; a terminal narrower than that gets the table that wide, said on stderr."""
    from blogster_cli.cli import tables

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("LINES", "50")
    row = {"email": "someone.long@example.com", "slug": "autovacuum-and-table-bloat"}
    monkeypatch.setenv("COLUMNS", "12")
    tables.print_table([row], list(row))
    shown = capsys.readouterr()
    lines = plain(shown.out).splitlines()
    assert max(len(line) for line in lines) == 23, shown.out  # 1 + (3 + 8) * 2
    assert "".join(line.split("│")[1].strip() for line in lines if line.startswith("│")) == row["email"]
    assert "(drawn 23 columns wide, wider than the terminal's 12: the least that shows email, slug;" in shown.err
    monkeypatch.setenv("COLUMNS", "23")
    tables.print_table([row], list(row))
    shown = capsys.readouterr()
    assert max(len(line) for line in plain(shown.out).splitlines()) <= 23 and "drawn" not in shown.err


def cut_cells(text: str, row: dict) -> dict[str, str]:
    """The cells of `text`'s data lines that are not a value of `row` whole (a time: or its date): column -> cell."""
    from blogster_cli.cli.output import cell_text

    whole = {k: {cell_text(v), cell_text(v)[:10] if isinstance(v, datetime) else cell_text(v)} for k, v in row.items()}
    cut = {}
    for line in text.splitlines():
        if not line.startswith("│"):
            continue
        for cell in (c.strip() for c in line.strip("│").split("│")):
            if cell and not any(cell in shown for shown in whole.values()):
                cut[next((k for k, v in whole.items() if any(s.startswith(cell.rstrip("…")) for s in v)), "?")] = cell
    return cut


def test_a_narrow_terminal_leaves_columns_out_rather_than_cutting_statuses_times_or_ids():
    """New-user walkthrough: at 80 columns `posts list` showed `publish…` and `2026-12…`, `calendar
    list` `2026…` and `09:0…`, `newsletter list` `sche…`: only a title or a subject line is cut now,
    and what does not fit whole is left out."""
    moment = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    post = {"slug": "autovacuum-and-table-bloat", "title": "Autovacuum is not the enemy", "status": "published",
            "tags": "Databases, PostgreSQL, bloat, vacuum", "word_count": 232, "reading_time": 2, "updated_at": moment}  # fmt: skip
    entry = {"id": "8a259010-8f5f-4e10-aeaf-2bcbc483e6eb", "date": "2026-12-07", "time": "09:00",
             "type": "newsletter", "status": "planned", "title": "Launch post for the new series on terminals"}  # fmt: skip
    newsletter = {"id": "907f5a61-6374-4a85-8599-6951f9d3ff00", "subject_line": "This week: fzf bindings and more",
                  "status": "scheduled", "recipient_count": 1200, "created_at": moment, "send_error": ""}  # fmt: skip
    poll = {"tracking_id": "favourite-shell-poll", "content_type": "poll", "title": "Which shell do you use most?",
            "participation_count": 0, "shortcode": "{{< poll favourite-shell-poll >}}"}  # fmt: skip
    flag_log = {"created_at": moment, "action": "created", "flag": "new-editor",
                "changed_by": "28608860-de7f-44b5-9fc8-48da9a5ebb14"}  # fmt: skip
    cut_first = {"title", "tags", "subject_line", "shortcode"}
    for row in (post, entry, newsletter, poll, flag_log):
        shown = {**row, "id": row["id"][:8]} if "id" in row else row  # a row's own id: its first 8 characters
        for width in (60, 80, 100):
            text = drawn([row], list(row), width)
            assert set(cut_cells(text, shown)) <= cut_first, (width, text)
            assert str(list(shown.values())[0])[:10] in text  # the first column: what names the row
    at_80 = drawn([post], list(post), 80)
    assert "published" in at_80 and "2026-12-03" in at_80 and "Autovac" in at_80 and "Databases" not in at_80


def test_a_list_says_which_columns_a_narrow_terminal_left_out(cli, signed_up, monkeypatch):
    added = cli("calendar", "add", "Launch post for the new series", "--date", "2026-12-07", "--time", "09:00")
    assert added.exit_code == 0, added.stderr
    entry_id = cli("calendar", "list", "--format", "ids").stdout.strip()
    terminal(monkeypatch, 60)
    shown = cli("calendar", "list")
    assert shown.exit_code == 0, shown.stderr
    assert entry_id[:8] in shown.stdout and "2026-12-07" in shown.stdout and "09:00" in shown.stdout
    assert "2026…" not in shown.stdout and "09:0…" not in shown.stdout
    assert "(left out at 60 columns: status; --format csv shows every column)" in shown.stderr
    terminal(monkeypatch, 80)
    shown = cli("calendar", "list")
    assert "planned" in shown.stdout and "left out" not in shown.stderr
