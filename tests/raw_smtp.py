"""A raw SMTP server on this machine for the replies aiosmtpd never sends (endless, trickled,
echoing the login): one thread per connection, answering each command with the lines a test's
function yields, streamed, so a test can count what went out before the client hung up."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

Answer = Callable[["RawSmtp", str], Iterable[bytes]]
"""(server, the command's line) -> the reply's lines, each with its CRLF, sent one by one."""


@dataclass
class RawSmtp:
    answers: dict[str, Answer] = field(default_factory=dict)
    """By command verb (EHLO, MAIL, RCPT, DATA for the reply after the message, ...); the rest
    answer as a willing server that offers AUTH PLAIN and LOGIN."""
    auth: list[str] = field(default_factory=list)
    """What the client sent to log in: the AUTH lines and AUTH LOGIN's password line."""
    tls: ssl.SSLContext | None = None
    """Offer STARTTLS with this context (`implicit_tls`: TLS from the start, as smtps://)."""
    implicit_tls: bool = False
    tls_started: bool = False
    """Whether a client upgraded with STARTTLS."""
    verbs: list[str] = field(default_factory=list)
    """Each command's verb as the client sent it (after TLS too): what a session got as far as."""
    lines_sent: int = 0
    hung_up: threading.Event = field(default_factory=threading.Event)
    """Set once a send failed: the client closed the connection."""

    def ehlo(self, in_tls: bool) -> list[bytes]:
        offers = ["raw", "AUTH PLAIN LOGIN", "SMTPUTF8"] + (["STARTTLS"] if self.tls and not in_tls else [])
        return [f"250{'-' if n < len(offers) - 1 else ' '}{offer}\r\n".encode() for n, offer in enumerate(offers)]

    def serve(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)  # what goes out before a hang-up shows
        in_tls = False
        try:
            if self.implicit_tls:  # a client refusing the certificate ends the handshake: OSError
                assert self.tls is not None
                conn, in_tls = self.tls.wrap_socket(conn, server_side=True), True
            reader = conn.makefile("rb")
            self._send(conn, [b"220 raw ESMTP\r\n"])
            while line := reader.readline():
                command = line.decode(errors="replace").rstrip("\r\n")
                verb = command.split(" ", 1)[0].upper()
                self.verbs.append(verb)
                if verb == "DATA":
                    self._send(conn, [b"354 go on\r\n"])
                    while (body := reader.readline()) and body not in (b".\r\n", b".\n"):
                        pass
                if verb in self.answers:
                    self._send(conn, self.answers[verb](self, command))
                elif verb in ("EHLO", "HELO"):
                    self._send(conn, self.ehlo(in_tls))
                elif verb == "STARTTLS" and self.tls is not None and not in_tls:
                    self._send(conn, [b"220 go ahead\r\n"])
                    conn, in_tls = self.tls.wrap_socket(conn, server_side=True), True
                    reader, self.tls_started = conn.makefile("rb"), True
                elif verb == "AUTH":
                    self.auth.append(command)
                    if command.upper().startswith("AUTH LOGIN"):
                        self._send(conn, [b"334 UGFzc3dvcmQ6\r\n"])
                        self.auth.append(reader.readline().decode().rstrip("\r\n"))
                    self._send(conn, [b"235 2.7.0 welcome\r\n"])
                elif verb == "QUIT":
                    self._send(conn, [b"221 bye\r\n"])
                    return
                else:
                    self._send(conn, [b"250 ok\r\n"])
        except OSError:
            self.hung_up.set()
        finally:
            conn.close()

    def _send(self, conn: socket.socket, lines: Iterable[bytes]) -> None:
        for line in lines:
            conn.sendall(line)
            self.lines_sent += 1


@contextmanager
def raw_smtp(server: RawSmtp, *, login: str = "") -> Iterator[str]:
    """smtp://[login@]127.0.0.1:port (smtps:// for `implicit_tls`) while the block runs."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # closed: the block ended
                return
            threading.Thread(target=server.serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"{'smtps' if server.implicit_tls else 'smtp'}://{login + '@' if login else ''}127.0.0.1:{port}"
    finally:
        listener.close()


@dataclass(frozen=True)
class Certificate:
    """A throwaway self-signed server certificate: `context` for RawSmtp.tls, `pem` for a client to trust."""

    context: ssl.SSLContext
    pem: bytes

    def trust(self, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        """Makes the client trust it as a user trusts a private CA: SSL_CERT_FILE names it."""
        path = folder / "smtp-ca.pem"
        path.write_bytes(self.pem)
        monkeypatch.setenv("SSL_CERT_FILE", str(path))


def self_signed(host: str = "127.0.0.1") -> Certificate:
    """A server certificate for `host` (an IP address or a DNS name) that signs itself."""
    import datetime as dt
    import ipaddress
    import tempfile

    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    try:
        alt_name: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt_name = x509.DNSName(host)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([alt_name]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as folder:
        cert_path, key_path = f"{folder}/cert.pem", f"{folder}/key.pem"
        with open(cert_path, "wb") as cert_file:
            cert_file.write(pem)
        with open(key_path, "wb") as key_file:
            key_file.write(
                key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
        context.load_cert_chain(cert_path, key_path)
    return Certificate(context, pem)
