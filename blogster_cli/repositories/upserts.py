"""Bulk INSERT ... ON CONFLICT DO UPDATE for the CSV imports: one statement, one JSON parameter.

The rows travel as one JSON array that the server turns into rows of the table's own type
(`jsonb_populate_recordset(null::table, ...)`), so columns keep their types (enums, arrays,
jsonb) without a column list to maintain. bench/bench_seo.py (also run by bench_analytics.py),
50,000 Search Console rows at load 8.3: the whole `seo import-positions` 7,675 rows/s, its
re-import 5,418 rows/s, while the upsert alone as SQLAlchemy's executemany of the same SQLModel
statement managed 1,929 rows/s (one round trip per row; 400-650 rows/s for the whole command
at load 11-12 when the import used it). Table and column names come from the SQLModel
classes, never from input; values are parameters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, SQLModel


def _names(model: type[SQLModel], columns: Sequence[str]) -> tuple[str, str]:
    table = model.__table__  # type: ignore[attr-defined]
    for name in columns:
        if name not in table.c:
            raise ValueError(f"{table.fullname} has no column {name!r}")
    return f"{table.schema}.{table.name}", ", ".join(f'"{name}"' for name in columns)


def upsert_rows(
    session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]], *, key: Sequence[str],
    figures: Sequence[str], ignoring_case: Sequence[str] = (), keeping: Sequence[str] = (),
) -> tuple[int, int]:  # fmt: skip
    """(inserted, updated) of INSERT (the rows' columns) ... ON CONFLICT (key) DO UPDATE SET figures;
    the key's columns named in `ignoring_case` are compared as lower(column), as their unique index is.
    A figure named in `keeping` that a row has no value for (null) keeps the stored one.
    The rows are written in the key's order, whatever theirs: two imports at once of files listing
    the same keys the other way round each waited for a row the other had written, a deadlock."""
    if not rows:
        return 0, 0
    columns = list(rows[0])
    table, listed = _names(model, columns)
    keys = _key(model, key, ignoring_case)
    _names(model, [*figures, *keeping])
    new = {name: f'excluded."{name}"' for name in figures}
    new |= {name: f'coalesce(excluded."{name}", {table}."{name}")' for name in keeping}
    updates = ", ".join(f'"{name}" = {new[name]}' for name in figures)
    statement = text(
        f"insert into {table} ({listed}) select {listed}"
        f" from jsonb_populate_recordset(null::{table}, cast(:rows as jsonb)) order by {keys}"
        f" on conflict ({keys}) do update set {updates} returning xmax = 0"  # xmax is 0 on a row inserted here
    )
    flags = session.connection().execute(statement, {"rows": json.dumps(list(rows), default=str)}).scalars().all()
    inserted = sum(bool(flag) for flag in flags)
    return inserted, len(flags) - inserted


def _key(model: type[SQLModel], key: Sequence[str], ignoring_case: Sequence[str]) -> str:
    """An ON CONFLICT target: the key's columns, those in `ignoring_case` as lower(column)."""
    _names(model, key)
    return ", ".join(f'pg_catalog.lower("{name}")' if name in ignoring_case else f'"{name}"' for name in key)


def insert_rows(
    session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]], *, returning: Sequence[str],
    skipping_conflicts: Sequence[str] = (), ignoring_case: Sequence[str] = (),
) -> list[tuple[Any, ...]]:  # fmt: skip
    """INSERT the rows (same keys each) in one statement; the `returning` columns of each new row. With
    `skipping_conflicts` (a unique key, `ignoring_case` as in upsert_rows), a row whose key is taken,
    also by a transaction committing meanwhile, is skipped (ON CONFLICT DO NOTHING) and not returned;
    the rows are then written in the key's order (as upsert_rows': no deadlock between two at once), of
    rows alike by it the first given."""
    if not rows:
        return []
    table, listed = _names(model, list(rows[0]))
    _, returned = _names(model, returning)
    skip = ""
    if skipping_conflicts:
        keys = _key(model, skipping_conflicts, ignoring_case)
        skip = f" with ordinality order by {keys}, ordinality on conflict ({keys}) do nothing"  # ties: the first
    statement = text(
        f"insert into {table} ({listed}) select {listed}"
        f" from jsonb_populate_recordset(null::{table}, cast(:rows as jsonb)){skip} returning {returned}"
    )
    return [
        tuple(row) for row in session.connection().execute(statement, {"rows": json.dumps(list(rows), default=str)})
    ]
