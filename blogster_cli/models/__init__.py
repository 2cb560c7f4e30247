"""SQLModel classes for the public schema, one per table, grouped by domain.

The SQL in db/migrations/ is the source of truth; nothing here creates or alters
tables. These classes mirror it for typed access (the TUI, background workers), and
tests/integration/test_models_match_schema.py proves they agree with a freshly
migrated database: same tables, columns, types, nullability, primary keys and enums.

The CLI's hot paths do not use them: they talk to psycopg directly, because importing
sqlmodel costs about 590 ms. So this package imports nothing eagerly; import the
domain module you need (accounts, content, system, extended) or a capability's own (calendar,
flags, chatbot, newsletters, review, republishing, ideas, research, social, unblock: tables of
extended and system, split out so their commands define only those; nothing re-exports them).
Each imports the modules whose tables its foreign keys name (system, flags, chatbot, newsletters
and content: accounts; the others: content), so whatever a Session flushes finds its foreign
keys' tables in the metadata, and a command pays for the classes it uses only (defining them
all costs ~0.45 s).

Conventions: a nullable column is `X | None = None`; a NOT NULL column without a
default is required; a NOT NULL column the database fills with an expression
(`now()`, `auth.uid()`) is `X | None` with nullable=False: leave it None and the
INSERT omits it, so the server default applies (and RETURNING brings it back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import enum

    import sqlalchemy


def pg_enum(enum_class: type[enum.StrEnum], name: str) -> sqlalchemy.Enum:
    """The column type for an existing PostgreSQL enum type, stored by member value."""
    import sqlalchemy

    return sqlalchemy.Enum(
        enum_class, name=name, create_type=False, values_callable=lambda members: [m.value for m in members]
    )


def db_default(expression: str, *, nullable: bool = False, **field_kwargs: Any) -> Any:
    """A field the database fills with `expression` when the INSERT leaves it out."""
    from sqlalchemy import text
    from sqlmodel import Field

    field_kwargs.setdefault("sa_column_kwargs", {})["server_default"] = text(expression)
    return Field(default=None, nullable=nullable, **field_kwargs)


def filled_by_trigger(**field_kwargs: Any) -> Any:
    """A NOT NULL field a BEFORE INSERT trigger fills: leave it None and the INSERT omits it."""
    from sqlalchemy.schema import FetchedValue
    from sqlmodel import Field

    field_kwargs.setdefault("sa_column_kwargs", {})["server_default"] = FetchedValue()
    return Field(default=None, nullable=False, **field_kwargs)


def blog_author_key() -> sqlalchemy.ForeignKeyConstraint:
    """(blog_id, author_id) -> blogs (id, author_id): how a row belonging to a blog keeps its author."""
    import sqlalchemy

    return sqlalchemy.ForeignKeyConstraint(
        ["blog_id", "author_id"], ["public.blogs.id", "public.blogs.author_id"], ondelete="CASCADE", onupdate="CASCADE"
    )
