"""Calls to the AI provider through the official `openai` client, and its errors in our terms.

`openai` takes most of a second to import, so it is imported inside the functions
that call the provider, never at module level. Timeouts and retries (with backoff
on 429 and 5xx) are the client's own, set from the profile's settings. Every call
here happens outside any unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.errors import BlogsterError, ConfigError

if TYPE_CHECKING:
    from openai import OpenAI
    from openai.types.chat import ChatCompletionMessageParam

# Sent when no key may go to this endpoint (local servers need none); the client requires one.
NO_KEY = "no-key"


class ProviderError(BlogsterError):
    """The provider failed, refused, timed out or answered something unusable."""


@dataclass(frozen=True)
class Completion:
    text: str
    tokens: int
    model: str


@cache
def client_for(provider: ProviderConfig) -> OpenAI:
    """A client bound to exactly this base URL and key (never the client's own env lookups).

    One per provider per process: building one costs 40-300 ms (its HTTP pool and TLS
    context), which a batch of generations pays once.
    """
    from openai import OpenAI

    return OpenAI(
        api_key=provider.api_key or NO_KEY,
        base_url=provider.base_url,
        timeout=provider.timeout_s,
        max_retries=provider.max_retries,
    )


@contextmanager
def provider_errors(provider: ProviderConfig) -> Iterator[None]:
    """The client's exceptions as one-line ProviderError/ConfigError messages (no key, no body)."""
    import openai

    where = provider.shown_url
    try:
        yield
    except openai.APITimeoutError:
        raise ProviderError(f"the AI provider at {where} did not answer within {provider.timeout_s:g} s") from None
    except openai.AuthenticationError:
        raise ConfigError(f"the AI provider at {where} refused the API key (see `blogster ai status`)") from None
    except openai.NotFoundError:
        raise ConfigError(
            f"the AI provider at {where} has no model {provider.model!r} (see `blogster ai models`)"
        ) from None
    except openai.RateLimitError:
        raise ProviderError(f"the AI provider at {where} is rate limiting requests (HTTP 429); try later") from None
    except openai.APIStatusError as exc:
        raise ProviderError(f"the AI provider at {where} failed with HTTP {exc.status_code}") from None
    except openai.APIConnectionError:
        raise ProviderError(f"cannot reach the AI provider at {where}") from None
    except (openai.OpenAIError, ValueError) as exc:
        raise ProviderError(f"the AI provider at {where} sent an unreadable answer ({type(exc).__name__})") from None


def list_models(provider: ProviderConfig) -> list[str]:
    with provider_errors(provider):
        return sorted(model.id for model in client_for(provider).models.list())


def _messages(messages: list[dict[str, str]]) -> list[ChatCompletionMessageParam]:
    """The prompt's {"role", "content"} messages as the client types them."""
    typed: list[ChatCompletionMessageParam] = []
    for message in messages:
        role, content = message["role"], message["content"]
        if role == "system":
            typed.append({"role": "system", "content": content})
        elif role == "user":
            typed.append({"role": "user", "content": content})
        elif role == "assistant":
            typed.append({"role": "assistant", "content": content})
        else:
            raise ValueError(f"no message role {role!r} in a prompt")
    return typed


def complete(
    provider: ProviderConfig, messages: list[dict[str, str]], *, response_format: dict[str, Any] | None = None
) -> Completion:
    """One non-streamed chat completion (structured when `response_format` is given)."""
    extra: dict[str, Any] = {"response_format": response_format} if response_format else {}
    with provider_errors(provider):
        response = client_for(provider).chat.completions.create(
            model=provider.model, messages=_messages(messages), **extra
        )
        if not response.choices:
            raise ProviderError(f"the AI provider at {provider.shown_url} returned no choices")
        text = response.choices[0].message.content or ""
        tokens = response.usage.total_tokens if response.usage else 0
        return Completion(text=text, tokens=tokens, model=response.model or provider.model)


def stream(provider: ProviderConfig, messages: list[dict[str, str]], on_token: Callable[[str], None]) -> Completion:
    """A streamed chat completion: each piece goes to `on_token` as it arrives; usage is exact."""
    parts: list[str] = []
    tokens = 0
    model = provider.model
    with provider_errors(provider):
        chunks = client_for(provider).chat.completions.create(
            model=provider.model, messages=_messages(messages), stream=True, stream_options={"include_usage": True}
        )
        with chunks:
            for chunk in chunks:
                model = chunk.model or model
                if chunk.usage:
                    tokens = chunk.usage.total_tokens
                if chunk.choices and chunk.choices[0].delta.content:
                    piece = chunk.choices[0].delta.content
                    parts.append(piece)
                    on_token(piece)
    return Completion(text="".join(parts), tokens=tokens, model=model)


def generate_image(provider: ProviderConfig, prompt: str, *, model: str | None = None) -> bytes:
    """PNG bytes from the images endpoint of the same provider."""
    import base64

    with provider_errors(provider):
        response = client_for(provider).images.generate(model=model or provider.model, prompt=prompt, n=1)
        if not response.data or not response.data[0].b64_json:
            raise ProviderError(f"the AI provider at {provider.shown_url} returned no image data")
        return base64.b64decode(response.data[0].b64_json)


def transcribe(provider: ProviderConfig, file_name: str, audio: bytes, *, model: str | None = None) -> str:
    """The text of `audio` (the name tells the endpoint its format)."""
    with provider_errors(provider):
        transcription = client_for(provider).audio.transcriptions.create(
            model=model or provider.model, file=(file_name, audio)
        )
        return transcription.text
