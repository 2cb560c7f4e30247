"""The keyring backend is detected without keyring's macOS module searching for its frameworks off macOS.

Each run is a fresh interpreter: keyring detects its backend once per process. The developer's
environment chooses no backend here (no PYTHON_KEYRING_BACKEND), so detection really runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

DETECT = """
import ctypes.util, json, sys
searched = []
real_find_library = ctypes.util.find_library
ctypes.util.find_library = lambda name: searched.append(name) or real_find_library(name)
if sys.argv[1] == "ours":
    from blogster_cli.credentials import _usable_keyring
    _usable_keyring()
import keyring
from keyring.backend import get_all_keyring
print(json.dumps({
    "chosen": type(keyring.get_keyring()).__qualname__,
    "candidates": sorted(type(k).__module__ + "." + type(k).__qualname__ for k in get_all_keyring()),
    "searched": searched,
    "mac_api_loaded": sys.modules.get("keyring.backends.macOS.api") is not None,
    "mac_api_marker_left": "keyring.backends.macOS.api" in sys.modules and sys.modules["keyring.backends.macOS.api"] is None,
}))
"""


def detect(how: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    done = subprocess.run([sys.executable, "-c", DETECT, how], env=env, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(sys.platform == "darwin", reason="on macOS the macOS backend is the one to load")
def test_off_macos_the_same_backend_is_chosen_without_loading_the_macos_module():
    keyrings_own = detect("keyring")
    ours = detect("ours")

    assert keyrings_own["searched"] and keyrings_own["mac_api_loaded"] is False  # searched, then failed anyway
    assert ours["searched"] == []  # no ldconfig, compiler or linker run for frameworks that are not there
    assert ours["chosen"] == keyrings_own["chosen"]
    assert ours["candidates"] == keyrings_own["candidates"]
    assert ours["mac_api_marker_left"] is False  # sys.modules is left as keyring would have it
