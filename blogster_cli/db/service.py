"""Units of work as service_role: the workers' queue bookkeeping, never a user's own work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from blogster_cli.actors import Timeouts
from blogster_cli.db.acting import UnitOfWork, kept_unit_of_work

if TYPE_CHECKING:
    from blogster_cli.db.connection import Database

SERVICE_ROLE = "service_role"


def service_unit_of_work(db: Database, timeouts: Timeouts | None = None) -> UnitOfWork:
    """One transaction as service_role (the embedded superuser or a worker login may switch to it),
    driver errors translated: the account's unit_of_work, for service_role."""
    return kept_unit_of_work(db, SERVICE_ROLE, timeouts or Timeouts())
