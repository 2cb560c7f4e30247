"""Runs `blogster` in-process (fast) with the test database as its BLOGSTER_DATABASE_URL.

The URL logs in as the test server's superuser, so the CLI behaves exactly as on the
embedded server: accounts switch roles per unit of work.
"""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from pytest_httpserver import HTTPServer

from tests.platform_servers import (
    HASHNODE_TOKEN,
    TOKEN,
    WP_APP_PASSWORD,
    WP_USER,
    FakeForem,
    FakeHashnode,
    FakePlatform,
    FakeWordPress,
)
from tests.server_errors import quiet_when_the_client_left
from tests.smtp_server import MailRecorder, smtp_server


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def cli(db, monkeypatch, capsys):
    """cli("auth", "whoami", input="...") -> Result; resets the CLI's per-process state."""
    from blogster_cli.cli import output, state
    from blogster_cli.cli.entry import main

    monkeypatch.setenv("BLOGSTER_DATABASE_URL", db.conninfo)

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        if state._context is not None:
            state._context.database.close()
        state._context = None
        output.QUIET = False
        monkeypatch.setattr(sys, "argv", ["blogster", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(input or ""))
        capsys.readouterr()
        code = 0
        root = logging.getLogger()  # a command may log to the stream capsys swaps in (serve-workers does)
        handlers, level = root.handlers[:], root.level
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
        captured = capsys.readouterr()
        for key in env or {}:
            monkeypatch.delenv(key)
        return Result(code, captured.out, captured.err)

    yield run
    if state._context is not None:
        state._context.database.close()
    state._context = None


PASSWORD = "s3cret-enough-password"


@pytest.fixture
def signed_up(cli):
    """The first account (an admin), logged in."""
    result = cli("auth", "signup", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    return "ada@example.com"


def database_url(db, **changes: str | None) -> str:  # type: ignore[no-untyped-def]
    """The test database's URL without its password, with `changes` (a key given None is left out:
    `user=None` is a shared server's URL as an administrator hands it to a member)."""
    params = conninfo_to_dict(db.conninfo)
    params.pop("password", None)
    params.update(changes)
    return make_conninfo(**{key: value for key, value in params.items() if value is not None})


def error_message(result: Result, code: int, *, warnings_allowed: bool = False) -> str:
    """What a refused command said: it exited with `code` and wrote one `error: ` line, no traceback,
    and nothing else on stderr (but `warning: ` lines, where `warnings_allowed`); the line's message."""
    assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = [line for line in result.stderr.splitlines() if not (warnings_allowed and line.startswith("warning: "))]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    return lines[0].removeprefix("error: ")


REPO_ROOT_README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def http() -> Iterator[HTTPServer]:
    """A local HTTP server standing in for a remote platform (dev.to, Hashnode, X...); threaded,
    since racing runs of a command talk to it at once."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    quiet_when_the_client_left(server.server)
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[MailRecorder, str]]:
    """A local SMTP server (aiosmtpd) and its smtp:// URL; the recorder holds what it received."""
    with smtp_server() as server:
        yield server


# Per cross-post platform: its local server's class and the token `platforms connect` takes for it.
CROSSPOST_PLATFORMS: dict[str, tuple[type[FakePlatform], str]] = {
    "devto": (FakeForem, TOKEN),
    "hashnode": (FakeHashnode, HASHNODE_TOKEN),
    "wordpress": (FakeWordPress, f"{WP_USER}:{WP_APP_PASSWORD}"),
}


def connect(cli, platform: str, token: str) -> None:  # type: ignore[no-untyped-def]
    """`platforms connect` with the token on stdin, which no output repeats."""
    result = cli("platforms", "connect", platform, "--token-stdin", input=token + "\n")
    assert result.exit_code == 0, result.stderr
    assert token not in result.stdout + result.stderr


@pytest.fixture
def platform_server(cli, http) -> Callable[..., tuple[FakePlatform, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """`fake, env = platform_server("devto")`: the platform's local server started on `http`, the
    signed-up account connected to it, and the environment pointing the CLI at it. `fake=` takes a
    server of the test's own (a subclass, or one whose handler it wraps before it is installed)."""

    def start(platform: str, fake: FakePlatform | None = None) -> tuple[FakePlatform, dict[str, str]]:
        kind, token = CROSSPOST_PLATFORMS[platform]
        installed = (fake or kind(http)).install()  # type: ignore[attr-defined]
        connect(cli, platform, token)
        return installed, {f"BLOGSTER_{platform.upper()}_URL": installed.url}

    return start


class MemoryKeyring:
    """A keyring backend kept in a dict, standing in for the OS keyring."""

    priority = 10

    def __init__(self):
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        import keyring.errors

        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


NEWSLETTER_POST = "---\ntitle: Ten terminal habits\n---\nUse **tmux** every day.\n"


def make_newsletter(cli, tmp_path, post: str = NEWSLETTER_POST) -> str:  # type: ignore[no-untyped-def]
    """A newsletter of one published post (`post`, its markdown file), by id."""
    path = tmp_path / "post.md"
    path.write_text(post)
    made = cli("blogs", "new", "--from", str(path), "--status", "published", "--slug", "ten-terminal-habits")
    assert made.exit_code == 0, made.stderr
    created = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", "This week", "--json")
    assert created.exit_code == 0, created.stderr
    return str(created.json()["id"])


@pytest.fixture
def newsletter(cli, signed_up, tmp_path) -> str:
    return make_newsletter(cli, tmp_path)


@pytest.fixture
def memory_keyring(monkeypatch) -> MemoryKeyring:
    """An OS keyring for this test (the tests' own default is the 0600 credentials file)."""
    import keyring
    from keyring.backend import KeyringBackend

    backend = type("Memory", (MemoryKeyring, KeyringBackend), {})()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    return backend
