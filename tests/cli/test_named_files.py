"""Files named on the command line are read only when they are regular files, not through a
link, and up to a size: /dev/zero, a FIFO nobody writes to or a link to another file named by
mistake (or by a script) give one line and exit 2, instead of hanging or filling memory."""

from __future__ import annotations

import os

import pytest

COMMANDS = [
    ("seo", "import-keywords", "{path}"),
    ("competitors", "import", "{path}"),
    ("chatbot", "intents", "import", "{path}"),
    ("interactive", "create", "poll", "--title", "Poll", "--structure", "{path}"),
    ("newsletter", "subscribers", "import", "{path}"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command[:2]))
def test_special_files_and_links_are_refused_in_one_line(cli, signed_up, tmp_path, command):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    real = tmp_path / "real.csv"
    real.write_text("keyword\nsomething\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    for path, reason in (("/dev/zero", "not a regular file"), (fifo, "not a regular file"), (link, "link")):
        result = cli(*(part.format(path=path) for part in command))
        assert result.exit_code == 2, (path, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: cannot read ") and reason in lines[0], lines


@pytest.mark.parametrize("command", [("analytics", "ingest"), ("interactive", "stats", "--from-log")])
def test_logs_are_read_as_analytics_ingest_reads_them(cli, signed_up, tmp_path, command):
    """`interactive stats --from-log` is `analytics ingest` (helper 197): a special file is refused in one
    line, exit 2; a log reached through a link is read (/var/log/... often is one), as the ingest reads it."""
    fifo = tmp_path / "pipe.log"
    os.mkfifo(fifo)
    for path in ("/dev/zero", fifo):
        result = cli(*command, str(path))
        assert result.exit_code == 2, (path, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert lines == [f"error: cannot read {path}: not a file"], lines
    real = tmp_path / "access.log"
    real.write_text('10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 9 "-" "Firefox/120"\n')
    link = tmp_path / "link.log"
    link.symlink_to(real)
    assert cli(*command, str(link)).exit_code == 0
