"""The real corpora imported once per test process, into a database each test then clones.

Two tests each of tests/integration/test_import_export.py and test_import_own_export.py started
by importing ../shared/data's 1,255 posts (~1.5 s of the test process's CPU and as much of the
server's each time), the same way in both of a file's; what they test comes after, or is that
import's summary. A clone is a file copy of the database as the import left it, taken for one test
and dropped after it, so no test's writes reach another; the summaries are copied per test too.
A test that imports only a part of the corpora keeps its own import: cloned from a layout, its
queries would also read the other posts (each of its account's statements filters them out by RLS).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db.connection import Database
from blogster_cli.repositories import accounts
from blogster_cli.services import imports
from tests.conftest import RUN_ID, shared_data

# Per layout, its accounts in the order they import, each with the corpus folders (../shared/data/
# blog_md) it imports in one go.
LAYOUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "apart": {"jekyll": ("18f-jekyll",), "zola": ("rust-blog-zola",)},  # an account per corpus
    "together": {"both": ("18f-jekyll", "rust-blog-zola")},  # one account, one import of both
}


@dataclass(frozen=True)
class _Snapshot:
    database: str
    actors: dict[str, Actor]
    summaries: dict[str, imports.ImportSummary]


@dataclass
class ImportedCorpora:
    """A test's own clone: its database, the layout's accounts and what each one's import said."""

    db: Database
    accounts: dict[str, ActingUser]
    summaries: dict[str, imports.ImportSummary]
    password_hash: str = field(repr=False)

    def new_account(self) -> ActingUser:
        """Another account in the clone, made as tests/conftest.py's make_user makes one."""
        return ActingUser(self.db, _new_user(self.db, self.password_hash))


def _new_user(db: Database, password_hash: str) -> Actor:
    email = f"user-{uuid.uuid4().hex[:8]}@example.com"
    with db.connect() as conn, conn.transaction():
        user_id = accounts.insert_user(conn, email=email, password_hash=password_hash, metadata={})
        accounts.create_role(conn, role_name="u_" + user_id.hex, login_password=None)
    return Actor(user_id=user_id, email=email)


def _copy(server_conninfo: str, template: str, name: str) -> None:
    """`name`, a file copy of `template`, as tests/conftest.py's _ClonesAhead makes a test's database."""
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} template {} strategy file_copy").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
        conn.execute(sql.SQL("revoke temporary on database {} from public").format(sql.Identifier(name)))


def _snapshot(server_conninfo: str, template: str, password_hash: str, layout: str) -> _Snapshot:
    """The layout's accounts made and their imports run in a copy of the migrated template, which
    is then only ever copied (named like the run's test databases, dropped with them at its end)."""
    folders = {name: [shared_data("blog_md", folder) for folder in corpus] for name, corpus in LAYOUTS[layout].items()}
    name = f"blogster_test_{RUN_ID}_corpora_{layout}_{uuid.uuid4().hex[:6]}"
    _copy(server_conninfo, template, name)
    database = Database(make_conninfo(server_conninfo, dbname=name))
    actors, summaries = {}, {}
    try:
        for account, paths in folders.items():
            actors[account] = _new_user(database, password_hash)
            summaries[account] = imports.import_paths(ActingUser(database, actors[account]), paths=paths)
    finally:
        database.close()
    with psycopg.connect(server_conninfo, autocommit=True) as conn:  # a copy needs its template unused
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
            (name,),
        )
    return _Snapshot(name, actors, summaries)


@pytest.fixture(scope="session")
def _corpora_snapshots() -> dict[str, _Snapshot]:
    """The layouts imported so far in this test process, each made when a test first asks for it."""
    return {}


@pytest.fixture
def imported_corpora(
    server_conninfo: str, template_database: str, password_hash: str, _corpora_snapshots: dict[str, _Snapshot]
) -> Iterator[Callable[[str], ImportedCorpora]]:
    """imported_corpora(layout) -> a clone of the database holding LAYOUTS[layout]'s imports, for
    this test alone. Made lazily, in the test, so under its isolated environment (tests/conftest.py)."""
    clones: list[tuple[str, Database]] = []

    def clone(layout: str) -> ImportedCorpora:
        if layout not in _corpora_snapshots:
            _corpora_snapshots[layout] = _snapshot(server_conninfo, template_database, password_hash, layout)
        snapshot = _corpora_snapshots[layout]
        name = f"blogster_test_{RUN_ID}_corpora_{uuid.uuid4().hex[:10]}"
        _copy(server_conninfo, snapshot.database, name)
        database = Database(make_conninfo(server_conninfo, dbname=name))
        clones.append((name, database))
        return ImportedCorpora(
            db=database,
            accounts={account: ActingUser(database, actor) for account, actor in snapshot.actors.items()},
            summaries=copy.deepcopy(snapshot.summaries),
            password_hash=password_hash,
        )

    yield clone
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        for name, database in clones:
            database.close()
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
