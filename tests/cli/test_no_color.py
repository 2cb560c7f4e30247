"""NO_COLOR (no-color.org) on a terminal: no colour at all, as README promises ("NO_COLOR honoured",
"a monochrome screen"); bold, italic and dim stay (they are not colour: the calendar's statuses,
a table's header and docs search hits stay told apart)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colours(text: str) -> list[str]:
    """The colour parameters (foreground, background; 16, 256 or truecolor) of every SGR in `text`."""
    found = []
    for match in SGR.finditer(text):
        codes = [int(code) for code in match.group(1).split(";") if code]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code in (38, 48, 58):  # 5;n or 2;r;g;b follow
                found.append(match.group())
                i += 3 if i + 1 < len(codes) and codes[i + 1] == 5 else 5
                continue
            if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107:
                found.append(match.group())
            i += 1
    return found


def test_no_color_leaves_out_every_colour_and_keeps_bold(cli, signed_up, tmp_path: Path, monkeypatch):
    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: Colours\nslug: colours\n---\n# A heading\n\nSome `code` and a [link](https://example.com).\n\n"
        "```python\nprint('hi')\n```\n"
    )
    assert cli("import", str(post)).exit_code == 0
    added = cli("calendar", "add", "Ship it", "--date", "2026-12-03", "--type", "newsletter")
    assert added.exit_code == 0, added.stderr
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    for name, value in (("COLUMNS", "120"), ("LINES", "200"), ("TERM", "xterm-256color"), ("COLORTERM", "truecolor")):
        monkeypatch.setenv(name, value)
    commands = (("posts", "show", "colours"), ("calendar", "month", "2026-12"), ("posts", "list"))
    coloured = {command: cli(*command).stdout for command in commands}
    assert colours(coloured[commands[0]]) and colours(coloured[commands[1]])  # coloured without NO_COLOR
    for command in commands:
        shown = cli(*command, env={"NO_COLOR": "1"})
        assert shown.exit_code == 0, shown.stderr
        assert not colours(shown.stdout), (command, colours(shown.stdout))
        assert "\x1b[1m" in shown.stdout, command  # bold: a heading, a day of the month, a header
