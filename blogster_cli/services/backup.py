"""Backups that restore a working installation, and restores that run nothing from the file.

A backup is one tar file (mode 0600 from its first byte) holding:
  manifest.json        format, versions, the migrations applied (and when), each table's columns,
                       sequence values, and the SHA-256 of every other member
  accounts.json        each account's role: can it log in, is it an admin, its SCRAM verifier
  data/<table>.copy    each table's rows in COPY text format
  media/<hash>.<ext>   the stored image files the rows refer to
It is taken by the administrative login (superuser), because under FORCE RLS a
non-privileged reader silently sees only its own rows.

A restore trusts nothing in the file to be code. It checks every member against the
manifest, builds the schema from Blogster's own migrations (up to the backup's), loads
the rows with COPY into tables named by the live catalog, and rebuilds account roles
from validated data (names `u_<32 hex>` that belong to a restored account, flags,
SCRAM verifiers). All of that happens in a scratch database; only when it has
succeeded does it replace the current one, so a refused file changes nothing, and the
swap leaves a database to use whenever the restore is killed (db/database_swap.py).

Both spill the rows to scratch files in a private folder under Blogster's home, one per run,
which the next backup or restore removes if the run was killed (scratch_folders.py).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import io
import json
import os
import re
import tarfile
from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import IO, Any, BinaryIO
from uuid import UUID

from blogster_cli import __version__
from blogster_cli.actors import is_account_login
from blogster_cli.db import database_swap, migrations
from blogster_cli.db.acting import Connection, admin_connection, admin_unit_of_work
from blogster_cli.db.connection import Database, LoginRefused
from blogster_cli.db.scram import is_verifier
from blogster_cli.errors import BlogsterError, ConfigError, Conflict, DatabaseUnavailable, FileSystemError, InvalidInput
from blogster_cli.private_files import (
    FILE_MODE,
    PARTIAL_SUFFIX,
    link_into_place,
    names_open_file,
    private_file,
    remove_unheld_partial,
)
from blogster_cli.repositories import accounts as account_rows
from blogster_cli.repositories import backup_data, outside_work
from blogster_cli.scratch_folders import scratch_folder
from blogster_cli.services import stray_logins
from blogster_cli.wording import already_exists

Carried = outside_work.Carried  # what a restore carried over (RestoreSummary.carried_over), for the front ends

BACKUP_FORMAT = 2
TABLE_MEMBER = re.compile(r"^data/([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)\.copy\Z")
MEDIA_MEMBER = re.compile(r"^media/([0-9a-f]{64}\.[a-z0-9]{1,5})\Z")
FIXED_MEMBERS = ("manifest.json", "accounts.json")
FORMAT_1_MEMBERS = ("roles.sql", "database.dump")
HASH_CHUNK = 1 << 20


SUPERUSER_NEEDED = "{what} needs the administrator's connection (superuser), which sees every row"


def administrator_needed(what: str, refused: LoginRefused) -> ConfigError:
    """The work needs the administrative login and the server refused the database URL's own: a
    profile that logs in with an account's own login (`auth login --login`) has a URL without a
    user or password, which `db` commands cannot use (exit 6, as for a login that is no superuser)."""
    return ConfigError(
        f"{SUPERUSER_NEEDED.format(what=what)}, and {refused}: give the administrator's URL in"
        " BLOGSTER_DATABASE_URL (an account's own login, from `auth login --login`, cannot do this)"
    )


def require_superuser(db: Database, what: str) -> None:
    """ConfigError unless `db` logs in as a superuser (also when the server refuses its login)."""
    try:
        superuser = db.login_is_superuser
    except LoginRefused as refused:
        raise administrator_needed(what, refused) from None
    if not superuser:
        raise ConfigError(SUPERUSER_NEEDED.format(what=what))


def _media_dir() -> Path:
    from blogster_cli.services.media_files import media_dir

    return media_dir()


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    size_bytes: int
    roles: int
    images: int
    created_at: datetime


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _write_scratch(scratch: Path, name: str, write: Callable[[BinaryIO], object]) -> Path:
    """A scratch file (0600, in the run's private scratch folder: scratch_folders.py) filled by write(handle)."""
    path = scratch / name.replace("/", "__")
    with private_file(path) as handle:
        write(handle)
    return path


@dataclass(frozen=True)
class _Snapshot:
    """One consistent read of the database, its rows already in scratch files."""

    table_files: dict[str, Path]
    tables: dict[str, list[str]]
    sequences: dict[str, int]
    roles: list[backup_data.AccountRole]
    images: list[str]
    migrations: list[list[str]]
    migration_times: dict[str, str]
    """When each migration was applied (ISO 8601), kept so a restore keeps them (MIGRATION_TIMES)."""
    server_version: int


def _snapshot(db: Database, scratch: Path) -> _Snapshot:
    """Reads everything in one repeatable-read transaction, so the rows agree with each other."""
    with admin_connection(db, autocommit=False) as conn:
        conn.execute("set transaction isolation level repeatable read, read only")
        tables = backup_data.tables(conn)
        table_files = {
            table: _write_scratch(scratch, f"{table}.copy", partial(backup_data.copy_out, conn, table, columns))
            for table, columns in tables.items()
        }
        snapshot = _Snapshot(
            table_files=table_files,
            tables=tables,
            sequences={name: value for name, value in backup_data.sequences(conn).items() if value is not None},
            roles=backup_data.account_roles(conn),
            images=[path for path in backup_data.image_paths(conn) if MEDIA_MEMBER.match(f"media/{path}")],
            migrations=[list(row) for row in backup_data.applied_migrations(conn)],
            migration_times={name: at.isoformat() for name, at in backup_data.migration_times(conn).items()},
            server_version=conn.info.server_version,
        )
        conn.rollback()
    return snapshot


def backup(db: Database, *, path: Path, force: bool = False) -> BackupSummary:
    """Writes the backup file; refuses to replace an existing one unless `force`."""
    require_superuser(db, "db backup")
    path = path.expanduser().resolve()
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        raise Conflict(already_exists(path))
    if not path.parent.is_dir():  # a typo in the folder must not put the backup in a new one (as calendar export)
        missing = "not a folder" if path.parent.exists() else "no such folder"
        raise InvalidInput(f"cannot write {path}: {missing} {path.parent}")
    if not os.access(path.parent, os.W_OK):  # said now, before the snapshot (a read-only mount: even for root)
        raise _not_writable(path)
    created_at = datetime.now(UTC)
    with scratch_folder("backup") as scratch:
        snapshot = _snapshot(db, scratch)
        accounts_json = [
            {
                "role_name": role.role_name,
                "can_login": role.can_login,
                "admin": role.admin,
                # Only SCRAM verifiers are carried; an md5 hash (old servers) means a password reset.
                "password_verifier": role.password_verifier if is_verifier(role.password_verifier or "") else None,
            }
            for role in snapshot.roles
        ]
        members = {f"data/{table}.copy": file for table, file in snapshot.table_files.items()}
        members["accounts.json"] = _write_scratch(
            scratch, "accounts.json", lambda handle: handle.write(json.dumps(accounts_json, indent=1).encode())
        )
        media = _media_dir()
        stored_images = [name for name in snapshot.images if (media / name).is_file()]
        members.update({f"media/{name}": media / name for name in stored_images})
        manifest = {
            "format": BACKUP_FORMAT,
            "created_at": created_at.isoformat(),
            "blogster_version": __version__,
            "server_version_num": snapshot.server_version,
            "migrations": snapshot.migrations,
            MIGRATION_TIMES: snapshot.migration_times,
            "tables": snapshot.tables,
            "sequences": snapshot.sequences,
            "members": {name: _sha256_of(file) for name, file in members.items()},
        }
        try:
            _write_archive(path, json.dumps(manifest, indent=1).encode(), members, created_at, force=force)
        except OSError as exc:
            # The backup's own file could not be made in a folder that is there: the folder is not
            # writable (/proc answers "no such file or directory").
            made_here = exc.filename is not None and Path(os.fsdecode(exc.filename)).parent == path.parent
            if made_here and exc.errno in _NOT_WRITABLE and path.parent.is_dir():
                raise _not_writable(path, exc) from None
            raise FileSystemError.writing(path, exc) from None
    return BackupSummary(path, path.stat().st_size, len(snapshot.roles), len(stored_images), created_at)


_NOT_WRITABLE = {errno.ENOENT, errno.EROFS, errno.EACCES, errno.EPERM}


def _not_writable(path: Path, exc: OSError | None = None) -> FileSystemError:
    """'cannot write PATH: FOLDER is read-only' (a read-only file system) or '... is not writable'
    (its permissions, or a file system that makes no files, as /proc), naming the reason if it is another."""
    try:
        read_only = bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    why = "is on a read-only file system" if read_only or (exc and exc.errno == errno.EROFS) else "is not writable"
    reason = f" ({exc.strerror.lower()})" if exc and exc.strerror and exc.errno in (errno.EACCES, errno.EPERM) else ""
    return FileSystemError(f"cannot write {path}: the folder {path.parent} {why}{reason}")


def _write_archive(path: Path, manifest: bytes, members: dict[str, Path], created_at: datetime, *, force: bool) -> None:
    """The tar, written to `path.partial` (0600 from creation) and put in place when complete."""
    mtime = int(created_at.timestamp())
    with _backup_file(path, force=force) as handle, tarfile.open(fileobj=handle, mode="w") as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size, info.mtime, info.mode = len(manifest), mtime, 0o600
        archive.addfile(info, io.BytesIO(manifest))
        for name, file in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = file.stat().st_size, mtime, 0o600
            with file.open("rb") as source:
                archive.addfile(info, source)


BEING_WRITTEN = "another `blogster db backup` is writing {path} now; wait for it, or give another file name"


@contextmanager
def _backup_file(path: Path, *, force: bool) -> Iterator[BinaryIO]:
    """A new private file for the backup at `path`, written as `path.partial`, which the run holds
    (flock) to the end: a second backup to the same file is refused (Conflict) instead of writing
    over it. Complete, it is linked into place, which fails if `path` exists by then (two backups
    to one new file: the second is refused, never silently replaced); with `force`, renamed over
    it. On any failure the partial is removed (it is ours: we hold it) and `path` is untouched."""
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    with os.fdopen(_claim_partial(partial, path), "wb") as handle:  # closing it lets go of the partial
        try:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            if force:
                os.replace(partial, path)
            else:
                _link_into_place(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise


def _claim_partial(partial: Path, path: Path) -> int:
    """A descriptor of `partial`, created by this run (0600, O_EXCL: never a file or link someone
    left there) and locked by it. A partial a killed run left is removed first; one a running
    backup holds is a Conflict."""
    for _attempt in range(3):
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
        except FileExistsError:  # a killed run's is ours to replace, and a link or file planted there too
            if not remove_unheld_partial(partial, name_needed=True):
                raise Conflict(BEING_WRITTEN.format(path=path)) from None
            continue
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while another run looks at it, an instant
        if names_open_file(partial, fd):
            return fd
        os.close(fd)  # another run took it for a killed run's in that instant and removed it
    raise Conflict(BEING_WRITTEN.format(path=path))


def _link_into_place(partial: Path, path: Path) -> None:
    """private_files.link_into_place, a file already at `path` said as a Conflict."""
    try:
        link_into_place(partial, path)
    except FileExistsError:
        raise Conflict(already_exists(path)) from None


# -- restore ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreSummary:
    path: Path
    accounts: int
    roles_created: int
    images: int
    migrations_applied: list[str]
    logins_switched_off: int = 0
    """Account roles that could still log in with no account in any database: now NOLOGIN."""
    emails: list[str] = field(default_factory=list)
    """The restored accounts' emails, in alphabetical order."""
    backup_created_at: datetime | None = None
    """When the backup was made (its manifest's time)."""
    migration_times_kept: bool = True
    """Each migration the backup had keeps when it was applied (`db status`); False for a backup made
    before backups held those times: `db status` shows them applied at the restore."""
    carried_over: outside_work.Carried = field(default_factory=outside_work.Carried)
    """The records of work done outside since the backup (mails, remote posts), taken from the
    database it replaced so that none of it is done again (_outside_work_held)."""
    not_carried_over: str | None = None
    """What of them did not come over, and why (None: they all did, or there was no database): the
    database it replaced could not be read, or some accounts' records could not be read or carried
    over (each named). Mails and posts done since the backup may be done again."""


@dataclass(frozen=True)
class BackupAccount:
    id: UUID
    email: str
    live: bool = True  # False: a shared-server account awaiting a purge, which cannot sign in


@dataclass(frozen=True)
class BackupContents:
    """What a backup holds, as a restore's question names it."""

    path: Path
    created_at: datetime | None
    accounts: list[BackupAccount]  # by email

    def holds(self, account: UUID) -> bool:
        """Whether this account can sign in once the backup is restored (it is in it, not awaiting a purge)."""
        return any(held.id == account and held.live for held in self.accounts)


# A restore's stages, in order: `restore(on_stage=...)` hears each name as it starts. The longest are
# building the schema (every migration, in the scratch database) and putting it in place (the
# database it replaces is dropped).
RESTORE_STAGES = ("reading the backup", "building the schema", "loading the rows", "putting it in place")


def _no_stage(name: str) -> None:
    pass


@dataclass(frozen=True)
class _CheckedBackup:
    """A backup whose members all matched the manifest, extracted under a scratch folder."""

    manifest: dict[str, Any]
    accounts: list[backup_data.AccountRole]
    tables: dict[str, Path]
    media: dict[str, Path]
    migration_times: dict[str, datetime] | None = None
    """When each of its migrations was applied (None: a backup made before backups held them)."""


def _refuse(path: Path, why: str) -> InvalidInput:
    return InvalidInput(f"{path} is not a usable Blogster backup: {why}")


def _unreadable(path: Path, opened: bool) -> InvalidInput:
    """The refusal of a file tarfile could not read: a backup cut short (a copy or download that
    stopped, a full disk) reads as a tar until its end; what never opened as one is none."""
    if opened or _starts_as_backup(path):
        return _refuse(path, "it is damaged or truncated (it ends before the archive does)")
    return _refuse(path, "it is empty" if _is_empty(path) else "not a tar archive")


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


def _starts_as_backup(path: Path) -> bool:
    """Whether the file starts as every backup does (its first member's name, manifest.json): one cut
    within its first 512 bytes (no whole tar header) is a truncated backup, not some other file."""
    first = FIXED_MEMBERS[0].encode() + b"\0"
    try:
        with path.open("rb") as handle:
            start = handle.read(len(first))
    except OSError:
        return False
    return bool(start) and first.startswith(start)


def _members(archive: tarfile.TarFile, path: Path) -> list[tarfile.TarInfo]:
    """The archive's members, read from their headers (seeking past the data); refused if the file
    ends before the last one's data does (tarfile reads a cut-off header as the archive's end)."""
    members = archive.getmembers()
    size = path.stat().st_size
    if any(member.offset_data + member.size > size for member in members):
        raise _unreadable(path, opened=True)
    return members


def _ends_as_an_archive_does(path: Path, members: list[tarfile.TarInfo]) -> bool:
    """Whether the file holds the two empty blocks that end a tar after its last member's data (a
    backup cut between two members reads as a shorter archive without them)."""
    blocks = [member.offset_data + -(-member.size // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE for member in members]
    return path.stat().st_size >= max(blocks, default=0) + 2 * tarfile.BLOCKSIZE


def _checked_member(path: Path, member: tarfile.TarInfo, seen: Container[str]) -> str:
    """The member's name, if it is one a backup holds (a regular file, named as its members are, once)."""
    name = member.name
    if not member.isreg():
        raise _refuse(path, f"member {name!r} is not a regular file")
    if name in FORMAT_1_MEMBERS:
        raise _refuse(
            path,
            "it is an older Blogster's backup (format 1), whose restore ran SQL from the file; "
            "this version does not restore it",
        )
    if name not in FIXED_MEMBERS and not TABLE_MEMBER.match(name) and not MEDIA_MEMBER.match(name):
        raise _refuse(path, f"unexpected member {name!r}")
    if name in seen:
        raise _refuse(path, f"member {name!r} appears twice")
    return name


def _checked_manifest(path: Path, text: bytes) -> dict[str, Any]:
    """The manifest, if it is a current backup's."""
    try:
        manifest = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(path, "manifest.json is not JSON") from None
    if not isinstance(manifest, dict):
        raise _refuse(path, "manifest.json is not an object")
    if manifest.get("format") != BACKUP_FORMAT:
        raise _refuse(
            path,
            f"format {manifest.get('format')!r}; this Blogster restores format {BACKUP_FORMAT} "
            "(earlier formats ran SQL from the file and are no longer restored)",
        )
    return manifest


def _extract(path: Path, scratch: Path) -> tuple[dict[str, Path], bool]:
    """Copies each member to a scratch file of our own naming; never trusts member paths. With it,
    whether the archive ends as one does (_ends_as_an_archive_does)."""
    extracted: dict[str, Path] = {}
    opened = False
    try:
        with tarfile.open(path, "r:") as archive:
            opened = True
            members = _members(archive, path)
            for member in members:
                name = _checked_member(path, member, extracted)
                source = archive.extractfile(member)
                assert source is not None  # a regular member always has a stream (checked above)
                extracted[name] = _write_scratch(scratch, name, partial(_copy_stream, source))
    except (tarfile.TarError, EOFError):  # an OSError (the file unreadable, no room for the scratch copy) is one
        raise _unreadable(path, opened) from None
    return extracted, _ends_as_an_archive_does(path, members)


def contents(*, path: Path) -> BackupContents:
    """When a backup was made and its accounts (id and email), read without restoring it: its
    manifest and its accounts' rows, checked against the manifest's checksums, and its members'
    headers (a file cut short is refused as a restore would refuse it). Nothing is extracted."""
    path = path.expanduser().resolve()
    found: dict[str, bytes] = {}
    opened = False
    try:
        with tarfile.open(path, "r:") as archive:
            opened = True
            seen: set[str] = set()
            members = _members(archive, path)
            for member in members:
                seen.add(_checked_member(path, member, seen))
                if member.name in ("manifest.json", USERS_MEMBER):
                    source = archive.extractfile(member)
                    assert source is not None  # a regular member always has a stream (checked)
                    found[member.name] = source.read()
            complete = _ends_as_an_archive_does(path, members)
    except (tarfile.TarError, EOFError):
        raise _unreadable(path, opened) from None
    if "manifest.json" not in found:
        raise _refuse(path, "it has no manifest.json")
    manifest = _checked_manifest(path, found["manifest.json"])
    checksums, tables = manifest.get("members"), manifest.get("tables")
    columns = tables.get("auth.users") if isinstance(tables, dict) else None
    if not complete and isinstance(checksums, dict) and not set(checksums) <= seen:
        raise _unreadable(path, opened=True)  # cut between two members
    if not isinstance(checksums, dict) or not isinstance(columns, list) or USERS_MEMBER not in found:
        raise _refuse(path, "its members do not match its manifest")
    if hashlib.sha256(found[USERS_MEMBER]).hexdigest() != checksums.get(USERS_MEMBER):
        raise _refuse(path, f"{USERS_MEMBER} is damaged (checksum mismatch)")
    return BackupContents(path, _manifest_time(manifest), _accounts(path, found[USERS_MEMBER], columns))


USERS_MEMBER = "data/auth.users.copy"


def _manifest_time(manifest: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError:
        return None


def _accounts(path: Path, rows: bytes, columns: list[object]) -> list[BackupAccount]:
    """The accounts in auth.users's rows (COPY text format), as a restore would list them."""
    try:
        at = {name: columns.index(name) for name in ("id", "email", "deleted_at")}
        accounts = []
        for line in rows.decode("utf-8").split("\n")[:-1]:  # each row ends in \n (in a value it is \\n)
            fields = line.split("\t")
            live = fields[at["deleted_at"]] == "\\N"
            accounts.append(BackupAccount(UUID(fields[at["id"]]), _copy_text(fields[at["email"]]), live))
    except (ValueError, IndexError, UnicodeDecodeError):
        raise _refuse(path, "its accounts' rows cannot be read") from None
    return sorted(accounts, key=lambda account: (account.email.lower(), account.email))


_COPY_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))", re.DOTALL)
_COPY_LETTERS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _copy_text(field_text: str) -> str:
    """A text field of COPY's text format as the value it stands for (its backslash escapes read)."""

    def read(match: re.Match[str]) -> str:
        octal, hexadecimal, other = match.groups()
        if octal:
            return chr(int(octal, 8))
        if hexadecimal:
            return chr(int(hexadecimal, 16))
        return _COPY_LETTERS.get(other, other)

    return _COPY_ESCAPE.sub(read, field_text)


def _copy_stream(source: IO[bytes], target: BinaryIO) -> None:
    while chunk := source.read(HASH_CHUNK):
        target.write(chunk)


def _read_json(path: Path, file: Path, what: str) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(path, f"{what} is not JSON") from None


def _check_migrations(path: Path, recorded: object) -> None:
    """The backup must list Blogster's own migrations, in order, from the first to its last, each of
    them but those that may be applied after later ones (migrations.NUMBERED_BELOW_SHIPPED: 0189, which
    a database of the last release applies after its 0192): the restore applies those after the rows
    are in, as that database's upgrade would. Any other gap is refused: the manifest is not signed, and
    a file left out would be applied last, its old functions over the newer ones (red team 58)."""
    known = [(m.name, m.checksum) for m in migrations.discover()]
    if not isinstance(recorded, list) or not recorded:
        raise _refuse(path, "its manifest lists no migrations")
    pairs = [tuple(item) if isinstance(item, list) else None for item in recorded]
    end = known.index(pairs[-1]) + 1 if pairs[-1] in known else 0
    lackable = migrations.NUMBERED_BELOW_SHIPPED
    if pairs != [pair for pair in known[:end] if pair in pairs or pair[0][:4] not in lackable]:
        raise _refuse(path, "it was made with migrations this Blogster does not have (a newer version?)")


MIGRATION_TIMES = "migrations_applied_at"
"""The manifest's {migration name: when it was applied (ISO 8601, with its offset)}: a restore, which
applies the migrations anew, puts these times back. Absent from backups made before it was added."""


def _check_migration_times(path: Path, manifest: dict[str, Any]) -> dict[str, datetime] | None:
    """The manifest's MIGRATION_TIMES, one time with an offset for each migration it lists, or None
    when it has none (an earlier backup's)."""
    recorded = manifest.get(MIGRATION_TIMES)
    if recorded is None:
        return None
    names = {item[0] for item in manifest["migrations"]}  # checked by _check_migrations
    if not isinstance(recorded, dict) or set(recorded) != names:
        raise _refuse(path, f"its {MIGRATION_TIMES} does not name each of its migrations once")
    times = {}
    for name, text in recorded.items():
        try:
            at = datetime.fromisoformat(text) if isinstance(text, str) else None
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            raise _refuse(path, f"its {MIGRATION_TIMES} holds a time that is not ISO 8601 with an offset: {name}")
        times[name] = at
    return times


def _check_accounts(path: Path, entries: object) -> list[backup_data.AccountRole]:
    if not isinstance(entries, list):
        raise _refuse(path, "accounts.json is not a list")
    checked, seen = [], set()
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"role_name", "can_login", "admin", "password_verifier"}:
            raise _refuse(path, "accounts.json holds an entry of the wrong shape")
        role_name, verifier = entry["role_name"], entry["password_verifier"]
        if not isinstance(role_name, str) or not is_account_login(role_name) or role_name in seen:
            raise _refuse(path, f"accounts.json names a role that is not an account role: {str(role_name)[:40]!r}")
        if not isinstance(entry["can_login"], bool) or not isinstance(entry["admin"], bool):
            raise _refuse(path, "accounts.json flags must be true or false")
        if verifier is not None and not (isinstance(verifier, str) and is_verifier(verifier)):
            raise _refuse(path, "accounts.json holds a password that is not a SCRAM-SHA-256 verifier")
        seen.add(role_name)
        checked.append(backup_data.AccountRole(role_name, entry["can_login"], entry["admin"], verifier))
    return checked


def _check_backup(path: Path, scratch: Path) -> _CheckedBackup:
    extracted, complete = _extract(path, scratch)
    if "manifest.json" not in extracted:
        raise _refuse(path, "it has no manifest.json")
    manifest = _checked_manifest(path, extracted.pop("manifest.json").read_bytes())
    checksums = manifest.get("members")
    if not isinstance(checksums, dict) or set(checksums) != set(extracted):
        if not complete and isinstance(checksums, dict) and set(extracted) < set(checksums):
            raise _unreadable(path, opened=True)  # cut between two members
        raise _refuse(path, "its members do not match its manifest")
    for name, file in extracted.items():
        if _sha256_of(file) != checksums[name]:
            raise _refuse(path, f"{name} is damaged (checksum mismatch)")
    _check_migrations(path, manifest.get("migrations"))
    times = _check_migration_times(path, manifest)
    accounts = _check_accounts(path, _read_json(path, extracted["accounts.json"], "accounts.json"))
    tables = {match.group(1): file for name, file in extracted.items() if (match := TABLE_MEMBER.match(name))}
    if not isinstance(manifest.get("tables"), dict) or set(manifest["tables"]) != set(tables):
        raise _refuse(path, "its table list does not match its data")
    media = {}
    for name, file in extracted.items():
        match = MEDIA_MEMBER.match(name)
        if match:
            if _sha256_of(file) != match.group(1).split(".")[0]:
                raise _refuse(path, f"{name} does not hold the image its name promises")
            media[match.group(1)] = file
    return _CheckedBackup(manifest, accounts, tables, media, times)


def _load(target: Database, checked: _CheckedBackup, path: Path, on_stage: Callable[[str], None] = _no_stage) -> None:
    """Schema from Blogster's migrations, then the rows, in a scratch database."""
    on_stage(RESTORE_STAGES[1])
    migrations.apply(target, only={name for name, _ in checked.manifest["migrations"]})
    on_stage(RESTORE_STAGES[2])
    with admin_connection(target, autocommit=False) as conn:
        live = backup_data.tables(conn)
        if live.keys() != checked.tables.keys() or any(live[name] != checked.manifest["tables"][name] for name in live):
            raise _refuse(
                path, "its tables and columns are not those of the Blogster version that made it (was it edited?)"
            )
        live_sequences = backup_data.sequences(conn)
        sequences = checked.manifest.get("sequences")
        if not isinstance(sequences, dict) or not set(sequences) <= set(live_sequences):
            raise _refuse(path, "it sets id counters the Blogster version that made it did not have (was it edited?)")
        backup_data.disable_triggers_for_transaction(conn)
        backup_data.empty_tables(conn, sorted(live))
        for table, file in checked.tables.items():
            with file.open("rb") as handle:
                backup_data.copy_in(conn, table, live[table], handle)
        for name, value in sequences.items():
            if not isinstance(value, int) or isinstance(value, bool):
                raise _refuse(path, f"sequence {name} has no whole-number value")
            backup_data.set_sequence(conn, qualified_name=name, last_value=value)
        if checked.migration_times is not None:
            backup_data.set_migration_times(conn, times=checked.migration_times)
        restored_roles = backup_data.account_role_names(conn)
        strangers = [role.role_name for role in checked.accounts if role.role_name not in restored_roles]
        if strangers:
            raise _refuse(path, f"accounts.json names a role of no restored account: {strangers[0]!r}")
        conn.commit()


def _rebuild_roles(conn: Connection, accounts: list[backup_data.AccountRole]) -> int:
    """Creates or updates each account's role from validated data; returns how many were created."""
    created = 0
    for role in accounts:
        if not account_rows.role_exists(conn, role_name=role.role_name):
            account_rows.create_role(conn, role_name=role.role_name)
            created += 1
        backup_data.ensure_member_of_authenticated(conn, role_name=role.role_name)
        account_rows.set_can_login(conn, role_name=role.role_name, can_login=role.can_login)
        account_rows.set_admin(conn, role_name=role.role_name, admin=role.admin)
        if role.password_verifier:
            account_rows.set_password_verifier(conn, role_name=role.role_name, verifier=role.password_verifier)
    return created


def _restore_media(media: dict[str, Path]) -> None:
    from blogster_cli.private_files import write_private

    folder = _media_dir()
    for name, file in media.items():
        if not (folder / name).is_file():
            write_private(folder / name, file.read_bytes())


RESTORE_LOCK_WAIT_SECONDS = 60.0
"""How long a statement of a restore waits for a lock before the restore stops (exit 5) naming what
it waited for and who held it. Only superusers may connect to its scratch database, but one (an
administrator's psql) may hold a lock there that its migrations need; and an account whose login
changes its own password holds its role's record, which the restore rebuilds, until its transaction
ends, which may be never."""

RESTORE_STOPPED = (
    "{error} (the restore did not finish, and nothing is half-replaced: run the same `blogster db restore`"
    " again once the database is back)"
)


def restore(
    db: Database, *, path: Path, on_stage: Callable[[str], None] = _no_stage, on_wait: Callable[[str], None] = _no_stage
) -> RestoreSummary:
    """Replaces the database with the backup's (after checking all of it), migrated to this version.

    The backup is loaded, its roles rebuilt, migrated and its images stored in a scratch
    database first; only that complete copy is swapped in (db/database_swap.py), so a kill at
    any moment leaves the database, or its complete replacement ready to be put in place. A
    restore first finishes or clears what an interrupted one left. The logins of account roles
    no database will have an account for (those it replaces and the backup does not hold, and
    strays earlier restores left) are switched off with the swap (`_shut_out`). The records of work
    done outside since the backup come over from the database it replaces (`_outside_work_held`).
    `on_stage` hears the name of each of RESTORE_STAGES as it starts, `on_wait` what the restore
    waits for when that takes long (once)."""
    try:
        return _restore(db, path=path, on_stage=on_stage, on_wait=on_wait)
    except LoginRefused as refused:
        raise administrator_needed("db restore", refused) from None
    except DatabaseUnavailable as exc:  # the server went away (or stopped answering) mid-restore
        raise DatabaseUnavailable(RESTORE_STOPPED.format(error=exc)) from exc


def _restore(
    db: Database, *, path: Path, on_stage: Callable[[str], None], on_wait: Callable[[str], None]
) -> RestoreSummary:
    from blogster_cli.services.media_files import held_for_rows

    path = path.expanduser().resolve()
    dbname = db.database_name
    if dbname == database_swap.MAINTENANCE_DATABASE:
        raise ConfigError(f"restore cannot replace the {dbname} database, which it works from")
    stage = [RESTORE_STAGES[0]]

    def staged(name: str) -> None:
        stage[0] = name
        on_stage(name)

    with (
        scratch_folder("restore") as scratch,
        admin_connection(database_swap.maintenance(db, lock_wait_seconds=RESTORE_LOCK_WAIT_SECONDS)) as conn,
    ):
        if conn.info.parameter_status("is_superuser") != "on":
            raise ConfigError(SUPERUSER_NEEDED.format(what="db restore"))
        database_swap.settle(conn, dbname)
        database_swap.finish_interrupted(conn, dbname)
        database_swap.drop_abandoned(conn, dbname)
        staged(RESTORE_STAGES[0])
        checked = _check_backup(path, scratch)
        swap = database_swap.begin(conn, dbname)
        scratch_db = database_swap.scratch(db, swap, lock_wait_seconds=RESTORE_LOCK_WAIT_SECONDS)
        made = _manifest_time(checked.manifest)
        with contextlib.ExitStack() as until_swapped:
            try:
                _load(scratch_db, checked, path, staged)
                staged(RESTORE_STAGES[3])
                with conn.transaction():
                    roles_created = _rebuild_roles(conn, checked.accounts)
                reconcile_roles(scratch_db)
                applied = migrations.apply(scratch_db)
                with admin_unit_of_work(scratch_db) as scratch_conn:
                    # The rows came in with triggers off, and the roles may be new: memberships from the rows (0093).
                    backup_data.sync_assignee_roles(scratch_conn)
                    emails = backup_data.account_emails(scratch_conn)
                    restored_roles = backup_data.account_role_names(scratch_conn)
                held = until_swapped.enter_context(_outside_work_held(conn, db, on_wait=on_wait))
                since = None if made is None else made - CARRY_MARGIN
                carried, not_carried = _carry_over(scratch_db, held, since=since)
                until_swapped.enter_context(held_for_rows())  # the rows naming the files come in with the swap
                _restore_media(checked.media)
                scratch_db.close()
                database_swap.mark_ready(conn, swap)
            except BaseException as exc:
                waited = _lock_waited(conn, swap, exc, stage[0])  # before the copy goes, with its sessions
                scratch_db.close()
                with contextlib.suppress(Exception):  # else left over: the next restore drops it, doctor lists it
                    database_swap.abandon(conn, swap)
                if waited is not None:
                    raise waited from exc
                raise
            shut_out: list[str] = []
            try:
                shut_out = _shut_out(conn, db, swap, kept=restored_roles)
                db.close()
                database_swap.swap_in(conn, swap)  # ends the session holding the outside work with the rest
            except BaseException as exc:
                waited = _lock_waited(conn, swap, exc, stage[0])
                with contextlib.suppress(Exception):  # the connection lost: the next restore shuts them out again
                    if shut_out and database_swap.not_swapped_in(conn, swap):
                        stray_logins.switch_on(conn, shut_out)
                if waited is not None:
                    raise waited from exc
                raise
    return RestoreSummary(path, len(emails), roles_created, len(checked.media), applied, len(shut_out), emails,
                          made, checked.migration_times is not None, carried, not_carried)  # fmt: skip


def _lock_waited(conn: Connection, swap: database_swap.Swap, error: BaseException, stage: str) -> Conflict | None:
    """When `error` is a statement of the restore that waited RESTORE_LOCK_WAIT_SECONDS for a lock
    (lock_timeout's 55P03, or the Conflict it was translated into): the one line that stops the restore, saying what it waited
    for during `stage`, who holds it and how to go on. None for any other error."""
    cause = error.__cause__ if isinstance(error, Conflict) else error  # translated, or not yet (on `conn`)
    cause = getattr(cause, "orig", None) or cause  # SQLAlchemy's wrapper keeps the driver's error
    if cause is None or getattr(cause, "sqlstate", None) != "55P03":
        return None
    try:
        wait = database_swap.lock_wait(conn, swap, cause)
    except Exception:  # the maintenance connection lost meanwhile: the plain message stands
        return None
    holders = ", ".join(f"server process {pid} (login {login})" for pid, login in wait.holders)
    held = f"held by {holders}" if holders else "held by a session that has let go of it since"
    pid = str(wait.holders[0][0]) if len(wait.holders) == 1 else "PID"
    return Conflict(
        f"the restore waited over {RESTORE_LOCK_WAIT_SECONDS:g} s for {wait.what} while {stage}, {held}:"
        f" end {'them' if len(wait.holders) > 1 else 'it'} (select pg_terminate_backend({pid}), in psql as"
        " the administrator) and run the same `blogster db restore` again; the database was not replaced"
    )


CARRY_MARGIN = timedelta(days=1)
"""How long before the backup the records a restore carries over may be stamped: a record carries
the time its transaction began (a mail's, before the server accepted it; a cross-post's, before
the platform answered), and may have committed after the backup was made. Those the backup holds
are skipped by their ids."""
HOLD_FIRST_WAIT_MS = 2000
"""How long a restore lets a send in flight finish (and record itself) before ending its session."""
HOLD_WAIT_MS = 500
HOLD_ATTEMPTS = 20


@dataclass(frozen=True)
class _Held:
    """The outside work of the database a restore replaces: the session holding it (None: none) and
    why it could not be held (None: it was, or no database was there to replace)."""

    session: Connection | None
    unread: str | None = None


@contextmanager
def _outside_work_held(conn: Connection, db: Database, *, on_wait: Callable[[str], None]) -> Iterator[_Held]:
    """Holds the replaced database's outside work (sends, cross-posts, social posts, notification
    mails: outside_work.HELD_TABLES locked, in a session of its own that the swap ends) until the
    block ends, for _carry_over to read its records. Nothing more can be sent there meanwhile, so
    the records read are all there will be. A send in flight is given HOLD_FIRST_WAIT_MS to
    finish, then the database's other sessions are ended (a kill's effect: at most the mail or
    post in flight goes again). A database that cannot be held (a broken one may be why it is
    restored) holds nothing and says why."""
    from blogster_cli.db.errors import translated_errors

    if not database_swap.exists(conn, db.database_name):
        yield _Held(None)
        return
    held: Connection | None = None
    try:
        with translated_errors():
            held = db.connect(autocommit=False)
            _hold(conn, held, db.database_name, on_wait=on_wait)
    except BlogsterError as exc:
        if held is not None:
            held.close()
        yield _Held(None, str(exc))
        return
    try:
        yield _Held(held)
    finally:
        held.close()  # ended already when the swap was done; else its locks go with it


def _hold(conn: Connection, held: Connection, dbname: str, *, on_wait: Callable[[str], None]) -> None:
    """outside_work.hold on `held`, ending the other sessions on `dbname` between attempts.
    Conflict when they stay (someone reconnects and sends at once each time)."""
    from blogster_cli.db.errors import translated_errors

    tables = outside_work.existing(held, outside_work.HELD_TABLES)
    held.rollback()
    pid = held.info.backend_pid
    for attempt in range(HOLD_ATTEMPTS):
        try:
            with translated_errors():  # a lock wait past its time: Conflict
                outside_work.hold(held, tables=tables, wait_ms=HOLD_FIRST_WAIT_MS if attempt == 0 else HOLD_WAIT_MS)
            return
        except Conflict:
            held.rollback()
            if attempt == 0:
                on_wait(
                    f"waiting for the other sessions on database {dbname} (a running `blogster serve-workers`,"
                    " a send in another shell) to let go of their mail and posting: ending them"
                )
            database_swap.end_sessions_but(conn, dbname, kept=pid)
    raise Conflict(f"database {dbname} stayed busy sending (other sessions reconnect at once); try again")


NOT_READ = "the database it replaced could not be read"


def _carry_over(
    scratch_db: Database, held: _Held, *, since: datetime | None
) -> tuple[outside_work.Carried, str | None]:
    """Adds the held database's records since `since` to the restored copy; what was carried over,
    and what was not and why (None: there was nothing to say): the database could not be read, or
    its records not carried over (nothing came over); some accounts' records could not be read, or
    the restored copy refused some (those accounts' of that kind are lost, the others' came over)."""
    if held.session is None:
        return outside_work.Carried(), None if held.unread is None else f"{NOT_READ} ({held.unread})"
    try:
        with admin_unit_of_work(scratch_db) as scratch_conn:
            done = outside_work.carry(held.session, scratch_conn, since=since)
    except BlogsterError as exc:
        return outside_work.Carried(), f"the records of the database it replaced could not be carried over ({exc})"
    unread = "; ".join(f"{who}: {why}" for who, why in sorted(done.unread.items()))
    said = [f"{NOT_READ} (only the records of {unread})"] if unread else []
    said += [f"the records of {who} could not be carried over ({why})" for who, why in sorted(done.unwritten.items())]
    return done.carried, "; ".join(said) or None


def _shut_out(conn: Connection, db: Database, swap: database_swap.Swap, *, kept: set[str]) -> list[str]:
    """Switches off the logins (NOLOGIN, their sessions ended) of the account roles that no
    database on the server will have an account for once the swap is done (services/stray_logins.py):
    the accounts of the database being replaced that the restored one lacks, and roles earlier
    restores or dropped databases left. Without an account row they could still connect as
    `authenticated`, and no admin command could see, ban or purge them. A role that is an account
    in another database (a copy restored under another name, another Blogster on the server) is
    left alone; when some database could not be read, so whose the roles are is unknown, only the
    replaced database's own accounts are switched off. Returns the roles shut out (before the
    swap, undone if the swap does not happen)."""
    replaced: set[str] = set()
    if database_swap.exists(conn, db.database_name):
        try:
            with admin_unit_of_work(db) as current:
                replaced = backup_data.account_role_names(current)
        except BlogsterError:  # the database being replaced holds no readable accounts
            pass
    strays = stray_logins.find(
        conn, db, leaving_out={db.database_name, swap.loading, swap.ready}, kept=kept, also=replaced
    )
    if strays.unchecked is None:
        return stray_logins.switch_off(conn, strays.roles)
    return stray_logins.switch_off(conn, [name for name in strays.roles if name in replaced])


@dataclass(frozen=True)
class StrayLoginsSummary:
    switched_off: list[str]
    """Account roles that could log in with no account in any database of the server: now NOLOGIN."""
    left_alone: list[str]
    """Such roles that may be accounts of a database that could not be read: unchanged."""
    unchecked: str | None
    """Why `left_alone` could not be told apart (None when every database was read)."""


def disable_stray_logins(db: Database) -> StrayLoginsSummary:
    """Switches off (NOLOGIN, sessions ended) every account role of the server that can still log
    in though no database there has its account: what a restore to an earlier state or a dropped
    database left (services/stray_logins.py). Nothing, when some database could not be read."""
    what = "db disable-stray-logins"
    try:
        with admin_connection(database_swap.maintenance(db)) as conn:
            if conn.info.parameter_status("is_superuser") != "on":
                raise ConfigError(SUPERUSER_NEEDED.format(what=what))
            strays = stray_logins.find(conn, db)
            if strays.unchecked is not None:
                return StrayLoginsSummary([], strays.roles, strays.unchecked)
            return StrayLoginsSummary(stray_logins.switch_off(conn, strays.roles), [], None)
    except LoginRefused as refused:
        raise administrator_needed(what, refused) from None


def reconcile_roles(db: Database) -> int:
    """Creates a role for every account that lacks one (e.g. restored onto a new cluster)."""
    created = 0
    with admin_unit_of_work(db) as conn:
        for role_name in sorted(backup_data.account_role_names(conn)):
            if not account_rows.role_exists(conn, role_name=role_name):
                account_rows.create_role(conn, role_name=role_name)
                created += 1
    return created
