"""Whether the database has every migration this Blogster ships, asked once per process.

A release that adds a migration and is run before `blogster db migrate` would otherwise run
its commands against the schema as it was: functions with their old bodies, answering as the
old release did while the new one reports what it no longer does. So a command's first
connection (db/connection.py, `Database.check_schema`) asks the migration record once, one
query, and a database missing a migration is refused with exit 6. The commands that work on the
schema itself (`db`, `doctor`, `quickstart`: cli/state.SCHEMA_COMMANDS) do not ask, nor does `auth logout`.

Kept apart from db/migrations.py, which imports the error translation: this runs on every
command, and imports nothing it does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from blogster_cli.errors import ConfigError, NotSetUp

if TYPE_CHECKING:
    from pathlib import Path

    import psycopg

NOT_SET_UP = "no Blogster database here yet: run `blogster quickstart`"
OLDER_SCHEMA = "the database is older than this Blogster: run `blogster db migrate`"

# Whether a shipped migration (the names joined by ',': they are [a-z0-9_]) is missing from the
# record, and whether the record holds any. One text parameter rather than an array of names: ~0.1
# ms against ~0.3, most of it psycopg building the array.
_MISSING_SQL = """
select exists (
  select from unnest(string_to_array(%s, ',')) shipped (name)
  where not exists (select from internal.schema_migrations m where m.name = shipped.name)
), exists (select from internal.schema_migrations)
"""


def migrations_dir() -> Path:
    """The SQL files: inside the wheel when installed, else the repository's db/migrations."""
    from blogster_cli.bundled import bundled_migrations

    folder = bundled_migrations()
    if folder is None:
        raise ConfigError("the SQL migrations are missing from this installation")
    return folder


def shipped() -> list[str]:
    """The shipped migrations' names (their files' without .sql), listed once per process."""
    from blogster_cli.bundled import migration_names

    return migration_names(migrations_dir())


def refuse_an_older_schema(conn: psycopg.Connection) -> None:
    """ConfigError unless every shipped migration is recorded as applied: NotSetUp when the record
    is empty or missing (a database never set up), else OLDER_SCHEMA.

    A database that also has migrations this Blogster lacks (a newer release's) passes, as before.
    A login that may not read the record (an account's own login on a shared server, the workers'
    own login) is not checked: the record is the administrator's to read, as `doctor` says.
    """
    import psycopg

    try:
        row = conn.execute(_MISSING_SQL, (",".join(shipped()),)).fetchone()
    except psycopg.errors.UndefinedTable:
        raise NotSetUp(NOT_SET_UP) from None
    except psycopg.errors.InsufficientPrivilege:
        row = None
    finally:
        if not conn.autocommit and not conn.closed:
            conn.rollback()  # the query's transaction: the caller gets the connection as it was
    if row is None:
        return
    missing, recorded = row
    if not recorded:
        raise NotSetUp(NOT_SET_UP)
    if missing:
        raise ConfigError(OLDER_SCHEMA)
