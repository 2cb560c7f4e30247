"""The chatbot worker's AI fallback provider (helper 259): built again only when what it is built
from changed, so a message costs no keyring read while the setup stays as it was, and `ai setup`
under a running worker still reaches its next message (a new key for the same endpoint and
model included, which only the keyring and the config file's rewrite tell)."""

from __future__ import annotations

import pytest

from blogster_cli.context import AppContext
from blogster_cli.services import ai_settings
from blogster_cli.workers import chatbot as chatbot_jobs
from tests.cli.conftest import MemoryKeyring

URL = "http://127.0.0.1:9/v1"


class CountingKeyring(MemoryKeyring):
    """The tests' OS keyring stand-in, counting the reads of the AI key."""

    def __init__(self) -> None:
        super().__init__()
        self.key_reads = 0

    def get_password(self, service, username):
        if username.endswith(":ai_api_key"):
            self.key_reads += 1
        return super().get_password(service, username)


@pytest.fixture
def keyring_reads(monkeypatch) -> CountingKeyring:
    import keyring
    from keyring.backend import KeyringBackend

    backend = type("Counting", (CountingKeyring, KeyringBackend), {})()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    return backend


@pytest.fixture
def fallback_on(monkeypatch) -> None:
    monkeypatch.setenv(chatbot_jobs.AI_FALLBACK_ENV, "1")


def next_message(worker: AppContext):
    """What the worker does for a message: the job middleware reads the settings again if the config
    file changed, then the task takes the fallback provider."""
    worker.refresh_settings()
    return chatbot_jobs._fallback_provider(worker)


@pytest.mark.usefixtures("fallback_on")
def test_an_unchanged_setup_reads_no_key_and_a_new_ai_setup_reaches_the_next_message(keyring_reads):
    ai_settings.setup(AppContext(), base_url=URL, model="small", api_key="first")
    worker = AppContext()  # the running worker's
    started = chatbot_jobs._fallback_provider(worker)  # as `register` builds it at the start
    assert started is not None and (started.model, started.api_key, started.key_source) == ("small", "first", "keyring")
    reads = keyring_reads.key_reads
    assert all(next_message(worker) is started for _ in range(5))
    assert keyring_reads.key_reads == reads  # nothing changed: no keyring read

    ai_settings.setup(AppContext(), base_url=URL, model="small", api_key="second")  # a new key, all else the same
    reads = keyring_reads.key_reads
    rotated = next_message(worker)
    assert rotated is not None and rotated.api_key == "second" and keyring_reads.key_reads == reads + 1
    assert next_message(worker) is rotated and keyring_reads.key_reads == reads + 1

    ai_settings.setup(AppContext(), base_url=URL, model="large", api_key=None)  # another model, the key dropped
    moved = next_message(worker)
    assert moved is not None and (moved.model, moved.api_key, moved.key_source) == ("large", None, "none")


@pytest.mark.usefixtures("fallback_on")
def test_a_key_changed_in_the_credentials_file_reaches_the_next_message():
    """Where no OS keyring is (the tests' own default), the key's store is the credentials file:
    its change alone is a change."""
    ai_settings.setup(AppContext(), base_url=URL, model="small", api_key="first")
    worker = AppContext()
    started = next_message(worker)
    assert started is not None and started.key_source == "credentials_file" and next_message(worker) is started
    from blogster_cli.ai.provider import KEY_CREDENTIAL, StoredKey

    AppContext().credentials.set(KEY_CREDENTIAL, StoredKey(base_url=URL, api_key="second").to_secret())
    changed = next_message(worker)
    assert changed is not None and changed.api_key == "second" and next_message(worker) is changed


@pytest.mark.usefixtures("fallback_on")
def test_a_changed_environment_reaches_the_next_message(monkeypatch):
    ai_settings.setup(AppContext(), base_url=URL, model="small", api_key="first")
    worker = AppContext()
    assert next_message(worker).model == "small"
    monkeypatch.setenv("BLOGSTER_AI_MODEL", "override")
    assert next_message(worker).model == "override"


def test_with_the_fallback_off_there_is_no_provider(monkeypatch):
    monkeypatch.delenv(chatbot_jobs.AI_FALLBACK_ENV, raising=False)
    ai_settings.setup(AppContext(), base_url=URL, model="small", api_key="first")
    assert next_message(AppContext()) is None
