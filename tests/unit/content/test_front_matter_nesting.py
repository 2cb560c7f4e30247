"""Front matter nested more than `MAX_NESTING` levels is refused when read, in every format, as
one FrontMatterError (red team 38, F1); what is read can always be written back."""

import pytest

from blogster_cli.content.errors import FrontMatterError
from blogster_cli.content.frontmatter import (
    MAX_NESTING,
    NESTED_TOO_DEEPLY,
    dump_front_matter,
    parse_metadata,
    split_front_matter,
)


def read(text: str):
    return parse_metadata(split_front_matter(text))


def yaml_block(depth: int) -> str:
    levels = "".join(" " * i + f"k{i}:\n" for i in range(depth - 1)) + " " * (depth - 1) + "z: 1\n"
    return f"---\ntitle: T\n{levels}---\nbody\n"


def flow(depth: int) -> str:
    """A value nesting `depth - 1` lists, in the top mapping: `depth` levels in all."""
    return "[" * (depth - 1) + "]" * (depth - 1)


@pytest.mark.parametrize(
    "text",
    [
        yaml_block(MAX_NESTING + 1),
        f"---\nx: {flow(MAX_NESTING + 1)}\n---\nbody\n",
        f"+++\nx = {flow(MAX_NESTING + 1)}\n+++\nbody\n",
        f'{{"x": {flow(MAX_NESTING + 1)}}}\nbody\n',
        '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}\nbody\n",  # past json's own stack
    ],
    ids=["yaml-block", "yaml-flow", "toml", "json", "json-past-the-decoder"],
)
def test_front_matter_nested_past_the_bound_is_refused(text):
    with pytest.raises(FrontMatterError) as raised:
        read(text)
    assert str(raised.value) == NESTED_TOO_DEEPLY


@pytest.mark.parametrize("fmt", ["yaml", "toml", "json"])
def test_front_matter_at_the_bound_is_read_and_written(fmt):
    values = read(yaml_block(MAX_NESTING)).values
    again = split_front_matter(dump_front_matter(fmt, values) + "body\n")
    assert again.format == fmt and parse_metadata(again).values == values


def test_a_value_shared_by_aliases_counts_at_its_deepest_use():
    """`a` is walked first, at the value's shallower place; `b` reaches it a level deeper."""
    at_the_bound = flow(MAX_NESTING)
    assert (
        read(f"---\nb: &x {at_the_bound}\na: *x\n---\n").values["a"]
        == read(f"---\nb: {at_the_bound}\n---\n").values["b"]
    )
    with pytest.raises(FrontMatterError, match="nested too deeply"):
        read(f"---\nb: [&x {at_the_bound}]\na: *x\n---\n")


def test_values_nested_past_the_writers_stack_are_a_front_matter_error():
    values: dict = {"title": "T"}
    inner = values
    for _ in range(2000):
        inner["k"] = {}
        inner = inner["k"]
    for fmt in ("yaml", "toml", "json"):
        with pytest.raises(FrontMatterError, match="nested too deeply"):
            dump_front_matter(fmt, values)
