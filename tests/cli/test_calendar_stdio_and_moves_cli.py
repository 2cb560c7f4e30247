"""`calendar export|import --ics -` and `rm --imported -` use standard output and input (h228 L1:
export wrote a file named `-`, import said it did not exist); `calendar move` of an entry for a
scheduled post says the post keeps its time and how to move it (h228 L5: it said nothing)."""

from __future__ import annotations

from pathlib import Path

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:piped-1@example.com\r\nDTSTAMP:20261201T000000Z\r\n"
    "DTSTART;VALUE=DATE:20261214\r\nSUMMARY:Piped in\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_export_to_standard_output_and_import_from_standard_input(cli, signed_up, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("calendar", "add", "Launch post", "--date", "2026-12-07", "--time", "09:00").exit_code == 0
    exported = cli("calendar", "export", "--ics", "-")
    assert exported.exit_code == 0, exported.stderr
    assert exported.stdout.startswith("BEGIN:VCALENDAR\r\n") and "SUMMARY:Launch post\r\n" in exported.stdout
    assert exported.stderr == "Wrote 1 event to standard output.\n"
    assert not (tmp_path / "-").exists()
    both = cli("calendar", "export", "--ics", "-", "--json")
    assert both.exit_code == 2 and both.stdout == "" and "--json and --ics -" in both.stderr
    assert not (tmp_path / "-").exists()

    imported = cli("calendar", "import", "--ics", "-", input=ICS)
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr == "Imported standard input: 1 new, 0 updated, 0 unchanged.\n"
    again = cli("calendar", "import", "--ics", "-", "--json", input=ICS)
    assert again.json()["unchanged"] == 1
    assert sorted(e["title"] for e in cli("calendar", "list", "--json").json()) == ["Launch post", "Piped in"]
    refused = cli("calendar", "import", "--ics", "-", input="not a calendar\n")
    assert refused.exit_code == 2 and refused.stderr.startswith("error: standard input: "), refused.stderr

    asks = cli("calendar", "rm", "--imported", "-", input=ICS)  # off a terminal: --yes, as for a file
    assert asks.exit_code == 2 and "--yes" in asks.stderr, asks.stderr
    removed = cli("calendar", "rm", "--imported", "-", "--yes", input=ICS)
    assert removed.exit_code == 0 and removed.stderr == "Removed 1 calendar entry imported from standard input.\n"
    assert [e["title"] for e in cli("calendar", "list", "--json").json()] == ["Launch post"]


def test_moving_an_entry_says_its_scheduled_post_stays_and_how_to_move_it(cli, signed_up, tmp_path: Path):
    body = tmp_path / "launch.md"
    body.write_text("---\ntitle: Launch\nslug: launch\ndraft: true\n---\nSome words.\n")
    assert cli("import", str(body)).exit_code == 0
    assert cli("config", "set", "timezone", "Europe/Berlin").exit_code == 0
    assert cli("publish", "launch", "--at", "2026-12-20 09:00").exit_code == 0
    added = cli("calendar", "add", "Launch", "--date", "2026-12-20", "--time", "09:00", "--blog", "launch", "--json")
    entry = added.json()["id"]

    moved = cli("calendar", "move", entry[:8], "--date", "2026-12-22")
    assert moved.exit_code == 0, moved.stderr
    assert "note: the post 'launch' still goes live at 2026-12-20 09:00 CET" in moved.stderr, moved.stderr
    assert 'to move it too: blogster publish launch --at "2026-12-22 09:00"' in moved.stderr
    assert cli("publish", "launch", "--at", "2026-12-22 09:00").exit_code == 0  # the command given works
    back = cli("calendar", "move", entry[:8], "--time", "09:00", "--json")  # where the post is now: nothing said
    assert back.exit_code == 0 and "note:" not in back.stderr, back.stderr

    all_day = cli("calendar", "move", entry[:8], "--all-day")  # the same day: nothing said
    assert all_day.exit_code == 0 and "note:" not in all_day.stderr, all_day.stderr
    later = cli("calendar", "move", entry[:8], "--date", "2026-12-23")
    assert 'blogster publish launch --at "2026-12-23 09:00"' in later.stderr, later.stderr

    assert cli("unpublish", "launch").exit_code == 0  # a draft has no time to keep: nothing said
    draft = cli("calendar", "move", entry[:8], "--date", "2026-12-24")
    assert draft.exit_code == 0 and "note:" not in draft.stderr, draft.stderr
