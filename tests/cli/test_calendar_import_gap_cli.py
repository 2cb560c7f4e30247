"""An imported event at a wall time the clocks skip (02:30 the night summer time starts) is placed
an hour later by the clock, as RFC 5545 and calendar programs place it, and said so in a note, as
README says; `calendar add --time` refuses that time (red team 60: import took it silently)."""

import pytest

GAP = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:gap\nDTSTART;TZID=Europe/Berlin:20270328T023000\nSUMMARY:gap\nEND:VEVENT\n"
PLAIN = "BEGIN:VEVENT\nUID:plain\nDTSTART;TZID=Europe/Berlin:20270329T023000\nSUMMARY:plain\nEND:VEVENT\n"


@pytest.mark.parametrize("json", [False, True])
def test_an_imported_time_the_clocks_skip_gets_a_note(cli, signed_up, tmp_path, json):
    ics = tmp_path / "plan.ics"
    ics.write_text(GAP + PLAIN + "END:VCALENDAR\n")
    env = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
    note = (
        "event 'gap': 2027-03-28 02:30 does not exist in Europe/Berlin (the clocks jump forward that night):"
        " the entry is at 03:30 CEST, as calendar programs place it"
    )
    imported = cli("calendar", "import", "--ics", str(ics), *(["--json"] if json else []), env=env)
    assert imported.exit_code == 0, imported.stderr
    if json:
        assert imported.json()["notes"] == [note]
    else:
        assert imported.stderr.splitlines()[1:] == [f"note: {note}"]
    (entry,) = [e for e in cli("calendar", "list", "--json", env=env).json() if e["uid"] == "gap"]
    assert entry["starts_at"] == "2027-03-28T01:30:00Z"  # 03:30 CEST
    refused = cli("calendar", "add", "gap", "--date", "2027-03-28", "--time", "02:30", env=env)
    assert refused.exit_code == 2 and "does not exist in Europe/Berlin" in refused.stderr
