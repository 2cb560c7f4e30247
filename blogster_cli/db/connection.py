"""Connections to the embedded server or to the server named by BLOGSTER_DATABASE_URL."""

from __future__ import annotations

import re
import select
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from time import monotonic
from typing import TYPE_CHECKING, Any

from blogster_cli.errors import BlogsterError, ConfigError, DatabaseUnavailable, NotSetUp

if TYPE_CHECKING:
    import psycopg

    from blogster_cli.db.embedded import EmbeddedServer

# 15.9, 16.5 and 17.1 fixed role-switching CVEs (CVE-2024-10976, -10978); older
# minors also let parallel workers ignore the `role` setting that RLS depends on.
MINIMUM_SERVER_VERSIONS = {15: 150009, 16: 160005, 17: 170001}
MINIMUM_MAJOR = 15

IDLE_CHECK_AFTER_S = 0.1
"""A kept connection unused for longer is looked at before it is handed out again (`closed_by_server`):
the server may have ended it meanwhile (an administrator's `idle_session_timeout`, a restart), and a
unit of work on it would fail at its first statement, after the outside call it waited for. The look
is local (no round trip) but a system call, so back-to-back units of work skip it."""

# A connection the server (or libpq, before asking it) refused for who is logging in, not for
# want of a server: a wrong or missing password, an unknown or NOLOGIN role, pg_hba.conf, no
# CONNECT on the database (SQLSTATE 28P01, 28000, 42501; libpq gives no SQLSTATE for a failed
# connection, so its text is read: PostgreSQL's own words, in English).
_LOGIN_REFUSED = re.compile(
    r"authentication failed for user|no password supplied|no pg_hba\.conf entry|pg_hba\.conf rejects"
    r'|is not permitted to log in|^role ".*" does not exist|permission denied for database'
)
_NO_DATABASE = re.compile(r'^database "(.*)" does not exist')
# libpq's words for a connection option it cannot use, said before it tries any server (a Unix
# socket without a server is refused just as early, so when is not enough to tell them apart).
_BAD_OPTION = re.compile(
    r'^invalid .*value|for connection option "|^invalid port number|^could not match \d+ '
    r"|^could not parse network address|may not be used with|when SSL support is not compiled in"
)


class LoginRefused(ConfigError):
    """The server refused the login itself (a wrong or missing password, an unknown or NOLOGIN
    role, pg_hba.conf): the settings are wrong, and trying again changes nothing (exit 6, not 7).

    `password_asked`: whether the server asked for the password before refusing (libpq's
    PQconnectionUsedPassword), None when not known. A role without LOGIN is refused only after its
    authentication: by a server that asked, once the password was right; by one that asks none
    (the embedded server trusts its owner's socket), whatever the password."""

    def __init__(self, message: str, *, password_asked: bool | None = None) -> None:
        super().__init__(message)
        self.password_asked = password_asked


def server_version_problem(version_num: int) -> str | None:
    """Why this server version is refused, or None if it is supported."""
    major = version_num // 10000
    if major < MINIMUM_MAJOR:
        return f"PostgreSQL {major} is too old; Blogster needs 15.9 or newer"
    floor = MINIMUM_SERVER_VERSIONS.get(major)
    if floor is not None and version_num < floor:
        return (
            f"PostgreSQL {major}.{version_num % 100} has role-switching security bugs; "
            f"upgrade to {major}.{floor % 100} or newer"
        )
    return None


@dataclass
class Database:
    """How to reach the database: `conninfo` is the administrative login.

    Embedded: the local superuser over a private socket; user commands switch role per
    unit of work. Shared server: the URL's own login, used for migrations and admin
    work; user commands log in as the user's own role (see `for_login`).
    """

    conninfo: str
    embedded: EmbeddedServer | None = None
    connect_timeout_s: int = 10
    """How long a new connection may wait for the server (unless the URL sets connect_timeout)."""
    source: str | None = None
    """Where the URL came from (BLOGSTER_DATABASE_URL, --database-url, the config file), for messages."""
    check_schema: bool = False
    """Whether the first connection refuses a database missing a shipped migration (db/schema_version.py):
    on for a command's database (AppContext), off for the commands that migrate or report on it."""
    _schema_checked: bool = field(default=False, repr=False, compare=False)
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the TUI's sign-in hands it from a forked copy, tui/launch.py) as how to reach the
        database: the connections stay with the process and thread that opened them."""
        state = self.__dict__.copy()
        del state["_local"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    @property
    def is_embedded(self) -> bool:
        return self.embedded is not None

    def connect(self, *, autocommit: bool = True, **overrides: Any) -> psycopg.Connection:
        """A new connection; on the embedded server, starts the server if needed.

        A server that accepts the connection but never answers (stopped, overloaded)
        fails after connect_timeout_s instead of hanging the command.
        """
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        from blogster_cli.db.time_bounds import read_out_of_range_dates_as_bounds

        if "connect_timeout" not in conninfo_to_dict(self.conninfo):
            overrides.setdefault("connect_timeout", self.connect_timeout_s)
        if self.embedded is not None:
            if self.check_schema and not self.embedded.is_initialized():  # not created to be refused
                from blogster_cli.db.schema_version import NOT_SET_UP

                raise NotSetUp(NOT_SET_UP)
            self.embedded.ensure_belongs_to_home()
        try:
            conn = psycopg.connect(self.conninfo, autocommit=autocommit, **overrides)
        except psycopg.ProgrammingError as exc:  # a value libpq cannot use (connect_timeout=abc)
            raise ConfigError(f"the database URL: {_first_line(exc)}") from None
        except psycopg.OperationalError as exc:
            conn = self._connect_after(exc, autocommit=autocommit, **overrides)
        problem = server_version_problem(conn.info.server_version)
        if problem:
            conn.close()
            raise ConfigError(problem)
        read_out_of_range_dates_as_bounds(conn)
        if self.check_schema and not self._schema_checked:
            self._refuse_an_older_schema(conn)
        return conn

    def _refuse_an_older_schema(self, conn: psycopg.Connection) -> None:
        """The schema check, once for this Database (its later connections, other threads' too, skip it)."""
        from blogster_cli.db.schema_version import refuse_an_older_schema

        try:
            refuse_an_older_schema(conn)
        except BaseException as exc:
            conn.close()
            if isinstance(exc, Exception):
                from blogster_cli.db.errors import raise_translated

                raise_translated(exc)  # a driver error (the server gone meanwhile), said as any other's
            raise
        self._schema_checked = True

    def _connect_after(self, exc: Exception, *, autocommit: bool, **overrides: Any) -> psycopg.Connection:
        """Retries a failed connect once per remedy that applies: the embedded server started, or
        a restore killed between its renames finished (the database is missing: db/database_swap.py)."""
        import psycopg

        tried: set[str] = set()
        while True:
            remedy = self._remedy(exc, tried)
            if remedy is None:
                raise self._connect_failure(exc) from None
            tried.add(remedy)
            try:
                return psycopg.connect(self.conninfo, autocommit=autocommit, **overrides)
            except psycopg.OperationalError as retry_exc:
                exc = retry_exc

    def _remedy(self, exc: Exception, tried: set[str]) -> str | None:
        if _timed_out(exc) or _refusal_reason(exc) is not None:
            return None
        if "swap" not in tried and any(
            f'database "{self.database_name}" {state}' in str(exc) for state in SWAP_STATES
        ):  # a restore killed between its renames, or as it closed the database to rename it
            from blogster_cli.db.database_swap import finish_interrupted_swap

            return "swap" if finish_interrupted_swap(self) else None
        if "server" not in tried and self.embedded is not None:
            self.embedded.ensure_running()
            return "server"
        return None

    def _connect_failure(self, exc: Exception) -> BlogsterError:
        """Why connecting failed: a configuration error (exit 6) when the settings are wrong (the
        login refused, an option libpq cannot use, no such database on a shared server), else
        the database is unavailable (exit 7: not reachable, not answering, starting or stopping)."""
        where = "the embedded database" if self.embedded is not None else "the database"
        if _timed_out(exc):
            return DatabaseUnavailable(
                f"{where} did not answer within the connect timeout (server stopped or overloaded?); "
                "the limit is the connect_timeout_s setting"
            )
        given = f" given by {self.source}" if self.source else ""
        refusal = _refusal_reason(exc)
        if refusal is not None:
            pgconn = getattr(exc, "pgconn", None)  # the failed attempt's, kept by psycopg
            asked = None if pgconn is None else bool(pgconn.used_password)
            return LoginRefused(f"{where} refused the login{given}: {refusal}", password_asked=asked)
        if _BAD_OPTION.search(_reason(exc)):  # libpq refused the options before connecting
            named = f" ({self.source})" if self.source else ""
            return ConfigError(f"the database URL{named}: {_reason(exc)}")
        missing = _NO_DATABASE.match(_reason(exc))
        if missing and self.embedded is None:
            return ConfigError(
                f"the database {missing.group(1)} does not exist on the server{given}: "
                f"create it (createdb --template=template0 {missing.group(1)}: PostgreSQL's own template, not"
                " template1, which others may have added to) or correct the URL"
            )
        return DatabaseUnavailable(f"cannot connect to {where}: {_first_line(exc)}")

    def connection(self) -> psycopg.Connection:
        """This thread's reusable autocommit connection: reopened if it broke, or if the server ended
        it while it sat unused (looked at once it has been kept over IDLE_CHECK_AFTER_S)."""
        local = self._local
        conn = getattr(local, "conn", None)
        now = monotonic()
        if conn is None or conn.closed or conn.broken or (now - local.handed_out > IDLE_CHECK_AFTER_S and _ended(conn)):
            if conn is not None:
                conn.close()
            conn = local.conn = self.connect()
        local.handed_out = now
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @property
    def login_is_superuser(self) -> bool:
        """Whether this login may switch to any account's role (embedded, or a superuser URL)."""
        return self.connection().info.parameter_status("is_superuser") == "on"

    def for_login(self, user: str, password: str) -> Database:
        """The same server, logged in as `user` (a shared-server account role)."""
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        params = conninfo_to_dict(self.conninfo)
        params.update(user=user, password=password)
        return Database(make_conninfo("", **params), connect_timeout_s=self.connect_timeout_s)

    @property
    def login_name(self) -> str | None:
        """The login the connection names (None: libpq's default, PGUSER or the OS user's name)."""
        from psycopg.conninfo import conninfo_to_dict

        user = conninfo_to_dict(self.conninfo).get("user")
        return str(user) if user else None

    @property
    def database_name(self) -> str:
        """The database this login connects to (libpq's default: the user's name)."""
        from psycopg.conninfo import conninfo_to_dict

        params = conninfo_to_dict(self.conninfo)
        return str(params.get("dbname") or params.get("user"))

    @property
    def names_the_embedded_server(self) -> bool:
        """Whether this is this home's embedded server: its own, or a URL naming its socket folder
        (`db dsn`'s URL, another login put in), which only its owner reaches."""
        if self.embedded is not None:
            return True
        from pathlib import Path

        from psycopg.conninfo import conninfo_to_dict

        from blogster_cli.config import home_dir
        from blogster_cli.db.embedded import EmbeddedServer

        host = str(conninfo_to_dict(self.conninfo).get("host") or "")
        return host.startswith("/") and Path(host) == EmbeddedServer(home_dir()).socket_dir

    def for_database(
        self, name: str, *, application_name: str | None = None, settings: Mapping[str, str] | None = None
    ) -> Database:
        """The same server and login, connected to the database `name` (restore's scratch copy),
        its sessions named `application_name` when given and started with `settings` (server
        settings, after any the URL's `options` give: CATALOG_ONLY for a database not Blogster's)."""
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        params = conninfo_to_dict(self.conninfo)
        params["dbname"] = name
        if application_name is not None:
            params["application_name"] = application_name
        if settings:
            given = [str(params["options"])] if params.get("options") else []
            params["options"] = " ".join(
                given + [f"-c {key}={_option_value(value)}" for key, value in settings.items()]
            )
        return Database(
            make_conninfo("", **params),
            embedded=self.embedded,
            connect_timeout_s=self.connect_timeout_s,
            source=self.source,
        )

    def describe(self) -> str:
        """The connection without its secrets (password, sslpassword, oauth_client_secret), for messages."""
        from psycopg.conninfo import conninfo_to_dict

        from blogster_cli.url_secrets import LIBPQ_SECRETS

        params = conninfo_to_dict(self.conninfo)
        for name in LIBPQ_SECRETS:
            params.pop(name, None)
        return " ".join(f"{key}={value}" for key, value in params.items())


CATALOG_ONLY: Mapping[str, str] = {"search_path": "pg_catalog,pg_temp"}
"""The settings of an administrative connection to a database that is not Blogster's (the maintenance
database `postgres`, another database of the server): unqualified names resolve in the system
catalog (tables then in the session's own temporary schema), never in a schema others may create in.
Where PUBLIC may create in such a database's `public` schema (a cluster made before PostgreSQL 15
and upgraded), an account's function named as a system function, with a closer argument type
(pg_terminate_backend(integer, integer)), would otherwise run as the superuser (red team 50)."""


def _option_value(value: str) -> str:
    """A setting's value as libpq's `options` takes it: spaces and backslashes escaped."""
    return value.replace("\\", "\\\\").replace(" ", "\\ ")


_POLL_IN = select.POLLIN if hasattr(select, "poll") else None


SWAP_STATES = ("does not exist", "is not currently accepting connections")
"""What the server says of a database a killed restore left mid-swap (db/database_swap.py)."""


def closed_by_server(conn: psycopg.Connection) -> bool:
    """Whether the server ended this idle connection (its `idle_session_timeout`, a restart, a crash,
    pg_terminate_backend), which the driver learns only when a statement fails: its socket has
    something to read (the server's last words, or the end) though nothing was asked. No round trip."""
    if conn.closed or conn.broken:
        return True
    if _POLL_IN is None:  # no poll() (Windows): select(), whose descriptors stop at FD_SETSIZE
        return bool(select.select([conn.fileno()], [], [], 0)[0])
    poller = select.poll()
    poller.register(conn.fileno(), _POLL_IN)
    return bool(poller.poll(0))


IDLE_SESSION_TIMEOUT = "57P05"


def ended_as_idle(exc: BaseException) -> bool:
    """Whether `exc`, or the error it was raised while handling (a rollback's on the dead connection),
    is the server ending the session for its `idle_session_timeout`: it ends only a session with
    nothing running, so the message it answered ran nothing and may be sent again on a new one."""
    current: BaseException | None = exc
    for _ in range(4):  # the driver's error, SQLAlchemy's wrapper, the rollback's on top
        if current is None:
            return False
        if getattr(current, "sqlstate", None) == IDLE_SESSION_TIMEOUT:
            return True
        current = current.__cause__ or current.__context__
    return False


def _ended(conn: psycopg.Connection) -> bool:
    """`closed_by_server` for a connection outside a transaction: inside one it is in use (a caller's
    unit of work), and handing out another would leave that transaction behind."""
    from psycopg.pq import TransactionStatus

    return conn.info.transaction_status == TransactionStatus.IDLE and closed_by_server(conn)


def _timed_out(exc: Exception) -> bool:
    return "timeout expired" in str(exc)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _reason(exc: BaseException) -> str:
    """libpq's reason for a failed connection, without psycopg's and libpq's lead-ins
    ("connection failed: connection to server at ... failed: FATAL:  ")."""
    line = _first_line(exc)
    for lead_in in ("connection failed: ", "connection is bad: "):
        line = line.removeprefix(lead_in)
    line = re.sub(r"^connection to server (at|on) .*? failed: ", "", line)
    return re.sub(r"^FATAL:\s+", "", line).strip()


def _refusal_reason(exc: BaseException) -> str | None:
    """The reason the login was refused, or None when the connection failed for something else."""
    reason = _reason(exc)
    return reason if _LOGIN_REFUSED.search(reason) else None


def open_database(
    database_url: str | None,
    *,
    source: str = "BLOGSTER_DATABASE_URL",
    connect_timeout_s: int = 10,
    check_schema: bool = False,
) -> Database:
    """The shared server named by `database_url` (which came from `source`), else the embedded one;
    `check_schema`: Database.check_schema."""
    if database_url:
        from psycopg.conninfo import conninfo_to_dict

        from blogster_cli.config import UNREAD_PASSWORD, connection_parts, password_in_host

        try:
            conninfo_to_dict(database_url)
        except Exception:
            raise ConfigError(f"{source}: not a valid PostgreSQL URL") from None
        parts = connection_parts(database_url)
        if parts is not None and password_in_host(parts):  # the rest of a password as its host: never sent
            raise ConfigError(f"{source}: {UNREAD_PASSWORD}")
        return Database(database_url, connect_timeout_s=connect_timeout_s, source=source, check_schema=check_schema)
    from blogster_cli.config import home_dir
    from blogster_cli.db.embedded import EmbeddedServer

    server = EmbeddedServer(home_dir())
    return Database(server.conninfo(), embedded=server, connect_timeout_s=connect_timeout_s, check_schema=check_schema)
