"""Starting drafts: from a file or standard input, or from a template for a persona.

A new post is a draft unless the writer (`--status`) or the file (its `status`,
`draft` or `published` front matter) says otherwise; a Hugo file's expiryDate passed makes it a
draft, as import reads it.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.content.rules import (
    MAX_CONTENT_BYTES,
    check_content_size,
    check_front_matter_on_top,
    keywords_list,
    post_text,
)
from blogster_cli.content.slugs import kept_slug
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.repositories import catalog
from blogster_cli.services.post_steps import NewBlog, expiry_warning, publication

if TYPE_CHECKING:
    from blogster_cli.content.post import ImportedPost


def aware(moment: datetime | None, timezone: tzinfo = UTC) -> datetime | None:
    """Typer parses dates naive; they mean the configured timezone (AppContext.tzinfo)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone)


def new_from_imported(post: ImportedPost, *, status: str) -> NewBlog:
    """A NewBlog from the content layer's ImportedPost (categories become tags too)."""
    return NewBlog(
        title=post.title,
        # A slug from the file name or front matter is kept as written (composed) when usable, as imports keep it.
        slug=kept_slug(post.slug) if post.slug else None,
        status=status,
        tags=list(post.tags),  # the content layer already merged categories into tags
        meta_description=post.meta_description,
        meta_keywords=keywords_list(post.meta_keywords),
        featured_image=post.featured_image,
        content=post.content,
        created_at=post.created_at,
        published_at=post.published_at,
    )


def new_from_file(path: Path, *, timezone: tzinfo = UTC, warnings: list[str] | None = None) -> NewBlog:
    """A new post from a markdown file: a draft unless the file states its status, or its Hugo
    expiryDate has passed. `warnings`, when given, gets what import would warn of the file."""
    from blogster_cli.content.files import NOT_UTF8_REASON, read_named_file
    from blogster_cli.text_encoding import is_utf8

    if not is_utf8(path.name):  # the post keeps its file's name, which must be text (as import says)
        raise InvalidInput(f"{path}: {NOT_UTF8_REASON}")
    data = read_named_file(path, limit=MAX_CONTENT_BYTES)  # no more: a larger file cannot be a post
    text = post_text(data, str(path))
    timezone = _site_zone(path, timezone, warnings)
    return _new_from_text(text, PurePosixPath(path.name), label=str(path), timezone=timezone, warnings=warnings)


def _site_zone(path: Path, timezone: tzinfo, warnings: list[str] | None) -> tzinfo:
    """The zone the file's dates without an offset are read in, as `blogster import` reads them: the
    one the config of the Hugo or Jekyll site it is in states (`content.layout.site_zone`), else
    `timezone` (the setting; with a warning when the config names no zone this system knows)."""
    import os

    from blogster_cli.content.layout import site_zone

    stated = site_zone(PurePosixPath(os.path.abspath(path.parent)).parts, PurePosixPath(path.name))
    if stated is None:
        return timezone
    if stated.zone is None and warnings is not None:
        warnings.append(stated.unknown(timezone))
    return stated.zone or timezone


def new_from_text(text: str, *, timezone: tzinfo = UTC, warnings: list[str] | None = None) -> NewBlog:
    """A new post from markdown text (standard input), by the same rules as a file."""
    return _new_from_text(text, None, label="standard input", timezone=timezone, warnings=warnings)


def _new_from_text(
    text: str, path: PurePosixPath | None, *, label: str, timezone: tzinfo, warnings: list[str] | None
) -> NewBlog:
    from blogster_cli.content.errors import ContentError
    from blogster_cli.content.mapping import hugo_never_builds, stated_status
    from blogster_cli.content.post import import_post

    try:
        post = import_post(text, path, default_tz=timezone)
    except ContentError as exc:
        raise InvalidInput(f"{label}: {exc}") from None
    check_front_matter_on_top(text, source=label)  # import reads such a file as all body; a writer's is refused
    check_content_size(post.content)
    status = stated_status(post.content["front_matter"]["fields"]) or "draft"
    if post.expiry is not None:  # Hugo's expiryDate: when Hugo builds no page of it, a draft as import makes it
        now = datetime.now(UTC)
        status = "draft" if hugo_never_builds(post.expiry, post.published_at, now) else status
        live = publication(status, stated=post.published_at, now=now).status  # scheduled, when dated later
        warning = expiry_warning(post.expiry, live, now, made="created", zone=timezone, publish=post.published_at)
        if warning is not None and warnings is not None:
            warnings.append(warning)
    return new_from_imported(post, status=status)


def persona_id(acting: ActingUser, *, ref: str) -> UUID:
    with unit_of_work(acting) as conn:
        persona = catalog.find_persona(conn, ref=ref)
    if persona is None:
        raise NotFound(f"no persona {ref!r} (see `blogster personas list`)")
    return persona.id


def scaffold(acting: ActingUser, *, title: str, template: str | None, persona: str | None) -> NewBlog:
    """A new post; with a template, its sections as headings with placeholders for the persona."""
    with unit_of_work(acting) as conn:
        chosen_persona = catalog.find_persona(conn, ref=persona) if persona else None
        if persona and chosen_persona is None:
            raise NotFound(f"no persona {persona!r} (see `blogster personas list`)")
        chosen_template = catalog.find_template(conn, ref=template) if template else None
        if template and chosen_template is None:
            raise NotFound(f"no template {template!r} (see `blogster templates list`)")
    new = NewBlog(title=title, persona_id=chosen_persona.id if chosen_persona else None)
    if chosen_template is None:
        return new
    new.template_id = chosen_template.id
    new.sections = chosen_template.structure
    new.markdown = scaffold_markdown(chosen_template.structure, chosen_persona)
    return new


def scaffold_markdown(sections: list[dict[str, Any]], persona: catalog.PersonaRow | None) -> str:
    audience = ""
    if persona is not None:
        details = ", ".join(filter(None, [persona.occupation, persona.age_range and f"aged {persona.age_range}"]))
        audience = f" Written for {persona.name}{f' ({details})' if details else ''}"
        if persona.pain_points:
            audience += f"; they struggle with {', '.join(persona.pain_points[:2])}"
        audience += "."
    parts = []
    for section in sections:
        heading = section.get("heading") or str(section.get("type", "Section")).replace("_", " ").title()
        placeholder = section.get("placeholder") or ""
        target = section.get("target_words")
        note = f" (about {target} words)" if target else ""
        parts.append(f"## {heading}\n\n<!-- {placeholder}{note}{audience} -->\n")
    return "\n".join(parts)
