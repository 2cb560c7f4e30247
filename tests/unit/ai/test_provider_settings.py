"""Which endpoint, model and key a command uses: a key only goes where it was meant to go."""

import pytest

from blogster_cli.ai.provider import OPENAI_BASE_URL, StoredKey, normalise_base_url, resolve_provider
from blogster_cli.errors import ConfigError, InvalidInput

LOCAL = "http://127.0.0.1:11434/v1"


def resolve(env=None, base_url=None, model=None, stored=None):
    return resolve_provider(env=env or {}, base_url=base_url, model=model, stored_key=stored, key_store="keyring")


def test_nothing_configured_says_how_to_set_up():
    with pytest.raises(ConfigError, match="blogster ai setup"):
        resolve()


def test_stored_key_goes_to_its_own_base_url():
    provider = resolve(base_url=LOCAL + "/", model="llama3", stored=StoredKey(LOCAL, "sk-stored"))
    assert (provider.base_url, provider.api_key, provider.key_source) == (LOCAL, "sk-stored", "keyring")


def test_stored_key_never_goes_to_another_base_url():
    provider = resolve(env={"BLOGSTER_AI_BASE_URL": "http://evil.example/v1"}, model="m", stored=StoredKey(LOCAL, "sk"))
    assert provider.base_url == "http://evil.example/v1"
    assert provider.api_key is None and provider.key_source == "none"
    provider = resolve(base_url="http://other.example/v1", model="m", stored=StoredKey(LOCAL, "sk"))
    assert provider.api_key is None


def test_env_key_goes_to_env_base_url_or_openai_only():
    env = {"OPENAI_API_KEY": "sk-env"}
    assert resolve(env=env).base_url == OPENAI_BASE_URL and resolve(env=env).api_key == "sk-env"
    # A configured (not environment) base URL does not receive the environment's key.
    assert resolve(env=env, base_url=LOCAL, model="m").api_key is None
    env_local = {**env, "BLOGSTER_AI_BASE_URL": LOCAL, "BLOGSTER_AI_MODEL": "m"}
    provider = resolve(env=env_local, base_url="http://configured.example/v1", model="x")
    assert (provider.base_url, provider.model, provider.api_key) == (LOCAL, "m", "sk-env")


def test_env_key_wins_over_stored_key_for_the_same_url():
    env = {"OPENAI_API_KEY": "sk-env", "BLOGSTER_AI_BASE_URL": LOCAL, "BLOGSTER_AI_MODEL": "m"}
    assert resolve(env=env, stored=StoredKey(LOCAL, "sk-stored")).key_source == "environment"


def test_model_required_except_for_openai():
    assert resolve(env={"OPENAI_API_KEY": "k"}).model == "gpt-4o-mini"
    with pytest.raises(ConfigError, match="no AI model"):
        resolve(base_url=LOCAL)


def test_the_key_is_not_in_repr():
    assert "sk-secret" not in repr(resolve(base_url=LOCAL, model="m", stored=StoredKey(LOCAL, "sk-secret")))
    assert "sk-secret" not in repr(StoredKey(LOCAL, "sk-secret"))


@pytest.mark.parametrize("bad", ["ftp://x", "localhost:11434", "http://", "http:// spaced"])
def test_base_url_must_be_http(bad):
    """Given to `ai setup`, a bad base URL is bad input (exit 2); set, a bad setting (exit 6) named."""
    with pytest.raises(InvalidInput):
        normalise_base_url(bad)
    with pytest.raises(ConfigError, match="^ai_base_url: "):
        resolve(base_url=bad, model="m")
    with pytest.raises(ConfigError, match="^BLOGSTER_AI_BASE_URL: "):
        resolve(env={"BLOGSTER_AI_BASE_URL": bad}, model="m")


def test_stored_secret_round_trip_and_garbage():
    key = StoredKey(LOCAL, "sk")
    assert StoredKey.from_secret(key.to_secret()) == key
    assert StoredKey.from_secret("not json") is None and StoredKey.from_secret(None) is None
