"""The ORM keeps one pooled engine per connection string for the process's life (`db.orm.engine_for`),
and each test's database is a string of its own: the engines of every test stayed, each holding the
one or two connections its units of work left (a newsletter send's guard and its work), open on a
database long dropped. An xdist worker late in the suite held over 1,024 descriptors. Each test's
now close as it ends (tests/conftest.py's `pooled_connections_closed`)."""

from __future__ import annotations

import os

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.orm import driver_connection, orm_guard_unit_of_work, orm_unit_of_work
from tests.conftest import close_pooled_connections


def descriptor_target(fd: int) -> str | None:
    """What this process's descriptor `fd` is open on (`socket:[inode]`), None when it is closed."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except FileNotFoundError:
        return None


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists descriptors through Linux's /proc")
def test_the_connections_a_send_leaves_pooled_close_as_the_test_ends(request, db, make_user):
    assert "pooled_connections_closed" in request.fixturenames  # every test's teardown, not this test's alone
    acting = ActingUser(db, make_user())
    with orm_guard_unit_of_work(acting) as guard, orm_unit_of_work(acting) as work:  # as a send holds them
        sockets = {fd: descriptor_target(fd) for fd in (driver_connection(s).pgconn.socket for s in (guard, work))}
    assert len(sockets) == 2 and all(target and target.startswith("socket:") for target in sockets.values())
    assert all(descriptor_target(fd) == target for fd, target in sockets.items())  # back in the pool, still open

    close_pooled_connections()

    assert all(descriptor_target(fd) != target for fd, target in sockets.items())
