"""`calendar add/move --time` read a wall time as `publish --at` does (one the clocks skip refused,
one they pass twice noted with both instants), and the month and week views drawn off a terminal
(80 columns) stay readable: equal columns, one-line headers, no word split across lines."""

import re
from datetime import date, time

from blogster_cli.planning import times

BERLIN = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
PIPED = {**BERLIN, "COLUMNS": "80", "NO_COLOR": "1"}


def add(cli, title, *args, env=None):
    result = cli("calendar", "add", title, *args, "--json", env=env or BERLIN)
    assert result.exit_code == 0, result.stderr
    return result


def test_a_typed_time_the_clocks_pass_twice_names_both_instants_as_publish_at_does(cli, signed_up):
    result = add(cli, "Fall back", "--date", "2027-10-31", "--time", "02:30")
    assert result.json()["starts_at"] == "2027-10-31T00:30:00Z"  # the first, as before
    assert result.stderr == (
        "note: 2027-10-31 02:30 happens twice in Europe/Berlin (the clocks go back): taken as the first,"
        " 02:30 CEST (00:30 UTC); for the second, 02:30 CET (01:30 UTC), plan it in UTC:"
        " BLOGSTER_TIMEZONE=UTC with --date 2027-10-31 --time 01:30\n"
    )
    # the same words as publish --at's note, up to how the second is chosen
    at = times.parse_at("2027-10-31 02:30", timezone=times.zone("Europe/Berlin"))
    assert at.note is not None and result.stderr.startswith(f"note: {at.note.split(', give --at')[0]}")
    # the way the note gives plans the second instant, shown at 02:30 in Berlin
    second = add(cli, "Second", "--date", "2027-10-31", "--time", "01:30", env={"BLOGSTER_TIMEZONE": "UTC"})
    assert second.json()["starts_at"] == "2027-10-31T01:30:00Z"
    listed = cli("calendar", "list", env=BERLIN).stdout
    assert "\t2027-10-31\t02:30\tblog\tplanned\tSecond" in listed
    # moving an entry onto that night notes it too; a time passed once says nothing
    entry = add(cli, "Mover", "--date", "2027-10-30", "--time", "02:30").json()
    moved = cli("calendar", "move", entry["id"][:8], "--date", "2027-10-31", env=BERLIN)
    assert moved.exit_code == 0 and "happens twice in Europe/Berlin" in moved.stderr, moved.stderr
    assert add(cli, "Plain", "--date", "2027-10-31", "--time", "03:30").stderr == ""


def test_a_typed_time_the_clocks_skip_is_refused_as_publish_at_refuses_it(cli, signed_up):
    refused = cli("calendar", "add", "Spring", "--date", "2027-03-28", "--time", "02:30", env=BERLIN)
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        "error: --date 2027-03-28 --time 02:30 does not exist in Europe/Berlin (the clocks jump forward"
        " that night); choose a time before or after the gap\n"
    )
    published = cli("publish", "no-such-post", "--at", "2027-03-28 02:30", env=BERLIN)
    assert published.stderr.split(" does not exist ")[1] == refused.stderr.split(" does not exist ")[1]
    assert cli("calendar", "list", "--format", "count").stdout.strip() == "0"
    entry = add(cli, "Night", "--date", "2027-03-27", "--time", "02:30").json()
    typed = cli("calendar", "move", entry["id"][:8], "--date", "2027-03-28", "--time", "02:15", env=BERLIN)
    assert typed.exit_code == 2 and "--date 2027-03-28 --time 02:15 does not exist" in typed.stderr
    also = cli("calendar", "move", entry["id"][:8], "--time", "02:45", env=BERLIN)  # its day is fine
    assert also.exit_code == 0, also.stderr
    # a time kept from before, onto the night it does not exist: placed as calendar programs do, noted
    kept = cli("calendar", "move", entry["id"][:8], "--date", "2027-03-28", env=BERLIN)
    assert kept.exit_code == 0 and "the entry is at 03:45 CEST" in kept.stderr, kept.stderr


def test_fold_note_is_only_for_a_time_passed_twice():
    assert times.fold_note(date(2027, 3, 28), time(2, 30), "Europe/Berlin") is None  # skipped, not twice
    assert times.fold_note(date(2027, 10, 31), time(3, 30), "Europe/Berlin") is None
    assert times.fold_note(date(2027, 10, 31), None, "Europe/Berlin") is None
    sydney = times.fold_note(date(2027, 4, 4), time(2, 30), "Australia/Sydney")
    assert sydney is not None and sydney.endswith("--date 2027-04-03 --time 16:30")  # a day earlier in UTC


def _grid_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1] in "┏┃┡│├└"]


def _widths(line: str) -> list[int]:
    return [len(cell) for cell in re.split(r"[┃│]", line)[1:-1]]


def _december(cli):
    for n in (1, 2, 3):
        add(cli, f"Newsletter Dec issue {n}", "--date", f"2026-12-0{n + 1}", "--time", "09:00", "--type", "newsletter")
    add(cli, "Launch post for the new terminal series", "--date", "2026-12-02", "--time", "10:00")


def test_the_piped_month_grid_has_equal_columns_and_splits_no_word(cli, signed_up):
    _december(cli)
    shown = cli("calendar", "month", "2026-12", env=PIPED)
    assert shown.exit_code == 0, shown.stderr
    lines = _grid_lines(shown.stdout)
    assert all(len(line) <= 80 for line in shown.stdout.splitlines())
    assert len({tuple(_widths(line)) for line in lines if line[0] in "┃│"}) == 1  # every row alike
    assert len(set(_widths(lines[1]))) == 1  # and the 7 columns equal
    words = {word for line in lines for cell in re.split(r"[┃│]", line) for word in cell.split()}
    assert "Newslette" not in words and "r" not in words  # cut with an ellipsis, not folded
    assert any(word.endswith("…") and "Newsletter".startswith(word[:-1]) for word in words)
    assert {"Launch", "post", "for"} <= words  # wrapped between words, cut to LABEL_LINES (the next test)


def test_a_grid_cuts_a_long_title_to_a_few_lines_and_rules_off_the_entries_of_a_day(cli, signed_up):
    """A long title took ~10 lines of an 8-cell column, with nothing between one entry and the next:
    each entry takes at most LABEL_LINES lines (the last ending in "…"), a dim rule between two."""
    from blogster_cli.cli.calendar_views import LABEL_LINES

    title = "A very long title for a launch post that goes on and on about the new terminal series"
    add(cli, title, "--date", "2026-12-02", "--time", "10:00")
    add(cli, "Second entry", "--date", "2026-12-02", "--time", "11:00")
    for view in (("month", "2026-12"), ("week", "2026-12-02")):
        shown = cli("calendar", *view, env=PIPED)
        assert shown.exit_code == 0, shown.stderr
        wednesday = [re.split(r"[┃│]", line)[3].strip() for line in _grid_lines(shown.stdout) if line[0] == "│"]
        wednesday = [cell for cell in wednesday if cell]
        start = next(i for i, cell in enumerate(wednesday) if cell.startswith("10:00"))
        rule = next(i for i, cell in enumerate(wednesday) if set(cell) == {"┈"})
        assert rule - start == LABEL_LINES == 4, wednesday
        assert wednesday[rule - 1].endswith("…"), wednesday
        assert wednesday[rule + 1 : rule + 4] == ["11:00", "Second", "entry"], wednesday
    assert title in cli("calendar", "week", "2026-12-02", "--json").stdout  # whole in --json


def test_the_piped_week_has_equal_columns_headers_on_one_line_and_no_row_of_day_numbers(cli, signed_up):
    _december(cli)
    shown = cli("calendar", "week", "2026-12-02", env=PIPED)
    assert shown.exit_code == 0, shown.stderr
    lines = _grid_lines(shown.stdout)
    assert all(len(line) <= 80 for line in shown.stdout.splitlines())
    headers = [line for line in lines if line.startswith("┃")]
    assert len(headers) == 1, headers  # one line of headers
    cells = [cell.strip() for cell in re.split(r"[┃│]", headers[0])[1:-1]]
    assert cells == ["Mon 30", "Tue 1", "Wed 2", "Thu 3", "Fri 4", "Sat 5", "Sun 6"]
    assert len(set(_widths(headers[0]))) == 1
    body = [line for line in lines if line.startswith("│")]
    first = [cell.strip() for cell in re.split(r"│", body[0])[1:-1]]
    assert first == ["", "", "09:00", "09:00", "09:00", "", ""]  # no row of bare day numbers under the headers
    wide = cli("calendar", "week", "2026-12-02", env={**PIPED, "COLUMNS": "120"}).stdout
    assert "┃ Mon 11-30 " in wide and "┃ Wed 12-02 " in wide and "│ Newsletter Dec │" in wide
