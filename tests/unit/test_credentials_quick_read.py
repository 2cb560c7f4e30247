"""A secret read from the credentials file where it is known to be the store, without keyring.

Each run is a fresh interpreter (keyring loads its backends once per process), with
PYTHON_KEYRING_BACKEND as the case needs it and BLOGSTER_HOME a fresh folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

READ = """
import json, sys
from blogster_cli.credentials import CredentialStore
store = CredentialStore("default")
found = store.get(sys.argv[1])
print(json.dumps({"found": found, "keyring_loaded": "keyring" in sys.modules}))
"""
CHOOSE = "from blogster_cli.credentials import CredentialStore; print(CredentialStore('default').uses_file)"


def python(code: str, *args: str, home, keyring_backend: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env["BLOGSTER_HOME"] = str(home)
    if keyring_backend is not None:
        env["PYTHON_KEYRING_BACKEND"] = keyring_backend
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    ).stdout


def read(name: str, **how) -> dict[str, object]:
    result: dict[str, object] = json.loads(python(READ, name, **how))
    return result


@pytest.fixture
def home(tmp_path):
    (tmp_path / "credentials.json").write_text(json.dumps({"default:session": "the-token"}))
    (tmp_path / "credentials.json").chmod(0o600)
    return tmp_path


def test_keyrings_own_setting_naming_no_keyring_reads_the_file_without_loading_keyring(home):
    assert read("session", home=home, keyring_backend="keyring.backends.fail.Keyring") == {
        "found": "the-token",
        "keyring_loaded": False,
    }


def test_the_noted_choice_of_the_file_reads_it_without_loading_keyring(home):
    assert read("session", home=home, keyring_backend=None)["keyring_loaded"] is True  # no note yet: the full way
    # The full way noted its choice. Where this machine has no keyring backend, that is the file:
    if python(CHOOSE, home=home, keyring_backend=None).strip() != "True":
        pytest.skip("this machine has a keyring backend: the file is not the store")
    assert (home / "keyring-choice").read_text() == "file"
    assert read("session", home=home, keyring_backend=None) == {"found": "the-token", "keyring_loaded": False}


def test_a_secret_missing_from_the_file_is_looked_for_the_full_way(home):
    (home / "keyring-choice").write_text("file")
    assert read("password", home=home, keyring_backend=None) == {"found": None, "keyring_loaded": True}


def test_a_keyring_noted_as_the_store_is_read_the_full_way(home):
    (home / "keyring-choice").write_text("keyring.backends.SecretService.Keyring")
    assert read("session", home=home, keyring_backend="keyring.backends.fail.Keyring")["found"] == "the-token"
    assert read("session", home=home, keyring_backend=None)["keyring_loaded"] is True
