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
    ("interactive", "stats", "--from-log", "{path}"),
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
