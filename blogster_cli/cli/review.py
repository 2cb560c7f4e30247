"""blogster review: assign posts to teammates and move the review along its statuses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.params import parse_date
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.cli.tables import FULL
from blogster_cli.errors import InvalidInput
from blogster_cli.id_prefixes import short
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from blogster_cli.services.review import Assignment, AssignmentSummary

app = command_group("review")

REF = typer.Argument(..., help="The assignment's id (8 characters are enough).")
NOTE = typer.Option(None, "--comment", help="A comment to add with this step.")


def _done(assignment: Assignment, json: bool) -> None:
    if json:
        output.print_json(assignment)
    else:
        output.message(f"{short(assignment.id)} ({assignment.slug}) is {assignment.status}.")


@app.command()
def assign(
    blog: str = typer.Argument(..., help="Your post (slug or id)."),
    to: str = typer.Option(..., "--to", help="The teammate's account email."),
    role: str = typer.Option(..., "--role", help="author, editor, reviewer or approver."),
    due: date | None = typer.Option(
        None, "--due", parser=parse_date, help="YYYY-MM-DD: the day it is due, the same day for your teammate."
    ),
    allow_publish: bool = typer.Option(False, "--allow-publish", help="Let an approver publish once approved."),
    json: bool = JSON_OPTION,
) -> None:
    """Assign one of your posts to a teammate, who can then read it, comment and move its status.

    Example: blogster review assign ten-terminal-habits --to grace@example.com --role reviewer
    """
    from blogster_cli.services import review

    assignment = review.assign(acting_user(), blog=blog, to=to, role=role, due=_due(due), can_publish=allow_publish)
    if json:
        output.print_json(assignment)
        return
    who = assignment.assignee_email or to.strip()
    publish = ", allowed to publish" if assignment.can_publish else ""
    due_on = f", due {assignment.due_date.isoformat()}" if assignment.due_date else ""
    output.message(
        f"{short(assignment.id)} ({assignment.slug}): {who} is assigned as {assignment.role}{publish}{due_on}."
    )


def _due(day: date | None) -> date | None:
    """The day; one before today in the user's timezone, or one whose end is past the times
    Blogster stores (planning/times.py WINDOW), is refused."""
    from blogster_cli.planning.times import within_window
    from blogster_cli.services.review import due_instant

    if day is None:
        return None
    if day < datetime.now(app_context().tzinfo).date():
        raise InvalidInput(f"--due {day.isoformat()!r} is in the past: give today or a later day")
    within_window(due_instant(day), f"--due {day.isoformat()!r}")
    return day


@app.command("list")
def list_assignments(
    by_me: bool = typer.Option(False, "--by-me", help="Assignments you made (default: assigned to you)."),
    fmt: str | None = FORMAT_OPTION,
    limit: int | None = LIMIT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Assignments to you, or with --by-me those you made.

    Example: blogster review list --json
    """
    from blogster_cli.cli.listing import chosen_format, limited
    from blogster_cli.services import review

    rows = review.assignments(acting_user(), mine_to_do=not by_me)
    if chosen_format(fmt, json) == "json":
        output.print_json(list(limited(rows, limit)))
        return
    # Who else is on each: the assignee of an assignment I made, the author of a post assigned to me.
    person, email_of = ("assignee", _assignee) if by_me else ("author", _author)
    records = [
        {
            "id": str(r.id),
            "slug": r.slug,
            person: email_of(r),
            "role": r.role,
            "status": r.status,
            "due": r.due_date,
            "comments": r.comment_count,
        }
        for r in rows
    ]
    columns = ["id", "slug", person, "role", "status", "due", "comments"]
    # An email is whole, as a slug is (tables.FULL): what `review assign --to` takes.
    show_list(records, columns, fmt=fmt, json=False, limit=limit, full=(*FULL, person))


def _person(email: str | None, account: UUID | None) -> str:
    """Someone on an assignment: their email; an account whose email is not yours to read (one you
    assigned by id, not by email, who has not acted yet; one marked for deletion) by its id's start."""
    if email:
        return email
    return "deleted account" if account is None else f"account {short(account)}"


def _assignee(a: AssignmentSummary) -> str:
    return _person(a.assignee_email, a.assigned_to)


def _author(a: AssignmentSummary) -> str:
    return _person(a.author_email, a.author_id)


@app.command()
def show(
    ref: str = REF,
    all_comments: bool = typer.Option(False, "--all", help="Every comment (default: the newest 50)."),
    json: bool = JSON_OPTION,
) -> None:
    """An assignment: the post's text and its comments in order (the newest 50; --all for every one).

    Example: blogster review show $(blogster review list --by-me --format ids | head -1)
    """
    from blogster_cli.services import review

    found = review.show(acting_user(), ref=ref, all_comments=all_comments)
    if json:
        output.print_json(found)
        return
    a = found.assignment
    output.print_record(
        {
            "id": a.id,
            "post": a.slug,
            "title": a.title,
            "author": _author(a),
            "assignee": _assignee(a),
            "role": a.role,
            "assigned by": _person(a.assigner_email, a.assigned_by),
            "status": a.status,
            "due": a.due_date,
        }
    )
    earlier = a.comment_count - len(a.comments)
    if earlier > 0:
        output.print_lines(
            [f"({plural(earlier, 'earlier comment')} not shown: `blogster review show {ref} --all` prints them)"]
        )
    for comment in a.comments:
        author = comment.get("author_email") or "deleted account"
        at = output.stored_time(comment.get("at"))
        output.print_lines([f"[{at}] {author} ({comment.get('action')}): {comment.get('text')}"])
    output.print_lines(["", found.markdown])


def _step(action: str) -> Callable[[str, str | None, bool], None]:
    def command(ref: str = REF, note: str | None = NOTE, json: bool = JSON_OPTION) -> None:
        from blogster_cli.services import review

        _done(review.act(acting_user(), ref=ref, action=action, note=note), json)

    return command


MINE = "$(blogster review list --format ids | head -1)"
BY_ME = "$(blogster review list --by-me --format ids | head -1)"
_HELP = {
    "start": ("Start working on an assignment (assigned -> in_progress).", MINE),
    "submit": ("Hand your work in (-> awaiting_review; a reviewer's -> reviewed).", MINE),
    "reject": (
        "Reject the post (the author, or an approver); it goes back for rework.",
        f'{BY_ME} --comment "One more pass"',
    ),
}
for _action, (_text, _example) in _HELP.items():
    _step_command = _step(_action)
    _step_command.__doc__ = f"{_text}\n\n    Example: blogster review {_action} {_example}"
    app.command(_action)(_step_command)


@app.command()
def approve(
    ref: str = REF,
    note: str | None = NOTE,
    publish: bool = typer.Option(
        False,
        "--publish",
        help="Also publish (an approver the author allowed): a draft goes live now; one the author"
        " scheduled stays scheduled and goes live at its time; one already live keeps the approval.",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Approve the post (the author, or an approver); --publish puts it live if the author allowed you.

    A post its author scheduled for later stays scheduled (it goes live at its time, and the line
    says when, in your timezone): --publish never overrides the author's schedule.

    Example: blogster review approve $(blogster review list --by-me --format ids | head -1) --comment "Ship it"
    """
    from blogster_cli.services import review

    acting = acting_user()
    if not publish:
        _done(review.act(acting, ref=ref, action="approve", note=note), json)
        return
    approval = review.approve_and_publish(acting, ref=ref, note=note)
    done = approval.assignment
    if json:
        kept = approval.kept_date.date().isoformat() if approval.kept_date else None
        output.print_json({
            **output.to_plain(done), "already_published": approval.already_published, "kept_publication_date": kept,
            "scheduled_for": approval.scheduled_for,
        })  # fmt: skip
    elif approval.already_published:
        output.message(
            f"{short(done.id)} ({done.slug}) is approved; '{done.slug}' was already published: nothing to publish."
        )
    elif approval.scheduled_for is not None:  # the author's schedule (an embargo) holds
        output.message(
            f"{short(done.id)} ({done.slug}) is approved; it goes live as scheduled at"
            f" {output.local_time(approval.scheduled_for)}."
        )
    elif approval.kept_date is not None:  # published before: its address and feed place stay
        output.message(
            f"{short(done.id)} ({done.slug}) is approved and published;"
            f" it keeps its publication date, {approval.kept_date:%Y-%m-%d}."
        )
    else:
        output.message(f"{short(done.id)} ({done.slug}) is approved and published.")


@app.command()
def comment(ref: str = REF, text: str = typer.Argument(..., help="The comment."), json: bool = JSON_OPTION) -> None:
    """Add a comment (kept in order, with its author and time).

    Example: blogster review comment $(blogster review list --format ids | head -1) "The intro is too long."
    """
    from blogster_cli.services import review

    done = review.act(acting_user(), ref=ref, action="comment", note=text)
    if json:
        output.print_json(done)
    else:  # a comment changes no status: "is in_progress" read as if it had
        output.message(f"Commented on {short(done.id)} ({done.slug}, still {done.status}).")


@app.command()
def withdraw(ref: str = REF, json: bool = JSON_OPTION) -> None:
    """Take back an assignment on your post, whatever its status: its assignee no longer reads the post.

    Example: blogster review withdraw $(blogster review list --by-me --format ids | head -1)
    """
    from blogster_cli.services import review

    gone = review.withdraw(acting_user(), ref=ref)
    if json:
        output.print_json(gone)
    else:
        output.message(f"{short(gone.id)} ({gone.slug}) withdrawn.")
