"""Backups that restore completely: the database plus Blogster's roles.

Roles are cluster-wide, so a database-only dump restores without its policies'
roles or its accounts' logins. A backup is one tar file holding:
  manifest.json   format, versions, time
  roles.sql       Blogster's group roles and every account role, with memberships
                  and (shared server) login password hashes
  database.dump   pg_dump custom format of the database
It is taken by the administrative login (superuser), because under FORCE RLS a
non-privileged pg_dump silently dumps zero rows.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from blogster_cli import __version__
from blogster_cli.db.connection import Database
from blogster_cli.errors import BlogsterError, ConfigError, InvalidInput

BACKUP_FORMAT = 1
GROUP_ROLES = ("anon", "authenticated", "blogster_admin", "service_role", "blogster_owner", "blogster_definer")


def _client_binary(name: str, server_version_num: int) -> str:
    """pg_dump/pg_restore that suit the server.

    The wheel carries PostgreSQL 18 and 16 clients. An 18 pg_restore emits
    `SET transaction_timeout`, which servers before 17 reject, so older servers use
    the machine's own client of their major version if installed, else the 16 one.
    """
    from blogster_cli.db.embedded import package_install_dir

    major = server_version_num // 10000
    if major >= 17:
        return str(package_install_dir() / "bin" / name)
    machine = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if machine.exists():
        return str(machine)
    return str(package_install_dir().parent / "pginstall" / "bin" / name)


def _run(args: list[str]) -> None:
    try:
        subprocess.run(args, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        lines = (exc.stderr or "").strip().splitlines()
        raise BlogsterError(f"{Path(args[0]).name} failed: {lines[-1] if lines else exc.returncode}") from None


def _require_superuser(db: Database, what: str) -> None:
    if not db.login_is_superuser:
        raise ConfigError(f"{what} needs the administrator's connection (superuser), which sees every row")


ROLES_QUERY = """
select r.rolname, r.rolcanlogin, r.rolbypassrls, a.rolpassword
from pg_roles r join pg_authid a on a.oid = r.oid
where r.rolname = any(%(groups)s) or r.rolname in (select role_name from auth.users)
order by r.rolname
"""
MEMBERSHIP_QUERY = """
select g.rolname, m.rolname
from pg_auth_members am
join pg_roles g on g.oid = am.roleid
join pg_roles m on m.oid = am.member
where g.rolname = any(%(groups)s) and (m.rolname = any(%(groups)s) or m.rolname in (select role_name from auth.users))
order by 1, 2
"""


def roles_script(db: Database) -> str:
    """SQL that recreates Blogster's roles and memberships, tolerating ones that exist."""
    from psycopg import sql

    conn = db.connection()
    params = {"groups": list(GROUP_ROLES)}
    statements = []
    for name, can_login, bypassrls, password_hash in conn.execute(ROLES_QUERY, params):
        attributes = f"{'login' if can_login else 'nologin'} {'bypassrls' if bypassrls else 'nobypassrls'}"
        create = sql.SQL("create role {} {}").format(sql.Identifier(name), sql.SQL(attributes)).as_string(conn)
        alter = sql.SQL("alter role {} {}").format(sql.Identifier(name), sql.SQL(attributes)).as_string(conn)
        statements.append(f"do $$ begin {create}; exception when duplicate_object then {alter}; end $$;")
        if password_hash:
            statements.append(
                sql.SQL("alter role {} password {};")
                .format(sql.Identifier(name), sql.Literal(password_hash))
                .as_string(conn)
            )
    for group, member in conn.execute(MEMBERSHIP_QUERY, params):
        statements.append(
            sql.SQL("grant {} to {};").format(sql.Identifier(group), sql.Identifier(member)).as_string(conn)
        )
    return "\n".join(statements) + "\n"


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    size_bytes: int
    roles: int
    created_at: datetime


def backup(db: Database, path: Path) -> BackupSummary:
    _require_superuser(db, "backup")
    import tempfile

    path = path.expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(UTC)
    roles_sql = roles_script(db)
    server_version = db.connection().info.server_version
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / "database.dump"
        _run(
            [_client_binary("pg_dump", server_version), "--format=custom", "--file", str(dump), "--dbname", db.conninfo]
        )
        manifest = {
            "format": BACKUP_FORMAT,
            "created_at": created_at.isoformat(),
            "blogster_version": __version__,
            "server_version_num": server_version,
        }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            for name, data in (("manifest.json", json.dumps(manifest).encode()), ("roles.sql", roles_sql.encode())):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = int(created_at.timestamp())
                archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname="database.dump")
        partial.chmod(0o600)
        partial.replace(path)
    return BackupSummary(path, path.stat().st_size, roles_sql.count("create role"), created_at)


@dataclass(frozen=True)
class RestoreSummary:
    path: Path
    accounts: int
    roles_created: int
    migrations_applied: list[str]


def _read_backup(path: Path, scratch: Path) -> tuple[dict, str, Path]:
    try:
        with tarfile.open(path, "r") as archive:
            manifest = json.loads(archive.extractfile("manifest.json").read())
            roles_sql = archive.extractfile("roles.sql").read().decode()
            dump = scratch / "database.dump"
            dump.write_bytes(archive.extractfile("database.dump").read())
    except (OSError, KeyError, tarfile.TarError, ValueError, AttributeError):
        raise InvalidInput(f"{path} is not a Blogster backup") from None
    if manifest.get("format") != BACKUP_FORMAT:
        raise InvalidInput(f"{path}: unsupported backup format {manifest.get('format')!r}")
    return manifest, roles_sql, dump


def restore(db: Database, path: Path) -> RestoreSummary:
    """Replaces the database with the backup's, rebuilding roles first; then migrates."""
    import tempfile

    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from blogster_cli.db import migrations

    _require_superuser(db, "restore")
    path = path.expanduser().resolve()
    with tempfile.TemporaryDirectory() as scratch:
        _, roles_sql, dump = _read_backup(path, Path(scratch))
        params = conninfo_to_dict(db.conninfo)
        dbname = params.get("dbname") or params.get("user")
        maintenance = Database(make_conninfo(**{**params, "dbname": "postgres"}), embedded=db.embedded)
        db.close()
        with maintenance.connect() as conn:
            server_version = conn.info.server_version
            roles_before = {r for (r,) in conn.execute("select rolname from pg_roles")}
            conn.execute(roles_sql)
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(dbname)))
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(dbname)))
            roles_created = len({r for (r,) in conn.execute("select rolname from pg_roles")} - roles_before)
        _run(
            [
                _client_binary("pg_restore", server_version),
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                db.conninfo,
                str(dump),
            ]
        )
    reconcile_roles(db)
    applied = migrations.apply(db)
    with db.connect() as conn:
        try:
            accounts = conn.execute("select count(*) from auth.users").fetchone()[0]
        except psycopg.Error:
            accounts = 0
    return RestoreSummary(path, accounts, roles_created, applied)


def reconcile_roles(db: Database) -> int:
    """Creates a role for every account that lacks one (e.g. restored onto a new cluster)."""
    from blogster_cli.repositories import accounts

    conn = db.connection()
    created = 0
    with conn.transaction():
        for (role_name,) in conn.execute("select role_name from auth.users").fetchall():
            if not accounts.role_exists(conn, role_name=role_name):
                accounts.create_role(conn, role_name=role_name)
                created += 1
    return created
