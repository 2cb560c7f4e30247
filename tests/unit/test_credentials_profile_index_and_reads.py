"""The keyring's profile index changed under a lock, and a profile's stored secrets read at once.

The index (credentials.PROFILE_INDEX, the entry listing the profiles that have stored secrets,
since a keyring cannot be listed) is read, changed and rewritten by every `CredentialStore.set` of a
new profile: in a keyring as in the credentials file, that happens under the credentials file's lock,
so processes storing secrets for different profiles at once lose none of them from the index.

A connection's database URL gets back the secrets `config set` kept (password, sslpassword,
oauth_client_secret) with one read of the profile's entries: on the file store, one read of
credentials.json, not one (or two) per secret.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
from pathlib import Path

import keyring.core
import pytest
from keyring.backend import KeyringBackend
from psycopg.conninfo import conninfo_to_dict

PROCESSES = 4
PROFILES_EACH = 50


class FileKeyring(KeyringBackend):
    """A keyring whose entries are a JSON file: each call whole under its own flock, as an OS keyring
    serves each call, so only a read-modify-write spanning calls can lose an update. It names no
    priority, so keyring never chooses it by itself: a test installs it."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _entries(self, change=None):
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                entries = json.loads(self.path.read_text()) if self.path.exists() else {}
                if change is not None:
                    change(entries)
                    partial = self.path.with_name(f"{self.path.name}.{os.getpid()}")
                    partial.write_text(json.dumps(entries))
                    partial.replace(self.path)
                return entries
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def get_password(self, service, username):
        return self._entries().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        self._entries(lambda entries: entries.__setitem__(f"{service}/{username}", password))

    def delete_password(self, service, username):
        self._entries(lambda entries: entries.pop(f"{service}/{username}", None))


@pytest.fixture
def file_keyring(tmp_path, monkeypatch):
    """FileKeyring as the keyring backend of this process (and of the processes it forks)."""
    backend = FileKeyring(tmp_path / "keyring.json")
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    return backend


def _store_secrets_for_new_profiles(worker: int) -> None:
    from blogster_cli.credentials import CredentialStore

    for n in range(PROFILES_EACH):
        CredentialStore(f"p{worker}-{n}").set("session", f"token-{worker}-{n}")


def test_processes_storing_secrets_for_new_profiles_at_once_lose_none_from_the_index(
    file_keyring, isolated_environment
):
    from blogster_cli.credentials import PROFILE_INDEX, SERVICE, CredentialStore

    assert not CredentialStore("anyone").uses_file  # the keyring is the store, not the file
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=_store_secrets_for_new_profiles, args=(i,)) for i in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
        assert worker.exitcode == 0
    profiles = {f"p{i}-{n}" for i in range(PROCESSES) for n in range(PROFILES_EACH)}
    stored = json.loads(file_keyring.path.read_text())
    assert {key for key in stored if key.endswith(":session")} == {f"{SERVICE}/{p}:session" for p in profiles}
    assert set(json.loads(stored[f"{SERVICE}/{PROFILE_INDEX}"])) == profiles  # no update lost
    assert CredentialStore("default").known_profiles() == profiles
    assert not (isolated_environment / "credentials.json").exists()  # only the lock file is used
    assert (isolated_environment / "credentials.json.lock").exists()


URL = "postgresql://u@127.0.0.1:5999/db?oauth_client_id=x&oauth_issuer=https://i.example"
SECRETS = {"password": "pw-1", "sslpassword": "ssl-2", "oauth_client_secret": "oauth-3"}


@pytest.fixture
def read_count(monkeypatch):
    """How many times the credentials file has been read since the fixture was set up."""
    from blogster_cli import credentials

    reads = [0]
    real = credentials._read_file

    def counted(**kwargs):
        reads[0] += 1
        return real(**kwargs)

    monkeypatch.setattr(credentials, "_read_file", counted)
    return reads


def _config_url(home: Path, url: str) -> None:
    (home / "config.toml").write_text(f'[profiles.default]\ndatabase_url = "{url}"\n')


def _store(secrets: dict[str, str]) -> None:
    from blogster_cli.credentials import DATABASE_SECRET_KEYS, CredentialStore

    for name, secret in secrets.items():
        CredentialStore("default").set(DATABASE_SECRET_KEYS[name], secret)
    CredentialStore("other").set(DATABASE_SECRET_KEYS["password"], "another profile's")


@pytest.mark.parametrize("stored", [SECRETS, {"sslpassword": "ssl-2"}, {}], ids=["all three", "one", "none"])
def test_a_connection_reads_the_profiles_stored_secrets_from_the_file_once(isolated_environment, read_count, stored):
    from blogster_cli.context import AppContext

    _config_url(isolated_environment, URL)
    _store(stored)
    read_count[0] = 0
    ctx = AppContext()
    named = conninfo_to_dict(ctx.database.conninfo)
    assert read_count[0] == 1
    assert {name: named[name] for name in SECRETS if name in named} == stored


def test_a_secret_the_url_names_itself_is_taken_as_it_is(isolated_environment, read_count):
    from blogster_cli.context import AppContext

    _config_url(isolated_environment, URL.replace("u@", "u:own@"))
    _store(SECRETS)
    read_count[0] = 0
    named = conninfo_to_dict(AppContext().database.conninfo)
    assert read_count[0] == 1
    assert named["password"] == "own" and named["sslpassword"] == "ssl-2" and named["oauth_client_secret"] == "oauth-3"


@pytest.mark.parametrize("store", ["file", "keyring"])
def test_get_many_finds_what_get_finds_one_by_one(isolated_environment, request, store):
    from blogster_cli.credentials import CredentialStore

    if store == "keyring":
        request.getfixturevalue("file_keyring")
    CredentialStore("default").set("a", "1")
    CredentialStore("default").set("c", "3")
    CredentialStore("other").set("b", "other's")
    names = ["c", "b", "a", "d"]
    assert CredentialStore("default").get_many(names) == {"c": "3", "a": "1"}
    assert list(CredentialStore("default").get_many(names)) == ["c", "a"]  # in the order asked
    assert {name: CredentialStore("default").get(name) for name in names} == {"c": "3", "b": None, "a": "1", "d": None}
    assert CredentialStore("default").get_many([]) == {}
