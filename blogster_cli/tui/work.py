"""Service calls off the UI thread: a thread worker runs the call and posts what happened.

Success posts the caller's past-tense message (PostsLoaded, PostSaved...); a failure
posts ServiceFailed, which the app shows as a notification: the one-line message of a
BlogsterError, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message

from blogster_cli.errors import BlogsterError, DatabaseUnavailable

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.worker import Worker

Result = TypeVar("Result")
LOG = logging.getLogger(__name__)


class ServiceFailed(Message):
    """A background call failed; `text` is safe to show (one line, the user's own data only)."""

    def __init__(self, action: str, text: str, *, unavailable: bool = False) -> None:
        super().__init__()
        self.action = action
        self.text = text
        self.unavailable = unavailable


def in_background(
    node: DOMNode, action: str, call: Callable[[], Result], done: Callable[[Result], Message | None]
) -> Worker[None]:
    """Runs `call` in a thread worker; posts `done(result)` to `node`, or ServiceFailed.

    Workers of the same `action` on the same node replace each other (a newer reload
    wins). The thread's database connection is closed when the call ends: each worker
    thread is new, and a connection left behind would outlive it.
    """
    acting = node.app.acting  # type: ignore[attr-defined]

    def work() -> None:
        try:
            result = call()
        except DatabaseUnavailable as exc:
            node.post_message(ServiceFailed(action, str(exc), unavailable=True))
            return
        except BlogsterError as exc:
            node.post_message(ServiceFailed(action, str(exc)))
            return
        except Exception as exc:  # the screen stays up; the detail goes to the log, not the user
            LOG.exception("%s failed", action)
            node.post_message(ServiceFailed(action, f"{action} failed unexpectedly ({type(exc).__name__})"))
            return
        finally:
            acting.db.close()
        message = done(result)
        if message is not None:
            node.post_message(message)

    return node.run_worker(work, name=action, group=action, thread=True, exclusive=True, exit_on_error=False)


class Done(Message):
    """Base of the past-tense messages: `result` is what the service returned."""

    def __init__(self, result: Any = None) -> None:
        super().__init__()
        self.result = result
