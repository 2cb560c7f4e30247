"""`blogster admin workers`: the logins worker hosts use for the job queue on a shared server.

A worker login is a member of service_role (the queue and the workers' ledgers) and of
blogster_job_runner (0038: it may switch to any account's role, and does so for each job
done for an account, so RLS applies); it is neither superuser nor BYPASSRLS. Its password
is generated, shown once, and stored only as a SCRAM verifier; the worker host keeps it in
BLOGSTER_WORKER_DATABASE_URL.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from blogster_cli.actors import ActingUser, require_admin_login
from blogster_cli.context import AppContext
from blogster_cli.db import other_databases
from blogster_cli.db.acting import admin_unit_of_work
from blogster_cli.db.privileged_roles import WORKER_LOGIN_PREFIX
from blogster_cli.errors import Conflict, InvalidInput, NotFound
from blogster_cli.repositories import accounts, worker_logins

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


@dataclass(frozen=True)
class WorkerLogin:
    name: str
    login: str
    password: str | None = None
    """Shown once, when the login is created."""


def _role_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise InvalidInput(f"{name!r} is not a worker name (lowercase letters, digits and -, up to 40)")
    return WORKER_LOGIN_PREFIX + name.replace("-", "_")


def _name(role_name: str) -> str:
    return role_name.removeprefix(WORKER_LOGIN_PREFIX).replace("_", "-")


def add(acting: ActingUser, *, ctx: AppContext, name: str) -> WorkerLogin:
    role_name = _role_name(name)
    require_admin_login(acting, ctx.database, "worker logins need")
    password = secrets.token_urlsafe(24)
    with admin_unit_of_work(ctx.database) as conn:
        if accounts.role_exists(conn, role_name=role_name):
            raise Conflict(f"worker {name} already exists")
        worker_logins.create_login(conn, role_name=role_name, password=password)
    return WorkerLogin(name=name, login=role_name, password=password)


def list_logins(acting: ActingUser, *, ctx: AppContext) -> list[WorkerLogin]:
    require_admin_login(acting, ctx.database, "worker logins need")
    with admin_unit_of_work(ctx.database) as conn:
        return [WorkerLogin(name=_name(role), login=role) for role in worker_logins.list_logins(conn)]


def remove(acting: ActingUser, *, ctx: AppContext, name: str) -> None:
    """Drops the login and ends its sessions (a running worker stops at its next query), after what
    names it in the server's other databases (db/other_databases.drop_owned_elsewhere)."""
    role_name = _role_name(name)
    require_admin_login(acting, ctx.database, "worker logins need")
    with admin_unit_of_work(ctx.database) as conn:
        if role_name not in worker_logins.list_logins(conn):
            raise NotFound(f"no worker {name}")
        accounts.drop_role(
            conn,
            role_name=role_name,
            clear_other_databases=lambda: other_databases.drop_owned_elsewhere(ctx.database, conn, role_name=role_name),
        )
