"""`newsletter unsubscribe 'bad addr'` exited 3, "is not on your subscribers list", where text that is
no address is invalid input (exit 2), as subscriber import refuses it. A valid address not on the
list is still exit 3; either way nobody is unsubscribed."""

from __future__ import annotations

from tests.cli.conftest import error_message
from tests.cli.test_newsletter_cli import readers_csv


def test_text_that_is_no_address_is_invalid_input(cli, newsletter, tmp_path):
    assert cli("newsletter", "subscribers", "import", readers_csv(tmp_path, 2)).exit_code == 0
    assert error_message(cli("newsletter", "unsubscribe", "bad addr"), 2) == "'bad addr' is not an email address"
    mixed = cli("newsletter", "unsubscribe", "reader0@example.com", "bad addr", "nobody@example.com", "@x")
    assert error_message(mixed, 2) == "'bad addr', '@x' are not email addresses: nobody was unsubscribed"
    assert all(s["subscribed"] for s in cli("newsletter", "subscribers", "list", "--json").json())
    typo = cli("newsletter", "unsubscribe", "nobody@example.com")
    assert error_message(typo, 3).startswith("'nobody@example.com' is not on your subscribers list")


def test_long_or_many_names_are_shortened_in_the_error(cli, newsletter):
    """A 60 KB argument, or 3,000 of them, came back whole in one error line (red team 70)."""
    long = cli("newsletter", "unsubscribe", "x" * 60_000)
    assert error_message(long, 2) == f"'{'x' * 99}…' (60,000 characters) is not an email address"
    many = cli("newsletter", "unsubscribe", *[f"bad{n}" for n in range(3_000)])
    assert error_message(many, 2) == (
        "'bad0', 'bad1', 'bad2' and 2,997 more are not email addresses: nobody was unsubscribed"
    )
