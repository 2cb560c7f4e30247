"""`docs import` warnings at scale (helper 245): textual's docs gave 551 warning lines, 488 of
them includes of `docs/examples/...` the corpus lacks, and a page of 20,000 links to nowhere gave
20,000 (5.3 MB of --json). The pages that share a warning (the same kind, target and cause) are
one line, at most 50 lines are printed, and --json lists them grouped beside the lines it always
had, both bounded (import_warnings.LISTED) with the rest counted."""

from __future__ import annotations

from blogster_cli.cli import output
from blogster_cli.documentation.import_warnings import LISTED
from tests.cli.test_docs_cli import write

SHARED = '# {title}\n\n--8<-- "examples/app.py"\n\nSee [gone](gone.md), [gone again](gone.md).\n'


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning: ")]


def test_pages_that_share_a_warning_are_one_line(cli, signed_up, tmp_path, monkeypatch):
    root = write(tmp_path / "docs", {
        **{f"{name}.md": SHARED.format(title=name.upper()) for name in "abcd"},
        "index.md": "# Home\n\n[Other](other.md) and ![a diagram](diagram.png).\n",
    })  # fmt: skip
    result = cli("docs", "import", str(root), "--publish")
    assert result.exit_code == 0, result.stderr
    assert warning_lines(result.stderr) == [
        "warning: include 'examples/app.py' is not in the folder (4 pages: a.md, b.md, c.md, ...)",
        "warning: link 'gone.md' leads to no page (4 pages: a.md, b.md, c.md, ...)",
        "warning: link 'other.md' leads to no page (index.md)",
        "warning: picture 'diagram.png' is not in the folder (index.md)",
    ]
    assert "note: a.md: include" not in result.stderr
    monkeypatch.setattr(output, "on_terminal", lambda: True)  # the same lines on a terminal
    again = cli("docs", "import", str(root))
    assert warning_lines(again.stderr) == warning_lines(result.stderr)

    report = cli("docs", "import", str(root), "--json").json()
    assert report["warnings"] == [  # as before: each page's warning about a target once, in the order found
        *(line for page in "abcd" for line in (f"{page}.md: include 'examples/app.py' is not in the folder",
                                               f"{page}.md: link 'gone.md' leads to no page")),
        "index.md: link 'other.md' leads to no page",
        "index.md: picture 'diagram.png' is not in the folder",
    ]  # fmt: skip
    assert report["warning_groups"] == [
        {"kind": "include", "target": "examples/app.py", "message": "include 'examples/app.py' is not in the folder",
         "count": 4, "pages": ["a.md", "b.md", "c.md", "d.md"]},
        {"kind": "page", "target": "gone.md", "message": "link 'gone.md' leads to no page",
         "count": 4, "pages": ["a.md", "b.md", "c.md", "d.md"]},
        {"kind": "page", "target": "other.md", "message": "link 'other.md' leads to no page",
         "count": 1, "pages": ["index.md"]},
        {"kind": "picture", "target": "diagram.png", "message": "picture 'diagram.png' is not in the folder",
         "count": 1, "pages": ["index.md"]},
    ]  # fmt: skip
    assert report["warnings_truncated"] == 0


def test_many_warnings_are_capped_and_counted(cli, signed_up, tmp_path):
    """A page of LISTED + 100 links to nowhere (and one whose target is 5,000 characters)."""
    long_target = "x" * 5000
    links = " ".join(f"[a](nowhere-{n}.md)" for n in range(LISTED + 100))
    root = write(tmp_path / "docs", {"index.md": f"# Home\n\n[Long]({long_target}) {links}\n"})
    result = cli("docs", "import", str(root), "--publish")
    assert result.exit_code == 0, result.stderr
    lines = warning_lines(result.stderr)
    assert len(lines) == 51
    assert lines[0] == f"warning: link '{'x' * 199}…' (5,000 characters) leads to no page (index.md)"
    assert lines[1:3] == ["warning: link 'nowhere-0.md' leads to no page (index.md)",
                          "warning: link 'nowhere-1.md' leads to no page (index.md)"]  # fmt: skip
    total = LISTED + 101
    assert lines[-1] == (f"warning: ... and {total - 50:,} more warnings: --json lists {LISTED - 50:,} of them"
                         f" (at most {LISTED:,} in all)")  # fmt: skip

    report = cli("docs", "import", str(root), "--json").json()
    assert len(report["warnings"]) == len(report["warning_groups"]) == LISTED
    assert report["warnings_truncated"] == total - LISTED
    assert report["warning_groups"][0]["target"] == long_target  # whole in the data, shortened in the message
    assert report["warnings"][-1] == f"index.md: link 'nowhere-{LISTED - 2}.md' leads to no page"


def test_the_rest_beyond_fifty_lines_is_in_json(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {"index.md": "# Home\n\n" + " ".join(f"[a](n{n}.md)" for n in range(60)) + "\n"})
    result = cli("docs", "import", str(root), "--publish")
    assert result.exit_code == 0, result.stderr
    lines = warning_lines(result.stderr)
    assert len(lines) == 51 and lines[-1] == "warning: ... and 10 more warnings: --json lists them"
