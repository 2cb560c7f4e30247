"""The workers' commands on an account's own login (a teammate's BLOGSTER_DATABASE_URL on a shared
server): every `workers` command said it needs the administrator's connection (exit 6), but
`serve-workers` (and `--once`) failed with "unexpected failure: Database error" (exit 1) at its
first query of the queue, whose schema that login cannot use. It says what it needs too, before
it starts; a worker login (`admin workers add`) still runs it (tests/cli/test_worker_logins_cli.py)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import error_message
from tests.cli.test_own_login_url_cli import carol  # noqa: F401  # the fixture

NEEDS = "needs the administrator's connection (superuser)"


@pytest.mark.parametrize(
    "command",
    [
        ("workers", "status"),
        ("workers", "retry", "1"),
        ("workers", "clean-notifications"),
        ("workers", "publish-due"),
        ("workers", "refill-credits"),
        ("workers", "ensure-partitions"),
        ("workers", "end-idle-chats"),
        ("workers", "reopen-logins"),
        ("workers", "refresh-analytics"),
        ("workers", "refresh-freshness"),
        ("workers", "post-social"),
        ("workers", "send-newsletters"),
        ("serve-workers", "--once"),
        ("serve-workers",),
    ],  # fmt: skip
)
def test_every_workers_command_on_an_own_login_says_it_needs_the_administrators_connection(cli, carol, command):  # noqa: F811
    url, login, password = carol
    result = cli("--profile", "carol", *command, env={"BLOGSTER_DATABASE_URL": url})
    message = error_message(result, 6)
    assert message.startswith(f"{' '.join(command[:2]) if command[0] == 'workers' else 'serve-workers'} {NEEDS}")
    assert password not in result.stderr + result.stdout


def test_serve_workers_names_the_login_and_the_worker_login_it_could_use(cli, carol):  # noqa: F811
    url, login, _ = carol
    result = cli("serve-workers", "--once", env={"BLOGSTER_DATABASE_URL": url})
    assert error_message(result, 6) == (
        f"serve-workers {NEEDS}, which sees every row, or a worker login (`blogster admin workers add`, in"
        f" BLOGSTER_WORKER_DATABASE_URL): BLOGSTER_DATABASE_URL logs in as {login}, which is neither"
    )
    as_worker = cli("serve-workers", "--once", env={"BLOGSTER_WORKER_DATABASE_URL": url})
    assert error_message(as_worker, 6).endswith(f": BLOGSTER_WORKER_DATABASE_URL logs in as {login}, which is neither")
