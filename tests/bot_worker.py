"""A stand-in for `serve-workers` answering chatbot messages, for chat tests that need replies."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def answering_messages(db, superuser) -> Iterator[None]:
    """A worker's heartbeat, and a thread answering each new user message as the worker would
    (the code `serve-workers` runs, without waiting for such a process to start), once it has
    learnt the stored intents (a worker answers at once with what it knows while it learns)."""
    from blogster_cli.services import chatbot_replies

    superuser.execute("insert into procrastinate.procrastinate_workers (last_heartbeat) values (now())")
    stop = threading.Event()

    def answer_messages() -> None:
        with db.connect() as conn:
            while not stop.is_set():
                conn.execute("update procrastinate.procrastinate_workers set last_heartbeat = now()")
                waiting = conn.execute(
                    "select m.id, m.created_at from chatbot_messages m where m.role = 'user' and not exists"
                    " (select 1 from chatbot_messages a where a.role = 'assistant'"
                    "  and a.metadata ->> 'reply_to' = m.id::text)"
                ).fetchall()
                conn.commit()
                for message_id, created_at in waiting:
                    chatbot_replies.wait_until_trained(db, wait_s=300)
                    chatbot_replies.process_message(db, message_id=message_id, created_at=created_at)
                stop.wait(0.05)

    thread = threading.Thread(target=answer_messages, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)
