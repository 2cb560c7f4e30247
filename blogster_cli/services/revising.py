"""AI work on an existing post: rewrite, expand or continue it (a new revision), SEO metadata, social copy.

Same three steps as every generation (services/generation_steps.py): read the post and
reserve a credit, call the provider, store and log. The store step updates the post
only if nobody changed it meanwhile (Conflict otherwise: nothing saved, no charge).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.ai import metadata, prompts, sections
from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.db.orm import driver_connection
from blogster_cli.distribution.social import PLATFORM_LIMITS
from blogster_cli.errors import ConfigError, Conflict, InvalidInput
from blogster_cli.repositories import blogs as blog_rows
from blogster_cli.repositories import generation as rows
from blogster_cli.services import ai_provider, generation_steps
from blogster_cli.services.ai_provider import Completion
from blogster_cli.services.generation_steps import LogLinks, log_row
from blogster_cli.vocabulary import ActivityType, SocialPlatform

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.repositories.blogs import BlogRow

REVISIONS = ("rewrite", "expand", "continue")


def _read(acting: ActingUser, ref: str, reservation: generation_steps.Reservation) -> BlogRow:
    from blogster_cli.services.post_steps import find_own

    with generation_steps.reserving(acting, reservation) as session:
        return find_own(driver_connection(session), ref, with_content=True)


def _markdown(blog: BlogRow) -> str:
    markdown = (blog.content or {}).get("markdown")
    return markdown if isinstance(markdown, str) else ""


def _save(session: Session, blog: BlogRow, values: dict[str, Any], what: str) -> BlogRow:
    """Updates my post if it is unchanged since it was read, and records the activity; the row returned
    names what the save left out of the content (`post_steps.as_saved`)."""
    from blogster_cli.repositories import activities
    from blogster_cli.services.post_steps import as_saved, find_own

    conn = driver_connection(session)
    if blog_rows.update(conn, blog_id=blog.id, values=values, expected_updated_at=blog.updated_at) is None:
        raise Conflict(f"'{blog.slug}' changed while the AI was writing; nothing was saved")
    activities.record(
        conn, type=ActivityType.GENERATED, title=blog.title, description=f"AI {what} of '{blog.title}'",
        blog_id=blog.id, metadata={"fields": sorted(values), "ai": what},
    )  # fmt: skip
    return as_saved(find_own(conn, str(blog.id), with_content=True), blog, values)


def _links(blog: BlogRow) -> LogLinks:
    return LogLinks(blog_id=blog.id, persona_id=blog.persona_id, template_id=blog.template_id)


def revise(
    acting: ActingUser, *, ref: str, provider: ProviderConfig, kind: str, section: int | None,
    on_token: Callable[[str], None],
) -> BlogRow:  # fmt: skip
    """rewrite / expand the post or one section, or continue it; saved as a new revision."""
    if kind not in REVISIONS:
        raise InvalidInput(f"kind must be one of {', '.join(REVISIONS)}")
    if kind == "continue" and section is not None:
        raise InvalidInput("continue writes at the end of the post; it takes no --section")
    request_id = uuid.uuid4()
    with generation_steps.Reservation(request_id, provider) as reservation:
        blog = _read(acting, ref, reservation)
        markdown = _markdown(blog)
        try:
            target = sections.section(markdown, section) if section else markdown
            if not target.strip():
                raise InvalidInput(f"'{blog.slug}' has no text to {kind}")
        except InvalidInput:
            generation_steps.release(acting, reservation=reservation)
            raise
        body = target[-prompts.MAX_POST_CHARS :] if kind == "continue" else target[: prompts.MAX_POST_CHARS]
        messages = prompts.assemble(
            kind,
            prompts.PromptInput(topic=blog.title, extra={"title": blog.title, "body": body, "section_number": section}),
        )
        prompt_text = prompts.as_text(messages)

        def store(session: Session, completion: Completion) -> BlogRow:
            from blogster_cli.services.post_steps import content_to_store

            text = completion.text.strip()
            if not text:
                raise ai_provider.ProviderError("the AI provider returned nothing; the post is unchanged")
            if kind == "continue":
                updated = markdown.rstrip("\n") + "\n\n" + text + "\n"
            elif section:
                updated = sections.replace_section(markdown, section, text)
            else:
                updated = text + "\n"
            saved = _save(session, blog, {"content": content_to_store(blog, markdown=updated)}, kind)
            rows.insert_log(session, log=log_row(request_id, prompt_text, completion, _links(blog), provider.model))
            return saved

        return generation_steps.metered(
            acting, reservation=reservation, prompt=prompt_text, provider=provider, links=_links(blog),
            call=lambda: ai_provider.stream(provider, messages, on_token), store=store,
        )  # fmt: skip


def seo(acting: ActingUser, *, ref: str, provider: ProviderConfig) -> BlogRow:
    """meta_description (at most 160 characters) and meta_keywords for the post."""
    request_id = uuid.uuid4()
    with generation_steps.Reservation(request_id, provider) as reservation:
        blog = _read(acting, ref, reservation)
        extra = {"title": blog.title, "body": _markdown(blog)[: prompts.MAX_POST_CHARS]}
        messages = prompts.assemble("seo", prompts.PromptInput(topic=blog.title, extra=extra))
        prompt_text = prompts.as_text(messages)
        result: list[metadata.SeoOut] = []

        def call() -> Completion:
            seo_out, completion = generation_steps.complete_structured(
                provider, messages, response_format=metadata.response_format(metadata.SeoOut, "seo_metadata"),
                parse=metadata.parse_seo, what="SEO metadata",
            )  # fmt: skip
            result.append(seo_out)
            return completion

        def store(session: Session, completion: Completion) -> BlogRow:
            out = result[0]
            keywords = list(dict.fromkeys(k.strip() for k in out.meta_keywords if k.strip()))
            values = {"meta_description": out.meta_description.strip(), "meta_keywords": keywords}
            saved = _save(session, blog, values, "SEO metadata")
            rows.insert_log(session, log=log_row(request_id, prompt_text, completion, _links(blog), provider.model))
            return saved

        return generation_steps.metered(
            acting, reservation=reservation, prompt=prompt_text, provider=provider, links=_links(blog), call=call,
            store=store,
        )  # fmt: skip


@dataclass(frozen=True)
class SocialDraft:
    id: UUID
    blog_id: UUID
    platform: str
    content: str
    hashtags: list[str]
    length: int
    limit: int
    post_status: str
    link: str | None = None
    """The blog post's address, which goes out after the text (counted in `length`)."""


def social(acting: ActingUser, *, ref: str, provider: ProviderConfig, platform: str, base_domain: str) -> SocialDraft:
    """A social_media_posts draft for `platform`, within its length limit with the link to the
    post (which the prompt gives the model) and its hashtags."""
    from blogster_cli.distribution.social import X_LINK_LENGTH
    from blogster_cli.models.social import SocialMediaPost, SocialMediaProfile
    from blogster_cli.publish.titles import shown_title
    from blogster_cli.services.post_steps import find_own
    from blogster_cli.services.site_address import post_link
    from blogster_cli.vocabulary import SocialPostStatus

    try:
        chosen = SocialPlatform(platform)
    except ValueError:
        raise InvalidInput(f"--platform must be one of {', '.join(SocialPlatform)}") from None
    limit = PLATFORM_LIMITS[chosen.value]
    request_id = uuid.uuid4()
    with generation_steps.Reservation(request_id, provider) as reservation:
        with generation_steps.reserving(acting, reservation) as session:
            conn = driver_connection(session)
            blog = find_own(conn, ref, with_content=True)
            link = post_link(conn, slug=blog.slug, published_at=blog.published_at, base_domain=base_domain)
        # The post's title as readers see it on the site, so the social post quotes its words, not its markup.
        title = shown_title(blog.title, _markdown(blog))[0]
        link_length = (X_LINK_LENGTH if chosen == SocialPlatform.TWITTER else len(link)) if link else 0
        extra = {"title": title, "body": _markdown(blog)[: prompts.MAX_POST_CHARS], "platform": chosen.value,
                 "limit": limit, "link": link or "", "link_length": link_length}  # fmt: skip
        messages = prompts.assemble("social", prompts.PromptInput(topic=title, extra=extra))
        prompt_text = prompts.as_text(messages)
        result: list[metadata.SocialOut] = []

        def call() -> Completion:
            post, completion = generation_steps.complete_structured(
                provider, messages, response_format=metadata.response_format(metadata.SocialOut, "social_post"),
                parse=lambda text: metadata.parse_social(text, chosen.value, link), what=f"{chosen.value} posts",
            )  # fmt: skip
            result.append(post)
            return completion

        def store(session: Session, completion: Completion) -> SocialDraft:
            out = result[0]
            profile = rows.social_profile(session, user_id=acting.actor.user_id, platform=chosen)
            if profile is None:
                # Drafts need a profile row; one not yet connected stands in until the account is linked.
                profile = SocialMediaProfile(
                    user_id=acting.actor.user_id, platform=chosen, profile_name="(not connected)"
                )
                session.add(profile)
                session.flush()
            row = SocialMediaPost(
                blog_id=blog.id, social_profile_id=profile.id, content=out.content.strip(),
                hashtags=out.clean_hashtags(), post_status=SocialPostStatus.DRAFT,
            )  # fmt: skip
            session.add(row)
            session.flush()
            rows.insert_log(session, log=log_row(request_id, prompt_text, completion, _links(blog), provider.model))
            return SocialDraft(row.id, blog.id, chosen.value, row.content or "", list(row.hashtags),
                               out.length(chosen.value, link), limit, row.post_status.value, link)  # fmt: skip

        return generation_steps.metered(
            acting, reservation=reservation, prompt=prompt_text, provider=provider, links=_links(blog), call=call,
            store=store,
        )  # fmt: skip


@dataclass(frozen=True)
class GeneratedImage:
    id: UUID
    blog_id: UUID
    url: str
    size: int
    file_type: str
    ai_prompt: str
    post: str = ""
    """The post's slug, as `images add` names it."""
    alt_text: str = ""
    """The prompt as the picture's description (`alt_text`): what it was asked to show."""


ALT_TEXT_CHARACTERS = 125
"""How much of a prompt a generated picture's alt text keeps: about what a screen reader reads out
before its listener loses the thread, and the sentence a writer would write."""


def alt_text(prompt: str) -> str:
    """A generated picture's alt text: its prompt on one line, a longer one cut after its last word
    that fits in ALT_TEXT_CHARACTERS with the `…` that says so."""
    text = " ".join(prompt.split())
    if len(text) <= ALT_TEXT_CHARACTERS:
        return text
    head = text[:ALT_TEXT_CHARACTERS]
    return (head.rsplit(" ", 1)[0] if " " in head else head[:-1]) + "…"


def image(acting: ActingUser, *, ref: str, provider: ProviderConfig, prompt: str, model: str | None) -> GeneratedImage:
    """An image from the provider's images endpoint, stored like `images add` stores a file.

    `model` is the image model (`--model`, else the ai_image_model setting): ConfigError when
    there is none, before a credit is reserved (the provider's chat model is no image model)."""
    from contextlib import ExitStack

    from blogster_cli.models.content import ImageAsset
    from blogster_cli.services.media_files import held_for_rows, store_media

    if not prompt.strip():
        raise InvalidInput("--prompt is empty")
    image_model = (model or "").strip()
    if not image_model:  # never the chat model: an images endpoint refuses it, after the credit was reserved
        raise ConfigError(
            "no image model: give --model (e.g. gpt-image-1 or dall-e-3)"
            " or set one with `blogster config set ai_image_model MODEL`"
        )
    request_id = uuid.uuid4()
    with generation_steps.Reservation(request_id, provider) as reservation, ExitStack() as until_stored:
        blog = _read(acting, ref, reservation)
        stored: list[tuple[str, str, int]] = []

        def call() -> Completion:
            data = ai_provider.generate_image(provider, prompt, model=image_model)
            until_stored.enter_context(held_for_rows())  # until its row is committed (or not)
            name, mime_type = store_media(data, "the generated image")
            stored.append((name, mime_type, len(data)))
            return Completion(text=f"media/{name}", tokens=0, model=image_model)

        def store(session: Session, completion: Completion) -> GeneratedImage:
            name, mime_type, size = stored[0]
            asset = ImageAsset(
                url=f"media/{name}", path=name, size=size, file_type=mime_type, blog_id=blog.id, ai_generated=True,
                ai_prompt=prompt, alt_text=alt_text(prompt), created_by=acting.actor.user_id,
            )  # fmt: skip
            session.add(asset)
            session.flush()
            rows.insert_log(session, log=log_row(request_id, prompt, completion, _links(blog), image_model))
            return GeneratedImage(
                asset.id, blog.id, asset.url, size, mime_type, prompt, blog.slug, asset.alt_text or ""
            )

        return generation_steps.metered(
            acting, reservation=reservation, prompt=prompt, provider=provider, links=_links(blog), call=call,
            store=store,
        )  # fmt: skip
