"""Maintenance windows (admins write under RLS; the table's trigger fans each change out)."""

from __future__ import annotations

from uuid import UUID

from sqlmodel import Session, col, select

from blogster_cli import id_prefixes
from blogster_cli.models.system import MaintenanceSchedule


def insert(session: Session, *, schedule: MaintenanceSchedule) -> MaintenanceSchedule:
    session.add(schedule)
    session.flush()
    session.refresh(schedule)
    return schedule


def get(session: Session, *, schedule_id: UUID) -> MaintenanceSchedule | None:
    return session.get(MaintenanceSchedule, schedule_id)


def ids_starting(session: Session, *, prefix: str) -> list[UUID]:
    """The ids of the windows that start with `prefix` (id_prefixes: one is a match, two ambiguous)."""
    from sqlalchemy import String, cast

    statement = select(MaintenanceSchedule.id).where(
        cast(MaintenanceSchedule.id, String).startswith(prefix, autoescape=True)
    )
    return list(session.exec(statement.limit(id_prefixes.ROWS_NEEDED)).all())


def list_all(session: Session, *, include_past: bool) -> list[MaintenanceSchedule]:
    statement = select(MaintenanceSchedule).order_by(col(MaintenanceSchedule.start_time))
    if not include_past:
        from sqlalchemy import func

        statement = statement.where(col(MaintenanceSchedule.end_time) >= func.now())
    return list(session.exec(statement))
