"""What a process builds once and then reuses: a command's click tree (a command line resolves it
more than once) and the TLS trust for HTTP clients (loading the CAs costs milliseconds per client),
the latter once per SSL_CERT_FILE / SSL_CERT_DIR setting, so a private CA named later still counts."""

from __future__ import annotations

import ssl
import subprocess

import pytest

from blogster_cli.cli.app import app
from blogster_cli.services.http_deadline import DeadlineBackend, _trusted_context


def test_a_command_is_built_once_however_often_it_is_resolved():
    import typer.main
    from typer._click.core import Context

    group = typer.main.get_command(app)
    context = Context(group)
    first = group.get_command(context, "posts")
    assert first is not None and first is group.get_command(context, "posts")
    assert group.get_command(context, "blogs") is first  # its alias
    assert group.get_command(context, "auth") is not first  # another command, built on its own


def _private_ca(folder) -> str:
    key, cert = folder / "ca.key", folder / "ca.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=Blogster test CA"],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert)


def test_clients_share_one_trust_per_ca_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    backend = DeadlineBackend()
    first, second = backend.transport(), backend.transport()
    assert first._pool._ssl_context is second._pool._ssl_context

    monkeypatch.setenv("SSL_CERT_FILE", _private_ca(tmp_path))
    private = backend.transport()._pool._ssl_context
    assert private is not first._pool._ssl_context
    assert isinstance(private, ssl.SSLContext)
    assert [c["subject"] for c in private.get_ca_certs()] == [((("commonName", "Blogster test CA"),),)]
    assert _trusted_context.cache_info().currsize >= 2


@pytest.fixture(autouse=True)
def _fresh_trust():
    _trusted_context.cache_clear()
    yield
    _trusted_context.cache_clear()
