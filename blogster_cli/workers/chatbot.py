"""Job kind `process_chatbot_message`: the bot's reply to one user message (enqueued by the 0080
trigger on chatbot_messages, in the user's transaction)."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    import procrastinate

    from blogster_cli.ai.provider import ProviderConfig
    from blogster_cli.context import AppContext

TASK_NAME = "process_chatbot_message"
QUEUE = "chatbot"
MAX_ATTEMPTS = 3
AI_FALLBACK_ENV = "BLOGSTER_CHATBOT_AI_FALLBACK"


def _fallback_provider(context: AppContext) -> ProviderConfig | None:
    """The configured AI provider when BLOGSTER_CHATBOT_AI_FALLBACK=1, else None (classifier only)."""
    if os.environ.get(AI_FALLBACK_ENV, "").strip().lower() not in ("1", "true", "yes", "on"):
        return None
    from blogster_cli.services import ai_settings

    return ai_settings.provider_config(context)


def register(app: procrastinate.App, context: AppContext) -> None:
    from procrastinate import JobContext, RetryStrategy

    from blogster_cli.services import chatbot_replies, workers
    from blogster_cli.workers import stopping

    _fallback_provider(context)  # a provider set up wrong stops the worker at its start

    @app.task(name=TASK_NAME, queue=QUEUE, pass_context=True, retry=RetryStrategy(max_attempts=MAX_ATTEMPTS))
    def process_chatbot_message(job_context: JobContext, /, **args: Any) -> None:
        job = job_context.job
        assert job.id is not None
        try:
            chatbot_replies.process_message(
                context.database,
                message_id=UUID(args["message_id"]),
                created_at=datetime.fromisoformat(args["created_at"]),
                provider=_fallback_provider(context),  # as set now (`ai setup` since the start)
                should_stop=stopping.should_stop(job_context),  # ends a wait for the worker's first model
            )
        except Exception as exc:
            workers.record_failure(context.database, job_id=job.id, task_name=TASK_NAME, error=str(exc))
            raise
