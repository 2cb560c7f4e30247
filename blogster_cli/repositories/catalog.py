"""Personas and blog templates: the audiences and layouts posts are written from.

psycopg and dataclass rows, not SQLModel (whose classes cost the same import): `posts new --persona`
reads these on the drafting path, and `blogster personas list` ran in 763 ms and 3132 ms with
SQLModel imported (bench/bench_orm_cost.py, load 4.6-4.9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.db.rows import scalar

if TYPE_CHECKING:
    import psycopg

PERSONA_FIELDS = (
    "name",
    "description",
    "age_range",
    "gender",
    "interests",
    "pain_points",
    "goals",
    "education_level",
    "income_level",
    "occupation",
    "location",
    "avatar_url",
)


@dataclass(frozen=True)
class PersonaRow:
    id: UUID
    name: str
    description: str | None
    age_range: str | None
    gender: str | None
    interests: list[str]
    pain_points: list[str]
    goals: list[str]
    education_level: str | None
    income_level: str | None
    occupation: str | None
    location: str | None
    avatar_url: str | None
    template: bool
    owner_id: UUID | None
    created_at: datetime
    updated_at: datetime


_PERSONA_SELECT = (
    "select id, " + ", ".join(PERSONA_FIELDS) + ", template, owner_id, created_at, updated_at from public.personas"
)


def list_personas(conn: psycopg.Connection) -> list[PersonaRow]:
    """Template personas and mine (RLS shows exactly those)."""
    rows = conn.execute(_PERSONA_SELECT + " order by template desc, lower(name), id").fetchall()
    return [PersonaRow(*r) for r in rows]


def find_persona(conn: psycopg.Connection, *, ref: str, template_only: bool = False) -> PersonaRow | None:
    """By id, or by name (case-insensitive; mine before templates); `template_only`: a template persona."""
    row = conn.execute(
        _PERSONA_SELECT + " where (id::text = %(ref)s or lower(name) = lower(%(ref)s))"
        " and (template or not %(template_only)s)"
        " order by (id::text = %(ref)s) desc, (owner_id = auth.uid()) desc nulls last limit 1",
        {"ref": ref, "template_only": template_only},
    ).fetchone()
    return PersonaRow(*row) if row else None


def my_persona_names(conn: psycopg.Connection, *, prefix: str) -> set[str]:
    """The lower-cased names of my personas that start with `prefix` (ignoring case)."""
    rows = conn.execute(
        "select lower(name) from public.personas where owner_id = auth.uid()"
        " and starts_with(lower(name), lower(%(prefix)s))",
        {"prefix": prefix},
    ).fetchall()
    return {name for (name,) in rows}


def insert_persona(conn: psycopg.Connection, *, values: dict[str, Any], template: bool = False) -> UUID:
    from psycopg import sql

    columns = [c for c in PERSONA_FIELDS if values.get(c) is not None]
    params = {c: values[c] for c in columns}
    extra_columns, extra_values = [], []
    if template:
        extra_columns, extra_values = (
            [sql.Identifier("template"), sql.Identifier("owner_id")],
            [sql.SQL("true"), sql.SQL("null")],
        )
    query = sql.SQL("insert into public.personas ({}) values ({}) returning id").format(
        sql.SQL(", ").join([*map(sql.Identifier, columns), *extra_columns]),
        sql.SQL(", ").join([*map(sql.Placeholder, columns), *extra_values]),
    )
    return scalar(conn.execute(query, params), UUID)


def update_persona(conn: psycopg.Connection, *, persona_id: UUID, values: dict[str, Any]) -> bool:
    from psycopg import sql

    assignments = sql.SQL(", ").join(sql.SQL("{} = {}").format(sql.Identifier(c), sql.Placeholder(c)) for c in values)
    cursor = conn.execute(
        sql.SQL("update public.personas set {} where id = %(persona_id)s").format(assignments),
        {**values, "persona_id": persona_id},
    )
    return cursor.rowcount == 1


def delete_persona(conn: psycopg.Connection, *, persona_id: UUID) -> bool:
    return conn.execute("select public.delete_rows('public.personas', array[%s]::uuid[])", (persona_id,)).rowcount == 1


@dataclass(frozen=True)
class TemplateRow:
    id: UUID
    name: str
    description: str | None
    structure: list[dict[str, Any]]
    image_count: int
    is_system: bool
    created_at: datetime
    updated_at: datetime


_TEMPLATE_SELECT = (
    "select id, name, description, structure, image_count, is_system, created_at, updated_at from public.blog_templates"
)


def list_templates(conn: psycopg.Connection) -> list[TemplateRow]:
    return [TemplateRow(*r) for r in conn.execute(_TEMPLATE_SELECT + " order by lower(name)").fetchall()]


def find_template(conn: psycopg.Connection, *, ref: str) -> TemplateRow | None:
    """By id, exact name, or the start of its slugified name (`how-to` finds "How-to guide"), in that order:
    an id names its template, never one named as that id."""
    row = conn.execute(
        _TEMPLATE_SELECT + " where id::text = %(ref)s or lower(name) = lower(%(ref)s)"
        " or regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g') like lower(%(ref)s) || '%%'"
        " order by id::text = %(ref)s desc, lower(name) = lower(%(ref)s) desc, length(name) limit 1",
        {"ref": ref},
    ).fetchone()
    return TemplateRow(*row) if row else None


def find_template_named(conn: psycopg.Connection, *, name: str) -> TemplateRow | None:
    """The template called `name` (ignoring case, as names are unique), locked for a change."""
    row = conn.execute(_TEMPLATE_SELECT + " where lower(name) = lower(%(name)s) for update", {"name": name}).fetchone()
    return TemplateRow(*row) if row else None


def insert_template(
    conn: psycopg.Connection, *, name: str, description: str | None, structure: list[Any], image_count: int
) -> UUID:
    """A new template of this site's own (is_system false: only those shipped in 0006 are system templates)."""
    from psycopg.types.json import Jsonb

    cursor = conn.execute(
        "insert into public.blog_templates (name, description, structure, image_count, is_system)"
        " values (%(name)s, %(description)s, %(structure)s, %(image_count)s, false) returning id",
        {"name": name, "description": description, "structure": Jsonb(structure), "image_count": image_count},
    )
    return scalar(cursor, UUID)


TEMPLATE_FIELDS = ("description", "structure", "image_count")


def update_template(conn: psycopg.Connection, *, template_id: UUID, values: dict[str, Any]) -> bool:
    """Sets the given fields (of TEMPLATE_FIELDS) of one template; the others are kept."""
    from psycopg import sql
    from psycopg.types.json import Jsonb

    params = {c: Jsonb(v) if c == "structure" else v for c, v in values.items() if c in TEMPLATE_FIELDS}
    assignments = sql.SQL(", ").join(sql.SQL("{} = {}").format(sql.Identifier(c), sql.Placeholder(c)) for c in params)
    cursor = conn.execute(
        sql.SQL("update public.blog_templates set {} where id = %(template_id)s").format(assignments),
        {**params, "template_id": template_id},
    )
    return cursor.rowcount == 1
