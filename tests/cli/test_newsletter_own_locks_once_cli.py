"""Red team 45 (M1, L1): an account holding its own sending turn (its login's open transaction after
`select * from public.newsletter_take_sending_turn()`) made a due run wait lock_timeout for each of
its due newsletters, not once (30 of them, 1 s each: 34 s; every account after it waiting too), and
each such send, which mailed nobody, was counted as sent. Holding its own readers' delivery records
cost the run CLAIM_WAIT per reader and newsletter alike. A run now waits once for each (send_due),
the newsletters left stay due, and a send that mailed nobody for the turn is counted busy."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from blogster_cli.repositories import newsletters as newsletter_rows
from tests.cli.test_newsletter_daily_limit_cli import limit_bob, readers
from tests.cli.test_newsletter_worker_red_team_cli import sign_up_bob
from tests.cli.test_social_posting_cli import backdate

BOB = ("--profile", "bob")
DUE = 5
WAIT_S = 1.0
"""The profiles' lock_timeout_ms (and CLAIM_WAIT below), long enough that paying it per newsletter shows."""
ONE_WAIT_AT_MOST_S = 2.5
"""A run that waited once, with its own work beside it; one waiting per newsletter takes DUE * WAIT_S."""


def due_letters(cli, tmp_path, *, count: int, to: list[str]) -> list[str]:
    """`count` of bob's newsletters, each due now for `to`."""
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Week\n---\nText.\n")
    assert cli(*BOB, "blogs", "new", "--from", str(post), "--status", "published", "--slug", "week").exit_code == 0
    listed = tmp_path / "readers.csv"
    listed.write_text("email\n" + "".join(f"{reader}\n" for reader in to))
    ids = []
    for number in range(count):
        made = cli(*BOB, "newsletter", "create", "--blogs", "week", "--subject", f"Week {number}", "--json")
        assert made.exit_code == 0, made.stderr
        ids.append(made.json()["id"])
        scheduled = cli(*BOB, "newsletter", "send", ids[-1], "--to", str(listed), "--at", "2099-01-01 09:00")
        assert scheduled.exit_code == 0, scheduled.stderr
    backdate("email_newsletters", ids)
    return ids


@contextmanager
def bobs_turn_held(db, superuser: psycopg.Connection) -> Iterator[None]:
    """bob's own login takes his sending turn and leaves its transaction open."""
    [role] = superuser.execute("select role_name from auth.users where email = 'bob@example.com'").fetchone()
    with db.connect() as held, acting_transaction(held, role):
        held.execute("select * from public.newsletter_take_sending_turn()")
        yield


def timed(cli, *args: str, env: dict[str, str]):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    ran = cli(*args, env=env)
    return ran, time.monotonic() - started


def test_a_held_turn_costs_a_run_one_wait_and_its_newsletters_stay_due_counted_busy(
    cli, signed_up, smtp, tmp_path, db, superuser
):
    recorder, url = smtp
    sign_up_bob(cli)
    limit_bob(cli, "100")
    letters = due_letters(cli, tmp_path, count=DUE, to=["reader@example.com"])
    for profile in ((), BOB):
        assert cli(*profile, "config", "set", "lock_timeout_ms", str(int(WAIT_S * 1000))).exit_code == 0
    env = {"BLOGSTER_SMTP_URL": url}
    with bobs_turn_held(db, superuser):
        ran, took = timed(cli, "workers", "send-newsletters", "--json", env=env)
        assert ran.exit_code == 0, ran.stderr
        assert WAIT_S <= took < ONE_WAIT_AT_MOST_S, took
        counts = {key: ran.json()[key] for key in ("sent", "held", "busy", "failed", "failed_accounts")}
        assert counts == {"sent": 0, "held": 0, "busy": DUE, "failed": 0, "failed_accounts": 0}
        reports = ran.json()["newsletters"]
        assert [r["id"] for r in reports] == letters
        assert {(r["sent"], r["status"], r["turn_held"]) for r in reports} == {(0, "scheduled", True)}
        assert "kept its daily sending limit's turn past lock_timeout" in reports[0]["deferred"][0]
        assert all(r["note"].startswith("not tried in this run") for r in reports[1:])

        text, took = timed(cli, "workers", "send-newsletters", env=env)
        assert text.exit_code == 0 and took < ONE_WAIT_AT_MOST_S, (text.stderr, took)
        assert f"0 newsletters sent, {DUE} busy in another run, 0 failed" in text.stderr

        own, took = timed(cli, *BOB, "calendar", "run-due", env=env)
        assert own.exit_code == 0 and took < ONE_WAIT_AT_MOST_S, (own.stderr, took)
        assert f"{DUE} newsletters due, 0 posted, 0 sent, {DUE} busy in another run." in own.stderr
        send_due, _ = timed(cli, *BOB, "newsletter", "send-due", env=env)
        assert send_due.exit_code == 0, send_due.stderr
        assert send_due.stderr.count("holds its sending turn; nothing sent") == DUE
    assert recorder.messages == []
    listed = cli(*BOB, "newsletter", "list", "--json")
    assert {row["status"] for row in listed.json()} == {"scheduled"}  # still due

    done = cli("workers", "send-newsletters", "--json", env=env)  # the turn free, they all go
    assert done.exit_code == 0, done.stderr
    assert (done.json()["sent"], done.json()["busy"], len(recorder.messages)) == (DUE, 0, DUE)


def test_held_delivery_records_cost_a_run_one_claim_wait_not_one_per_reader(
    cli, signed_up, smtp, tmp_path, superuser, monkeypatch: pytest.MonkeyPatch
):
    """bob's own transaction holds two readers' delivery records in each of three due newsletters:
    the run waits CLAIM_WAIT for the first, none for the five others, and mails everyone else."""
    monkeypatch.setattr(newsletter_rows, "CLAIM_WAIT", f"{int(WAIT_S * 1000)}ms")
    recorder, url = smtp
    sign_up_bob(cli)
    letters = due_letters(cli, tmp_path, count=3, to=readers(3))
    [bob] = superuser.execute("select id from auth.users where email = 'bob@example.com'").fetchone()
    holder = psycopg.connect(superuser.info.dsn, password=superuser.info.password, autocommit=False)
    try:
        for letter in letters:
            for reader in readers(2):
                holder.execute(
                    "insert into public.newsletter_deliveries (user_id, newsletter_id, email, outcome, message_id)"
                    " values (%s, %s, %s, 'refused', 'x')",
                    (bob, letter, reader),
                )
        ran, took = timed(cli, "workers", "send-newsletters", "--json", env={"BLOGSTER_SMTP_URL": url})
        assert ran.exit_code == 0, ran.stderr
        assert WAIT_S <= took < ONE_WAIT_AT_MOST_S, took  # it was 6 waits
        reports = ran.json()["newsletters"]
        assert [(r["sent"], len(r["deferred"]), r["status"]) for r in reports] == [(1, 2, "scheduled")] * 3
        assert [rcpt for rcpt, _ in recorder.messages] == ["reader2@example.com"] * 3
    finally:
        holder.rollback()
        holder.close()
    later = cli("workers", "send-newsletters", "--json", env={"BLOGSTER_SMTP_URL": url})
    assert later.exit_code == 0, later.stderr
    assert {r["status"] for r in later.json()["newsletters"]} == {"sent"} and len(recorder.messages) == 9
