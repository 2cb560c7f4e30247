"""`revisions diff` of two revisions of a post of megabytes: only the changed lines, without difflib's
quadratic scans (before: 78 s for a 3 MB post with a big table, 10 s for one with many edits)."""

from __future__ import annotations

import difflib

import pytest

from tests.cli.test_blogs_cli import new_post

ROWS = [f"| {n} | value {n} |\n" for n in range(150)]  # each under difflib's 1% "popular line" cut-off


def big_post() -> list[str]:
    """~3 MB of markdown: 15,000 paragraphs, then a table of 60,000 rows of 150 kinds."""
    lines = []
    for n in range(15_000):
        lines += [f"Paragraph {n}: the shell keeps a history of every command, and grep finds them again.\n", "\n"]
    lines += ["| n | value |\n", "|---|---|\n"]
    lines += [ROWS[(n * 7919) % 150] for n in range(60_000)]
    return lines


def test_a_diff_of_two_big_revisions_shows_exactly_the_changed_lines(cli, signed_up, tmp_path, monkeypatch):
    old = big_post()
    new = list(old)
    edited = {4_000: "Paragraph 2000 was rewritten.\n", 21_000: "Paragraph 10500 too.\n", 31_000: "| changed | row |\n"}
    for index, line in edited.items():
        new[index] = line
    del new[88_000]  # a table row
    new.insert(12_000, "A new paragraph.\n")
    post = new_post(cli, "Big", body="".join(old))
    (tmp_path / "new.md").write_text("---\ntitle: Big\n---\n" + "".join(new))
    assert cli("posts", "edit", post, "--from", str(tmp_path / "new.md")).exit_code == 0

    widest: list[int] = []
    scan = difflib.SequenceMatcher.find_longest_match

    def watched_scan(self, alo=0, ahi=None, blo=0, bhi=None):  # type: ignore[no-untyped-def]
        cells = ((ahi if ahi is not None else len(self.a)) - alo) * ((bhi if bhi is not None else len(self.b)) - blo)
        widest.append(cells)
        if cells > 1_000_000:
            raise RuntimeError(f"difflib scanned {cells} cells")  # the slow path: stop here, not in minutes
        return scan(self, alo, ahi, blo, bhi)

    monkeypatch.setattr(difflib.SequenceMatcher, "find_longest_match", watched_scan)
    result = cli("revisions", "diff", post, "1", "--json")

    assert max(widest, default=0) <= 1_000_000  # fails before: difflib scans all 150,000 x 150,000 lines
    assert result.exit_code == 0, result.stderr
    lines = result.json()["diff"].splitlines(keepends=True)
    removed = [line[1:] for line in lines if line.startswith("-") and not line.startswith("--- ")]
    added = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++ ")]
    assert removed == [old[4_000], old[21_000], old[31_000], old[88_000]]
    assert added == [edited[4_000], "A new paragraph.\n", edited[21_000], edited[31_000]]
    assert sum(line.startswith("@@ ") for line in lines) == 5


@pytest.mark.same_on_every_server  # the diff is Python's: CI's second pass leaves it out
def test_revisions_of_repeated_lines_changed_in_many_places_show_the_changed_lines(cli, signed_up, tmp_path):
    """No line is found once in either revision and the changes take over 1,000 edits: the diff showed
    the whole post replaced (39,964 changed lines). Now the changed lines, matched window by window,
    and the diff says so: `coarse` in --json, a note on stderr otherwise."""
    old = ["a\n", "b\n"] * 10_000
    new = list(old)
    for at in range(7, 20_000, 13):  # 1,538 lines: each a change, none makes a line found once
        new[at] = "a\n" if new[at] == "b\n" else "b\n"
    post = new_post(cli, "Alternating", body="".join(old))
    (tmp_path / "new.md").write_text("---\ntitle: Alternating\n---\n" + "".join(new))
    assert cli("posts", "edit", post, "--from", str(tmp_path / "new.md")).exit_code == 0

    result = cli("revisions", "diff", post, "1", "--json")
    assert result.exit_code == 0, result.stderr
    shown = result.json()
    changed = [line for line in shown["diff"].splitlines() if line[:1] in "-+" and line[:4] not in ("--- ", "+++ ")]
    assert shown["coarse"] is True
    assert len(changed) <= 2 * 1_538
    as_text = cli("revisions", "diff", post, "1")
    assert as_text.stdout == shown["diff"]
    assert "note: too many changes to find the shortest diff in seconds" in as_text.stderr
