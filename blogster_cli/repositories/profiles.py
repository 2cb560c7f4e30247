"""Profiles: the public face of an account (runs as the acting user; RLS decides).

psycopg, not SQLModel: `blogster profile update` ran in 340 ms and 1709 ms with SQLModel imported
(bench/bench_orm_cost.py, load 4.6-4.9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    import psycopg


def update(
    conn: psycopg.Connection, *, user_id: UUID, values: dict[str, str | None], returning: list[str]
) -> tuple[Any, ...] | None:
    """Sets the given columns of `user_id`'s profile; the `returning` columns, or None if no row."""
    from psycopg import sql

    assignments = sql.SQL(", ").join(sql.SQL("{} = {}").format(sql.Identifier(k), sql.Placeholder(k)) for k in values)
    return conn.execute(
        sql.SQL("update public.profiles set {} where id = {} returning {}").format(
            assignments, sql.Placeholder("id"), sql.SQL(", ").join(map(sql.Identifier, returning))
        ),
        {**values, "id": user_id},
    ).fetchone()
