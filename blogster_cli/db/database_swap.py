"""Replacing a database with a complete copy, so that a kill at any moment leaves one to use.

`db restore` loads a backup into a scratch database and then swaps it in. Each step is one
atomic catalog change, and the names say how far a restore got (`<db>` is the database's
name, cut short with a hash of it when long):

  <db>_restore_<id>    being loaded: incomplete
  <db>_ready_<id>      loaded, migrated and complete: may replace <db>
  <db>_replaced_<id>   the database it replaced, set aside until the new one is in place

The swap renames <db> to its _replaced_ name, then the _ready_ one to <db>, then drops the
_replaced_ one; at no moment is there neither a <db> nor a _ready_ copy to put in its place.
From start to end the restore keeps a session on the maintenance database named
`blogster restore <id> <db hash>` (a superuser's: no account can pose as one). While that
session lives, the names with its id are the restore's own; once it is gone (a kill closes
it) they are left over, and:

- <db> missing, a _ready_ copy present: the kill fell between the two renames; renaming the
  copy into place finishes the restore (`finish_interrupted`). The connection path does this
  when <db> does not exist (db/connection.py), so every command, `doctor` and `restore`
  itself find the database again;
- <db> missing, only a _replaced_ one (not a state the swap makes): it is put back;
- <db> present: the others are dropped by the next restore once no session uses them
  (`drop_abandoned`), and `doctor` lists them (`leftovers`). The killed restore's own
  sessions on its scratch copy (named `blogster restore-load <id>`) may outlive it while
  the server winds them down; they are ended first, anyone else's are waited for.

The scratch database is made from template0 (PostgreSQL's pristine template: template1 may hold
what others put in its `public` schema, which a copy would carry into Blogster's database) and
closed to every role but superusers until it replaces the database (no account can connect to it
and hold a lock its migrations wait on); the rename that puts it in place gives PUBLIC back the
CONNECT a database Blogster migrated has, in the same transaction.

DROP and CREATE DATABASE cannot run in a transaction: every function here takes an autocommit
superuser connection to the maintenance database (`maintenance`: only the system catalog's names
resolve there, connection.CATALOG_ONLY).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from blogster_cli.db.rows import scalar
from blogster_cli.errors import BlogsterError, Conflict

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

    from blogster_cli.db.connection import Database

    Connection = psycopg.Connection[tuple[Any, ...]]

MAINTENANCE_DATABASE = "postgres"
# What the scratch database is a copy of (module docstring). Tests whose subject is what a restore
# carries, not how it builds the schema, copy their migrated test template instead (tests/conftest.py).
SCRATCH_TEMPLATE = "template0"
LOCK_WAIT_SECONDS = 60
"""How long a statement on the maintenance connection waits for a lock (a role's record, which an
account changing its own password holds until its transaction ends) before it fails."""
OWNER_PREFIX = "blogster restore "
LOADER_PREFIX = "blogster restore-load "
STAGES = ("restore", "ready", "replaced")
ID_HEX = 12
MAX_NAME_BYTES = 63  # PostgreSQL's identifier limit (NAMEDATALEN - 1)
STEM_BYTES = MAX_NAME_BYTES - len("_replaced_") - ID_HEX
RENAME_ATTEMPTS = 20
FINISH_WAIT_SECONDS = 10.0
SETTLE_SECONDS = 2.0


def _stem(database: str) -> str:
    """The database's name, or for a long one its start and a hash, so every name fits."""
    raw = database.encode()
    if len(raw) <= STEM_BYTES:
        return database
    digest = hashlib.sha256(raw).hexdigest()[:8]
    return raw[: STEM_BYTES - 9].decode(errors="ignore") + "_" + digest


def _tag(database: str) -> str:
    return hashlib.sha256(database.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Swap:
    """One restore's names."""

    database: str
    id: str

    def name(self, stage: str) -> str:
        return f"{_stem(self.database)}_{stage}_{self.id}"

    @property
    def loading(self) -> str:
        return self.name("restore")

    @property
    def ready(self) -> str:
        return self.name("ready")

    @property
    def replaced(self) -> str:
        return self.name("replaced")

    @property
    def owner(self) -> str:
        """The application_name of the restore's session on the maintenance database."""
        return f"{OWNER_PREFIX}{self.id} {_tag(self.database)}"

    @property
    def loader(self) -> str:
        """The application_name of the restore's sessions on its scratch database: once the
        owner is gone, any left are the killed restore's own, still winding down."""
        return f"{LOADER_PREFIX}{self.id}"


@dataclass(frozen=True)
class Leftover:
    """A database an interrupted restore left behind."""

    name: str
    stage: str  # "restore" (half loaded), "ready" (never swapped in), "replaced" (the old one)
    size_bytes: int


@dataclass(frozen=True)
class _Found:
    name: str
    stage: str
    id: str
    oid: int


# -- the catalog ---------------------------------------------------------------------------


def _exists(conn: Connection, name: str) -> bool:
    return conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone() is not None


def _found(conn: Connection, database: str) -> list[_Found]:
    """The swap names of `database`, newest first."""
    pattern = re.compile(rf"^{re.escape(_stem(database))}_({'|'.join(STAGES)})_([0-9a-f]{{{ID_HEX}}})\Z")
    found = []
    for name, oid in conn.execute("select datname, oid::bigint from pg_database order by oid desc").fetchall():
        match = pattern.match(name)
        if match:
            found.append(_Found(name, match.group(1), match.group(2), int(oid)))
    return found


def _owners(conn: Connection) -> dict[str, tuple[int, str]]:
    """Running restores: their id -> (server process, database tag), from superusers' sessions only."""
    rows = conn.execute(
        "select a.application_name, a.pid from pg_stat_activity a join pg_roles r on r.oid = a.usesysid"
        " where r.rolsuper and a.application_name like %s and a.pid <> pg_backend_pid()",
        (OWNER_PREFIX + "%",),
    ).fetchall()
    owners = {}
    for application_name, pid in rows:
        parts = str(application_name)[len(OWNER_PREFIX) :].split(" ")
        if len(parts) == 2:
            owners[parts[0]] = (int(pid), parts[1])
    return owners


def _end_sessions(conn: Connection, name: str) -> None:
    """Ends every other session on `name`, waiting up to 5 s for each to go."""
    conn.execute(
        "select pg_catalog.pg_terminate_backend(pid, 5000) from pg_catalog.pg_stat_activity"
        " where datname = %s and pid <> pg_catalog.pg_backend_pid()",
        (name,),
    )


def end_sessions_but(conn: Connection, name: str, *, kept: int) -> int:
    """Ends every session on `name` but the server process `kept` (a restore's own, holding its
    sending work: services/backup.py) and this one, without waiting for them to go; returns how many."""
    row = conn.execute(
        "select count(*) filter (where pg_catalog.pg_terminate_backend(pid)) from pg_catalog.pg_stat_activity"
        " where datname = %s and pid <> pg_catalog.pg_backend_pid() and pid <> %s",
        (name, kept),
    ).fetchone()
    return int(row[0]) if row else 0


def _end_loaders(conn: Connection, item: _Found) -> None:
    """Ends what is left of an abandoned restore's own sessions on its copy (a killed client's
    server process can still be finishing a statement), waiting up to 5 s for each to go."""
    conn.execute(
        "select pg_catalog.pg_terminate_backend(pid, 5000) from pg_catalog.pg_stat_activity"
        " where datname = %s and application_name = %s and pid <> pg_catalog.pg_backend_pid()",
        (item.name, Swap("", item.id).loader),
    )


def _rename(conn: Connection, name: str, new_name: str, *, opened: bool = False) -> None:
    """ALTER DATABASE ... RENAME, which needs the database to itself: sessions on it are ended
    first, and a session that connects in between only costs another attempt. `opened`: a
    restore's copy put in place, which gets PUBLIC's CONNECT (`begin` took it) in the same
    transaction, so the database is never in place closed to the accounts."""
    import psycopg
    from psycopg import sql

    for attempt in range(RENAME_ATTEMPTS):
        _end_sessions(conn, name)
        try:
            with conn.transaction():
                conn.execute(
                    sql.SQL("alter database {} rename to {}").format(sql.Identifier(name), sql.Identifier(new_name))
                )
                if opened:
                    conn.execute(sql.SQL("grant connect on database {} to public").format(sql.Identifier(new_name)))
            return
        except psycopg.errors.ObjectInUse:
            if attempt == RENAME_ATTEMPTS - 1:
                raise Conflict(f"database {name} stayed in use by other sessions; try again") from None
            time.sleep(0.05)


def _allow_connections(conn: Connection, name: str, *, allowed: bool) -> None:
    from psycopg import sql

    conn.execute(
        sql.SQL("alter database {} with allow_connections {}").format(
            sql.Identifier(name), sql.SQL("true" if allowed else "false")
        )
    )


def _reopen_if_closed_by_a_killed_swap(conn: Connection, database: str) -> None:
    """Opens `database` to connections again when a restore killed between closing it and
    renaming it away (`swap_in`) left it closed: its complete copy stays beside it, for the next
    restore to drop. A database closed with no abandoned copy beside it is someone's choice."""
    row = conn.execute("select datallowconn from pg_database where datname = %s", (database,)).fetchone()
    if row is None or row[0]:
        return
    owners = _owners(conn)
    if any(item.stage == "ready" and item.id not in owners for item in _found(conn, database)):
        _allow_connections(conn, database, allowed=True)


def _drop(conn: Connection, name: str, *, force: bool) -> bool:
    """Drops `name`; without `force`, only if no client session uses it. Returns whether it is gone.

    The server itself judges "in use": it ends autovacuum workers on the database (which a fresh
    copy draws) and waits up to 5 s for sessions already ending, so neither keeps a copy
    behind; a session that stays is someone's, and the copy is left for a later run."""
    import psycopg
    from psycopg import sql

    statement = sql.SQL("drop database if exists {}").format(sql.Identifier(name))
    if force:
        statement += sql.SQL(" with (force)")
    try:
        conn.execute(statement)
    except psycopg.errors.ObjectInUse:
        return False
    return True


# -- a restore's steps ---------------------------------------------------------------------


def _running(conn: Connection, database: str) -> list[int]:
    """The server processes of the restores of `database` still running."""
    tag = _tag(database)
    return [pid for pid, owner_tag in _owners(conn).values() if owner_tag == tag]


def settle(conn: Connection, database: str, *, wait_seconds: float = SETTLE_SECONDS) -> None:
    """Gives a restore of `database` that is ending a moment to go: a client killed just now
    leaves its session for as long as the server takes to notice, and a re-run at once would
    otherwise take it for a restore still running."""
    deadline = time.monotonic() + wait_seconds
    while _running(conn, database) and time.monotonic() < deadline:
        time.sleep(0.05)


def begin(conn: Connection, database: str) -> Swap:
    """Names this session as a new restore's owner and creates its scratch database; refuses
    while another restore of `database` runs.

    The copy is made from template0, with the encoding and locale of `database` (of template1
    when there is none yet, as CREATE DATABASE would take them), and is closed to every role but
    superusers (no PUBLIC CONNECT or TEMPORARY) before the first connection to it may open."""
    from psycopg import sql

    running = _running(conn, database)
    if running:
        raise Conflict(
            f"another restore of database {database} is running (server process {running[0]}); wait for it to finish"
        )
    swap = Swap(database, uuid.uuid4().hex[:ID_HEX])
    # The session's name marks the restore as running for as long as it lives (not a role or a claim).
    conn.execute(sql.SQL("set application_name = {}").format(sql.Literal(swap.owner)))
    like = _locale_of(conn, database if _exists(conn, database) else "template1")
    conn.execute(
        sql.SQL("create database {} with template {} allow_connections false {}").format(
            sql.Identifier(swap.loading), sql.Identifier(SCRATCH_TEMPLATE), like
        )
    )
    conn.execute(sql.SQL("revoke connect, temporary on database {} from public").format(sql.Identifier(swap.loading)))
    _allow_connections(conn, swap.loading, allowed=True)
    return swap


_LOCALE_PROVIDERS = {"c": "libc", "i": "icu", "b": "builtin"}


def _locale_of(conn: Connection, name: str) -> sql.Composable:
    """CREATE DATABASE's options for the encoding and locale of the database `name`: a copy of
    template0 takes template0's otherwise. Read as the row's JSON, whose fields differ between
    server versions (daticulocale until 16, datlocale and the builtin provider from 17)."""
    from psycopg import sql

    row = conn.execute(
        "select pg_catalog.pg_encoding_to_char(d.encoding), pg_catalog.to_jsonb(d)"
        " from pg_catalog.pg_database d where d.datname = %s",
        (name,),
    ).fetchone()
    if row is None:
        return sql.SQL("")
    encoding, fields = row
    provider = _LOCALE_PROVIDERS.get(str(fields.get("datlocprovider")), "libc")
    options = [
        sql.SQL("encoding {}").format(sql.Literal(encoding)),
        sql.SQL("lc_collate {}").format(sql.Literal(fields["datcollate"])),
        sql.SQL("lc_ctype {}").format(sql.Literal(fields["datctype"])),
        sql.SQL("locale_provider {}").format(sql.SQL(provider)),
    ]
    locale = fields.get("datlocale") or fields.get("daticulocale")
    if provider != "libc" and locale:
        options.append(sql.SQL("{} {}").format(sql.SQL(f"{provider}_locale"), sql.Literal(locale)))
    if provider == "icu" and fields.get("daticurules"):
        options.append(sql.SQL("icu_rules {}").format(sql.Literal(fields["daticurules"])))
    return sql.SQL(" ").join(options)


def mark_ready(conn: Connection, swap: Swap) -> None:
    """The scratch database is complete: from here on it may replace the database."""
    _rename(conn, swap.loading, swap.ready)


def abandon(conn: Connection, swap: Swap) -> None:
    """Drops the restore's scratch database, whichever stage it reached (a failed restore)."""
    for name in (swap.loading, swap.ready):
        _drop(conn, name, force=True)


def swap_in(conn: Connection, swap: Swap) -> None:
    """Puts the ready copy in the database's place and drops the one it replaces. A failure
    between the renames puts the old one back; a kill there is finished by `finish_interrupted`."""
    had_one = _exists(conn, swap.database)
    if had_one:
        # No session comes in from here: a client that reconnects at once (a worker's pool) would
        # keep each attempt at the rename waiting the server's 5 s for it to leave. A kill before
        # the rename leaves it closed, which `finish_interrupted` undoes.
        _allow_connections(conn, swap.database, allowed=False)
        try:
            _rename(conn, swap.database, swap.replaced)
        except BaseException:
            with contextlib.suppress(Exception):
                _allow_connections(conn, swap.database, allowed=True)
            raise
    try:
        _rename(conn, swap.ready, swap.database, opened=True)
    except BaseException:
        if had_one and not _exists(conn, swap.database):
            _rename(conn, swap.replaced, swap.database)
            _allow_connections(conn, swap.database, allowed=True)
        raise
    if had_one:
        _drop(conn, swap.replaced, force=True)


# -- after a kill --------------------------------------------------------------------------


def finish_interrupted(conn: Connection, database: str, *, wait_seconds: float = FINISH_WAIT_SECONDS) -> bool:
    """When `database` does not exist, puts in its place what an interrupted restore left: its
    complete copy (finishing the restore), else the database it had set aside. A restore still
    running is given `wait_seconds` to finish its own swap. A database a killed swap left closed
    to connections is opened again. Returns whether `database` exists."""
    _reopen_if_closed_by_a_killed_swap(conn, database)
    deadline = time.monotonic() + wait_seconds
    while not _exists(conn, database):
        found = _found(conn, database)
        owners = _owners(conn)
        if any(item.id in owners for item in found) and time.monotonic() < deadline:
            time.sleep(0.05)  # a live restore between its renames: it finishes its own swap
            continue
        abandoned = [item for item in found if item.id not in owners]
        replaced_ids = {item.id for item in abandoned if item.stage == "replaced"}
        ready = sorted(
            (item for item in abandoned if item.stage == "ready"),
            key=lambda item: (item.id in replaced_ids, item.oid),
            reverse=True,
        )
        if ready:
            _rename(conn, ready[0].name, database, opened=True)
            _drop(conn, Swap(database, ready[0].id).replaced, force=False)
            return True
        replaced = [item for item in abandoned if item.stage == "replaced"]
        if not replaced:
            return False
        _rename(conn, replaced[0].name, database)
        return True
    return True


def drop_abandoned(conn: Connection, database: str) -> list[str]:
    """Drops what interrupted restores left beside an existing `database` (their half-loaded
    and never swapped-in copies, a database already replaced), each only once no session uses
    it; returns the names dropped. Run by a restore before it starts its own."""
    if not _exists(conn, database):
        return []
    owners = _owners(conn)
    found = [item for item in _found(conn, database) if item.id not in owners]
    unswapped = {item.id for item in found if item.stage == "ready"}
    dropped = []
    for item in found:
        if item.stage == "replaced" and item.id in unswapped:
            continue  # both halves of a swap beside a database someone made: for a person to judge
        _end_loaders(conn, item)
        if _drop(conn, item.name, force=False):
            dropped.append(item.name)
    return dropped


def exists(conn: Connection, name: str) -> bool:
    """Whether the database `name` exists."""
    return _exists(conn, name)


def not_swapped_in(conn: Connection, swap: Swap) -> bool:
    """After a failed `swap_in`: the database it would have replaced is in place and the ready
    copy still waits beside it (a failure between the renames that `finish_interrupted` would
    finish leaves no database, and is not this)."""
    return _exists(conn, swap.database) and _exists(conn, swap.ready)


@dataclass(frozen=True)
class ServerDatabase:
    """A database of the server, as a reader of every database's accounts sees it."""

    oid: int
    name: str
    connectable: bool  # False: connections switched off (ALLOW_CONNECTIONS false), so unreadable


def databases(conn: Connection) -> list[ServerDatabase]:
    """The server's databases, less PostgreSQL's pristine template0 (it takes no connection, and
    holds nothing) and those an interrupted DROP DATABASE left invalid (only dropping them is
    possible): where an account role may be in use, since roles are the cluster's."""
    rows = conn.execute(
        "select oid::bigint, datname, datallowconn from pg_database"
        " where datconnlimit <> -2 and not (datname = 'template0' and not datallowconn) order by datname"
    ).fetchall()
    return [ServerDatabase(int(oid), name, bool(allowed)) for oid, name, allowed in rows]


def restores_running(conn: Connection) -> bool:
    """Whether a restore of any database on the server runs in another session than this one:
    it creates and renames databases and gives roles their logins meanwhile."""
    return bool(_owners(conn))


def leftovers(conn: Connection, database: str) -> list[Leftover]:
    """What interrupted restores of `database` left (none of a restore still running)."""
    owners = _owners(conn)
    return [
        Leftover(item.name, item.stage, _size(conn, item.oid))
        for item in _found(conn, database)
        if item.id not in owners
    ]


@dataclass(frozen=True)
class LockWait:
    """What a statement of a restore waited for until its lock timeout: `what` in words, and the
    sessions holding it (server process, login) as the maintenance database sees them now."""

    what: str
    holders: list[tuple[int, str]]


_RELATION = re.compile(r'\bin relation "([^"]+)"')


def lock_wait(conn: Connection, swap: Swap, error: BaseException) -> LockWait:
    """What `error`, a lock timeout (55P03) of a restore's statement, waited for. PostgreSQL names
    the relation of a row it waited for (an account role's record, pg_authid, while its login changes
    its password in a transaction not yet ended), not the table of a table lock: then the holders are
    the other sessions on the scratch database (only superusers may connect to it)."""
    diag = getattr(error, "diag", None)
    named = _RELATION.search((diag.context if diag else None) or "")
    relation = named.group(1) if named else None
    shared = relation is not None and scalar(
        conn.execute(
            "select exists (select from pg_catalog.pg_class c where c.relname = %s and c.relisshared)", (relation,)
        ),
        bool,
    )
    if shared:
        rows = conn.execute(
            "select distinct l.pid, a.usename::text from pg_catalog.pg_locks l"
            " join pg_catalog.pg_stat_activity a on a.pid = l.pid"
            " where l.granted and l.database = 0 and l.pid <> pg_catalog.pg_backend_pid()"
            " and l.relation = (select c.oid from pg_catalog.pg_class c where c.relname = %s and c.relisshared)"
            " order by 1",
            (relation,),
        ).fetchall()
        what = "an account role's record (pg_authid)" if relation == "pg_authid" else f"the server's catalog {relation}"
    else:
        rows = conn.execute(
            "select pid, usename::text from pg_catalog.pg_stat_activity where datname in (%s, %s)"
            " and application_name is distinct from %s and pid <> pg_catalog.pg_backend_pid() order by 1",
            (swap.loading, swap.ready, swap.loader),
        ).fetchall()
        where = f"its scratch database {swap.loading}"
        what = f"the table {relation} of {where}" if relation else f"a table of {where}"
    return LockWait(what, [(int(pid), str(login)) for pid, login in rows])


def _size(conn: Connection, oid: int) -> int:
    row = conn.execute("select pg_database_size(%s::oid)", (oid,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


# -- entry points for other layers ---------------------------------------------------------


def maintenance(db: Database, *, lock_wait_seconds: float = LOCK_WAIT_SECONDS) -> Database:
    """`db`'s server and login on the maintenance database, where only the system catalog's names
    resolve (connection.CATALOG_ONLY) and a lock is waited for at most `lock_wait_seconds`."""
    return another_database(db, MAINTENANCE_DATABASE, lock_timeout=_milliseconds(lock_wait_seconds))


def scratch(db: Database, swap: Swap, *, lock_wait_seconds: float) -> Database:
    """`db`'s server and login on the restore's scratch database, its sessions named as the
    restore's own (`Swap.loader`), each lock waited for at most `lock_wait_seconds`."""
    return db.for_database(
        swap.loading, application_name=swap.loader, settings={"lock_timeout": _milliseconds(lock_wait_seconds)}
    )


def _milliseconds(seconds: float) -> str:
    return f"{max(int(seconds * 1000), 1)}ms"


def another_database(db: Database, name: str, **settings: str) -> Database:
    """`db`'s server and login on the database `name`, which is not Blogster's (or not this one's: it
    is read, never changed): only the system catalog's names resolve (connection.CATALOG_ONLY)."""
    from blogster_cli.db.connection import CATALOG_ONLY

    return db.for_database(name, settings={**CATALOG_ONLY, **settings})


def finish_interrupted_swap(db: Database) -> bool:
    """For the connection path, when `db`'s database does not exist: finishes a restore killed
    mid-swap (see `finish_interrupted`). Returns whether a retry may now connect; False also
    when the login may not rename databases or the maintenance database is out of reach."""
    import psycopg

    if db.database_name == MAINTENANCE_DATABASE:
        return False
    try:
        with maintenance(db).connect() as conn:
            if conn.info.parameter_status("is_superuser") != "on":
                return False
            return finish_interrupted(conn, db.database_name)
    except (psycopg.Error, BlogsterError):
        return False


def leftovers_of(db: Database) -> list[Leftover]:
    """`leftovers` of `db`'s database, for doctor; none when the login is not a superuser."""
    from blogster_cli.db.errors import translated_errors

    if db.database_name == MAINTENANCE_DATABASE:
        return []
    with translated_errors(), maintenance(db).connect() as conn:
        if conn.info.parameter_status("is_superuser") != "on":
            return []
        return leftovers(conn, db.database_name)
