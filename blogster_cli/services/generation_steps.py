"""The steps every AI generation shares (services/generation.py, ideas, revising, unblock,
voice): reserve a credit, call the provider outside any transaction, store and log; and the
saved idea a draft starts from. Not a use case: the use cases build on it, never on each other.

Every generation runs in three steps, and the provider call is in no transaction:
1. one unit of work (`reserving`) reads what the prompt needs and reserves one credit for a fresh
   request id (reserve_generation_credit: zero free credits is an error, and no call);
2. the provider is called;
3. one unit of work stores the result and its success log, whose trigger charges the
   credit and consumes the reservation, so the two make exactly one charge.
If the call or the store fails, or the user presses Ctrl-C, the reservation is
released and a failed log (which costs nothing) is written; nothing half-written stays,
unless the user asked to keep a partial draft: then what arrived is stored as a success.

A reservation lasts as long as the session that made it (migration 0193: a killed run's credit is
free at once), so step 1's connection is the run's own until step 3 or the release is done (the
run's `Reservation`, handed from step to step, keeps it as a `db.orm.Kept`): out of the pool,
waiting in an empty transaction, which the server's `idle_session_timeout` (or a pooler's idle
limit) does not end under the provider call, as it ended a pooled idle connection and let another
run take the credit this one was using (red team 58 F2). Its own idle limit, the provider's timeout
for each of two calls and a margin, frees the credit of a process that hangs. Should the session
end all the same, the store charges a credit still free, or fails with "no AI credits left"
(nothing half-written). A run that stops between step 1 and the provider call (an error, Ctrl-C)
ends the session as its `Reservation` block ends, and the reservation with it.

A generation that overlapping runs must make once (`generate batch`, `generate draft --idea`: the
idea it drafts) runs in a `Guard`: a unit of work opened before step 1 that claims the item (its row
lock, taken with SKIP LOCKED so another run passes it by, or is refused) and holds only that lock
across the provider call; step 3 stores in it and commits it, so the claim ends with the stored
result, or with a rollback. No server limit on idle or long transactions ends the guard during the
call (db.orm.orm_guard_unit_of_work).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser
from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.ai.shapes import OffShape
from blogster_cli.db.errors import translated_errors
from blogster_cli.db.orm import Kept, orm_guard_unit_of_work, orm_unit_of_work
from blogster_cli.errors import BlogsterError, Conflict, NotFound
from blogster_cli.models.content import AiGenerationLog
from blogster_cli.repositories import generation as rows
from blogster_cli.services import ai_provider
from blogster_cli.services.ai_provider import Completion
from blogster_cli.vocabulary import BlogIdeaStatus

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.models.ideas import BlogIdea

T = TypeVar("T")
NO_CREDITS = (
    "no AI credits left (see `blogster credits`); an administrator adds more: `blogster admin credits grant EMAIL N`"
)
STORE_ATTEMPTS = 3
HOLD_MARGIN_S = 60.0
"""How long, beyond the provider's timeout for each of two calls (`complete_structured` asks twice),
a run's reservation session may wait between its statements before the server ends it."""


class NoCredits(BlogsterError):
    """Zero free credits: nothing was sent to the provider."""


@dataclass(frozen=True)
class LogLinks:
    """What a generation log points at (checked by RLS: only the actor's own or shared rows)."""

    blog_id: UUID | None = None
    persona_id: UUID | None = None
    template_id: UUID | None = None


class Reservation:
    """A generation's request id and the session its credit reservation lasts as long as (0193): step 1
    (`reserving`) keeps that session's connection for the run, and `metered` or `release` lets it go.
    The run is a `with` block around it, so a run that ends before either (an error or a stop between
    step 1 and the provider call) ends the session, and the reservation with it, leaving nothing held."""

    def __init__(self, request_id: UUID, provider: ProviderConfig) -> None:
        self.request_id = request_id
        self.kept = Kept(2 * provider.timeout_s + HOLD_MARGIN_S)

    def __enter__(self) -> Reservation:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.let_go(end_session=True)  # nothing is left to let go once `metered` or `release` did

    def let_go(self, *, end_session: bool = False) -> None:
        """Ends the run's wait on its reservation session, once its reservation is consumed or released;
        with `end_session` (its release failed), the session itself, which ends the reservation (0193)."""
        self.kept.let_go(end_session=end_session)


@contextmanager
def reserving(acting: ActingUser, reservation: Reservation) -> Iterator[Session]:
    """Step 1: a unit of work for the caller's reads that ends by reserving the credit (no credit is a
    NoCredits error), on a connection `reservation` keeps for the run until `metered` or `release` ends it."""
    from sqlalchemy.exc import DBAPIError

    with orm_unit_of_work(acting, kept=reservation.kept) as session:
        yield session
        try:
            rows.reserve_credit(session, request_id=reservation.request_id)
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == "P0001":
                raise NoCredits(NO_CREDITS) from None
            raise


def log_row(
    request_id: UUID, prompt: str, completion: Completion | None, links: LogLinks, model: str
) -> AiGenerationLog:
    return AiGenerationLog(
        request_id=request_id,
        prompt=prompt,
        completion=completion.text if completion else None,
        model=completion.model if completion else model,
        tokens_used=completion.tokens if completion else 0,
        success=completion is not None,
        blog_id=links.blog_id,
        persona_id=links.persona_id,
        template_id=links.template_id,
    )


class Guard:
    """A unit of work as `acting` that claims what a generation is for and stores its result.

    `with Guard(acting) as guard:` opens it; the caller locks the item in `guard.session` (a
    repository's FOR NO KEY UPDATE SKIP LOCKED: a row another run holds is passed by, not waited
    for), runs step 1 in a unit of work of its own as ever, and hands the guard to `metered`,
    which stores the result in it and commits it (`store`). Until then it holds nothing but the
    lock: no credit, no write, across the provider call. Leaving the block without that commit
    (an error, a stop) rolls it back, and the claim ends; a killed run's lock dies with its
    connection, so the next run takes the item at once (no lease to wait out). It is an
    `orm_guard_unit_of_work`: an `idle_in_transaction_session_timeout` or `transaction_timeout` the
    server sets does not end it under a long provider call.
    """

    def __init__(self, acting: ActingUser) -> None:
        self._open = ExitStack()
        self.session = self._open.enter_context(orm_guard_unit_of_work(acting))

    def __enter__(self) -> Guard:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._open.__exit__(kind, error, trace)

    def store(self, store: Callable[[Session, Completion], T], completion: Completion) -> T:
        """Step 3 in the guard, then its commit: the result stored and the claim ended together.
        Each try runs in a savepoint, so a concurrent generation's slug taken first (Conflict)
        undoes only that try, as a fresh unit of work would, and the next try stores again. Any
        other failure (a stop too) rolls the guard back at once, so that `metered` releasing the
        credit never waits for a lock the store took in it (the reservation it consumed)."""
        attempts = 0
        try:
            while True:
                try:
                    with translated_errors(), self.session.begin_nested():
                        stored = store(self.session, completion)
                    break
                except Conflict:
                    attempts += 1
                    if attempts == STORE_ATTEMPTS:
                        raise
            self._open.close()  # the commit
        except BaseException as exc:
            self._open.__exit__(type(exc), exc, exc.__traceback__)  # the rollback (none left after a commit)
            raise
        return stored


def metered(
    acting: ActingUser,
    *,
    reservation: Reservation,
    prompt: str,
    provider: ProviderConfig,
    links: LogLinks,
    call: Callable[[], Completion],
    store: Callable[[Session, Completion], T],
    guard: Guard | None = None,
) -> T:
    """Steps 2 and 3 for the request whose credit step 1 reserved; the store step logs the success,
    in `guard` when one claims the request's item (committed here: a failed commit releases the
    credit too), else in a unit of work of its own."""
    try:
        completion = call()
        if guard is not None:
            return guard.store(store, completion)
        attempts = 0
        while True:
            try:
                with orm_unit_of_work(acting) as session:
                    return store(session, completion)
            except Conflict:
                # A concurrent generation took the same slug first; the unit rolled back whole,
                # so storing again (without calling the provider again) is safe.
                attempts += 1
                if attempts == STORE_ATTEMPTS:
                    raise
    except BaseException:
        _release_and_log_failure(acting, reservation, prompt, provider.model, links)
        raise
    finally:
        reservation.let_go()


def complete_structured(
    provider: ProviderConfig,
    messages: list[dict[str, str]],
    *,
    response_format: dict[str, Any],
    parse: Callable[[str], T],
    what: str,
) -> tuple[T, Completion]:
    """A structured completion; a reply of the wrong shape (`parse` raises OffShape) is asked for
    once more, then an error saying what was wrong with it, in plain words."""
    tokens = 0
    wrong = ""
    for _attempt in range(2):
        completion = ai_provider.complete(provider, messages, response_format=response_format)
        tokens += completion.tokens
        try:
            parsed = parse(completion.text)
        except OffShape as exc:
            wrong = str(exc)
        else:
            return parsed, Completion(text=completion.text, tokens=tokens, model=completion.model)
        if completion.truncated:  # asking again would hit the same limit
            raise ai_provider.ProviderError(
                f"the AI provider at {provider.shown_url} stopped at its length limit (finish_reason length):"
                f" its {what} came as cut-short JSON; nothing was saved"
            )
    raise ai_provider.ProviderError(
        f"the AI's answer ({what}) was not in the expected shape, twice: {wrong}; nothing was saved or charged:"
        " try again, or use another model (`blogster ai setup --model NAME`)"
    )


def release(acting: ActingUser, *, reservation: Reservation) -> None:
    """Gives back a reservation when the request stops before the provider is called."""
    released = False
    try:
        with orm_unit_of_work(acting) as session:
            rows.release_credit(session, request_id=reservation.request_id)
        released = True
    finally:
        reservation.let_go(end_session=not released)


def _release_and_log_failure(
    acting: ActingUser, reservation: Reservation, prompt: str, model: str, links: LogLinks
) -> None:
    request_id = reservation.request_id
    released = False
    try:
        with orm_unit_of_work(acting) as session:
            rows.release_credit(session, request_id=request_id)
            rows.insert_log(session, log=log_row(request_id, prompt, None, links, model))
        released = True
    except BlogsterError:  # the original failure is what the user needs to see
        pass
    finally:
        if not released:  # refused or interrupted (a second Ctrl-C): the reservation ends with its session (0193)
            reservation.let_go(end_session=True)


# The saved idea a draft starts from (generation.draft and services/ideas.py).


IDEA = id_prefixes.Named("idea", "ideas", "blogster ideas list")


def resolve_idea_id(session: Session, acting: ActingUser, ref: str) -> UUID:
    """The id of my idea `ref` names: its id, or (as `newsletter` and `calendar` take theirs) its
    first characters, naming one idea only (`ideas save/discard/start`, `generate draft --idea`)."""
    wanted = id_prefixes.prefix(ref, IDEA)
    return id_prefixes.only(rows.idea_ids_starting(session, user_id=acting.actor.user_id, prefix=wanted), ref, IDEA)


def claim_idea(session: Session, acting: ActingUser, ref: str) -> UUID:
    """Claims my idea `ref` in a `Guard`'s session for the draft about to be written from it
    (`generate draft --idea`), as `generate batch` claims each idea it drafts; its id. An idea
    another run holds, or one already started as a post (`ideas start`, an earlier draft: a re-run
    after a kill that came just after the store), is refused at once (Conflict), before any credit
    or provider call."""
    idea_id = resolve_idea_id(session, acting, ref)
    if not rows.claim_idea(session, idea_id=idea_id):
        own_idea(session, acting, idea_id)  # gone meanwhile: not found
        raise Conflict(
            f"another run is drafting idea {idea_id} (a `blogster generate` still running): nothing was sent"
            " to the AI provider or charged; try again when it is done"
        )
    refuse_started(session, own_idea(session, acting, idea_id), NOT_DRAFTED_AGAIN)
    return idea_id


NOT_DRAFTED_AGAIN = ": it is not drafted again; nothing was sent to the AI provider or charged"


def refuse_started(session: Session, idea: BlogIdea, then: str = "") -> None:
    """An idea already started as a post gets no second one (`ideas start`, `generate draft --idea`,
    and, under the idea's row lock, the store of a draft from it): a Conflict naming that post,
    followed by `then`."""
    if idea.blog_id is not None:
        raise Conflict(f"idea {idea.id} was already started as a post ({post_name(session, idea.blog_id)}){then}")


def post_name(session: Session, blog_id: UUID) -> str:
    """The post's slug (its id, should it no longer be mine to see)."""
    from blogster_cli.db.orm import driver_connection
    from blogster_cli.repositories.blogs import find_own

    post = find_own(driver_connection(session), ref=str(blog_id), trashed=None)
    return post.slug if post is not None else str(blog_id)


def own_idea(session: Session, acting: ActingUser, idea_id: UUID, *, for_update: bool = False) -> BlogIdea:
    idea = rows.find_idea(session, idea_id=idea_id, for_update=for_update)
    if idea is None or idea.user_id != acting.actor.user_id:
        raise NotFound(f"no idea {idea_id} (see `blogster ideas list`)")
    return idea


def link_started(session: Session, idea_id: UUID, blog_id: UUID) -> None:
    """Links the idea to its new post, in the unit of work that stores the post: under the idea's
    row lock, an idea another post was linked to first is a Conflict, and the new post is not
    stored (two runs drafting one idea make one post)."""
    idea = rows.find_idea(session, idea_id=idea_id, for_update=True)
    if idea is not None:
        refuse_started(session, idea, ": this draft was not stored or charged")
        idea.blog_id, idea.status = blog_id, BlogIdeaStatus.IN_PROGRESS
        session.add(idea)
        session.flush()
