"""Review assignments (team_collaboration): the workflow's steps are the database's definer functions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, String, cast, func, literal_column, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from blogster_cli import id_prefixes
from blogster_cli.db.errors import translating
from blogster_cli.db.rows import checked
from blogster_cli.models.content import Blog
from blogster_cli.models.review import TeamCollaboration
from blogster_cli.vocabulary import BlogStatus

if TYPE_CHECKING:
    import psycopg


def assign(session: Session, *, blog_id: UUID, email: str, role: str, due: datetime | None, can_publish: bool) -> UUID:
    statement = text(
        "select public.review_assign(:blog, :email, cast(:role as public.collaboration_role), :due, :publish)"
    )
    params = {"blog": blog_id, "email": email, "role": role, "due": due, "publish": can_publish}
    return checked(session.connection().execute(statement, params).scalar_one(), UUID)


@translating  # raised as BlogsterError here: the service says who may take the step it refuses
def act(session: Session, *, assignment_id: UUID, action: str, note: str | None) -> str:
    statement = text("select public.review_act(:id, :action, :note)::text")
    params = {"id": assignment_id, "action": action, "note": note}
    return checked(session.connection().execute(statement, params).scalar_one(), str)


@translating  # as `act`: the service says why it refuses
def publish(session: Session, *, assignment_id: UUID) -> UUID:
    statement = text("select public.review_publish(:id)")
    return checked(session.connection().execute(statement, {"id": assignment_id}).scalar_one(), UUID)


def withdraw(session: Session, *, assignment_id: UUID) -> bool:
    """Deletes an assignment on my post (delete_rows applies the author-only DELETE policy)."""
    statement = text("select public.delete_rows('public.team_collaboration', array[cast(:id as uuid)])")
    return session.connection().execute(statement, {"id": assignment_id}).first() is not None


# An assignment's columns without its comments (up to 1,000 of them, 0108/0116), and their count:
# lists and lookups never fetch comment bodies; `comments` fetches those one assignment shows.
_SUMMARY = (
    col(TeamCollaboration.id),
    col(TeamCollaboration.blog_id),
    col(TeamCollaboration.author_id),
    col(TeamCollaboration.role),
    col(TeamCollaboration.status),
    col(TeamCollaboration.assigned_to),
    col(TeamCollaboration.assigned_by),
    col(TeamCollaboration.can_publish),
    col(TeamCollaboration.due_date),
    col(TeamCollaboration.completed_at),
    func.jsonb_array_length(TeamCollaboration.comments).label("comment_count"),
)


def visible(session: Session, *, assigned_to_me: bool | None = None) -> Sequence[Row[Any]]:
    """Assignments I can see (mine to do, or on my posts), with the post's slug and title; newest first.

    Each row has the assignment's columns but `comments`, a `comment_count`, and `slug` and `title`.
    """
    query = sa_select(*_SUMMARY, col(Blog.slug), col(Blog.title)).join(Blog, col(Blog.id) == TeamCollaboration.blog_id)
    me: ColumnElement[UUID] = literal_column("auth.uid()")
    if assigned_to_me is True:
        query = query.where(col(TeamCollaboration.assigned_to) == me)
    elif assigned_to_me is False:
        query = query.where(col(TeamCollaboration.assigned_by) == me)
    query = query.order_by(col(TeamCollaboration.created_at).desc(), col(TeamCollaboration.id))
    return session.connection().execute(query).all()


def find(session: Session, *, prefix: str) -> Sequence[Row[Any]]:
    """Assignments I see whose id starts with `prefix` (id_prefixes: one is a match, two ambiguous),
    as `visible` shapes them without slug and title."""
    query = sa_select(*_SUMMARY).where(cast(TeamCollaboration.id, String).startswith(prefix, autoescape=True))
    return session.connection().execute(query.limit(id_prefixes.ROWS_NEEDED)).all()


def emails(session: Session, *, account_ids: Collection[UUID]) -> dict[UUID, str]:
    """The emails of these accounts that I may read: mine, and those of the accounts that share an
    assignment with me (its post's author, its assignee, who assigned it: public.review_emails, 0144).
    Any other id (someone else's, a deleted account's) is left out."""
    if not account_ids:
        return {}
    statement = text("select id, email from public.review_emails(cast(:ids as uuid[]))")
    found = session.connection().execute(statement, {"ids": list(account_ids)}).all()
    return {checked(row.id, UUID): checked(row.email, str) for row in found}


def comments(session: Session, *, assignment_id: UUID, newest: int | None) -> list[dict[str, Any]]:
    """An assignment's comments in order: all of them, or only the `newest` ones."""
    statement = text(
        "select coalesce(pg_catalog.jsonb_agg(c.value order by c.n), '[]'::jsonb)"
        " from public.team_collaboration t, pg_catalog.jsonb_array_elements(t.comments) with ordinality c(value, n)"
        " where t.id = :id and (cast(:newest as integer) is null"
        " or c.n > pg_catalog.jsonb_array_length(t.comments) - cast(:newest as integer))"
    )
    found = session.connection().execute(statement, {"id": assignment_id, "newest": newest}).scalar_one()
    return list(checked(found, list))


def mine_on_post(
    conn: psycopg.Connection, *, slug_or_id: str | None = None, blog_id: UUID | None = None
) -> list[tuple[UUID, str]]:
    """My assignments (id, role) on another account's live post with this slug or id (as text), or
    this id, newest first: what a refused change of that post names. On the driver: the posts'
    unit of work (services/blogs.py) is psycopg's, and an assignee holds few assignments."""
    rows = conn.execute(
        "select t.id, t.role::text from public.team_collaboration t join public.blogs b on b.id = t.blog_id"
        " where t.assigned_to = auth.uid() and b.author_id <> auth.uid() and b.deleted_at is null"
        " and (b.slug = %(ref)s or b.id::text = %(ref)s or b.id = %(id)s) order by t.created_at desc, t.id",
        {"ref": slug_or_id, "id": blog_id},
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def assigned_post(session: Session, *, blog_id: UUID) -> Blog | None:
    """The post of an assignment, as RLS lets me read it (the assignee reads only assigned posts)."""
    return session.exec(select(Blog).where(Blog.id == blog_id)).first()


def scheduled_for(session: Session, *, blog_id: UUID) -> datetime | None:
    """When the post goes live, if it is scheduled; read as a column, so afresh after review_publish
    changed the row behind the session's loaded post."""
    query = select(col(Blog.published_at)).where(Blog.id == blog_id, Blog.status == BlogStatus.SCHEDULED)
    return session.exec(query).first()
