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
