"""Red team 133: oversized input is refused after reading at most the limit plus one byte; a body
is measured as the database stores it; Ctrl-C says `error: interrupted`; undecodable names and
front matter nested past the parser are one line."""

from __future__ import annotations

import io
import json
import os
import signal
import tracemalloc

import pytest

from blogster_cli.content.rules import MAX_CONTENT_BYTES, POST_TOO_LARGE
from tests.cli.conftest import error_message
from tests.terminal import asking_for_a_password


def sparse(path, size=100 * 2**20):
    with path.open("wb") as file:
        file.truncate(size)  # no bytes written: read whole, it would cost 100 MB
    return path


def peak_while(run):
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_posts_new_from_a_100_mb_file_is_refused_without_reading_it(cli, signed_up, tmp_path):
    big = sparse(tmp_path / "big.md")
    result, peak = peak_while(lambda: cli("posts", "new", "--from", str(big)))
    assert POST_TOO_LARGE in error_message(result, 2)
    assert peak < 20 * 2**20, peak


def test_posts_edit_from_a_100_mb_file_is_refused_without_reading_it(cli, signed_up, tmp_path):
    assert cli("posts", "new", "--title", "T", input="body\n").exit_code == 0
    big = sparse(tmp_path / "big.md")
    result, peak = peak_while(lambda: cli("posts", "edit", "t", "--from", str(big)))
    assert POST_TOO_LARGE in error_message(result, 2)
    assert peak < 20 * 2**20, peak


def test_importing_a_100_mb_file_reports_it_without_reading_it(cli, signed_up, tmp_path):
    big = sparse(tmp_path / "big.md")
    result, peak = peak_while(lambda: cli("import", str(big), "--json"))
    assert result.exit_code == 1, result.stderr
    (file,) = json.loads(result.stdout)["files"]
    assert (file["outcome"], file["reason"]) == ("failed", POST_TOO_LARGE)
    assert peak < 20 * 2**20, peak


class Endless(io.RawIOBase):
    """A pipe that never ends, counting what was taken from it."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = b"x" * len(buffer)
        self.taken += len(buffer)
        return len(buffer)


@pytest.mark.parametrize("argv", [["posts", "new", "--from", "-"], ["posts", "new", "--title", "T"]])
def test_an_endless_pipe_is_refused_after_the_limit(cli, signed_up, monkeypatch, argv):
    from blogster_cli.cli import blogs

    pipe = Endless()
    monkeypatch.setattr(blogs, "read_stdin", _stdin_reader(blogs.read_stdin, io.TextIOWrapper(io.BufferedReader(pipe))))
    result = cli(*argv)
    assert POST_TOO_LARGE in error_message(result, 2)
    assert pipe.taken <= MAX_CONTENT_BYTES + 2**20, pipe.taken


def test_import_dash_reads_a_post_up_to_its_limit_and_a_wordpress_export_whole():
    """`blogster import -` read all of standard input before it looked at it: an endless pipe never ended."""
    from blogster_cli.services.imports import read_standard_input

    pipe = Endless()
    assert len(read_standard_input(io.BufferedReader(pipe), fmt="auto")) == MAX_CONTENT_BYTES + 1
    assert pipe.taken <= MAX_CONTENT_BYTES + 2**20, pipe.taken
    head = b'<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/">'
    export = head + b"<!-- padding -->" * (MAX_CONTENT_BYTES // 8) + b"</rss>"
    assert read_standard_input(io.BytesIO(export), fmt="auto") == export  # many posts in one file
    assert read_standard_input(io.BytesIO(b"x" * (MAX_CONTENT_BYTES + 9)), fmt="wordpress") == b"x" * (
        MAX_CONTENT_BYTES + 9
    )


def test_a_wordpress_export_from_an_endless_pipe_is_refused_after_its_limit(monkeypatch):
    """Its head made `import -` read the rest whole: 9.5 GB after 10 s of `yes` (red team 21)."""
    from blogster_cli.services import imports

    monkeypatch.setattr(imports, "MAX_EXPORT_BYTES", 2 * MAX_CONTENT_BYTES)
    head = b'<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'

    class Export(Endless):
        def readinto(self, buffer) -> int:
            taken = super().readinto(buffer)
            if self.taken == taken:  # the first read starts with the export's head
                buffer[: len(head)] = head
            return taken

    pipe = Export()
    data = imports.read_standard_input(io.BufferedReader(pipe), fmt="auto")
    assert len(data) == 2 * MAX_CONTENT_BYTES + 1 and pipe.taken <= 2 * MAX_CONTENT_BYTES + 2**20
    (refused,) = imports.prepare_source(imports.ImportSource(label="-", data=data))
    assert (refused.outcome, refused.reason) == ("failed", imports.EXPORT_TOO_LARGE)


def _stdin_reader(read_stdin, stream):
    """read_stdin with `stream` as standard input (the cli fixture sets a StringIO)."""

    def read() -> str:
        import sys

        sys.stdin = stream
        return read_stdin()

    return read


def test_a_body_under_4_mib_as_text_but_over_it_stored_is_one_readable_line(cli, signed_up):
    text = "x\n" * (MAX_CONTENT_BYTES // 2 - 16)  # under 4 MiB; a newline is 2 bytes in the stored JSON
    line = error_message(cli("posts", "new", "--from", "-", input=text), 2)
    assert POST_TOO_LARGE in line and "constraint" not in line


def test_the_database_constraint_reads_as_the_apps_own_check():
    from blogster_cli.db.errors import _CONSTRAINT_MESSAGES

    assert _CONSTRAINT_MESSAGES["blogs_content_size"] == POST_TOO_LARGE


@pytest.mark.parametrize(("mib", "imported"), [(1.5, True), (2.5, False)])
def test_front_matter_counts_twice_as_readme_says(cli, signed_up, tmp_path, mib, imported):
    """README: the front matter is stored as written and as read, so 2.5 MiB of it is over 4 MiB."""
    lines = "".join(f"k{n}: {'v' * 100}\n" for n in range(int(mib * 2**20) // 106))
    post = tmp_path / "a.md"
    post.write_text(f"---\ntitle: A\n{lines}---\nbody\n", encoding="utf-8")
    result = cli("import", str(post), "--json")
    (file,) = json.loads(result.stdout)["files"]
    assert (file["outcome"] == "imported", file.get("reason")) == (imported, None if imported else POST_TOO_LARGE)


def test_posts_new_from_an_undecodable_file_name_is_one_line_naming_it(cli, signed_up, tmp_path):
    name = os.fsdecode(os.fsencode(str(tmp_path)) + b"/bad\xffname.md")
    with open(name, "w", encoding="utf-8") as file:
        file.write("# T\n")
    line = error_message(cli("posts", "new", "--from", name), 2)
    assert "name.md" in line and "not valid UTF-8" in line and "codec" not in line


def test_an_undecodable_blogster_home_is_a_configuration_error(cli):
    home = os.fsdecode(b"/x/\xffhome")
    line = error_message(cli("db", "dsn", env={"BLOGSTER_HOME": home}), 6)
    assert "BLOGSTER_HOME" in line and "codec" not in line


@pytest.mark.same_on_every_server  # the YAML parser's, Python's: CI's second pass leaves it out
def test_front_matter_nested_past_the_parser_is_one_line(cli, signed_up):
    text = "---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\nbody\n"
    line = error_message(cli("posts", "new", "--from", "-", input=text), 2)
    assert "the front matter is nested too deeply" in line


def test_ctrl_c_says_interrupted_and_exits_130(cli, tmp_path):
    with asking_for_a_password(tmp_path) as asking:
        asking.process.send_signal(signal.SIGINT)
        assert (asking.process.wait(timeout=60), asking.errors.read_text()) == (130, "Password: \nerror: interrupted\n")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_second_stop_while_a_failure_is_reported_keeps_its_exit_code(monkeypatch, capsys, signum):
    from blogster_cli.cli import app, output
    from blogster_cli.errors import InvalidInput

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    signal.signal(signal.SIGTERM, app._terminate)
    real_error = output.error

    def error_then_stop(text: str) -> None:
        real_error(text)
        os.kill(os.getpid(), signum)  # Ctrl-C pressed again as the line is written

    monkeypatch.setattr(output, "error", error_then_stop)
    try:
        with pytest.raises(SystemExit) as exited:
            app.report(InvalidInput("bad"))
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)
    assert exited.value.code == 2
    assert capsys.readouterr().err == "error: bad\n"
