"""AI generation use cases: a credit reserved, the provider called, the result stored and logged.

Every generation runs in three steps, and the provider call is in no transaction:
1. one unit of work reads what the prompt needs and reserves one credit for a fresh
   request id (reserve_generation_credit: zero free credits is an error, and no call);
2. the provider is called;
3. one unit of work stores the result and its success log, whose trigger charges the
   credit and consumes the reservation, so the two make exactly one charge.
If the call or the store fails, or the user presses Ctrl-C, the reservation is
released and a failed log (which costs nothing) is written; nothing half-written stays,
unless the user asked to keep a partial draft: then what arrived is stored as a success.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.ai import prompts
from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.errors import BlogsterError, Conflict, InvalidInput, NotFound
from blogster_cli.models.content import AiGenerationLog
from blogster_cli.repositories import catalog
from blogster_cli.repositories import generation as rows
from blogster_cli.services import ai_provider
from blogster_cli.services.ai_provider import Completion
from blogster_cli.vocabulary import ActivityType, BlogIdeaStatus

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.models.extended import BlogIdea
    from blogster_cli.repositories.blogs import BlogRow

T = TypeVar("T")
NO_CREDITS = "no AI credits left (see: blogster credits)"
STORE_ATTEMPTS = 3


class NoCredits(BlogsterError):
    """Zero free credits: nothing was sent to the provider."""


@dataclass(frozen=True)
class LogLinks:
    """What a generation log points at (checked by RLS: only the actor's own or shared rows)."""

    blog_id: UUID | None = None
    persona_id: UUID | None = None
    template_id: UUID | None = None


def reserve(session: Session, request_id: UUID) -> None:
    """Step 1's reservation, in the caller's unit of work; no credit is a NoCredits error."""
    from sqlalchemy.exc import DBAPIError

    try:
        rows.reserve_credit(session, request_id=request_id)
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


def metered(
    acting: ActingUser,
    *,
    request_id: UUID,
    prompt: str,
    provider: ProviderConfig,
    links: LogLinks,
    call: Callable[[], Completion],
    store: Callable[[Session, Completion], T],
) -> T:
    """Steps 2 and 3 for a request whose credit step 1 reserved; the store step logs the success."""
    try:
        completion = call()
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
        _release_and_log_failure(acting, request_id, prompt, provider.model, links)
        raise


def complete_structured(
    provider: ProviderConfig,
    messages: list[dict[str, str]],
    *,
    response_format: dict[str, Any],
    parse: Callable[[str], T | None],
    what: str,
) -> tuple[T, Completion]:
    """A structured completion; a reply off the schema is asked for once more, then a clear error."""
    tokens = 0
    for _attempt in range(2):
        completion = ai_provider.complete(provider, messages, response_format=response_format)
        tokens += completion.tokens
        parsed = parse(completion.text)
        if parsed is not None:
            return parsed, Completion(text=completion.text, tokens=tokens, model=completion.model)
    raise ai_provider.ProviderError(
        f"the AI provider twice returned {what} that do not match the schema; nothing was saved"
    )


def release(acting: ActingUser, *, request_id: UUID) -> None:
    """Gives back a reservation when the request stops before the provider is called."""
    with orm_unit_of_work(acting) as session:
        rows.release_credit(session, request_id=request_id)


def _release_and_log_failure(acting: ActingUser, request_id: UUID, prompt: str, model: str, links: LogLinks) -> None:
    try:
        with orm_unit_of_work(acting) as session:
            rows.release_credit(session, request_id=request_id)
            rows.insert_log(session, log=log_row(request_id, prompt, None, links, model))
    except BlogsterError:
        pass  # the original failure is what the user needs to see; the reservation expires in an hour


@dataclass(frozen=True)
class DraftRequest:
    kind: str
    """'draft' or 'outline'."""
    topic: str | None = None
    idea: str | None = None
    """An idea's id (see: blogster ideas list), instead of a topic."""
    persona: str | None = None
    template: str | None = None
    keywords: tuple[str, ...] = ()
    use_sources: bool = False
    keep_partial: bool = False
    """On Ctrl-C, store the text that arrived so far as the draft (one credit) instead of nothing."""


def _persona_brief(row: catalog.PersonaRow) -> prompts.PersonaBrief:
    return prompts.PersonaBrief(
        name=row.name, description=row.description, occupation=row.occupation, age_range=row.age_range,
        interests=tuple(row.interests), pain_points=tuple(row.pain_points), goals=tuple(row.goals),
    )  # fmt: skip


# The saved idea a draft starts from (services/ideas.py uses these too: ideas build on
# generation, never the reverse).


def parse_idea_id(ref: str) -> UUID:
    try:
        return UUID(ref)
    except ValueError:
        raise InvalidInput(f"{ref!r} is not an idea id (see: blogster ideas list)") from None


def own_idea(session: Session, acting: ActingUser, idea_id: UUID, *, for_update: bool = False) -> BlogIdea:
    idea = rows.find_idea(session, idea_id=idea_id, for_update=for_update)
    if idea is None or idea.user_id != acting.actor.user_id:
        raise NotFound(f"no idea {idea_id} (see: blogster ideas list)")
    return idea


def link_started(session: Session, idea_id: UUID, blog_id: UUID) -> None:
    idea = rows.find_idea(session, idea_id=idea_id, for_update=True)
    if idea is not None:
        idea.blog_id, idea.status = blog_id, BlogIdeaStatus.IN_PROGRESS
        session.add(idea)
        session.flush()


def draft(
    acting: ActingUser, *, provider: ProviderConfig, request: DraftRequest, on_token: Callable[[str], None]
) -> BlogRow:
    """A new post (ai_generated) written by the provider for the persona and template; tokens stream out."""
    from blogster_cli.services import research
    from blogster_cli.services.blogs import NewBlog, insert_new

    if request.kind not in ("draft", "outline"):
        raise InvalidInput("kind must be draft or outline")
    if bool(request.topic and request.topic.strip()) == (request.idea is not None):
        raise InvalidInput("give either --topic or --idea")
    request_id = uuid.uuid4()
    with orm_unit_of_work(acting) as session:
        conn = driver_connection(session)
        persona = catalog.find_persona(conn, ref=request.persona) if request.persona else None
        if request.persona and persona is None:
            raise NotFound(f"no persona {request.persona!r} (see: blogster personas list)")
        template = catalog.find_template(conn, ref=request.template) if request.template else None
        if request.template and template is None:
            raise NotFound(f"no template {request.template!r} (see: blogster templates list)")
        idea = own_idea(session, acting, parse_idea_id(request.idea)) if request.idea else None
        sources = research.sources_for_next_draft(session, acting) if request.use_sources else []
        reserve(session, request_id)
    topic = idea.title if idea else (request.topic or "").strip()
    keywords = request.keywords or (tuple(idea.keywords) if idea else ())
    messages = prompts.assemble(
        request.kind,
        prompts.PromptInput(
            topic=topic,
            persona=_persona_brief(persona) if persona else None,
            template=prompts.TemplateBrief(template.name, template.structure) if template else None,
            keywords=keywords,
            sources=sources,
            idea_description=idea.description if idea else None,
        ),
    )
    prompt_text = prompts.as_text(messages)
    links = LogLinks(persona_id=persona.id if persona else None, template_id=template.id if template else None)

    def store(session: Session, completion: Completion) -> BlogRow:
        title, body = prompts.title_and_body(completion.text, fallback_title=topic)
        if not body.strip():
            raise ai_provider.ProviderError("the AI provider returned an empty post; nothing was saved")
        new = NewBlog(
            title=title, markdown=body, persona_id=links.persona_id, template_id=links.template_id,
            sections=template.structure if template else [], meta_keywords=list(keywords) or None, ai_generated=True,
        )  # fmt: skip
        blog = insert_new(driver_connection(session), new, activity_type=ActivityType.GENERATED)
        rows.insert_log(
            session,
            log=log_row(
                request_id,
                prompt_text,
                completion,
                LogLinks(blog.id, links.persona_id, links.template_id),
                provider.model,
            ),
        )
        if idea is not None:
            link_started(session, idea.id, blog.id)
        return blog

    def call() -> Completion:
        arrived: list[str] = []

        def collect(piece: str) -> None:
            arrived.append(piece)
            on_token(piece)

        try:
            return ai_provider.stream(provider, messages, collect)
        except KeyboardInterrupt:
            if not request.keep_partial or not "".join(arrived).strip():
                raise
            # The provider sends usage only at the end: an interrupted stream's tokens are unknown.
            return Completion(text="".join(arrived), tokens=0, model=provider.model)

    return metered(
        acting, request_id=request_id, prompt=prompt_text, provider=provider, links=links, call=call, store=store
    )


@dataclass(frozen=True)
class BatchSummary:
    drafted: list[dict[str, str]]
    failed: list[dict[str, str]]

    @property
    def ok(self) -> bool:
        return not self.failed


def batch(
    acting: ActingUser, *, provider: ProviderConfig, count: int, persona: str | None = None,
    template: str | None = None,
) -> BatchSummary:  # fmt: skip
    """Drafts up to `count` saved ideas, oldest first, unattended (for cron).

    Resumable: each drafted idea is linked to its post in the same unit of work that
    stores it, and only saved ideas without a post are taken, so a run after a crash
    goes on with the rest. Running out of credits stops the batch.
    """

    if not 1 <= count <= 100:
        raise InvalidInput("--ideas must be between 1 and 100")
    with orm_unit_of_work(acting) as session:
        saved = rows.list_ideas(session, user_id=acting.actor.user_id, statuses=[BlogIdeaStatus.SAVED])
        pending = [str(idea.id) for idea in reversed(saved) if idea.blog_id is None][:count]
    drafted: list[dict[str, str]] = []
    failed: list[dict[str, str]] = []
    for idea_id in pending:
        request = DraftRequest(kind="draft", idea=idea_id, persona=persona, template=template)
        try:
            blog = draft(acting, provider=provider, request=request, on_token=lambda piece: None)
        except BlogsterError as exc:
            failed.append({"idea_id": idea_id, "error": str(exc)})
            if isinstance(exc, NoCredits):
                break
            continue
        drafted.append({"idea_id": idea_id, "slug": blog.slug, "blog_id": str(blog.id)})
    return BatchSummary(drafted=drafted, failed=failed)
