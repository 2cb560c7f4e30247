"""HTTP requests with an overall deadline (cross-posting's platform APIs, domain checks' DNS).

httpx's timeouts are per step: a server sending a byte every few seconds never trips a read
timeout, and would hold a command (and any row lock it holds) for ever. `DeadlineBackend` is
httpcore2's socket backend with a deadline set per request: each socket wait is cut to what is
left, and one past it times out. httpx2 takes no network backend, so `transport()` swaps its
connection pool's (a private attribute; tests/cli/test_crosspost_limits_cli.py and
tests/integration/test_site_verify_domain.py fail if an upgrade breaks it). A proxy from the
environment has a pool of its own: there only the caller's checks between chunks apply.
"""

from __future__ import annotations

import functools
import os
import ssl
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx2


class DeadlineStream:
    """A connection whose every wait ends by its backend's deadline (see `DeadlineBackend`)."""

    def __init__(self, stream: Any, backend: DeadlineBackend) -> None:
        self._stream = stream
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        import httpcore2

        data: bytes = self._stream.read(max_bytes, self._backend.left(timeout, httpcore2.ReadTimeout))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        import httpcore2

        self._stream.write(buffer, self._backend.left(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> DeadlineStream:
        import httpcore2

        left = self._backend.left(timeout, httpcore2.ConnectTimeout)
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, left), self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend:
    """httpcore2's socket backend with an overall deadline: httpx's timeouts are per step (a
    server sending a byte every few seconds never trips a read timeout), so each socket wait is
    cut to what is left before `deadline` (set per request), and one past it times out."""

    def __init__(self) -> None:
        import httpcore2

        self._inner = httpcore2.SyncBackend()
        self.deadline: float | None = None

    def left(self, timeout: float | None, error: type[Exception]) -> float | None:
        if self.deadline is None:
            return timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error("the request's deadline has passed")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> DeadlineStream:  # fmt: skip
        import httpcore2

        left = self.left(timeout, httpcore2.ConnectTimeout)
        return DeadlineStream(self._inner.connect_tcp(host, port, left, local_address, socket_options), self)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> DeadlineStream:
        import httpcore2

        left = self.left(timeout, httpcore2.ConnectTimeout)
        return DeadlineStream(self._inner.connect_unix_socket(path, left, socket_options), self)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)

    def transport(self) -> httpx2.HTTPTransport:
        """An httpx2 transport whose connections use this backend."""
        import httpx2

        trust = _trusted_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
        transport = httpx2.HTTPTransport(verify=trust)
        transport._pool._network_backend = self  # type: ignore[assignment]
        return transport


@functools.cache
def _trusted_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """httpx2's default trust (the system's CAs, or the CA that SSL_CERT_FILE / SSL_CERT_DIR name,
    the arguments: one context per setting) made once per process: loading the CAs takes some 10 ms
    of CPU, and a command may make a client per platform or per request."""
    import httpx2

    return httpx2.create_ssl_context()
