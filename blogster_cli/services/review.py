"""Team review: assign a post to someone with a role, and move the assignment through its statuses.

The database decides who may do what (public.review_act / review_publish and RLS): an
assignee reads only the posts assigned to them, changes status only along the spec's
transitions, and publishes only as an approver the author allowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser
from blogster_cli.content.rules import check_publishable
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.errors import InvalidInput, NotFound, PermissionDenied
from blogster_cli.repositories import review as review_rows
from blogster_cli.services.post_steps import find_own
from blogster_cli.vocabulary import BlogStatus, CollaborationRole, CollaborationStatus

if TYPE_CHECKING:
    from sqlalchemy import Row
    from sqlmodel import Session

ACTIONS = ("start", "submit", "approve", "reject", "comment")
# The comments one assignment carries when shown (`review show` without --all, each step's result):
# the newest ones. A list carries none, only their count.
SHOWN_COMMENTS = 50


@dataclass(frozen=True)
class AssignmentSummary:
    """An assignment as lists show it: its comments counted, never fetched."""

    id: UUID
    blog_id: UUID
    slug: str
    title: str
    role: str
    status: str
    assigned_to: UUID | None
    assignee_email: str | None
    assigned_by: UUID | None
    assigner_email: str | None
    """Who assigned it (the post's author when she did)."""
    author_id: UUID
    """The post's author."""
    author_email: str | None
    """Each email as the viewer may read it (public.review_emails, 0144): None for a deleted account."""
    can_publish: bool
    due_date: date | None
    """The day it is due, the same for everyone (stored as the end of that day in UTC, 0132)."""
    completed_at: datetime | None
    comment_count: int


@dataclass(frozen=True)
class Assignment(AssignmentSummary):
    """One assignment with its comments in order: the newest SHOWN_COMMENTS, or all of them if asked."""

    comments: list[dict[str, Any]]


@dataclass(frozen=True)
class AssignedPost:
    assignment: Assignment
    markdown: str


@dataclass(frozen=True)
class Approval:
    """`review approve --publish`: the approved assignment, whether the post was live already
    (the approval is recorded, there was nothing to publish), the publication date it kept
    (published before, or dated in the past by its file: review_publish keeps it, as `publish` does),
    and when a post its author scheduled for later goes live (review_publish leaves it scheduled:
    the author's schedule is often an embargo, 0176)."""

    assignment: Assignment
    already_published: bool
    kept_date: datetime | None = None
    scheduled_for: datetime | None = None


def due_instant(day: date) -> datetime:
    """How a due day is stored: the end of that day in UTC, so everyone reads the same day back."""
    from datetime import time

    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def _due_day(stored: datetime | None) -> date | None:
    return stored.astimezone(UTC).date() if stored is not None else None


def _summary(row: Row[Any], slug: str, title: str, emails: Mapping[UUID, str]) -> AssignmentSummary:
    def email(account: UUID | None) -> str | None:
        return None if account is None else emails.get(account)

    return AssignmentSummary(
        id=row.id, blog_id=row.blog_id, slug=slug, title=title, role=row.role, status=row.status,
        assigned_to=row.assigned_to, assignee_email=email(row.assigned_to),
        assigned_by=row.assigned_by, assigner_email=email(row.assigned_by),
        author_id=row.author_id, author_email=email(row.author_id), can_publish=row.can_publish,
        due_date=_due_day(row.due_date), completed_at=row.completed_at, comment_count=row.comment_count,
    )  # fmt: skip


def _emails(session: Session, rows: Sequence[Row[Any]]) -> dict[UUID, str]:
    """The emails of the people on these assignments (assignee, assigner, author), in one query."""
    people = {account for row in rows for account in (row.assigned_to, row.assigned_by, row.author_id)}
    return review_rows.emails(session, account_ids=[account for account in people if account is not None])


def assign(
    acting: ActingUser, *, blog: str, to: str, role: str, due: date | None = None, can_publish: bool = False
) -> Assignment:
    """Assigns my post `blog` to the account with email `to`, due on the day `due` (the same day for
    both: stored as its end in UTC); they are notified in the app."""
    roles = [r.value for r in CollaborationRole]
    if role not in roles:
        raise InvalidInput(f"role {role!r} is not one of {', '.join(roles)}")
    if can_publish and role != CollaborationRole.APPROVER:
        raise InvalidInput("only an approver can be allowed to publish")
    with orm_unit_of_work(acting) as session:
        conn = driver_connection(session)
        post = find_own(conn, blog)  # another account's post: refused as such (exit 4), as `posts edit` does
        created = review_rows.assign(
            session,
            blog_id=post.id,
            email=to.strip(),
            role=role,
            due=None if due is None else due_instant(due),
            can_publish=can_publish,
        )
        return _one(session, str(created))


ASSIGNMENT = id_prefixes.Named("assignment", "assignments", "blogster review list")


def _in_trash(assignment_id: UUID) -> str:
    """What its assignee is told of an assignment whose post its author moved to the trash."""
    return f"the post of assignment {id_prefixes.short(assignment_id)} is in its author's trash"


def _one(session: Session, ref: str, *, all_comments: bool = False) -> Assignment:
    """The assignment `ref` with its post's slug and title. Its assignee reads no post in its author's
    trash (0097): the assignment is there, but nothing is shown of it nor done with it (NotFound)."""
    found = id_prefixes.only(review_rows.find(session, prefix=id_prefixes.prefix(ref, ASSIGNMENT)), ref, ASSIGNMENT)
    post = review_rows.assigned_post(session, blog_id=found.blog_id)
    if post is None:
        raise NotFound(_in_trash(found.id))
    summary = _summary(found, post.slug, post.title, _emails(session, [found]))
    comments = review_rows.comments(session, assignment_id=summary.id, newest=None if all_comments else SHOWN_COMMENTS)
    return Assignment(**{f.name: getattr(summary, f.name) for f in fields(summary)}, comments=comments)


def assignments(acting: ActingUser, *, mine_to_do: bool | None = None) -> list[AssignmentSummary]:
    """Assignments to me (`mine_to_do` True), by me (False), or both (None), with their comments counted."""
    with orm_unit_of_work(acting) as session:
        rows = review_rows.visible(session, assigned_to_me=mine_to_do)
        emails = _emails(session, rows)
        return [_summary(row, row.slug, row.title, emails) for row in rows]


def show(acting: ActingUser, *, ref: str, all_comments: bool = False) -> AssignedPost:
    """An assignment with its post's text (what the assignee works on) and its comments in order:
    the newest SHOWN_COMMENTS, or every one with `all_comments`."""
    with orm_unit_of_work(acting) as session:
        assignment = _one(session, ref, all_comments=all_comments)
        post = review_rows.assigned_post(session, blog_id=assignment.blog_id)
        return AssignedPost(assignment, (post.content or {}).get("markdown", "") if post else "")


def act(acting: ActingUser, *, ref: str, action: str, note: str | None = None) -> Assignment:
    """start, submit, approve, reject (with an optional note) or comment (with one)."""
    if action not in ACTIONS:
        raise InvalidInput(f"unknown step {action!r}")
    with orm_unit_of_work(acting) as session:
        assignment = _one(session, ref)
        _step(acting, session, assignment, action=action, note=note)
        return _one(session, str(assignment.id))


def _step(acting: ActingUser, session: Session, assignment: Assignment, *, action: str, note: str | None) -> None:
    """One step through review_act; a step the database refuses to this user says who may take it."""
    try:
        review_rows.act(session, assignment_id=assignment.id, action=action, note=note)
    except PermissionDenied:
        raise PermissionDenied(_who_may(acting, assignment, action)) from None
    except InvalidInput as refused:
        # Submitting what is not started (assigned) or not restarted (rejected): the step before it.
        if action == "submit" and assignment.status in (CollaborationStatus.ASSIGNED, CollaborationStatus.REJECTED):
            start = f"blogster review start {id_prefixes.short(assignment.id)}"
            raise InvalidInput(f"{refused}: run `{start}` first, then submit") from None
        raise


def _who_may(acting: ActingUser, assignment: Assignment, action: str) -> str:
    """Who may take `action` (review_act's rules, 0071), and what the user is on this assignment."""
    assignee = assignment.assigned_to == acting.actor.user_id
    if action in ("approve", "reject"):
        you = f"; you are its {assignment.role}" if assignee else ""
        return f"only the post's author or an approver assigned to it can {action}{you}"
    if assignee:  # start and submit are the assignee's: refused to them only if the rules change
        return f"you may not {action} this assignment"
    return f"only the assignee can {action} an assignment; as the post's author you approve, reject, comment or withdraw it"


def withdraw(acting: ActingUser, *, ref: str) -> Assignment:
    """Takes back an assignment on my post, whatever its status (its assignee no longer reads the post)."""
    with orm_unit_of_work(acting) as session:
        assignment = _one(session, ref)
        if not review_rows.withdraw(session, assignment_id=assignment.id):
            raise PermissionDenied(f"assignment {ref!r} is on another account's post: only its author withdraws it")
        return assignment


def approve_and_publish(acting: ActingUser, *, ref: str, note: str | None = None) -> Approval:
    """Approves, then publishes the post (an approver the author allowed to publish), in one unit of work.

    A post that is live already (its author published it meanwhile) keeps the approval, which the
    approver came to give, and is not published again: `already_published` says so. One its author
    scheduled for a time to come stays scheduled (`scheduled_for`). Anything refused (the step,
    publishing not allowed, an empty post) changes nothing."""
    with orm_unit_of_work(acting) as session:
        assignment = _one(session, ref)
        if assignment.assigned_to != acting.actor.user_id:
            raise InvalidInput(
                f"--publish is for an approver the author allowed to publish; '{assignment.slug}' is your post:"
                f" approve without --publish, then `blogster publish {assignment.slug}`"
            )
        _step(acting, session, assignment, action="approve", note=note)
        post = review_rows.assigned_post(session, blog_id=assignment.blog_id)
        live = post is not None and post.status == BlogStatus.PUBLISHED
        dated = None if post is None or live else post.published_at
        kept = dated if dated is not None and dated <= datetime.now(UTC) else None
        if not live or not (assignment.role == CollaborationRole.APPROVER and assignment.can_publish):
            if post is not None:  # the rule `publish` applies (one I cannot read, review_publish refuses)
                markdown = str((post.content or {}).get("markdown", ""))
                check_publishable(
                    title=post.title, slug=post.slug, markdown=markdown, from_template=post.template_id is not None
                )
            try:
                review_rows.publish(session, assignment_id=assignment.id)
            except PermissionDenied:
                raise PermissionDenied(
                    f"the author has not allowed you to publish '{assignment.slug}' (only an approver assigned"
                    " with --allow-publish can): approve without --publish, and the author publishes it"
                ) from None
        later = None if live else review_rows.scheduled_for(session, blog_id=assignment.blog_id)
        return Approval(_one(session, str(assignment.id)), already_published=live, kept_date=kept, scheduled_for=later)
