"""Red team 132: big lists go in whole. Subscriber lists, --to lists and ICS files of 70,000 rows
exited 7 ("number of parameters must be between 0 and 65535": one bound parameter per value),
and a CSV cell over the csv module's limit or holding a NUL exited 1 (unexpected failure)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import make_newsletter
from tests.smtp_server import smtp_server

# Python-bound (reading 70,000 rows): the statements are the ones small lists run on every server,
# and the 65,535 bound parameters are the protocol's limit on any. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

BIG = 70_000


def readers_csv(tmp_path, count: int, *, extra: str = "") -> str:
    path = tmp_path / "readers.csv"
    path.write_text("email,name\n" + "".join(f"reader{n}@example.com,Reader {n}\n" for n in range(count)) + extra)
    return str(path)


def test_seventy_thousand_subscribers_import_in_one_go(cli, signed_up, tmp_path):
    path = readers_csv(tmp_path, BIG)
    result = cli("newsletter", "subscribers", "import", path, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["added"] == BIG
    again = cli("newsletter", "subscribers", "import", path, "--json")
    assert (again.json()["added"], again.json()["already_listed"]) == (0, BIG)


def test_a_send_to_seventy_thousand_addresses_fixes_its_audience_and_resumes(cli, signed_up, superuser, tmp_path):
    """The send failed before mailing anyone (storing the audience), and again on every re-run.

    What it stored is counted in SQL: `subscribers list` of 70,000 (one statement, no parameter per
    row, which no limit here concerns) spent half the test's CPU building and printing their rows."""
    newsletter = make_newsletter(cli, tmp_path)
    with smtp_server() as (_, gone_url):
        pass  # no mail server there: the send stops at the first message, after fixing its audience
    result = cli(
        "newsletter", "send", newsletter, "--to", readers_csv(tmp_path, BIG), env={"BLOGSTER_SMTP_URL": gone_url}
    )
    assert result.exit_code == 1 and "run the same send again" in result.stderr, result.stderr
    stored = superuser.execute(
        "select (select count(*) from public.newsletter_subscribers where email like 'reader%%@example.com'),"
        " (select jsonb_array_length(content -> 'audience') from public.email_newsletters where id = %s)",
        (newsletter,),
    ).fetchone()
    assert stored == (BIG, BIG)


def test_seventy_thousand_ics_events_import_in_one_go(cli, signed_up, tmp_path):
    # Only what the import reads of an event (a UID and a start; untitled reads "(untitled)"): icalendar
    # parsing 70,000 events took most of the test's CPU, and DTSTAMP and SUMMARY lines 40% of that.
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:e{n}@x\r\nDTSTART:2026{1 + n % 12:02d}{1 + n % 28:02d}T090000Z\r\nEND:VEVENT\r\n"
        for n in range(BIG)
    )
    path = tmp_path / "big.ics"
    path.write_bytes(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n{events}END:VCALENDAR\r\n".encode())
    result = cli("calendar", "import", "--ics", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["created"] == BIG


def test_a_cell_over_the_csv_limit_is_invalid_input_naming_its_line(cli, signed_up, tmp_path):
    path = readers_csv(tmp_path, 3, extra="big@example.com," + "x" * 140_000 + "\n")
    for command in (["newsletter", "subscribers", "import", path], ["newsletter", "send", "anything", "--to", path]):
        result = cli(*command, env={"BLOGSTER_SMTP_URL": "smtp://localhost:1"})
        assert result.exit_code == 2, (command, result.stderr)
        assert result.stderr.count("\n") == 1 and "line 5 of the CSV: a cell is longer than" in result.stderr


def test_a_line_with_a_nul_is_left_out_like_other_bad_lines(cli, signed_up, tmp_path):
    path = readers_csv(tmp_path, 3, extra="nul@example.com,Nu\x00l\nlast@example.com,Last\n")
    result = cli("newsletter", "subscribers", "import", path, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["added"] == 4 and result.json()["problems"] == ["line 5: contains a NUL (0x00) character"]
