"""The database server killed (SIGKILL, the whole server) in the middle of an import, a site build,
an analytics ingest and a folder sync: the command in flight fails with the one-line
'database unavailable' message and exit code 7; the re-run restarts the embedded server
(crash recovery) and completes the work with no duplicate rows and nothing half-written.

Each test runs the real `blogster` entry point on its own embedded server (this module's,
not the session's shared one, which the other tests need alive). The kill lands at a moment
the test observes, not after a sleep: the command's own backend waiting on a table lock
that the test holds, after it already committed part of its work.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.cli.exit_codes import DATABASE_UNAVAILABLE
from blogster_cli.db import migrations
from blogster_cli.db.connection import Database
from blogster_cli.db.embedded import EmbeddedServer
from tests.conftest import REPO_ROOT, shared_data

PASSWORD = "crash-test-password"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


def private_server(home: Path) -> Iterator[EmbeddedServer]:
    """A private embedded server in `home`, migrated; destroyed at the end (a fixture's body:
    the session's shared server must stay up while these kill theirs)."""
    server = EmbeddedServer(home)
    server.ensure_running()
    migrations.apply(Database(server.conninfo(), embedded=server))
    yield server
    server.destroy()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    """A private embedded server for this module."""
    yield from private_server(tmp_path_factory.mktemp("crash-home"))


def worker_env(home: Path, server: EmbeddedServer, smtp_url: str) -> dict[str, str]:
    """The environment of a `serve-workers` process on `server`, which it cannot restart itself
    (the test does, or not), mailing through `smtp_url`."""
    return {
        **os.environ,
        "BLOGSTER_HOME": str(home),
        "BLOGSTER_DATABASE_URL": server.url(),
        "BLOGSTER_SMTP_URL": smtp_url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONPATH": str(REPO_ROOT),
    }


def four_account_roles(conn: psycopg.Connection, password_hash: str, prefix: str) -> list[str]:
    """Four accounts' roles, made in one transaction, the first an admin (who schedules the
    maintenance whose emails go to all four)."""
    from blogster_cli.repositories import accounts

    with conn.transaction():
        roles = []
        for _ in range(4):
            email = f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"
            user_id = accounts.insert_user(conn, email=email, password_hash=password_hash, metadata={})
            roles.append("u_" + user_id.hex)
            accounts.create_role(conn, role_name=roles[-1], login_password=None)
        accounts.set_admin(conn, role_name=roles[0], admin=True)
    return roles


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def kill_server(server: EmbeddedServer) -> None:
    """SIGKILL the postmaster and every server process (a crash: no shutdown, no checkpoint).

    The postmaster is stopped first so that it forks no process between the listing and the kill.
    """
    pid = server._postmaster_pid()
    assert pid is not None, "the server is not running"
    os.kill(pid, signal.SIGSTOP)
    for child in _children(pid):
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while server.is_running():
        assert time.monotonic() < deadline, "the killed server still looks alive"
        time.sleep(0.01)


@dataclass
class Account:
    home: Path
    profile: str
    email: str
    acting: ActingUser

    def run(self, *args: str, input: str | None = None) -> subprocess.Popen[str]:
        env = {
            **os.environ,
            "BLOGSTER_HOME": str(self.home),
            "BLOGSTER_PROFILE": self.profile,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "PYTHONPATH": str(REPO_ROOT),
        }
        env.pop("BLOGSTER_DATABASE_URL", None)
        return subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", *args], env=env, cwd=REPO_ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def blogster(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        process = self.run(*args)
        out, err = process.communicate(input, timeout=240)
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture
def account(server: EmbeddedServer) -> Callable[[], Account]:
    """A new account signed up through the CLI in its own profile of the module's home."""

    def create() -> Account:
        name = uuid.uuid4().hex[:8]
        email = f"crash-{name}@example.com"
        home = server.home
        stub = Account(home, name, email, None)  # type: ignore[arg-type]
        signed = stub.blogster("auth", "signup", "--email", email, "--password-stdin", input=PASSWORD + "\n")
        assert signed.returncode == 0, signed.stderr
        with psycopg.connect(server.conninfo()) as conn:
            (user_id,) = conn.execute("select id from auth.users where email = %s", (email,)).fetchone()
        stub.acting = ActingUser(Database(server.conninfo(), embedded=server), Actor(user_id=user_id, email=email))
        return stub

    return create


def count(server: EmbeddedServer, query: str, *params: object) -> int:
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        return int(conn.execute(query, params).fetchone()[0])


def crash_while_blocked(
    server: EmbeddedServer, process: subprocess.Popen[str], *, table: str, mode: str, ready: Callable[[], bool]
) -> None:
    """Once `ready()` (the command has committed part of its work), holds `table` locked in `mode`
    until the command's backend waits for it, then kills the server."""
    deadline = time.monotonic() + 120
    while not ready():
        assert process.poll() is None, f"the command ended before the crash: {process.communicate()}"
        assert time.monotonic() < deadline, "the command never got going"
        time.sleep(0.01)
    blocker = psycopg.connect(server.conninfo())
    blocker.execute(f"lock table {table} in {mode} mode")
    # Watched from another connection: inside the blocker's transaction pg_stat_activity is a snapshot.
    watcher = psycopg.connect(server.conninfo(), autocommit=True)
    (holder,) = blocker.execute("select pg_backend_pid()").fetchone()
    while not watcher.execute(
        "select 1 from pg_locks where not granted and relation = %s::regclass and pid <> %s", (table, holder)
    ).fetchone():
        assert process.poll() is None, f"the command ended before the crash: {process.communicate()}"
        assert time.monotonic() < deadline, "the command never waited for the lock"
        time.sleep(0.01)
    kill_server(server)
    blocker.close()
    watcher.close()


def assert_failed_as_unavailable(process: subprocess.Popen[str]) -> None:
    out, err = process.communicate(timeout=120)
    assert process.returncode == DATABASE_UNAVAILABLE, (out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ") and ("lost the database connection" in err or "cannot connect to the" in err), err


def markdown_folder(root: Path, posts: int, first: int = 0) -> Path:
    root.mkdir()
    for n in range(first, first + posts):
        (root / f"post-{n:04d}.md").write_text(
            f"---\ntitle: Post {n}\ntags: [t{n % 7}, crash]\n---\n\nBody of post {n}.\n", encoding="utf-8"
        )
    return root


def post_rows(server: EmbeddedServer, account: Account) -> tuple[int, int]:
    """(posts, distinct slugs) of the account: equal when nothing is duplicated."""
    with psycopg.connect(server.conninfo()) as conn:
        row = conn.execute(
            "select count(*), count(distinct slug) from blogs where author_id = %s and deleted_at is null",
            (account.acting.actor.user_id,),
        ).fetchone()
    return int(row[0]), int(row[1])


def test_server_killed_mid_import_then_rerun_imports_each_post_once(server, account, tmp_path):
    author = account()
    folder = markdown_folder(tmp_path / "posts", 1600)  # four batches of 500
    process = author.run("import", str(folder), "--json")
    mine = author.acting.actor.user_id
    crash_while_blocked(
        server, process, table="blogs", mode="share",
        ready=lambda: count(server, "select count(*) from blogs where author_id = %s", mine) > 0,
    )  # fmt: skip
    assert_failed_as_unavailable(process)
    if server.is_running():  # the command's other threads reconnected, which starts a killed server again
        kill_server(server)
    # While it is down, a command on a server named by URL (which Blogster does not start) says so too.
    down = author.run("--database-url", server.url(), "blogs", "list")
    assert_failed_as_unavailable(down)

    server.ensure_running()
    committed, _ = post_rows(server, author)
    assert 0 < committed < 1600, "the crash did not land mid-import"
    revisions = count(
        server, "select count(*) from blog_revisions r join blogs b on b.id = r.blog_id where b.author_id = %s", mine
    )
    tags = count(
        server, "select count(*) from blogs_to_tags l join blogs b on b.id = l.blog_id where b.author_id = %s", mine
    )

    rerun = author.blogster("import", str(folder), "--json")  # the CLI restarts nothing: already up
    assert rerun.returncode == 0, rerun.stderr
    assert post_rows(server, author) == (1600, 1600)
    assert (
        count(
            server, "select count(*) from blogs_to_tags l join blogs b on b.id = l.blog_id where b.author_id = %s", mine
        )
        == 3200
    )
    assert revisions <= count(
        server, "select count(*) from blog_revisions r join blogs b on b.id = r.blog_id where b.author_id = %s", mine
    )
    assert tags < 3200
    again = author.blogster("import", str(folder), "--json")
    assert again.returncode == 0 and post_rows(server, author) == (1600, 1600)


def test_server_killed_mid_site_build_leaves_the_last_build_then_rerun_completes(server, account, tmp_path):
    author = account()
    assert author.blogster("import", str(markdown_folder(tmp_path / "first", 20))).returncode == 0
    out = tmp_path / "public"
    first = author.blogster("site", "build", "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert author.blogster("import", str(markdown_folder(tmp_path / "more", 20, first=20))).returncode == 0

    process = author.run("site", "build", "--out", str(out))
    crash_while_blocked(server, process, table="blogs", mode="access exclusive", ready=lambda: True)
    assert_failed_as_unavailable(process)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # nothing half-written

    # The re-run restarts the stopped embedded server itself (crash recovery) and finishes the build.
    assert not server.is_running()
    rerun = author.blogster("site", "build", "--out", str(out), "--json")
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["posts"] == 40
    fresh = tmp_path / "fresh"
    assert author.blogster("site", "build", "--out", str(fresh)).returncode == 0
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == {
        p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()
    }


def access_log(path: Path, lines: int) -> Path:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    pages = ["/posts/alpha/", "/posts/beta/", "/", "/posts/gamma/"]
    with path.open("w") as handle:
        for n in range(lines):
            moment = start + timedelta(seconds=n * 60)
            handle.write(
                f'10.2.{n // 250 % 250}.{n % 250} - - [{moment:%d/%b/%Y:%H:%M:%S} +0000] "GET {pages[n % 4]} HTTP/1.1"'
                f' 200 512 "-" "{BROWSER}"\n'
            )
    return path


def test_server_killed_mid_ingest_then_rerun_counts_every_line_once(server, account, tmp_path):
    author = account()
    mine = author.acting.actor.user_id
    with psycopg.connect(server.conninfo()) as conn:
        for slug in ("alpha", "beta", "gamma"):
            conn.execute(
                "insert into blogs (author_id, title, slug, status, published_at) values (%s, %s, %s, 'published', now())",
                (mine, slug.title(), slug),
            )
    log = access_log(tmp_path / "access.log", 20_000)
    process = author.run("analytics", "ingest", str(log), "--json")
    # A counted batch is one ledger row holding its page views (0046): block its insert.
    crash_while_blocked(server, process, table="analytics_ingest_ranges", mode="share", ready=lambda: True)
    assert_failed_as_unavailable(process)

    server.ensure_running()
    assert stored_views(server, mine) == 0
    assert count(server, "select count(*) from analytics_ingest_ranges where author_id = %s", mine) == 0
    assert count(server, "select count(*) from blog_analytics where author_id = %s", mine) == 0
    rerun = author.blogster("analytics", "ingest", str(log), "--json")
    assert rerun.returncode == 0, rerun.stderr
    assert stored_views(server, mine) == 20_000
    views = count(server, "select coalesce(sum(views), 0) from blog_analytics where author_id = %s", mine)
    assert views == 15_000  # alpha, beta and gamma: three lines in four
    again = author.blogster("analytics", "ingest", str(log), "--json")
    assert again.returncode == 0, again.stderr
    assert stored_views(server, mine) == 20_000
    assert count(server, "select coalesce(sum(views), 0) from blog_analytics where author_id = %s", mine) == views


def stored_views(server: EmbeddedServer, author_id: object) -> int:
    """Page views kept for an author: a line each in the batches' ledger rows (0046), plus any older rows."""
    return count(
        server,
        "select (select count(*) from analytics_ingest_ranges r, regexp_split_to_table(r.views, E'\\n') as line"
        "        where r.author_id = %s and line <> '')"
        " + (select count(*) from analytics_page_views where author_id = %s)",
        author_id,
        author_id,
    )


def test_server_killed_mid_sync_then_rerun_loses_and_duplicates_nothing(server, account, tmp_path):
    import shutil

    author = account()
    mine = author.acting.actor.user_id
    root = tmp_path / "site"
    shutil.copytree(shared_data("blog_md", "18f-jekyll"), root, symlinks=True)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    process = author.run("sync", str(root), "--json")
    # Posts imported, the folder's state not recorded yet: the crash the re-run must not duplicate.
    crash_while_blocked(
        server, process, table="sync_folders", mode="share",
        ready=lambda: count(server, "select count(*) from blogs where author_id = %s", mine) > 0,
    )  # fmt: skip
    assert_failed_as_unavailable(process)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before

    rerun = author.blogster("sync", str(root), "--json")  # restarts the embedded server
    assert rerun.returncode == 0, rerun.stderr
    assert post_rows(server, author) == (505, 505)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    again = author.blogster("sync", str(root), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["files"] == []


def test_server_killed_mid_worker_job_then_the_job_resumes_without_repeating_an_email(server, tmp_path, password_hash):
    """serve-workers runs through a server crash in the middle of a notification job: it logs
    the loss in single lines (no traceback), waits for the server and hands the interrupted
    job back; once the server is back every email is recorded once, and only the message in
    flight at the kill (accepted by the SMTP server, not yet recorded) is sent again, with the
    same Message-ID. The worker is never restarted by hand and still exits 0 on SIGTERM."""
    from blogster_cli.db.acting import acting_transaction
    from tests.smtp_server import smtp_server

    title = f"Database upgrade {uuid.uuid4().hex[:8]}"
    with smtp_server() as (recorder, smtp_url):
        killed: list[str] = []  # the Message-ID in flight when the server died

        def kill_while_second_message_in_flight(kept: int) -> None:
            if kept == 2 and not killed:
                kill_server(server)  # the SMTP server has the message; the worker has not recorded it
                killed.append(recorder.messages[-1][1]["Message-ID"])

        recorder.on_data = kill_while_second_message_in_flight
        log = tmp_path / "worker.log"
        env = worker_env(tmp_path / "worker-home", server, smtp_url)  # the test restarts the server
        with log.open("w") as stderr:  # started first: it gets going while the accounts are made
            worker = subprocess.Popen(
                [sys.executable, "-m", "blogster_cli", "serve-workers", "--concurrency", "2"],
                env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=stderr, text=True,
            )  # fmt: skip
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            roles = four_account_roles(conn, password_hash, "worker-crash")
            conn.execute("checkpoint")  # crash recovery then replays this test's WAL only: a quick restart
            with acting_transaction(conn, roles[0]):  # the maintenance fan-out queues the email job
                (schedule,) = conn.execute(
                    "insert into maintenance_schedules (title, start_time, end_time, severity) values"
                    " (%s, now() + interval '1 day', now() + interval '1 day 1 hour', 'high') returning id",
                    (title,),
                ).fetchone()
        try:
            deadline = time.monotonic() + 60
            while not killed:
                assert worker.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the worker never reached the second email"
                time.sleep(0.02)
            time.sleep(1)  # down for a while: the job, the listener and the heartbeat meet the dead server
            assert worker.poll() is None, log.read_text()
            server.ensure_running()

            def sent() -> bool:
                return bool(
                    count(
                        server,
                        "select count(*) from maintenance_schedules where id = %s and notification_sent",
                        schedule,
                    )
                )

            while not sent():
                assert worker.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"the job never finished after the restart: {log.read_text()}"
                time.sleep(0.1)
            assert worker.poll() is None, log.read_text()
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=15)
        text = log.read_text()
        assert worker.returncode == 0, text
        # It said so, once, and went on (the line comes with the library's first line about the loss,
        # also when the job, blocked on the dead server, finished once it was back, before the
        # stopping worker returned).
        assert "Traceback" not in text and text.count("database connection lost (") == 1, text
        assert all(line[:4].isdigit() for line in text.splitlines()), text  # each line a log line of its own

        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            rows = conn.execute(
                "select n.id, u.email from user_notifications n join auth.users u on u.id = n.user_id"
                " where n.title = %s",
                (f"Scheduled maintenance: {title}",),
            ).fetchall()
            recipients = dict(rows)
            assert len(rows) == len(set(recipients.values())), rows  # one notification per person
            recorded = dict(
                conn.execute(
                    "select notification_id, status::text from internal.email_deliveries where notification_id = any(%s)",
                    (list(recipients),),
                ).fetchall()
            )
    assert len(recipients) >= 4 and recorded == {notification: "sent" for notification in recipients}
    repeated = []
    for notification, email in recipients.items():
        received = [m["Message-ID"] for m in recorder.to(email)]
        assert set(received) == {f"<{notification}@notifications.blogster>"}, email
        repeated += received[1:]
    assert repeated in ([], killed)  # only the message in flight, under its own Message-ID
