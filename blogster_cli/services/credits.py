"""AI credits and the generation log, as the acting user sees them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.ai.pricing import estimated_cost_usd
from blogster_cli.ai.prompts import logged_kind
from blogster_cli.db.orm import orm_unit_of_work
from blogster_cli.models.content import AiGenerationLog
from blogster_cli.repositories import generation as rows


@dataclass(frozen=True)
class LogEntry:
    id: UUID
    request_id: UUID
    created_at: datetime | None
    model: str | None
    success: bool
    tokens_used: int
    estimated_cost_usd: float
    prompt: str | None
    completion: str | None
    blog_id: UUID | None
    persona_id: UUID | None
    template_id: UUID | None
    kind: str = ""
    """What the generation was (draft, seo, rewrite, image, transcribe...), read from its prompt."""

    @property
    def request(self) -> str:
        """The prompt's task (the user message), without the system message every chat prompt
        starts with: what tells one row from another (not in --json, which has the whole prompt)."""
        return logged_kind(self.prompt).request


@dataclass(frozen=True)
class CreditsReport:
    tier: str | None
    credits_remaining: int
    credits_held: int
    """Reserved by generations running now: charged when they succeed, given back when they fail."""
    credits_available: int
    """What a new generation may still use: remaining less held."""
    credits_used: int
    recent: list[LogEntry]


def _entry(log: AiGenerationLog, prices: Mapping[str, float] | None) -> LogEntry:
    return LogEntry(
        id=log.id, request_id=log.request_id, created_at=log.created_at, model=log.model, success=log.success,
        tokens_used=log.tokens_used, estimated_cost_usd=estimated_cost_usd(log.model, log.tokens_used, prices),
        prompt=log.prompt, completion=log.completion, blog_id=log.blog_id, persona_id=log.persona_id,
        template_id=log.template_id, kind=logged_kind(log.prompt).kind,
    )  # fmt: skip


def summary(acting: ActingUser, *, recent: int | None = 10, prices: Mapping[str, float] | None = None) -> CreditsReport:
    """Remaining, held and used credits of my active plan, and my latest `recent` generations (None: all;
    `prices`: the ai_prices table)."""
    with orm_unit_of_work(acting) as session:
        plan = rows.active_subscription(session, user_id=acting.actor.user_id)
        logs = rows.recent_logs(session, user_id=acting.actor.user_id, query=None, limit=recent)
        remaining = plan.credits_remaining if plan else 0
        held = rows.held_credits(session)
        return CreditsReport(
            tier=plan.subscription_tier.value if plan else None,
            credits_remaining=remaining,
            credits_held=held,
            credits_available=max(remaining - held, 0),
            credits_used=plan.credits_used if plan else 0,
            recent=[_entry(log, prices) for log in logs],
        )


def logs(
    acting: ActingUser, *, query: str | None = None, limit: int | None = 20, prices: Mapping[str, float] | None = None
) -> list[LogEntry]:
    """My generations, newest first, optionally those whose prompt or completion match `query` (limit None: all)."""
    with orm_unit_of_work(acting) as session:
        found = rows.recent_logs(session, user_id=acting.actor.user_id, query=query, limit=limit)
        return [_entry(log, prices) for log in found]
