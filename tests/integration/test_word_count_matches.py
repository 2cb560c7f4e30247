"""0197: markdown_word_count counts the words without a regex match per word, and gives 0142's
count for every text.

0142's function, as that migration wrote it, is created in the test database as
pg_temp.word_count_0142; the installed one is compared with it on every real post in
../shared/data and examples/, on the posts bench/bench_import_export.py imports, on every
character in the places a word can start, end or join, and on generated markdown. How much faster
it is shows in bench/bench_import_export.py's import figures (tests check behaviour, not speed).
"""

from __future__ import annotations

import functools
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO_ROOT
from tests.integration.test_word_count import FRAGMENTS as READ_FRAGMENTS
from tests.integration.test_word_count import random_document, real_markdown

MIGRATIONS = REPO_ROOT / "db" / "migrations"
BEFORE = MIGRATIONS / "0142_long_code_fences.sql"
FUNCTION = re.compile(r"create or replace function public\.markdown_word_count\(.*?\n\$\$;\n", re.S)
IN_ORDER = "select {}(t) from unnest(%s::text[]) with ordinality as x(t, n) order by n"
OLD, NEW = "pg_temp.word_count_0142", "public.markdown_word_count"


@pytest.fixture
def conn(db) -> Iterator[psycopg.Connection]:
    """A connection holding 0142's markdown_word_count as pg_temp.word_count_0142."""
    found = FUNCTION.search(BEFORE.read_text())
    assert found, f"no markdown_word_count in {BEFORE.name}"
    with db.connect() as connection:
        connection.execute(found.group(0).replace(f"{NEW}(", f"{OLD}(", 1))
        yield connection


def counts(conn: psycopg.Connection, function: str, texts: list[str]) -> list[int]:
    return [row[0] for row in conn.execute(IN_ORDER.format(function), (texts,))]


def differences(conn: psycopg.Connection, texts: list[str]) -> list[tuple[str, int, int]]:
    """(text, 0142's count, the installed count) for every text the two count differently."""
    counted = zip(texts, counts(conn, OLD, texts), counts(conn, NEW, texts), strict=True)
    return [(text, old, new) for text, old, new in counted if old != new]


@functools.cache
def import_benchmark() -> ModuleType:
    """bench/bench_import_export.py, which imports its neighbours in bench/ by name."""
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    try:
        from bench import bench_import_export
    finally:
        sys.path.remove(str(REPO_ROOT / "bench"))
    return bench_import_export


def test_same_counts_on_every_real_post(conn):
    texts = real_markdown()
    assert len(texts) > 1500
    rng = random.Random(197)
    crlf = [text.replace("\n", "\r\n") for text in texts[::5]]
    cut = [text[: rng.randrange(len(text) + 1)] for text in texts[1::5]]
    assert differences(conn, texts + crlf + cut) == []


def benchmark_files(folder: Path, posts: int) -> list[str]:
    """The files the import benchmark writes: front matter and body."""
    import_benchmark().generate(folder, posts)
    return [path.read_text(encoding="utf-8") for path in sorted(folder.rglob("*.md"))]


def benchmark_bodies(posts: int) -> list[str]:
    """The bodies the import benchmark's posts store."""
    rng = random.Random(7)
    return [import_benchmark().body(rng) for _ in range(posts)]


def test_same_counts_on_the_import_benchmarks_posts(conn, tmp_path):
    files = benchmark_files(tmp_path, 200)
    assert len(files) == 200
    assert differences(conn, files + benchmark_bodies(300)) == []


def class_edges() -> set[int]:
    """Every end of a range in the function's letter and CJK classes, and its neighbours."""
    ranges = re.findall(
        r"\\[uU]([0-9a-fA-F]{4,8})(?:-\\[uU]([0-9a-fA-F]{4,8}))?", FUNCTION.search(BEFORE.read_text())[0]
    )
    ends = {int(end, 16) for pair in ranges for end in pair if end}
    return {point + step for point in ends for step in (-1, 0, 1)}


def test_same_counts_for_every_character_where_words_start_end_and_join(conn):
    """Each character before, after and between letters, beside apostrophes, spaces and line ends,
    alone and doubled: every code point up to U+2FFF (ASCII, Latin, Greek, Cyrillic, Hebrew,
    Arabic, Indic, Thai, combining marks, punctuation, spaces) and the classes' edges above."""
    points = (set(range(1, 0x3000)) | class_edges()) - set(range(0xD800, 0xE000))
    texts = [
        f"a{c}b {c}a a{c} a'{c}b {c}'a a{c}'b a’{c} {c}’b x{c}{c}y \n{c}\n{c}{c} {c}"
        for c in map(chr, sorted(point for point in points if 0 < point <= 0x10FFFF))
    ]
    assert differences(conn, texts) == []


def test_same_counts_on_edge_cases(conn):
    texts = [
        "",
        " ",
        "\n\n",
        "word",
        " word ",
        "'word'",
        "don't rock'n'roll ’tis a''b a’’b a'’b 'quoted' l’été it's' ''",
        "a' b 'c a'\nb",
        "x\ty\u00a0z\u2003w",
        "one  two   three    four\n\n\nfive \n six",
        "漢字かなカナ한글 mixed漢words 漢'a a'漢",
        "---\ntitle: x\n---\nbody words",
        "```\ncode words\n```\nafter words",
        "<!-- hidden --> shown <b class='x'>bold</b> https://a.b/c?d=e words",
        "[link text](https://example.com/a) ![alt text](i.png) [ref][r]\n[r]: http://x.y",
        "[a [b] c](d) [[x](y) z](w) [" + "[" * 20 + "q" + "](u)" * 20,
        "**bold** _it_ `code` ~~s~~ - list\n1. item\n> quote\n| a | b |\n|---|---|",
        "٣٤ ٥ ۱۲ १२ ๑๒ ①② ²³ Ⅻ naïve Ж ω ש ع ३ ก 😀 \u200b",
    ]
    assert differences(conn, texts) == []


# The reading tests' fragments, and marks a word can start, end or fold at beside apostrophes.
FRAGMENTS = READ_FRAGMENTS + ["‘", "'s", "n't", "’t", " '", "' ", "\n'", "'\n", "a'", "'a", "ǅ", "İ", "ﬁ", "Ａ"]
FRAGMENTS += ["<img src=x>", "[t](https://e.com/x)", "<!-- a -->", "e\u0301"]
MARKDOWN = st.lists(
    st.sampled_from(FRAGMENTS) | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
    max_size=50,
).map("".join)


@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(markdown=MARKDOWN)
def test_same_counts_on_generated_markdown(conn, markdown):
    assert differences(conn, [markdown]) == []


def test_same_counts_on_many_random_documents(conn):
    """Lines of fragments with whole-line fences and front matter, in bulk."""
    rng = random.Random(197)
    texts = [random_document(rng, FRAGMENTS) for _ in range(10_000)]
    assert differences(conn, texts) == []
