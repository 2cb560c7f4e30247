"""Periodic jobs `post_social` and `send_newsletters` (every minute): every account's due social
posts and scheduled newsletters, each as its account, through the calls `calendar run-due`,
`social post-due`, `newsletter send-due` and `workers post-social | send-newsletters` make.

A post or newsletter another run holds (cron at the same minute, a second worker) is
skipped; a job killed mid-run is finished by the next minute's run. Newsletters need an
SMTP server (BLOGSTER_SMTP_URL or smtp_url): without one the job does nothing. After a
configuration error (a refused login, a From the server refuses, an untrusted certificate) the
worker holds that mail (services/mail_hold.py), said once in its log: no login each minute, tried
again once the SMTP settings or password change, else after 1, 2, 4 ... at most 60 minutes. The
hold is the profile's, kept in the Blogster home: cron's `calendar run-due`, `newsletter send-due`
and `workers send-newsletters` honour it and add to it, and a restarted worker keeps it. A send ends
between two mails as soon as the worker is told to stop (workers/stopping.py), with what it
mailed recorded and the newsletter still due: the next run after a restart mails the rest. An
account mails at most its daily sending limit (db/migrations/0175): its newsletter stays due and
each minute's run mails more as the last 24 hours allow, without an SMTP login while none may go.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import procrastinate

    from blogster_cli.context import AppContext

QUEUE = "maintenance"
POST_SOCIAL = "post_social"
POST_SOCIAL_CRON = "* * * * *"
SEND_NEWSLETTERS = "send_newsletters"
SEND_NEWSLETTERS_CRON = "* * * * *"

log = logging.getLogger(__name__)


def register(app: procrastinate.App, context: AppContext) -> None:
    from procrastinate import JobContext

    from blogster_cli.errors import ConfigError
    from blogster_cli.services import mail_hold, newsletters, sessions, social_posting
    from blogster_cli.wording import plural
    from blogster_cli.workers import stopping

    held_mail = mail_hold.kept(context)  # the profile's, shared with cron's run-due and send-due

    @app.periodic(cron=POST_SOCIAL_CRON, periodic_id=POST_SOCIAL)
    @app.task(name=POST_SOCIAL, queue=QUEUE, queueing_lock=POST_SOCIAL)
    def post_social(timestamp: int) -> None:
        access = social_posting.social_access(context, token_owner=sessions.logged_in_account(context))
        for outcome in social_posting.post_due_for_every_account(
            context.database, access=access, timeouts=context.timeouts
        ).results:
            if outcome.error:
                log.warning("social post %s (%s): %s", outcome.id, outcome.platform, outcome.error)

    @app.periodic(cron=SEND_NEWSLETTERS_CRON, periodic_id=SEND_NEWSLETTERS)
    @app.task(name=SEND_NEWSLETTERS, queue=QUEUE, queueing_lock=SEND_NEWSLETTERS, pass_context=True)
    def send_newsletters(job_context: JobContext, timestamp: int) -> None:
        try:
            # newsletter_from is the From of the logged-in account's newsletters only (as the token above).
            smtp = newsletters.smtp_settings(context, sender_owner=sessions.logged_in_account(context))
        except ConfigError:
            return
        for report in newsletters.send_due_for_every_account(
            context.database,
            smtp=smtp,
            timeouts=context.timeouts,
            should_stop=stopping.should_stop(job_context),
            hold=held_mail,
        ).results:
            if report.error:
                log.warning("newsletter %s: %s", report.id, report.error)
            elif report.interrupted:
                log.warning(
                    "newsletter %s: interrupted as the worker stops, after %s in this run (%d in all,"
                    " recorded); the next run mails the rest",
                    report.id, plural(report.sent, "mail"), report.recipient_count,
                )  # fmt: skip
            elif report.held_by_limit and report.sent:  # said as the limit is reached, not each minute after
                log.info(
                    "newsletter %s: %s in this run, %s held by the account's daily sending limit (still due)",
                    report.id, plural(report.sent, "mail"), plural(report.held_by_limit, "reader"),
                )  # fmt: skip
