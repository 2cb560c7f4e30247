"""Red team 26 (Low): a newsletter_from that mail programs read otherwise than it was typed went
out from its address with the name dropped; a send refused for its From (exit 6) had already put
its --to list on the subscribers list."""

from __future__ import annotations

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import ConfigError
from blogster_cli.services import newsletters
from tests.cli.conftest import PASSWORD, make_newsletter
from tests.smtp_server import ehlo_without_smtputf8

READ_ANOTHER_WAY = ["Bcc:Bcc:; <ops@example.com>", "ops@example.com (Ada)", "=?utf-8?q?N=0D=0AX?= <ops@example.com>"]


@pytest.mark.parametrize("sender", READ_ANOTHER_WAY)
def test_config_set_refuses_a_from_read_another_way(cli, sender):
    refused = cli("config", "set", "newsletter_from", sender)
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "newsletter_from must be one address" in refused.stderr
    assert cli("config", "get", "newsletter_from").stdout.strip() == ""


@pytest.mark.parametrize(
    "sender",
    ["Ada <ada@example.com>", '"Ada, Lovelace" <ada@example.com>', "ada@example.com", "Zoë Ö <z@example.com>",
     "üli@exämple.com"],
)  # fmt: skip
def test_config_set_keeps_a_from_as_typed(cli, sender):
    assert cli("config", "set", "newsletter_from", sender).exit_code == 0
    assert cli("config", "get", "newsletter_from").stdout.strip() == sender


def test_a_from_in_the_environment_read_another_way_refuses_the_send(cli, newsletter, smtp, tmp_path):
    recorder, url = smtp
    readers = tmp_path / "readers.csv"
    readers.write_text("email\nr1@example.com\n")
    env = {"BLOGSTER_SMTP_URL": url, "BLOGSTER_NEWSLETTER_FROM": "Bcc:Bcc:; <ops@example.com>"}
    refused = cli("newsletter", "send", newsletter, "--to", str(readers), env=env)
    assert refused.exit_code == 6 and refused.stderr.count("\n") == 1, refused.stderr
    assert "BLOGSTER_NEWSLETTER_FROM" in refused.stderr and "must be one address" in refused.stderr
    assert recorder.messages == []


def test_a_send_refuses_a_from_read_another_way_however_it_was_given(db, make_user):
    """The send's own check, for SmtpSettings the settings did not make (they refuse such a value
    as they load): before anything else, even finding the newsletter."""
    actor = make_user()
    smtp = newsletters.SmtpSettings(
        url="smtp://127.0.0.1:9", password=None, sender=READ_ANOTHER_WAY[0], sender_owner=actor.user_id
    )
    with pytest.raises(ConfigError, match="newsletter_from must be one address.*nothing was sent"):
        newsletters.send(ActingUser(db, actor), ref="00000000", smtp=smtp)


def test_a_send_refused_for_its_from_stores_nothing(cli, smtp, tmp_path, superuser):
    """Refused with exit 6 (a From outside ASCII, a server without SMTPUTF8), the send had already
    put its --to list on the subscribers list (and fixed its audience and secret): now the
    database is as it was, and the list is not joined until a send can go."""
    recorder, url = smtp
    recorder.handle_EHLO = ehlo_without_smtputf8  # type: ignore[attr-defined]
    signup = cli("auth", "signup", "--email", "ωμέγα@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert signup.exit_code == 0, signup.stderr
    newsletter_id = make_newsletter(cli, tmp_path)
    readers = tmp_path / "readers.csv"
    readers.write_text("email,name\nr1@example.com,Reader One\nr2@example.com,\n")

    def stored() -> tuple[object, ...]:
        return (
            superuser.execute(
                "select email, name, unsubscribe_token from newsletter_subscribers order by email"
            ).fetchall(),
            superuser.execute("select content, status, recipient_count from email_newsletters").fetchall(),
            superuser.execute("select count(*) from newsletter_deliveries").fetchone(),
        )

    before = stored()
    refused = cli("newsletter", "send", newsletter_id, "--to", str(readers), env={"BLOGSTER_SMTP_URL": url})
    assert refused.exit_code == 6 and refused.stderr.count("\n") == 1, refused.stderr
    assert "cannot send from 'ωμέγα@example.com'" in refused.stderr
    assert stored() == before and before[0] == []
    assert cli("newsletter", "subscribers", "list", "--json").json() == []

    env = {"BLOGSTER_SMTP_URL": url, "BLOGSTER_NEWSLETTER_FROM": "Letters <letters@example.com>"}
    sent = cli("newsletter", "send", newsletter_id, "--to", str(readers), "--json", env=env)
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 2, (sent.stdout, sent.stderr)
    assert sorted(rcpt for rcpt, _ in recorder.messages) == ["r1@example.com", "r2@example.com"]
