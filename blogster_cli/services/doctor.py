"""Health checks: can Blogster reach a safe, current database, and are secrets stored safely."""

from __future__ import annotations

import os
import platform
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.bundled import release
from blogster_cli.context import AppContext
from blogster_cli.db.rows import scalar
from blogster_cli.errors import AuthError, BlogsterError, DatabaseUnavailable, PermissionDenied
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from blogster_cli.db.connection import Database


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "ok", "warn", "fail", or "skip" (a check this login cannot make)
    detail: str
    unreachable: bool = False
    """The server check failed for want of a server (the CLI exits 7, as every command does then)."""


SignIn = Callable[[AppContext], ActingUser]
"""Who the profile acts as (services.sessions.current_user, which the front end hands in)."""


def run_checks(ctx: AppContext, *, sign_in: SignIn | None = None) -> list[Check]:
    """Every check. When the server refuses the database URL's own login, the connection the
    profile's commands use is checked instead: its account's own login (`auth login --login`,
    on a shared server), found through `sign_in`. When the URL's login is an account's own
    (its password kept with `config set database_url -`), that login is checked as such."""
    checks = [Check("blogster", "ok", f"{release()} on Python {platform.python_version()}")]
    checks += _database_checks(ctx, sign_in)
    checks += _scratch_leftover_checks()
    checks += _media_leftover_checks()
    checks += _secret_checks(ctx)
    return checks


def _database_checks(ctx: AppContext, sign_in: SignIn | None) -> list[Check]:
    from blogster_cli.db import migrations
    from blogster_cli.db.acting import admin_unit_of_work
    from blogster_cli.db.connection import LoginRefused, server_version_problem

    checks = []
    superuser = bypass = False
    try:
        with admin_unit_of_work(ctx.database) as conn:
            version_num = conn.info.server_version
            if ctx.database.embedded is not None:
                listen = scalar(conn.execute("select current_setting('listen_addresses')"), str)
            else:
                role = conn.execute(
                    "select rolsuper, rolbypassrls from pg_roles where rolname = current_user"
                ).fetchone()
                assert role is not None  # the current user's own pg_roles row
                superuser, bypass = role
    except LoginRefused as refused:
        return _own_login_checks(ctx, sign_in, refused)
    except BlogsterError as exc:
        return [Check("server", "fail", str(exc), unreachable=isinstance(exc, DatabaseUnavailable))]
    administrator = ctx.database.embedded is not None or superuser
    if not administrator:
        account = _account_of_login(ctx.database)
        if account is not None:  # the URL logs in as an account's own login: what it can see is checked
            return _own_login_report(ctx.database, account, version_num=version_num, privileged=bypass)
    where = "embedded" if ctx.database.is_embedded else ctx.database.describe()
    problem = server_version_problem(version_num)
    checks.append(
        Check(
            "server",
            "fail" if problem else "ok",
            problem or f"PostgreSQL {version_num // 10000}.{version_num % 100} ({where})",
        )
    )
    up_to_date = False
    try:
        states = migrations.status(ctx.database)
        pending = [s.migration.name for s in states if s.applied_at is None]
        up_to_date = not pending
        checks.append(
            Check(
                "migrations",
                "warn" if pending else "ok",
                f"{len(pending)} pending: run {_what_migrates(ctx.database, set_up=len(pending) < len(states))}"
                if pending
                else "up to date",
            )
        )
    except BlogsterError as exc:
        if isinstance(exc, PermissionDenied) and not administrator:  # a login that is no superuser
            checks.append(Check("migrations", "skip", OWN_LOGIN_MIGRATIONS))
        else:
            checks.append(Check("migrations", "fail", str(exc)))
    if up_to_date:  # else `db migrate` closes them (0194, 0204), and the migrations check says to run it
        checks += _closed_function_checks(ctx)
    checks += _restore_leftover_checks(ctx)
    checks += _stray_login_checks(ctx)
    checks += _privileged_role_checks(ctx)
    if superuser and ctx.database.embedded is None:
        checks += _open_database_checks(ctx)
    checks += _site_address_checks(ctx)
    if ctx.database.embedded is not None:
        checks.append(_socket_check(ctx))
        kept = ctx.database.embedded.set_aside_copies()
        if kept:
            checks.append(
                Check(
                    "kept databases",
                    "warn",
                    f"earlier homes' databases at this path, kept: {', '.join(map(str, kept))}; "
                    "delete them once no longer needed",
                )
            )
        checks.append(
            Check(
                "network",
                "ok" if listen == "" else "fail",
                "no TCP listener" if listen == "" else f"listening on {listen}",
            )
        )
    else:
        checks.append(
            Check(
                "login role",
                "warn" if superuser or bypass else "ok",
                "the URL logs in as a superuser: use it for administration only"
                if superuser or bypass
                else "not privileged",
            )
        )
    return checks


def _what_migrates(db: Database, *, set_up: bool) -> str:
    """The command for pending migrations: `db migrate` where accounts are, else `quickstart` (on a
    database not set up yet (`set_up` False: nothing applied), or with no account: it migrates and
    makes the first one, README's first step)."""
    from blogster_cli.db.acting import admin_unit_of_work
    from blogster_cli.repositories import accounts

    if not set_up:
        return "blogster quickstart"
    try:
        with admin_unit_of_work(db) as conn:
            has_accounts = accounts.has_accounts(conn)
    except BlogsterError:  # a login that may read the record but not the accounts: as before
        return "blogster db migrate"
    return "blogster db migrate" if has_accounts else "blogster quickstart"


OWN_LOGIN_MIGRATIONS = (
    "not checked: only the administrator's connection reads the migration record (`blogster db status` there)"
)


def _own_login_checks(ctx: AppContext, sign_in: SignIn | None, refused: BlogsterError) -> list[Check]:
    """The database URL logs in as nobody the server accepts: on a shared server, a profile signed in
    with its account's own login connects as that login instead, and what it can see is checked."""
    from blogster_cli.db.acting import admin_unit_of_work

    try:
        acting = sign_in(ctx) if sign_in is not None else None
    except BlogsterError as exc:
        return [
            Check("server", "fail", str(refused)),
            Check("login", "fail", str(exc), unreachable=isinstance(exc, DatabaseUnavailable)),
        ]
    if acting is None or not acting.own_login:  # nothing but the URL's login to connect with
        return [Check("server", "fail", str(refused))]
    try:
        with admin_unit_of_work(acting.db) as conn:
            version_num = conn.info.server_version
            role = conn.execute("select rolsuper, rolbypassrls from pg_roles where rolname = current_user").fetchone()
            assert role is not None  # the current user's own pg_roles row
            superuser, bypass = role
    except BlogsterError as exc:
        return [Check("server", "fail", str(exc), unreachable=isinstance(exc, DatabaseUnavailable))]
    return _own_login_report(acting.db, acting.actor, version_num=version_num, privileged=superuser or bypass)


def _account_of_login(db: Database) -> Actor | None:
    """The account whose own login `db` logs in as (not a superuser), or None: another login."""
    from blogster_cli.db.acting import admin_unit_of_work
    from blogster_cli.repositories import accounts

    try:
        with admin_unit_of_work(db) as conn:
            row = accounts.own_login_identity(conn)
    except (AuthError, PermissionDenied):  # no auth.me(), or one this login may not call
        return None
    return None if row is None else Actor(user_id=row[0], email=row[1], is_admin=row[2])


def _own_login_report(db: Database, actor: Actor, *, version_num: int, privileged: bool) -> list[Check]:
    """An account's own login: the server it reaches and what the login is; the migration record
    is the administrator's to read."""
    from blogster_cli.db.connection import server_version_problem

    problem = server_version_problem(version_num)
    login = f"own login {actor.role_name} ({actor.email})"
    return [
        Check(
            "server",
            "fail" if problem else "ok",
            problem or f"PostgreSQL {version_num // 10000}.{version_num % 100} ({db.describe()})",
        ),
        Check("migrations", "skip", OWN_LOGIN_MIGRATIONS),
        Check(
            "login role",
            "warn" if privileged else "ok",
            f"{login}: a superuser or BYPASSRLS, which an account's login must never be"
            if privileged
            else f"{login}, not privileged",
        ),
    ]


LEFTOVER_STAGES = {"restore": "half loaded", "ready": "loaded, never swapped in", "replaced": "the one it replaced"}


def _restore_leftover_checks(ctx: AppContext) -> list[Check]:
    """Databases an interrupted `db restore` left beside this one (db/database_swap.py)."""
    from blogster_cli.db import database_swap

    try:
        found = database_swap.leftovers_of(ctx.database)
    except BlogsterError:  # the maintenance database out of reach: the server check speaks for the server
        return []
    if not found:
        return []
    listed = ", ".join(f"{item.name} ({LEFTOVER_STAGES[item.stage]}, {item.size_bytes / 1e6:.0f} MB)" for item in found)
    return [
        Check(
            "restore leftovers",
            "warn",
            f"an interrupted `blogster db restore` left: {listed}; the next restore drops them, "
            'or drop them yourself (DROP DATABASE, in psql "$(blogster db dsn)")',
        )
    ]


STRAY_LOGINS_FIX = "blogster db disable-stray-logins"


def _stray_login_checks(ctx: AppContext) -> list[Check]:
    """Account roles that can still log in though no database on the server has their account
    (left by a restore to an earlier state or a dropped database: services/stray_logins.py)."""
    from blogster_cli.services import stray_logins
    from blogster_cli.wording import agreeing, plural

    try:
        strays = stray_logins.of_server(ctx.database)
    except BlogsterError:  # the maintenance database out of reach: the server check speaks for the server
        return []
    if strays is None or not strays.roles:  # a login that may not read every database: not its to check
        return []
    count = len(strays.roles)
    roles = plural(count, "account role")
    if strays.unchecked is not None:
        return [
            Check(
                "stray logins",
                "skip",
                f"not checked: {roles} can log in with no account in the databases read, but"
                f" {strays.unchecked}, so whether {agreeing(count, 'it is a stray', 'they are strays')} is unknown",
            )
        ]
    return [
        Check(
            "stray logins",
            "warn",
            f"{roles} can still log in though no database on the server has"
            f" {agreeing(count, 'its account', 'their accounts')} (left by a restore to an earlier state or a"
            f" dropped database): switch {agreeing(count, 'it', 'them')} off with `{STRAY_LOGINS_FIX}`",
        )
    ]


def _privileged_role_checks(ctx: AppContext) -> list[Check]:
    """Roles Blogster never granted that hold one of its privileged roles (blogster_owner,
    blogster_definer, ...) or may grant it, and any of those roles that can log in: on a shared
    server, whoever made such a role before Blogster's first migrate keeps ADMIN OPTION on it, and a
    holder, or whoever has the password of one switched to LOGIN, may act as the owner of every
    table, RLS bypassed (db/privileged_roles.py). pg_auth_members and pg_roles are readable by any login."""
    from blogster_cli.db import privileged_roles
    from blogster_cli.db.acting import admin_unit_of_work
    from blogster_cli.wording import agreeing

    try:
        with admin_unit_of_work(ctx.database) as conn:
            holders = privileged_roles.unexpected_holders(conn)
            logins = privileged_roles.logins(conn)
            grantors = privileged_roles.createrole_grantors(conn)
    except BlogsterError:  # the server check speaks for the server
        return []
    checks = []
    if holders:
        held = ", ".join(h.describe() for h in holders)
        checks.append(
            Check(
                "privileged roles",
                "fail",
                f"{held}, not granted by Blogster: {agreeing(len(holders), 'it', 'they')} may take the role and act"
                " as the owner of Blogster's tables or definer functions, RLS bypassed; take"
                f' {agreeing(len(holders), "it", "them")} back as a superuser (in psql "$(blogster db dsn)"):'
                f" {'; '.join(h.revoke for h in holders)}",
            )
        )
    if logins:
        names = ", ".join(name for name, _ in logins)
        checks.append(
            Check(
                "privileged logins",
                "fail",
                f"{names} can log in, which none of Blogster's privileged roles ever does: whoever has"
                f" {agreeing(len(logins), 'its password', 'their passwords')} acts as"
                f" {agreeing(len(logins), 'it', 'them')}, RLS bypassed; switch"
                f' {agreeing(len(logins), "it", "them")} off as a superuser (in psql "$(blogster db dsn)"):'
                f" {'; '.join(fix for _, fix in logins)}",
            )
        )
    if grantors:
        checks.append(
            Check(
                "createrole roles",
                "warn",
                f"{', '.join(name for name, _ in grantors)} may grant"
                f" {agreeing(len(grantors), 'itself', 'themselves')} any of Blogster's privileged roles (CREATEROLE,"
                f" before PostgreSQL 16), RLS bypassed: unless {agreeing(len(grantors), 'it is', 'they are')} the"
                f" server's administrators, run {'; '.join(fix for _, fix in grantors)}",
            )
        )
    return checks


def _closed_function_checks(ctx: AppContext) -> list[Check]:
    """This database when PUBLIC may still execute a kind of function no account may call: any
    account's login may then fill the server's lock table with advisory locks (every new connection
    refused), or run translate() or jsonb's ?|, ?& and - text[] past statement_timeout and
    pg_terminate_backend (db/closed_functions.py). `db migrate` takes them from PUBLIC (0194, 0204,
    0208), but only a superuser may: a managed server's
    administrator, who is none, cannot."""
    from blogster_cli.db import closed_functions
    from blogster_cli.db.acting import admin_unit_of_work

    try:
        with admin_unit_of_work(ctx.database) as conn:
            open_kinds = [kind for kind in closed_functions.EVERY_KIND if closed_functions.open_to_public(conn, kind)]
    except BlogsterError:  # the server check speaks for the server
        return []
    return [
        Check(
            kind.name,
            "fail",
            f"any login may {kind.any_login_may.format(where='in this database')}: as a superuser (in psql"
            f' "$(blogster db dsn)"), run {kind.revoke_sql}',
        )
        for kind in open_kinds
    ]


def _open_database_checks(ctx: AppContext) -> list[Check]:
    """The server's other databases where any login may connect and watch the server's activity,
    which Blogster's own database hides from accounts, or execute functions it keeps from them: take
    advisory locks until the server's lock table is full, run translate() or jsonb's ?|, ?& and
    - text[] past statement_timeout (db/other_databases.py): a superuser's, on a shared server (the
    embedded server's `db migrate` closes them)."""
    from blogster_cli.db import closed_functions, other_databases
    from blogster_cli.wording import agreeing

    try:
        found = other_databases.watchable(ctx.database)
    except BlogsterError:  # the maintenance database out of reach: the server check speaks for the server
        return []
    if not found:
        return []
    listed = ", ".join(d.name for d in found)
    watched = [d.name for d in found if d.activity_shown]
    can = []
    if watched:
        can.append(
            f"see there{_only_in(watched, len(found))} which logins are connected to this database and what they"
            " lock (pg_stat_activity, pg_locks), which this database hides from accounts"
        )
    for kind in closed_functions.EVERY_KIND:
        callable_in = [d.name for d in found if kind in d.open_functions]
        if callable_in:
            can.append(kind.any_login_may.format(where=f"there{_only_in(callable_in, len(found))}"))
    only_callable = [d for d in found if not d.activity_shown]  # revoking the functions there would do
    revokes = [
        kind.revoke_sql for kind in closed_functions.EVERY_KIND if any(kind in d.open_functions for d in only_callable)
    ]
    also = (
        f"; or, to keep {', '.join(d.name for d in only_callable)} open, a superuser connected to"
        f" {agreeing(len(only_callable), 'it', 'each')} runs {' '.join(revokes)}"
        if only_callable
        else ""
    )
    return [
        Check(
            "other databases",
            "warn",
            f"any login may connect to the {agreeing(len(found), 'database')} {listed} and {', and '.join(can)}:"
            f" close {agreeing(len(found), 'it', 'them')} (REVOKE CONNECT ON DATABASE {listed} FROM PUBLIC, in psql"
            f' "$(blogster db dsn)"; GRANT CONNECT to the logins that need it){also}',
        )
    ]


def _only_in(names: list[str], of: int) -> str:
    """` (in a, b)` when only some of the `of` databases named allow it, else nothing."""
    return f" (in {', '.join(names)})" if len(names) < of else ""


def _site_address_checks(ctx: AppContext) -> list[Check]:
    """Sites whose stored custom domain or url `site settings set` refuses now (one on the platform's
    domain, stored before the setting refused it, or by SQL): their address leaves it out
    (site_address.refused_setting), so builds, feeds and cross-posts use another address."""
    from blogster_cli.db.acting import admin_unit_of_work
    from blogster_cli.repositories import site as site_rows
    from blogster_cli.services.site_address import ADDRESS_SETTINGS, refused_setting
    from blogster_cli.wording import agreeing, plural

    base_domain = ctx.settings.site_base_domain
    try:
        with admin_unit_of_work(ctx.database) as conn:
            rows = site_rows.with_chosen_address(conn)
    except BlogsterError:  # no site settings to read (a database not migrated yet): the migrations check says so
        return []
    ignored = [
        (row, keys)
        for row in rows
        if (keys := [key for key in ADDRESS_SETTINGS if refused_setting(row, key, base_domain=base_domain)])
    ]
    if not ignored:
        return []
    count = len(ignored)
    shown = ", ".join(
        f"{row.subdomain} ({', '.join(f'{key} {getattr(row, ADDRESS_SETTINGS[key])}' for key in keys)})"
        for row, keys in ignored[:3]
    ) + (", ..." if count > 3 else "")
    fixes = " or ".join(
        f"`blogster site settings set {key} ''`" for key in ADDRESS_SETTINGS if any(key in keys for _, keys in ignored)
    )
    return [
        Check(
            "site addresses",
            "warn",
            f"{plural(count, 'site')} {agreeing(count, 'stores', 'store')} a custom domain or url on the platform's"
            f" domain {base_domain}, which `site settings set` refuses now and {agreeing(count, 'its', 'their')}"
            f" address leaves out: {shown}; each owner sets their own or clears it with {fixes}",
        )
    ]


def _scratch_leftover_checks() -> list[Check]:
    """Scratch folders (a copy of the database's rows) a killed `db backup` or `db restore` left."""
    from blogster_cli.scratch_folders import leftovers, scratch_root

    try:
        found = leftovers()
    except (BlogsterError, OSError):
        return []
    if not found:
        return []
    size = sum(item.size_bytes for item in found)
    return [
        Check(
            "scratch leftovers",
            "warn",
            f"a killed `blogster db backup` or `db restore` left {len(found)} scratch folder(s) in "
            f"{scratch_root()}, {size / 1e6:.0f} MB of the database's rows; the next backup or restore removes them",
        )
    ]


def _media_leftover_checks() -> list[Check]:
    """Pictures killed `images add` runs stored for rows they never committed, and those `images rm`
    or an account's deletion left to the clearing (`media_files.remove_unnamed`), by their markers."""
    from blogster_cli.services.media_files import unfinished_adds

    try:
        found = unfinished_adds()
    except (BlogsterError, OSError):
        return []
    if found is None:
        return []
    shown = ", ".join(found.names[:3]) + (f" and {len(found.names) - 3} more" if len(found.names) > 3 else "")
    running = " (an `images add`, import or sync storing pictures now may own some)" if found.writing else ""
    return [
        Check(
            "media leftovers",
            "warn",
            f"killed `blogster images add` runs (or `images rm` and account deletions while pictures were being"
            f" stored) left markers of {plural(len(found.names), 'picture')} in {found.folder}{running}: {shown};"
            " the next `images add` removes the markers, and the pictures no image of any account names",
        )
    ]


def _socket_check(ctx: AppContext) -> Check:
    server = ctx.database.embedded
    assert server is not None  # only asked of the embedded server
    info = server.socket_dir.stat()
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        return Check("socket", "fail", f"{server.socket_dir} has mode {mode:o}; others could connect")
    return Check("socket", "ok", f"{server.socket_dir} is private ({mode:o})")


def _secret_checks(ctx: AppContext) -> list[Check]:
    from blogster_cli.credentials import file_permission_problem

    store = ctx.credentials
    checks = []
    problem = file_permission_problem()  # the file's mode is said once: as it is, never as it should be
    if store.uses_file:
        private = "" if problem else " (mode 600)"
        checks.append(Check("secrets", "warn", f"no OS keyring; using {store.backend_name.split(' ')[1]}{private}"))
    else:
        checks.append(Check("secrets", "ok", store.backend_name))
    if problem:
        checks.append(Check("credentials file", "fail", problem))
    if os.environ.get("BLOGSTER_PASSWORD"):
        checks.append(Check("environment", "warn", "BLOGSTER_PASSWORD is set: fine for cron, not for a shared shell"))
    found = _config_file_passwords()
    if found:
        checks.append(Check("config file", "warn", found))
    return checks


def _config_file_passwords() -> str | None:
    """The URL settings in the config file (any profile) that hold a password in clear (an older
    version wrote smtp_url's and database_url's there, with libpq's other secrets in the latter;
    hand edits), each with its way out: any `config set` moves those two to the keyring
    (services/settings.move_file_passwords); a database_url libpq cannot read, whose secrets no
    `config set` can take out (config.libpq_refusal), or whose password libpq does not read as one
    (config.unread_password); and a hand-written database_url whose
    database name is itself a connection string holding one, which no `config set` moves
    (config.file_dbname_passwords). Never the secret itself."""
    from shlex import quote

    from blogster_cli.config import (
        DEFAULT_PROFILE,
        KEYRING_PASSWORD_KEYS,
        UNREAD_PASSWORD,
        config_path,
        file_dbname_passwords,
        file_passwords,
        libpq_refusal,
        read_config_file,
        split_url_secrets,
        unread_password,
    )

    found = file_passwords()
    in_dbname = file_dbname_passwords()
    if not found and not in_dbname:
        return None
    profiles = read_config_file().get("profiles", {})
    said = []
    for profile, key in found:
        chosen = "" if profile == DEFAULT_PROFILE else f" --profile {profile}"
        value = profiles[profile][key]
        without, secrets = split_url_secrets(key, value)
        refusal = libpq_refusal(value) if key == "database_url" else None
        what = "a password" if set(secrets) <= {"password"} else "secrets (" + ", ".join(sorted(secrets)) + ")"
        if key == "database_url" and unread_password(value):  # no password to libpq: none to take out
            said.append(
                f"database_url (profile {profile!r}) holds a password in clear, which no `config set` takes"
                f" out: {UNREAD_PASSWORD}; then give the URL again to `blogster{chosen} config set"
                " database_url -`, which keeps its password in the keyring"
            )
            continue
        if refusal is not None:  # libpq cannot read it: nothing can be taken out of it
            said.append(
                f"database_url (profile {profile!r}) holds a password (or another secret) in clear, in a"
                f" connection string libpq cannot read ({refusal}), which every command refuses and no"
                f" `config set` takes out: give the URL again, as libpq reads it, to `blogster{chosen} config"
                " set database_url -`, which keeps its password in the keyring"
            )
            continue
        if key == "database_url":  # `config set database_url URL` without a password would forget it
            them = "it" if what == "a password" else "them"
            fix = f"any `blogster{chosen} config set` moves {them} to the keyring (or give the URL again to `config set database_url -`)"
        elif key in KEYRING_PASSWORD_KEYS:
            fix = f"`blogster{chosen} config set {key} {quote(without)}` moves it to the keyring (as any `config set` does)"
        else:
            fix = f"it has no use there; take it out: `blogster{chosen} config set {key} {quote(without)}`"
        said.append(f"{key} (profile {profile!r}) holds {what} in clear: {fix}")
    for profile in in_dbname:
        chosen = "" if profile == DEFAULT_PROFILE else f" --profile {profile}"
        said.append(
            f"database_url (profile {profile!r}) holds a password in its database name, itself a connection"
            " string (libpq's tools read it as one), which no `config set` takes out: give the URL again with"
            f" the password as its own (user:PASSWORD@ or password=) to `blogster{chosen} config set"
            " database_url -`, which keeps it in the keyring, or keep it in ~/.pgpass"
        )
    return f"{config_path()}: " + "; ".join(said)
