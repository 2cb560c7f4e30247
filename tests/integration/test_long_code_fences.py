"""0142: a fence's closing line is found by its run's character and length, not by a regex built
from the opening fence (`{N,}`, which PostgreSQL refuses for N over 255). documentation_plain_text
gives what 0139's gave, and markdown_word_count what 0124's gave, on every text those could read;
a text whose fences are 256 or more long reads as the same text with short fences."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import REPO_ROOT

MIGRATIONS = REPO_ROOT / "db" / "migrations"
OLD = {  # function: the migration that defined it before 0142
    "documentation_plain_text": MIGRATIONS / "0139_documentation_search_reads_text.sql",
    "markdown_word_count": MIGRATIONS / "0124_word_count_nested_links.sql",
}
IN_ORDER = "select {}(t) from unnest(%s::text[]) with ordinality as x(t, n) order by n"


def old_function(name: str, migration: Path) -> str:
    found = re.search(rf"create or replace function public\.{name}\(.*?\n\$\$;\n", migration.read_text(), re.S)
    assert found, f"no {name} in {migration.name}"
    return found.group(0).replace(f"public.{name}(", f"pg_temp.old_{name}(", 1)


@pytest.fixture
def conn(db) -> Iterator[psycopg.Connection]:
    """A connection holding each function as it was before 0142, as pg_temp.old_<name>."""
    with db.connect() as connection:
        for name, migration in OLD.items():
            connection.execute(old_function(name, migration))
        yield connection


def results(conn: psycopg.Connection, function: str, texts: list[str]) -> list[object]:
    return [row[0] for row in conn.execute(IN_ORDER.format(function), (texts,))]


# Lines that open a fence, and lines that may close one (or be code); {n} is a length of 3 to 5.
OPENINGS = ["`{3}", "`{4}", "~{3}", "~{5}", "> `{3}", '  `{4}py title="T"', "`{3}a`b", "\t~{4}"]
CLOSINGS = ["`{3}", "`{4}", "`{5}", "``", "~{3}", "~{5}", "`{4}  ", "`{3} x", "> `{4}", " >`{5}", "\t`{3}", "   ~{4}", ""]  # fmt: skip


def texts_with(longer: int) -> list[str]:
    """Texts of two or three fence lines, each run `longer` characters longer than written."""

    def line(pattern: str) -> str:
        return re.sub(r"([`~])\{(\d)\}", lambda m: m.group(1) * (int(m.group(2)) + longer), pattern)

    return [
        f"Before words.\n{line(o)}\ncode one\n{line(c1)}\nmiddle words\n{line(c2)}\nafter words\n"
        for o, c1, c2 in itertools.product(OPENINGS, CLOSINGS, CLOSINGS)
    ]


def runs(value: object) -> object:
    return re.sub(r"`{3,}|~{3,}", "RUN", value) if isinstance(value, str) else value


@pytest.mark.parametrize("name", list(OLD))
def test_each_text_0139_and_0124_read_reads_as_before(conn, name):
    texts = texts_with(0) + texts_with(250)  # runs of 3 to 5 and of 253 to 255
    assert results(conn, f"public.{name}", texts) == results(conn, f"pg_temp.old_{name}", texts)


@pytest.mark.parametrize("name", list(OLD))
def test_fences_of_256_to_302_read_as_the_same_fences_short(conn, name):
    """Runs 297 characters longer read as the same runs short (but for their length, where a run
    that closes nothing stays in the text as code)."""
    short, long = texts_with(0), texts_with(297)
    with pytest.raises(psycopg.errors.InvalidRegularExpression, match="invalid repetition count"):
        conn.execute(f"select pg_temp.old_{name}(%s)", (long[0],))
    conn.rollback()
    expected = [runs(value) for value in results(conn, f"pg_temp.old_{name}", short)]
    assert [runs(value) for value in results(conn, f"public.{name}", long)] == expected


def test_a_shorter_run_closes_no_fence_and_stays_as_code(conn):
    text = f"{'`' * 300}\ncode\n{'`' * 299}\nstill code\n{'`' * 300}\nprose"
    (plain,) = conn.execute("select public.documentation_plain_text(%s)", (text,)).fetchone()
    assert plain == f"code\n{'`' * 299}\nstill code\nprose"
    (words,) = conn.execute("select public.markdown_word_count(%s)", (text,)).fetchone()
    assert words == 1
