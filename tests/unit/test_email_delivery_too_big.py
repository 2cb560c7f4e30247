"""Red team 32 F2: a message refused for its size is the message's failure (MessageTooBig), the same
at MAIL FROM (the SIZE extension) and after DATA (a server that announces no SIZE), on both paths:
not a refused sender (SenderNotAccepted held every newsletter of the account), not a reader's
refusal (each reader recorded refused), not an outage (a maintenance email retried five times)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from blogster_cli.services.email_delivery import MessageTooBig, RecipientRefused, SenderNotAccepted
from tests.raw_smtp import RawSmtp, raw_smtp
from tests.unit.test_email_delivery_tls import PATHS, _newsletter

ADVICE = "; make the mail smaller (fewer or shorter posts), or raise the server's message size limit"


def _reply(line: str) -> Callable[[RawSmtp, str], Iterable[bytes]]:
    return lambda server, command: [f"{line}\r\n".encode()]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("verb", ["MAIL", "DATA"])
@pytest.mark.parametrize(
    "reply",
    [
        "552 5.3.4 Message size exceeds fixed limit",  # Postfix
        "552 Message size exceeds maximum permitted",  # Exim: no enhanced status
        "552 Error: Too much mail data",  # aiosmtpd
        "554 5.3.4 message too big",
        "552 5.2.3 Message exceeds maximum fixed size",  # sendmail
    ],
)
def test_a_size_refusal_is_the_messages_at_mail_from_and_after_data(path, verb, reply):
    server = RawSmtp(answers={verb: _reply(reply)})
    with raw_smtp(server, login="mailer") as url:
        with pytest.raises(MessageTooBig) as refused:
            PATHS[path](url)
    assert not isinstance(refused.value, SenderNotAccepted)  # a SenderNotAccepted held the account's newsletters
    assert str(refused.value) == f"the SMTP server refuses a message this big: {reply}{ADVICE}"


@pytest.mark.parametrize(
    "reply",
    [
        "552 5.2.2 Mailbox full",  # the reader's: RFC 3463 X.2.2
        "552 5.7.0 message blocked by policy",
        "554 5.6.0 message content refused",
    ],
)
def test_a_552_naming_another_status_after_data_stays_the_readers_refusal(reply):
    server = RawSmtp(answers={"DATA": _reply(reply)})
    with raw_smtp(server, login="mailer") as url:
        with pytest.raises(RecipientRefused, match=f"^message refused: {reply}$"):
            _newsletter(url)


@pytest.mark.parametrize("path", PATHS)
def test_a_552_naming_a_sender_status_at_mail_from_is_a_refused_sender(path):
    """A 552 counted as a size refusal whatever it said: "552 5.7.1 sender not allowed" read as "too big"."""
    server = RawSmtp(answers={"MAIL": _reply("552 5.7.1 sender not allowed")})
    with raw_smtp(server, login="mailer") as url:
        with pytest.raises(SenderNotAccepted) as refused:
            PATHS[path](url)
    assert not isinstance(refused.value, MessageTooBig)
    assert "refuses the sender" in str(refused.value) and "5.7.1 sender not allowed" in str(refused.value)
