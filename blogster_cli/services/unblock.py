"""Writer's block: suggestions for how to go on from where a post stops, one applied as a revision.

Generating the suggestions costs one credit (a writers_block_sessions row records
the text, the fragment, the suggestions and the tokens); applying one is free and
appends it to the post as a new revision, recording which one was chosen. Like every
other edit, applying refuses (Conflict) to write over a post that changed since the
suggestions were made for it: the writer's newer edit is kept and nothing is appended.

`choose` applies suggestion N of the last list made for a post (`unblock POST --choose N`,
after `unblock POST` showed it): no new call, no credit. That list is the post's newest
writers_block_sessions row; it is stale once the post's text is no longer the text it was
made for (`initial_content`: an edit, a restored revision, or one of its suggestions
already appended), and then refused (Conflict) rather than appended to another text.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.ai import metadata, prompts
from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.errors import Conflict, InvalidInput, NotFound
from blogster_cli.models.unblock import WritersBlockSession
from blogster_cli.repositories import generation as rows
from blogster_cli.services import generation_steps
from blogster_cli.services.ai_provider import Completion
from blogster_cli.services.generation_steps import LogLinks, log_row

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.repositories.blogs import BlogRow

FRAGMENT_CHARS = 1500


@dataclass(frozen=True)
class UnblockSession:
    id: UUID
    blog_id: UUID
    suggestions: list[dict[str, str]]
    """[{"id": "1", "text": ...}, ...]"""
    selected_suggestion_id: str | None
    tokens_used: int
    blog_updated_at: datetime
    """The post's updated_at when the suggestions were made: `apply` refuses if it changed since."""


def _public(row: WritersBlockSession, blog_updated_at: datetime) -> UnblockSession:
    return UnblockSession(
        row.id, row.blog_id, list(row.suggestions), row.selected_suggestion_id, row.tokens_used, blog_updated_at
    )


def fragment_of(markdown: str) -> str:
    """The last paragraphs of the post, where the writer stopped."""
    return markdown.rstrip()[-FRAGMENT_CHARS:]


def suggest(acting: ActingUser, *, ref: str, provider: ProviderConfig, count: int = 3) -> UnblockSession:
    from blogster_cli.services.post_steps import find_own

    if not 1 <= count <= 10:
        raise InvalidInput("--count must be between 1 and 10")
    request_id = uuid.uuid4()
    with generation_steps.Reservation(request_id, provider) as reservation:
        with generation_steps.reserving(acting, reservation) as session:
            blog: BlogRow = find_own(driver_connection(session), ref, with_content=True)
        markdown = (blog.content or {}).get("markdown", "")
        fragment = fragment_of(markdown)
        extra = {"title": blog.title, "body": fragment or "(nothing written yet)", "count": count}
        messages = prompts.assemble("unblock", prompts.PromptInput(topic=blog.title, count=count, extra=extra))
        prompt_text = prompts.as_text(messages)
        found: list[str] = []
        links = LogLinks(blog.id, blog.persona_id, blog.template_id)

        def call() -> Completion:
            suggestions, completion = generation_steps.complete_structured(
                provider, messages, response_format=metadata.response_format(metadata.SuggestionsOut, "suggestions"),
                parse=metadata.parse_suggestions, what="suggestions",
            )  # fmt: skip
            found.extend(suggestions[:count])
            return completion

        def store(session: Session, completion: Completion) -> UnblockSession:
            row = WritersBlockSession(
                user_id=acting.actor.user_id, blog_id=blog.id, initial_content=markdown, content_fragment=fragment,
                suggestions=[{"id": str(n), "text": text} for n, text in enumerate(found, start=1)],
                tokens_used=completion.tokens,
            )  # fmt: skip
            session.add(row)
            session.flush()
            rows.insert_log(session, log=log_row(request_id, prompt_text, completion, links, provider.model))
            return _public(row, blog.updated_at)

        return generation_steps.metered(
            acting, reservation=reservation, prompt=prompt_text, provider=provider, links=links, call=call, store=store
        )


def _append(session: Session, blog: BlogRow, chosen: str, expected_updated_at: datetime) -> dict[str, Any]:
    """Appends `chosen` to the post (a new revision) unless it changed since `expected_updated_at`; the
    values written, for `post_steps.as_saved`."""
    from blogster_cli.repositories import blogs as blog_rows
    from blogster_cli.services.post_steps import content_to_store

    markdown = (blog.content or {}).get("markdown", "")
    values = {"content": content_to_store(blog, markdown=markdown.rstrip("\n") + "\n\n" + chosen.strip() + "\n")}
    conn = driver_connection(session)
    if blog_rows.update(conn, blog_id=blog.id, values=values, expected_updated_at=expected_updated_at) is None:
        raise Conflict(f"'{blog.slug}' changed since the suggestions were made; nothing was appended")
    return values


def choose(acting: ActingUser, *, ref: str, number: int) -> tuple[UnblockSession, BlogRow]:
    """Appends suggestion `number` of the last list made for the post (no provider call, no credit).

    NotFound if the post has no list yet; InvalidInput if the list has no suggestion `number`;
    Conflict if the post's text changed since the list was made for it (the list is stale:
    `unblock POST` makes a new one).
    """
    from blogster_cli.services.post_steps import as_saved, find_own

    with orm_unit_of_work(acting) as session:
        conn = driver_connection(session)
        blog: BlogRow = find_own(conn, ref, with_content=True)
        row = rows.last_unblock_session(session, user_id=acting.actor.user_id, blog_id=blog.id, for_update=True)
        if row is None:
            raise NotFound(f"no suggestions for '{blog.slug}' to choose from: run `blogster unblock {blog.slug}` first")
        wanted = str(number)
        chosen = next((s["text"] for s in row.suggestions if s.get("id") == wanted), None)
        if chosen is None:
            listed = ", ".join(str(s.get("id")) for s in row.suggestions)
            choices = f"choose one of {listed}" if listed else f"it is empty: run `blogster unblock {blog.slug}`"
            raise InvalidInput(f"no suggestion {number} in the last list for '{blog.slug}': {choices}")
        if (blog.content or {}).get("markdown", "") != (row.initial_content or ""):
            since = (
                f"suggestion {row.selected_suggestion_id} of them was appended"
                if row.selected_suggestion_id
                else "the post's text changed"
            )
            raise Conflict(
                f"the last suggestions for '{blog.slug}' were made for an earlier text ({since} since);"
                f" nothing was appended: run `blogster unblock {blog.slug}` for new ones"
            )
        values = _append(session, blog, chosen, blog.updated_at)
        row.selected_suggestion_id = wanted
        session.add(row)
        session.flush()
        updated = as_saved(find_own(conn, str(blog.id), with_content=True), blog, values)
        return _public(row, updated.updated_at), updated


def apply(acting: ActingUser, *, session_id: UUID, suggestion_id: str, expected_updated_at: datetime) -> BlogRow:
    """Appends the chosen suggestion to the post (a new revision) and records the choice.

    `expected_updated_at` is the post's updated_at the suggestions were made for
    (`UnblockSession.blog_updated_at`): if the post changed since, nothing is written
    and Conflict is raised, so a newer edit is never overwritten.
    """
    from blogster_cli.services.post_steps import as_saved, find_own

    with orm_unit_of_work(acting) as session:
        row = session.get(WritersBlockSession, session_id, with_for_update=True)
        if row is None or row.user_id != acting.actor.user_id:
            raise NotFound(f"no writer's block session {session_id}")
        chosen = next((s["text"] for s in row.suggestions if s.get("id") == suggestion_id), None)
        if chosen is None:
            raise InvalidInput(f"choose one of {', '.join(s['id'] for s in row.suggestions)}")
        conn = driver_connection(session)
        blog = find_own(conn, str(row.blog_id), with_content=True)
        values = _append(session, blog, chosen, expected_updated_at)
        row.selected_suggestion_id = suggestion_id
        session.add(row)
        session.flush()
        return as_saved(find_own(conn, str(blog.id), with_content=True), blog, values)
