"""0163: documentation_plain_text reads a page of many fences in time linear in its length. 0156's
put each line in its part with width_bucket(line, bounds): under a generic plan (the sixth call
in a session on, as a reindex of every page runs it) each line read the whole bounds array again,
and a page of 16,000 fence pairs took 35 s (h305 F6). The text it gives is 0156's."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator

import psycopg
import pytest

from tests.conftest import REPO_ROOT, shared_data

OLD = REPO_ROOT / "db" / "migrations" / "0156_documentation_spellings_and_unread_includes.sql"
FENCE_LINES = [
    "```", "````", "~~~", "~~~~", "```python", "```{note}", "```{note} A title", "````{tip}", "```{code-block} py",
    "```{include} x.md", "```{literalinclude} a.py", ":class: tip", ":name: lbl", "> ```", "  ```", "\t~~~",
    "text {ref}`a <b>`", "(label)=", "# Head", "", "plain words", '--8<-- "a.md"', "``` ```", "```{admonition} Hi",
    "```{eval-rst}", "`````", "~~~~~{note}", '```js title="app.js"', "- item", "x\r", "```{dropdown} Open",
]  # fmt: skip
IN_ORDER = "select {}(t) from unnest(%s::text[]) with ordinality as x(t, n) order by n"


@pytest.fixture
def conn(db) -> Iterator[psycopg.Connection]:
    """A connection holding 0156's documentation_plain_text as pg_temp.old_documentation_plain_text."""
    found = re.search(
        r"create or replace function public\.documentation_plain_text\(.*?\n\$\$;\n", OLD.read_text(), re.S
    )
    assert found
    with db.connect() as connection:
        connection.execute(
            found.group(0).replace("public.documentation_plain_text(", "pg_temp.old_documentation_plain_text(", 1)
        )
        yield connection


def both(conn: psycopg.Connection, texts: list[str]) -> tuple[list[str], list[str]]:
    new = [r for (r,) in conn.execute(IN_ORDER.format("public.documentation_plain_text"), (texts,))]
    old = [r for (r,) in conn.execute(IN_ORDER.format("pg_temp.old_documentation_plain_text"), (texts,))]
    return old, new


def test_many_fence_pairs_read_in_linear_time(conn):
    # A generic plan from the first call (PostgreSQL takes one from the sixth): 0156's ran past a
    # minute on 32,000 pairs; 0163's takes about a second.
    conn.execute("set plan_cache_mode = force_generic_plan")
    conn.execute("set statement_timeout = '15s'")
    for unit, shown in (("~~~\nx\n~~~\n", "x"), ("```{include} x\n```\n", None), ("```{note}\nnoted\n```\n", "noted")):
        started = time.monotonic()
        (text,) = conn.execute("select public.documentation_plain_text(%s)", (unit * 32_000,)).fetchone()
        assert time.monotonic() - started < 10, unit
        assert text == ("\n".join([shown] * 32_000) if shown else ""), unit


def test_the_text_is_0156s_on_real_docs_and_fence_heavy_pages(conn):
    pages = [p.read_text(encoding="utf-8") for p in sorted(shared_data("docs").rglob("*.md"))]
    pages += [p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "tests").rglob("*.md"))]
    draw = random.Random(163)
    pages += ["\n".join(draw.choice(FENCE_LINES) for _ in range(draw.randint(0, 40))) for _ in range(2_000)]
    old, new = both(conn, [p.replace("\x00", "") for p in pages])
    assert len(new) == len(pages) > 2_000
    assert [n for n, (a, b) in enumerate(zip(old, new, strict=True)) if a != b] == []
