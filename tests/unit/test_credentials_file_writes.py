"""The credentials file (the store where there is no OS keyring) changed by several commands at once.

Each change reads, changes and rewrites the file under one lock (`credentials.json.lock` beside it,
held across the read, the change and the rewrite), through a temporary file of its own: two
profiles' `auth login`, `config set` or mail holds at once lose neither's secret, and none fails on
another's temporary file. The lock and the rewrite are the config file's (private_files.SharedPrivateFile).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import pytest

WRITER = """
import sys
from blogster_cli.credentials import CredentialStore
profile, count = sys.argv[1], int(sys.argv[2])
failed = lost = 0
for n in range(count):
    try:
        CredentialStore(profile).set("session", f"{profile}-{n}")
        if n % 2:
            CredentialStore(profile).delete("other")
        else:
            CredentialStore(profile).set("other", f"other-{n}")
    except Exception as exc:
        failed += 1
        print(type(exc).__name__, exc, file=sys.stderr)
    if CredentialStore(profile).get("session") != f"{profile}-{n}":
        lost += 1
print(failed, lost)
"""


def test_parallel_writers_keep_every_secret(isolated_environment):
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"p{i}", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for i in range(4)
    ]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert out.split() == ["0", "0"], err[-2000:]  # no write failed, no secret lost
    entries = json.loads((isolated_environment / "credentials.json").read_text())
    assert {key: value for key, value in entries.items() if key.endswith(":session")} == {
        f"p{i}:session": f"p{i}-59" for i in range(4)
    }
    assert not any(key.endswith(":other") for key in entries)  # each profile's last change: a delete
    assert sorted(json.loads(entries[":profiles"])) == ["p0", "p1", "p2", "p3"]
    assert (isolated_environment / "credentials.json").stat().st_mode & 0o777 == 0o600
    left = sorted(path.name for path in isolated_environment.iterdir() if "credentials" in path.name)
    assert left == ["credentials.json", "credentials.json.lock"]


def test_the_file_is_replaced_through_a_temporary_file_of_its_own(isolated_environment):
    from blogster_cli.credentials import CredentialStore

    CredentialStore("default").set("session", "one")
    (isolated_environment / "credentials.json.partial").mkdir()  # the old fixed name, taken by another writer
    CredentialStore("work").set("session", "two")
    CredentialStore("default").delete("session")
    entries = json.loads((isolated_environment / "credentials.json").read_text())
    assert entries["work:session"] == "two" and "default:session" not in entries


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(isolated_environment):
    """A write killed before its rename leaves a 0600 copy of every secret beside the file; the next
    write, holding the lock, removes it: only that name pattern, only files."""
    from blogster_cli.credentials import CredentialStore

    CredentialStore("default").set("session", "one")
    fd, left = tempfile.mkstemp(dir=isolated_environment, prefix=".credentials.json.", suffix=".partial")
    os.write(fd, b'{"default:session": "one", "work:')  # half of it, as the kill left it
    os.close(fd)
    kept = [".credentials.json.abc.partial", "config.toml.partial", ".config.toml.abcdefgh.partial"]
    for name in kept:
        (isolated_environment / name).write_text("kept")
    (isolated_environment / ".credentials.json.abcdefgh.partial").mkdir()  # not a file: kept

    CredentialStore("work").set("session", "two")
    assert not os.path.exists(left)
    for name in [*kept, ".credentials.json.abcdefgh.partial"]:
        assert (isolated_environment / name).exists(), name
    assert json.loads((isolated_environment / "credentials.json").read_text())["default:session"] == "one"


def test_an_older_versions_temporary_file_is_removed_by_the_next_write(isolated_environment):
    """Older versions wrote the file through `credentials.json.partial` (one fixed name, no lock): one
    killed before its rename left a 0600 copy of the secrets there, which nothing removed. The next
    write, holding the lock, removes it (a regular file only); a read does not."""
    from blogster_cli.credentials import CredentialStore

    left = isolated_environment / "credentials.json.partial"
    left.write_text('{"default:session": "older", "work:')
    left.chmod(0o600)
    assert CredentialStore("default").get("session") is None
    assert left.exists()  # a read changes nothing

    CredentialStore("work").set("session", "two")
    assert not left.exists()
    assert json.loads((isolated_environment / "credentials.json").read_text())["work:session"] == "two"

    target = isolated_environment / "elsewhere"
    target.write_text("not ours")
    left.symlink_to(target)  # a link there is not an older version's file: kept, never followed
    CredentialStore("work").set("session", "three")
    assert left.is_symlink() and target.read_text() == "not ours"


def test_the_lock_covers_the_read_the_change_and_the_rewrite(isolated_environment, monkeypatch):
    """While one command holds the file's lock, another's change waits for it, then reads the file
    as the first left it (nothing lost); past CREDENTIALS_LOCK_WAIT_S it stops with a ConfigError."""
    from blogster_cli import credentials
    from blogster_cli.credentials import CredentialStore
    from blogster_cli.errors import ConfigError

    CredentialStore("default").set("session", "one")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from blogster_cli.credentials import CredentialStore, file_lock\n"
            "with file_lock():\n"
            "    CredentialStore('held').set('session', 'held')\n"
            "    print('held', flush=True)\n"
            "    sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with monkeypatch.context() as patched:
            patched.setattr(credentials._shared_file(), "wait_s", 0.3)
            with pytest.raises(ConfigError, match="is being changed by another command"):
                CredentialStore("default").set("session", "two")
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=60)
    CredentialStore("default").set("session", "three")  # the lock is free again
    entries = json.loads((isolated_environment / "credentials.json").read_text())
    assert entries["held:session"] == "held" and entries["default:session"] == "three"


@pytest.mark.parametrize(
    "text",
    ['{"default:session": "kept", "work:', "[1, 2]", '{"default:session": 1}', "\udcff"],
    ids=["cut short", "not an object", "not a secret", "not UTF-8"],
)
def test_a_file_that_does_not_read_is_never_written_over(isolated_environment, text):
    """A credentials file that does not read as secrets (cut short by a full disk, a hand edit) is
    refused by a change, which names it: before, it read as empty, and the change's one entry was
    written over every secret it still held."""
    from blogster_cli.credentials import CredentialStore
    from blogster_cli.errors import ConfigError

    path = isolated_environment / "credentials.json"
    data = text.encode("utf-8", "surrogateescape")
    path.write_bytes(data)
    path.chmod(0o600)
    assert CredentialStore("default").get("session") is None  # a lookup finds nothing, and says nothing
    with pytest.raises(ConfigError, match="cannot be read as a credentials file"):
        CredentialStore("default").set("session", "new")
    with pytest.raises(ConfigError, match="move it aside"):
        CredentialStore("default").delete("session")
    assert path.read_bytes() == data
