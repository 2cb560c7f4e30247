"""`sync watch` keeps a connection LISTENing for my posts' changes, idle between them for as long as
nobody edits anything. A server whose administrator ends idle sessions (`idle_session_timeout`, here
for the database) ends that connection: the watch listens again on a new one (and looks at the
database once, for a change it may have missed in between) instead of stopping with "lost the
database connection" (exit 7) the first time nothing happened for that long."""

from __future__ import annotations

import threading
import time

from blogster_cli.actors import ActingUser
from blogster_cli.services import sync as sync_service
from tests.integration.test_guard_unit_of_work import CALL_S
from tests.integration.test_sync import POST_A, actions, db_edit, folder_with_posts
from tests.server_limits import limit_database_sessions

LIMIT = "300ms"


def test_watch_outlives_the_servers_idle_session_limit_and_still_sees_a_database_edit(
    db, make_user, superuser, tmp_path
):
    acting = ActingUser(db, make_user())
    folder = folder_with_posts(tmp_path)
    limit_database_sessions(superuser, db, "idle_session_timeout", LIMIT)
    runs: list[sync_service.SyncSummary] = []
    stop = threading.Event()
    failed: list[BaseException] = []

    def watch() -> None:
        try:
            sync_service.watch(acting, directory=folder, on_run=runs.append, stop=stop, rescan=600.0)
        except BaseException as exc:
            failed.append(exc)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()

    def wait_for(path: str, action: str) -> None:
        deadline = time.monotonic() + 10
        while not any(actions(run).get(path) == action for run in runs):
            assert not failed, failed
            assert time.monotonic() < deadline, [actions(run) for run in runs]
            time.sleep(0.02)

    try:
        wait_for("alpha.md", "imported")
        time.sleep(CALL_S * 2)  # nothing happens: the server ends the idle sessions, the listener's too
        assert watcher.is_alive() and not failed, failed
        db_edit(acting, "beta", title="Edited after a quiet while")
        wait_for("beta.md", "written")
        (folder / "alpha.md").write_text(POST_A.replace("Alpha body.", "Saved after a quiet while."))
        wait_for("alpha.md", "updated")
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not failed, failed
    assert b"Edited after a quiet while" in (folder / "beta.md").read_bytes()
