"""A local SMTP server (aiosmtpd) that asks for a login: it takes one password (changeable while it
runs, as a provider's account whose password was reset) and counts the sessions that tried to log in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.smtp_server import MailRecorder, free_port

USER = "letters"


@dataclass
class Logins:
    password: str
    sessions: list[tuple[str, int]] = field(default_factory=list)
    """The client address of each session that tried to log in (once, however many mechanisms it tried)."""
    refused: int = 0

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
        if session.peer not in self.sessions:
            self.sessions.append(session.peer)
        accepted = isinstance(auth_data, LoginPassword) and auth_data.password.decode() == self.password
        self.refused += not accepted
        return AuthResult(success=accepted, handled=False)  # aiosmtpd answers 235, or 535 5.7.8


@contextmanager
def smtp_with_login(password: str) -> Iterator[tuple[MailRecorder, Logins, str]]:
    """(recorder, logins, smtp://letters@127.0.0.1:port) for as long as the block runs: a wrong
    password is answered 535 (5.7.8 authentication credentials invalid)."""
    recorder, logins = MailRecorder(), Logins(password)
    port = free_port("127.0.0.1")
    controller = Controller(recorder, hostname="127.0.0.1", port=port, authenticator=logins, auth_require_tls=False)
    controller.start()
    try:
        yield recorder, logins, f"smtp://{USER}@127.0.0.1:{port}"
    finally:
        controller.stop()
