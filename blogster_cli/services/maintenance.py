"""Admins schedule, change and cancel maintenance windows; every change notifies users once (0031 trigger)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser
from blogster_cli.db.orm import orm_unit_of_work
from blogster_cli.errors import InvalidInput, NotFound, PermissionDenied
from blogster_cli.repositories import maintenance
from blogster_cli.vocabulary import MaintenanceSeverity, MaintenanceStatus

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.models.system import MaintenanceSchedule

WINDOW = id_prefixes.Named("maintenance window", "maintenance windows", "blogster admin maintenance list")


@dataclass(frozen=True)
class MaintenancePublic:
    id: UUID
    title: str
    description: str | None
    start_time: dt.datetime
    end_time: dt.datetime
    status: str
    severity: str
    affected_services: list[str]
    notification_sent: bool


def _public(row: MaintenanceSchedule) -> MaintenancePublic:
    return MaintenancePublic(
        id=row.id,
        title=row.title,
        description=row.description,
        start_time=row.start_time,
        end_time=row.end_time,
        status=str(row.status),
        severity=str(row.severity),
        affected_services=list(row.affected_services),
        notification_sent=row.notification_sent,
    )


def _require_admin(acting: ActingUser) -> None:
    if not acting.actor.is_admin:
        raise PermissionDenied("only administrators manage maintenance windows")


def _check_window(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise InvalidInput("--end must be after --start")


def schedule(
    acting: ActingUser,
    *,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    severity: MaintenanceSeverity,
    services: list[str],
    description: str | None,
) -> MaintenancePublic:
    from blogster_cli.models.system import MaintenanceSchedule

    _require_admin(acting)
    _check_window(start, end)
    if end <= dt.datetime.now(dt.UTC):  # it would notify every user of maintenance already over
        # named in the zone it was typed in (the admin's timezone, or the offset given)
        raise InvalidInput(f"--end {end:%Y-%m-%d %H:%M %Z} has passed: schedule a window that is still to come")
    if not title.strip() or len(title.strip()) > 200:
        raise InvalidInput("--title must be 1 to 200 characters")
    with orm_unit_of_work(acting) as session:
        row = MaintenanceSchedule(
            title=title.strip(),
            description=description,
            start_time=start,
            end_time=end,
            severity=severity,
            affected_services=services,
        )
        return _public(maintenance.insert(session, schedule=row))


def _window_id(session: Session, ref: str) -> UUID:
    """The window `ref` names: its id or the first characters of it (id_prefixes)."""
    wanted = id_prefixes.prefix(ref, WINDOW)
    return id_prefixes.only(maintenance.ids_starting(session, prefix=wanted), ref, WINDOW)


def update(
    acting: ActingUser,
    *,
    ref: str,
    title: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    severity: MaintenanceSeverity | None = None,
    status: MaintenanceStatus | None = None,
    services: list[str] | None = None,
    description: str | None = None,
) -> MaintenancePublic:
    """Changes what is given to the window `ref` names (its id or the first characters of it);
    users are notified once if anything they see changed."""
    _require_admin(acting)
    with orm_unit_of_work(acting) as session:
        schedule_id = _window_id(session, ref)
        row = maintenance.get(session, schedule_id=schedule_id)
        if row is None:
            raise NotFound(f"no maintenance window {id_prefixes.short(schedule_id)}")
        changes = {
            "title": title,
            "start_time": start,
            "end_time": end,
            "severity": severity,
            "status": status,
            "affected_services": services,
            "description": description,
        }
        for name, value in changes.items():
            if value is not None:
                setattr(row, name, value)
        _check_window(row.start_time, row.end_time)
        session.add(row)
        session.flush()
        session.refresh(row)
        return _public(row)


def cancel(acting: ActingUser, *, ref: str) -> MaintenancePublic:
    return update(acting, ref=ref, status=MaintenanceStatus.CANCELLED)


def list_windows(acting: ActingUser, *, include_past: bool) -> list[MaintenancePublic]:
    with orm_unit_of_work(acting) as session:
        return [_public(row) for row in maintenance.list_all(session, include_past=include_past)]
