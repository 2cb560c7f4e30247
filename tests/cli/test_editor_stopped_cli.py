"""`posts edit` whose editor is stopped: Ctrl-C (to the whole process group, as a terminal sends it),
SIGTERM or SIGHUP ends the command as it ends any other (130, 143, 129), the text typed kept in a
recovery file as before; an editor that fails by itself keeps its message, a signal named in words
(h494: Ctrl-C gave exit 1 and "the editor exited with -2")."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_blogs_cli import new_post, write_editor
from tests.conftest import hangups_by_default

# The editor types a line, says it is open, and stays open until told to close (or is stopped).
TYPING_EDITOR = """printf 'Typed before the stop.\\n' >> "$1"
: > "$EDITOR_OPEN"
while [ ! -e "$EDITOR_CLOSE" ]; do sleep 0.05; done
"""
KEPT = re.compile(r"your text is kept in (\S+)\n")


def start_edit(post_id: str, tmp_path: Path) -> tuple[subprocess.Popen[str], Path, Path]:
    """`posts edit` as a terminal's foreground job (a process group of its own, SIGINT and SIGHUP at
    their defaults), once its editor is open; and the file that closes the editor."""
    opened, close = tmp_path / "open", tmp_path / "close"
    env = {
        **os.environ, "EDITOR": write_editor(tmp_path, TYPING_EDITOR), "VISUAL": "",
        "EDITOR_OPEN": str(opened), "EDITOR_CLOSE": str(close),
    }  # fmt: skip
    with hangups_by_default():
        process = subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "posts", "edit", post_id],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while not opened.exists():
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.02)
    return process, close, opened


@pytest.mark.parametrize(
    ("signal_name", "code", "message", "named"),
    [
        ("SIGINT", 130, "interrupted", "Ctrl-C"),
        ("SIGTERM", 143, "terminated", "SIGTERM"),
        ("SIGHUP", 129, "hangup", "SIGHUP (the terminal closed)"),
    ],
)
def test_a_stop_to_the_terminal_s_group_ends_as_any_command_ends_and_keeps_the_text(
    cli, signed_up, tmp_path, signal_name, code, message, named
):
    post_id = new_post(cli, "Stopped while edited")
    process, _, _ = start_edit(post_id, tmp_path)
    os.killpg(process.pid, getattr(signal, signal_name))  # blogster and its editor both get it
    _, stderr = process.communicate(timeout=60)
    kept = KEPT.search(stderr)
    assert kept, stderr
    assert (process.returncode, stderr) == (
        code,
        f"warning: the editor was stopped by {named}; nothing was saved; your text is kept in {kept[1]}\n"
        f"error: {message}\n",
    )
    assert "Typed before the stop." in Path(kept[1]).read_text()
    assert cli("posts", "show", post_id, "--raw").stdout == ""  # nothing saved


def test_sigterm_to_blogster_alone_waits_for_the_editor_and_keeps_what_it_saved(cli, signed_up, tmp_path):
    """`kill PID` while the editor is open: the buffer is not removed under the editor; once the
    editor closes, the command stops with 143 and the text is kept (it was dropped before)."""
    post_id = new_post(cli, "Stopped under the editor")
    process, close, _ = start_edit(post_id, tmp_path)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert process.poll() is None  # still waiting for its editor
    close.touch()
    _, stderr = process.communicate(timeout=60)
    kept = KEPT.search(stderr)
    assert kept and process.returncode == 143 and stderr.endswith("error: terminated\n"), stderr
    assert "Typed before the stop." in Path(kept[1]).read_text()
    assert cli("posts", "show", post_id, "--raw").stdout == ""


@pytest.mark.parametrize(
    ("ending", "said"),
    [("exit 3", "the editor exited with 3"), ("kill -KILL $$", "the editor was ended by signal SIGKILL")],
)
def test_an_editor_failing_by_itself_is_an_error_in_words_and_keeps_the_text(cli, signed_up, tmp_path, ending, said):
    post_id = new_post(cli, "Failing editor")
    editor = write_editor(tmp_path, f"printf 'Typed before failing.\\n' >> \"$1\"\n{ending}\n")
    result = cli("posts", "edit", post_id, env={"EDITOR": editor, "VISUAL": ""})
    kept = KEPT.search(result.stderr)
    assert kept and result.exit_code == 1, result.stderr
    assert result.stderr == f"error: {said}; nothing was saved; your text is kept in {kept[1]}\n"
    assert "Typed before failing." in Path(kept[1]).read_text()
