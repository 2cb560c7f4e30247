"""`blogster sync` and `sync --watch` when the folder is unlinked while they run (red team 39, F3):
a one-line error naming what happened (exit 3, as a folder not linked), not "permission denied"
(exit 4); a watch stops with a line saying why (exit 0) instead of linking the folder again."""

from __future__ import annotations

from blogster_cli.services import sync as sync_service
from tests.cli.test_sync_unlink_cli import linked, site, slugs


def unlink_as_it_runs(monkeypatch) -> None:
    """The next sync's folder is unlinked after it imported, before it records anything."""
    real = sync_service._render_all

    def unlinked_meanwhile(run):
        sync_service.unlink(run.acting, directory=run.root)
        return real(run)

    monkeypatch.setattr(sync_service, "_render_all", unlinked_meanwhile)


def test_a_sync_whose_folder_is_unlinked_meanwhile_says_so(cli, signed_up, tmp_path, monkeypatch):
    folder = site(tmp_path / "site")
    assert cli("sync", str(folder)).exit_code == 0
    (folder / "three.md").write_text("---\ntitle: Three\n---\nThird.\n")
    unlink_as_it_runs(monkeypatch)
    result = cli("sync", str(folder))
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.splitlines()[-1] == (
        f"error: the folder was unlinked while syncing: {folder.resolve()}; what this sync imported or"
        " wrote stays, and a sync of it links it again as a first run"
    ), result.stderr
    assert "permission denied" not in result.stderr
    assert linked(cli) == [] and [row.split(",")[0] for row in slugs(cli)] == ["one", "three", "two"]


def test_a_watch_whose_folder_is_unlinked_stops_saying_why(cli, signed_up, tmp_path, monkeypatch):
    folder = site(tmp_path / "site")
    assert cli("sync", str(folder)).exit_code == 0
    unlink_as_it_runs(monkeypatch)
    result = cli("sync", str(folder), "--watch")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"Stopped: {folder.resolve()} was unlinked (`sync --unlink`); a sync of it links it again as a first run."
    ), result.stderr
    assert "error" not in result.stderr and linked(cli) == []
