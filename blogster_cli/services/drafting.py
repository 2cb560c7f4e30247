"""Starting and editing drafts: from a file, from a template for a persona, in $EDITOR."""

from __future__ import annotations

import os
import shlex
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from blogster_cli.context import AppContext
from blogster_cli.db.acting import ActingUser, unit_of_work
from blogster_cli.errors import BlogsterError, Conflict, InvalidInput, NotFound
from blogster_cli.repositories import catalog
from blogster_cli.services import blogs, editing
from blogster_cli.services.blogs import NewBlog


def aware(moment: datetime | None, timezone: str = "UTC") -> datetime | None:
    """Typer parses dates naive; they mean the configured timezone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=ZoneInfo(timezone))


def keywords_list(keywords: str | list | None) -> list[str] | None:
    if keywords is None:
        return None
    items = keywords if isinstance(keywords, list) else str(keywords).split(",")
    cleaned = [str(k).strip() for k in items if str(k).strip()]
    return cleaned or None


def new_from_imported(post, *, status: str | None = None) -> NewBlog:
    """A NewBlog from the content layer's ImportedPost (categories become tags too)."""
    return NewBlog(
        title=post.title,
        # A slug from the file name or front matter is kept as written when a URL can carry it.
        slug=post.slug if post.slug and blogs.EXPLICIT_SLUG.match(post.slug) else None,
        status=status or post.status,
        tags=list(post.tags),  # the content layer already merged categories into tags
        meta_description=post.meta_description,
        meta_keywords=keywords_list(post.meta_keywords),
        featured_image=post.featured_image,
        content=post.content,
        created_at=post.created_at,
        published_at=post.published_at,
    )


def new_from_file(path: Path, *, title: str | None = None, timezone: str = "UTC") -> NewBlog:
    from pathlib import PurePosixPath

    from blogster_cli.content.errors import ContentError
    from blogster_cli.content.post import import_post_file

    try:
        post = import_post_file(path.parent, PurePosixPath(path.name), default_tz=ZoneInfo(timezone))
    except (ContentError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: {exc}") from None
    new = new_from_imported(post)
    if title:
        new.title = title
    return new


def persona_id(acting: ActingUser, ref: str) -> UUID:
    with unit_of_work(acting) as conn:
        persona = catalog.find_persona(conn, ref=ref)
    if persona is None:
        raise NotFound(f"no persona {ref!r} (see: blogster personas list)")
    return persona.id


def scaffold(acting: ActingUser, *, title: str, template: str | None, persona: str | None) -> NewBlog:
    """A new post; with a template, its sections as headings with placeholders for the persona."""
    with unit_of_work(acting) as conn:
        chosen_persona = catalog.find_persona(conn, ref=persona) if persona else None
        if persona and chosen_persona is None:
            raise NotFound(f"no persona {persona!r} (see: blogster personas list)")
        chosen_template = catalog.find_template(conn, ref=template) if template else None
        if template and chosen_template is None:
            raise NotFound(f"no template {template!r} (see: blogster templates list)")
    new = NewBlog(title=title, persona_id=chosen_persona.id if chosen_persona else None)
    if chosen_template is None:
        return new
    new.template_id = chosen_template.id
    new.sections = chosen_template.structure
    new.markdown = scaffold_markdown(chosen_template.structure, chosen_persona)
    return new


def scaffold_markdown(sections: list[dict], persona: catalog.PersonaRow | None) -> str:
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


def _editor_command(ctx: AppContext) -> list[str]:
    editor = ctx.settings.editor or os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    return shlex.split(editor)


def edit_in_editor(acting: ActingUser, ctx: AppContext, ref: str) -> str:
    """Opens the post in the editor and saves the result; returns a message for the user."""
    from blogster_cli.config import home_dir

    row = blogs.get(acting, ref)
    if row.author_id != acting.actor.user_id:
        raise NotFound(f"no post of yours with slug or id {ref!r}")
    session = editing.start_edit(row, home_dir() / "editing")
    try:
        completed = subprocess.run([*_editor_command(ctx), str(session.path)])
        if completed.returncode != 0:
            raise BlogsterError(
                f"the editor exited with {completed.returncode}; nothing was saved (file: {session.path})"
            )
        edited = session.path.read_text(encoding="utf-8")
        if edited == session.original_text:
            session.path.unlink()
            return "No changes."
        changes = editing.changes_from_file(edited)
        try:
            updated = blogs.update(acting, str(row.id), changes, expected_updated_at=session.expected_updated_at)
        except (Conflict, InvalidInput) as exc:
            kept = editing.save_recovery(edited, row.slug, home_dir() / "recovery")
            raise type(exc)(f"{exc}; your text is kept in {kept}") from None
    except FileNotFoundError as exc:
        raise BlogsterError(f"cannot run the editor: {exc.filename}") from None
    session.path.unlink(missing_ok=True)
    return f"Saved '{updated.slug}' ({updated.word_count} words, {datetime.now(UTC):%H:%M} UTC)."
