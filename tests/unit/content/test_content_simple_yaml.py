"""The YAML fast path gives exactly what the full loader gives, or stands aside with None."""

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogster_cli.content import simple_yaml
from blogster_cli.content.frontmatter import _TimestampKeepingLoader, split_front_matter

EXAMPLES = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def full_load(text: str) -> tuple[Any, list[tuple[object, str]]]:
    loader = _TimestampKeepingLoader(text)
    try:
        return loader.get_single_data(), loader.timestamp_values
    finally:
        loader.dispose()


def typed(value: Any) -> Any:
    """`value` with each leaf as (type, repr), so True is not 1, a date not a datetime, NaN is NaN."""
    if isinstance(value, dict):
        return dict, [(typed(key), typed(item)) for key, item in value.items()]
    if isinstance(value, list):
        return list, [typed(item) for item in value]
    return type(value), repr(value)


def leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from leaves(item)
    else:
        yield value


def loads_like_the_full_loader(text: str) -> bool:
    """Whether the fast path took `text`; when it did, its result must be the full loader's."""
    fast = simple_yaml.load(text)
    if fast is None:
        return False
    values, timestamps = fast
    full_values, full_timestamps = full_load(text)
    assert typed(values) == typed(full_values)
    assert [(typed(value), source) for value, source in timestamps] == [
        (typed(value), source) for value, source in full_timestamps
    ]
    # Metadata.text_of finds a timestamp by identity: the same ones must be the very objects
    # in the values (not all are: a repeated key keeps only its last value).
    assert kept_timestamps(values, timestamps) == kept_timestamps(full_values, full_timestamps)
    return True


def kept_timestamps(values: dict, timestamps: list[tuple[object, str]]) -> list[bool]:
    in_values = {id(leaf) for leaf in leaves(values)}
    return [id(value) in in_values for value, _ in timestamps]


def yaml_blocks(files: list) -> list[str]:
    splits = [split_front_matter(file.text) for file in files]
    return [split.metadata_text for split in splits if split.format == "yaml"]


def test_real_front_matter_loads_as_the_full_loader_does(jekyll_corpus) -> None:
    blocks = yaml_blocks(jekyll_corpus)
    handled = sum(loads_like_the_full_loader(text) for text in blocks)
    # 336 of 505 when written; most others fold a quoted excerpt over several lines.
    assert len(blocks) == 505
    assert handled >= 320


def test_example_front_matter_loads_as_the_full_loader_does(example_files) -> None:
    blocks = yaml_blocks(example_files)
    handled = sum(loads_like_the_full_loader(text) for text in blocks)
    assert handled >= len(blocks) - 1  # all but the Hugo bundle with a `cover:` table


@pytest.mark.parametrize(
    "text",
    [
        'title: "Habit Cursor Query Or 1007"\npubDate: 2015-10-21\ndescription: "So was and not who."\n'
        "tags: [Rust-15, testing-1, writing-6, python-7]\nheroImage: /images/post-1007-publish.png\n",
        "date: 2013-01-23 19:52:42 +0000\nwhen: 2016-03-22 10:00 EDT\nat: 2020-07-07T00:00:00.000Z\n",
        "tags:\n- a\n- 2015-10-21\n\n# a comment\n- 'b c'\nnext: 1_000\nlist:\n    - yes\n    - ~\nempty:\n",
        "a: yes\nb: No\nc: on\nd: 0x1F\ne: 0o17\nf: .inf\ng: 1e3\nh: ''\ni: \"\"\nj: []\nk: [ ]\nl: 1:30\n",
        "dup: 2015-01-01\nother: x\ndup: 2016-01-01\n",
        # the loader builds sequences after the mapping's scalars, so their timestamps come last
        "days: [2015-10-21]\nlist:\n- 2015-10-22\ndate: 2016-01-01 10:00:00\n",
        'title: Über Zeitplanung 時間 😀  \nurl: http://x.y/z?a=b#c\nquote: it\'s "fine"\n',
        "flow: [ \"a, b\" , 'c]' , d e  ,2015-10-21 ]   \n",
    ],
)
def test_common_shapes_take_the_fast_path(text: str) -> None:
    assert loads_like_the_full_loader(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "title: a\tb\n",
        "title: a\r\n",
        "title: a\u2028b\n",
        "title: a\x85b\n",
        "title: \x7f\n",
        "\ufefftitle: a\n",
        "title: a\n  continued\n",
        "title: |\n  block\n",
        "title: >-\n  folded\n",
        "title: &anchor a\nother: *anchor\n",
        "title: !!str 1\n",
        "cover:\n  image: a.jpg\n",
        "tags: [a,\n  b]\n",
        "tags: [a, , b]\n",
        "tags: [a, b,]\n",
        "tags: [a?b]\n",
        "tags: [[a]]\n",
        "tags: [a] b\n",
        "tags: [a]: b\n",
        "tags:\n  - a\n    - b\n",
        "tags:\n  - a\n - b\n",
        "tags:\n- a:\n",
        "tags:\n-\n",
        "title: a\n- b\n",
        "title: a: b\n",
        "title: a #comment\n",
        'title: "a" #comment\n',
        "title: a:\n",
        "title: -1\n",
        'title: "a\\"b"\n',
        "title: 'it''s'\n",
        'title: "a\nb"\n',
        "yes: a\n",
        "null: a\n",
        "title:a\n",
        "title : a\n",
        "  title: a\n",
        "key: =\n",
        "key: <<\n",
        "date: 2015-02-30\n",
        "number: 0b_\n",
        "---\ntitle: a\n",
    ],
)
def test_anything_else_is_left_to_the_full_loader(text: str) -> None:
    assert simple_yaml.load(text) is None


# Scalars YAML 1.1 resolves in surprising ways, characters that end or change a scalar, and text.
TRICKY = [
    *("yes", "No", "ON", "off", "y", "n", "~", "null", "Null", "true", "False", "=", "<<"),
    *("0", "-0", "00", "017", "0o17", "0x1F", "0b101", "0b_", "1_000", "1:30", "190:20:30", "+12"),
    *("1e3", "1.0e+3", "1.", ".5", "-.5", "._", ".inf", "-.Inf", ".NaN", "nan"),
    *("2015-10-21", "2015-02-30", "2013-01-23 19:52:42 +0000", "2016-03-22 10:00 EDT", "2020-07-07T00:00:00.000Z"),
    *("2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "June 16, 2021", "2016-07-19 (optional)"),
    *(":", "a:", "a: b", "a:b", "a #b", "a#b", "#a", "- a", "-a", "?a", "a?", "[a]", "{a: b}", "a, b", "a]"),
    *("&a", "*a", "!a", "|", "> a", "%a", "@a", "`a", "'", '"', "it's", 'say "hi"', "C:\\dir", "---", "..."),
    *("é", "😀", "Über Zeitplanung: 時間", "a  b", " a", "a ", "", "\t", "a\u2028b", "\x85", "\ufeff", "\x7f"),
]


def test_each_tricky_scalar_in_each_place_loads_as_the_full_loader_does() -> None:
    handled = 0
    for text in TRICKY:
        for scalar in (text, f'"{text}"', f"'{text}'", f"{text}  "):
            for document in (
                f"key: {scalar}\n",
                f"key: [{scalar}]\nday: 2015-10-21\n",  # sequences are built last: timestamp order
                f"key: [a, {scalar} , b]\n",
                f"key:\n- {scalar}\nday: 2015-10-21\n",
                f"key:\n  - a\n  - {scalar}\n",
                f"{scalar}: x\n",
            ):
                handled += loads_like_the_full_loader(document)
    assert handled >= 1200  # of 2,064 documents (1,248 when written)


scalar_text = st.one_of(
    st.sampled_from(TRICKY),
    st.sampled_from(TRICKY),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ./_-]{0,12}", fullmatch=True),
    st.text(st.sampled_from("ab 1-:#,[]{}'\"?.~_é😀\\"), max_size=8),
)
spaces = st.sampled_from(["", "", " ", "   "])


@st.composite
def scalars(draw: st.DrawFn) -> str:
    text = draw(scalar_text)
    quote = draw(st.sampled_from(["", "", '"', "'"]))
    return quote + text + quote + draw(spaces)


@st.composite
def values(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["empty", "scalar", "scalar", "flow", "block"]))
    if shape == "empty":
        return draw(spaces)
    if shape == "scalar":
        return " " + draw(spaces) + draw(scalars())
    items = draw(st.lists(scalars(), max_size=4))
    if shape == "flow":
        separator = draw(st.sampled_from([",", ", ", " , ", ",,"]))
        return f" [{draw(spaces)}{separator.join(items)}]{draw(spaces)}"
    indent = draw(st.sampled_from(["", "  ", "    "]))
    lines = [draw(st.sampled_from([indent, indent, " "])) + "- " + item for item in items]
    return draw(spaces) + "".join("\n" + line for line in lines)


keys = st.sampled_from(["title", "date", "TAGS", "dup", "dup", "_x", "key-1", "yes", "null", "a b"])
odd_lines = st.sampled_from(
    ["", "   ", "# comment", "  # indented", "  continued", "- stray", "key:value", "&a x", "x: [a] b"]
)


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(odd_lines))
        lines.append(draw(keys) + ":" + draw(values()))
    return "\n".join(lines) + draw(st.sampled_from(["\n", ""]))


@EXAMPLES
@given(value=values())
def test_whatever_value_the_fast_path_takes_loads_as_the_full_loader_does(value: str) -> None:
    loads_like_the_full_loader(f"title:{value}\n")


@EXAMPLES
@given(text=front_matter())
def test_whatever_front_matter_the_fast_path_takes_loads_as_the_full_loader_does(text: str) -> None:
    loads_like_the_full_loader(text)
