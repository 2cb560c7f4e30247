"""The work and text of includes are bounded (documentation/includes.py): a few KB of include lines
fanning out over the levels made `docs import` run for hours (helper 256's F1: 60 lines of 60 lines
of an empty file took 5 s, 200 of 200 of 200 about 3 minutes, 1,000 at depth 3 six hours), and
1,000 pages including one 207 KB file held 200 MB (F6). Each case runs in a child process with
limits on its CPU time and memory, so a fan-out that is expanded again each time fails the test in
seconds."""

from __future__ import annotations

from tests.bounded_child import measured

# CPU seconds a case may take: each takes at most 0.3 s on a loaded 2-core machine; the fan-outs
# took 5 s (n=60) and minutes (n=200) when each include read and expanded its file again.
BOUND = 2.0

_FOLDER = """
import tempfile
from pathlib import Path
from blogster_cli.documentation import includes, tree
root = Path(tempfile.mkdtemp())
def write(files):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
"""


def timed_in_a_child(setup: str, timed: str, case: object) -> dict[str, float]:
    """`timed` after `setup` (in a fresh folder `root`, filled by `write`) in a bounded child."""
    return measured(_FOLDER + setup, timed, case, cpu=int(BOUND * 5))


def test_a_fan_out_of_includes_reads_each_file_once():
    """200 lines naming a file of 200 lines naming a file of 200 lines naming an empty file: 8
    million includes when each is expanded again; each file's expansion kept, 600."""
    setup = """
n = case
write({"snippets/l1.md": "\\n".join(['--8<-- "snippets/l2.md"'] * n),
       "snippets/l2.md": "\\n".join(['--8<-- "snippets/l3.md"'] * n), "snippets/l3.md": ""})
page = "# Bomb\\n\\n" + "\\n".join(['--8<-- "snippets/l1.md"'] * n) + "\\n"
"""
    timed = """
found = includes.expand(page, path="index.md", files=includes.FolderFiles(root))
assert found.lines == {'--8<-- "snippets/l1.md"': ""} and found.warnings == (), found
"""
    figures = timed_in_a_child(setup, timed, 200)
    assert figures["seconds"] < BOUND, figures


def test_a_fan_out_that_cannot_be_kept_stops_at_the_page_s_bound_on_includes():
    """Each level also names the page (a cycle from there, so its expansion is not kept): 60 lines of
    61 of 61 are 220,000 includes; the page stops at MAX_INCLUDES, warned of with the bound."""
    setup = """
n = case
levels = {f"snippets/l{k}.md": "\\n".join([f'--8<-- "snippets/l{k + 1}.md"'] * n + ['--8<-- "index.md"']) for k in (1, 2)}
page = "\\n".join(['--8<-- "snippets/l1.md"'] * n)
write({**levels, "snippets/l3.md": '--8<-- "index.md"', "index.md": page})
"""
    timed = """
found = includes.expand(page, path="index.md", files=includes.FolderFiles(root))
assert found.lines == {}, found.lines
assert "include 'snippets/l1.md' is left as it is: the page would make more than 10,000 includes" in found.warnings
assert found.unread == {'--8<-- "snippets/l1.md"'}  # (an import keeps the text the page had for it)
"""
    figures = timed_in_a_child(setup, timed, 60)
    assert figures["seconds"] < BOUND, figures


def test_lines_left_as_they_are_count_as_included_text():
    """A line whose include cannot be read is given as it is: its characters count as the page's
    included text, so 100 lines of 100 lines of 4 KB names not in the folder are no 40 MB page."""
    setup = """
name = "x" * 4000
write({"snippets/l1.md": "\\n".join(['--8<-- "snippets/l2.md"'] * 100),
       "snippets/l2.md": "\\n".join([f'--8<-- "{name}-{n}.md"' for n in range(100)])})
"""
    timed = """
found = includes.expand('--8<-- "snippets/l1.md"', path="index.md", files=includes.FolderFiles(root))
assert found.lines == {}, sum(map(len, found.lines.values()))
assert found.warnings[-1] == "include 'snippets/l1.md' is left as it is: the page would include more than 250,000 characters"
"""
    figures = timed_in_a_child(setup, timed, None)
    assert figures["seconds"] < BOUND, figures


def test_many_pages_including_one_large_file_take_at_most_the_import_s_share():
    """1,000 pages each including one 200 KB file: 200 million characters to hold and store. The
    first pages take theirs up to MAX_IMPORT_INCLUDED_CHARACTERS; the others keep their own text,
    warned that their include was left out (and not kept from before: no line left unread)."""
    setup = """
write({"snippets/big.md": ("w" * 99 + "\\n") * 2_000, **{f"p{n:04}.md": f"# Page {n}\\n\\n--8<-- 'snippets/big.md'\\n" for n in range(1_000)}})
"""
    timed = """
read = tree.read_tree(root)
assert len(read.pages) == 1_000
taken = [sum(map(len, page.includes.values())) for page in read.pages]
assert sum(taken) <= 10_000_000 and taken[0] == 200_000 and taken[49] == 200_000 and taken[50] == 0, sum(taken)
left_out = [page for page in read.pages if page.include_warnings]
assert len(left_out) == 950 and all(page.includes_unread == frozenset() for page in left_out)
assert left_out[0].include_warnings == ("include 'snippets/big.md' is left out: the import's pages would include"
                                        " more than 10,000,000 characters",)
assert left_out[0].include_names == ("snippets/big.md",) and left_out[0].body.endswith("--8<-- 'snippets/big.md'\\n")
"""
    figures = timed_in_a_child(setup, timed, None)
    assert figures["seconds"] < BOUND, figures
    assert figures["rss_mb"] < 150, figures  # 220 MB when every page held its copy


def test_includes_of_4_kb_names_that_nearly_pick_lines_take_time_linear_in_them():
    """h276 F1: a block of 70 names of 4 KB that look like line picks but are not (`1:1,1:1,...x`),
    287 KB, more than a page may include, included by 161 lines of a page (the most MAX_INCLUDES
    lets through), then with 161 different picks (`s.md:1:100`, `s.md:1:101`...). Each name was split
    in time quadratic in its length (0.1 s), and the file read again for each repeat: 17 minutes a page."""
    setup = """
lines = ["--8<--"] + [f"n{i:03d}" + "1:1," * 1022 + "x" for i in range(70)] + ["--8<--"]
write({"s.md": "\\n".join(lines) + "\\n", "index.md": "# Bomb\\n\\n" + '--8<-- "s.md"\\n' * 161,
       "picks.md": "# Picks\\n\\n" + "".join(f'--8<-- "s.md:1:{100 + i}"\\n' for i in range(161))})
"""
    timed = """
read = tree.read_tree(root)
index, picks = sorted(read.pages, key=lambda page: page.path)
assert index.include_warnings[-1] == ("include 's.md' is left as it is: the page would make more than 10,000 includes")
assert index.include_warnings[0].startswith("include 'n0001:1,1:1,") and index.includes == {}
assert len(picks.include_warnings) == 70 + 161 - 8 and picks.includes == {}, picks.include_warnings[-10:]
"""
    figures = timed_in_a_child(setup, timed, None)
    assert figures["seconds"] < BOUND, figures
