"""`blogster db status` after `db restore` showed every migration applied at the restore's time: the
restore builds the schema by applying the migrations anew, and the backup did not say when they were
first applied. A backup now keeps each migration's time (manifest `migrations_applied_at`) and a
restore puts it back; a backup made before that restores as before, and the restore says so."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from blogster_cli.errors import InvalidInput
from blogster_cli.services import backup
from tests.integration.test_backup_plain_refusals import edited_manifest


def backdated(superuser) -> dict[str, datetime]:
    """Every migration's time set a year back, one minute apart (as a database migrated over time)."""
    superuser.execute(
        "update internal.schema_migrations m set applied_at = now() - interval '1 year'"
        " + (select count(*) from internal.schema_migrations o where o.name < m.name) * interval '1 minute'"
    )
    return dict(superuser.execute("select name, applied_at from internal.schema_migrations").fetchall())


def shown(cli) -> dict[str, datetime]:
    status = cli("db", "status", "--json")
    assert status.exit_code == 0, status.stderr
    return {row["migration"]: datetime.fromisoformat(row["applied_at"]) for row in status.json()}


def test_db_status_after_a_restore_shows_when_each_migration_was_first_applied(cli, signed_up, superuser, tmp_path):
    before = backdated(superuser)
    archive = tmp_path / "all.blogster-backup"
    assert cli("db", "backup", str(archive)).exit_code == 0
    superuser.close()
    restored = cli("db", "restore", str(archive), "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert "note:" not in restored.stderr
    assert shown(cli) == before


def test_a_backup_without_the_times_restores_and_says_status_shows_the_restores(cli, signed_up, superuser, tmp_path):
    backdated(superuser)
    archive = tmp_path / "all.blogster-backup"
    assert cli("db", "backup", str(archive)).exit_code == 0
    edited_manifest(archive, lambda manifest: manifest.pop(backup.MIGRATION_TIMES))  # as an earlier Blogster's
    superuser.close()
    restored = cli("db", "restore", str(archive), "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert "`blogster db status` shows them applied at this restore" in restored.stderr
    as_json = cli("db", "restore", str(archive), "--yes", "--json")
    assert as_json.exit_code == 0 and as_json.json()["migration_times_kept"] is False
    now = datetime.now().astimezone()
    assert all(now - at < timedelta(hours=1) for at in shown(cli).values())


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m[backup.MIGRATION_TIMES].popitem(),
        lambda m: m[backup.MIGRATION_TIMES].__setitem__("0001_roles_and_auth", "last spring"),
        lambda m: m[backup.MIGRATION_TIMES].__setitem__("0001_roles_and_auth", "2024-01-01T10:00:00"),  # no offset
        lambda m: m.__setitem__(backup.MIGRATION_TIMES, ["0001_roles_and_auth"]),
    ],
)
def test_times_of_the_wrong_shape_are_refused_and_change_nothing(cli, signed_up, superuser, db, tmp_path, edit):
    archive = tmp_path / "all.blogster-backup"
    assert cli("db", "backup", str(archive)).exit_code == 0
    edited_manifest(archive, edit)
    with pytest.raises(InvalidInput, match="migrations_applied_at"):
        backup.restore(db, path=archive)
    assert superuser.execute("select count(*) from auth.users").fetchone() == (1,)
