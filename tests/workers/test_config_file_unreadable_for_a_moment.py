"""A config file that does not read for a moment (a hand edit in progress) fails no job (h256 F4).

The job middleware reads the settings again when the file changed; a file that did not read
(bad TOML) failed the job itself, and a chatbot message's 4 attempts were used up in about 2 s:
the message stayed unanswered until someone ran `workers retry`. Now the worker keeps the
settings in use, says so once per version of the file, and reads it again before the next job.
"""

from __future__ import annotations

import signal

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.config import config_path, write_setting
from blogster_cli.services import chat, chatbot
from tests.workers.test_chatbot_worker import STARTER
from tests.workers.test_serve_workers import wait_for

WARNING = "the worker keeps the settings it read before"


def test_a_running_worker_answers_while_its_config_file_does_not_read(db, make_user, superuser, start_worker):
    chatbot.import_intents(ActingUser(db, make_user(admin=True)), path=STARTER)
    user = ActingUser(db, make_user())
    write_setting("default", "lock_timeout_ms", "4321")  # the file the worker reads at its start
    config = config_path()
    good = config.read_bytes()
    with pytest.raises(chat.NoWorker):  # answered once the worker has trained its model
        chat.ask(user, text="hello")
    worker = start_worker("--queue", "chatbot")
    try:
        wait_for(lambda: len(chat.history(user).messages) == 2, timeout=120, what="the worker's first reply")

        config.write_bytes(good + b"\n[profiles.default\nbroken = \n")  # a hand edit in progress
        assert chat.ask(user, text="hello there", wait_s=30).intent == "greeting"
        assert chat.ask(user, text="how do I schedule a post?", wait_s=30).intent == "schedule_post"
        config.write_bytes(b"\xff\xfe[profiles.default]\n")  # changed, and still does not read
        assert chat.ask(user, text="hello again", wait_s=30).intent == "greeting"
        config.write_bytes(good)  # mended
        assert chat.ask(user, text="hello once more", wait_s=30).intent == "greeting"
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=60)
    assert worker.returncode == 0, stderr

    # Each answered on its first attempt: no attempt failed, and the queue keeps no job (it deletes
    # the ones that succeed).
    assert superuser.execute("select task_name, error from internal.job_failures").fetchall() == []
    assert (
        superuser.execute(
            "select status::text, attempts from procrastinate.procrastinate_jobs where task_name = %s",
            ("process_chatbot_message",),
        ).fetchall()
        == []
    )
    # One line per version of the file that did not read, not one per job, and no traceback.
    said = [line for line in stderr.splitlines() if WARNING in line]
    assert len(said) == 2, stderr
    assert f"{config}: invalid TOML" in said[0] and f"{config}: cannot be read (not UTF-8 text)" in said[1]
    assert "Traceback" not in stderr


def test_the_settings_in_use_stay_until_the_file_reads_again():
    from blogster_cli.context import AppContext
    from blogster_cli.errors import ConfigError

    write_setting("default", "lock_timeout_ms", "4321")
    config = config_path()
    good = config.read_bytes()
    worker = AppContext()
    in_use = worker.settings
    config.write_bytes(good + b"\nbroken = \n")
    said = worker.refresh_settings()
    assert isinstance(said, ConfigError) and "invalid TOML" in str(said)
    assert worker.refresh_settings() is None and worker.refresh_settings() is None  # said once
    assert worker.settings is in_use and worker.timeouts.lock_ms == 4321
    config.unlink()
    config.mkdir()  # changed again, and unreadable (a folder: what root cannot read either)
    unreadable = worker.refresh_settings()
    assert unreadable is not None and str(unreadable) == f"{config}: cannot be read (Is a directory)"
    assert worker.refresh_settings() is None and worker.settings is in_use
    config.rmdir()
    config.write_bytes(good.replace(b"4321", b"1234"))  # mended
    assert worker.refresh_settings() is None and worker.timeouts.lock_ms == 1234
    config.write_bytes(good + b"\nbroken = \n")  # broken again after a good read: said again
    assert worker.refresh_settings() is not None and worker.timeouts.lock_ms == 1234
