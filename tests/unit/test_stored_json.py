"""`stored_json.readable`: JSON text PostgreSQL keeps, decoded with only what Python cannot read left
out (red team 43b F1: a post's front matter keeps the rest, a list keeps its row)."""

from __future__ import annotations

import json

from blogster_cli.stored_json import KEPT_DEPTH, LeftOut, left_out_warning, readable

LONG = "9" * 5000


def test_readable_json_is_decoded_whole():
    text = json.dumps({"a": [1, 2.5, None, True, {"b": 'x]"[{'}], "c": "9" * 5000, "d": [[[[1]]]]})
    assert readable(text) == (json.loads(text), [])


def test_a_number_python_refuses_is_left_out_and_named():
    value, left_out = readable(f'{{"date": {LONG}, "tags": ["a", {LONG}, "b"], "url": "/x/"}}')
    assert value == {"tags": ["a", "b"], "url": "/x/"}
    assert [str(item) for item in left_out] == [
        "date (a number of more than 4,300 digits)",
        "tags[1] (a number of more than 4,300 digits)",
    ]


def test_deep_nesting_is_left_out_from_where_it_starts():
    """A run of first elements is left out whole, from its outermost array: `date`, not `date[0][0]…`."""
    deep = "[" * 5000 + "]" * 5000
    value, left_out = readable(f'{{"url": "/x/", "date": {deep}, "title": "[not {{ a bracket"}}')
    assert value == {"url": "/x/", "title": "[not { a bracket"}
    assert left_out == [LeftOut("date", "it nests too deeply")]


def test_deep_objects_are_cut_at_the_kept_depth():
    deep = '{"a": ' * 3000 + "1" + "}" * 3000
    value, [left] = readable(f'{{"keep": 1, "o": {deep}}}')
    assert value["keep"] == 1 and left.why == "it nests too deeply"
    assert left.where == "o" + ".a" * (KEPT_DEPTH - 1) and str(left).endswith("… (it nests too deeply)")
    depth, inner = 2, value["o"]  # the document is depth 1, "o" 2
    while inner:
        depth, inner = depth + 1, inner["a"]
    assert depth == KEPT_DEPTH  # every level kept to KEPT_DEPTH, the one there without the value past it


def test_a_whole_value_python_cannot_read_is_none():
    assert readable(LONG) == (None, [LeftOut("", "a number of more than 4,300 digits")])
    assert readable("[" * 5000 + "]" * 5000) == (None, [LeftOut("", "it nests too deeply")])
    assert readable(None) == (None, [LeftOut("", "longer than 4 MB")])
    assert str(readable(LONG)[1][0]) == "the whole value (a number of more than 4,300 digits)"


def test_what_was_left_out_is_said_in_one_line():
    date = LeftOut("front_matter.fields.date", "a number of more than 4,300 digits")
    assert left_out_warning("odd", [date]) == (
        "'odd': its stored front_matter.fields.date (a number of more than 4,300 digits): Python cannot read it; left out"
    )
    many = [LeftOut(f"tags[{n}]", "it nests too deeply") for n in range(5)]
    said = left_out_warning("odd", many, saved=True)
    assert said.startswith("'odd': its stored tags[0] (it nests too deeply); tags[1] (it nests too deeply); tags[2]")
    assert said.endswith(" and 2 more: Python cannot read them; saved without them") and "\n" not in said
