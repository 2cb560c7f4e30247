"""Review assignments (team_collaboration): the workflow's steps are the database's definer functions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, String, cast, literal_column, text
from sqlmodel import Session, col, select

from blogster_cli.db.rows import checked
from blogster_cli.models.content import Blog
from blogster_cli.models.extended import TeamCollaboration


def assign(session: Session, *, blog_id: UUID, email: str, role: str, due: datetime | None, can_publish: bool) -> UUID:
    statement = text(
        "select public.review_assign(:blog, :email, cast(:role as public.collaboration_role), :due, :publish)"
    )
    params = {"blog": blog_id, "email": email, "role": role, "due": due, "publish": can_publish}
    return checked(session.connection().execute(statement, params).scalar_one(), UUID)


def act(session: Session, *, assignment_id: UUID, action: str, note: str | None) -> str:
    statement = text("select public.review_act(:id, :action, :note)::text")
    params = {"id": assignment_id, "action": action, "note": note}
    return checked(session.connection().execute(statement, params).scalar_one(), str)


def publish(session: Session, *, assignment_id: UUID) -> UUID:
    statement = text("select public.review_publish(:id)")
    return checked(session.connection().execute(statement, {"id": assignment_id}).scalar_one(), UUID)


def withdraw(session: Session, *, assignment_id: UUID) -> bool:
    """Deletes an assignment on my post (delete_rows applies the author-only DELETE policy)."""
    statement = text("select public.delete_rows('public.team_collaboration', array[cast(:id as uuid)])")
    return session.connection().execute(statement, {"id": assignment_id}).first() is not None


def visible(session: Session, *, assigned_to_me: bool | None = None) -> Sequence[tuple[TeamCollaboration, str, str]]:
    """Assignments I can see (mine to do, or on my posts), with the post's slug and title; newest first."""
    query = select(TeamCollaboration, Blog.slug, Blog.title).join(Blog, col(Blog.id) == TeamCollaboration.blog_id)
    me: ColumnElement[UUID] = literal_column("auth.uid()")
    if assigned_to_me is True:
        query = query.where(TeamCollaboration.assigned_to == me)
    elif assigned_to_me is False:
        query = query.where(TeamCollaboration.assigned_by == me)
    return session.exec(query.order_by(col(TeamCollaboration.created_at).desc(), col(TeamCollaboration.id))).all()


def find(session: Session, *, ref: str) -> list[TeamCollaboration]:
    """Assignments whose id starts with `ref`."""
    query = select(TeamCollaboration).where(
        cast(TeamCollaboration.id, String).startswith(ref.strip().lower(), autoescape=True)
    )
    return list(session.exec(query.limit(2)).all())


def assigned_post(session: Session, *, blog_id: UUID) -> Blog | None:
    """The post of an assignment, as RLS lets me read it (the assignee reads only assigned posts)."""
    return session.exec(select(Blog).where(Blog.id == blog_id)).first()
