"""Red team 33: a newsletter's copies differ in size by the reader's name, address and unsubscribe
link, so one at the server's size limit failed partway. A send now knows every copy's size before
the first goes (newsletters._copy_sizes): one copy built per kind, each reader's To line counted
alone (distribution/newsletter.to_header_size). These sizes must be exact: the very bytes smtplib
declares (SIZE) and sends, for every kind of name and address."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from blogster_cli.distribution import newsletter as letters
from blogster_cli.mail_headers import mailbox
from blogster_cli.services import newsletters
from blogster_cli.services.email_delivery import SmtpConnection
from tests.raw_smtp import RawSmtp, raw_smtp
from tests.smtp_server import MailRecorder, free_port

SENDER = mailbox("Ada", "ada@example.com")
TOKEN = "ab" * 32  # the database's default: 64 hex digits
READERS = [
    ("al@example.com", "Al"),
    ("al@example.com", None),
    ("o.brien+news@mail.example.co.uk", "Seán O'Brien"),  # RFC 2047
    ("jean-luc@example.com", "Jean-Luc Picard"),
    ("dr@example.com", "Dr. Ada Lovelace"),  # a period: quoted
    ("q@example.com", 'Ada "the Countess" Lovelace'),  # quotes in a quoted name
    ("c@example.com", "Lovelace, Ada"),
    ("enc@example.com", "=?utf-8?q?Hi?= there"),  # an encoded word: decoded by header_text
    ("spaces@example.com", "  Ada    Lovelace  "),
    ("li@example.com", "李小龙"),
    ("long@example.com", "Bartholomew " * 16),  # folded over lines
    ("long-utf8@example.com", "Zoë Ünïcode-Øresund " * 10),  # many encoded words, folded
    ("a" * 64 + "@" + "very-long-domain-" * 10 + "example.com", "Al"),
    ("a..b@example.com", "Dots"),  # not a dot-atom: not the plain way
    ("ü@exämple.com", "Zoë"),  # SMTPUTF8 only
    ("plain@exämple.com", None),
]


def plan(readers: Iterable[tuple[str, str | None]], *, tokens: Callable[[int], str] = lambda n: TOKEN,
         secret: str | None = "00" * 32) -> newsletters._Plan:  # fmt: skip
    post = letters.PostSection("Ten habits", "https://ada.example/ten/", "<p>Use <b>tmux</b>.</p>", "Use **tmux**.")
    bodies = letters.render(subject="This week", site_title="Ada", site_url="https://ada.example/", posts=[post])
    targets = [newsletters._Target(email, name, tokens(n)) for n, (email, name) in enumerate(readers)]
    return newsletters._Plan(
        newsletter_id=uuid.uuid4(), subject="Zoë's week: ten habits", bodies=bodies, site_url="https://ada.example/",
        targets=targets, already_done=0, refused_before=0, unsubscribed=0, post_urls=[post.url], secret=secret,
    )  # fmt: skip


def built_size(the_plan: newsletters._Plan, target: newsletters._Target) -> int:
    international = not f"{SENDER.addr_spec}{target.mailbox}".isascii()  # where it goes
    return letters.wire_size(newsletters._message(the_plan, SENDER, target), utf8=international)


def plain_readers(count: int) -> list[tuple[str, str | None]]:
    """Random names and addresses the plain way counts (letters, digits, spaces, ' and -)."""
    draw = random.Random(33)
    letters_ = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    readers: list[tuple[str, str | None]] = []
    for n in range(count):
        name = "".join(draw.choice(letters_ + "  '-") for _ in range(draw.randrange(0, 120)))
        local = ".".join("".join(draw.choice(letters_ + "_+-") for _ in range(draw.randrange(1, 12))) for _ in range(2))
        readers.append((f"{local}{n}@{draw.choice(['example.com', 'mail.example.co.uk'])}", name or None))
    return readers


@pytest.mark.parametrize("secret", ["00" * 32, None])
def test_each_copys_size_is_the_size_of_the_copy_built(secret):
    readers = READERS + plain_readers(300)
    the_plan = plan(readers, tokens=lambda n: "cd" * (16 + n % 17), secret=secret)  # 32 to 64 hex digits
    sizes = newsletters._copy_sizes(the_plan, SENDER, smtputf8=True)
    assert sizes == [built_size(the_plan, target) for target in the_plan.targets]
    assert len(set(sizes)) > 100  # they do differ reader by reader


def test_a_copy_that_cannot_go_has_no_size():
    the_plan = plan([("al@example.com", "Al"), ("ü@exämple.com", "Zoë"), ("nobody", None)])
    assert newsletters._copy_sizes(the_plan, SENDER, smtputf8=False) == [
        built_size(the_plan, the_plan.targets[0]), None, None  # not ASCII on a server without SMTPUTF8; no address
    ]  # fmt: skip


@dataclass
class Declared(MailRecorder):
    """Keeps the size each copy declared at MAIL FROM (SIZE=) and the bytes that came after DATA."""

    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        [declared] = [int(option[5:]) for option in envelope.mail_options if option.startswith("SIZE=")]
        self.sizes[envelope.rcpt_tos[0]] = (declared, len(envelope.original_content))
        return await super().handle_DATA(server, session, envelope)


def test_the_sizes_are_what_smtplib_declares_and_sends():
    readers = [reader for reader in READERS if reader[0] != "a..b@example.com"]  # aiosmtpd refuses it at RCPT
    the_plan = plan(dict(readers).items())  # one copy per address
    server = Declared()
    port = free_port("127.0.0.1")
    controller = Controller(server, hostname="127.0.0.1", port=port, data_size_limit=10_000_000)
    controller.start()
    connection = SmtpConnection(f"smtp://127.0.0.1:{port}")
    try:
        assert connection.size_limit() == 10_000_000 and connection.takes_smtputf8()
        sizes = newsletters._copy_sizes(the_plan, SENDER, smtputf8=True)
        for target in the_plan.targets:
            connection.send(newsletters._message(the_plan, SENDER, target), to=target.mailbox)
    finally:
        connection.close()
        controller.stop()
    assert [server.sizes[target.mailbox] for target in the_plan.targets] == [(size, size) for size in sizes]


def _ehlo(*offers: str) -> Callable[[RawSmtp, str], Iterable[bytes]]:
    lines = ["raw", *offers]
    return lambda server, command: [
        f"250{'-' if n < len(lines) - 1 else ' '}{line}\r\n".encode() for n, line in enumerate(lines)
    ]


@pytest.mark.parametrize(
    ("offer", "limit"),
    [
        ("SIZE 20000", 20_000),
        ("SIZE", None),  # announced without a number: no fixed limit (RFC 1870)
        ("SIZE 0", None),
        ("SIZE ²", None),  # a digit to str.isdigit, not to int()
        ("SIZE 20000abc", None),
        ("SIZE 99999999999999999999999", None),
        (None, None),
    ],
)
def test_the_size_limit_is_what_the_server_announces(offer, limit):
    server = RawSmtp(answers={"EHLO": _ehlo(*([offer] if offer else []))})
    with raw_smtp(server) as url:
        connection = SmtpConnection(url)
        try:
            assert connection.size_limit() == limit
        finally:
            connection.close()


def test_the_largest_copy_goes_first_and_copies_as_big_keep_their_order():
    readers = [("b@example.com", "Bo"), ("a@example.com", "Al"), ("z@example.com", "Zacharias"), ("no", None)]
    the_plan = plan(readers)
    server = RawSmtp()
    with raw_smtp(server) as url:
        connection = SmtpConnection(url)
        try:
            outbox = newsletters._Outbox(SENDER, connection, None)
            order = [target.email for target in newsletters._largest_first(the_plan, outbox)]
        finally:
            connection.close()
    assert order == ["z@example.com", "b@example.com", "a@example.com", "no"]


def hostile_names(count: int) -> list[str]:
    """Random names of any characters a name may bring: astral ones, quotes, backslashes, `=?`."""
    draw = random.Random(34)
    pieces = ["=?", "?=", "=?utf-8?q?", "=?utf-8?b?", '"', "\\", "😀", "𝔸", "ü", "李", " ", ".", ",", "<", "a", "Z"]
    return ["".join(draw.choice(pieces) for _ in range(draw.randrange(1, 80))) for _ in range(count)]


def test_the_upper_bound_of_a_to_line_is_never_below_it():
    readers = [*READERS, *((f"r{n}@example.com", name) for n, name in enumerate(hostile_names(400)))]
    for email, name in readers:
        recipient = letters.Recipient(email, name)
        for utf8 in (False, True):
            try:
                exact = letters.to_header_size(recipient, utf8=utf8)
            except (ValueError, UnicodeEncodeError):  # no such header; not ASCII, so only the UTF-8 way
                continue
            assert letters.to_header_size_at_most(recipient) >= exact, (email, name, utf8)


def test_copies_far_under_the_announced_size_keep_the_lists_order():
    """The usual case counts nothing more than upper bounds: no name's exact fold, no reordering."""
    readers = [("b@example.com", "Bo"), ("a@example.com", "Al"), ("z@example.com", "Zoë Ünïcode " * 10)]
    the_plan = plan(readers)
    server = RawSmtp(answers={"EHLO": _ehlo("SIZE 10000000", "SMTPUTF8")})
    with raw_smtp(server) as url:
        connection = SmtpConnection(url)
        try:
            outbox = newsletters._Outbox(SENDER, connection, None)
            order = [target.email for target in newsletters._largest_first(the_plan, outbox)]
        finally:
            connection.close()
    assert order == ["b@example.com", "a@example.com", "z@example.com"]
