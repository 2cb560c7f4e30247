"""0144: a review notification says who acted and what they said (a new user's walk, h257 M4).

The assignee read "TITLE is now rejected" (nobody named, no comment) and every body was
"assignment <uuid>". Now the assignee's titles name the post's author when she acted, and each
body is "`blogster review show <8 characters>`: <the comment's first line>", bounded; the
assignment's whole id is the notification's link, which keys the rewrite of an unread one (0136)
in its lane, a step's or a comment's (0140).
"""

from __future__ import annotations

from blogster_cli.services import notifications, review
from tests.integration import test_review_notification_bound as bound
from tests.integration.test_review_notification_bound import BY_VIC, step

crew = bound.crew  # the fixture: ada's post, vic its approver (allowed to publish), grace its editor


def newest(acting):
    """`acting`'s newest notification: (title, content, link)."""
    first = notifications.list_notifications(acting)[0]
    return first.title, first.content, first.link


def test_each_body_names_the_command_and_the_steps_comment(crew):
    show, about = f"`blogster review show {crew.approver[:8]}`", f"blogster review show {crew.approver}"
    step(crew.vic, crew.approver, "start")
    assert newest(crew.ada) == (f"Started by {BY_VIC}", show, about)
    step(crew.vic, crew.approver, "comment", "\n  The intro is long.  \r\nAnd the outro.")
    assert newest(crew.ada) == (f"Comment by {BY_VIC}", f"{show}: The intro is long. …", about)
    step(crew.vic, crew.approver, "comment", "One line only.")  # rewrites the comment's, body too
    shown = [(n.title, n.content) for n in notifications.list_notifications(crew.ada, unread_only=True)]
    assert shown == [(f"Comment by {BY_VIC}", f"{show}: One line only."), (f"Started by {BY_VIC}", show)]
    step(crew.vic, crew.approver, "reject", "x" * 500)  # one long line: 119 characters and an ellipsis
    title, body, _ = newest(crew.ada)
    assert title == f"Changes requested by {BY_VIC}" and body == f"{show}: {'x' * 119}…"
    step(crew.vic, crew.approver, "start")  # a step without a comment: the command alone
    assert newest(crew.ada) == (f"Rework started by {BY_VIC}", show, about)


def test_the_assignee_hears_who_rejected_and_why(crew):
    """The walk's case: the author rejects with a comment; the assignee's notice names her and it."""
    editor = crew.editor
    assert newest(crew.grace) == ("Assigned as editor by ada@example.com: Draft one", f"`blogster review show {editor[:8]}`",
                                  f"blogster review show {editor}")  # fmt: skip
    step(crew.grace, editor, "start")
    step(crew.grace, editor, "submit")
    step(crew.ada, editor, "reject", "Please also check the psql line\nand the rest.")
    assert newest(crew.grace) == (
        "Rejected by ada@example.com: Draft one",
        f"`blogster review show {editor[:8]}`: Please also check the psql line …",
        f"blogster review show {editor}",
    )
    review.withdraw(crew.ada, ref=editor)  # rewrites the unread rejection: said who, and what it means
    assert newest(crew.grace) == (
        "Withdrawn by ada@example.com: your assignment as editor on Draft one",
        "You no longer read the post, and `blogster review list` no longer shows the assignment.",
        f"blogster review show {editor}",
    )
    assert len(notifications.list_notifications(crew.grace)) == 1


def test_a_comment_is_stored_as_written_for_the_front_ends_to_make_safe(crew):
    """Control characters stay in the stored body (--json and pipes are exact); the CLI and the TUI
    show them as stand-ins (terminal_text). A line break never reaches the body."""
    step(crew.vic, crew.approver, "comment", "\x1b]0;pwned\x07 see \u202eevil\rhidden")
    assert newest(crew.ada)[1] == f"`blogster review show {crew.approver[:8]}`: \x1b]0;pwned\x07 see \u202eevil …"


def test_approved_and_published_keeps_the_approvals_comment(crew):
    step(crew.vic, crew.approver, "start")
    review.approve_and_publish(crew.vic, ref=crew.approver, note="Ship it.")
    assert newest(crew.ada)[:2] == (
        f"Approved and published by {BY_VIC}",
        f"`blogster review show {crew.approver[:8]}`: Ship it.",
    )
