"""`crosspost` and `newsletter create` read a Jekyll post's body for readers (`content.liquid`) and
render it with no transaction open: that is the CPU's work, long for a big post, and `crosspost` did
it after recording its intent, its transaction idle with an xid (a row lock, and vacuum's horizon
held for every account) all along."""

from __future__ import annotations

from typing import Any

import pytest

from blogster_cli.content import liquid
from tests.cli.test_jekyll_liquid_for_readers_cli import SMALL, import_jekyll, warned
from tests.platform_servers import FakeForem

OPEN = (
    "select count(*) from pg_stat_activity"
    " where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null"
    " and backend_type = 'client backend'"  # not autovacuum, which may be at work on the database
)


@pytest.fixture
def open_while_read(monkeypatch, superuser) -> list[int]:
    """How many other transactions were open each time a body was read for readers."""
    seen: list[int] = []
    read = liquid.for_readers

    def checked(*args: Any, **kwargs: Any) -> liquid.ForReaders:
        seen.append(superuser.execute(OPEN).fetchone()[0])
        return read(*args, **kwargs)

    monkeypatch.setattr(liquid, "for_readers", checked)
    return seen


def test_no_transaction_is_open_while_a_body_is_read(cli, signed_up, tmp_path, http, platform_server, open_while_read):
    [small] = import_jekyll(cli, tmp_path, {"2024-05-01-herons.md": SMALL})
    _, env = platform_server("devto", FakeForem(http))
    sent = cli("crosspost", small, "--to", "devto", "--json", env=env)
    assert sent.exit_code == 0 and sent.json()[0]["action"] == "created", sent.stderr
    created = cli("newsletter", "create", "--blogs", small, "--subject", "Herons", "--json")
    assert created.exit_code == 0 and len(warned(created.stderr)) == 1, created.stderr
    assert open_while_read == [0, 0]
