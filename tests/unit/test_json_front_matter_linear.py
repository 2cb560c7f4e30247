"""Hostile JSON front matter for the in-place edit (`content.json_edits`, walk 13 L6), timed as
`test_yaml_front_matter_linear.py` times YAML: each object below, about 200 KB, is parsed, changed and
written again in a child process with limits on its CPU time and memory, so an edit that turns
quadratic (a look back along one long line per member, an item looked for in the whole array) fails
instead of taking the machine down. Each object is laid out so that a rewrite would change it: the
test also checks that it was edited, not written anew.
"""

from __future__ import annotations

import pytest

from tests.bounded_child import measured

SIZE = 200_000  # characters
BOUND = 10.0  # CPU seconds

# name: (the object's text as an expression of its size `n`, the change: a statement on `values`)
HOSTILE = {
    "many keys on one line, all changed": (
        "'{' + ','.join(f'\"k{i}\":1' for i in range(n // 8)) + '}'",
        "values.update({key: 2 for key in values})",
    ),
    "many one-line objects on one line, each changed": (
        "'{' + ','.join(f'\"k{i}\":{{\"a\":1}}' for i in range(n // 14)) + '}'",
        "values.update({key: {'a': 1, 'b': 2} for key in values})",
    ),
    "many arrays on one line, each changed": (
        "'{' + ','.join(f'\"k{i}\":[1]' for i in range(n // 10)) + '}'",
        "values.update({key: [1, 2] for key in values})",
    ),
    "a long array, one item added": ("'{\"l\": [' + '1, ' * (n // 3) + '2]}'", "values['l'] = values['l'] + [3]"),
    "many keys over lines, all but one removed": (
        "'{\\n' + ',\\n'.join(f'    \"k{i}\": 1' for i in range(n // 12)) + '\\n}'",
        "[values.pop(key) for key in list(values)[1:]]",
    ),
}

_SETUP = """
import copy, json
from blogster_cli.content.frontmatter import dump_front_matter, parse_raw
text_expression, change, n = case
raw = eval(text_expression) + '\\n'
_, metadata = parse_raw(raw)
values = copy.deepcopy(metadata.values)
exec(change)
"""
_TIMED = """
written = dump_front_matter('json', values, metadata)
assert not written.startswith('{\\n  "'), 'written anew, not edited'
assert json.loads(written) == values
"""


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_json_object_is_edited_in_linear_time_and_bounded_memory(name):
    figures = measured(_SETUP, _TIMED, [*HOSTILE[name], SIZE], cpu=int(BOUND * 6))
    assert figures["seconds"] < BOUND, (name, figures)
    assert figures["rss_mb"] < 1024, (name, figures)
