"""Calls to the AI provider through the official `openai` client, and its errors in our terms.

`openai` takes most of a second to import, so it is imported inside the functions
that call the provider, never at module level. Retries (with backoff on 429 and 5xx) are the
client's own, set from the profile's settings. Each call has `ai_timeout_s` in all, retries
included, however slowly the provider trickles its answer (`_CallLimits`, and the socket
backend of services/http_deadline.py); each answer is read up to a bound of bytes, and a
streamed text up to MAX_ANSWER_CHARS. An answer is untrusted data: it is read as plain JSON
(the client's typed objects are built without validation, so a wrong shape would surface as an
AttributeError anywhere later; validating them strictly would refuse compatible servers' small
deviations) and only what is used is checked: the text, the usage figure, the model's name, and
whether the model finished: a streamed answer is whole only if it ends with finish_reason "stop".
A redirect is followed only within the provider's own scheme, host and port, and at most MAX_REDIRECTS
times: a loop is the server's configuration, not an outage, so it is not tried again. Every call here
happens outside any unit of work.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from blogster_cli.ai.prompts import MAX_POST_CHARS
from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.errors import BlogsterError, ConfigError
from blogster_cli.services.http_deadline import DeadlineBackend
from blogster_cli.url_secrets import MIN_SECRET_CHARS, masked

if TYPE_CHECKING:
    import httpx2
    from openai import OpenAI

# Sent when no key may go to this endpoint (local servers need none); the client requires one.
NO_KEY = "no-key"
# A streamed post or revision longer than this (some 40,000 words) is a model stuck in a loop or a
# hostile server, not a post: reading stops there. Ten times the most of a post a prompt takes in.
MAX_ANSWER_CHARS = 10 * MAX_POST_CHARS
# The most of one answer read (a hostile or broken server must not fill the memory):
MAX_ANSWER_BYTES = 4 * 2**20  # JSON: MAX_ANSWER_CHARS of text even as \uXXXX escapes, with room
MAX_STREAM_BYTES = 64 * 2**20  # server-sent events: each few characters in a JSON chunk of their own
MAX_IMAGE_ANSWER_BYTES = 40 * 2**20  # the base64 of an image up to media_files.MAX_IMAGE_BYTES (25 MiB)
# A usage figure that is not an integer from 0 to this is not believed: it is stored as 0 (unknown),
# as an interrupted stream's is. No call uses ten million tokens; the column is a 4-byte integer.
MAX_TOKENS = 10_000_000
# A model's name as the answer gives it, when it looks like one; else the one asked for.
MAX_MODEL_NAME = 200
# The finish_reason of an answer the model finished: OpenAI's documented value, which Ollama, vLLM,
# llama.cpp and LM Studio's OpenAI-compatible servers send on a stream's last chunk too. "length" is
# the max-token limit; none at all is a stream that ended early (a proxy's timeout, a restarted
# server closing the body), which the client reads as a clean end, [DONE] or not.
FINISHED = "stop"
LENGTH_LIMIT = "length"
# Redirects followed within one request (httpx's default); one more is a loop, not tried again.
MAX_REDIRECTS = 20
# The most of a redirect's URL a message shows (the server chose it).
MAX_SHOWN_URL = 200
# The endpoints called, under the base URL: what a 404 names.
MODELS, CHAT, IMAGES, TRANSCRIPTIONS = "/models", "/chat/completions", "/images/generations", "/audio/transcriptions"
# An OpenAI-compatible API's base URL ends so (Ollama's http://localhost:11434/v1): a 404 without it names it.
API_PATH = "/v1"
# A 404's error that says the model is missing (OpenAI's code; Ollama's, vLLM's and OpenAI's words),
# read in the first MAX_READ_ERROR characters of its message: the server's text, tested, never shown.
_MISSING_MODEL = re.compile(r"model_not_found|\bmodel\b.{0,200}?(?:not found|does not exist)", re.I | re.S)
MAX_READ_ERROR = 1000


class ProviderError(BlogsterError):
    """The provider failed, refused, timed out or answered something unusable."""


class NotReached(ProviderError):
    """No answer came from the provider's server: it could not be connected to, or did not answer in
    time. Every other failure is an answer (a refused key, HTTP 500): `ai status` says it is reachable."""


class UnusableURL(ConfigError):
    """The base URL is not one the HTTP client reads: nothing was sent (`ai status`: not reachable)."""


class PathNotFound(ConfigError):
    """The provider's server answered 404 (not found) for an endpoint itself, not for a model: the base
    URL is not the API's (Ollama's without its /v1)."""


@dataclass(frozen=True)
class Completion:
    text: str
    tokens: int
    model: str
    truncated: bool = False
    """A non-streamed answer the provider stopped at its length limit: the text is cut short."""


class CutShort(ProviderError):
    """A streamed answer that did not end with finish_reason "stop"; `partial` is what arrived
    (what `generate draft --keep-partial` keeps), `reason` the message without "nothing was saved"."""

    def __init__(self, reason: str, partial: Completion) -> None:
        super().__init__(f"{reason}; nothing was saved")
        self.reason, self.partial = reason, partial


class _DeadlinePassed(Exception):
    """The call's `ai_timeout_s` ran out (raised where no client code retries it)."""


class _AnswerTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class _UnexpectedAnswer(Exception):
    """The answer is not of the shape asked for (or is encoded, though none was asked for)."""

    def __init__(self, what: str = "an answer in an unexpected shape") -> None:
        super().__init__(what)
        self.what = what


class _Redirected(Exception):
    """The provider redirected a call to another server (`origin`), which the prompt and key would reach."""

    def __init__(self, origin: str) -> None:
        super().__init__(origin)
        self.origin = origin


class _RedirectLoop(Exception):
    """The provider redirected one request more than MAX_REDIRECTS times; `url` is where the last went."""

    def __init__(self, url: httpx2.URL) -> None:
        super().__init__(str(url))
        self.url = url


class _CallLimits(threading.local):
    """The call running on this thread: when it must end and how many bytes an answer may have.
    Per thread, since one cached client serves every thread of a worker (each a call of its own)."""

    deadline: float | None = None
    max_bytes: int = MAX_ANSWER_BYTES

    def time_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()


class _ThreadDeadlineBackend(DeadlineBackend):
    """http_deadline's socket backend, its deadline the calling thread's (see `_CallLimits`)."""

    def __init__(self, limits: _CallLimits) -> None:
        self._limits = limits
        super().__init__()

    @property
    def deadline(self) -> float | None:
        return self._limits.deadline

    @deadline.setter
    def deadline(self, value: float | None) -> None:
        self._limits.deadline = value


@dataclass(frozen=True)
class _Endpoint:
    client: OpenAI
    limits: _CallLimits


@cache
def _endpoint(provider: ProviderConfig) -> _Endpoint:
    """A client bound to exactly this base URL and key (never the client's own env lookups).

    One per provider per process: building one costs 40-300 ms (its HTTP pool and TLS
    context), which a batch of generations pays once.
    """
    import httpx2
    from openai import DefaultHttpxClient, OpenAI

    limits = _CallLimits()

    class Client(OpenAI):
        def _calculate_retry_timeout(self, *args: Any, **kwargs: Any) -> float:
            # The client's wait before a retry (up to 2 minutes when a 429 says so): none starts
            # that would end past the call's deadline. tests/unit/ai/test_provider_limits.py
            # fails if an upgrade of the client renames this.
            wait: float = super()._calculate_retry_timeout(*args, **kwargs)
            left = limits.time_left()
            if left is not None and wait >= left:
                raise _DeadlinePassed
            return wait

    class Http(DefaultHttpxClient):
        def send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
            # httpx's TooManyRedirects is a RequestError, which the client retries as an outage
            # (3 x 21 requests, then "cannot reach"); ours is not one, so it ends the call.
            try:
                return super().send(request, **kwargs)
            except httpx2.TooManyRedirects as exc:
                raise _RedirectLoop(exc.request.url) from None

    http = Http(
        max_redirects=MAX_REDIRECTS,
        transport=_ThreadDeadlineBackend(limits).transport(),
        # Identity: a compressed answer's bytes would bound nothing (a gzip bomb); one is refused.
        headers={"Accept-Encoding": "identity"},
        event_hooks={"request": [partial(_to_the_provider, _origin(provider.base_url))],
                     "response": [partial(_bound_answer, limits)]},
    )  # fmt: skip
    client = Client(
        api_key=provider.api_key or NO_KEY,
        base_url=provider.base_url,
        timeout=provider.timeout_s,
        max_retries=provider.max_retries,
        http_client=http,
    )
    return _Endpoint(client, limits)


def _origin(url: httpx2.URL | str) -> str:
    """scheme://host:port, the port spelled out (a default one too): what a redirect may not leave."""
    import httpx2

    url = httpx2.URL(url)
    port = url.port or {"http": 80, "https": 443}.get(url.scheme)
    return f"{url.scheme}://{url.host}:{port}"


def _shown_redirect(url: httpx2.URL, key: str | None) -> str:
    """A URL the provider redirected to, as a message shows it: no user, password, query or fragment
    (where tokens go), the key as *** should the path hold it, at most MAX_SHOWN_URL characters."""
    shown = str(url.copy_with(userinfo=b"", query=None, fragment=None))
    if key and len(key) >= MIN_SECRET_CHARS:
        shown = masked(shown, [key])
    return shown if len(shown) <= MAX_SHOWN_URL else shown[: MAX_SHOWN_URL - 1] + "…"


def _to_the_provider(origin: str, request: httpx2.Request) -> None:
    """Every request, the redirected ones too, goes to the provider's own origin: a redirect to
    another server (which httpx would follow, a 307 with the prompt, minus only the key) is refused."""
    if (there := _origin(request.url)) != origin:
        raise _Redirected(there)


def _bound_answer(limits: _CallLimits, response: httpx2.Response) -> None:
    """Every answer's body is read through a bound of `limits.max_bytes` (and by the deadline, also
    where an environment's proxy has connections of its own); one declared larger is refused unread."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise _UnexpectedAnswer("a compressed answer, though none was asked for")
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _AnswerTooLarge(limits.max_bytes)
    response.stream = _bounded_stream_class()(response.stream, limits)


@cache
def _bounded_stream_class() -> type[Any]:
    import httpx2

    class BoundedStream(httpx2.SyncByteStream):
        def __init__(self, inner: httpx2.SyncByteStream, limits: _CallLimits) -> None:
            self._inner, self._limits, self._max_bytes = inner, limits, limits.max_bytes

        def __iter__(self) -> Iterator[bytes]:
            read = 0
            for chunk in self._inner:
                read += len(chunk)
                if read > self._max_bytes:
                    raise _AnswerTooLarge(self._max_bytes)
                left = self._limits.time_left()
                if left is not None and left <= 0:
                    raise _DeadlinePassed
                yield chunk

        def close(self) -> None:
            self._inner.close()

    return BoundedStream


@contextmanager
def provider_errors(provider: ProviderConfig, path: str, *, model: str | None = None) -> Iterator[None]:
    """The client's exceptions as one-line ProviderError/ConfigError messages (no key, no body; a
    URL the HTTP client cannot read, without its words, which quote the URL's password); a 404 for
    `path` (asking for `model`, else the provider's) as `_not_found` reads it."""
    import httpx2
    import openai

    where = provider.shown_url
    try:
        yield
    except httpx2.InvalidURL:
        raise UnusableURL(f"the AI base URL {where} is not one the HTTP client reads") from None
    except (openai.APITimeoutError, _DeadlinePassed):
        raise NotReached(f"the AI provider at {where} did not answer within {provider.timeout_s:g} s") from None
    except _AnswerTooLarge as exc:
        raise ProviderError(
            f"the AI provider at {where} sent an answer larger than {exc.limit // 2**20} MiB; stopped reading it"
        ) from None
    except _UnexpectedAnswer as exc:
        raise ProviderError(f"the AI provider at {where} sent {exc.what}") from None
    except _Redirected as exc:
        raise ProviderError(
            f"the AI provider at {where} redirected the call to {exc.origin}; nothing was sent there"
            " (`blogster ai setup --base-url` points at a server you trust)"
        ) from None
    except _RedirectLoop as exc:
        raise ProviderError(
            f"the AI provider at {where} redirected the call more than {MAX_REDIRECTS} times, the last to"
            f" {_shown_redirect(exc.url, provider.api_key)}; not tried again (a redirect loop: see the server's"
            " configuration or `blogster ai setup --base-url`)"
        ) from None
    except openai.AuthenticationError:
        raise ConfigError(
            f"the AI provider at {where} refused the API key (HTTP 401: {_which_key(provider)})"
        ) from None
    except openai.NotFoundError as exc:
        raise _not_found(provider, path, model or provider.model, exc.body) from None
    except openai.RateLimitError:
        raise ProviderError(f"the AI provider at {where} is rate limiting requests (HTTP 429); try later") from None
    except openai.APIStatusError as exc:
        raise ProviderError(f"the AI provider at {where} failed with HTTP {exc.status_code}") from None
    except openai.APIConnectionError:
        raise NotReached(f"cannot reach the AI provider at {where}") from None
    except (openai.OpenAIError, ValueError) as exc:
        raise ProviderError(f"the AI provider at {where} sent an unreadable answer ({type(exc).__name__})") from None


def _which_key(provider: ProviderConfig) -> str:
    """The key a 401 refused, by where it came from (never the key): `ai status` shows that beside it."""
    if provider.key_source == "environment":
        return "the one in OPENAI_API_KEY"
    if provider.key_source == "none":
        return "none was sent; `blogster ai setup` stores one"
    return "the one `blogster ai setup` stored for it"


def _not_found(provider: ProviderConfig, path: str, model: str, body: object) -> ConfigError:
    """A 404 for `path` in words: `model` missing where the error says so, or where /models lists
    models without it; else the endpoint is not at the base URL (`PathNotFound`): /models itself, or
    another endpoint when /models is not found either or lists the model (a base URL without its
    /v1 was reported as a missing model, naming `ai models`, which failed the same way)."""
    no_model = ConfigError(f"the AI provider at {provider.shown_url} has no model {model!r} (see `blogster ai models`)")
    paths = path
    if path != MODELS:
        if _names_a_missing_model(body):
            return no_model
        try:
            if model not in list_models(provider):
                return no_model
        except PathNotFound:
            paths = f"{path} and {MODELS}"
        except BlogsterError:  # no list to tell by, and the error named no model: the path's 404 is said
            pass
    where = provider.shown_url.rstrip("/")
    usual = f" (an OpenAI-compatible API's usually ends in {API_PATH}: {where}{API_PATH})"
    return PathNotFound(
        f"the AI provider at {provider.shown_url} answered HTTP 404 (not found) for {paths}: check the base URL"
        f" with `blogster ai setup --base-url`{'' if where.endswith(API_PATH) else usual}"
    )


def _names_a_missing_model(body: object) -> bool:
    """Whether a 404's error (the JSON `error` object, or the body's text) says the model is missing."""
    if isinstance(body, dict):
        if body.get("code") == "model_not_found":  # OpenAI's
            return True
        body = body.get("message")
    return isinstance(body, str) and _MISSING_MODEL.search(body[:MAX_READ_ERROR]) is not None


@contextmanager
def _call(
    provider: ProviderConfig, path: str, *, model: str | None = None, max_bytes: int = MAX_ANSWER_BYTES
) -> Iterator[OpenAI]:
    """The client for one call to `path` (for `model`, else the provider's) of at most
    `provider.timeout_s` in all, its answers bounded."""
    with provider_errors(provider, path, model=model):
        endpoint = _endpoint(provider)
        limits = endpoint.limits
        limits.deadline, limits.max_bytes = time.monotonic() + provider.timeout_s, max_bytes
        try:
            yield endpoint.client
        finally:
            limits.deadline, limits.max_bytes = None, MAX_ANSWER_BYTES


def _field(value: object, name: str) -> object:
    """`value[name]` of a JSON object; anything else is an answer of the wrong shape."""
    if not isinstance(value, dict):
        raise _UnexpectedAnswer
    return value.get(name)


def _text(value: object) -> str:
    if value is not None and not isinstance(value, str):
        raise _UnexpectedAnswer
    return value or ""


def _tokens(usage: object) -> int | None:
    """`usage.total_tokens` if the answer has usage figures: 0 (unknown) unless a believable count."""
    if usage is None:
        return None
    total = usage.get("total_tokens") if isinstance(usage, dict) else None
    return total if type(total) is int and 0 <= total <= MAX_TOKENS else 0


def _model(value: object, fallback: str) -> str:
    if isinstance(value, str) and 0 < len(value) <= MAX_MODEL_NAME and "\x00" not in value:
        return value
    return fallback


def _finish(choice: object, previous: object) -> object:
    """The finish_reason a choice reports, else the one reported before it."""
    reason = _field(choice, "finish_reason")
    return previous if reason is None or reason == "" else reason


def _unfinished(where: str, finish: object) -> str | None:
    """Why an answer that ended with `finish` is not a whole one (None: it is)."""
    if finish == FINISHED:
        return None
    if finish == LENGTH_LIMIT:
        return f"the AI provider at {where} stopped at its length limit (finish_reason length)"
    if finish is None:
        return f"the AI provider at {where} ended its answer before it finished (no finish_reason)"
    # Shown only when it looks like one (it is the server's text): "content_filter", say.
    shown = finish if isinstance(finish, str) and re.fullmatch(r"[a-z_]{1,40}", finish) else "unexpected"
    return f"the AI provider at {where} stopped before finishing its answer (finish_reason {shown})"


def list_models(provider: ProviderConfig) -> list[str]:
    with _call(provider, MODELS) as client:
        models = _field(client.get(MODELS, cast_to=object), "data")
        if not isinstance(models, list):
            raise _UnexpectedAnswer
        ids = [_field(model, "id") for model in models]
        if not all(isinstance(model_id, str) for model_id in ids):
            raise _UnexpectedAnswer
        return sorted(str(model_id) for model_id in ids)


def complete(
    provider: ProviderConfig, messages: list[dict[str, str]], *, response_format: dict[str, Any] | None = None
) -> Completion:
    """One non-streamed chat completion (structured when `response_format` is given)."""
    body: dict[str, Any] = {"model": provider.model, "messages": messages}
    if response_format:
        body["response_format"] = response_format
    with _call(provider, CHAT) as client:
        answer = client.post(CHAT, cast_to=object, body=body)
        choices = _field(answer, "choices")
        if not isinstance(choices, list):
            raise _UnexpectedAnswer
        if not choices:
            raise ProviderError(f"the AI provider at {provider.shown_url} returned no choices")
        text = _text(_field(_field(choices[0], "message"), "content"))
        tokens = _tokens(_field(answer, "usage")) or 0
        # A whole body, so only the length limit cuts its text short; the caller decides (JSON that
        # parses may have been followed by the whitespace a model in JSON mode can run on with).
        truncated = _finish(choices[0], None) == LENGTH_LIMIT
        model = _model(_field(answer, "model"), provider.model)
        return Completion(text=text, tokens=tokens, model=model, truncated=truncated)


def stream(provider: ProviderConfig, messages: list[dict[str, str]], on_token: Callable[[str], None]) -> Completion:
    """A streamed chat completion: each piece goes to `on_token` as it arrives; usage is exact.
    More than MAX_ANSWER_CHARS of text is a ProviderError, and reading stops there; an answer that
    does not end with finish_reason "stop" is `CutShort`, with what arrived."""
    from openai import Stream

    parts: list[str] = []
    length = 0
    tokens = 0
    model = provider.model
    finish: object = None
    body = {"model": provider.model, "messages": messages, "stream": True, "stream_options": {"include_usage": True}}
    with _call(provider, CHAT, max_bytes=MAX_STREAM_BYTES) as client:
        chunks = client.post(CHAT, cast_to=object, body=body, stream=True, stream_cls=Stream[object])
        with chunks:
            for chunk in chunks:
                model = _model(_field(chunk, "model"), model)
                usage = _tokens(_field(chunk, "usage"))
                tokens = tokens if usage is None else usage
                choices = _field(chunk, "choices") or []
                if not isinstance(choices, list):
                    raise _UnexpectedAnswer
                if not choices:
                    continue
                finish = _finish(choices[0], finish)
                piece = _text(_field(_field(choices[0], "delta") or {}, "content"))
                if not piece:
                    continue
                length += len(piece)
                if length > MAX_ANSWER_CHARS:
                    raise ProviderError(
                        f"the AI provider at {provider.shown_url} sent more than {MAX_ANSWER_CHARS:,} characters;"
                        " stopped reading, nothing was saved"
                    )
                parts.append(piece)
                on_token(piece)
    completion = Completion(text="".join(parts), tokens=tokens, model=model)
    reason = _unfinished(provider.shown_url, finish)
    if reason is not None:
        raise CutShort(reason, completion)
    return completion


def generate_image(provider: ProviderConfig, prompt: str, *, model: str | None = None) -> bytes:
    """PNG bytes from the images endpoint of the same provider."""
    import base64

    body = {"model": model or provider.model, "prompt": prompt, "n": 1}
    with _call(provider, IMAGES, model=model, max_bytes=MAX_IMAGE_ANSWER_BYTES) as client:
        images = _field(client.post(IMAGES, cast_to=object, body=body), "data")
        if images is not None and not isinstance(images, list):
            raise _UnexpectedAnswer
        data = _text(_field(images[0], "b64_json")) if images else ""
        if not data:
            raise ProviderError(f"the AI provider at {provider.shown_url} returned no image data")
        return base64.b64decode(data)


def transcribe(provider: ProviderConfig, file_name: str, audio: bytes, *, model: str | None = None) -> str:
    """The text of `audio` (the name tells the endpoint its format)."""
    with _call(provider, TRANSCRIPTIONS, model=model) as client:
        answer = client.post(
            TRANSCRIPTIONS, cast_to=object, body={"model": model or provider.model},
            files=[("file", (file_name, audio))], options={"headers": {"Content-Type": "multipart/form-data"}},
        )  # fmt: skip
        return _text(_field(answer, "text"))
