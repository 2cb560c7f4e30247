"""The `$EDITOR` round trip: a post as a markdown file with front matter, and back.

The file carries the fields a writer edits (title, slug, status, tags, description,
featured image) as YAML front matter and the body verbatim. If the post changed in
the database while the editor was open, the edit is refused and the writer's text is
kept in a recovery file, never lost and never written over someone else's change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from blogster_cli.errors import InvalidInput
from blogster_cli.repositories.blogs import BlogRow
from blogster_cli.services.blogs import BlogChanges, markdown_of


def edit_file_text(row: BlogRow) -> str:
    from blogster_cli.content.frontmatter import dump_front_matter

    front = {
        "title": row.title,
        "slug": row.slug,
        "status": row.status,
        "tags": list(row.tags),
        "description": row.meta_description or "",
        "featured_image": row.featured_image or "",
    }
    return dump_front_matter("yaml", front) + markdown_of(row)


def changes_from_file(text: str) -> BlogChanges:
    from blogster_cli.content.errors import ContentError
    from blogster_cli.content.frontmatter import parse_metadata, split_front_matter

    try:
        split = split_front_matter(text)
        values = parse_metadata(split).values if split.format else {}
    except ContentError as exc:
        raise InvalidInput(f"the front matter is invalid: {exc}") from None
    if not isinstance(values, dict):
        raise InvalidInput("the front matter must be a mapping")
    tags = values.get("tags")
    if tags is not None and not isinstance(tags, list):
        tags = [str(tags)]
    return BlogChanges(
        title=str(values["title"]) if values.get("title") is not None else None,
        slug=str(values["slug"]) if values.get("slug") else None,
        markdown=split.body,
        status=str(values["status"]) if values.get("status") else None,
        tags=[str(t) for t in tags] if tags is not None else None,
        meta_description=str(values.get("description") or ""),
        featured_image=str(values.get("featured_image") or ""),
    )


@dataclass(frozen=True)
class EditSession:
    path: Path
    original_text: str
    expected_updated_at: datetime


def start_edit(row: BlogRow, folder: Path) -> EditSession:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{row.slug[:80].replace('/', '_')}.md"
    text = edit_file_text(row)
    path.write_text(text, encoding="utf-8")
    return EditSession(path, text, row.updated_at)


def save_recovery(text: str, slug: str, folder: Path) -> Path:
    """Keeps text that could not be saved; returns where."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{slug[:80].replace('/', '_')}-{stamp}.md"
    path.write_text(text, encoding="utf-8")
    return path
