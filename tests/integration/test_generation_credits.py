"""Credits are reserved before the provider is called: concurrency can never overspend them."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.errors import BlogsterError, Interrupted
from blogster_cli.services import generation
from tests.ai_server import MODEL

CHAT = "/v1/chat/completions"


def provider_for(server) -> ProviderConfig:
    return ProviderConfig(server.base_url, MODEL, "sk-test", "keyring", timeout_s=30, max_retries=0)


def draft(acting, server, topic="Topic", on_token=lambda piece: None):
    request = generation.DraftRequest(kind="draft", topic=topic)
    return generation.draft(acting, provider=provider_for(server), request=request, on_token=on_token)


def credits(superuser, actor):
    return superuser.execute(
        "select credits_remaining, credits_used from public.user_subscriptions where user_id = %s and is_active",
        (actor.user_id,),
    ).fetchone()


HELD = """select count(*) from internal.ai_credit_reservations r
    where internal.generation_credit_held(r.created_at, r.holder_pid, r.holder_login)"""


def wait_until_nothing_is_held(superuser) -> None:
    deadline = time.monotonic() + 10
    while superuser.execute(HELD).fetchone() != (0,):  # the server sees the session end shortly after
        assert time.monotonic() < deadline, "the reservation is still held by a live session"
        time.sleep(0.05)


def test_ten_concurrent_drafts_with_three_credits_make_three_calls_and_charge_three(
    db, make_user, ai_server, superuser
):
    alice = make_user()
    assert credits(superuser, alice) == (3, 0)
    ai_server.delay_s = 0.3  # the reserved calls are still running while the others try

    def run(i):
        try:
            return draft(ActingUser(db, alice), ai_server, topic=f"Topic {i}").slug
        except BlogsterError as exc:
            return exc

    with ThreadPoolExecutor(10) as pool:
        outcomes = list(pool.map(run, range(10)))
    stored = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if not isinstance(o, str)]
    assert len(stored) == 3 and len(set(stored)) == 3  # the same generated title, three slugs
    assert {type(e) for e in refused} == {generation.NoCredits} and len(refused) == 7
    assert len(ai_server.calls(CHAT)) == 3
    assert credits(superuser, alice) == (0, 3)
    assert superuser.execute("select count(*) from internal.ai_credit_reservations").fetchone() == (0,)
    logs = superuser.execute("select success, count(distinct request_id) from public.ai_generation_logs group by 1")
    assert logs.fetchall() == [(True, 3)]


def test_ctrl_c_while_streaming_saves_nothing_and_releases_the_credit(db, make_user, ai_server, superuser):
    alice = make_user()

    def interrupt(piece):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        draft(ActingUser(db, alice), ai_server, on_token=interrupt)
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (0,)
    assert credits(superuser, alice) == (3, 0)
    assert superuser.execute("select count(*) from internal.ai_credit_reservations").fetchone() == (0,)
    assert superuser.execute("select success from public.ai_generation_logs").fetchall() == [(False,)]


def test_ctrl_c_with_keep_partial_stores_what_arrived_for_one_credit(db, make_user, ai_server, superuser):
    alice = make_user()
    pieces = []

    def interrupt_on_the_fourth(piece):
        pieces.append(piece)
        if len(pieces) == 4:
            raise KeyboardInterrupt

    request = generation.DraftRequest(kind="draft", topic="Topic", keep_partial=True)
    blog = generation.draft(
        ActingUser(db, alice), provider=provider_for(ai_server), request=request, on_token=interrupt_on_the_fourth
    )
    arrived = "".join(pieces)
    assert arrived.startswith("# A title") and len(arrived) < len(ai_server.reply)
    assert blog.title == "A title"
    markdown = superuser.execute("select content->>'markdown' from public.blogs").fetchone()[0]
    assert arrived.endswith(markdown.strip())
    assert credits(superuser, alice) == (2, 1)
    assert superuser.execute("select count(*) from internal.ai_credit_reservations").fetchone() == (0,)
    logged = superuser.execute("select success, completion from public.ai_generation_logs").fetchall()
    assert logged == [(True, arrived)]


def test_ctrl_c_with_keep_partial_before_any_text_saves_nothing(db, make_user, ai_server, superuser):
    alice = make_user()
    ai_server.reply = "   \n\n\n     \n# Late title\n\nBody"

    def interrupt(piece):
        raise KeyboardInterrupt

    request = generation.DraftRequest(kind="draft", topic="Topic", keep_partial=True)
    with pytest.raises(Interrupted, match=r"^interrupted before any of the post's text arrived; nothing was saved$"):
        generation.draft(ActingUser(db, alice), provider=provider_for(ai_server), request=request, on_token=interrupt)
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (0,)
    assert credits(superuser, alice) == (3, 0)


def test_ctrl_c_with_keep_partial_after_only_the_title_says_so_not_an_empty_post(db, make_user, ai_server, superuser):
    """It said "the AI provider returned an empty post" (exit 1): the writer had pressed Ctrl-C (h228 L2)."""
    alice = make_user()
    ai_server.reply = "# Pulling a better shot\n\nThe body came later."
    pieces = []

    def interrupt_after_the_title(piece):
        pieces.append(piece)
        if "".join(pieces).endswith("shot\n"):  # pieces of 8: "# Pullin", "g a bett", "er shot\n"
            raise KeyboardInterrupt

    request = generation.DraftRequest(kind="draft", topic="Topic", keep_partial=True)
    with pytest.raises(Interrupted, match=r"before any of the post's text arrived \(only its title\)"):
        generation.draft(
            ActingUser(db, alice), provider=provider_for(ai_server), request=request, on_token=interrupt_after_the_title
        )
    assert "".join(pieces) == "# Pulling a better shot\n"
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (0,)
    assert credits(superuser, alice) == (3, 0)
    assert superuser.execute("select count(*) from internal.ai_credit_reservations").fetchone() == (0,)


def test_sigterm_with_keep_partial_before_any_text_stays_what_it_was(db, make_user, ai_server, superuser):
    """A KeyboardInterrupt's subclass (the CLI's SIGTERM, SIGHUP) goes on as it came: the front end names it."""
    alice = make_user()

    class Terminated(KeyboardInterrupt):
        pass

    def terminate(piece):
        raise Terminated

    request = generation.DraftRequest(kind="draft", topic="Topic", keep_partial=True)
    with pytest.raises(Terminated):
        generation.draft(ActingUser(db, alice), provider=provider_for(ai_server), request=request, on_token=terminate)
    assert credits(superuser, alice) == (3, 0)


def test_a_success_logged_without_reservation_cannot_take_a_reserved_credit(db, make_user, superuser):
    """The trigger's other path: a direct success log may only use an unreserved credit."""
    import uuid

    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.models.content import AiGenerationLog
    from blogster_cli.repositories import generation as rows

    alice = make_user()
    superuser.execute("update public.user_subscriptions set credits_remaining = 1 where user_id = %s", (alice.user_id,))
    reserved = uuid.uuid4()
    with orm_unit_of_work(ActingUser(db, alice)) as session:
        assert rows.reserve_credit(session, request_id=reserved) == 0
    with pytest.raises(BlogsterError, match="no AI credits left"), orm_unit_of_work(ActingUser(db, alice)) as session:
        rows.insert_log(session, log=AiGenerationLog(user_id=alice.user_id, success=True))
    with orm_unit_of_work(ActingUser(db, alice)) as session:
        rows.insert_log(session, log=AiGenerationLog(request_id=reserved, user_id=alice.user_id, success=True))
    assert credits(superuser, alice) == (0, 1)


def test_reservations_are_private(db, make_user, superuser):
    import uuid

    from blogster_cli.db.orm import orm_unit_of_work
    from blogster_cli.errors import PermissionDenied
    from blogster_cli.repositories import generation as rows

    alice, bob = make_user(), make_user()
    request_id = uuid.uuid4()
    with orm_unit_of_work(ActingUser(db, alice)) as session:
        rows.reserve_credit(session, request_id=request_id)
    with orm_unit_of_work(ActingUser(db, bob)) as session:
        assert rows.release_credit(session, request_id=request_id) is False  # not bob's to release
    with pytest.raises(PermissionDenied), orm_unit_of_work(ActingUser(db, bob)) as session:
        session.connection().exec_driver_sql("select * from internal.ai_credit_reservations")
    assert superuser.execute("select count(*) from internal.ai_credit_reservations").fetchone() == (1,)


def test_a_draft_costs_eleven_database_round_trips(db, make_user, ai_server, tmp_path):
    """Blogster's overhead per generation is mostly round trips: a read and reserve unit (begin
    with the role switch, reserve, commit) and a store unit (begin with the role switch, slug,
    post, activity, log, commit). The post comes back from its insert, not from a second read.
    The reserving connection waits in an empty transaction from its commit until the store is done
    (begin, rollback), so that its session, which the reservation lasts as long as, is not ended as
    idle meanwhile (red team 58 F2)."""
    from sqlalchemy import event

    from blogster_cli.db.orm import engine_for

    acting = ActingUser(db, make_user())
    draft(acting, ai_server, topic="Warm up")  # pooled connections and prepared statements exist
    engine = engine_for(db)
    trace_path = tmp_path / "libpq.trace"
    with trace_path.open("w") as trace:

        def on_checkout(dbapi_connection, record, proxy):
            dbapi_connection.pgconn.trace(trace.fileno())

        def on_checkin(dbapi_connection, record):
            dbapi_connection.pgconn.untrace()

        event.listen(engine, "checkout", on_checkout)
        event.listen(engine, "checkin", on_checkin)
        try:
            stored = draft(acting, ai_server, topic="Measured")
        finally:
            event.remove(engine, "checkout", on_checkout)
            event.remove(engine, "checkin", on_checkin)
    sent = [line for line in trace_path.read_text().splitlines() if "\tF\t" in line]
    round_trips = [line for line in sent if "\tQuery\t" in line or line.endswith("\tSync")]
    assert len(round_trips) == 11, round_trips
    assert stored.content and stored.content["markdown"] and stored.tags == []


def test_an_old_snapshot_cannot_reserve_the_last_credit_twice(db, make_user, superuser):
    """0106: a REPEATABLE READ transaction whose snapshot predates another session's reservation
    counted without it, and both held the last credit. Only READ COMMITTED may reserve: it
    counts every reservation committed before the lock was granted."""
    import uuid

    import psycopg

    from blogster_cli.actors import Timeouts
    from blogster_cli.db.acting import acting_transaction, switch_sql

    alice = make_user()
    superuser.execute("update public.user_subscriptions set credits_remaining = 1 where user_id = %s", (alice.user_id,))
    reserve = "select public.reserve_generation_credit(%s)"
    with db.connect() as old, db.connect() as other:
        old.execute(("begin isolation level repeatable read; " + switch_sql(alice.role_name, Timeouts())).encode())
        old.execute("select count(*) from public.blogs").fetchone()  # the snapshot is taken here
        with acting_transaction(other, alice.role_name):
            assert other.execute(reserve, (uuid.uuid4(),)).fetchone() == (0,)
        with pytest.raises(psycopg.errors.ActiveSqlTransaction, match="read committed transaction"):
            old.execute(reserve, (uuid.uuid4(),))
        old.rollback()
    assert superuser.execute(
        "select count(*) from internal.ai_credit_reservations where user_id = %s", (alice.user_id,)
    ).fetchone() == (1,)


@pytest.mark.parametrize("failure", ["refused", "interrupted"])
def test_a_reservation_whose_release_fails_ends_with_its_session_at_once(
    db, make_user, ai_server, superuser, monkeypatch, failure
):
    """A release that fails (the database refusing it) or is interrupted (Ctrl-C again while the
    credit is given back) leaves the reservation: the run's session is ended then, not handed back
    to the pool, so the credit is free at once (0193), not in an hour."""
    from blogster_cli.errors import Conflict
    from blogster_cli.services import generation_steps

    def failed(session, *, request_id):
        if failure == "refused":
            raise Conflict("the release was refused")
        raise KeyboardInterrupt

    monkeypatch.setattr(generation_steps.rows, "release_credit", failed)
    alice = make_user()

    def interrupt(piece):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        draft(ActingUser(db, alice), ai_server, on_token=interrupt)
    wait_until_nothing_is_held(superuser)
    assert credits(superuser, alice) == (3, 0)


def test_a_stop_between_the_reservation_and_the_call_frees_the_credit(db, make_user, ai_server, superuser, monkeypatch):
    """Ctrl-C while the prompt is built, after step 1 reserved: the provider is never called and the
    run's reservation session ends with the run, so a long-lived process (the TUI, a worker) holds
    no credit until it exits."""

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(generation.prompts, "assemble", stopped)
    alice = make_user()
    with pytest.raises(KeyboardInterrupt):
        draft(ActingUser(db, alice), ai_server)
    wait_until_nothing_is_held(superuser)
    assert credits(superuser, alice) == (3, 0)
    assert not ai_server.calls(CHAT)
