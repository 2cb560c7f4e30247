"""Hostile YAML front matter for the line-preserving edit (`content.yaml_edits`, h277 H2), timed as
`test_hostile_text_linear.py` times its texts: each block below, about 100 KB, is parsed, changed
and written again in a child process with limits on its CPU time and memory (a fork of one that
loaded the modules), so an edit that turns quadratic (a walk back to the start of the text per
key) fails the test instead of taking the machine down. Every block starts with a comment that an
edit keeps and a full rewrite drops, so each case also checks that the text was edited, not
written anew.

On this loaded 2-core machine each takes at most 2 s (the pure-Python composer reads the whole
block, then the edited text is read back, twice here): the bound is over twice that. `_Edits.line_of`
walking the text up to the index, put back, took 15-42 s on each of the four blocks of many keys
(at 200 KB, with a bound of 10 s, they reached the CPU limit; 200 KB cost each run twice the CPU). A
copy of the whole text per change or a count of its lines per lookup (C loops) stays under the
bound at either size: 0.6-2 s here, 1.1-5.5 s at 200 KB.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.bounded_child import measured
from tests.fork_server import ForkServer

SIZE = 100_000  # characters
BOUND = 5.0  # CPU seconds

# name: (the block's text as an expression of its size `n`, the change: a statement on `values`)
HOSTILE = {
    "many keys, the first changed": ("''.join(f'k{i}: v\\n' for i in range(n // 8))", "values['k0'] = 'w'"),
    "many keys, all but one removed": (
        "''.join(f'k{i}: v\\n' for i in range(n // 8))",
        "[values.pop(key) for key in list(values)[1:]]",
    ),
    "many keys added to a block of one": ("'a: 1\\n'", "values.update({f'k{i}': 'v' for i in range(n // 8)})"),
    "a long flow list, one item added": ("'l: [' + 'a, ' * (n // 3) + 'b]\\n'", "values['l'] = values['l'] + ['c']"),
    "a long block list, one item added": ("'l:\\n' + '- a\\n' * (n // 4)", "values['l'] = values['l'] + ['c']"),
    "a long plain title changed": ("'title: ' + 'a ' * (n // 2) + '\\n'", "values['title'] = 'x'"),
    "a block scalar before blank lines": ("'b: |\\n  x\\n' + '\\n' * n + 'c: 1\\n'", "values['b'] = 'y\\n'"),
    "a block scalar of blank lines": ("'b: |\\n' + '\\n' * n + '  x\\nc: 1\\n'", "values['b'] = 'y\\n'"),
    "many block scalars, all changed": (
        "''.join(f'k{i}: |\\n  x\\n\\n' for i in range(n // 12))",
        "values.update({key: 'y\\n' for key in values})",
    ),
    "many nested keys, each changed": (
        "'p:\\n' + ''.join(f'    k{i}: v\\n' for i in range(n // 12))",
        "values['p'] = {key: 'w' for key in values['p']}",
    ),
    "a deep nest of mappings, its innermost value changed": (  # as deep as front matter may be (MAX_NESTING)
        "''.join(' ' * (2 * i) + f'k{i}:\\n' for i in range(99)) + ' ' * 198 + 'z: 1\\n'",
        "inner = values\nwhile 'z' not in inner: inner = next(iter(inner.values()))\ninner['z'] = 2",
    ),
}

_SETUP = """
import copy
from blogster_cli.content.frontmatter import dump_front_matter, parse_raw
text_expression, change, n = case
raw = '---\\n# kept\\n' + eval(text_expression) + '---\\n'
_, metadata = parse_raw(raw)
values = copy.deepcopy(metadata.values)
exec(change)
"""
_TIMED = """
written = dump_front_matter('yaml', values, metadata)
assert written.startswith('---\\n# kept\\n'), 'written anew, not edited'
assert parse_raw(written)[1].values == values
"""


@pytest.fixture(scope="module")
def children() -> Iterator[ForkServer]:
    """Each block's child a fork of one process that loaded the front matter modules."""
    server = ForkServer(["copy", "blogster_cli.content.frontmatter", "blogster_cli.content.yaml_edits"])
    yield server
    server.close()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_yaml_block_is_edited_in_linear_time_and_bounded_memory(children, name):
    figures = measured(_SETUP, _TIMED, [*HOSTILE[name], SIZE], cpu=int(BOUND * 6), server=children)
    assert figures["seconds"] < BOUND, (name, figures)
    assert figures["rss_mb"] < 1024, (name, figures)
