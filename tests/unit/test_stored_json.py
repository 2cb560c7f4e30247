"""`stored_json.readable`: JSON text PostgreSQL keeps, decoded with only what Python cannot read left
out (red team 43b F1: a post's front matter keeps the rest, a list keeps its row)."""

from __future__ import annotations

import json

from blogster_cli.stored_json import KEPT_DEPTH, LeftOut, left_out_warning, readable, readable_object

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


def test_an_object_is_read_whole_or_none_with_what_was_left_out():
    """`readable_object`: NULL is no object and nothing left out (the reads are not capped)."""
    assert readable_object(f'{{"a": 1, "b": {LONG}}}') == (
        {"a": 1},
        [LeftOut("b", "a number of more than 4,300 digits")],
    )
    assert readable_object(None) == (None, [])
    assert readable_object("[1]") == (None, [])
    assert readable_object(LONG) == (None, [LeftOut("", "a number of more than 4,300 digits")])


def test_the_column_type_leaves_out_each_value_or_the_whole_and_caps_where_asked():
    """`models.accounts.ReadableJson`: per value by default; `whole`, None where any value is unreadable
    (interactive content); `max_bytes`, a longer value read as None by the query itself."""
    from sqlalchemy import column
    from sqlalchemy.dialects import postgresql

    from blogster_cli.models.accounts import ReadableJson

    text = f'{{"a": 1, "b": {LONG}}}'
    assert ReadableJson().process_result_value(text, None) == {"a": 1}
    assert ReadableJson(whole=True).process_result_value(text, None) is None
    assert ReadableJson(whole=True).process_result_value('{"a": 1}', None) == {"a": 1}
    assert ReadableJson(whole=True, empty=dict).process_result_value(text, None) == {}
    assert ReadableJson(empty=dict).process_result_value(None, None) is None  # NULL (or past max_bytes)

    def sql(json_type: ReadableJson) -> str:
        return str(
            json_type.column_expression(column("c")).compile(
                dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
            )
        )

    assert sql(ReadableJson()) == "CAST(c AS TEXT)"
    assert sql(ReadableJson(max_bytes=10)) == "CASE WHEN (octet_length(CAST(c AS TEXT)) <= 10) THEN CAST(c AS TEXT) END"
    kinds = (ReadableJson(), ReadableJson(whole=True), ReadableJson(max_bytes=10), ReadableJson(max_bytes=20))
    assert len({kind._static_cache_key for kind in kinds}) == 4  # a statement compiled for one is not another's
