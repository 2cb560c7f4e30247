"""Work that switches roles or reaches what no account may refuses a login that is no superuser, each
in its own words (actors.require_superuser_login and require_admin_login, shared by accounts, worker
logins and newsletter limits), and a non-administrator is refused for that first."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.errors import ConfigError, PermissionDenied
from blogster_cli.services import accounts, newsletter_limits, worker_logins

NOT_SUPERUSER = SimpleNamespace(database=SimpleNamespace(login_is_superuser=False))


def _acting(*, admin: bool) -> ActingUser:
    return ActingUser(db=NOT_SUPERUSER.database, actor=Actor(uuid.uuid4(), "ada@example.com", is_admin=admin))


ADMINISTRATIVE: dict[str, Callable[[Any], object]] = {
    "user administration needs": lambda acting: accounts.list_users(acting, ctx=NOT_SUPERUSER),
    "worker logins need": lambda acting: worker_logins.add(acting, ctx=NOT_SUPERUSER, name="w1"),
    "newsletter limits need": lambda acting: newsletter_limits.limits(acting, ctx=NOT_SUPERUSER),
}


@pytest.mark.parametrize("needing", ADMINISTRATIVE)
def test_administrative_work_on_a_login_that_is_no_superuser_says_it_needs_the_administrators(needing):
    with pytest.raises(ConfigError) as refused:
        ADMINISTRATIVE[needing](_acting(admin=True))
    assert str(refused.value) == f"{needing} the administrator's connection (a superuser BLOGSTER_DATABASE_URL)"
    with pytest.raises(PermissionDenied):  # a writer is told they are no administrator, not of the login
        ADMINISTRATIVE[needing](_acting(admin=False))


def test_signing_up_on_a_login_that_is_no_superuser_says_it_needs_the_administrators():
    with pytest.raises(ConfigError) as refused:
        accounts.signup(NOT_SUPERUSER, email="ada@example.com", password="a long enough password")
    assert str(refused.value) == "signing up needs the administrator's connection (a superuser BLOGSTER_DATABASE_URL)"
