"""`sync --unlink` while a sync of the folder runs (red team 39, F3).

Before, the running sync failed at its last unit of work with "permission denied" (the sync_files
policy: the row's folder was gone), and a running `sync --watch` linked the folder again at its
next run without a word, still listening on the old link's channel. Now the run ends with
FolderUnlinked (NotFound, exit 3) and records nothing, what it imported staying; its last unit of
work holds the link, so an unlink coming then waits for it; and a watch stops."""

from __future__ import annotations

import threading
import time

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.db.connection import Database
from blogster_cli.services import sync as sync_service
from tests.integration.test_sync import POST_B, account, actions, folder, posts, sync  # noqa: F401


def linked_folders(acting) -> list[str]:
    with unit_of_work(acting) as conn:
        return [row[0] for row in conn.execute("select folder from public.sync_folders").fetchall()]


def synced_files(acting) -> int:
    with unit_of_work(acting) as conn:
        row = conn.execute("select count(*) from public.sync_files").fetchone()
    assert row is not None
    return int(row[0])


def test_a_sync_whose_folder_is_unlinked_just_after_it_was_found_says_so(account, folder, monkeypatch):  # noqa: F811
    """Unlinked between the run finding its link and listing the account's folders: none listed
    (an IndexError before), the run ends as any run whose folder was unlinked does."""
    acting = account()
    sync(acting, folder)
    real = sync_service.sync_rows.my_folders

    def unlinked_meanwhile(conn):
        monkeypatch.setattr(sync_service.sync_rows, "my_folders", real)  # once: the unlink lists them too
        other = Database(acting.db.conninfo)  # another session: another `sync --unlink`
        try:
            sync_service.unlink(ActingUser(other, acting.actor), directory=folder)
        finally:
            other.close()
        return real(conn)

    monkeypatch.setattr(sync_service.sync_rows, "my_folders", unlinked_meanwhile)
    with pytest.raises(sync_service.FolderUnlinked):
        sync(acting, folder)
    assert linked_folders(acting) == [] and synced_files(acting) == 0


def test_a_sync_whose_folder_is_unlinked_as_it_runs_says_so_and_keeps_what_it_imported(
    account,  # noqa: F811
    folder,  # noqa: F811
    monkeypatch,
):
    acting = account()
    sync(acting, folder)
    (folder / "gamma.md").write_text(POST_B.replace("Beta", "Gamma").replace("beta", "gamma"))
    real = sync_service._render_all

    def unlinked_meanwhile(run):  # after the run imported gamma.md, before it records anything
        sync_service.unlink(acting, directory=folder)
        return real(run)

    monkeypatch.setattr(sync_service, "_render_all", unlinked_meanwhile)
    with pytest.raises(sync_service.FolderUnlinked) as raised:
        sync(acting, folder)
    assert str(raised.value) == (
        f"the folder was unlinked while syncing: {folder.resolve()}; what this sync imported or wrote"
        " stays, and a sync of it links it again as a first run"
    )
    assert "gamma" in posts(acting)  # imported before the unlink: it stays
    assert linked_folders(acting) == [] and synced_files(acting) == 0  # not linked again, nothing recorded
    monkeypatch.undo()
    again = sync(acting, folder)  # a first run again, every file matched to its post
    assert again.first_run and sorted(posts(acting)) == ["alpha", "beta", "gamma"]


def test_an_unlink_during_a_runs_last_unit_of_work_waits_for_it(account, folder, monkeypatch):  # noqa: F811
    """The run's last unit of work holds the link: an unlink coming then waits, and forgets the
    link (with what the run recorded) once the run is done; the run itself succeeds."""
    acting = account()
    sync(acting, folder)
    (folder / "gamma.md").write_text(POST_B.replace("Beta", "Gamma").replace("beta", "gamma"))
    real = sync_service._store
    unlinked: list[object] = []

    def unlink_now(run, conn, linked):
        worker = threading.Thread(target=lambda: unlinked.append(sync_service.unlink(acting, directory=folder)))
        worker.start()
        worker.join(timeout=1)
        assert worker.is_alive()  # waiting for this unit of work
        real(run, conn, linked)
        unlink_now.worker = worker  # type: ignore[attr-defined]

    monkeypatch.setattr(sync_service, "_store", unlink_now)
    summary = sync(acting, folder)
    unlink_now.worker.join(timeout=10)  # type: ignore[attr-defined]
    assert actions(summary) == {"gamma.md": "imported"}
    assert len(unlinked) == 1 and linked_folders(acting) == [] and synced_files(acting) == 0


def test_a_watch_stops_when_its_folder_is_unlinked_rather_than_link_it_again(account, folder):  # noqa: F811
    acting = account()
    runs: list[sync_service.SyncSummary] = []
    failed: list[BaseException] = []
    stop = threading.Event()

    def watch() -> None:
        try:
            sync_service.watch(acting, directory=folder, on_run=runs.append, stop=stop, rescan=600.0)
        except BaseException as exc:
            failed.append(exc)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        deadline = time.monotonic() + 10
        while not any(actions(run).get("alpha.md") == "imported" for run in runs):
            assert time.monotonic() < deadline and not failed, failed
            time.sleep(0.02)
        time.sleep(0.5)  # the watchers are up
        sync_service.unlink(acting, directory=folder)
        (folder / "gamma.md").write_text(POST_B.replace("Beta", "Gamma").replace("beta", "gamma"))
        watcher.join(timeout=10)
        assert not watcher.is_alive()
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert [type(exc) for exc in failed] == [sync_service.FolderUnlinked], failed
    assert linked_folders(acting) == []  # not linked again
    assert "gamma" not in posts(acting)  # the save after the unlink was not synced
