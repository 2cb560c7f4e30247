"""A command defines the SQLModel classes it uses, not a whole domain's: defining a class costs
SQLAlchemy's mapping and pydantic's schema, and `calendar month`, `flags list` and `chatbot intents
list` paid ~0.2 s for the other tables of `models.extended` or `models.system`; `newsletter list`,
`review list`, `crosspost status` and `ideas list` paid ~0.1-0.2 s likewise (newsletters, review,
cross-posting, ideas and the tables the generation repository reads have modules of their own,
which nothing re-exports). Each probe runs in a process of its own holding no module of this
package (a fork of a tests/fork_server.py server that loaded only third-party modules): which
modules a service's import brings is what a command's start-up pays."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fork_server import ForkServer
from tests.unit.test_model_modules import RESOLVE_EVERY_KEY

PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(" ".join(sorted(m for m in sys.modules if m.startswith("blogster_cli.models."))))
"""


@pytest.fixture(scope="module")
def probes() -> Iterator[ForkServer]:
    """The third-party modules every probe loads (~0.6 s of CPU a fresh interpreter), loaded once."""
    third_party = ["sqlalchemy.orm", "sqlalchemy.dialects.postgresql", "sqlmodel", "pydantic", "psycopg"]
    server = ForkServer(third_party, third_party_only=True)
    yield server
    server.close()


def _models_after(probes: ForkServer, *modules: str) -> set[str]:
    result = probes.run(PROBE, *modules)
    assert result.returncode == 0, result.stderr[-2000:]
    return {name.removeprefix("blogster_cli.models.") for name in result.stdout.split()}


@pytest.mark.parametrize(
    ("modules", "defined"),
    [
        (["blogster_cli.services.calendar", "blogster_cli.cli.calendar_views"], {"accounts", "content", "calendar"}),
        (["blogster_cli.services.flags"], {"accounts", "flags"}),
        (["blogster_cli.repositories.chatbot", "blogster_cli.services.chatbot"], {"accounts", "chatbot"}),
        (["blogster_cli.services.newsletters"], {"accounts", "newsletters"}),
        (["blogster_cli.services.review"], {"accounts", "content", "review"}),
        (["blogster_cli.services.crossposting"], {"accounts", "content", "republishing"}),
        (["blogster_cli.services.ideas"], {"accounts", "content", "ideas", "research", "social", "unblock"}),
    ],
)
def test_a_commands_service_defines_only_the_tables_it_uses(
    probes: ForkServer, modules: list[str], defined: set[str]
) -> None:
    assert _models_after(probes, *modules) == defined


@pytest.mark.parametrize(
    "module",
    ["calendar", "flags", "chatbot", "newsletters", "review", "republishing", "ideas", "research", "social", "unblock"],
)
def test_a_split_model_module_alone_resolves_every_foreign_key(probes: ForkServer, module: str) -> None:
    result = probes.run(RESOLVE_EVERY_KEY, f"blogster_cli.models.{module}")
    assert result.returncode == 0, result.stderr[-2000:]
