"""JSON front matter (Hugo's) written again keeps the text of every value that did not change.

Walk 13 L6: a tag added in Blogster rewrote the whole object as `json.dumps(indent=2)` writes it (its
4-space indentation, `"x":   1.50` and one-line arrays gone), as YAML and TOML once were
(`test_yaml_front_matter_edits.py`, `test_toml_front_matter_edits.py`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from blogster_cli.content.export import ExportedFile, export_file
from blogster_cli.content.frontmatter import dump_front_matter, parse_raw
from blogster_cli.content.post import import_post

HUGO = (
    '{\n    "title": "Json",\n    "tags": ["a"],\n    "x":   1.50,\n    "params": {\n        "mood": "calm"\n    }\n}\n'
)


def edited(raw: str, change: dict[str, Any], remove: tuple[str, ...] = ()) -> str:
    """`raw` written again with `change` and without `remove`; it must read back so."""
    _, metadata = parse_raw(raw)
    values = {key: value for key, value in metadata.values.items() if key not in remove} | change
    text = dump_front_matter("json", values, metadata)
    assert json.loads(text.removeprefix("\ufeff")) == values
    return text


def test_a_tag_added_in_blogster_changes_the_tags_array_alone() -> None:
    post = import_post(HUGO + "Body.\n", "content/posts/json.md")
    fields = post.fields()
    fields.tags = ["a", "Neu"]
    assert export_file(fields, post.content, "hugo") == ExportedFile(
        "content/posts/json.md",
        HUGO.replace('["a"]', '["a", "Neu"]') + "Body.\n",
    )


@pytest.mark.parametrize(
    ("change", "remove", "expected"),
    [
        ({"title": "New"}, (), HUGO.replace('"Json"', '"New"')),
        ({}, ("title",), HUGO.replace('    "title": "Json",\n', "")),
        ({}, ("params",), HUGO.replace(',\n    "params": {\n        "mood": "calm"\n    }', "")),
        ({"params": {"mood": "grim"}}, (), HUGO.replace("calm", "grim")),
        (
            {"slug": "s", "aliases": ["/a/"]},
            (),
            HUGO.replace('calm"\n    }', 'calm"\n    },\n    "slug": "s",\n    "aliases": [\n        "/a/"\n    ]'),
        ),
        ({"tags": ["b", "a", "c"]}, (), HUGO.replace('["a"]', '["b", "a", "c"]')),
    ],
)
def test_each_edit_touches_only_its_own_text(change: dict[str, Any], remove: tuple[str, ...], expected: str) -> None:
    assert edited(HUGO, change, remove) == expected


def test_a_one_line_object_stays_on_one_line_with_its_separators_and_its_lead() -> None:
    raw = '\ufeff\n{"title":"T","tags":["a","b"]}  \r\n'
    assert (
        edited(raw, {"tags": ["a", "b", "c"], "slug": "s"})
        == '\ufeff\n{"title":"T","tags":["a","b","c"],"slug":"s"}  \r\n'
    )


def test_an_ascii_only_object_keeps_escaping_and_an_unchanged_object_keeps_its_bytes() -> None:
    raw = '{\n  "title": "Caf\\u00e9",\n  "tags": [\n    "a"\n  ]\n}\n'
    assert edited(raw, {"tags": ["a", "é"]}) == raw.replace('"a"\n', '"a",\n    "\\u00e9"\n')
    assert edited(raw, {}) == raw


@pytest.mark.parametrize("raw", ['{"title": "A", "title": "B"}\n', "{}\n"])
def test_what_cannot_be_edited_is_written_anew(raw: str) -> None:
    """A key written twice (which one did the reader take?), or no key to take a layout from."""
    assert edited(raw, {"title": "New"}) == '{\n  "title": "New"\n}\n'
