"""Flag checks reuse the process's rules until a flag changes, in this process or any other."""

import threading

import psycopg
import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.errors import NotFound
from blogster_cli.services import flags
from blogster_cli.vocabulary import FeatureFlagStrategy


@pytest.fixture
def people(db, make_user):
    admin = ActingUser(db, make_user(admin=True))
    writer = ActingUser(db, make_user())
    flags.create(admin, name="beta", description=None, strategy=FeatureFlagStrategy.ALL, percentage=100, conditions={})
    flags.update(admin, name="beta", enabled=True)
    return admin, writer


def loads_during(action) -> int:
    before = flags.RULES.loads
    action()
    return flags.RULES.loads - before


def test_checks_reuse_the_rules_until_a_flag_changes_here(people):
    admin, writer = people
    assert loads_during(lambda: flags.check(writer, name="beta")) <= 1
    assert loads_during(lambda: [flags.check(writer, name="beta") for _ in range(5)]) == 0
    assert flags.check(writer, name="beta") is True

    flags.update(admin, name="beta", enabled=False)
    assert loads_during(lambda: flags.check(writer, name="beta")) == 1
    assert flags.check(writer, name="beta") is False

    flags.remove(admin, name="beta")
    with pytest.raises(NotFound):
        flags.check(writer, name="beta")


def test_a_change_committed_by_another_process_is_seen_by_the_next_check(people, superuser):
    _admin, writer = people
    assert flags.check(writer, name="beta") is True
    # Another process (an admin's CLI, a second worker) changes the flag on its own connection.
    superuser.execute("update public.feature_flags set enabled = false where name = 'beta'")
    assert flags.check(writer, name="beta") is False
    superuser.execute("insert into public.feature_flags (name, enabled) values ('gamma', true)")
    assert flags.check(writer, name="gamma") is True


def test_a_rolled_back_change_keeps_the_version_and_the_rules(people, superuser):
    _admin, writer = people
    flags.check(writer, name="beta")
    version = superuser.execute("select public.feature_flags_version()").fetchone()[0]
    with pytest.raises(psycopg.errors.RaiseException), superuser.transaction():
        superuser.execute("update public.feature_flags set enabled = false where name = 'beta'")
        superuser.execute("do $$ begin raise exception 'changed my mind'; end $$")
    assert superuser.execute("select public.feature_flags_version()").fetchone()[0] == version
    assert loads_during(lambda: flags.check(writer, name="beta")) == 0
    assert flags.check(writer, name="beta") is True


def test_threads_checking_while_an_admin_toggles_never_keep_a_stale_answer(people):
    admin, writer = people
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_checking() -> None:
        while not stop.is_set():
            try:
                flags.check(writer, name="beta")
            except BaseException as exc:  # reported by the assertion below
                failures.append(exc)
                return

    threads = [threading.Thread(target=keep_checking) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for enabled in (False, True, False, True, False):
            flags.update(admin, name="beta", enabled=enabled)
            assert flags.check(writer, name="beta") is enabled
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []


def test_users_read_the_version_but_cannot_move_or_see_behind_it(db, people):
    _admin, writer = people
    with db.connect() as conn:
        with acting_transaction(conn, writer.actor.role_name):
            assert conn.execute("select public.feature_flags_version()").fetchone()[0] is not None
        for attack in (
            "update internal.feature_flags_version set version = gen_random_uuid()",
            "select version from internal.feature_flags_version",
            "select internal.bump_feature_flags_version()",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), acting_transaction(conn, writer.actor.role_name):
                conn.execute(attack)
