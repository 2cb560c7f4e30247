"""The one value of a query that always returns a row (count(*), exists(...), insert ... returning id),
checked and typed: a missing row or a value of another type is a bug, said plainly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import psycopg

Value = TypeVar("Value")


def scalar(cursor: psycopg.Cursor[Any], kind: type[Value]) -> Value:
    """The first column of the cursor's next row, which must exist and be a `kind`."""
    row = cursor.fetchone()
    if row is None:
        raise RuntimeError("the query returned no row")
    return checked(row[0], kind)


def checked(value: object, kind: type[Value]) -> Value:
    """`value`, which a query (psycopg or SQLAlchemy) returned untyped and must be a `kind`."""
    if not isinstance(value, kind):
        raise TypeError(f"the query returned {type(value).__name__}, not {kind.__name__}")
    return value
