"""YAML front matter written anew keeps the bytes of every line whose value did not change (h277 H2).

A title edited in Blogster and synced (or exported) back to a Jekyll or Hugo file changes the
title's line and nothing else: comments and blank lines stay, `"Three"` keeps its quotes, `[a, b]`
stays a flow list, as TOML's lines do (`test_toml_front_matter_edits.py`). Text that cannot be
edited safely (a changed value holding an anchor or alias, merge keys) is written anew, as before.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogster_cli.content.export import export_file
from blogster_cli.content.frontmatter import dump_front_matter, parse_raw
from blogster_cli.content.post import import_post

JEKYLL = '---\n# keep me\ntitle: "Three"\nlayout: post\ntags: [a, b]\n---\n\nBody three.\n'


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++ ", "--- ")) and line not in ("+++", "---")
    ]


def edited(raw: str, change: dict[str, Any], remove: tuple[str, ...] = ()) -> str:
    """`raw` (a whole block) written again with `change` and without `remove`; it must read back so."""
    _, metadata = parse_raw(raw)
    values = {key: value for key, value in metadata.values.items() if key not in remove} | change
    text = dump_front_matter("yaml", values, metadata)
    assert_same(parse_raw(text)[1].values, values)
    return text


def assert_same(read: Any, wanted: Any) -> None:
    """Equal and of the same types all the way down (`1 == True`, but YAML writes them apart)."""
    assert type(read) is type(wanted), (read, wanted)
    if isinstance(wanted, dict):
        assert list(read) == list(wanted) or set(read) == set(wanted), (read, wanted)
        for key in wanted:
            assert_same(read[key], wanted[key])
    elif isinstance(wanted, list):
        assert len(read) == len(wanted), (read, wanted)
        for first, second in zip(read, wanted, strict=True):
            assert_same(first, second)
    else:
        assert read == wanted


def test_h277_a_title_edited_and_synced_to_a_jekyll_file_is_a_one_line_diff() -> None:
    """h277 H2: the comment went, `"Three"` lost its quotes and `[a, b]` became three lines."""
    post = import_post(JEKYLL, "_posts/2020-01-03-three.md")
    fields = post.fields()
    fields.title = "Three edited"
    exported_file = export_file(fields, post.content, "jekyll")
    path, text = exported_file.path, exported_file.text
    assert path == "_posts/2020-01-03-three.md"
    assert changed_lines(JEKYLL, text) == ['-title: "Three"', '+title: "Three edited"']


def test_a_tag_added_in_blogster_keeps_the_flow_list_and_a_block_list_keeps_its_indentation() -> None:
    post = import_post(JEKYLL, "_posts/2020-01-03-three.md")
    fields = post.fields()
    fields.tags = ["a", "b", "c"]
    text = export_file(fields, post.content, "jekyll").text
    assert changed_lines(JEKYLL, text) == ["-tags: [a, b]", "+tags: [a, b, c]"]
    indented = JEKYLL.replace("tags: [a, b]\n", "tags:\n    - a  # first\n    - b\n# after the tags\n")
    post = import_post(indented, "_posts/2020-01-03-three.md")
    text = export_file(fields, post.content, "jekyll").text
    assert changed_lines(indented, text) == ["-    - a  # first", "+    - a", "+    - c"]


def test_keys_added_removed_and_nested_touch_only_their_lines() -> None:
    raw = (
        "---\n"
        "title: Old  # the title\n"
        "date: 2020-07-07T00:00:00.000Z\n"
        "\n"
        "# the author's block\n"
        "params:\n"
        "    author: 'Ada'\n"
        '    mood: "calm"\n'
        "description: >-\n"
        "  Folded\n"
        "  text.\n"
        "\n"
        "draft: false\n"
        "---\n"
    )
    text = edited(
        raw, {"title": "New", "params": {"author": "Ada", "mood": "grim", "extra": 1}, "slug": "s"}, ("draft",)
    )
    assert changed_lines(raw, text) == [
        "-title: Old  # the title",
        "+title: New  # the title",
        '-    mood: "calm"',
        '+    mood: "grim"',
        "+    extra: 1",
        "+slug: s",  # after the key before it (description), the blank line below it kept
        "-draft: false",
    ]
    text = edited(raw, {"description": "Other words."})
    assert changed_lines(raw, text) == ["-  Folded", "-  text.", "+  Other words."]
    assert edited(raw, {"title": "Old"}) == raw  # nothing changed: nothing rewritten


def test_a_key_stated_first_goes_before_the_first_key_and_after_leading_comments() -> None:
    raw = "---\n# a comment\nlayout: post\n---\n"
    _, metadata = parse_raw(raw)
    text = dump_front_matter("yaml", {"title": "T", **metadata.values}, metadata)
    assert text == "---\n# a comment\ntitle: T\nlayout: post\n---\n"


def test_crlf_lines_and_delimiters_stay_and_new_lines_take_the_files_line_break() -> None:
    raw = "---  \r\ntitle: Old\r\nlayout: post\r\n---\r\n"
    text = edited(raw, {"title": "New", "slug": "s"})
    assert text == "---  \r\ntitle: New\r\nlayout: post\r\nslug: s\r\n---\r\n"


def test_a_line_with_a_tab_the_loader_cannot_read_keeps_its_tab() -> None:
    """18F's `- melody\\t\\t`: read after cutting the TABs, and kept as it was written."""
    raw = "---\ntitle: Old\nauthors:\n- melody\t\t\n---\n"
    assert edited(raw, {"title": "New"}) == raw.replace("Old", "New")


ANCHORED = "---\n# kept\ntitle: 'Old'   # kept too\ntags: [x, \"y\"]\nbase: &b {a: 1}\nother: *b\n---\n"


def test_anchors_and_aliases_stay_while_the_values_beside_them_are_edited() -> None:
    """Red team 72 F14: an alias added to such a block wrote it anew (comments gone, `&id001`, block lists)."""
    assert edited(ANCHORED, {"aliases": ["/posts/old/"]}) == ANCHORED[:-4] + "aliases:\n- /posts/old/\n---\n"
    assert edited(ANCHORED, {"title": "New"}) == ANCHORED.replace("'Old'", "'New'")
    assert edited(ANCHORED, {}, remove=("tags",)) == ANCHORED.replace('tags: [x, "y"]\n', "")
    block = "---\nbase: &b\n  a: 1\nlist:\n- *b\n- 2\ntitle: T\n---\n"  # an alias in a block list
    assert edited(block, {"title": "U", "new": 1}) == block.replace("title: T\n", "title: U\nnew: 1\n")


@pytest.mark.parametrize(
    ("change", "remove"),
    [({"base": {"a": 2}}, ()), ({"other": {"a": 3}}, ()), ({}, ("base",)), ({}, ("other",))],
)
def test_a_changed_or_removed_anchor_or_alias_writes_the_block_anew(
    change: dict[str, Any], remove: tuple[str, ...]
) -> None:
    text = edited(ANCHORED, change, remove)
    assert "# kept" not in text  # the whole block written anew, as PyYAML writes it


def test_every_18f_post_takes_a_title_edit_in_its_title_lines_only(jekyll_corpus) -> None:
    """505 real Jekyll posts: quoted titles over two lines, `title: >` blocks, a TAB after an author."""
    checked = 0
    for file in jekyll_corpus:
        if file.post is None or file.post.content["front_matter"]["format"] != "yaml":
            continue
        fields = file.post.fields()
        fields.title = "Edited: " + fields.title
        text = export_file(fields, file.post.content, "jekyll").text
        assert without_title(text) == without_title(file.text), file.path
        assert import_post(text, file.path).fields().title == fields.title
        checked += 1
    assert checked > 500


_TOP_KEY = re.compile(r"[A-Za-z_][\w-]*:(?: |$)")


def without_title(text: str) -> list[str]:
    """The front matter's lines but the title's (its key line and the value's lines below it), and the body."""
    lines = text.split("\n")
    start = lines.index("---", 0) + 1
    end = lines.index("---", start)
    kept, in_title = [], False
    for line in lines[start:end]:
        if line.startswith("title:"):
            in_title = True
        elif in_title and (not line.strip() or line.startswith("#") or _TOP_KEY.match(line)):
            in_title = False
        if not in_title:
            kept.append(line)
    return kept + lines[end:]


# The property: any one key of a YAML block written in the usual styles, changed, removed or added.

EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}
keys = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True).filter(lambda key: key not in _RESERVED)
words = st.from_regex(r"[a-z][a-z ]{0,12}[a-z]", fullmatch=True)
quotable = st.from_regex(r"[A-Za-z0-9 ,:#&*-]{0,16}", fullmatch=True)
comments = st.sampled_from(["", " # note", "  #x"])


@st.composite
def entries(draw: st.DrawFn, key: str) -> str:
    """`key` and a value in one of the styles people write, as lines (each ending with a break)."""
    kind = draw(st.integers(0, 11))
    step = " " * draw(st.sampled_from([2, 4]))
    if kind == 0:
        return f"{key}: {draw(words)}{draw(comments)}\n"
    if kind == 1:
        return f'{key}: "{draw(quotable)}"{draw(comments)}\n'
    if kind == 2:
        return f"{key}: '{draw(quotable)}'{draw(comments)}\n"
    if kind == 3:
        return f"{key}: {draw(st.integers(-99, 99) | st.booleans()).__repr__().lower()}{draw(comments)}\n"
    if kind == 4:
        return f"{key}:{draw(comments)}\n"
    if kind == 5:
        return f"{key}: [{', '.join(draw(st.lists(words, max_size=3)))}]{draw(comments)}\n"
    if kind in (6, 7):
        items = draw(st.lists(words, min_size=1, max_size=3))
        margin = "" if kind == 6 else step
        return f"{key}:\n" + "".join(f"{margin}- {item}\n" for item in items)
    if kind == 8:
        inner = draw(st.lists(keys, min_size=1, max_size=3, unique=True))
        return f"{key}:\n" + "".join(f"{step}{name}: {draw(words)}\n" for name in inner)
    if kind == 9:
        return f"{key}: 2020-0{draw(st.integers(1, 9))}-1{draw(st.integers(0, 9))}\n"
    style = "|" if kind == 10 else ">"
    return f"{key}: {style}\n" + "".join(f"{step}{line}\n" for line in draw(st.lists(words, min_size=1, max_size=3)))


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.dates()
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
    | words
)
new_values = (
    scalars
    | st.lists(scalars, max_size=3)
    | st.dictionaries(keys, scalars, max_size=3)
    | st.lists(st.dictionaries(keys, scalars, min_size=1, max_size=2), min_size=1, max_size=2)
)


@st.composite
def blocks(draw: st.DrawFn) -> tuple[list[str], list[str], list[str]]:
    """(the block's pieces, in order; the key each piece holds, or "" for a comment or blank line)."""
    names = draw(st.lists(keys, min_size=1, max_size=6, unique=True))
    pieces: list[str] = []
    owners: list[str] = []
    for name in names:
        for _ in range(draw(st.integers(0, 2))):
            pieces.append(draw(st.sampled_from(["\n", "# a comment\n", "#\n"])))
            owners.append("")
        pieces.append(draw(entries(name)))
        owners.append(name)
    if draw(st.booleans()):
        pieces.append("# the end\n")
        owners.append("")
    return pieces, owners, names


@EXAMPLES
@given(block=blocks(), edit=st.sampled_from(["change", "remove", "add"]), data=st.data())
def test_one_key_edited_changes_only_that_keys_lines(block, edit, data) -> None:
    pieces, owners, names = block
    raw = "---\n" + "".join(pieces) + "---\n"
    _, metadata = parse_raw(raw)
    values = dict(metadata.values)
    if edit == "add":
        key = data.draw(keys.filter(lambda name: name not in values))
        values[key] = data.draw(new_values)
        at = max(i for i, owner in enumerate(owners) if owner) + 1  # after the last key's lines
        before, after = pieces[:at], pieces[at:]
    else:
        key = data.draw(st.sampled_from(names))
        if edit == "remove":
            del values[key]
        else:
            old = values[key]
            new = data.draw(new_values.filter(lambda value: type(value) is not type(old) or value != old))
            if isinstance(old, dict) and data.draw(st.booleans()):
                new = {**old, data.draw(st.sampled_from(list(old))): data.draw(scalars)}  # one key inside
            values[key] = new
        at = owners.index(key)
        before, after = pieces[:at], pieces[at + 1 :]
    text = dump_front_matter("yaml", values, metadata)
    assert_same(parse_raw(text)[1].values, values)
    head, tail = "---\n" + "".join(before), "".join(after) + "---\n"
    assert text.startswith(head) and text.endswith(tail) and len(text) >= len(head) + len(tail), (raw, text)


def test_a_date_keeps_its_text_and_a_new_date_is_written_in_iso_8601() -> None:
    raw = "---\ndate: 2020-07-07T00:00:00.000Z\nupdated: 2020-01-02\n---\n"
    text = edited(raw, {"updated": dt.date(2021, 3, 4)})
    assert text == "---\ndate: 2020-07-07T00:00:00.000Z\nupdated: 2021-03-04\n---\n"


def test_toml_keeps_its_own_delimiter_lines_too() -> None:
    raw = '+++ \r\ntitle = "Old"\r\n+++\r\n'
    _, metadata = parse_raw(raw)
    assert dump_front_matter("toml", {"title": "New"}, metadata) == '+++ \r\ntitle = "New"\r\n+++\r\n'


def test_a_nan_elsewhere_does_not_stop_the_edit() -> None:
    """NaN equals nothing, itself included: an unchanged `.nan` once made every edit a full rewrite."""
    raw = "---\n# kept\nratio: .nan\ntitle: Old\n---\n"
    _, metadata = parse_raw(raw)
    text = dump_front_matter("yaml", {**metadata.values, "title": "New"}, metadata)
    assert text == raw.replace("Old", "New")


def test_a_flow_list_keeps_its_items_text_and_quotes_a_new_string_as_its_strings_are() -> None:
    """Walk 13 L6: `tags: ["t1"]` with a tag added became `tags: [t1, Neu]`."""
    assert edited('---\ntags: ["t1"]\n---\n', {"tags": ["t1", "Neu"]}) == '---\ntags: ["t1", "Neu"]\n---\n'
    raw = "---\ntags: [ b,'x, y' ,3 ]  # kept\n---\n"
    text = edited(raw, {"tags": ["x, y", "Neu", 3, "b", "yes"]})
    assert text == "---\ntags: [ 'x, y',Neu ,3,b,'yes' ]  # kept\n---\n"


def test_a_value_written_under_an_empty_key_keeps_what_the_key_line_holds() -> None:
    """Walk 13 L6: `tags: ` (null) with a tag added lost its trailing blank; a comment stays too."""
    assert edited("---\ntags: \n---\n", {"tags": ["Neu"]}) == "---\ntags: \n- Neu\n---\n"
    assert edited("---\ntags:  # none yet\n---\n", {"tags": ["Neu"]}) == "---\ntags:  # none yet\n- Neu\n---\n"
    assert edited("---\ntitle: \nx: 1\n---\n", {"title": "T"}) == "---\ntitle: T\nx: 1\n---\n"
    assert edited("---\ntitle:\n---\n", {"title": "T"}) == "---\ntitle: T\n---\n"
    assert edited("---\ntitle: # c\n---\n", {"title": "T"}) == "---\ntitle: T # c\n---\n"


@pytest.mark.parametrize("lead", ["\ufeff", "\ufeff\n\n", "\n"])
@pytest.mark.parametrize(
    "raw",
    [
        "---\ntitle: Old\n---\n",
        "---\nbase: &b {x: 1}\nm:\n  <<: *b\ntitle: Old\n---\n",
        '+++\ntitle = "Old"\n+++\n',
        '{"title": "Old"}\n',
    ],
)
def test_a_byte_order_mark_and_blank_lines_before_the_block_stay(lead: str, raw: str) -> None:
    """Walk 13 L6: the block was written from its opening line, so a file's byte-order mark went
    (also when the block is written anew: a merge key)."""
    fmt, metadata = parse_raw(lead + raw)
    text = dump_front_matter(fmt, {**metadata.values, "title": "New"}, metadata)
    assert text.startswith(lead + raw[0]) and parse_raw(text)[1].values["title"] == "New"
