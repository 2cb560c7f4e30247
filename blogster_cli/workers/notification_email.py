"""Job kind `notification_email`: one maintenance email to each of up to 100 users (enqueued by the 0036
trigger), or the email of one step of a review (one version of a review notification, args `type`
blog_interaction: enqueued by the 0147 triggers).

An unreachable server is retried (MAX_ATTEMPTS); a configuration error (a refused login, a sender
the server refuses, an untrusted certificate) is not: trying again cannot help until the settings
change, and each failed login counts towards the mail provider locking the account. The job fails
at once, its error in `workers status`; once the settings are fixed, `blogster workers retry ID`
mails the users not mailed yet.

A recipient whose notification another transaction holds (its owner marking it read, the transaction
left open) is not mailed then: the others are, and the job is retried for the busy ones (the ledger
skips the rest); after the last attempt, `blogster workers retry ID` mails them.

An email given up (no SMTP server configured, the server's final refusal, the recipient having
turned email off) is recorded as failed with its reason, which `notifications list` shows on the
recipient's notification; the worker logs a warning per reason, so the job's "Success" does not
hide it.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import procrastinate

    from blogster_cli.context import AppContext

TASK_NAME = "notification_email"
QUEUE = "notifications"
# Attempts in all (the first plus retries, 2 s, 4 s, 8 s, 16 s apart) before the email is given up.
MAX_ATTEMPTS = 5

log = logging.getLogger(__name__)


def register(app: procrastinate.App, context: AppContext) -> None:
    from procrastinate import JobContext, RetryStrategy
    from procrastinate.jobs import Job
    from procrastinate.retry import RetryDecision

    from blogster_cli.errors import ConfigError
    from blogster_cli.services import email_delivery, notifications, workers
    from blogster_cli.wording import plural

    class RetryUnlessMisconfigured(RetryStrategy):
        """RetryStrategy, except for a configuration error: failed at once."""

        def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
            if isinstance(exception, ConfigError):
                return None
            return super().get_retry_decision(exception=exception, job=job)

    @app.task(
        name=TASK_NAME,
        queue=QUEUE,
        pass_context=True,
        retry=RetryUnlessMisconfigured(max_attempts=MAX_ATTEMPTS, exponential_wait=2),
    )
    def notification_email(job_context: JobContext, /, **args: Any) -> None:
        job = job_context.job
        job_id = job.id
        assert job_id is not None
        final_attempt = job.attempts >= MAX_ATTEMPTS
        if args.get("type") == notifications.REVIEW_EMAIL:  # one step of a review
            deliver(job_id, "review email", lambda: notifications.deliver_review_emails(
                context.database, smtp=email_delivery.smtp_server(context), final_attempt=final_attempt, recipients=[
                    notifications.ReviewEmailRecipient(
                        user_id=UUID(recipient["user_id"]),
                        notification_id=UUID(recipient["notification_id"]),
                        created_at=datetime.fromisoformat(recipient["created_at"]),
                    )
                    for recipient in args["recipients"]
                ],
            ))  # fmt: skip
            return
        deliver(job_id, "maintenance email", lambda: notifications.deliver_maintenance_emails(
            context.database, smtp=email_delivery.smtp_server(context), final_attempt=final_attempt, job_id=job_id,
            schedule_id=UUID(args["maintenance_schedule_id"]), subject=args["title"], body=args["content"],
            recipients=[
                notifications.EmailRecipient(
                    user_id=UUID(recipient["user_id"]), notification_id=UUID(recipient["notification_id"])
                )
                for recipient in args["recipients"]
            ],
        ))  # fmt: skip

    def deliver(job_id: int, kind: str, send: Callable[[], Mapping[Any, str | None]]) -> None:
        """Runs `send`, one job's emails (the SMTP server read within it, as newsletters find it, so
        that a setting it cannot use is a configuration error): a configuration error is recorded and not retried, any other
        failure recorded and retried; each reason an email was given up is logged once per job."""
        try:
            outcomes = send()
        except ConfigError as exc:
            failure = ConfigError(f"{exc} (not retried: fix the SMTP settings, then `blogster workers retry {job_id}`)")
            workers.record_failure(context.database, job_id=job_id, task_name=TASK_NAME, error=str(failure))
            raise failure from None
        except notifications.RecipientsBusy as exc:  # the others' outcomes are recorded: warned of now
            warn(job_id, kind, exc.outcomes)
            workers.record_failure(context.database, job_id=job_id, task_name=TASK_NAME, error=str(exc))
            raise
        except Exception as exc:
            workers.record_failure(context.database, job_id=job_id, task_name=TASK_NAME, error=str(exc))
            raise
        warn(job_id, kind, outcomes)

    def warn(job_id: int, kind: str, outcomes: Mapping[Any, str | None]) -> None:
        """A warning per reason emails were given up (not the reasons that lose no email)."""
        for reason, count in Counter(reason for reason in outcomes.values() if reason is not None).items():
            if reason not in notifications.NOT_FAILURES:  # a newer step's email goes, or one went this read cycle
                log.warning("job %s: %s not sent: %s", job_id, plural(count, kind), reason)
