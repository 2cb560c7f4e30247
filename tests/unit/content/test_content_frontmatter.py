"""Front matter splitting is byte-exact and parsing does not depend on libyaml."""

import datetime as dt

import pytest
import yaml

from blogster_cli.content.errors import FrontMatterError
from blogster_cli.content.export import ExportedFile, export_file
from blogster_cli.content.frontmatter import (
    dump_front_matter,
    json_safe,
    parse_metadata,
    parse_raw,
    split_front_matter,
)
from blogster_cli.content.post import import_post

CORPUS_SIZES = {"18f-jekyll": 505, "rust-blog-zola": 750}
TAB_FILE = "2016-05-19-content-debt-what-it-is-where-to-find-it-and-how-to-prevent-it-in-the-first-place.md"


@pytest.mark.parametrize(
    ("text", "fmt", "raw", "body"),
    [
        ("---\ntitle: A\n---\nBody\n", "yaml", "---\ntitle: A\n---\n", "Body\n"),
        ("+++\ntitle = 'A'\n+++\n\n  Body  \n\n", "toml", "+++\ntitle = 'A'\n+++\n", "\n  Body  \n\n"),
        ('{"title": "A"}\nBody', "json", '{"title": "A"}\n', "Body"),
        ("---\r\ntitle: A\r\n---\r\nBody\r\n", "yaml", "---\r\ntitle: A\r\n---\r\n", "Body\r\n"),
        ("\ufeff---\ntitle: A\n---\nB", "yaml", "\ufeff---\ntitle: A\n---\n", "B"),
        ("--- \ntitle: A\n---\t\nB", "yaml", "--- \ntitle: A\n---\t\n", "B"),
        ("---\n---\n", "yaml", "---\n---\n", ""),
        ("---\ntitle: A\n---", "yaml", "---\ntitle: A\n---", ""),
        ("---\ntitle: A\n...\nB", "yaml", "---\ntitle: A\n...\n", "B"),
        ("# Just markdown\n", None, None, "# Just markdown\n"),
        ("----\nnot front matter\n----\n", None, None, "----\nnot front matter\n----\n"),
        ("{{< youtube id >}}\n", None, None, "{{< youtube id >}}\n"),
        ("", None, None, ""),
    ],
)
def test_split_cuts_exactly_and_joins_back(text: str, fmt: str | None, raw: str | None, body: str) -> None:
    split = split_front_matter(text)
    assert (split.format, split.raw, split.body) == (fmt, raw, body)
    assert split.text == text


def test_split_takes_the_first_closing_delimiter() -> None:
    text = "---\ntitle: A\n---\nIntro\n\n---\n\n```yaml\n---\nkey: v\n---\n```\n"
    split = split_front_matter(text)
    assert split.raw == "---\ntitle: A\n---\n"
    assert split.body == "Intro\n\n---\n\n```yaml\n---\nkey: v\n---\n```\n"


def test_toml_split_ignores_plus_lines_in_the_body() -> None:
    text = '+++\ntitle = "A"\n+++\n```toml\n+++\nx = 1\n+++\n```\n'
    split = split_front_matter(text)
    assert split.raw == '+++\ntitle = "A"\n+++\n'
    assert parse_metadata(split).values == {"title": "A"}


def test_json_front_matter_with_braces_in_strings() -> None:
    text = '{\n  "title": "a } b",\n  "tags": ["x"]\n}\n\nBody {with braces}\n'
    split = split_front_matter(text)
    assert split.format == "json"
    assert split.body == "\nBody {with braces}\n"
    assert parse_metadata(split).values == {"title": "a } b", "tags": ["x"]}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\ntitle: A\nno closing line\n", "never closed"),
        ("+++\ntitle = 'A'\n", "never closed"),
        ('{"title": "A",\n}\nBody', "JSON front matter, line 2"),
    ],
)
def test_split_errors_say_why(text: str, reason: str) -> None:
    with pytest.raises(FrontMatterError, match=reason):
        split_front_matter(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\ntitle: [unclosed\n---\n", "YAML front matter, line"),
        ("---\n- a\n- b\n---\n", "YAML front matter is a list, not a mapping"),
        ("+++\ntitle = \n+++\n", "TOML front matter"),
        ("---\ntitle:\n\t- indented with a tab\n---\n", "YAML front matter"),
        ("---\ndate: 2015-02-30\n---\n", "YAML front matter: day is out of range"),
    ],
)
def test_invalid_metadata_raises_a_one_line_reason(text: str, reason: str) -> None:
    with pytest.raises(FrontMatterError, match=reason) as caught:
        parse_metadata(split_front_matter(text))
    assert "\n" not in str(caught.value)


def test_empty_yaml_is_an_empty_mapping() -> None:
    assert parse_metadata(split_front_matter("---\n\n---\nBody")).values == {}


def test_trailing_tab_is_tolerated_like_libyaml(jekyll_corpus) -> None:
    text = next(file.text for file in jekyll_corpus if file.path.name == TAB_FILE)
    split = split_front_matter(text)
    assert "- melody\t\t\n" in split.raw
    values = parse_metadata(split).values
    assert values["authors"] == ["melody"]
    assert values["tags"] == ["communication tools and practices", "content design"]
    if yaml.__with_libyaml__:
        assert values == yaml.load(split.metadata_text, Loader=yaml.CSafeLoader)


def test_tab_repair_only_touches_trailing_blanks() -> None:
    values = parse_metadata(split_front_matter("---\ntags:\n- a\t\n- b \t \n---\n")).values
    assert values == {"tags": ["a", "b"]}


def test_yaml_timestamps_keep_their_text_in_json_fields() -> None:
    metadata = parse_metadata(
        split_front_matter("---\ndate: 2015-03-17 14:00:00\nday: 2015-03-17\nnote: 2016-07-19 (optional)\n---\n")
    )
    assert metadata.values["date"] == dt.datetime(2015, 3, 17, 14, 0)
    assert json_safe(metadata.values, metadata) == {
        "date": "2015-03-17 14:00:00",
        "day": "2015-03-17",
        "note": "2016-07-19 (optional)",
    }


def test_json_safe_handles_every_yaml_and_toml_type() -> None:
    value = {
        1: dt.time(7, 30),
        None: {"nested": (1, 2)},
        "binary": b"\x00\x01",
        "nan": float("nan"),
        "tags": {"b", "a"},
        "when": dt.datetime(2021, 6, 16, 10, 0, tzinfo=dt.UTC),
    }
    assert json_safe(value) == {
        "1": "07:30:00",
        "null": {"nested": [1, 2]},
        "binary": "AAE=",
        "nan": ".nan",
        "tags": ["a", "b"],
        "when": "2021-06-16T10:00:00+00:00",
    }


@pytest.mark.parametrize("fmt", ["yaml", "toml", "json"])
def test_dump_then_parse_gives_the_values_back(fmt: str) -> None:
    values = {
        "title": "Line one\n---\nline three",
        "date": dt.datetime(2021, 6, 16, 10, 0, tzinfo=dt.UTC),
        "tags": ["a", "b"],
        "extra": {"team": "x"},
    }
    raw = dump_front_matter(fmt, values)
    parsed_format, metadata = parse_raw(raw)
    expected = dict(values, date=values["date"].isoformat()) if fmt == "json" else values
    assert parsed_format == fmt
    assert metadata.values == expected


def test_every_real_file_splits_byte_exact_and_parses(corpus) -> None:
    name, files = corpus
    assert len(files) == CORPUS_SIZES[name]
    failures = {file.path.as_posix(): str(file.error) for file in files if file.error is not None}
    assert failures == {}
    for file in files:
        split = split_front_matter(file.text)
        assert (split.raw + split.body).encode("utf-8") == file.data
        assert split.format == ("yaml" if name == "18f-jekyll" else "toml")
        assert file.post.content["markdown"] == split.body
        assert file.post.content["front_matter"]["raw"] == split.raw


def test_real_bodies_keep_horizontal_rules_and_plus_lines(jekyll_corpus, zola_corpus) -> None:
    rules = [file for file in jekyll_corpus if "\n---\n" in file.post.content["markdown"]]
    plus_lines = [file for file in zola_corpus if "\n+++" in file.post.content["markdown"]]
    assert len(rules) == 19
    assert plus_lines, "the Rust blog has bodies with +++ lines inside code blocks"
    for file in rules + plus_lines:
        assert file.post.content["front_matter"]["raw"] + file.post.content["markdown"] == file.text


@pytest.mark.parametrize(
    "text",
    [
        "\n\n---\ntitle: T\ndate: 2020-01-02\ntags: [a]\n---\nBody\n",
        '\r\n \t\r\n+++\ntitle = "T"\ndate = 2020-01-02\ntags = ["a"]\n+++\nBody\n',
        "\ufeff\n---\ntitle: T\ndate: 2020-01-02\ntags: [a]\n---\nBody\n",
        '\n{"title": "T", "date": "2020-01-02", "tags": ["a"]}\nBody\n',
    ],
)
def test_front_matter_after_blank_lines_is_front_matter_kept_byte_for_byte(text: str) -> None:
    split = split_front_matter(text)
    assert split.format is not None and split.body == "Body\n" and split.raw + split.body == text
    assert parse_raw(split.raw)[1].values["title"] == "T"
    post = import_post(text, "content/posts/t.md")
    assert (post.title, post.tags, post.created_at.year) == ("T", ["a"], 2020)
    assert export_file(post.fields(), post.content, "hugo") == ExportedFile("content/posts/t.md", text)


def _alias_bomb(levels: int, *, merge: bool = False) -> str:
    """`levels` anchors, each aliasing the one before nine times: 9**levels values written out."""
    names = "abcdefghijkl"
    first = "{" + ", ".join(f"k{n}: x" for n in range(9)) + "}" if merge else "[x, x, x, x, x, x, x, x, x]"
    lines = [f"title: Bomb\na: &a {first}"]
    for before, name in zip(names, names[1:levels], strict=False):
        aliases = ", ".join([f"*{before}"] * 9)
        lines.append(f"{name}: &{name} {{<<: [{aliases}]}}" if merge else f"{name}: &{name} [{aliases}]")
    return "---\n" + "\n".join(lines) + "\n---\nBody\n"


@pytest.mark.parametrize(
    "text", [_alias_bomb(5), _alias_bomb(9), _alias_bomb(9, merge=True)], ids=["5-levels", "9-levels", "9-merges"]
)
def test_aliases_that_expand_past_a_bound_are_refused(text: str) -> None:
    with pytest.raises(FrontMatterError, match="YAML front matter: aliases repeat more than 10000 values"):
        parse_metadata(split_front_matter(text))
    with pytest.raises(FrontMatterError, match="aliases repeat"):
        import_post(text, "posts/bomb.md")


def test_an_alias_inside_its_own_value_is_refused() -> None:
    with pytest.raises(FrontMatterError, match="line 2 column 7: an alias refers to a value that contains it"):
        parse_metadata(split_front_matter("---\ntitle: T\nloop: &l [1, *l]\n---\n"))


def test_ordinary_aliases_and_merge_keys_still_load() -> None:
    text = (
        "---\ntitle: T\nbase: &base {team: x, tags: [a, b]}\ncopy: *base\n"
        "merged:\n  <<: *base\n  team: y\nsmall: &s [1, 2, 3]\nmore: [*s, *s, *s]\n---\nBody\n"
    )
    metadata = parse_metadata(split_front_matter(text))
    assert metadata.values["copy"] == {"team": "x", "tags": ["a", "b"]}
    assert metadata.values["merged"] == {"team": "y", "tags": ["a", "b"]}
    assert json_safe(metadata.values)["more"] == [[1, 2, 3]] * 3
    assert parse_metadata(split_front_matter(_alias_bomb(4))).values["d"][0][0][0] == ["x"] * 9
