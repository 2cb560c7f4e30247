"""A unified diff of two texts' lines: difflib's own for texts of ordinary size, a correct one in
about linear time for big ones (a post of megabytes: `revisions diff`, the studio's history).

Big inputs are matched as patience diff does (common first and last lines, then lines found once
on each side as anchors), with difflib's SequenceMatcher on the small stretches left between
anchors and a bounded Myers diff on a large stretch with none; difflib groups and prints the
result, so the output reads exactly like difflib's.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable, Iterator

# Up to this many lines a side, a diff is difflib's unified diff, as it always was. Past it (a post of
# megabytes), difflib's SequenceMatcher takes quadratic time: each of its longest-match scans reads the
# whole remaining range, and with many changes of a size it peels one match a scan off the front
# (22,000 lines, 1,100 changed paragraphs: 6 s); a line repeated under its 1% "popular" cut-off is
# compared with each of its repeats (170,000 table rows of 150 kinds, 20 changed: 81 s).
DIFFLIB_LINES = 2000
# A stretch between unchanged lines that are unique on both sides is left to SequenceMatcher when it
# is at most this many cells (old lines x new lines); a larger one with no such line, to a Myers diff
# (MYERS_EDITS edits at most, for all such stretches together), and past those, shown as replaced
# whole: a correct diff, if not the shortest.
GAP_CELLS = 250_000
MYERS_EDITS = 1000


NO_FINAL_NEWLINE = "\\ No newline at end of file\n"


def lines(text: str) -> list[str]:
    """`text`'s lines as a patch counts them, each with its newline (the last may have none): split at
    newlines only, where str.splitlines also splits at U+2028, form feeds and the like."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def unified_diff(a: list[str], b: list[str], fromfile: str, tofile: str) -> str:
    """difflib.unified_diff(a, b, fromfile, tofile) as one string, in linear time on big inputs for
    scattered changes: common first and last lines, then lines unique on both sides (patience
    diff's anchors), then SequenceMatcher on what is left between them when it is small. A last
    line without a newline is marked as diff and patch mark it (difflib ran it into the next line,
    which patch refused)."""
    if max(len(a), len(b)) <= DIFFLIB_LINES:
        return "".join(_marked(difflib.unified_diff(a, b, fromfile, tofile)))
    matcher = difflib.SequenceMatcher(None, a, b)  # only to group the opcodes of the blocks found here
    matcher.matching_blocks = [difflib.Match(*block) for block in _matching_blocks(a, b)]  # type: ignore[attr-defined]
    return "".join(_marked(_unified_lines(a, b, matcher.get_grouped_opcodes(3), fromfile, tofile)))


def _marked(diff_lines: Iterable[str]) -> Iterator[str]:
    for line in diff_lines:
        yield line
        if not line.endswith("\n"):
            yield "\n" + NO_FINAL_NEWLINE


def _unified_lines(
    a: list[str], b: list[str], groups: Iterable[list[tuple[str, int, int, int, int]]], fromfile: str, tofile: str
) -> Iterator[str]:
    """difflib.unified_diff's lines (n=3, lineterm "\\n") for these opcode groups."""
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
                yield from (" " + line for line in a[i1:i2])
                continue
            if tag in {"replace", "delete"}:
                yield from ("-" + line for line in a[i1:i2])
            if tag in {"replace", "insert"}:
                yield from ("+" + line for line in b[j1:j2])


def _unified_range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return f"{start + 1}"
    return f"{start + 1 if length else start},{length}"


def _matching_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """(i, j, size) runs of equal lines, in order, ending with (len(a), len(b), 0), as SequenceMatcher gives."""
    found: list[tuple[int, int, int]] = []
    pending = [(0, len(a), 0, len(b))]
    edits_left = MYERS_EDITS
    while pending:
        alo, ahi, blo, bhi = pending.pop()
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
        if (ahi - alo) * (bhi - blo) <= GAP_CELLS:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi])
            found.extend((alo + i, blo + j, size) for i, j, size in matcher.get_matching_blocks() if size)
            continue
        anchors = _unique_anchors(a, alo, ahi, b, blo, bhi)
        if anchors:
            for i, j in anchors:
                found.append((i, j, 1))
                pending.append((alo, i, blo, j))
                alo, blo = i + 1, j + 1
            pending.append((alo, ahi, blo, bhi))
        else:
            runs, edits = _myers(a[alo:ahi], b[blo:bhi], edits_left)
            edits_left -= edits
            found.extend((alo + i, blo + j, size) for i, j, size in runs)
    blocks: list[tuple[int, int, int]] = []
    for i, j, size in sorted(found):
        if blocks and blocks[-1][0] + blocks[-1][2] == i and blocks[-1][1] + blocks[-1][2] == j:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], blocks[-1][2] + size)
        else:
            blocks.append((i, j, size))
    blocks.append((len(a), len(b), 0))
    return blocks


def _unique_anchors(a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int) -> list[tuple[int, int]]:
    """The longest increasing run of (i, j) pairs of lines found once in a[alo:ahi] and once in b[blo:bhi]."""
    only_a: dict[str, int] = {}
    for i in range(alo, ahi):
        only_a[a[i]] = -1 if a[i] in only_a else i
    only_b: dict[str, int] = {}
    for j in range(blo, bhi):
        only_b[b[j]] = -1 if b[j] in only_b else j
    pairs = [(i, only_b.get(a[i], -1)) for i in range(alo, ahi) if only_a[a[i]] == i]
    pairs = [(i, j) for i, j in pairs if j >= 0]
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
    run: list[tuple[int, int]] = []
    index = ends[-1] if ends else -1
    while index >= 0:
        run.append(pairs[index])
        index = previous[index]
    return run[::-1]


def _myers(a: list[str], b: list[str], most: int) -> tuple[list[tuple[int, int, int]], int]:
    """The matching runs of a shortest edit script (Myers, O((N+M)D)) and its number of edits;
    past `most` edits, none (all replaced) and `most`."""
    n, m = len(a), len(b)
    offset = most + 1
    v = [0] * (2 * most + 3)
    trace: list[list[int]] = []
    for d in range(most + 1):
        trace.append(v[:])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            v[offset + k] = x
            if x >= n and y >= m:
                return _myers_runs(trace, n, m, offset), d
    return [], most


def _myers_runs(trace: list[list[int]], x: int, y: int, offset: int) -> list[tuple[int, int, int]]:
    runs: list[tuple[int, int, int]] = []
    for d in range(len(trace) - 1, -1, -1):
        v, k = trace[d], x - y
        if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
            previous_k = k + 1
        else:
            previous_k = k - 1
        previous_x = v[offset + previous_k]
        previous_y = previous_x - previous_k
        size = min(x - previous_x, y - previous_y) if d else x
        if size > 0:
            runs.append((x - size, y - size, size))
        x, y = previous_x, previous_y
    return runs[::-1]
