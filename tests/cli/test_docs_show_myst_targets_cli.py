"""`docs show` leaves MyST target lines out, as the built site does (helper 287, after helper 282's
"not done"). It showed `(how)=` as text, on a terminal and in a pipe; and attrs' how-does-it-work.md,
which opens with `(how)=` before its heading, did not open with a heading (`startswith("#")`), so
the title was put on top of the page's own heading: "How Does It Work?" twice. The page as stored
keeps the lines: `--json` gives it, and `docs export` writes the file back byte for byte."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ATTRS = Path(__file__).parents[1] / "unit" / "real_docs_excerpts" / "attrs_myst"
TITLE = "How Does It Work?"


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_docs_show_leaves_target_lines_out_and_shows_the_title_once(cli, signed_up, tmp_path, monkeypatch):
    root = tmp_path / "docs"
    shutil.copytree(ATTRS, root)
    (root / "plain.md").write_text("(plain-label)=\n\nNo heading here.\n", encoding="utf-8")
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    piped = cli("docs", "show", "how-does-it-work")
    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout.startswith(f"# {TITLE}\n\n## Immutability\n\n"), piped.stdout
    assert "(how" not in piped.stdout and piped.stdout.count(TITLE) == 1
    # Without a heading to open it, the page still gets its title on top (the file name's, here).
    assert cli("docs", "show", "plain").stdout == "# Plain\n\nNo heading here.\n"
    # The page as stored keeps its target lines: --json and the export are the file.
    source = (root / "how-does-it-work.md").read_bytes()
    assert cli("docs", "show", "how-does-it-work", "--json").json()["markdown"].encode() == source
    assert cli("docs", "export", str(tmp_path / "out")).exit_code == 0
    assert (tmp_path / "out" / "how-does-it-work.md").read_bytes() == source
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "100")
    shown = cli("docs", "show", "how-does-it-work")
    assert shown.exit_code == 0, shown.stderr
    text = plain(shown.stdout)
    assert text.count(TITLE) == 1 and "Immutability" in text and "(how" not in text, text
    extending = plain(cli("docs", "show", "extending").stdout)
    assert extending.count("Extending") == 1 and "(extending-metadata)=" not in extending, extending
