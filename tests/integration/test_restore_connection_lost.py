"""A restore whose database connection is lost midway (the server shut down or restarted, or an
administrator ended the session) says the connection was lost and that running the restore again
finishes it, rather than the server's bare "terminating connection due to administrator command";
the database it was replacing is untouched, and the re-run completes."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.db import database_swap
from blogster_cli.errors import DatabaseUnavailable
from blogster_cli.services import backup

pytestmark = pytest.mark.usefixtures("restores_copy_the_template")  # what it says, not its schema's build


def emails(db) -> set[str]:
    with db.connect() as conn:
        return {email for (email,) in conn.execute("select email from auth.users")}


def test_a_restore_that_loses_its_connection_says_to_run_it_again(db, make_user, tmp_path, monkeypatch):
    make_user("kept@example.com")
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    make_user("later@example.com")
    restore_media = backup._restore_media

    def then_the_session_is_ended(media):
        restore_media(media)
        with db.connect() as admin:  # as `pg_ctl stop -m fast` or pg_terminate_backend ends it
            ended = admin.execute(
                "select count(*) filter (where pg_terminate_backend(pid, 5000)) from pg_stat_activity"
                " where application_name like %s",
                (database_swap.OWNER_PREFIX + "%",),
            ).fetchone()[0]
        assert ended == 1

    monkeypatch.setattr(backup, "_restore_media", then_the_session_is_ended)
    with pytest.raises(DatabaseUnavailable) as raised:
        backup.restore(db, path=archive)
    message = str(raised.value)
    assert message.startswith("lost the database connection: terminating connection due to administrator command")
    assert "run the same `blogster db restore` again" in message and "\n" not in message
    assert emails(db) == {"kept@example.com", "later@example.com"}  # nothing replaced

    monkeypatch.undo()
    db.close()
    backup.restore(db, path=archive)
    assert emails(db) == {"kept@example.com"}


def test_a_session_ended_under_a_command_is_a_lost_connection(db):
    from blogster_cli.db.errors import translate

    with db.connect() as victim, db.connect() as admin:
        admin.execute("select pg_terminate_backend(%s, 5000)", (victim.info.backend_pid,))
        with pytest.raises(psycopg.Error) as raised:
            victim.execute("select 1")
    error = translate(raised.value)
    assert isinstance(error, DatabaseUnavailable) and str(error).startswith("lost the database connection: ")
