"""`db restore` says what it restores (helper 257, L6): its question names the backup's date and
accounts and says when yours is not among them (you will be signed out); declining says nothing
changed (exit 1, as an abort); the result names the accounts and says when you are signed out;
on a terminal it shows its progress. `db backup` into a folder that makes no files says it is not
writable, and a backup cut short is "damaged or truncated", not "not a tar archive"."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import PASSWORD
from tests.cli.test_docs_cli import login, signup

pytestmark = pytest.mark.usefixtures("restores_copy_the_template")  # what it carries, not its schema's build


@pytest.fixture
def answering(monkeypatch):
    """Questions asked as on a terminal (the answer comes as the run's input)."""
    from blogster_cli.cli import ask

    monkeypatch.setattr(ask, "on_terminal", lambda: True)


def backed_up(cli, tmp_path: Path, name: str = "ada.blogster-backup") -> Path:
    target = tmp_path / name
    made = cli("db", "backup", str(target))
    assert made.exit_code == 0, made.stderr
    return target


def test_the_question_names_the_backups_accounts_and_date_and_declining_changes_nothing(
    cli, signed_up, tmp_path, answering, db
):
    """The question said "everything in the database": bob, no administrator, could read it as his own
    data, though any profile restores every account (README: "Profiles are not isolated")."""
    target = tmp_path / "ada.blogster-backup"
    made = cli("db", "backup", str(target), "--json").json()["created_at"][:16].replace("T", " ")  # UTC
    signup(cli, "bob@example.com")  # now signed in as bob, who is not in the backup (and no administrator)
    assert cli("auth", "whoami", "--json").json()["is_admin"] is False
    declined = cli("db", "restore", str(target), input="n\n")
    assert (declined.exit_code, declined.stdout) == (1, "")
    assert declined.stderr == (
        f"This replaces the whole database {db.database_name}, every account's data and not only yours, with the"
        f" backup of {made} UTC (1 account: ada@example.com). bob@example.com (you) is not in it: you will be signed"
        " out. Mails, cross-posts and social posts done since the backup are carried over from the database it"
        " replaces and not done again. Continue? [y/N]: error: aborted; nothing changed\n"
    )
    assert cli("auth", "whoami", "--json").json()["email"] == "bob@example.com"  # nothing changed
    login(cli, "ada@example.com")
    mine = cli("db", "restore", str(target), input="\n")  # Enter: the default, no
    assert mine.exit_code == 1 and "(1 account: ada@example.com). Mails, cross-posts" in mine.stderr
    assert "signed out" not in mine.stderr
    assert cli("auth", "logout").exit_code == 0
    nobody = cli("db", "restore", str(target), input="n\n")  # signed out: no "yours"
    assert nobody.stderr.startswith(f"This replaces the whole database {db.database_name}, every account's data, with")


def test_the_result_names_the_accounts_and_says_you_are_signed_out(cli, signed_up, tmp_path):
    target = backed_up(cli, tmp_path)
    signup(cli, "bob@example.com")
    restored = cli("db", "restore", str(target), "--yes")
    assert restored.exit_code == 0, restored.stderr
    lines = restored.stderr.splitlines()
    assert lines[0].startswith(f"Restored 1 account (ada@example.com) and 0 images from {target} (made ")
    assert lines[-1] == (
        "You (bob@example.com) are signed out: your account is not in the backup; sign in with: blogster auth login"
    )
    assert cli("auth", "whoami").exit_code != 0
    login(cli, "ada@example.com")
    ours = cli("db", "backup", str(tmp_path / "with-my-session"), "--json").json()  # holds this session
    again = cli("db", "restore", ours["path"], "--yes", "--json")
    assert again.exit_code == 0, again.stderr
    summary = again.json()
    assert (summary["emails"], summary["accounts"], summary["signed_out"]) == (["ada@example.com"], 1, False)
    assert summary["backup_created_at"] == ours["created_at"]


def test_a_session_newer_than_the_backup_is_signed_out_too(cli, signed_up, tmp_path):
    target = backed_up(cli, tmp_path)
    login(cli, "ada@example.com")  # a new session, which the backup does not hold
    restored = cli("db", "restore", str(target), "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert restored.stderr.splitlines()[-1] == (
        "You (ada@example.com) are signed out: your session is not in the backup; sign in with: blogster auth login"
    )


def test_a_restore_on_a_terminal_shows_its_progress(cli, signed_up, tmp_path, monkeypatch):
    target = backed_up(cli, tmp_path)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown = Terminal()
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setattr(sys, "stderr", shown)
    assert cli("db", "restore", str(target), "--yes").exit_code == 0
    drawn = shown.getvalue()
    for stage in ("reading the backup", "building the schema", "loading the rows", "putting it in place"):
        assert f"Restoring: {stage}" in drawn
    assert (
        drawn.rstrip()
        .splitlines()[-1]
        .endswith(
            f"Restored 1 account (ada@example.com) and 0 images from {target}"
            f" (made {drawn.rstrip().rsplit('(made ', 1)[1]}"
        )
    )  # the bar gone


def test_backup_into_a_folder_that_makes_no_files_says_it_is_not_writable(cli, signed_up):
    result = cli("db", "backup", "/proc/blogster.tar")
    assert (result.exit_code, result.stderr) == (
        8, "error: cannot write /proc/blogster.tar: the folder /proc is not writable\n")  # fmt: skip


@pytest.mark.parametrize("kept", [1, 100, 2000, "half"])
def test_a_backup_cut_short_is_damaged_or_truncated(cli, signed_up, tmp_path, kept):
    whole = backed_up(cli, tmp_path).read_bytes()
    cut = tmp_path / "cut.blogster-backup"
    cut.write_bytes(whole[: len(whole) // 2 if kept == "half" else kept])
    result = cli("db", "restore", str(cut), "--yes")
    assert (result.exit_code, result.stderr) == (
        2, f"error: {cut} is not a usable Blogster backup: it is damaged or truncated (it ends before the archive"
           " does)\n")  # fmt: skip
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello " * 200)
    other = cli("db", "restore", str(bogus), "--yes")
    assert other.stderr == f"error: {bogus} is not a usable Blogster backup: not a tar archive\n"


def test_the_login_still_works_after_restoring_ones_own_backup(cli, signed_up, tmp_path):
    target = backed_up(cli, tmp_path)
    restored = cli("db", "restore", str(target), "--yes")
    assert restored.exit_code == 0 and "signed out" not in restored.stderr
    assert cli("auth", "whoami", "--json").json()["email"] == "ada@example.com"
    assert cli("auth", "login", "--email", signed_up, "--password-stdin", input=PASSWORD + "\n").exit_code == 0
