"""blogster workers status | retry."""

from __future__ import annotations

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, app_context

app = command_group("workers")


@app.command("status")
def status(json: bool = JSON_OPTION) -> None:
    """Queue depth per queue, failed jobs with their errors, workers' last heartbeat.

    Example: blogster workers status --json
    """
    from blogster_cli.services import workers

    result = workers.status(app_context().database)
    if json:
        output.print_json(result)
        return
    output.print_table(result.queues, ["queue", "due", "scheduled", "doing", "failed"], title="Queues")
    output.print_table(result.failed, ["id", "queue", "task", "attempts", "error"], title="Failed jobs")
    output.print_table(result.workers, ["worker", "last_heartbeat"], title="Workers")


@app.command("retry")
def retry(job_id: int = typer.Argument(..., help="A failed job's id (see workers status).")) -> None:
    """Put a failed job back in its queue, due now.

    Example: blogster workers retry 42
    """
    from blogster_cli.services import workers

    workers.retry(app_context().database, job_id=job_id)
    output.message(f"job {job_id} queued again")


@app.command("clean-notifications")
def clean_notifications(json: bool = JSON_OPTION) -> None:
    """Remove notifications that expired over a week ago (what the hourly job does), for system cron.

    Example: blogster workers clean-notifications --json
    """
    from blogster_cli.services import notifications

    removed = notifications.clean_expired(app_context().database)
    output.print_json({"removed": removed}) if json else output.message(f"{removed} expired notifications removed")
