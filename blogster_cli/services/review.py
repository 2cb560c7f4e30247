"""Team review: assign a post to someone with a role, and move the assignment through its statuses.

The database decides who may do what (public.review_act / review_publish and RLS): an
assignee reads only the posts assigned to them, changes status only along the spec's
transitions, and publishes only as an approver the author allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser
from blogster_cli.content.rules import check_publishable
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.errors import InvalidInput, NotFound, PermissionDenied
from blogster_cli.repositories import blogs as blog_rows
from blogster_cli.repositories import review as review_rows
from blogster_cli.services.post_steps import did_you_mean
from blogster_cli.vocabulary import CollaborationRole

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
    assigned_by: UUID | None
    can_publish: bool
    due_date: datetime | None
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


def _summary(row: Row[Any], slug: str, title: str) -> AssignmentSummary:
    return AssignmentSummary(
        id=row.id, blog_id=row.blog_id, slug=slug, title=title, role=row.role, status=row.status,
        assigned_to=row.assigned_to, assigned_by=row.assigned_by, can_publish=row.can_publish,
        due_date=row.due_date, completed_at=row.completed_at, comment_count=row.comment_count,
    )  # fmt: skip


def assign(
    acting: ActingUser, *, blog: str, to: str, role: str, due: datetime | None = None, can_publish: bool = False
) -> Assignment:
    """Assigns my post `blog` to the account with email `to`; they are notified in the app."""
    roles = [r.value for r in CollaborationRole]
    if role not in roles:
        raise InvalidInput(f"role {role!r} is not one of {', '.join(roles)}")
    if can_publish and role != CollaborationRole.APPROVER:
        raise InvalidInput("only an approver can be allowed to publish")
    with orm_unit_of_work(acting) as session:
        conn = driver_connection(session)
        post = blog_rows.find_own(conn, ref=blog)
        if post is None:
            raise NotFound(f"no post {blog!r} of yours{did_you_mean(conn, blog)}")
        created = review_rows.assign(
            session, blog_id=post.id, email=to.strip(), role=role, due=due, can_publish=can_publish
        )
        return _one(session, str(created))


ASSIGNMENT = id_prefixes.Named("assignment", "assignments", "blogster review list")


def _one(session: Session, ref: str, *, all_comments: bool = False) -> Assignment:
    found = id_prefixes.only(review_rows.find(session, prefix=id_prefixes.prefix(ref, ASSIGNMENT)), ref, ASSIGNMENT)
    post = review_rows.assigned_post(session, blog_id=found.blog_id)
    summary = _summary(found, post.slug if post else "", post.title if post else "")
    comments = review_rows.comments(session, assignment_id=summary.id, newest=None if all_comments else SHOWN_COMMENTS)
    return Assignment(**{f.name: getattr(summary, f.name) for f in fields(summary)}, comments=comments)


def assignments(acting: ActingUser, *, mine_to_do: bool | None = None) -> list[AssignmentSummary]:
    """Assignments to me (`mine_to_do` True), by me (False), or both (None), with their comments counted."""
    with orm_unit_of_work(acting) as session:
        return [_summary(row, row.slug, row.title) for row in review_rows.visible(session, assigned_to_me=mine_to_do)]


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
        review_rows.act(session, assignment_id=assignment.id, action=action, note=note)
        return _one(session, str(assignment.id))


def withdraw(acting: ActingUser, *, ref: str) -> Assignment:
    """Takes back an assignment on my post, whatever its status (its assignee no longer reads the post)."""
    with orm_unit_of_work(acting) as session:
        assignment = _one(session, ref)
        if not review_rows.withdraw(session, assignment_id=assignment.id):
            raise PermissionDenied(f"assignment {ref!r} is on another account's post: only its author withdraws it")
        return assignment


def approve_and_publish(acting: ActingUser, *, ref: str, note: str | None = None) -> Assignment:
    """Approves, then publishes the post (an approver the author allowed to publish), in one unit of work."""
    with orm_unit_of_work(acting) as session:
        assignment = _one(session, ref)
        review_rows.act(session, assignment_id=assignment.id, action="approve", note=note)
        post = review_rows.assigned_post(session, blog_id=assignment.blog_id)
        if post is not None:  # the rule `publish` applies (one I cannot read, review_publish refuses)
            markdown = str((post.content or {}).get("markdown", ""))
            check_publishable(title=post.title, slug=post.slug, markdown=markdown)
        review_rows.publish(session, assignment_id=assignment.id)
        return _one(session, str(assignment.id))
