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
from textual.worker import get_current_worker

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
    wins): the replaced one's thread runs on, and its message says it was `superseded`, for
    the handler to drop (its result is older than the one coming). The thread's database
    connection is closed when the call ends: each worker thread is new, and a connection
    left behind would outlive it.
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
            if isinstance(message, Done):
                message.worker = get_current_worker()
            node.post_message(message)

    return node.run_worker(work, name=action, group=action, thread=True, exclusive=True, exit_on_error=False)


class Done(Message):
    """Base of the past-tense messages: `result` is what the service returned."""

    def __init__(self, result: Any = None) -> None:
        super().__init__()
        self.result = result
        self.worker: Worker[None] | None = None
        """The worker that made it (in_background sets it)."""

    @property
    def superseded(self) -> bool:
        """A newer call of the same action on the same node started after this one's (which
        cancelled its worker): this result is older than the one on its way, and must not
        replace it on the screen. Asked on the UI thread, as the message is handled."""
        return self.worker is not None and self.worker.is_cancelled


class ReadsAgainOnReturn:
    """A screen (this mixin before Screen in its bases) that reads its data again, in the
    background as its `r` does (`read_again`), each time it becomes the current screen again:
    its screen key (F2-F7) or the palette brings it back, or a screen over it closes (the
    editor, a dialog, help). What another terminal changed meanwhile (`posts new`, `calendar
    add`) then shows. The first display reads once, on mount: Textual resumes a screen as it
    is first shown (twice, for a mode's first screen) with no suspend before, which reads
    nothing here, so the first paint does no more work than before."""

    left = False
    """Another screen has been current since this one last was (set on suspend)."""

    def on_screen_suspend(self) -> None:
        self.left = True

    def on_screen_resume(self) -> None:
        if self.left:
            self.left = False
            self.read_again()

    def read_again(self) -> None:
        """Reads the screen's data again, keeping the user's place (the selected row, the filter,
        the chosen day): what `r` does."""
        raise NotImplementedError
