"""0175's daily newsletter sending limit, attacked by raw SQL as an account: raising or resetting
its own limit or count, lowering the count by deleting what was counted, raising another account's
count to hold its newsletters, skipping the count, or holding a lock the workers' record would wait
on. The count and the limits are in `internal`, written by a definer trigger and the administrative
login; an account reads its own allowance through public.newsletter_sending_allowance() only."""

from __future__ import annotations

import psycopg
import pytest

from blogster_cli.actors import Timeouts
from blogster_cli.db.acting import acting_transaction

SENDS = "internal.newsletter_sends"
LIMITS = "internal.newsletter_daily_limits"
DEFAULT = "internal.newsletter_default_daily_limit"
TURNS = "internal.newsletter_sending_turns"
DELETED = "internal.deleted_newsletters"


@pytest.fixture
def pair(db, make_user, superuser):
    """bob (a plain account) with a newsletter and 2 mails counted; ada, an administrator, with one."""
    bob, ada = make_user("bob@example.com"), make_user("ada@example.com", admin=True)
    letters = {}
    for actor in (bob, ada):
        (letters[actor.email],) = superuser.execute(
            "insert into public.email_newsletters (user_id, title, subject_line) values (%s, 'W', 'W') returning id",
            (actor.user_id,),
        ).fetchone()
    for n in range(2):
        record(db, bob, letters[bob.email], f"reader{n}@example.com")
    return bob, ada, letters


def run(db, actor, statement, params=(), timeouts: Timeouts = Timeouts()):
    role = actor if isinstance(actor, str) else actor.role_name
    with db.connect() as conn, acting_transaction(conn, role, timeouts):
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def record(db, actor, newsletter, email, outcome="sent"):
    """A delivery recorded as the account, as a send records it."""
    run(db, actor, "insert into public.newsletter_deliveries (newsletter_id, email, outcome, message_id)"
        " values (%s, %s, %s, 'm')", (newsletter, email, outcome))  # fmt: skip


def allowance(db, actor) -> tuple:
    [row] = run(db, actor, "select daily_limit, sent, frees_at from public.newsletter_sending_allowance()")
    return row


@pytest.mark.parametrize(
    "statement",
    [
        f"select count(*) from {SENDS}",
        f"delete from {SENDS}",
        f"update {SENDS} set sent_at = sent_at - interval '2 days'",
        f"insert into {LIMITS} (user_id, daily_limit) values (auth.uid(), null)",
        f"update {LIMITS} set daily_limit = null",
        f"delete from {LIMITS}",
        f"update {DEFAULT} set daily_limit = null",
        f"truncate {SENDS}",
        f"select * from {TURNS} for update",
        f"delete from {TURNS}",
        "select internal.newsletter_daily_limit_of(auth.uid())",
        "select internal.count_newsletter_send()",
        "alter table public.newsletter_deliveries disable trigger count_newsletter_send",
        "drop trigger count_newsletter_send on public.newsletter_deliveries",
        f"delete from {DELETED}",
        "alter table public.email_newsletters disable trigger remember_deleted_newsletter",
        "set local session_replication_role = replica",
    ],
)
@pytest.mark.parametrize("who", ["bob", "ada"])
def test_no_account_reaches_the_count_or_the_limits(db, pair, superuser, statement, who):
    """Not the account (nor an administrator's account: the limits are changed on the administrative
    login only, `admin newsletters`): no USAGE on `internal`, no owner's rights on the ledger."""
    bob, ada, _ = pair
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run(db, bob if who == "bob" else ada, statement)
    assert allowance(db, bob) == (1000, 2, None)
    assert superuser.execute(f"select count(*) from {LIMITS}").fetchone()[0] == 0
    assert superuser.execute(f"select daily_limit from {DEFAULT}").fetchone()[0] == 1000


def test_deleting_what_was_counted_leaves_the_count(db, pair):
    """The ledger has no DELETE or UPDATE for accounts; the newsletter itself may go (its deliveries
    with it), and the mails stay counted."""
    bob, _, letters = pair
    for statement in (
        "delete from public.newsletter_deliveries",
        "update public.newsletter_deliveries set outcome = 'refused'",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            run(db, bob, statement)
    run(db, bob, "select public.delete_rows('public.email_newsletters', array[%s::uuid])", (letters[bob.email],))
    assert run(db, bob, "select count(*) from public.newsletter_deliveries") == [(0,)]
    assert allowance(db, bob)[1] == 2


def test_a_deleted_newsletter_is_remembered_as_mailed_and_goes_with_its_account(db, pair, superuser):
    """0181: how many a newsletter deleted after mailing had mailed, and when (not whom), for a
    restore of an earlier backup; one that mailed nobody is kept as 0 (0190: a restore makes the
    backup's copy, if scheduled, a draft). An account's deletion (its newsletters with it, one of
    them mailed) removes its records and records nothing."""
    bob, ada, letters = pair
    for actor in (bob, ada):
        run(
            db, actor, "select public.delete_rows('public.email_newsletters', array[%s::uuid])", (letters[actor.email],)
        )
    kept = superuser.execute(f"select user_id, id, mailed from {DELETED} order by mailed desc").fetchall()
    assert kept == [(bob.user_id, letters[bob.email], 2), (ada.user_id, letters[ada.email], 0)]
    (another,) = superuser.execute(
        "insert into public.email_newsletters (user_id, title) values (%s, 'W') returning id", (bob.user_id,)
    ).fetchone()
    record(db, bob, another, "reader@example.com")
    superuser.execute("delete from auth.users where id = %s", (bob.user_id,))
    assert superuser.execute(f"select user_id from {DELETED}").fetchall() == [(ada.user_id,)]


def test_a_delivery_counts_now_whatever_time_it_claims(db, pair, superuser):
    """The count takes the server's clock, not the row's sent_at: a delivery dated a year back (or
    a refused one) does not shift or skip the window."""
    bob, _, letters = pair
    run(db, bob, "insert into public.newsletter_deliveries (newsletter_id, email, outcome, message_id, sent_at)"
        " values (%s, 'old@example.com', 'sent', 'm', now() - interval '1 year')", (letters[bob.email],))  # fmt: skip
    record(db, bob, letters[bob.email], "refused@example.com", outcome="refused")
    assert allowance(db, bob)[1] == 3
    old = superuser.execute(f"select count(*) from {SENDS} where sent_at < now() - interval '1 hour'").fetchone()
    assert old == (0,)


def test_nobody_raises_another_accounts_count(db, pair):
    """A delivery for ada's newsletter, or in ada's name, is refused by the ledger's policy: bob
    cannot spend ada's allowance to hold her newsletters."""
    bob, ada, letters = pair
    for newsletter, owner in ((letters[ada.email], ada.user_id), (letters[bob.email], ada.user_id)):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            run(db, bob, "insert into public.newsletter_deliveries (user_id, newsletter_id, email, outcome, message_id)"
                " values (%s, %s, 'x@example.com', 'sent', 'm')", (owner, newsletter))  # fmt: skip
    assert allowance(db, ada)[1] == 0


def test_the_allowance_is_the_callers_own_and_anons_none(db, pair, superuser):
    bob, ada, letters = pair
    record(db, ada, letters[ada.email], "reader@example.com")
    assert allowance(db, bob) == (1000, 2, None)
    assert allowance(db, ada) == (None, 1, None)  # an administrator's account: no limit of its own, none
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run(db, "anon", "select * from public.newsletter_sending_allowance()")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run(db, "authenticated", "select * from public.newsletter_sending_allowance()")  # no account: refused
    # A session's own time zone or search path changes nothing in the window.
    with db.connect() as conn, acting_transaction(conn, bob.role_name):
        conn.execute("set local timezone = 'Pacific/Kiritimati'")
        conn.execute("set local search_path = pg_temp, public")
        assert conn.execute("select sent from public.newsletter_sending_allowance()").fetchall() == [(2,)]


def test_a_limit_set_by_the_administrative_login_holds_and_a_raw_grant_does_not_lift_it(db, pair, superuser):
    bob, _, letters = pair
    superuser.execute(f"insert into {LIMITS} (user_id, daily_limit) values (%s, 2)", (bob.user_id,))
    daily_limit, sent, frees_at = allowance(db, bob)
    assert (daily_limit, sent) == (2, 2) and frees_at is not None
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run(db, bob, "grant blogster_admin to current_user")  # admin status is what lifts a default limit
    assert allowance(db, bob)[0] == 2


def test_an_accounts_open_transaction_makes_the_workers_record_wait_for_nothing(db, pair, superuser):
    """bob holds a transaction open that counted a mail and took the old rows the trigger removes;
    the workers' record of his next delivery (his role, another session) neither waits nor fails."""
    bob, _, letters = pair
    superuser.execute(f"insert into {SENDS} (user_id, sent_at) values (%s, now() - interval '2 days')", (bob.user_id,))
    with db.connect() as held, acting_transaction(held, bob.role_name):
        held.execute("insert into public.newsletter_deliveries (newsletter_id, email, outcome, message_id)"
                     " values (%s, 'held@example.com', 'sent', 'm')", (letters[bob.email],))  # fmt: skip
        quick = Timeouts(statement_ms=5000, lock_ms=200)
        run(db, bob, "insert into public.newsletter_deliveries (newsletter_id, email, outcome, message_id)"
            " values (%s, 'next@example.com', 'sent', 'm')", (letters[bob.email],), timeouts=quick)  # fmt: skip
    assert allowance(db, bob)[1] == 4


def test_an_account_holds_its_own_sending_turn_only(db, pair, make_user):
    """0180's sending turn is a row lock that public.newsletter_take_sending_turn() takes for the
    caller's own account only (it takes no account id): bob holding his in an open transaction stalls
    his own sends, not carol's (an advisory lock would: any login may take any), and no account or
    anon reaches the turns' table or takes a turn without an account."""
    bob, _, _ = pair
    carol = make_user("carol@example.com")
    quick = Timeouts(statement_ms=5000, lock_ms=200)
    take = "select daily_limit, sent, frees_at from public.newsletter_take_sending_turn()"
    with db.connect() as held, acting_transaction(held, bob.role_name):
        assert held.execute(take).fetchall() == [(1000, 2, None)]
        assert run(db, carol, take, timeouts=quick) == [(1000, 0, None)]
        with pytest.raises(psycopg.errors.LockNotAvailable):
            run(db, bob, take, timeouts=quick)  # his own other send waits for it
    for role in ("anon", "authenticated"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            run(db, role, take)
