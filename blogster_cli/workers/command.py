"""blogster serve-workers."""

from __future__ import annotations

from enum import StrEnum

import typer


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


def serve_workers(
    concurrency: int = typer.Option(4, "--concurrency", min=1, max=64, help="Jobs run at once by this process."),
    queue: list[str] = typer.Option(
        [], "--queue", help="Only this queue: chatbot, maintenance or notifications (repeatable); default all."
    ),
    once: bool = typer.Option(False, "--once", help="Run what is due now, then exit (cron, tests)."),
    log_level: LogLevel = typer.Option(
        LogLevel.warning,
        "--log-level",
        case_sensitive=False,
        help="What goes to stderr: warning (default) shows failures and retries; info also each job's start and end.",
    ),
) -> None:
    """Run queued jobs (notification emails, ...) until SIGTERM, SIGINT or SIGHUP (not under nohup); exits 0.

    Example: blogster serve-workers --concurrency 8 --queue notifications
    """
    from blogster_cli.cli.state import app_context
    from blogster_cli.workers import runner

    _refuse_unknown(queue)
    runner.serve(app_context(), concurrency=concurrency, queues=queue, once=once, log_level=log_level.value)


def _refuse_unknown(queues: list[str]) -> None:
    """A queue no job goes to would be watched for nothing, silently: a usage error (exit 2) naming
    the queues there are (and the closest, for a typo)."""
    from blogster_cli.errors import InvalidInput
    from blogster_cli.suggestions import close_matches, did_you_mean
    from blogster_cli.wording import agreeing
    from blogster_cli.workers.app import queue_names

    known = queue_names()
    unknown = [name for name in dict.fromkeys(queues) if name not in known]
    if unknown:
        named = ", ".join(repr(name) for name in unknown)
        hint = did_you_mean(close_matches(unknown[0], known)) if len(unknown) == 1 else ""
        raise InvalidInput(
            f"unknown {agreeing(len(unknown), 'queue')} {named}{hint}: the queues are {', '.join(known)}"
        )
