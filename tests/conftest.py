"""Fixtures: one real PostgreSQL per run, a migrated template, a fresh clone per test.

The server is the embedded one (started in a temporary BLOGSTER_HOME) unless
BLOGSTER_TEST_DATABASE_URL names another, e.g. the machine's PostgreSQL 15 in CI; several
URLs separated by spaces, each a cluster of its own, run that many xdist workers, one per
cluster. Roles are cluster-wide, so every account role a run creates is dropped at its end.
"""

from __future__ import annotations

import functools
import os
import queue
import re
import shutil
import signal
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import settings
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from blogster_cli.actors import Actor
from blogster_cli.config import DEFAULT_PROFILE
from blogster_cli.db import migrations, schema_version
from blogster_cli.db.connection import Database
from blogster_cli.repositories import accounts

# Property tests draw the same examples on every run, so a red CI always means a change broke
# something; `pytest --hypothesis-profile=explore` draws new ones to hunt for unseen inputs.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")

# The local OpenAI-compatible server (fixtures ai_server, ai_env) for the generation tests.
pytest_plugins = ["tests.ai_server"]

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO_ROOT / ".." / "shared" / "data").resolve()
RUN_ID = uuid.uuid4().hex[:8]
# A fixed argon2 hash of "correct horse battery staple", so tests need not hash per user.
TEST_PASSWORD = "correct horse battery staple"
# Real argon2id at the lowest cost it allows: the defaults take most of a second per signup or
# login on a loaded machine (tests/unit/test_password_hashing.py checks the real parameters).
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
# The test server's cluster is thrown away at the end of the run, so it need not survive a
# crash: no flush to disk per commit, per CREATE DATABASE checkpoint or per page.
DISPOSABLE_SERVER_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes")
# Each test database is some 770 files. Creating and unlinking them on this machine's ext4 took
# 0.6 ms a file, so a clone cost 0.6-0.9 s (most of a test's setup); in RAM it takes ~60 ms.
RAM_FOLDER = Path("/dev/shm")
RAM_NEEDED = 2 * 1024**3  # the template and the clones not yet dropped, with room to spare


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keeps the developer's own config, keyring and database out of every test."""
    home = tmp_path / "blogster-home"
    home.mkdir()
    monkeypatch.setenv("BLOGSTER_HOME", str(home))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    for name in (
        "BLOGSTER_DATABASE_URL",
        "BLOGSTER_EMAIL",
        "BLOGSTER_PASSWORD",
        "BLOGSTER_PROFILE",
        "NO_COLOR",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "BLOGSTER_AI_BASE_URL",
        "BLOGSTER_AI_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process signups and logins hash and verify with argon2id at its lowest cost."""
    from argon2 import PasswordHasher

    from blogster_cli.services import sessions

    monkeypatch.setattr(sessions, "_password_hasher", lambda: PasswordHasher(**CHEAP_ARGON2))
    monkeypatch.setattr(sessions, "_DUMMY_HASH", _cheap_dummy_hash())


@pytest.fixture(autouse=True)
def pooled_connections_closed() -> Iterator[None]:
    """The ORM's pooled connections a test opened are closed as it ends (`close_pooled_connections`)."""
    yield
    close_pooled_connections()


def close_pooled_connections() -> None:
    """Disposes of every engine `db.orm` keeps for the process's life, one per connection string:
    each test's database gives it strings of its own, so none is a later test's. Kept, each test's
    one or two pooled connections stayed open on its dropped database (an xdist worker late in the
    suite held over 1,024 descriptors). A process that never loaded the ORM has none to close (and
    does not load SQLAlchemy to find out)."""
    orm = sys.modules.get("blogster_cli.db.orm")
    if orm is None:
        return
    while orm._ENGINES:
        _, engine = orm._ENGINES.popitem()
        engine.dispose()


@functools.cache
def _cheap_dummy_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher(**CHEAP_ARGON2).hash(uuid.uuid4().hex)


# The chatbot's classifiers this process learnt, by their intents (each one's name and phrases, in order).
_LEARNT: dict[tuple[tuple[str, tuple[str, ...]], ...], object] = {}


@pytest.fixture
def intents_learnt_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chatbot learns a set of intents once per test process: names and phrases are all it
    learns from, and each test that imports the starter set into its fresh database paid ~0.5 s
    of CPU to learn it again. Not for the tests of learning itself (its threads and waits)."""
    from blogster_cli.services import chatbot_replies

    learn = chatbot_replies._train

    def once(rows: Iterable[dict[str, Any]]) -> object:
        listed = list(rows)
        intents = tuple((row["name"], tuple(row["training_phrases"])) for row in listed)
        if intents not in _LEARNT:
            _LEARNT[intents] = learn(listed)
        return _LEARNT[intents]

    monkeypatch.setattr(chatbot_replies, "_train", once)


@pytest.fixture(scope="session")
def server_conninfo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Superuser connection to the test server's maintenance database."""
    external = _worker_test_database_url()
    if external:
        yield make_conninfo(external, dbname=conninfo_to_dict(external).get("dbname") or "postgres")
        return
    from blogster_cli.db.embedded import EmbeddedServer

    server = EmbeddedServer(tmp_path_factory.mktemp("embedded-home"))
    server.ensure_running()
    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:
        for setting in DISPOSABLE_SERVER_SETTINGS:
            conn.execute(sql.SQL("alter system set {} = off").format(sql.Identifier(setting)))
        conn.execute("select pg_reload_conf()")
    yield server.conninfo("postgres")
    server.destroy()


class _BackgroundDrops:
    """Drops finished tests' databases on its own connection while the next tests run.

    A DROP DATABASE waits for a checkpoint; nothing needs the database gone at once,
    only before the run ends (finish() waits for the queue).
    """

    def __init__(self, server_conninfo: str):
        self.server_conninfo = server_conninfo
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, name="drop-test-databases", daemon=True)
        self.thread.start()

    def drop(self, name: str) -> None:
        self.queue.put(name)

    def _run(self) -> None:
        with psycopg.connect(self.server_conninfo, autocommit=True) as conn:
            while (name := self.queue.get()) is not None:
                try:
                    conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
                except psycopg.Error as exc:
                    self.errors.append(exc)

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.errors:
            raise self.errors[0]


_DROPS: dict[str, _BackgroundDrops] = {}


def _background_drops(server_conninfo: str) -> _BackgroundDrops:
    if server_conninfo not in _DROPS:
        _DROPS[server_conninfo] = _BackgroundDrops(server_conninfo)
    return _DROPS[server_conninfo]


@pytest.fixture(scope="session")
def test_tablespace(server_conninfo: str) -> Iterator[sql.Composable]:
    """`tablespace <one in RAM>` for the test databases when the server runs on this machine.

    The server's OS user must own the folder: it does when the tests run as that user (the
    embedded server) or as root (CI's PostgreSQL 15). Otherwise, or without room in RAM_FOLDER,
    the databases stay in the server's default tablespace (an empty clause).
    """
    name = f"blogster_test_ram_{RUN_ID}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        folder = _ram_folder_for(Path(conn.execute("show data_directory").fetchone()[0]))
        if folder is not None:
            try:
                conn.execute(sql.SQL("create tablespace {} location {}").format(sql.Identifier(name), str(folder)))
            except psycopg.Error:  # a server elsewhere, with a data folder at the same path as here
                shutil.rmtree(folder)
                folder = None
    if folder is None:
        yield sql.SQL("")
        return
    yield sql.SQL(" tablespace {}").format(sql.Identifier(name))
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        in_it = "select datname from pg_database where pg_tablespace_location(dattablespace) = %s"
        for (database,) in conn.execute(in_it, (str(folder),)).fetchall():
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database)))
        conn.execute(sql.SQL("drop tablespace {}").format(sql.Identifier(name)))
    shutil.rmtree(folder, ignore_errors=True)


def _ram_folder_for(data_directory: Path) -> Path | None:
    """An empty folder in RAM owned by the server's OS user, or None where that cannot be."""
    try:
        server_uid = data_directory.stat().st_uid  # not on this machine: no such folder here
        room = shutil.disk_usage(RAM_FOLDER).free
    except OSError:
        return None
    if room < RAM_NEEDED or os.geteuid() not in (0, server_uid):
        return None
    folder = Path(tempfile.mkdtemp(prefix=f"blogster-test-{RUN_ID}-", dir=RAM_FOLDER))
    os.chown(folder, server_uid, -1)
    return folder


@pytest.fixture(scope="session")
def template_database(server_conninfo: str, test_tablespace: sql.Composable) -> Iterator[str]:
    """A migrated database that each test clones (the clones share its tablespace)."""
    name = f"blogster_test_tpl_{RUN_ID}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        roles_before = {r for (r,) in conn.execute("select rolname from pg_roles where rolname ~ '^u_'")}
        conn.execute(sql.SQL("create database {}{}").format(sql.Identifier(name), test_tablespace))
    migrations.apply(Database(make_conninfo(server_conninfo, dbname=name)))
    # The migrations this process's commands check for (listed once): the template's, not a file
    # another checkout of this tree adds during the run, which would refuse every command (exit 6).
    schema_version.shipped()
    yield name
    if server_conninfo in _CLONES:
        _CLONES.pop(server_conninfo).stop()
    if server_conninfo in _DROPS:
        _DROPS.pop(server_conninfo).finish()
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        clones = [
            d
            for (d,) in conn.execute(
                "select datname from pg_database where datname like %s", (f"blogster_test_%{RUN_ID}%",)
            )
        ]
        for database in clones:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database)))
        roles_after = {r for (r,) in conn.execute("select rolname from pg_roles where rolname ~ '^u_'")}
        for role in sorted(roles_after - roles_before):
            conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))


class _ClonesAhead:
    """Clones the template for the next test while the test before runs, on its own connection.

    A clone is a file copy between two checkpoints (54-58 ms on a quiet machine, against 82-96 ms
    for a WAL-logged copy of the 13 MB template, with the disposable settings flushing nothing).
    Made while a test waits on its subprocesses, sleeps and the server, the next test's setup only
    takes it. One is made ahead at a time; stop() ends the thread before the template goes.
    """

    def __init__(self, server_conninfo: str, template: str):
        self.server_conninfo = server_conninfo
        self.template = template
        self.ready: queue.Queue[str | BaseException] = queue.Queue(maxsize=1)
        self.stopping = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="clone-test-databases", daemon=True)
        self.thread.start()

    def take(self) -> str:
        if self.error is not None:  # the thread has ended: every later test fails with its error
            raise self.error
        made = self.ready.get()
        if isinstance(made, BaseException):
            raise made
        return made

    def _run(self) -> None:
        try:
            with psycopg.connect(self.server_conninfo, autocommit=True) as conn:
                while not self.stopping.is_set():
                    name = f"blogster_test_{RUN_ID}_{uuid.uuid4().hex[:10]}"
                    conn.execute(
                        sql.SQL("create database {} template {} strategy file_copy").format(
                            sql.Identifier(name), sql.Identifier(self.template)
                        )
                    )
                    # What `db migrate` restores on a copy (internal.secure_database()): the one
                    # privilege a copy does not keep, TEMP on the database itself. Revoked on this
                    # connection, not a new one to the clone (a backend start, 11 ms of the server's
                    # CPU per test); the template's own revokes came over with its catalogs.
                    conn.execute(sql.SQL("revoke temporary on database {} from public").format(sql.Identifier(name)))
                    self.ready.put(name)
        except BaseException as exc:  # handed to the tests that ask, which fail with it
            self.error = exc
            self.ready.put(exc)

    def stop(self) -> None:
        """Ends the thread; a clone it made and nobody took is dropped with the run's others."""
        self.stopping.set()
        while self.thread.is_alive():
            try:
                self.ready.get(timeout=0.1)  # frees a put waiting for room
            except queue.Empty:
                pass


_CLONES: dict[str, _ClonesAhead] = {}


@pytest.fixture
def db(server_conninfo: str, template_database: str) -> Iterator[Database]:
    """A fresh, migrated database for one test (superuser login, like the embedded CLI), cloned
    from the template while the test before ran (`_ClonesAhead`)."""
    if server_conninfo not in _CLONES:
        _CLONES[server_conninfo] = _ClonesAhead(server_conninfo, template_database)
    name = _CLONES[server_conninfo].take()
    yield Database(make_conninfo(server_conninfo, dbname=name))
    _background_drops(server_conninfo).drop(name)


@pytest.fixture
def restores_copy_the_template(monkeypatch: pytest.MonkeyPatch, template_database: str) -> None:
    """A restore's scratch database copied from the migrated test template, not made from template0
    and migrated (~1 s of the server's CPU a restore: the restore tests were the costliest files).
    For tests of what a restore carries over, reports or shuts out; the schema's build stays real in
    the others (tests/integration/test_restore_interrupted.py, tests/security). Nothing is pending
    in the copy, so `db migrate`'s steps in the restore find no work."""
    from blogster_cli.db import database_swap

    monkeypatch.setattr(database_swap, "SCRATCH_TEMPLATE", template_database)


@pytest.fixture
def empty_db(server_conninfo: str, test_tablespace: sql.Composable) -> Iterator[Database]:
    """A database with nothing in it (not cloned from the migrated template)."""
    name = f"blogster_test_empty_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}{}").format(sql.Identifier(name), test_tablespace))
    yield Database(make_conninfo(server_conninfo, dbname=name))
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def password_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher(**CHEAP_ARGON2).hash(TEST_PASSWORD)


@pytest.fixture
def make_user(db: Database, password_hash: str) -> Callable[..., Actor]:
    """Creates an account the way signup does (row + role) and returns its Actor."""

    def create(email: str | None = None, *, admin: bool = False, login_password: str | None = None, **meta) -> Actor:
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        with db.connect() as conn, conn.transaction():
            user_id = accounts.insert_user(conn, email=email, password_hash=password_hash, metadata=meta)
            role_name = "u_" + user_id.hex
            accounts.create_role(conn, role_name=role_name, login_password=login_password)
            if admin:
                accounts.set_admin(conn, role_name=role_name, admin=True)
        return Actor(user_id=user_id, email=email, is_admin=admin)

    return create


def signed_up_in(home: Path, database_url: str, email: str, password: str, profile: str = DEFAULT_PROFILE) -> Actor:
    """An account signed up and logged in as `auth signup` does it, the session kept in `home`'s
    `profile` for the `blogster` processes a test starts there. In the test's own process, so at
    the tests' argon2 cost (cheap_password_hashing): `auth signup` in a process of its own cost
    ~0.6 s of CPU to start and ~0.35 s to hash and verify at the real cost."""
    from unittest import mock

    from blogster_cli.context import AppContext
    from blogster_cli.services import accounts as account_services
    from blogster_cli.services import sessions

    with mock.patch.dict(os.environ, {"BLOGSTER_HOME": str(home)}):  # where the session is kept
        context = AppContext(profile=profile, database_url=database_url)
        try:
            actor, _ = account_services.signup(context, email=email, password=password)
            sessions.login(context, email=actor.email, password=password)
        finally:
            context.database.close()
    return actor


@pytest.fixture
def superuser(db: Database) -> Iterator[psycopg.Connection]:
    """An autocommit superuser connection to the test database, for setup and for checking data."""
    with db.connect() as conn:
        yield conn


@contextmanager
def hangups_by_default() -> Iterator[None]:
    """Processes started inside get SIGHUP's default action: the tests may run under `nohup`
    (CI's own runs do), whose ignored SIGHUP children inherit and then keep, as a user's nohup
    wants; a test of what a hangup does needs the default instead."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)


def shared_data(*parts: str) -> Path:
    """A path in ../shared/data, or a skip with the reason when the corpora are absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present at {path}")
    return path


# Workers for `-n auto` (pyproject's addopts): each has its own embedded server, so the suite runs
# on up to MAX_WORKERS cores; tests waiting on processes, sleeps and the server leave a core idle a
# quarter of the time, which a second worker fills (a third, one more than the cores, made CI's pass
# 1,450 -> ~1,800 s: waits on locks, polls and timeouts grew with the load). On servers of the
# machine's or elsewhere (BLOGSTER_TEST_DATABASE_URL) one worker per cluster named, and one process
# for a single one: workers sharing a cluster would share its roles, and some tests end every
# backend with a given application name.
MAX_WORKERS = 2


def _test_database_urls() -> list[str]:
    return os.environ.get("BLOGSTER_TEST_DATABASE_URL", "").split()


def _worker_test_database_url() -> str | None:
    """This process's cluster: the Nth URL for xdist worker gwN, the first without xdist."""
    urls = _test_database_urls()
    if not urls:
        return None
    index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    if index >= len(urls):
        raise pytest.UsageError(
            f"BLOGSTER_TEST_DATABASE_URL names {len(urls)} cluster(s), one per xdist worker: run with -n {len(urls)}"
            " or fewer (workers sharing a cluster would drop each other's roles)"
        )
    return urls[index]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    if urls := _test_database_urls():
        return len(urls) if len(urls) > 1 else 0
    return max(
        1, min(MAX_WORKERS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--server-tests-only",
        action="store_true",
        help="run only the tests that use the test server (the server_conninfo fixture), for a second pass"
        " on another PostgreSQL (CI's PostgreSQL 15): the others, which start their own embedded"
        " server or none, would only repeat the first pass, as would those marked same_on_every_server",
    )


# Tests whose cost is Python, not the server (Textual drawing the studio; reading and writing the real
# corpora): the SQL they run is the services' plain SQL that the other tests run on every server.
SAME_ON_EVERY_SERVER = "same_on_every_server"
STUDIO_TESTS = Path(__file__).resolve().parent / "tui"
# A second pass runs the security suite whole, and a test file elsewhere whole where the server's
# version or its password logins can change the outcome: logins, roles and passwords, backups and
# restores, migrations, schemas and triggers, locks, limits, timeouts and sessions, work at once,
# queues and the workers, RLS, and the SQL that reads text (search, word counts, unshown characters:
# each server's own Unicode tables). Of the others it runs each file's first test, the main path of
# that file's SQL on that server: their variations (wording, files, options, inputs) are Python's.
# (CI's PostgreSQL 15 pass took 830 s with every CLI test, 1,360 s the longer pass; with every
# integration and worker test, 2,079 s on a machine where the other pass took 2,505 s, run 164.)
SECURITY_TESTS = Path(__file__).resolve().parent / "security"
SERVER_SENSITIVE = re.compile(
    r"login|role|password|passwd|backup|restore|migrat|schema|idle|lock|partition|shared_server|stray|auth"
    r"|account|db_|doctor|quickstart|connection|database|concurrent|secret|rls|fresh_machine|session|timeout"
    r"|limit|own_|worker|at_once|busy|ban|trigger|queue|notif|quota|dashboard"
    r"|search|word_count|rank|unicode|collat|invisible|unshown|character"
)


def _on_a_second_server(item: pytest.Item, files_seen: set[Path]) -> bool:
    """Whether `--server-tests-only` runs `item` (items in collection order: `files_seen` holds the
    files whose first test was taken)."""
    if "server_conninfo" not in getattr(item, "fixturenames", ()):
        return False
    if item.get_closest_marker(SAME_ON_EVERY_SERVER) or item.path.is_relative_to(STUDIO_TESTS):
        return False
    if item.path.is_relative_to(SECURITY_TESTS) or SERVER_SENSITIVE.search(item.path.name):
        return True
    first = item.path not in files_seen
    files_seen.add(item.path)
    return first


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--server-tests-only"):
        return
    files_seen: set[Path] = set()
    on_server: list[pytest.Item] = []
    elsewhere: list[pytest.Item] = []
    for item in items:
        (on_server if _on_a_second_server(item, files_seen) else elsewhere).append(item)
    config.hook.pytest_deselected(items=elsewhere)
    items[:] = on_server


_SKIP_REASONS: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):  # an expected failure is not a skip
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _SKIP_REASONS.append(reason)


def pytest_sessionfinish(session, exitstatus):
    """In CI, BLOGSTER_ALLOWED_SKIPS (a regex) names the only skips allowed; others fail the run."""
    import re

    allowed = os.environ.get("BLOGSTER_ALLOWED_SKIPS")
    if allowed is None or exitstatus != 0 or hasattr(session.config, "workerinput"):
        return  # an xdist worker's reports reach the controller, which checks them all
    unexpected = [r for r in _SKIP_REASONS if not re.search(allowed, r)]
    if unexpected:
        session.config.get_terminal_writer().line(f"unexpected skips: {unexpected}", red=True)
        session.exitstatus = 1
