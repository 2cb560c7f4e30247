"""line_diff.unified_diff: difflib's own diff for posts of ordinary size (with what its popular-line
cut-off hid matched again), a correct one in about linear time for big ones."""

from __future__ import annotations

import difflib
import random
import subprocess
import time

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


def changed_lines(diff: str) -> int:
    return sum(1 for line in diff.splitlines() if line[:1] in "-+" and not line.startswith(("--- ", "+++ ")))


def scattered_edits(old: list[str], edits: int, kinds: list[str], rnd: random.Random) -> tuple[list[str], int]:
    """`old` with lines replaced, added and removed at random places, each new line one of `kinds`; and
    the lines a diff needs to mark at most (2 a replaced line, 1 an added or removed one)."""
    new, most = list(old), 0
    for _ in range(edits):
        at, choice = rnd.randrange(len(new)), rnd.random()
        if choice < 0.4:
            new[at], most = rnd.choice(kinds), most + 2
        elif choice < 0.7:
            new.insert(at, rnd.choice(kinds))
            most += 1
        else:
            del new[at]
            most += 1
    return new, most


@pytest.mark.parametrize("seed", range(40))
def test_an_ordinary_post_gets_difflibs_diff(seed):
    """Exactly difflib's where its popular-line cut-off hid no line from it; else never a longer one."""
    old, new = random_texts(seed)
    old = [line if line.endswith("\n") else line + "\n" for line in old]  # a missing one is marked: below
    ours = line_diff.unified_diff(old, new, "a r1", "a r2")
    difflibs = "".join(difflib.unified_diff(old, new, "a r1", "a r2"))
    if not difflib.SequenceMatcher(None, old, new).bpopular:
        assert ours.text == difflibs
    assert patched(old, ours.text) == new and changed_lines(ours.text) <= changed_lines(difflibs)
    assert not ours.coarse


def test_a_post_of_repeated_lines_marks_only_its_changed_lines():
    """1,000 lines of 10 kinds: each kind makes up over 1% of them, so difflib (autojunk) never started
    a match at one, and 3 changed lines showed as 900 replaced by 900."""
    rnd = random.Random(3)
    old = [f"| {rnd.randrange(10)} | row |\n" for _ in range(1000)]
    new = list(old)
    for at in (100, 500, 900):
        new[at] = f"| changed {at} | row |\n"
    assert changed_lines("".join(difflib.unified_diff(old, new))) > 500
    diff = line_diff.unified_diff(old, new, "a r1", "a r2")
    assert changed_lines(diff.text) == 6 and patched(old, diff.text) == new and not diff.coarse


@pytest.mark.parametrize("table", [True, False], ids=["a-table-of-150-kinds-of-rows", "alternating-lines"])
def test_a_big_text_of_repeated_lines_changed_in_many_places_marks_only_those(table):
    """No line is found once in either text and the changes take over 1,000 edits: the whole text
    showed as replaced (some 120,000 changed lines for either). Now at most the lines changed: runs of
    lines found once anchor the table (0.2 s); alternating lines have none and are matched by Myers
    windows of 1,000 edits (1.1 s), and the diff says it is coarse."""
    rnd = random.Random(1)
    kinds = [f"| {n} | value {n} |\n" for n in range(150)] if table else ["a\n", "b\n"]
    old = [rnd.choice(kinds) for _ in range(60_000)] if table else kinds * 30_000
    new, most = scattered_edits(old, 1_500, kinds, rnd)
    diff = line_diff.unified_diff(old, new, "a r1", "a r2")
    assert patched(old, diff.text) == new
    assert changed_lines(diff.text) <= most < 3_000
    assert diff.coarse == (not table)


def test_coarse_says_a_window_was_cut_and_the_diff_stays_correct(monkeypatch):
    rnd = random.Random(5)
    old = ["a\n", "b\n"] * 1500
    new, most = scattered_edits(old, 40, ["a\n", "b\n"], rnd)
    whole = line_diff.unified_diff(old, new, "a r1", "a r2")
    monkeypatch.setattr(line_diff, "MYERS_EDITS", 5)
    windows = line_diff.unified_diff(old, new, "a r1", "a r2")
    assert not whole.coarse and windows.coarse
    assert patched(old, whole.text) == patched(old, windows.text) == new
    assert changed_lines(whole.text) <= changed_lines(windows.text) <= most


def test_two_unrelated_texts_of_100_000_lines_take_seconds():
    """The worst kind for Myers' search: two random texts of two kinds of lines, no run of lines found
    once, a change every few lines. Windows of 1,000 edits, then of 64 once they have taken
    MYERS_STEPS steps, all within DIFF_STEPS: some 2 s here (a shortest diff would take minutes)."""
    rnd = random.Random(6)
    old, new = ([rnd.choice("ab") + "\n" for _ in range(100_000)] for _ in range(2))
    started = time.perf_counter()
    diff = line_diff.unified_diff(old, new, "a r1", "a r2")
    assert time.perf_counter() - started < 20
    assert patched(old, diff.text) == new and diff.coarse


@pytest.mark.parametrize("kind", ["random", "alternating"])
def test_two_revisions_of_a_million_short_lines_take_seconds_and_the_diff_applies(kind):
    """Under the 4 MiB content limit: 1,000,000 lines of "A" or "B" in random order on each side
    (each Myers window copied what was left of both sides: 60 s and more, 164 s for 1,300,000
    lines), or alternating lines with 3,000 edits (on those every other diagonal runs on, and one
    window of 1,000 edits took a minute). Now MYERS_STEPS and DIFF_STEPS bound the search, and what
    is left past DIFF_STEPS is shown removed and added: some 2 s each."""
    rnd = random.Random(8)
    if kind == "random":
        old, new = (rnd.choices(["A\n", "B\n"], k=1_000_000) for _ in range(2))
    else:
        old = ["A\n", "B\n"] * 500_000
        new, _ = scattered_edits(old, 3_000, ["A\n", "B\n"], rnd)
    started = time.perf_counter()
    diff = line_diff.unified_diff(old, new, "a r1", "a r2")
    assert time.perf_counter() - started < 15
    assert diff.coarse and patched(old, diff.text) == new


def test_stretches_with_no_line_in_common_are_replaced_without_a_search():
    """A post of 30,000 different lines, shuffled: between the lines found in order, stretches with
    no line in common went to Myers windows that could only remove and add (1.1 s, and marked
    coarse). Now they are shown replaced at once, and the diff is not coarse."""
    old = [f"line {n}\n" for n in range(30_000)]
    new = list(old)
    random.Random(2).shuffle(new)
    diff = line_diff.unified_diff(old, new, "a r1", "a r2")
    assert patched(old, diff.text) == new and not diff.coarse


@pytest.mark.parametrize("seed", range(40))
def test_the_big_post_path_gives_a_diff_that_makes_the_new_text(seed, monkeypatch):
    monkeypatch.setattr(line_diff, "DIFFLIB_LINES", 0)
    monkeypatch.setattr(line_diff, "GAP_CELLS", random.Random(seed).choice([0, 100, 250_000]))
    monkeypatch.setattr(line_diff, "MYERS_EDITS", random.Random(seed).choice([0, 5, 1000]))
    monkeypatch.setattr(line_diff, "MYERS_STEPS", random.Random(seed).choice([0, 50, 6_000_000]))
    monkeypatch.setattr(line_diff, "SMALL_WINDOW", random.Random(seed).choice([0, 1, 3]))
    monkeypatch.setattr(line_diff, "DIFF_STEPS", random.Random(seed).choice([0, 40, 400, 10_000_000]))
    monkeypatch.setattr(line_diff, "ANCHOR_RUNS", random.Random(seed).choice([(1,), (1, 2), (1, 4, 16)]))
    old, new = random_texts(seed)
    old = [line if line.endswith("\n") else line + "\n" for line in old]  # one line a line in the diff
    diff = line_diff.unified_diff(old, new, "a r1", "a r2").text
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
    assert line_diff.unified_diff(old, new, "a r1", "a r2").text == expected


@pytest.mark.parametrize("big", [False, True], ids=["difflib", "big-post-path"])
@pytest.mark.parametrize(
    ("old", "new"), [("a\nb\nc", "a\nB\nc"), ("a\nb\n", "a\nb"), ("a\nb", "a\nb\n"), ("x\u2028y\n", "x\u2028z\n")]
)
def test_patch_applies_the_diff_when_a_text_ends_without_a_newline(old, new, big, tmp_path, monkeypatch):
    """The last line ran into the next one (`-c+C`), which patch refused (red team 21)."""
    if big:
        monkeypatch.setattr(line_diff, "DIFFLIB_LINES", 0)
    diff = line_diff.unified_diff(line_diff.lines(old), line_diff.lines(new), "a", "b").text
    (tmp_path / "post.md").write_text(old, encoding="utf-8", newline="")
    subprocess.run(["patch", "-s", "post.md"], input=diff.encode(), cwd=tmp_path, check=True)
    assert (tmp_path / "post.md").read_bytes().decode() == new
