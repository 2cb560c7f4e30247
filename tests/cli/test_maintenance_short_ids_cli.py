"""`admin maintenance update|cancel` take a window's id by its first characters, and `admin
maintenance list` shows the 8 of them on a terminal, as every other list and command (h293 M8:
`cancel c90d6ac6` said "not a maintenance window id", and the whole UUIDs cost the times)."""

import re
import sys


def schedule(cli, title: str, start: str, end: str) -> str:
    result = cli("admin", "maintenance", "schedule", "--title", title, "--start", start, "--end", end, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()["id"]


def test_update_and_cancel_take_the_first_characters_and_the_list_shows_them(cli, signed_up, monkeypatch):
    window = schedule(cli, "DB upgrade", "2099-01-05 02:00", "2099-01-05 03:00")
    updated = cli("admin", "maintenance", "update", window[:8], "--end", "2099-01-05 04:00", "--json")
    assert updated.exit_code == 0, updated.stderr
    assert (updated.json()["id"], updated.json()["end_time"][:16]) == (window, "2099-01-05T04:00")
    cancelled = cli("admin", "maintenance", "cancel", window[:8].upper(), "--json")
    assert cancelled.exit_code == 0, cancelled.stderr
    assert cancelled.json()["status"] == "cancelled"

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "100")
    table = re.sub(r"\x1b\[[0-9;]*m", "", cli("admin", "maintenance", "list").stdout)
    assert window[:8] in table and window[:9] not in table, table
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert cli("admin", "maintenance", "list", "--format", "ids").stdout.split() == [window]  # whole elsewhere


def test_a_prefix_is_checked_as_everywhere(cli, signed_up):
    schedule(cli, "One", "2099-01-05 02:00", "2099-01-05 03:00")
    for ref, code, said in (
        ("abc", 2, "'abc' is too short: give at least the first 4 characters of the maintenance window's id"),
        ("zzzzzzzz", 2, "'zzzzzzzz' is not a maintenance window id or the start of one"),
        ("00000000", 3, "no maintenance window with id starting '00000000' (see `blogster admin maintenance list`)"),
    ):
        result = cli("admin", "maintenance", "cancel", ref)
        assert result.exit_code == code and said in result.stderr, (ref, result.stderr)
        assert result.stderr.count("\n") == 1
