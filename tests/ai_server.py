"""A small OpenAI-compatible HTTP server for the tests: the real client talks to it over HTTP.

It speaks /v1/models, /v1/chat/completions (streamed as server-sent events, with a
usage chunk when stream_options.include_usage is set, and not streamed; structured
output when response_format is given), /v1/images/generations and
/v1/audio/transcriptions. `failures` scripts what the next requests get instead of a
reply: "429", "500", "timeout" (no answer for `timeout_s`) or "malformed" (a 200
whose body is not JSON); and a hostile server's answers: "retry-after:SECONDS" (a 429 saying
so), "body:JSON" (a 200 with this body), "events:JSON-LIST" (a stream of these chunks),
"endless" (text as fast as it goes, up to `endless_mib` MiB, streamed or as one JSON body),
"trickle" (a piece every TRICKLE_S, for 30 s), "huge-declared" (a Content-Length of 1 GiB,
then nothing), "gzip" (a gzip-compressed answer), "redirect:URL" (a 307 to URL); `redirect_loop` (a URL) answers
every request with a 307 there (a server redirecting to itself). `sent_bytes` counts what the last "endless"
or "trickle" wrote before the client hung up. `finish_reason` is what a chat answer ends with
("length": the max-token limit hit), and `cut_after` ends a stream cleanly after that many pieces,
with no finish_reason, usage or [DONE] (a proxy timing out, a restarted server). Every request is
recorded, so tests count provider calls.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.server_errors import quiet_when_the_client_left

# A 1x1 transparent PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
MODEL = "test-model"
TRICKLE_S = 0.2
MIB = 1024 * 1024


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeProvider:
    url: str = ""
    reply: str = "# A title\n\nFirst paragraph of the draft.\n\n## Next\n\nMore words here."
    structured: deque[str] = field(default_factory=deque)
    """Replies to structured calls, in order; the last one repeats."""
    structured_by_schema: dict[str, str] = field(default_factory=dict)
    """Replies to structured calls by their JSON schema's name (before `structured`)."""
    failures: deque[str] = field(default_factory=deque)
    delay_s: float = 0.0
    delay_after: int = 0
    """The first `delay_after` POSTs answer at once; `delay_s` holds back only the later ones."""
    timeout_s: float = 3.0
    usage: tuple[int, int] = (11, 7)
    usage_total: Any = None
    """When set, the `total_tokens` every answer reports (an untrusted server's: 10**20, -5, "many")."""
    finish_reason: Any = "stop"
    """The finish_reason of every chat answer (the last chunk's, streamed; None: no such chunk)."""
    cut_after: int | None = None
    """When set, a stream ends cleanly after this many pieces: no finish_reason, usage or [DONE]."""
    redirect_loop: str | None = None
    """When set, every request gets a 307 to this URL, before any scripted failure."""
    endless_mib: int = 96
    sent_bytes: int = 0
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def calls(self, path: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.path == path]


def _handler(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _record(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            content_type = self.headers.get("Content-Type", "")
            body: Any = raw
            if content_type.startswith("application/json") and raw:
                body = json.loads(raw)
            with provider.lock:
                provider.requests.append(
                    Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
            return body

        def _send(self, status: int, payload: bytes, content_type: str = "application/json", **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(payload)

        def _json(self, status: int, value: Any, **headers: str) -> None:
            self._send(status, json.dumps(value).encode(), **headers)

        def _scripted_failure(self) -> bool:
            if provider.redirect_loop is not None:
                self._hostile(f"redirect:{provider.redirect_loop}")
                return True
            with provider.lock:
                failure = provider.failures.popleft() if provider.failures else None
            if failure is None:
                return False
            if failure == "429":
                self._json(429, {"error": {"message": "slow down", "type": "rate_limit"}}, retry_after_ms="10")
            elif failure == "500":
                self._json(500, {"error": {"message": "boom", "type": "server_error"}})
            elif failure == "timeout":
                time.sleep(provider.timeout_s)
                self._json(504, {"error": {"message": "late"}})
            elif failure == "malformed":
                self._send(200, b"{this is not json")
            else:
                self._hostile(failure)
            return True

        def _hostile(self, failure: str) -> None:
            kind, _, argument = failure.partition(":")
            body = self._record_of_last()
            if kind == "retry-after":
                self._json(429, {"error": {"message": "slow down", "type": "rate_limit"}}, retry_after=argument)
            elif kind == "redirect":
                self.send_response(307)
                self.send_header("Location", argument)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif kind == "body":
                self._send(200, argument.encode())
            elif kind == "events":
                self._start_events()
                for event in json.loads(argument):
                    self._event(event)
                self._end_events()
            elif kind == "gzip":
                answer = {"id": "c", "created": 0, "model": MODEL, "object": "chat.completion", "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": "zipped"}, "finish_reason": "stop"}
                ]}  # fmt: skip
                self._send(200, gzip.compress(json.dumps(answer).encode()), content_encoding="gzip")
            elif kind == "huge-declared":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(1024 * MIB))
                self.end_headers()
                self.wfile.write(b'{"choices": [')
                self.wfile.flush()
                time.sleep(provider.timeout_s)
            else:
                self._until_the_client_leaves(kind, streamed=bool(body.get("stream")))

        def _record_of_last(self) -> dict[str, Any]:
            with provider.lock:
                body = provider.requests[-1].body
            return body if isinstance(body, dict) else {}

        def _until_the_client_leaves(self, kind: str, *, streamed: bool) -> None:
            """Text for "endless" or "trickle", as a stream or as one JSON body without a length (no
            more than `endless_mib` MiB, or 30 s, so a test that fails does not hang)."""
            provider.sent_bytes = 0
            base = {"id": "chatcmpl-1", "created": 0, "model": MODEL, "object": "chat.completion.chunk"}
            if streamed:
                self._start_events()
            else:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(
                    b'{"id": "c", "object": "chat.completion", "model": "m", "choices": [{"message": {"content": "'
                )
            piece = "word " * (13_000 if kind == "endless" else 1)
            started = time.monotonic()
            try:
                while provider.sent_bytes < provider.endless_mib * MIB and time.monotonic() - started < 30:
                    if streamed:
                        choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                        data = b"data: " + json.dumps({**base, "choices": [choice]}).encode() + b"\n\n"
                    else:
                        data = piece.encode()
                    self.wfile.write(data)
                    self.wfile.flush()
                    provider.sent_bytes += len(data)
                    if kind == "trickle":
                        time.sleep(TRICKLE_S)
                self.wfile.write(b"data: [DONE]\n\n" if streamed else b'"}}]}')
                self.wfile.flush()
            except OSError:
                pass  # the client hung up
            self.close_connection = True

        def do_GET(self) -> None:
            self._record()
            if self._scripted_failure():
                return
            if self.path == "/v1/models":
                self._json(
                    200, {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "t"}]}
                )
            else:
                self._json(404, {"error": {"message": "no such path"}})

        def do_POST(self) -> None:
            body = self._record()
            if self._scripted_failure():
                return
            with provider.lock:
                posts = sum(1 for r in provider.requests if r.method == "POST")
            if provider.delay_s and posts > provider.delay_after:
                time.sleep(provider.delay_s)
            if self.path == "/v1/chat/completions":
                self._chat(body)
            elif self.path == "/v1/images/generations":
                self._json(200, {"created": 0, "data": [{"b64_json": base64.b64encode(PNG).decode()}]})
            elif self.path == "/v1/audio/transcriptions":
                self._json(200, {"text": "Notes dictated into the microphone about sourdough."})
            else:
                self._json(404, {"error": {"message": "no such path"}})

        def _chat(self, body: dict[str, Any]) -> None:
            if body.get("model") != MODEL:
                self._json(404, {"error": {"message": "model not found", "type": "invalid_request_error"}})
                return
            text = provider.reply
            schema_name = ((body.get("response_format") or {}).get("json_schema") or {}).get("name")
            if schema_name in provider.structured_by_schema:
                text = provider.structured_by_schema[schema_name]
            elif body.get("response_format"):
                with provider.lock:
                    text = provider.structured.popleft() if len(provider.structured) > 1 else provider.structured[0]
            prompt_tokens, completion_tokens = provider.usage
            usage = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens
                if provider.usage_total is None
                else provider.usage_total,
            }
            base = {"id": "chatcmpl-1", "created": 0, "model": MODEL}
            if not body.get("stream"):
                message = {"role": "assistant", "content": text}
                choice = {"index": 0, "message": message, "finish_reason": provider.finish_reason}
                self._json(200, {**base, "object": "chat.completion", "choices": [choice], "usage": usage})
                return
            self._start_events()
            pieces = [text[i : i + 8] for i in range(0, len(text), 8)]
            for index, piece in enumerate(pieces):
                delta = {"content": piece} if index else {"role": "assistant", "content": piece}
                choice = {"index": 0, "delta": delta, "finish_reason": None}
                self._event({**base, "object": "chat.completion.chunk", "choices": [choice]})
                if provider.cut_after is not None and index + 1 >= provider.cut_after:
                    self.close_connection = True
                    return
            if provider.finish_reason is not None:
                stop = {"index": 0, "delta": {}, "finish_reason": provider.finish_reason}
                self._event({**base, "object": "chat.completion.chunk", "choices": [stop]})
            if (body.get("stream_options") or {}).get("include_usage"):
                self._event({**base, "object": "chat.completion.chunk", "choices": [], "usage": usage})
            self._end_events()

        def _start_events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()

        def _end_events(self) -> None:
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _event(self, value: Any) -> None:
            self.wfile.write(b"data: " + json.dumps(value).encode() + b"\n\n")
            self.wfile.flush()

    return Handler


@pytest.fixture
def ai_server() -> Iterator[FakeProvider]:
    provider = FakeProvider(structured=deque(["{}"]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    server.daemon_threads = True
    quiet_when_the_client_left(server)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    # shutdown() waits for the serving loop to look again: every 0.5 s by default, per test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield provider
    server.shutdown()
    server.server_close()


@pytest.fixture
def ai_env(ai_server: FakeProvider, monkeypatch: pytest.MonkeyPatch) -> FakeProvider:
    """The environment a cron job would set, pointing at the local server."""
    monkeypatch.setenv("BLOGSTER_AI_BASE_URL", ai_server.base_url)
    monkeypatch.setenv("BLOGSTER_AI_MODEL", MODEL)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-env")
    return ai_server
