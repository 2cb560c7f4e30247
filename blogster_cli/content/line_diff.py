"""A unified diff of two texts' lines: difflib's own for texts of ordinary size, a correct one in
about linear time for big ones (a post of megabytes: `revisions diff`, the studio's history).

difflib's SequenceMatcher never starts a match at a "popular" line (one making up more than 1% of a
text of 200 lines or more, its `autojunk`): a table of a few kinds of rows, or any text of repeated
lines, came out as a block replaced by another (1,000 such lines with 3 changed: 281 lines marked
removed and 281 added). What difflib leaves unmatched on both sides is matched again here, without
it; where it saw every line (no popular ones) that finds nothing, and the diff is difflib's.

Big inputs are matched as patience diff does (common first and last lines, then lines found once
on each side as anchors, else runs of lines found once), with difflib's SequenceMatcher on the small
stretches left between anchors and a Myers diff on a large stretch with none; difflib groups and
prints the result, so the output reads exactly like difflib's.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import NamedTuple

# Up to this many lines a side, a diff is difflib's unified diff, as it always was. Past it (a post of
# megabytes), difflib's SequenceMatcher takes quadratic time: each of its longest-match scans reads the
# whole remaining range, and with many changes of a size it peels one match a scan off the front
# (22,000 lines, 1,100 changed paragraphs: 6 s); a line repeated under its 1% "popular" cut-off is
# compared with each of its repeats (170,000 table rows of 150 kinds, 20 changed: 81 s).
DIFFLIB_LINES = 2000
# A stretch between unchanged lines that are unique on both sides is left to SequenceMatcher when it
# is at most this many cells (old lines x new lines). A larger one with no such line (a table of a few
# kinds of rows) is anchored on runs of lines found once on each side, of each length here in turn;
# one of a few kinds of lines may be unique by chance, so such a run counts only if the lines after it
# are the same for as long again. With none, the stretch gets a Myers diff.
GAP_CELLS = 250_000
ANCHOR_RUNS = (1, 4, 16)
# Myers' search for the shortest diff takes about d * d / 2 steps for d edits (whatever the length),
# so it looks at most this many edits ahead: a stretch needing more is matched window by window, each
# window the path of MYERS_EDITS edits that goes furthest for its cost (_myers), then on from its
# end. That diff is correct but may not be the shortest (the result says it is coarse). Steps are
# counted as taken (diagonals tried and lines compared on them): once the windows of one diff have
# taken MYERS_STEPS, a window holds SMALL_WINDOW edits, and past DIFF_STEPS what is left of a stretch
# is shown removed and added whole, so no input takes more than some seconds. Two unrelated texts of
# 1,300,000 lines of "A" or "B" (3.9 MB, under the content limit) took 164 s and 608 MB: each window
# copied what was left of both sides, and windows of 64 edits went on to the end. Now 3 s and 250 MB
# (the first 170,000 lines or so searched, then the rest replaced).
# Before, a stretch past 1,000 edits (all stretches' together) was shown as replaced whole: a table
# of 60,000 rows of 150 kinds with 1,500 rows changed, added or removed, as 119,844 changed lines
# instead of 2,072 (now found in 0.4 s; 100,000 alternating lines with 2,000 edits: 1,995 in 1 s).
MYERS_EDITS = 1000
MYERS_STEPS = 6_000_000
SMALL_WINDOW = 64
DIFF_STEPS = 10_000_000


class UnifiedDiff(NamedTuple):
    text: str
    """The unified diff ("" when the texts are the same)."""
    coarse: bool
    """Part of it was matched window by window (MYERS_EDITS), or shown replaced whole past DIFF_STEPS:
    correct, maybe not the shortest."""


NO_FINAL_NEWLINE = "\\ No newline at end of file\n"


def lines(text: str) -> list[str]:
    """`text`'s lines as a patch counts them, each with its newline (the last may have none): split at
    newlines only, where str.splitlines also splits at U+2028, form feeds and the like."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def unified_diff(a: list[str], b: list[str], fromfile: str, tofile: str) -> UnifiedDiff:
    """difflib.unified_diff(a, b, fromfile, tofile) as one string, with what difflib's popular-line
    cut-off left unmatched matched again; in linear time on big inputs for scattered changes: common
    first and last lines, then lines unique on both sides (patience diff's anchors), then
    SequenceMatcher on what is left between them when it is small."""
    if max(len(a), len(b)) <= DIFFLIB_LINES:
        matcher = difflib.SequenceMatcher(None, a, b)
        blocks = matcher.get_matching_blocks()
        rematched, coarse = _matching_blocks(a, b, [_Stretch(*hole, difflib_first=False) for hole in _holes(blocks)])
        found = [block for block in blocks if block[2]] + rematched
    else:  # its matcher only groups the blocks found here: never given b, whose index it would build
        matcher = difflib.SequenceMatcher()
        found, coarse = _matching_blocks(a, b, [_Stretch(0, len(a), 0, len(b), difflib_first=True)])
    matcher.matching_blocks = [difflib.Match(*block) for block in _merged(a, b, found)]  # type: ignore[attr-defined]
    text = "".join(_unified_lines(a, b, matcher.get_grouped_opcodes(3), fromfile, tofile))
    return UnifiedDiff(text, coarse)


def _unified_lines(
    a: list[str], b: list[str], groups: Iterable[list[tuple[str, int, int, int, int]]], fromfile: str, tofile: str
) -> Iterator[str]:
    """difflib.unified_diff's lines (n=3, lineterm "\\n") for these opcode groups, a run of them at a time."""
    started = False
    for group in groups:
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_unified_range(first[1], last[2])} +{_unified_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield _prefixed(" ", a[i1:i2])
                continue
            if tag in {"replace", "delete"}:
                yield _prefixed("-", a[i1:i2])
            if tag in {"replace", "insert"}:
                yield _prefixed("+", b[j1:j2])


def _prefixed(prefix: str, run: list[str]) -> str:
    """The lines of a run (never empty), each after `prefix`, joined in one go (one string a line took
    seconds for a diff of millions of lines). Only a text's last line may lack a newline: it is marked
    as diff and patch mark it (difflib ran it into the next line, which patch refused)."""
    text = prefix + prefix.join(run)
    return text if text.endswith("\n") else text + "\n" + NO_FINAL_NEWLINE


def _unified_range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return f"{start + 1}"
    return f"{start + 1 if length else start},{length}"


class _Stretch(NamedTuple):
    alo: int
    ahi: int
    blo: int
    bhi: int
    difflib_first: bool
    """SequenceMatcher may match it if it is small: not what SequenceMatcher left unmatched itself."""


def _holes(blocks: Iterable[tuple[int, int, int]]) -> Iterator[tuple[int, int, int, int]]:
    """(alo, ahi, blo, bhi) of what lies unmatched on both sides between blocks, (0, 0) before the first."""
    i = j = 0
    for next_i, next_j, size in blocks:
        if next_i > i and next_j > j:
            yield i, next_i, j, next_j
        i, j = next_i + size, next_j + size


def _merged(a: list[str], b: list[str], found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Runs of equal lines in order, touching ones joined, ending with (len(a), len(b), 0), as
    SequenceMatcher gives."""
    blocks: list[tuple[int, int, int]] = []
    for i, j, size in sorted(found):
        if blocks and blocks[-1][0] + blocks[-1][2] == i and blocks[-1][1] + blocks[-1][2] == j:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], blocks[-1][2] + size)
        else:
            blocks.append((i, j, size))
    blocks.append((len(a), len(b), 0))
    return blocks


def _matching_blocks(a: list[str], b: list[str], pending: list[_Stretch]) -> tuple[list[tuple[int, int, int]], bool]:
    """(i, j, size) runs of equal lines in the stretches, and whether a Myers window was cut."""
    found: list[tuple[int, int, int]] = []
    coarse = False
    steps = 0
    while pending:
        alo, ahi, blo, bhi, difflib_first = pending.pop()
        start = alo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo, blo = alo + 1, blo + 1
        if alo > start:
            found.append((start, blo - (alo - start), alo - start))
        end = ahi
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
        if end > ahi:
            found.append((ahi, bhi, end - ahi))
        if alo == ahi or blo == bhi:
            continue
        if difflib_first and (ahi - alo) * (bhi - blo) <= GAP_CELLS:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi])
            blocks = matcher.get_matching_blocks()
            found.extend((alo + i, blo + j, size) for i, j, size in blocks if size)
            for hole in _holes(blocks):  # what its popular-line cut-off may have left
                pending.append(
                    _Stretch(alo + hole[0], alo + hole[1], blo + hole[2], blo + hole[3], difflib_first=False)
                )
            continue
        if set(islice(a, alo, ahi)).isdisjoint(islice(b, blo, bhi)):
            continue  # all removed and added (what SequenceMatcher left, or a shuffle's stretch): no search
        anchors: list[tuple[int, int]] = []
        for span in ANCHOR_RUNS:
            anchors = _unique_anchors(a, alo, ahi, b, blo, bhi, span)
            if anchors:
                break
        if anchors:
            for i, j in anchors:
                found.append((i, j, 1))
                pending.append(_Stretch(alo, i, blo, j, difflib_first))
                alo, blo = i + 1, j + 1
            pending.append(_Stretch(alo, ahi, blo, bhi, difflib_first))
            continue
        while alo < ahi and blo < bhi:  # the rest of one side, if any, is all removed or all added
            if steps >= DIFF_STEPS:  # the rest shown removed and added: correct, in bounded time
                coarse = True
                break
            window, until = (MYERS_EDITS, MYERS_STEPS) if steps < MYERS_STEPS else (SMALL_WINDOW, DIFF_STEPS)
            runs, (alo, blo), window_steps = _myers(a, alo, ahi, b, blo, bhi, max(1, window), until - steps)
            found.extend(runs)
            steps += window_steps
            coarse = coarse or (alo, blo) != (ahi, bhi)
    return found, coarse


def _unique_anchors(
    a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int, span: int = 1
) -> list[tuple[int, int]]:
    """The longest increasing run of (i, j) pairs where the `span` lines from i are found once in
    a[alo:ahi] and the same lines from j once in b[blo:bhi] (for a span of more than one line, and
    the `span` lines after them the same too)."""
    shared = _found_once(a, alo, ahi, span)
    if shared:
        shared &= _found_once(b, blo, bhi, span)
    if not shared:
        return []
    where_b = {key: j for j, key in enumerate(_keys(b, blo, bhi, span), blo) if key in shared}
    pairs = [(i, where_b[key]) for i, key in enumerate(_keys(a, alo, ahi, span), alo) if key in shared]
    if span > 1:  # also drops a pair whose keys are equal hashes of different lines
        twice = 2 * span
        pairs = [
            (i, j) for i, j in pairs if i + twice <= ahi and j + twice <= bhi and a[i : i + twice] == b[j : j + twice]
        ]
    # Patience sorting: tails[k] is the smallest j ending an increasing run of k + 1 pairs.
    tails: list[int] = []
    ends: list[int] = []  # index in pairs of the pair ending each run
    previous = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[k], ends[k] = j, index
        previous[index] = ends[k - 1] if k else -1
    chain: list[tuple[int, int]] = []
    index = ends[-1] if ends else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


def _found_once(lines: list[str], lo: int, hi: int, span: int) -> set[object]:
    """The keys (_keys) found only once in lines[lo:hi]. Counted, so a text of a few kinds of lines
    keeps a few keys, never one per place (1,300,000 lines of "A" or "B": 16-line runs as tuples
    took 500 MB)."""
    return {key for key, count in Counter(_keys(lines, lo, hi, span)).items() if count == 1}


def _keys(lines: list[str], lo: int, hi: int, span: int) -> Iterator[object]:
    """For each place from lo on, the `span` lines from there within lines[lo:hi] (the line itself
    for a span of 1, else the hash of the run: equal runs have equal keys, and a pair found by a
    key is compared line by line): as many keys as places where that many lines fit."""
    if span == 1:
        return islice(lines, lo, hi)
    return map(hash, zip(*(islice(lines, lo + shift, hi) for shift in range(span)), strict=False))


def _myers(
    a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int, most: int, budget: int
) -> tuple[list[tuple[int, int, int]], tuple[int, int], int]:
    """Myers' greedy search (O((N+M)D)) from (alo, blo): the matching runs of a shortest edit script to
    (ahi, bhi) if one has at most `most` edits; else of the path of `most` edits (fewer if the search
    took more than `budget` steps first) that goes furthest for what it costs: the lines of both
    sides it passes over its edits and those it needs at least to come back to the diagonal of (ahi,
    bhi). Then the point it ends at, and the steps it took (diagonals tried and lines compared)."""
    n, m = ahi - alo, bhi - blo  # x and y count from (alo, blo): the sides are never copied
    # v[offset + k]: how far (x) the furthest path so far reaches on diagonal k = x - y.
    offset = most + 1
    v = [0] * (2 * most + 3)
    trace: list[list[int]] = []  # trace[d]: v[offset + k] for k in -d - 1 .. d + 1, before step d
    steps = 0
    edits = most
    for d in range(most + 1):
        trace.append(v[offset - d - 1 : offset + d + 2])
        for at in range(offset - d, offset + d + 1, 2):  # at = offset + k
            if at == offset - d or (at != offset + d and v[at - 1] < v[at + 1]):
                x = v[at + 1]
            else:
                x = v[at - 1] + 1
            y = x - at + offset
            start = x
            while x < n and y < m and a[alo + x] == b[blo + y]:
                x, y = x + 1, y + 1
            v[at] = x
            steps += 1 + x - start
            if x >= n and y >= m:
                return _myers_runs(trace, n, m, alo, blo), (ahi, bhi), steps
            if steps > budget and d:
                break
        else:
            continue
        # Out of steps (on repeated lines every other diagonal runs on: 1,000 edits of 1,300,000
        # alternating lines took a minute): the paths of the last whole step, on the other diagonals.
        trace.pop()
        edits = d - 1
        break
    # Not simply the furthest: on repeated lines (a, b, a, b, ...) many paths of a cost reach about as
    # far, one by removing lines only; the furthest drifted a window's width off the diagonal, and coming
    # back cost as many edits again (1,958 changed lines for 1,138 in 100,000 alternating lines).
    best = max(
        ((2 * v[offset + k] - k) / (max(1, edits) + abs(k - (n - m))), -abs(k - (n - m)), k)
        for k in range(-edits, edits + 1, 2)
        if v[offset + k] <= n and v[offset + k] - k <= m  # a path past the end of a side is no path
    )
    k = best[2]
    x = v[offset + k]
    return _myers_runs(trace, x, x - k, alo, blo), (alo + x, blo + x - k), steps


def _myers_runs(trace: list[list[int]], x: int, y: int, alo: int, blo: int) -> list[tuple[int, int, int]]:
    """The matching runs of the path the trace found to (x, y), at (alo, blo) and on."""
    runs: list[tuple[int, int, int]] = []
    for d in range(len(trace) - 1, -1, -1):
        v, k = trace[d], x - y
        if k == -d or (k != d and v[k + d] < v[k + d + 2]):  # v[k - 1] < v[k + 1], as trace[d] holds them
            previous_k = k + 1
        else:
            previous_k = k - 1
        previous_x = v[previous_k + d + 1]
        previous_y = previous_x - previous_k
        size = min(x - previous_x, y - previous_y) if d else x
        if size > 0:
            runs.append((alo + x - size, blo + y - size, size))
        x, y = previous_x, previous_y
    return runs[::-1]
