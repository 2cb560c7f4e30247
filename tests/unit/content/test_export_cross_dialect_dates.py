"""A date exported to another generator is written as that generator reads it.

Jekyll (Ruby's Time.parse) reads `June 16, 2021`, `2016-07-19 (optional)` and `2017-11-8`;
Hugo reads none of them (the page gets year 1) and Astro's `z.coerce.date()` is no better.
Exported to another dialect, a date not written in ISO 8601 is written as the date
Blogster read, on its own line, and nothing else changes; in its own dialect the file
stays byte for byte as it was.
"""

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from blogster_cli.content.export import ExportedFile, export_file
from blogster_cli.content.frontmatter import parse_raw, split_front_matter
from blogster_cli.content.post import import_post
from tests.unit.content.conftest import EXAMPLES_ROOT, CorpusFile

# What every generator reads: RFC 3339 with the seconds (Hugo wants them), T or a space.
ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?")
DATE_KEYS = ("date", "pubDate", "publishDate")
# (file, the date line as the source writes it, as a Hugo or Astro export writes it)
LOOSE = {
    "2021-06-16-building_capacities_within_a_government_agency_to_build_and_support_a_new_case"
    "_management_system_part_1.md": ("date: June 16, 2021", "date: 2021-06-16"),
    "2016-07-19-strategies-for-starting-your-own-writing-lab.md": ("date: 2016-07-19 (optional)", "date: 2016-07-19"),
    "2017-11-08-four-lessons-we-learned-while-building-our-own-design-research-recruiting-tool.md": (
        "date: 2017-11-8",  # a YAML timestamp to PyYAML, kept as written
        "date: 2017-11-08",
    ),
    # with a zone of its own: the same day and time, as an offset
    "2016-03-22-what-was-your-path-to-18f.md": ("date: '2016-03-22 14:00 EDT'", "date: 2016-03-22 14:00:00-04:00"),
}


def date_texts(text: str) -> dict[str, str]:
    """Each date key of `text`'s front matter and the text it is written as."""
    _, metadata = parse_raw(split_front_matter(text).raw or "")
    texts = {}
    for key, value in metadata.values.items():
        if key in DATE_KEYS:
            texts[key] = value if isinstance(value, str) else (metadata.text_of(value) or value.isoformat())
    return texts


def by_name(corpus: list[CorpusFile], name: str) -> CorpusFile:
    return next(file for file in corpus if file.path.name == name)


@pytest.mark.parametrize("dialect", ["hugo", "astro"])
def test_every_18f_date_is_written_in_iso_8601_for_another_generator(jekyll_corpus, dialect) -> None:
    loose, checked = [], 0
    for file in jekyll_corpus:
        if file.post is None:
            continue
        exported_file = export_file(file.post.fields(), file.post.content, dialect)
        path, text = exported_file.path, exported_file.text
        texts = date_texts(text)
        loose += [f"{file.path}: {key}: {value}" for key, value in texts.items() if not ISO.fullmatch(value)]
        again = import_post(text, path, dialect=dialect)
        assert again.fields().date == file.post.fields().date, file.path
        checked += bool(texts)
    assert loose == []
    assert checked > 400


def test_only_the_loose_date_line_changes(jekyll_corpus) -> None:
    for name, (written, exported) in LOOSE.items():
        file = by_name(jekyll_corpus, name)
        assert file.post is not None
        for dialect in ("hugo", "astro"):
            text = export_file(file.post.fields(), file.post.content, dialect).text
            assert text == file.text.replace(f"\n{written}\n", f"\n{exported}\n", 1), (name, dialect)
            assert text != file.text


def test_the_examples_dates_with_zones_keep_their_time_and_offset() -> None:
    for name, written, exported in (
        ("2024-01-08-a-reading-notes-system.md", "date: 2024-01-08 21:00 EST", "date: 2024-01-08 21:00:00-05:00"),
        (
            "2023-04-02-git-worktrees-for-reviews.md",
            "date: 2023-04-02 16:20:00 +0200",
            "date: 2023-04-02 16:20:00+02:00",
        ),
    ):
        source = EXAMPLES_ROOT / "jekyll" / "_posts" / name
        text = source.read_text(encoding="utf-8")
        post = import_post(text, Path("_posts") / name)
        exported_text = export_file(post.fields(), post.content, "hugo").text
        assert f"\n{exported}\n" in exported_text and f"\n{written}\n" in text


def test_in_its_own_dialect_a_loose_date_is_kept_byte_for_byte(jekyll_corpus) -> None:
    for name in LOOSE:
        file = by_name(jekyll_corpus, name)
        assert file.post is not None
        assert export_file(file.post.fields(), file.post.content, "jekyll").text == file.text


@pytest.mark.parametrize("dialect", ["hugo", "astro", "zola"])
def test_the_rewritten_file_is_a_fixed_point(jekyll_corpus, dialect) -> None:
    for name in LOOSE:
        file = by_name(jekyll_corpus, name)
        assert file.post is not None
        exported_file = export_file(file.post.fields(), file.post.content, dialect)
        path, text = exported_file.path, exported_file.text
        again = import_post(text, path, dialect=dialect)
        assert export_file(again.fields(), again.content, dialect) == ExportedFile(path, text)


def test_zola_writes_a_zoned_date_at_its_own_offset(jekyll_corpus) -> None:
    file = by_name(jekyll_corpus, "2016-03-22-what-was-your-path-to-18f.md")
    assert file.post is not None
    text = export_file(file.post.fields(), file.post.content, "zola").text
    assert "\ndate = 2016-03-22 14:00:00-04:00\n" in text


@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo is not installed")
def test_hugo_reads_every_exported_18f_date(jekyll_corpus, tmp_path) -> None:
    (tmp_path / "hugo.toml").write_text('baseURL = "http://example.org/"\ntitle = "18F"\n', encoding="utf-8")
    written = 0
    for file in jekyll_corpus:
        if file.post is None:
            continue
        exported_file = export_file(file.post.fields(), file.post.content, "hugo")
        path, text = exported_file.path, exported_file.text
        target = tmp_path / path
        if target.exists():  # one slug taken twice: export numbers the second; not this test's concern
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written += 1
    listed = subprocess.run(
        ["hugo", "list", "all", "--source", str(tmp_path)], capture_output=True, text=True, check=True, timeout=120
    )
    header, *rows = csv.reader(io.StringIO(listed.stdout))
    date = header.index("date")
    undated = [row[0] for row in rows if row[date].startswith("0001")]
    assert len(rows) >= written - 5  # hugo lists every page (drafts and future ones too with `all`)
    assert undated == []


@pytest.mark.parametrize(
    ("source", "exported"),
    [
        (  # TOML: the string becomes a TOML date, the rest stays as written
            '+++\ntitle = "P"\ndate = \'June 16, 2021\'\ndraft = true\ntags = ["a","b"]\n+++\nBody\n',
            '+++\ntitle = "P"\ndate = 2021-06-16\ndraft = true\ntags = ["a","b"]\n+++\nBody\n',
        ),
        (  # JSON has no dates: an RFC 3339 string
            '{\n  "title": "P",\n  "date": "June 16, 2021 10:00 EDT",\n  "draft": true,\n  "tags": ["a"]\n}\nBody\n',
            '{\n  "title": "P",\n  "date": "2021-06-16T10:00:00-04:00",\n  "draft": true,\n  "tags": ["a"]\n}\nBody\n',
        ),
    ],
    ids=["toml", "json"],
)
def test_toml_and_json_dates_are_rewritten_in_place(source: str, exported: str) -> None:
    post = import_post(source, "p.md", dialect="markdown")
    assert export_file(post.fields(), post.content, "hugo") == ExportedFile("content/posts/p.md", exported)


def test_a_post_edited_since_gets_an_iso_date_too(jekyll_corpus) -> None:
    """Front matter written anew (the title changed) starts from the same converted date."""
    name = next(iter(LOOSE))
    file = by_name(jekyll_corpus, name)
    assert file.post is not None
    fields = file.post.fields()
    fields.title = "A new title"
    text = export_file(fields, file.post.content, "hugo").text
    assert date_texts(text) == {"date": "2021-06-16"}
    assert import_post(text, "content/posts/x.md").fields().title == "A new title"
