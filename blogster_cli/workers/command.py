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
    queue: list[str] = typer.Option([], "--queue", help="Only these queues (repeatable); default all."),
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

    runner.serve(app_context(), concurrency=concurrency, queues=queue, once=once, log_level=log_level.value)
