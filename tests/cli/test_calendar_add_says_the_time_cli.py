"""`calendar add --time 09:00` said "Planned cd683263 for 2026-12-08." with no time or zone: a typed
time is said with the zone it was read in (the timezone setting); an all-day entry, as before."""

from __future__ import annotations

from blogster_cli.id_prefixes import short


def test_add_says_the_time_and_zone_it_planned(cli, signed_up):
    timed = cli("calendar", "add", "Launch post", "--date", "2026-12-08", "--time", "09:00",
                env={"BLOGSTER_TIMEZONE": "Europe/Berlin"})  # fmt: skip
    assert timed.exit_code == 0, timed.stderr
    [entry] = cli("calendar", "list", "--json").json()
    assert timed.stderr == f"Planned {short(entry['id'])} for 2026-12-08 at 09:00 Europe/Berlin.\n"

    all_day = cli("calendar", "add", "Later", "--date", "2027-01-15")
    assert all_day.exit_code == 0, all_day.stderr
    assert all_day.stderr.startswith("Planned ") and all_day.stderr.endswith(" for 2027-01-15.\n")
