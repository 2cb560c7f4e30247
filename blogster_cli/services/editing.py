"""Editing a post as text: a markdown file with front matter, and back.

The text carries the fields a writer edits (title, slug, status, tags, description,
featured image) as YAML front matter and the body verbatim. These functions take and
return data only: the front end shows the text (the CLI in $EDITOR, the TUI in its own
widget) and hands back what the writer saved.

Text is never lost: if the post changed in the database since the edit began, or the
editor failed, or the text cannot be saved, it goes to a recovery file (0600, unique
name) with a small JSON note saying which post and version it was an edit of, so the
next edit of that post can offer to resume it; text kept again by the same edit replaces the
file's (one file for what the next edit would offer), never a file another edit (another process
editing the same post) kept its text in. Buffers handed to an external editor
carry the same note, so an edit whose process died is offered too.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.errors import BlogsterError, InvalidInput
from blogster_cli.private_files import create_private_file, unique_private_file, write_private
from blogster_cli.repositories.blogs import BlogRow
from blogster_cli.services import blogs
from blogster_cli.services.blogs import BlogChanges, markdown_of

if TYPE_CHECKING:
    from blogster_cli.content.post import ImportedPost
    from blogster_cli.stored_json import LeftOut

# Lines the front end puts above the text to explain why it came back (as `git commit`
# does); they are removed before the text is read.
ERROR_COMMENT_PREFIX = "# blogster: "


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


def changes_from_file(text: str, *, zone: tzinfo = UTC) -> BlogChanges:
    """The changes a post's text states; fields its front matter leaves out stay as they are. Its
    date (`date`, `publishDate`, Astro's `pubDate`...) is read as `posts new --from` reads it, one
    without an offset in `zone` (the timezone setting); `blogs.update` says what it does.

    A text without front matter is all body (its fields stay as they are), unless a block of
    front matter keys stands a little below its top: text typed before or after the opening
    `---` would otherwise turn the front matter into body text, so that is InvalidInput
    (`content.rules.check_front_matter_on_top`). Error messages number lines as in `text`.
    """
    from blogster_cli.content.errors import ContentError
    from blogster_cli.content.frontmatter import parse_metadata, split_front_matter
    from blogster_cli.content.mapping import stated_status
    from blogster_cli.content.rules import check_front_matter_on_top

    try:
        split = split_front_matter(text)
        values = parse_metadata(split, text_line_numbers=True).values if split.format else {}
    except ContentError as exc:
        raise InvalidInput(f"the front matter is invalid: {exc}") from None
    check_front_matter_on_top(text)
    if not isinstance(values, dict):
        raise InvalidInput("the front matter must be a mapping")
    tags = values.get("tags")
    if tags is not None and not isinstance(tags, list):
        tags = [str(tags)]
    status = stated_status(values)
    stated = _read_as_post(text, zone) if split.format else None
    return BlogChanges(
        title=str(values["title"]) if values.get("title") is not None else None,
        slug=str(values["slug"]) if values.get("slug") else None,
        markdown=split.body,
        status=status,
        status_from_text=status is not None,
        date=stated.published_at if stated is not None else None,
        floating_date=stated.floating_date if stated is not None else None,
        tags=[str(t) for t in tags] if tags is not None else None,
        meta_description=_optional_text(values, "description"),
        featured_image=_optional_text(values, "featured_image"),
    )


def _read_as_post(text: str, zone: tzinfo) -> ImportedPost:
    """The text read as import and `posts new --from` read it: its date, and that date as written
    when it states no offset."""
    from blogster_cli.content.errors import ContentError
    from blogster_cli.content.post import import_post

    try:
        return import_post(text, default_tz=zone)
    except ContentError as exc:
        raise InvalidInput(f"the front matter is invalid: {exc}") from None


def _optional_text(values: Mapping[str, Any], key: str) -> str | None:
    """A key's text ("" clears the field), or None when the key is absent (left as it is)."""
    return str(values[key] or "") if key in values else None


def apply(
    acting: ActingUser,
    *,
    ref: str,
    text: str | None,
    fields: BlogChanges,
    zone: tzinfo = UTC,
    warnings: list[str] | None = None,
    changed: list[str] | None = None,
) -> BlogRow:
    """A non-interactive edit: the post's text (front matter and body) if given, then the fields set
    (a status set so is the flag's). `warnings` gets what the save kept against the text, `changed`
    the fields it changed (`blogs.update`)."""
    from dataclasses import fields as dataclass_fields

    if text is not None and not text.strip():
        raise InvalidInput("the text is empty; nothing was saved")
    changes = changes_from_file(text, zone=zone) if text is not None else BlogChanges()
    from_text = changes.status_from_text and fields.status is None
    for field in dataclass_fields(BlogChanges):
        if getattr(fields, field.name) is not None:
            setattr(changes, field.name, getattr(fields, field.name))
    changes.status_from_text = from_text
    return blogs.update(acting, ref=ref, changes=changes, zone=zone, warnings=warnings, changed=changed)


# -- one edit session --------------------------------------------------------------------


@dataclass(frozen=True)
class UnsavedEdit:
    """Text of an earlier edit that was not saved: a recovery file, or the buffer of a session that died."""

    path: Path
    blog_id: UUID
    expected_updated_at: datetime
    pid: int | None = None
    """The process editing a buffer (None for recovery files)."""
    edit: str | None = None
    """The edit that kept the text (`EditDraft.edit`; None in a note written before it was noted)."""


@dataclass(frozen=True)
class EditDraft:
    """What the writer edits: `text`, an edit of the post as it was at `expected_updated_at`."""

    blog_id: UUID
    slug: str
    text: str
    stored_text: str
    """The post as stored when the edit began: saving it unchanged is "no changes"."""
    expected_updated_at: datetime
    tags: tuple[str, ...] = ()
    """The post's tags when the edit began: a text that leaves them so keeps another command's change."""
    resumed: UnsavedEdit | None = None
    left_out: tuple[LeftOut, ...] = ()
    """What of the stored content Python cannot read (`BlogRow.left_out`): a changed body is saved without it."""
    title: str = ""
    """The post's title when the edit began (for what a front end says about the post)."""
    edit: str = dataclass_field(default_factory=lambda: secrets.token_hex(8), compare=False)
    """This edit's own mark, in the note of each file it keeps text in: text kept again replaces only
    a file this edit kept (another edit of the same post and version, in another process, keeps its own)."""


@dataclass(frozen=True)
class EditOutcome:
    """`saved` (row is the new version), `unchanged` or `cancelled` (an empty text); `warnings`: what
    the save kept against the text (`blogs.update`: a scheduled post is not published early).
    `unchanged` has a row (the post as stored) when the text differed only in what a post does not keep
    (a blank line before the front matter, tags in another case): the front end shows it as stored."""

    kind: str
    row: BlogRow | None = None
    warnings: tuple[str, ...] = ()
    revised: bool = False
    """The body changed: the save made a new revision (a title, tags or status alone make none)."""


def begin(acting: ActingUser, *, ref: str) -> EditDraft:
    """Starts an edit of one of my posts."""
    row = blogs.get_own(acting, ref=ref)
    return _draft_of(row, row.left_out)


def _draft_of(row: BlogRow, left_out: tuple[LeftOut, ...]) -> EditDraft:
    text = edit_file_text(row)
    return EditDraft(row.id, row.slug, text, text, row.updated_at, tuple(row.tags), left_out=left_out, title=row.title)


def saved_draft(draft: EditDraft, saved: BlogRow, *, revised: bool) -> EditDraft:
    """The edit to go on with once `draft` was saved as `saved`: the post as stored now, what
    Python cannot read of its content still left out unless the save stored a new body without it."""
    return _draft_of(saved, () if revised else draft.left_out)


def unsaved_edits(draft: EditDraft) -> list[UnsavedEdit]:
    """Earlier unsaved edits of this post that still apply (the post has not changed since).

    Those are recovery files, and buffers left by an edit whose process died (killed,
    or its terminal closed) while the editor was open; live sessions' buffers are theirs.
    """
    notes = sorted(recovery_folder().glob("*.json")) + sorted(buffer_folder().glob("*.json"))
    found = []
    for note in notes:
        unsaved = _read_note(note)
        if unsaved is None or unsaved.blog_id != draft.blog_id or not unsaved.path.exists():
            continue
        if unsaved.expected_updated_at == draft.expected_updated_at and not _running(unsaved.pid):
            found.append(unsaved)
    return found


def open_buffer(draft: EditDraft, text: str) -> Path:
    """A private file of this session's own holding `text`, for an editor that works on files.

    A note beside it names the post and this process, so that if the process dies
    while the editor is open, the next edit of the post offers the text.
    """
    path = unique_private_file(buffer_folder(), draft.slug, text)
    _write_note(path, draft, pid=os.getpid())
    return path


def update_buffer(path: Path, text: str) -> None:
    """Replaces a buffer's text (a front end's copy as the writer types), atomically and 0600."""
    write_private(path, text.encode("utf-8"))


def close_buffer(path: Path) -> None:
    """Removes a buffer (its text has been read) and its note."""
    path.with_suffix(".json").unlink(missing_ok=True)
    path.unlink(missing_ok=True)


def resume(draft: EditDraft, unsaved: UnsavedEdit) -> EditDraft:
    """The draft with the unsaved text in place of the stored one."""
    return replace(draft, text=unsaved.path.read_text(encoding="utf-8"), resumed=unsaved)


def forget(unsaved: UnsavedEdit) -> None:
    """Stops offering an unsaved edit; its text stays in the recovery file."""
    unsaved.path.with_suffix(".json").unlink(missing_ok=True)


def save(acting: ActingUser, *, draft: EditDraft, edited: str, zone: tzinfo = UTC) -> EditOutcome:
    """Saves the writer's text as a new revision (its date read in `zone`, as `changes_from_file` does).

    InvalidInput if the text cannot be read as a post (nothing is kept: the front end
    decides whether to show it again or keep it). Any other failure (Conflict if the
    post changed since the edit began, NotFound if it was trashed, the database gone)
    keeps the text in a recovery file and says where.
    """
    text = without_error_comment(edited)
    if not text.strip():
        _done(draft)
        return EditOutcome("cancelled")
    if text == draft.stored_text:
        _done(draft)
        return EditOutcome("unchanged")
    changes = replace(changes_from_file(text, zone=zone), tags_opened=list(draft.tags))
    warnings: list[str] = []
    changed: list[str] = []
    try:
        row = blogs.update(
            acting, ref=str(draft.blog_id), changes=changes, expected_updated_at=draft.expected_updated_at,
            zone=zone, warnings=warnings, changed=changed,
        )  # fmt: skip
    except InvalidInput:
        raise
    except BlogsterError as exc:
        raise type(exc)(f"{exc}; your text is kept in {keep_unsaved(draft, text)}") from None
    _done(draft)
    return EditOutcome("saved" if changed else "unchanged", row, tuple(warnings), revised="content" in changed)


def keep_unsaved(draft: EditDraft, edited: str) -> Path | None:
    """Keeps text that was not saved in a recovery file; returns where (None if it had no changes).

    One recovery file an edit: text this edit kept before (a save refused again, the editor closed
    after a refused save) is replaced in its file, atomically, as the next edit offers only the
    newest (`unsaved_edits`); every refused save wrote another. So is the file a resumed edit came
    from, while it holds the text resumed. A file another edit kept text in (another process editing
    the same post and version, or resuming the same file) is never replaced: its text is that edit's."""
    text = without_error_comment(edited)
    if not text.strip() or text == draft.stored_text:
        _done(draft)
        return None
    path = _recovery_file_of(draft)
    if path is None:
        path = keep_text(text, draft.slug, recovery_folder())
        _write_note(path, draft)
    else:
        write_private(path, text.encode("utf-8"))
        _write_note(path, draft, replacing=True)  # this edit's now, if it was the resumed one
    _done(draft, keeping=path)
    return path


def _recovery_file_of(draft: EditDraft) -> Path | None:
    """The recovery file (with its note) this edit kept text in before, else the one it resumed
    while that still holds the text resumed (no other edit kept text in it since), if any."""
    for note in sorted(recovery_folder().glob("*.json"), reverse=True):
        unsaved = _read_note(note)
        if (
            unsaved is not None
            and unsaved.pid is None
            and unsaved.edit == draft.edit
            and unsaved.blog_id == draft.blog_id
            and unsaved.expected_updated_at == draft.expected_updated_at
            and unsaved.path.exists()
        ):
            return unsaved.path
    if draft.resumed is not None and draft.resumed.pid is None and _holds_resumed_text(draft):
        return draft.resumed.path
    return None


def _holds_resumed_text(draft: EditDraft) -> bool:
    """Whether the file `draft` resumed still holds the text resumed, its note unchanged since."""
    resumed = draft.resumed
    if resumed is None:
        return False
    try:
        text = resumed.path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return False
    return text == draft.text and _read_note(resumed.path.with_suffix(".json")) == resumed


def keep_text(text: str, slug: str, folder: Path) -> Path:
    """Writes text to a new private recovery file in `folder`; returns where."""
    return unique_private_file(folder, slug, text)


def with_error_comment(text: str, error: str) -> str:
    """The text again, headed by comment lines that say what was wrong."""
    comment = (
        f"{ERROR_COMMENT_PREFIX}{error}\n"
        f"{ERROR_COMMENT_PREFIX}fix it and save, or empty the file to cancel; these lines are removed.\n"
    )
    return comment + without_error_comment(text)


def without_error_comment(text: str) -> str:
    lines = text.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and lines[skipped].startswith(ERROR_COMMENT_PREFIX):
        skipped += 1
    return "".join(lines[skipped:])


def recovery_folder() -> Path:
    from blogster_cli.config import home_dir

    return home_dir() / "recovery"


def buffer_folder() -> Path:
    from blogster_cli.config import home_dir

    return home_dir() / "editing"


def _done(draft: EditDraft, *, keeping: Path | None = None) -> None:
    """A resumed edit reached an end (saved, kept anew, or dropped): its old recovery file goes,
    unless it is the file the text was just kept in (`keeping`) or another edit kept its own text
    there since it was resumed (then it stays, and is offered)."""
    resumed = draft.resumed
    if resumed is None or resumed.path == keeping:
        return
    note = _read_note(resumed.path.with_suffix(".json"))
    if _holds_resumed_text(draft) or (note is not None and note.edit == draft.edit):
        forget(resumed)
        resumed.path.unlink(missing_ok=True)


def _write_note(path: Path, draft: EditDraft, *, pid: int | None = None, replacing: bool = False) -> None:
    """Beside a kept text: which post and version it is an edit of, which edit, and who edits it
    (`replacing`: the note there is replaced, atomically)."""
    note = {
        "blog_id": str(draft.blog_id),
        "expected_updated_at": draft.expected_updated_at.isoformat(),
        "pid": pid,
        "edit": draft.edit,
    }
    if replacing:
        write_private(path.with_suffix(".json"), json.dumps(note).encode("utf-8"))
    else:
        create_private_file(path.with_suffix(".json"), json.dumps(note))


def _read_note(path: Path) -> UnsavedEdit | None:
    try:
        note = json.loads(path.read_text(encoding="utf-8"))
        return UnsavedEdit(
            path.with_suffix(".md"),
            UUID(note["blog_id"]),
            datetime.fromisoformat(note["expected_updated_at"]),
            int(note["pid"]) if note.get("pid") is not None else None,
            str(note["edit"]) if note.get("edit") is not None else None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _running(pid: int | None) -> bool:
    """Whether a process with this id exists (a reused id errs on the side of leaving a buffer alone)."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
