"""The real openai client against the local OpenAI-compatible server: replies, usage, failures."""

import pytest

from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.services import ai_provider
from tests.ai_server import MODEL


def provider_for(server, *, key="sk-test", retries=2, timeout=5.0, model=MODEL) -> ProviderConfig:
    return ProviderConfig(server.base_url, model, key, "keyring", timeout_s=timeout, max_retries=retries)


MESSAGES = [{"role": "user", "content": "Write."}]


def test_models_and_key_header(ai_server):
    assert ai_provider.list_models(provider_for(ai_server)) == [MODEL]
    assert ai_server.requests[-1].headers["authorization"] == "Bearer sk-test"


def test_no_key_sends_a_placeholder_not_the_environment_key(ai_server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    ai_provider.list_models(provider_for(ai_server, key=None))
    assert "sk-from-env" not in ai_server.requests[-1].headers["authorization"]


def test_complete_returns_text_and_usage(ai_server):
    completion = ai_provider.complete(provider_for(ai_server), MESSAGES)
    assert completion.text == ai_server.reply and completion.tokens == 18 and completion.model == MODEL


def test_stream_delivers_pieces_and_exact_usage(ai_server):
    pieces: list[str] = []
    completion = ai_provider.stream(provider_for(ai_server), MESSAGES, pieces.append)
    assert len(pieces) > 3 and "".join(pieces) == ai_server.reply == completion.text
    assert completion.tokens == 18
    assert ai_server.calls("/v1/chat/completions")[-1].body["stream_options"] == {"include_usage": True}


def test_structured_output_sends_the_schema(ai_server):
    ai_server.structured.clear()
    ai_server.structured.append('{"ideas": []}')
    schema = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    assert ai_provider.complete(provider_for(ai_server), MESSAGES, response_format=schema).text == '{"ideas": []}'
    assert ai_server.calls("/v1/chat/completions")[-1].body["response_format"] == schema


def test_429_then_success_is_retried_by_the_client(ai_server):
    ai_server.failures.append("429")
    assert ai_provider.complete(provider_for(ai_server), MESSAGES).text == ai_server.reply
    assert len(ai_server.calls("/v1/chat/completions")) == 2


def test_500_without_retries_is_one_line(ai_server):
    ai_server.failures.extend(["500"])
    with pytest.raises(ai_provider.ProviderError, match="HTTP 500"):
        ai_provider.complete(provider_for(ai_server, retries=0), MESSAGES)


def test_timeout(ai_server):
    ai_server.failures.append("timeout")
    ai_server.timeout_s = 2.0
    with pytest.raises(ai_provider.ProviderError, match="did not answer within 0.5 s"):
        ai_provider.complete(provider_for(ai_server, retries=0, timeout=0.5), MESSAGES)


def test_malformed_json(ai_server):
    ai_server.failures.append("malformed")
    with pytest.raises(ai_provider.ProviderError, match="unreadable"):
        ai_provider.complete(provider_for(ai_server, retries=0), MESSAGES)


def test_unknown_model_is_a_config_error(ai_server):
    from blogster_cli.errors import ConfigError

    with pytest.raises(ConfigError, match="no model 'nope'"):
        ai_provider.complete(provider_for(ai_server, model="nope"), MESSAGES)


def test_images_and_transcription(ai_server):
    from tests.ai_server import PNG

    assert ai_provider.generate_image(provider_for(ai_server), "a cat") == PNG
    assert "sourdough" in ai_provider.transcribe(provider_for(ai_server), "note.wav", b"RIFF0000WAVE")
    assert b'filename="note.wav"' in ai_server.calls("/v1/audio/transcriptions")[0].body
