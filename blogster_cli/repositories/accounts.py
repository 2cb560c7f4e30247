"""Accounts, their database roles and login sessions.

These run on the administrative connection (the embedded superuser, or a shared
server's admin login), because creating roles and reading auth.users is exactly
what user roles may not do. They use psycopg directly: login and whoami are the
hottest paths of the CLI, and `blogster auth whoami` ran in 328 ms and 1084 ms with SQLModel
imported (bench/bench_orm_cost.py, load 4.6-4.9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.db.rows import scalar

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    import psycopg


@dataclass(frozen=True)
class AccountRow:
    id: UUID
    email: str
    role_name: str
    encrypted_password: str | None
    created_at: datetime
    last_sign_in_at: datetime | None
    banned_until: datetime | None
    deleted_at: datetime | None
    is_admin: bool
    can_log_in: bool
    """Whether its role may log in (LOGIN): never on the embedded server, nor after a ban elsewhere."""


_ACCOUNT_COLUMNS = """
  u.id, u.email, u.role_name, u.encrypted_password, u.created_at, u.last_sign_in_at,
  u.banned_until, u.deleted_at,
  exists (select 1 from pg_auth_members m
          join pg_roles member on member.oid = m.member and member.rolname = u.role_name
          where m.roleid = 'blogster_admin'::regrole) as is_admin,
  coalesce((select r.rolcanlogin from pg_roles r where r.rolname = u.role_name), false) as can_log_in
"""


def _account(row: tuple[Any, ...] | None) -> AccountRow | None:
    return AccountRow(*row) if row else None


def insert_user(conn: psycopg.Connection, *, email: str, password_hash: str | None, metadata: dict[str, Any]) -> UUID:
    """Inserts the auth.users row; handle_new_user creates the profile and friends."""
    from psycopg.types.json import Jsonb

    return scalar(
        conn.execute(
            "insert into auth.users (email, encrypted_password, raw_user_meta_data) values (%s, %s, %s) returning id",
            (email, password_hash, Jsonb(metadata)),
        ),
        UUID,
    )


# Connections one account's login may hold at once (migration 0098 for roles made before):
# unlimited, one account could take every slot the server has and lock everyone else out.
# Blogster holds one or two per command; the studio a few more.
ACCOUNT_CONNECTION_LIMIT = 20


def create_role(conn: psycopg.Connection, *, role_name: str, login_password: str | None = None) -> None:
    """The account's own role: NOLOGIN on the embedded server, LOGIN with a password on a shared one.

    Only the password's SCRAM verifier is sent (see db/scram.py), never the password.
    """
    from psycopg import sql

    from blogster_cli.db.scram import scram_verifier

    login = (
        sql.SQL("login password {}").format(sql.Literal(scram_verifier(login_password)))
        if login_password
        else sql.SQL("nologin")
    )
    # ROLE blogster_job_runner: worker logins may act as the account (0038).
    conn.execute(
        sql.SQL("create role {} {} connection limit {} in role authenticated role blogster_job_runner").format(
            sql.Identifier(role_name), login, sql.Literal(ACCOUNT_CONNECTION_LIMIT)
        )
    )


def set_login_password(conn: psycopg.Connection, *, role_name: str, password: str) -> None:
    """Sets the role's login password by its SCRAM verifier (the password never leaves this process)."""
    from blogster_cli.db.scram import scram_verifier

    set_password_verifier(conn, role_name=role_name, verifier=scram_verifier(password))


def set_password_verifier(conn: psycopg.Connection, *, role_name: str, verifier: str) -> None:
    """Stores an already computed SCRAM verifier (checked for its form) as the role's password."""
    from psycopg import sql

    from blogster_cli.db.scram import is_verifier

    if not is_verifier(verifier):
        raise ValueError("not a SCRAM-SHA-256 verifier")
    conn.execute(sql.SQL("alter role {} password {}").format(sql.Identifier(role_name), sql.Literal(verifier)))


def set_admin(conn: psycopg.Connection, *, role_name: str, admin: bool) -> None:
    from psycopg import sql

    statement = "grant blogster_admin to {}" if admin else "revoke blogster_admin from {}"
    conn.execute(sql.SQL(statement).format(sql.Identifier(role_name)))


def drop_role(conn: psycopg.Connection, *, role_name: str, clear_other_databases: Callable[[], None]) -> None:
    """Drops the role after whatever it still owns or was granted here (a large object
    created before migration 0011, say), which would otherwise make DROP ROLE fail. DROP ROLE
    looks at every database of the server: `clear_other_databases` does the same in the others
    (db/other_databases.drop_owned_elsewhere), once the role's sessions are ended (one could hold
    what it owns there) and just before the drop (less time for anyone to name the role again)."""
    from psycopg import sql

    if not role_exists(conn, role_name=role_name):
        return
    terminate_sessions(conn, role_name=role_name)
    clear_other_databases()
    conn.execute(sql.SQL("drop owned by {}").format(sql.Identifier(role_name)))
    conn.execute(sql.SQL("drop role {}").format(sql.Identifier(role_name)))


def terminate_sessions(conn: psycopg.Connection, *, role_name: str, wait_ms: int = 0) -> int:
    """Ends every other server session logged in as `role_name`, waiting up to `wait_ms` for
    each to be gone (and its locks with it); returns how many."""
    return scalar(
        conn.execute(
            "select count(*) filter (where pg_catalog.pg_terminate_backend(pid, %s)) from pg_catalog.pg_stat_activity"
            " where usename = %s and pid <> pg_catalog.pg_backend_pid()",
            (wait_ms, role_name),
        ),
        int,
    )


def lock_out_own_login(conn: psycopg.Connection) -> None:
    """On a user's own login: replaces the role's password with a SCRAM verifier of random
    keys (no password matches it; a role may change only its own password, not drop its
    LOGIN), then ends the role's other sessions (found through auth.my_other_sessions():
    accounts may not read pg_stat_activity, migration 0096)."""
    import base64
    import secrets

    from psycopg import sql

    def encoded(size: int) -> str:
        return base64.b64encode(secrets.token_bytes(size)).decode()

    verifier = f"SCRAM-SHA-256$4096:{encoded(16)}${encoded(32)}:{encoded(32)}"
    conn.execute(sql.SQL("alter role current_user password {}").format(sql.Literal(verifier)))
    conn.execute("select pg_catalog.pg_terminate_backend(pid) from auth.my_other_sessions() pid")


def find_by_email(conn: psycopg.Connection, *, email: str) -> AccountRow | None:
    return _account(
        conn.execute(
            f"select {_ACCOUNT_COLUMNS} from auth.users u where lower(u.email) = lower(%s)", (email,)
        ).fetchone()
    )


def find_by_id(conn: psycopg.Connection, *, user_id: UUID) -> AccountRow | None:
    return _account(conn.execute(f"select {_ACCOUNT_COLUMNS} from auth.users u where u.id = %s", (user_id,)).fetchone())


def list_accounts(conn: psycopg.Connection) -> list[AccountRow]:
    rows = conn.execute(f"select {_ACCOUNT_COLUMNS} from auth.users u order by u.created_at, u.email").fetchall()
    return [AccountRow(*row) for row in rows]


def username_taken(conn: psycopg.Connection, *, username: str) -> bool:
    """Whether an account has this username, in any case (profiles_username_key)."""
    return bool(
        scalar(
            conn.execute(
                "select exists (select 1 from public.profiles where lower(username) = lower(%s))", (username,)
            ),
            bool,
        )
    )


def set_quiet_hours_timezone(conn: psycopg.Connection, *, user_id: UUID, timezone: str) -> None:
    """The zone a new account's quiet hours are read in (the signup trigger made its preferences, in UTC)."""
    conn.execute(
        "update public.user_notification_preferences set timezone = %s where user_id = %s", (timezone, user_id)
    )


def count_accounts(conn: psycopg.Connection) -> int:
    return scalar(conn.execute("select count(*) from auth.users"), int)


def has_accounts(conn: psycopg.Connection) -> bool:
    return scalar(conn.execute("select exists (select 1 from auth.users)"), bool)


def update_password_hash(conn: psycopg.Connection, *, user_id: UUID, password_hash: str) -> None:
    conn.execute("update auth.users set encrypted_password = %s where id = %s", (password_hash, user_id))


def set_own_password_hash(conn: psycopg.Connection, *, password_hash: str) -> None:
    """On a user's own login: its own argon2 hash (accounts may not write auth.users; the definer
    function writes only the caller's row, migration 0185) and the end of its email sessions."""
    conn.execute("select auth.set_own_password_hash(%s)", (password_hash,))


def set_banned_until(conn: psycopg.Connection, *, user_id: UUID, until: datetime | None) -> None:
    conn.execute("update auth.users set banned_until = %s where id = %s", (until, user_id))


# Columns that point at an account and become NULL when it goes (credits on shared rows:
# documentation, feature flags, collaborations), found in the catalog so new ones count too.
SET_NULL_ACCOUNT_COLUMNS_SQL = """
select format('%I.%I', n.nspname, c.relname), array_agg(a.attname::text order by a.attname)
from pg_constraint k
join pg_class c on c.oid = k.conrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
where k.contype = 'f' and k.conparentid = 0 and k.confdeltype = 'n' and cardinality(k.conkey) = 1
  and k.confrelid in ('auth.users'::regclass, 'public.profiles'::regclass)
group by 1
"""


def delete_user(conn: psycopg.Connection, *, user_id: UUID, deleted_by: UUID | None = None) -> None:
    """Deletes the account; its rows go by ON DELETE CASCADE, its credits on others' rows become NULL.

    The credits are cleared first, all columns of a row in one UPDATE: left to the cascade,
    a row with two such columns (assigned_by and assigned_to of a collaboration on the
    account's own post) is updated twice, and the second update re-checks the row's other
    foreign keys against the post the same cascade has just deleted.

    Before anything changes, the account and `deleted_by` (the administrator deleting it; None
    when it deletes itself) are named for the transaction, so the feature-flag log's entries of
    the changes its deletion makes say so (migration 0159).
    """
    from psycopg import sql

    conn.execute(
        "select set_config('blogster.deleting_account', %s, true), set_config('blogster.account_deleted_by', %s, true)",
        (str(user_id), "" if deleted_by is None else str(deleted_by)),
    )
    for table, columns in conn.execute(SET_NULL_ACCOUNT_COLUMNS_SQL).fetchall():
        schema, name = table.split(".", 1)
        assignments = sql.SQL(", ").join(
            sql.SQL("{0} = case when {0} = %(user_id)s then null else {0} end").format(sql.Identifier(column))
            for column in columns
        )
        matches = sql.SQL(" or ").join(sql.SQL("{} = %(user_id)s").format(sql.Identifier(column)) for column in columns)
        conn.execute(
            sql.SQL("update {} set {} where {}").format(sql.Identifier(schema, name), assignments, matches),
            {"user_id": user_id},
        )
    conn.execute("delete from auth.users where id = %s", (user_id,))
    # The flag audit trail keeps snapshots of each flag, whose created_by was the account.
    for column in ("previous_state", "new_state"):
        conn.execute(
            sql.SQL(
                "update public.feature_flag_logs set {0} = jsonb_set({0}, '{{created_by}}', 'null')"
                " where {0} ->> 'created_by' = %s"
            ).format(sql.Identifier(column)),
            (str(user_id),),
        )


def session_token_hashes(conn: psycopg.Connection, *, user_id: UUID) -> set[bytes]:
    return {bytes(h) for (h,) in conn.execute("select token_hash from auth.sessions where user_id = %s", (user_id,))}


def image_paths(conn: psycopg.Connection, *, user_id: UUID) -> set[str]:
    """The stored image files the account's image rows name."""
    rows = conn.execute(
        "select distinct path from public.image_assets where created_by = %s and path is not null", (user_id,)
    )
    return {path for (path,) in rows}


def image_paths_in_use(conn: psycopg.Connection, *, paths: set[str]) -> set[str]:
    """Which of `paths` any image row still names (this connection sees every account's rows)."""
    rows = conn.execute("select distinct path from public.image_assets where path = any(%s)", (sorted(paths),))
    return {path for (path,) in rows}


def record_sign_in(conn: psycopg.Connection, *, user_id: UUID) -> None:
    conn.execute("update auth.users set last_sign_in_at = now() where id = %s", (user_id,))


def record_own_sign_in(conn: psycopg.Connection) -> None:
    """The caller's own last sign-in, now: an account's own login may not update auth.users (0177)."""
    conn.execute("select auth.record_own_sign_in()")


def insert_session(conn: psycopg.Connection, *, user_id: UUID, token_hash: bytes, expires_at: datetime) -> None:
    conn.execute(
        "insert into auth.sessions (user_id, token_hash, expires_at) values (%s, %s, %s)",
        (user_id, token_hash, expires_at),
    )


def account_for_session(conn: psycopg.Connection, *, token_hash: bytes) -> tuple[AccountRow, datetime] | None:
    """The account behind a live (unrevoked) session token, with the session's expiry."""
    row = conn.execute(
        f"select {_ACCOUNT_COLUMNS}, s.expires_at from auth.sessions s join auth.users u on u.id = s.user_id"
        " where s.token_hash = %s and s.revoked_at is null",
        (token_hash,),
    ).fetchone()
    if row is None:
        return None
    return AccountRow(*row[:-1]), row[-1]


def revoke_session(conn: psycopg.Connection, *, token_hash: bytes) -> None:
    conn.execute(
        "update auth.sessions set revoked_at = now() where token_hash = %s and revoked_at is null",
        (token_hash,),
    )


def revoke_all_sessions(conn: psycopg.Connection, *, user_id: UUID) -> None:
    conn.execute("update auth.sessions set revoked_at = now() where user_id = %s and revoked_at is null", (user_id,))


def role_exists(conn: psycopg.Connection, *, role_name: str) -> bool:
    return scalar(conn.execute("select exists (select 1 from pg_roles where rolname = %s)", (role_name,)), bool)


def role_can_login(conn: psycopg.Connection, *, role_name: str) -> bool:
    row = conn.execute("select rolcanlogin from pg_roles where rolname = %s", (role_name,)).fetchone()
    return bool(row and row[0])


# The roles of the cluster shaped like a Blogster account's and able to log in: named u_<32 hex>
# (auth.users.role_name), directly in `authenticated` (create_role), not a superuser (never an
# account's: an operator's own, which nothing here may lock out); plus the named ones (`also`).
LOGIN_ACCOUNT_ROLES_SQL = """
select r.rolname::text from pg_roles r
where r.rolcanlogin
  and ((r.rolname ~ '^u_[0-9a-f]{32}$' and not r.rolsuper
        and exists (select 1 from pg_auth_members m join pg_roles g on g.oid = m.roleid
                    where m.member = r.oid and g.rolname = 'authenticated'))
       or r.rolname = any(%(also)s))
"""


def login_account_roles(conn: psycopg.Connection, *, also: set[str] | None = None) -> set[str]:
    """The server's roles that can log in and are an account's in form (`u_<32 hex>`, members of
    `authenticated`, not superusers), or are among `also`. Roles are the cluster's: whether a
    database of the server has their account is another question (services/stray_logins.py)."""
    rows = conn.execute(LOGIN_ACCOUNT_ROLES_SQL, {"also": sorted(also or ())})
    return {name for (name,) in rows}


def set_can_login(conn: psycopg.Connection, *, role_name: str, can_login: bool) -> None:
    from psycopg import sql

    conn.execute(
        sql.SQL("alter role {} {} connection limit {}").format(
            sql.Identifier(role_name),
            sql.SQL("login" if can_login else "nologin"),
            sql.Literal(ACCOUNT_CONNECTION_LIMIT),
        )
    )


# The rule for giving a login closed by a ban LOGIN again (its end, or `ban --lift`): the role (pg_authid
# r) has a password of its own. One made by `auth signup` or `quickstart`, or on an embedded server, has
# none: it never had a login to give back, and with LOGIN it would log in wherever the server asks no
# password. pg_authid: a superuser's read.
HAS_OWN_PASSWORD = "r.rolpassword is not null"

WITH_OWN_PASSWORD_SQL = f"""
select r.rolname::text from pg_catalog.pg_authid r where r.rolname = any(%s) and {HAS_OWN_PASSWORD}
"""


def with_own_password(conn: psycopg.Connection, *, role_names: Collection[str]) -> set[str]:
    """Those of `role_names` whose role has a password of its own (HAS_OWN_PASSWORD)."""
    return {name for (name,) in conn.execute(WITH_OWN_PASSWORD_SQL, (sorted(role_names),))}


# Accounts whose ban has ended while `admin users ban` left their login closed (NOLOGIN): not deleted
# (awaiting its purge, a login stays closed), with a password of its own (HAS_OWN_PASSWORD). A row
# another transaction holds (a new ban being set) is left for the next run.
ENDED_BANS_SQL = f"""
select u.role_name from auth.users u join pg_catalog.pg_authid r on r.rolname = u.role_name
where u.banned_until <= now() and u.deleted_at is null and not r.rolcanlogin and {HAS_OWN_PASSWORD}
order by u.role_name
for update of u skip locked
"""


def ended_bans(conn: psycopg.Connection) -> list[str]:
    """The logins whose ban here has ended while they stay closed, their rows locked for this
    transaction: what a ban's end may open again (what `admin users ban --lift` does, but
    banned_until is kept: the ban's record), unless another database keeps it closed."""
    return [name for (name,) in conn.execute(ENDED_BANS_SQL)]


ACCOUNTS_OWNER = "blogster_owner"
"""The role that owns auth.users in a database Blogster migrated (0010's normalize_ownership)."""

# What auth.users is in this database, from the system catalog alone (its kind, its owner): no row
# where there is none. Every name is the catalog's, qualified, whatever the connection's search path.
ACCOUNTS_TABLE_SQL = """
select c.relkind::pg_catalog.text, pg_catalog.pg_get_userbyid(c.relowner)::pg_catalog.text
from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid operator(pg_catalog.=) c.relnamespace
where n.nspname operator(pg_catalog.=) 'auth' and c.relname operator(pg_catalog.=) 'users'
"""

_RELATION_KINDS = {"r": "a table", "p": "a partitioned table", "v": "a view", "m": "a materialized view"}


def accounts_not_blogsters(conn: psycopg.Connection) -> str | None:
    """Why this database's auth.users must not be read as the superuser, or None: it is Blogster's (an
    ordinary table of ACCOUNTS_OWNER's, which only a superuser or a member of it can make) or there is none.
    In another database of the server its owner may have made one of its own: a view runs its functions
    as whoever reads it, and a table of its own says what it likes (stray_logins reads the others)."""
    row = conn.execute(ACCOUNTS_TABLE_SQL).fetchone()
    if row is None:
        return None
    kind, owner = row
    if kind == "r" and owner == ACCOUNTS_OWNER:
        return None
    return f"its auth.users is {_RELATION_KINDS.get(kind, 'a relation')} owned by {owner}, not {ACCOUNTS_OWNER}'s table"


# The accounts of this database whose login must stay closed: a ban in force, or awaiting its purge.
# None in a database without Blogster's accounts (another program's on the same server).
CLOSED_ACCOUNT_ROLES_SQL = """
select role_name, deleted_at is not null from auth.users
where role_name = any(%s) and (deleted_at is not null or banned_until > now())
"""


def closed_account_roles_among(conn: psycopg.Connection, *, role_names: set[str]) -> dict[str, bool]:
    """Which of `role_names` this database keeps closed: role -> whether its account awaits its purge
    (False: banned). Roles are the cluster's, so one database's ban closes the login in all of them."""
    if not scalar(conn.execute("select to_regclass('auth.users') is not null"), bool):
        return {}
    rows = conn.execute(CLOSED_ACCOUNT_ROLES_SQL, (sorted(role_names),))
    return {name: bool(deleted) for name, deleted in rows}


def own_login_identity(conn: psycopg.Connection) -> tuple[UUID, str, bool] | None:
    """(id, email, is_admin) of the account a user's own login belongs to; AuthError if the
    login is not a Blogster account (its server has no auth.me(), or refuses it)."""
    import psycopg

    from blogster_cli.errors import AuthError

    try:
        return conn.execute("select id, email, is_admin from auth.me()").fetchone()
    except psycopg.Error as exc:
        raise AuthError("this login is not a Blogster account on that database") from exc  # the code: --debug
