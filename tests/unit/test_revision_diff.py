"""line_diff.unified_diff: difflib's own diff for posts of ordinary size, a correct one in linear time for big ones."""

from __future__ import annotations

import difflib
import random
import subprocess

import pytest

from blogster_cli.content import line_diff


def random_texts(seed: int) -> tuple[list[str], list[str]]:
    rnd = random.Random(seed)
    vocabulary = [f"line {n}\n" for n in range(rnd.choice([3, 10, 50, 1000]))] + ["\n"]
    old = [rnd.choice(vocabulary) for _ in range(rnd.randint(0, 400))]
    new = list(old)
    for _ in range(rnd.randint(0, 30)):
        at = rnd.randint(0, len(new))
        if rnd.random() < 0.4 and new:
            del new[min(at, len(new) - 1)]
        else:
            new.insert(at, rnd.choice(vocabulary))
    if old and rnd.random() < 0.3:
        old[-1] = old[-1].rstrip("\n")  # no newline at the end
    return old, new


def patched(old: list[str], diff: str) -> list[str]:
    """`old` with the hunks of a unified diff applied (each line checked against `old`)."""
    result, at = [], 0
    for line in diff.splitlines(keepends=True)[2:]:
        if line.startswith("@@ "):
            start, _, length = line.split()[1][1:].partition(",")
            begin = int(start) if length == "0" else int(start) - 1
            result += old[at:begin]
            at = begin
            continue
        if line[0] in " -":
            assert old[at] == line[1:]
            at += 1
        if line[0] in " +":
            result.append(line[1:])
    return result + old[at:]


@pytest.mark.parametrize("seed", range(40))
def test_an_ordinary_post_gets_difflibs_diff(seed):
    old, new = random_texts(seed)
    old = [line if line.endswith("\n") else line + "\n" for line in old]  # a missing one is marked: below
    assert line_diff.unified_diff(old, new, "a r1", "a r2") == "".join(difflib.unified_diff(old, new, "a r1", "a r2"))


@pytest.mark.parametrize("seed", range(40))
def test_the_big_post_path_gives_a_diff_that_makes_the_new_text(seed, monkeypatch):
    monkeypatch.setattr(line_diff, "DIFFLIB_LINES", 0)
    monkeypatch.setattr(line_diff, "GAP_CELLS", random.Random(seed).choice([0, 100, 250_000]))
    monkeypatch.setattr(line_diff, "MYERS_EDITS", random.Random(seed).choice([0, 5, 1000]))
    old, new = random_texts(seed)
    old = [line if line.endswith("\n") else line + "\n" for line in old]  # one line a line in the diff
    diff = line_diff.unified_diff(old, new, "a r1", "a r2")
    assert patched(old, diff) == new and (diff == "") == (old == new)


def test_the_big_post_path_matches_difflib_on_scattered_changes(monkeypatch):
    rnd = random.Random(1)
    old = [f"Paragraph {n}: {rnd.random()}\n" if n % 2 else "\n" for n in range(6000)]
    new = list(old)
    for at in rnd.sample(range(1, 6000, 2), 40):
        new[at] = f"Rewritten {at}\n"
    del new[3001]
    new.insert(10, "Inserted\n")
    expected = "".join(difflib.unified_diff(old, new, "a r1", "a r2"))
    monkeypatch.setattr(line_diff, "DIFFLIB_LINES", 0)
    assert line_diff.unified_diff(old, new, "a r1", "a r2") == expected


@pytest.mark.parametrize("big", [False, True], ids=["difflib", "big-post-path"])
@pytest.mark.parametrize(
    ("old", "new"), [("a\nb\nc", "a\nB\nc"), ("a\nb\n", "a\nb"), ("a\nb", "a\nb\n"), ("x\u2028y\n", "x\u2028z\n")]
)
def test_patch_applies_the_diff_when_a_text_ends_without_a_newline(old, new, big, tmp_path, monkeypatch):
    """The last line ran into the next one (`-c+C`), which patch refused (red team 21)."""
    if big:
        monkeypatch.setattr(line_diff, "DIFFLIB_LINES", 0)
    diff = line_diff.unified_diff(line_diff.lines(old), line_diff.lines(new), "a", "b")
    (tmp_path / "post.md").write_text(old, encoding="utf-8", newline="")
    subprocess.run(["patch", "-s", "post.md"], input=diff.encode(), cwd=tmp_path, check=True)
    assert (tmp_path / "post.md").read_bytes().decode() == new
