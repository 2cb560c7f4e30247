"""Schema migrations as the user sees them: status, and migrate with a safety backup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from blogster_cli.config import home_dir
from blogster_cli.db import migrations
from blogster_cli.db.acting import admin_unit_of_work
from blogster_cli.db.connection import Database
from blogster_cli.db.rows import scalar


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
    Blogster's own `backups` folder (made private if missing)."""
    from blogster_cli.private_files import private_dir
    from blogster_cli.services import backup

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
    return migrations.status(db)


def admin_connection_string(db: Database) -> str:
    """The administrative login's connection string (`db dsn`); the embedded server is started
    first, so the socket it names exists."""
    if db.embedded is None:
        return db.conninfo
    with admin_unit_of_work(db):  # connecting starts the server
        pass
    return db.embedded.url()
