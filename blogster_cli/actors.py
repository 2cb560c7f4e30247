"""Who acts, through which login, within which limits: what a front end resolves once
(cli/state.acting_user()) and hands to every service as its first argument.

Outside db/ so that front ends can name these types without importing the database
layer; db/acting.py opens the units of work that use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from blogster_cli.db.connection import Database


@dataclass(frozen=True)
class Actor:
    """Who is acting: resolved once by the front end and passed to every service call."""

    user_id: UUID
    email: str
    is_admin: bool = False

    @property
    def role_name(self) -> str:
        return "u_" + self.user_id.hex


_ACCOUNT_LOGIN = re.compile(r"u_[0-9a-f]{32}")


def is_account_login(name: str) -> bool:
    """Whether `name` is an account's database role (Actor.role_name: `u_` and its id in hex), the
    login an account has on a shared server; never an email."""
    return _ACCOUNT_LOGIN.fullmatch(name) is not None


@dataclass(frozen=True)
class Timeouts:
    statement_ms: int = 30000
    lock_ms: int = 5000


@dataclass(frozen=True)
class ActingUser:
    """Everything a service needs to act for someone: where, who, and the limits.

    `own_login`: `db` is the account's own database login (a shared server), not the
    administrative login that switches to the account's role in each unit of work.
    """

    db: Database
    actor: Actor
    timeouts: Timeouts = Timeouts()
    own_login: bool = False


def require_admin(acting: ActingUser) -> None:
    """The rule for administrative work (users, catalog, chatbot, docs, worker logins): the
    actor must be an administrator; PermissionDenied otherwise."""
    from blogster_cli.errors import PermissionDenied

    if not acting.actor.is_admin:
        raise PermissionDenied(
            "this needs an administrator; an administrator can make you one: blogster admin users grant-admin EMAIL"
        )


def require_superuser_login(database: Database, needing: str) -> None:
    """Work that switches to any account's role or reaches what no account may (signing up, managing
    accounts, worker logins, newsletter limits) runs on the administrator's connection, a superuser
    login: ConfigError otherwise. `needing` starts the message, its subject with the verb agreeing
    ("worker logins need", "signing up needs")."""
    from blogster_cli.errors import ConfigError

    if not database.login_is_superuser:
        raise ConfigError(f"{needing} the administrator's connection (a superuser BLOGSTER_DATABASE_URL)")


def require_admin_login(acting: ActingUser, database: Database, needing: str) -> None:
    """Administrative work on the administrator's connection: require_admin (PermissionDenied), then
    require_superuser_login (ConfigError)."""
    require_admin(acting)
    require_superuser_login(database, needing)
