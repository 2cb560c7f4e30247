"""AI generation use cases: `generate draft` and `generate batch`, each in the three steps
every generation shares (reserve a credit, call the provider outside any transaction, store
and log), which services/generation_steps.py holds and describes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.ai import prompts
from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.errors import BlogsterError, Interrupted, InvalidInput, NotFound
from blogster_cli.repositories import catalog
from blogster_cli.repositories import generation as rows
from blogster_cli.services import ai_provider
from blogster_cli.services.ai_provider import Completion
from blogster_cli.services.generation_steps import (
    Guard,
    LogLinks,
    Reservation,
    claim_idea,
    link_started,
    log_row,
    metered,
    own_idea,
    reserving,
    resolve_idea_id,
)
from blogster_cli.services.generation_steps import NoCredits as NoCredits  # re-exported: the error `generate` stops on
from blogster_cli.services.post_steps import NewBlog, find_own, insert_new
from blogster_cli.vocabulary import ActivityType, BlogIdeaStatus

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.repositories.blogs import BlogRow


@dataclass(frozen=True)
class DraftRequest:
    kind: str
    """'draft' or 'outline'."""
    topic: str | None = None
    idea: str | None = None
    """An idea's id (see `blogster ideas list`), instead of a topic."""
    persona: str | None = None
    template: str | None = None
    keywords: tuple[str, ...] = ()
    use_sources: bool = False
    keep_partial: bool = False
    """On Ctrl-C, or an answer the provider cut short (`ai_provider.CutShort`), store the text that
    arrived so far as the draft (one credit) instead of nothing."""


def _persona_brief(row: catalog.PersonaRow) -> prompts.PersonaBrief:
    return prompts.PersonaBrief(
        name=row.name, description=row.description, occupation=row.occupation, age_range=row.age_range,
        interests=tuple(row.interests), pain_points=tuple(row.pain_points), goals=tuple(row.goals),
    )  # fmt: skip


def _sources_for_next_draft(session: Session, acting: ActingUser) -> tuple[list[UUID], list[prompts.SourceBrief]]:
    """My research sources not yet tied to a post (`research add` without a post: "for your next
    draft with --sources"): their ids, tied to the draft when it is stored, and what it may cite."""
    found = rows.unattached_sources(session, user_id=acting.actor.user_id)
    briefs = [
        prompts.SourceBrief(
            title=s.title or s.url or "untitled",
            url=s.url,
            author=s.author,
            published=s.publication_date.isoformat() if s.publication_date else None,
        )  # fmt: skip
        for s in found
    ]
    return [s.id for s in found], briefs


def draft(
    acting: ActingUser, *, provider: ProviderConfig, request: DraftRequest, on_token: Callable[[str], None],
    on_warning: Callable[[str], None] = lambda text: None,
) -> BlogRow:  # fmt: skip
    """A new post (ai_generated) written by the provider for the persona and template; tokens stream out.
    `on_warning` hears why a draft kept by `keep_partial` is not the whole answer.

    A draft from an idea claims it first, in a `Guard`, as `batch` claims each idea it drafts: an idea
    another run is drafting, or one already started as a post (as `ideas start` refuses it), is
    refused at once (Conflict), before a credit is reserved or the provider called, rather than
    failing at its store after its own call was paid for, or making the idea a second post."""
    _check(request)
    if request.idea is None:
        return _draft(acting, provider=provider, request=request, on_token=on_token, on_warning=on_warning)
    with Guard(acting) as guard:
        claimed = replace(request, idea=str(claim_idea(guard.session, acting, request.idea)))
        return _draft(acting, provider=provider, request=claimed, on_token=on_token, on_warning=on_warning, guard=guard)


def _check(request: DraftRequest) -> None:
    if request.kind not in ("draft", "outline"):
        raise InvalidInput("kind must be draft or outline")
    if bool(request.topic and request.topic.strip()) == (request.idea is not None):
        raise InvalidInput("give either --topic or --idea")


def _draft(
    acting: ActingUser, *, provider: ProviderConfig, request: DraftRequest, on_token: Callable[[str], None],
    on_warning: Callable[[str], None] = lambda text: None, guard: Guard | None = None,
) -> BlogRow:  # fmt: skip
    """`draft`, stored in `guard` when one holds the claim on the request's idea (`draft --idea`, `batch`)."""
    _check(request)
    request_id = uuid.uuid4()
    with Reservation(request_id, provider) as reservation:
        with reserving(acting, reservation) as session:
            conn = driver_connection(session)
            persona = catalog.find_persona(conn, ref=request.persona) if request.persona else None
            if request.persona and persona is None:
                raise NotFound(f"no persona {request.persona!r} (see `blogster personas list`)")
            template = catalog.find_template(conn, ref=request.template) if request.template else None
            if request.template and template is None:
                raise NotFound(f"no template {request.template!r} (see `blogster templates list`)")
            idea = own_idea(session, acting, resolve_idea_id(session, acting, request.idea)) if request.idea else None
            source_ids, sources = _sources_for_next_draft(session, acting) if request.use_sources else ([], [])
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
            if source_ids:  # cited by this draft, so no later --sources draft cites them again
                rows.tie_sources(session, source_ids=source_ids, blog_id=blog.id)
            return blog

        def has_body(text: str) -> bool:
            """Whether `text` holds some of the post below its title: what `keep_partial` can keep."""
            return bool(prompts.title_and_body(text, fallback_title=topic)[1].strip())

        def call() -> Completion:
            arrived: list[str] = []

            def collect(piece: str) -> None:
                arrived.append(piece)
                on_token(piece)

            try:
                return ai_provider.stream(provider, messages, collect)
            except KeyboardInterrupt as exc:
                text = "".join(arrived)
                if not request.keep_partial:
                    raise
                if not has_body(text):
                    if type(exc) is not KeyboardInterrupt:  # SIGTERM, SIGHUP: the front end says which
                        raise
                    only = " (only its title)" if text.strip() else ""
                    raise Interrupted(
                        f"interrupted before any of the post's text arrived{only}; nothing was saved"
                    ) from None
                # The provider sends usage only at the end: an interrupted stream's tokens are unknown.
                return Completion(text=text, tokens=0, model=provider.model)
            except ai_provider.CutShort as exc:
                if not request.keep_partial or not has_body(exc.partial.text):
                    raise
                on_warning(f"{exc.reason}; what arrived is kept as the draft (--keep-partial)")
                return exc.partial

        return metered(
            acting, reservation=reservation, prompt=prompt_text, provider=provider, links=links, call=call, store=store,
            guard=guard,
        )  # fmt: skip


@dataclass(frozen=True)
class BatchSummary:
    drafted: list[dict[str, str]]
    failed: list[dict[str, str]]
    skipped: list[dict[str, str]] = field(default_factory=list)
    """Saved ideas the batch took but did not try, with the reason (the credits ran out before them):
    the next run drafts them. Never an idea another run is drafting meanwhile."""
    unsaved: int = 0
    """Ideas still `new` (as `generate ideas` leaves them), which a batch does not take: said when
    no saved idea was left to draft."""
    held: int = 0
    """Saved ideas without a post that other runs (an overlapping batch) held when this one found
    none free to take: said then, instead of "none left"."""
    stopped: KeyboardInterrupt | None = None
    """What stopped the batch early: Ctrl-C, or SIGTERM/SIGHUP (which the CLI raises as Ctrl-C's
    kin). The draft in flight was abandoned, its credit released, and it and the ideas after it
    are in `skipped`; the front end shows the summary, then raises this again for its exit code."""

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def interrupted(self) -> bool:
        return self.stopped is not None

    def as_dict(self) -> dict[str, Any]:
        """The run's JSON summary: each idea drafted, failed or skipped, their counts, and whether
        a stop (Ctrl-C, SIGTERM) cut the run short."""
        lists = {"drafted": self.drafted, "failed": self.failed, "skipped": self.skipped}
        return {**lists, "counts": {name: len(items) for name, items in lists.items()}, "interrupted": self.interrupted}


ABANDONED = "stopped while it was being drafted: nothing was saved or charged; the next run takes it"
NOT_REACHED = "not tried: the run was stopped first; the next run takes it"


def batch(
    acting: ActingUser, *, provider: ProviderConfig, count: int, persona: str | None = None,
    template: str | None = None,
) -> BatchSummary:  # fmt: skip
    """Drafts up to `count` saved ideas, oldest first, unattended (for cron).

    Resumable: each drafted idea is linked to its post in the same unit of work that
    stores it, and only saved ideas without a post are taken, so a run after a crash
    goes on with the rest. Overlapping runs of one account (a cron run and a manual one) share
    the work: each idea is claimed in a `Guard` (its row lock, held from before its credit is
    reserved until its post is stored, in that same unit of work) and a run takes the oldest idea
    no other run holds, so each idea is drafted once, by one run; a killed run's claim dies with
    its connection. Running out of credits stops the batch. So does Ctrl-C (or SIGTERM,
    SIGHUP): the draft in flight is abandoned as a single `generate draft`'s is (its credit
    released), and the summary says so (`stopped`) with what was done until then.
    """

    if not 1 <= count <= 100:
        raise InvalidInput("--ideas must be between 1 and 100")
    user_id = acting.actor.user_id
    tried: list[str] = []  # the ideas this run claimed, in order: never claimed again by it
    drafted: list[dict[str, str]] = []
    failed: list[dict[str, str]] = []
    skipped: list[dict[str, str]] = []
    unsaved = held = 0
    try:
        while len(tried) < count:
            try:
                with Guard(acting) as guard:
                    claimed = rows.free_undrafted_ideas(guard.session, user_id=user_id, excluding=_ids(tried), limit=1)
                    if not claimed:
                        if not tried:
                            unsaved = rows.count_ideas(guard.session, user_id=user_id, status=BlogIdeaStatus.NEW)
                            held = rows.count_undrafted_ideas(guard.session, user_id=user_id)
                        break
                    tried.append(str(claimed[0]))
                    request = DraftRequest(kind="draft", idea=tried[-1], persona=persona, template=template)
                    blog = _draft(acting, provider=provider, request=request, on_token=lambda piece: None, guard=guard)
            except BlogsterError as exc:
                if len(tried) == len(drafted) + len(failed):  # no idea claimed: the batch itself fails
                    raise
                failed.append({"idea_id": tried[-1], "error": str(exc)})
                if isinstance(exc, NoCredits):
                    skipped = [{"idea_id": rest, "reason": str(exc)} for rest in _not_tried(acting, tried, count)]
                    break
                continue
            drafted.append({"idea_id": tried[-1], "slug": blog.slug, "blog_id": str(blog.id)})
    except KeyboardInterrupt as stop:
        # Ctrl-C, SIGTERM or SIGHUP: the draft in flight was abandoned (metered released its credit),
        # unless the stop came just after it was stored: the idea's post then says so.
        done = {d["idea_id"] for d in drafted} | {f["idea_id"] for f in failed}
        in_flight = tried[-1] if tried and tried[-1] not in done else None
        stored, rest = _after_stop(acting, in_flight, tried, count)
        if stored is not None:
            drafted.append(stored)
        elif in_flight is not None:
            skipped.append({"idea_id": in_flight, "reason": ABANDONED})
        skipped += [{"idea_id": idea_id, "reason": NOT_REACHED} for idea_id in rest]
        return BatchSummary(drafted=drafted, failed=failed, skipped=skipped, unsaved=unsaved, stopped=stop)
    return BatchSummary(drafted=drafted, failed=failed, skipped=skipped, unsaved=unsaved, held=held)


def _ids(ideas: list[str]) -> list[UUID]:
    return [UUID(idea_id) for idea_id in ideas]


def _free_ideas(session: Session, acting: ActingUser, tried: list[str], count: int) -> list[str]:
    """The ideas this run would have gone on to: as many as it had left of `count`, oldest first,
    free (none another run is drafting; they are locked only until the caller's unit of work ends)."""
    if len(tried) >= count:
        return []
    found = rows.free_undrafted_ideas(
        session, user_id=acting.actor.user_id, excluding=_ids(tried), limit=count - len(tried)
    )
    return [str(idea_id) for idea_id in found]


def _not_tried(acting: ActingUser, tried: list[str], count: int) -> list[str]:
    """`_free_ideas` after the credits ran out; a failure to look lists none (the summary is said)."""
    try:
        with orm_unit_of_work(acting) as session:
            return _free_ideas(session, acting, tried, count)
    except BlogsterError:
        return []


def _after_stop(
    acting: ActingUser, in_flight: str | None, tried: list[str], count: int
) -> tuple[dict[str, str] | None, list[str]]:
    """After a stop: the drafted entry of the idea it came upon, if its post was stored before the
    stop (the idea is linked to its post in the unit of work that stores it), else None; and the
    ideas not reached (`_free_ideas`). A failure to look (or a second stop meanwhile) reads as not
    drafted and none left: the summary is said either way."""
    try:
        with orm_unit_of_work(acting) as session:
            stored = None
            idea = rows.find_idea(session, idea_id=UUID(in_flight)) if in_flight else None
            if idea is not None and idea.blog_id is not None:
                blog = find_own(driver_connection(session), str(idea.blog_id))
                stored = {"idea_id": str(idea.id), "slug": blog.slug, "blog_id": str(blog.id)}
            return stored, _free_ideas(session, acting, tried, count)
    except (BlogsterError, KeyboardInterrupt):
        return None, []
