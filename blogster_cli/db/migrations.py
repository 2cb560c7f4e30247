"""Forward-only SQL migrations: db/migrations/NNNN_name.sql, applied in order.

Each file runs in one transaction together with its record (name, checksum), under a
lock on internal.schema_migrations, so concurrent `migrate` runs apply each file once. A new
database (nothing applied yet) takes every file in one transaction instead: nobody can use it
before it is complete, a run stopped midway leaves it empty as one file's would, and the ownership
pass below runs once instead of after each of ~190 files (a new database in half the time: the
embedded server's first start, every `db restore`'s scratch copy).
User roles have no access to the `internal` schema, so no account can take that lock
(an advisory lock, used before, could be held by anyone and stalled migrate forever).
A run that waits longer than LOCK_WAIT_SECONDS stops with a one-line Conflict (exit 5).
A migration of a database in use waits at most OTHERS_LOCK_WAIT_SECONDS for a lock another session
holds (an account's transaction kept open on its own post waited it out forever, and every write queued
behind that wait: red team 56, F4); the file is then tried again after a pause, OTHERS_LOCK_TRIES times
in all, and the run stops with a one-line Conflict (exit 5) naming the sessions that held it up
(db/lock_holders.py), for an administrator to end or wait out. A new database is nobody's yet: no bound.
An applied file that was edited afterwards is refused rather than silently skipped.
A database holding what another role made (OTHERS_OBJECTS_SQL) is refused before anything runs
and again just before each ownership pass: each migration ends by giving every object to Blogster's
owner roles (internal.normalize_ownership), which would turn, say, an account's SECURITY DEFINER
function into one of blogster_definer's. A new database is first closed to objects of others
(NEW_DATABASE_SQL, committed before the check): 0001's and 0011's own revokes only take effect when
the batch holding them commits, and a login polling for the `internal` schema could plant a function
meanwhile (red team 51), or make a large object and stop the first migration (red team 52).
A new database is also refused while another role holds one of Blogster's cluster-wide privileged
roles, or ADMIN OPTION on one, without Blogster having granted it, or one of them can log in
(db/privileged_roles.py, as `doctor` says): 0001 would adopt such a role, and its holder could then
take it and act as the owner of every table, RLS bypassed. Looked at before anything runs and again
in the batch's transaction, after 0001 made or adopted the roles (one made meanwhile by another login).
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from blogster_cli.db import lock_holders, privileged_roles
from blogster_cli.db.errors import translating
from blogster_cli.db.rows import scalar
from blogster_cli.db.schema_version import migrations_dir
from blogster_cli.errors import ConfigError, Conflict

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    import psycopg

    from blogster_cli.db.connection import Database

MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql\Z")
LOCK_WAIT_SECONDS = 60.0
OTHERS_LOCK_WAIT_SECONDS = 5.0
OTHERS_LOCK_TRIES = 4
COLLISION_RETRIES = 12

NUMBERED_BELOW_SHIPPED = frozenset({"0189"})
"""The migrations (by number) that may be applied after later ones: numbered below files a release
already shipped (0190 to 0192), so a database of that release lacks them while it has those, and its
upgrade applies them last. Only these may be missing below a migration a backup lists (a restore
applies them after the rows, as that upgrade would): any other gap would have a restore apply an old
file over the newer ones that replaced its functions. New files number above every shipped one."""

BOOTSTRAP_SQL = """
create schema if not exists internal;
revoke all on schema internal from public;
create table if not exists internal.schema_migrations (
  name text primary key,
  checksum text not null,
  applied_at timestamptz not null default now()
);
"""


@dataclass(frozen=True)
class Migration:
    name: str
    path: Path
    checksum: str

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class MigrationState:
    migration: Migration
    applied_at: datetime | None


def discover(folder: Path | None = None) -> list[Migration]:
    folder = folder or migrations_dir()
    found = []
    for path in sorted(folder.glob("*.sql")):
        if not MIGRATION_FILE.match(path.name):
            raise ConfigError(f"{path.name}: migration files are named NNNN_lowercase_name.sql")
        found.append(Migration(path.stem, path, hashlib.sha256(path.read_bytes()).hexdigest()))
    numbers = [m.name[:4] for m in found]
    if len(numbers) != len(set(numbers)):
        raise ConfigError("two migrations share a number")
    return found


def _applied(conn: psycopg.Connection) -> dict[str, tuple[str, datetime]]:
    exists = scalar(conn.execute("select to_regclass('internal.schema_migrations') is not null"), bool)
    if not exists:
        return {}
    rows = conn.execute("select name, checksum, applied_at from internal.schema_migrations").fetchall()
    return {name: (checksum, applied_at) for name, checksum, applied_at in rows}


def _check_unchanged(migrations: list[Migration], applied: dict[str, tuple[str, datetime]]) -> None:
    for migration in migrations:
        recorded = applied.get(migration.name)
        if recorded and recorded[0] != migration.checksum:
            raise ConfigError(
                f"migration {migration.name} was edited after it was applied; "
                "add a new migration instead of changing an applied one"
            )


@translating
def status(db: Database) -> list[MigrationState]:
    migrations = discover()
    with db.connect() as conn:
        applied = _applied(conn)
    _check_unchanged(migrations, applied)
    return [MigrationState(m, applied[m.name][1] if m.name in applied else None) for m in migrations]


def pending(db: Database) -> list[Migration]:
    return [state.migration for state in status(db) if state.applied_at is None]


def _bootstrap(conn: psycopg.Connection) -> None:
    """Creates internal.schema_migrations once; a concurrent run creating it too is retried.

    Two runs bootstrapping at once collide on the schema's catalog row: the loser gets a
    duplicate-object error or, from the REVOKE, "tuple concurrently updated" (XX000). By
    then the winner has committed, so the retry finds the table and returns.
    """
    import psycopg

    racing = (
        psycopg.errors.UniqueViolation,
        psycopg.errors.DuplicateObject,
        psycopg.errors.DuplicateSchema,
        psycopg.errors.InternalError_,
    )
    _committed_despite_races(
        conn,
        BOOTSTRAP_SQL,
        racing,
        done=lambda: scalar(conn.execute("select to_regclass('internal.schema_migrations') is not null"), bool),
    )


def _committed_despite_races(
    conn: psycopg.Connection,
    statement: str,
    racing: tuple[type[Exception], ...],
    done: Callable[[], bool] = lambda: False,
) -> None:
    """Runs `statement` in a transaction of its own unless `done()`, once more (up to three tries) when
    it fails with one of `racing`: another run doing the same at the same moment, committed by then."""
    for attempt in range(3):
        if done():
            return
        try:
            with conn.transaction():
                conn.execute(statement)
            return
        except racing:
            if attempt == 2:
                raise


def _lock(conn: psycopg.Connection, wait_seconds: float) -> None:
    """Takes the runner's lock for this transaction, waiting at most `wait_seconds`.

    SHARE ROW EXCLUSIVE conflicts with itself and not with readers (`db status`).
    """
    import psycopg

    previous = scalar(conn.execute("select current_setting('lock_timeout')"), str)
    conn.execute("select set_config('lock_timeout', %s, true)", (f"{max(int(wait_seconds * 1000), 1)}ms",))
    try:
        with conn.transaction():
            conn.execute("lock table internal.schema_migrations in share row exclusive mode")
    except psycopg.errors.LockNotAvailable:
        raise Conflict(
            f"another migration is running (it has held the migration lock for over {wait_seconds:g}s);"
            " run `blogster db migrate` again when it has finished"
        ) from None
    conn.execute("select set_config('lock_timeout', %s, true)", (previous,))


# A new database closed to objects of others before its first migration, committed on its own: the
# same revokes as 0001 and 0011 (idempotent), which in the batch would only hold once it commits.
# Large objects too: one a login made meanwhile (lo_from_bytea needs no other right) is another's
# object, and stopped the first migration (red team 52).
NEW_DATABASE_SQL = """
do $$
begin
  if pg_catalog.to_regnamespace('public') is not null then
    revoke create on schema public from public;
  end if;
  execute pg_catalog.format('revoke temporary on database %I from public', pg_catalog.current_database());
  revoke execute on function pg_catalog.lo_creat(integer), pg_catalog.lo_create(oid),
    pg_catalog.lo_from_bytea(oid, bytea), pg_catalog.lo_import(text), pg_catalog.lo_import(text, oid)
    from public;
end
$$
"""

# Whether NEW_DATABASE_SQL has nothing left to do: several runs on one new database revoke at once,
# and each loser, trying again after the winner committed, finds it done (as the bootstrap does).
NEW_DATABASE_CLOSED_SQL = """
select not pg_catalog.has_database_privilege('public', pg_catalog.current_database(), 'TEMPORARY')
  and (pg_catalog.to_regnamespace('public') is null
       or not pg_catalog.has_schema_privilege('public', 'public', 'CREATE'))
  and not pg_catalog.has_function_privilege('public', 'pg_catalog.lo_creat(integer)', 'EXECUTE')
  and not pg_catalog.has_function_privilege('public', 'pg_catalog.lo_create(oid)', 'EXECUTE')
  and not pg_catalog.has_function_privilege('public', 'pg_catalog.lo_from_bytea(oid, bytea)', 'EXECUTE')
  and not pg_catalog.has_function_privilege('public', 'pg_catalog.lo_import(text)', 'EXECUTE')
  and not pg_catalog.has_function_privilege('public', 'pg_catalog.lo_import(text, oid)', 'EXECUTE')
"""

# Objects of this database owned by a role that is neither a superuser, nor the migrating login, nor
# one of Blogster's owner roles: no migration made them. CREATE DATABASE copies template1, and where
# PUBLIC may create in its `public` schema (a cluster made before PostgreSQL 15 and upgraded) anyone
# can put objects there for every database made from it later (red team 50). pg_shdepend records the
# owner of every object not owned by the bootstrap superuser; extension members are the extension's.
# An account's own default privileges (ALTER DEFAULT PRIVILEGES, which needs no right) are not objects:
# they only touch what that role makes, and refusing them let any account stop every upgrade.
OTHERS_OBJECTS_SQL = """
select pg_describe_object(d.classid, d.objid, d.objsubid), r.rolname::text
from pg_shdepend d join pg_roles r on r.oid = d.refobjid
where d.dbid = (select b.oid from pg_database b where b.datname = current_database())
  and d.deptype = 'o' and not r.rolsuper
  and d.classid <> 'pg_catalog.pg_default_acl'::pg_catalog.regclass
  and r.rolname <> current_user and r.rolname not in ('blogster_owner', 'blogster_definer')
  and not exists (select from pg_depend e where e.classid = d.classid and e.objid = d.objid and e.deptype = 'e')
order by 1
"""


def _close_new_database(conn: psycopg.Connection) -> None:
    """NEW_DATABASE_SQL, committed; concurrent runs on the same new database revoking at once
    collide on the schema's catalog row ("tuple concurrently updated"), and a loser tries again
    unless the winner has done it (four runs at once lost three rounds in a row: CI run 132)."""
    import psycopg

    _committed_despite_races(
        conn,
        NEW_DATABASE_SQL,
        (psycopg.errors.InternalError_,),
        done=lambda: scalar(conn.execute(NEW_DATABASE_CLOSED_SQL), bool),
    )


def _refuse_others_objects(conn: psycopg.Connection) -> None:
    """ConfigError naming what OTHERS_OBJECTS_SQL finds: dropped, the run can go on."""
    # The system catalog's names only: an object put in `public` is not called, and every object is
    # described with its schema. Set back after: in a migration's transaction, for what follows.
    with conn.transaction():
        previous = scalar(conn.execute("select pg_catalog.current_setting('search_path')"), str)
        conn.execute("select pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true)")
        found = conn.execute(OTHERS_OBJECTS_SQL).fetchall()
        conn.execute("select pg_catalog.set_config('search_path', %s, true)", (previous,))
    if not found:
        return
    what, owner = found[0]
    more = f" (and {len(found) - 1} more such)" if len(found) > 1 else ""
    raise ConfigError(
        f"the database holds {what}, owned by {owner}{more}, which no Blogster migration made (copied from the"
        " template database it was created from, or made while it migrated?): drop it as the administrator"
        " and migrate again"
    )


def _refuse_others_holding_privileged_roles(conn: psycopg.Connection) -> None:
    """ConfigError naming a role that holds one of the privileged roles without Blogster's grant, or one
    of them that can log in, with the statement that takes it back: run, the new database can migrate.
    Clean roles that exist already (another Blogster database on the server made them) are no reason."""
    holders = privileged_roles.unexpected_holders(conn)
    if holders:
        more = f" (and {len(holders) - 1} more such)" if len(holders) > 1 else ""
        first = holders[0]
        raise ConfigError(
            f"{first.describe()}{more}, which Blogster did not grant (it made the role before Blogster did, or was"
            f" given it): {first.member} could take the role and act as the owner of this database's tables, RLS"
            f" bypassed; take it back as a superuser ({first.revoke}; `blogster doctor` lists every such grant) and"
            " migrate again"
        )
    logins = privileged_roles.logins(conn)
    if logins:
        name, fix = logins[0]
        more = f" (and {len(logins) - 1} more such)" if len(logins) > 1 else ""
        raise ConfigError(
            f"{name} can log in{more}, which none of Blogster's privileged roles ever does: whoever has its"
            f" password acts as it, RLS bypassed; switch it off as a superuser ({fix}) and migrate again"
        )


def _secure_database(conn: psycopg.Connection) -> None:
    """Database-level privileges (migration 0011), which a copy of the database does not keep."""
    if scalar(conn.execute("select to_regprocedure('internal.secure_database()') is not null"), bool):
        conn.execute("select internal.secure_database()")


@translating
def apply(
    db: Database,
    *,
    dry_run: bool = False,
    until: str | None = None,
    only: Collection[str] | None = None,
    lock_wait_seconds: float = LOCK_WAIT_SECONDS,
    others_lock_wait_seconds: float = OTHERS_LOCK_WAIT_SECONDS,
    others_lock_tries: int = OTHERS_LOCK_TRIES,
) -> list[str]:
    """Applies what is pending (up to and including `until`, if given; of the names in `only`, if
    given: a restore's, as its backup lists them); returns the names applied (or, with dry_run,
    that would be)."""
    import psycopg

    migrations = discover()
    wanted = frozenset(
        m.name for m in migrations if (until is None or m.name <= until) and (only is None or m.name in only)
    )
    with db.connect() as conn:
        if dry_run:
            applied = _applied(conn)
            _check_unchanged(migrations, applied)
            return [m.name for m in migrations if m.name not in applied and m.name in wanted]
        applied = _applied(conn)
        if any(m.name not in applied and m.name in wanted for m in migrations):
            if not applied:
                _refuse_others_holding_privileged_roles(conn)
                _close_new_database(conn)
            _refuse_others_objects(conn)
        _bootstrap(conn)
        done: list[str] = []
        collisions = 0
        waits = 0
        while True:
            # The last try watches who holds it up, to name them if it waits out too.
            last_try = waits == others_lock_tries - 1
            watching: AbstractContextManager[list[str]] = (
                lock_holders.watched(db, conn.info.backend_pid, every_seconds=others_lock_wait_seconds / 5)
                if last_try
                else nullcontext([])
            )
            try:
                with watching as holders:
                    applied_now = _apply_next(conn, migrations, wanted, lock_wait_seconds, others_lock_wait_seconds)
            except _WaitedOut as waited:
                waits += 1
                if waits >= others_lock_tries:
                    raise Conflict(_held_up(waited.migration, others_lock_wait_seconds, waits, holders)) from None
                time.sleep(0.5 * 2 ** (waits - 1))  # 0.5 s, 1 s, 2 s...: let the holder finish
                continue
            except psycopg.errors.InternalError_:
                # Roles are shared by every database of a cluster: another database's
                # migration granting or altering the same role at this moment makes ours
                # fail with "tuple concurrently updated" once it commits. Nothing was kept;
                # try again. Several new databases at once (restores) collide in turn, one
                # winning per round, so the budget covers a dozen (red team 51).
                collisions += 1
                if collisions > COLLISION_RETRIES:
                    raise Conflict(
                        "other databases on this server kept changing Blogster's roles while this one"
                        " migrated; run `blogster db migrate` again"
                    ) from None
                time.sleep(random.uniform(0.05, 0.25))  # spread out, so the next round has one winner
                continue
            if not applied_now:
                return done
            done += applied_now
            waits = 0


class _WaitedOut(Exception):
    """A migration's statement waited out others_lock_wait_seconds for a lock another session holds."""

    def __init__(self, migration: str) -> None:
        super().__init__(migration)
        self.migration = migration


def _held_up(migration: str, wait_seconds: float, tries: int, holders: list[str]) -> str:
    """The one line for a migration that waited out every try."""
    waited = f"migration {migration} waited over {wait_seconds:g}s for a lock {tries} times"
    if not holders:
        return f"{waited} (its holders let go before they could be named); run `blogster db migrate` again"
    more = f" and {len(holders) - 3} more" if len(holders) > 3 else ""
    return (
        f"{waited}, held by {'; '.join(holders[:3])}{more}: end those sessions as the administrator"
        " (select pg_terminate_backend(pid)) or wait for them, then run `blogster db migrate` again"
    )


def _apply_next(
    conn: psycopg.Connection,
    migrations: list[Migration],
    wanted: frozenset[str],
    lock_wait_seconds: float,
    others_lock_wait_seconds: float,
) -> list[str]:
    """Applies the first pending migration, or every one in a new database, in one transaction
    with their records; [] when none is left. _WaitedOut when a database in use had a lock held
    longer than `others_lock_wait_seconds` (nothing kept)."""
    import psycopg

    with conn.transaction():
        _lock(conn, lock_wait_seconds)
        applied = _applied(conn)
        _check_unchanged(migrations, applied)
        todo = [m for m in migrations if m.name not in applied and m.name in wanted]
        if not todo:
            _secure_database(conn)
            return []
        batch = todo if not applied else todo[:1]
        if applied:  # a database in use: its sessions' locks are waited out a while, not forever
            conn.execute(
                "select set_config('lock_timeout', %s, true)", (f"{max(int(others_lock_wait_seconds * 1000), 1)}ms",)
            )
        try:
            for migration in batch:
                conn.execute(migration.sql)
            if not applied:  # a role another login made or was given while 0001 was about to make it
                _refuse_others_holding_privileged_roles(conn)
            _refuse_others_objects(conn)  # what another role made while the batch ran (red team 51)
            conn.execute("select internal.normalize_ownership()")
        except psycopg.errors.LockNotAvailable:
            raise _WaitedOut(batch[-1].name) from None
        conn.execute(
            "insert into internal.schema_migrations (name, checksum) select * from unnest(%s::text[], %s::text[])",
            ([m.name for m in batch], [m.checksum for m in batch]),
        )
    return [m.name for m in batch]
