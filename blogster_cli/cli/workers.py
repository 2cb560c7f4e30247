"""blogster workers status | retry and the periodic jobs' one-shot commands for cron."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_sections
from blogster_cli.cli.state import JSON_OPTION, app_context
from blogster_cli.wording import agreeing, plural

if TYPE_CHECKING:
    from blogster_cli.services.every_account import EveryAccount

app = command_group("workers", administrative=True)


@app.command("status")
def status(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Queue depth per queue, failed jobs with their errors, workers' last heartbeat: each list
    under its heading (its key in --json and --format yaml; --limit applies to each).

    A worker whose heartbeat is over 10 s old is `stale` (killed, or cut off from the database):
    the next worker start, or any running worker within seconds, removes it.

    Example: blogster workers status --json
    """
    import dataclasses

    from blogster_cli.services import workers

    result = workers.status(app_context().database)
    sections = [
        ("queues", "Queues", ["queue", "due", "scheduled", "doing", "failed"]),
        ("failed", "Failed jobs", ["id", "queue", "task", "attempts", "error"]),
        ("workers", "Workers", ["worker", "last_heartbeat", "stale"]),
    ]
    show_sections(dataclasses.asdict(result), sections, fmt=fmt, json=json, limit=limit)


@app.command("retry")
def retry(
    job_id: int = typer.Argument(..., help="A failed job's id (see workers status)."), json: bool = JSON_OPTION
) -> None:
    """Put a failed job back in its queue, due now.

    Example: blogster workers retry 42
    """
    from blogster_cli.services import workers

    workers.retry(app_context().database, job_id=job_id)
    output.print_json({"job": job_id, "queued": True}) if json else output.message(f"job {job_id} queued again")


@app.command("clean-notifications")
def clean_notifications(json: bool = JSON_OPTION) -> None:
    """Remove notifications that expired over a week ago (what the hourly job does), for system cron.

    Example: blogster workers clean-notifications --json
    """
    from blogster_cli.services import notifications

    removed = notifications.clean_expired(app_context().database)
    output.print_json({"removed": removed}) if json else output.message(f"{removed} expired notifications removed")


@app.command("publish-due")
def publish_due(json: bool = JSON_OPTION) -> None:
    """Publish every account's scheduled posts whose time has come (what the workers do each minute), for cron.

    Example: blogster workers publish-due --json
    """
    from blogster_cli.services import due_work

    ctx = app_context()
    done = due_work.publish_due_for_every_author(ctx.database, timeouts=ctx.timeouts)
    _count_report(done, json, key="published", noun=("post published", "posts published"))


@app.command("refill-credits")
def refill_credits(json: bool = JSON_OPTION) -> None:
    """Refill each active plan's AI credits for this month, once a month per account (what the workers do daily), for cron.

    Each account is refilled on its own: one whose credits another command keeps busy (past
    lock_timeout_ms) is named on stderr (exit 1) and refilled by the next run, which does only the
    accounts not yet refilled this month.

    Example: blogster workers refill-credits --json
    """
    from blogster_cli.services import scheduled_jobs

    ctx = app_context()
    done = scheduled_jobs.refill_credits(ctx.database, timeouts=ctx.timeouts)
    if json:
        output.print_json(
            {"refilled": done.refilled > 0, "topped_up": done.topped_up, "failed_accounts": len(done.failures)}
        )
    elif done.refilled or done.failures:
        output.message(f"{plural(done.topped_up, 'plan')} refilled")
    else:
        output.message("this month's credits were already refilled")
    _account_failures(done)


@app.command("ensure-partitions")
def ensure_partitions(
    months: int = typer.Option(3, "--months", help="Create partitions this many months ahead (1-120)."),
    json: bool = JSON_OPTION,
) -> None:
    """Create the coming months' table partitions (what the workers do daily), for cron.

    A run with nothing to create changes nothing and waits for nobody. One that creates a partition
    (or repairs one that differs from its table) needs the partitioned tables (notifications,
    chatbot messages) to itself for a moment: while another command reads them it waits up to
    5 s, then stops with "another command is using the same records right now, ..." (exit 5) and
    creates nothing; a later run does it.

    Example: blogster workers ensure-partitions --months 6
    """
    from blogster_cli.services import scheduled_jobs

    created = scheduled_jobs.ensure_partitions(app_context().database, months_ahead=months)
    output.print_json({"created": created}) if json else output.message(f"{plural(created, 'partition')} created")


@app.command("end-idle-chats")
def end_idle_chats(
    idle_minutes: int = typer.Option(30, "--idle-minutes", help="Silence after which a chat ends as abandoned."),
    json: bool = JSON_OPTION,
) -> None:
    """End chatbot conversations that went quiet (what the workers do each minute), for cron.

    Example: blogster workers end-idle-chats --idle-minutes 30
    """
    from blogster_cli.services import scheduled_jobs

    abandoned = scheduled_jobs.end_idle_chats(app_context().database, idle_minutes=idle_minutes)
    output.print_json({"abandoned": abandoned}) if json else output.message(
        f"{plural(abandoned, 'conversation')} ended"
    )


@app.command("reopen-logins")
def reopen_logins(json: bool = JSON_OPTION) -> None:
    """Open again the logins of accounts whose ban has ended (what the workers do each minute), for cron.

    On a shared server `admin users ban --days N` closes the account's login for the ban; only a
    superuser may open it again, so run this from the administrator's cron where the workers run on
    a worker login. An account awaiting its purge stays closed. --json: the logins opened.

    Example: blogster workers reopen-logins --json
    """
    from blogster_cli.services import accounts

    opened = accounts.reopen_ended_bans(app_context().database)
    output.print_json({"reopened": opened}) if json else output.message(f"{plural(len(opened), 'login')} opened again")


@app.command("refresh-analytics")
def refresh_analytics(json: bool = JSON_OPTION) -> None:
    """Roll yesterday's and today's chatbot figures up (what the workers do hourly), for cron.

    Example: blogster workers refresh-analytics --json
    """
    from blogster_cli.services import scheduled_jobs

    days = scheduled_jobs.refresh_analytics(app_context().database)
    output.print_json({"days": days}) if json else output.message(f"{plural(days, 'day')} of analytics refreshed")


@app.command("refresh-freshness")
def refresh_freshness(json: bool = JSON_OPTION) -> None:
    """Score every author's published posts for freshness (what the workers do daily), for cron.

    Each account's posts are scored as that account and kept in content_freshness (as
    `blogster analytics freshness` does for your own).

    Example: blogster workers refresh-freshness --json
    """
    from blogster_cli.services import analytics_reports

    ctx = app_context()
    done = analytics_reports.freshness_for_every_author(ctx.database, timeouts=ctx.timeouts)
    _count_report(done, json, key="scored", noun=("post scored for freshness", "posts scored for freshness"))


@app.command("post-social")
def post_social(json: bool = JSON_OPTION) -> None:
    """Post every account's scheduled social posts whose time has come (what the workers do each minute), for cron.

    Tokens: each profile's keyring entry, or BLOGSTER_TWITTER_TOKEN / BLOGSTER_LINKEDIN_TOKEN for the
    posts of the account this profile is logged in as (only). --json: the counts (posted, failed,
    failed_accounts) and each post's outcome under posts.

    Example: blogster workers post-social --json
    """
    from blogster_cli.services import sessions, social_posting

    ctx = app_context()
    access = social_posting.social_access(ctx, token_owner=sessions.logged_in_account(ctx))
    outcomes = social_posting.post_due_for_every_account(ctx.database, access=access, timeouts=ctx.timeouts)
    _distribution_report(
        outcomes, json, key="posted", items="posts", noun=("social post posted", "social posts posted")
    )


@app.command("send-newsletters")
def send_newsletters(json: bool = JSON_OPTION) -> None:
    """Send every account's scheduled newsletters whose time has come (what the workers do each minute), for cron.

    From: newsletter_from (BLOGSTER_NEWSLETTER_FROM) for the newsletters of the account this profile
    is logged in as (only); every other account's go from that account's email. Each account mails
    at most its daily sending limit (`admin newsletters limits`): a newsletter stopped there stays
    due, counted as held; one another run is sending (the workers, another cron run) is counted as
    busy, not sent, as is one that mailed nobody because the account's sending turn was held (an
    account's own open transaction: waited for once a run, its other newsletters left due). --json:
    the counts (sent, held, busy, failed, failed_accounts) and each newsletter's report under
    newsletters (held_by_limit: its readers left for later; turn_held: the turn was held).

    Example: blogster workers send-newsletters --json
    """
    from blogster_cli.errors import ConfigError
    from blogster_cli.services import mail_hold, newsletters, sessions

    ctx = app_context()
    try:
        smtp: newsletters.SmtpSettings | None = newsletters.smtp_settings(
            ctx, sender_owner=sessions.logged_in_account(ctx)
        )
    except ConfigError:
        smtp = None  # an error only if a newsletter is due
    sent = newsletters.send_due_for_every_account(
        ctx.database, smtp=smtp, timeouts=ctx.timeouts, hold=mail_hold.kept(ctx), quiet_while_held=False
    )
    counts = newsletters.due_counts(sent.results)
    _distribution_report(
        sent,
        json,
        key="sent",
        items="newsletters",
        noun=("newsletter sent", "newsletters sent"),
        held=counts.held,
        busy=counts.busy,
    )


def _count_report(done: EveryAccount[int], json: bool, *, key: str, noun: tuple[str, str]) -> None:
    """The total of every account's count; then each account whose share failed, on stderr (exit 1)."""
    total = sum(done.results)
    output.print_json({key: total, "failed_accounts": len(done.failures)}) if json else output.message(
        f"{total} {agreeing(total, *noun)}"
    )
    _account_failures(done)


def _distribution_report(
    done: EveryAccount[Any], json: bool, *, key: str, items: str, noun: tuple[str, str], held: int | None = None,
    busy: int | None = None,
) -> None:  # fmt: skip
    """Counts, as every cron command's (`key` done, `failed`, `failed_accounts`), and under `items`
    each post's or newsletter's outcome; then each failure and each account whose share failed on
    stderr (exit 1). `held` and `busy`: of the newsletters, those an account's daily sending limit
    stopped (still due) and those another run was sending (this one mailed nobody), counted apart
    (newsletters.due_counts), under `held` and `busy`."""
    results = done.results
    errors = [f"{getattr(r, 'id', '')}: {getattr(r, 'error', None)}" for r in results if getattr(r, "error", None)]
    stopped, elsewhere = held or 0, busy or 0
    finished = len(results) - len(errors) - stopped - elsewhere
    if json:
        counts = {key: finished, **({"held": stopped} if held is not None else {})}
        counts |= {"busy": elsewhere} if busy is not None else {}
        output.print_json({**counts, "failed": len(errors), "failed_accounts": len(done.failures), items: results})
    else:
        at_limit = f", {stopped} held by a daily sending limit" if stopped else ""
        in_another = f", {elsewhere} busy in another run" if elsewhere else ""
        output.message(f"{finished} {agreeing(finished, *noun)}{at_limit}{in_another}, {len(errors)} failed")
    for problem in errors:
        output.error(problem)
    _account_failures(done)
    if errors:
        raise typer.Exit(1)


def _account_failures(done: EveryAccount[Any]) -> None:
    """One stderr line per account whose share failed (the others' went on), then exit 1."""
    for failure in done.failures:
        output.error(f"account {failure.account}: {failure.error} (its share is retried on the next run)")
    if done.failures:
        raise typer.Exit(1)
