"""0175's residue: two sends of one account at once each read the daily allowance before the other's
mail was recorded, so together they passed the limit (one mail more for each send beside the first).
The check and the claim are now one step (db/migrations/0180): a send takes the account's sending turn
as it claims each reader and holds it until the mail is recorded, so the other send counts it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from subprocess import PIPE

import psycopg
import pytest
from aiosmtpd.controller import Controller

from blogster_cli.db.acting import acting_transaction
from tests.cli.test_newsletter_daily_limit_cli import counted, limit_bob
from tests.cli.test_newsletter_worker_red_team_cli import due_newsletter, sign_up_bob
from tests.smtp_server import MailRecorder, free_port

BOB = ("--profile", "bob")
OVERLAP_WAIT_S = 30
"""How long a message waits at DATA for another send's message to be in flight beside it."""


@dataclass
class Overlapping(MailRecorder):
    """Holds each message at DATA until a second one is in flight beside it (two sends mailing at
    once), or until a send is seen waiting for the account's sending turn (then they cannot be)."""

    dsn: str = ""
    in_flight: int = 0
    turn_awaited: bool = False
    """A send was seen waiting for the turn while another's message was in flight: they overlapped."""

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.in_flight += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + OVERLAP_WAIT_S
        while self.in_flight < 2 and loop.time() < deadline:
            if self._turn_awaited():
                self.turn_awaited = True
                break
            await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)

    def _turn_awaited(self) -> bool:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return conn.execute(
                "select exists (select 1 from pg_stat_activity where wait_event_type = 'Lock'"
                " and query like '%newsletter_take_sending_turn%')"
            ).fetchone()[0]


@pytest.fixture
def overlapping_smtp(superuser) -> Iterator[tuple[Overlapping, str]]:
    info = superuser.info
    recorder = Overlapping(dsn=psycopg.conninfo.make_conninfo(info.dsn, password=info.password))
    port = free_port("127.0.0.1")
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def test_two_sends_of_one_account_at_once_never_pass_its_limit(cli, signed_up, overlapping_smtp, tmp_path, superuser):
    recorder, url = overlapping_smtp
    sign_up_bob(cli)
    limit_bob(cli, "1")
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Week\n---\nText.\n")
    assert cli(*BOB, "blogs", "new", "--from", str(post), "--status", "published", "--slug", "week").exit_code == 0
    sends = []
    for reader in ("first@example.com", "second@example.com"):
        made = cli(*BOB, "newsletter", "create", "--blogs", "week", "--subject", reader, "--json")
        assert made.exit_code == 0, made.stderr
        listed = tmp_path / f"{reader}.csv"
        listed.write_text(f"email\n{reader}\n")
        sends.append((made.json()["id"], listed))
    env = {**os.environ, "BLOGSTER_SMTP_URL": url}
    command = [sys.executable, "-m", "blogster_cli", *BOB, "newsletter", "send"]
    processes = [
        subprocess.Popen(
            [*command, newsletter, "--to", str(listed), "--json"], env=env, stdout=PIPE, stderr=PIPE, text=True
        )
        for newsletter, listed in sends
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        reports += json.loads(out)
    assert len(recorder.messages) == 1 and counted(superuser) == 1  # the limit, not one mail more per send
    assert sorted((r["sent"], r["held_by_limit"]) for r in reports) == [(0, 1), (1, 0)]
    assert recorder.turn_awaited  # the second send waited for the first one's mail: they did overlap


def test_a_send_waiting_past_lock_timeout_for_the_turn_stops_and_leaves_the_rest_due(
    cli, signed_up, smtp, tmp_path, db, superuser
):
    """bob's own open transaction holds his sending turn: his send waits lock_timeout_ms once, then
    stops, mails nobody and leaves every reader for the next run (not lock_timeout for each)."""
    recorder, url = smtp
    sign_up_bob(cli)
    limit_bob(cli, "10")
    newsletter = due_newsletter(cli, tmp_path, profile="bob", readers=[f"r{n}@example.com" for n in range(3)])
    assert cli(*BOB, "config", "set", "lock_timeout_ms", "300").exit_code == 0
    [role] = superuser.execute("select role_name from auth.users where email = 'bob@example.com'").fetchone()
    with db.connect() as held, acting_transaction(held, role):
        held.execute("select * from public.newsletter_take_sending_turn()")
        ran = cli(*BOB, "newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert ran.exit_code == 0, ran.stderr
    [report] = ran.json()
    assert (report["sent"], report["status"]) == (0, "scheduled") and recorder.messages == []
    [deferred] = report["deferred"]
    assert "kept its daily sending limit's turn past lock_timeout" in deferred

    again = cli(*BOB, "newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert again.exit_code == 0 and (again.json()[0]["sent"], again.json()[0]["status"]) == (3, "sent")
