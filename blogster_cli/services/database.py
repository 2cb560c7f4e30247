"""Schema migrations as the user sees them: status, and migrate with a safety backup."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from blogster_cli.config import home_dir
from blogster_cli.db import migrations, other_databases
from blogster_cli.db.acting import admin_unit_of_work
from blogster_cli.db.connection import Database, LoginRefused
from blogster_cli.db.rows import scalar
from blogster_cli.errors import ConfigError, PermissionDenied


@dataclass(frozen=True)
class MigrateResult:
    applied: list[str]
    dry_run: bool
    backup: Path | None


def _has_data(db: Database) -> bool:
    with admin_unit_of_work(db) as conn:
        if not scalar(conn.execute("select to_regclass('auth.users') is not null"), bool):
            return False
        return scalar(conn.execute("select exists (select 1 from auth.users)"), bool)


def migrate(db: Database, *, dry_run: bool = False) -> MigrateResult:
    """Applies pending migrations; first backs up a database that already holds accounts, into
    Blogster's own `backups` folder (made private if missing). On the embedded server, Blogster's
    own, it also takes CONNECT on `postgres` and `template1` from PUBLIC (db/other_databases.py)."""
    with administrative_work("db migrate"):
        return _migrate(db, dry_run=dry_run)


@contextmanager
def administrative_work(what: str) -> Iterator[None]:
    """Work only the administrative login can do (the migration record is in `internal`, which no
    account reads): a refused login (a profile logged in with an account's own login has a URL
    without a user or password) or a login that may not read it says so, with exit 6."""
    from blogster_cli.services.backup import SUPERUSER_NEEDED, administrator_needed

    try:
        yield
    except LoginRefused as refused:
        raise administrator_needed(what, refused) from None
    except PermissionDenied:
        raise ConfigError(SUPERUSER_NEEDED.format(what=what)) from None


def _migrate(db: Database, *, dry_run: bool) -> MigrateResult:
    from blogster_cli.private_files import private_dir
    from blogster_cli.services import backup

    if db.embedded is not None and not dry_run:
        with admin_unit_of_work(db) as conn:  # Blogster's own server: no login needs them
            other_databases.close_own_server(conn)
    todo = migrations.pending(db)
    if dry_run or not todo:
        return MigrateResult([m.name for m in todo], dry_run, None)
    backup_path = None
    if _has_data(db):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = home_dir() / "backups"
        private_dir(folder)
        backup_path = folder / f"pre-migrate-{stamp}.blogster-backup"
        backup.backup(db, path=backup_path)
    return MigrateResult(migrations.apply(db), False, backup_path)


def status(db: Database) -> list[migrations.MigrationState]:
    with administrative_work("db status"):
        return migrations.status(db)


def admin_connection_string(db: Database) -> str:
    """The administrative login's connection string (`db dsn`); the embedded server is started
    first, so the socket it names exists."""
    if db.embedded is None:
        return db.conninfo
    with admin_unit_of_work(db):  # connecting starts the server
        pass
    return db.embedded.url()
