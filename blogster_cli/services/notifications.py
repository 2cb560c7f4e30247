"""Notification delivery (the workers' side) and a user's own notifications (the CLI's side)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from blogster_cli import id_prefixes
from blogster_cli.actors import ActingUser, Actor, Timeouts
from blogster_cli.db.connection import Database
from blogster_cli.db.orm import orm_service_unit_of_work, orm_unit_of_work
from blogster_cli.errors import Conflict, InvalidInput, NotFound
from blogster_cli.models.system import UserNotification
from blogster_cli.planning import times
from blogster_cli.repositories import notification_delivery, notifications
from blogster_cli.repositories.notification_delivery import ReviewClaim
from blogster_cli.services import email_delivery
from blogster_cli.terminal_text import dropped
from blogster_cli.vocabulary import NotificationDeliveryStatus, NotificationType
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from sqlmodel import Session

    from blogster_cli.models.accounts import UserNotificationPreferences

NO_SMTP = "no SMTP server configured (smtp_url or BLOGSTER_SMTP_URL)"
OPTED_OUT = "the recipient no longer wants maintenance email"


def message_id(notification_id: UUID) -> str:
    """Stable per notification: a repeat after a crash is recognisably the same message."""
    return f"<{notification_id}@notifications.blogster>"


@dataclass(frozen=True)
class EmailRecipient:
    """One recipient of a maintenance email job (the 0036 trigger batches up to 100)."""

    user_id: UUID
    notification_id: UUID


class RecipientsBusy(Conflict):
    """Some recipients of a maintenance email job were not mailed in this attempt: another transaction
    held their notification (its owner marking it read, for as long as they like). The others were;
    `outcomes` holds theirs, and the job's retry mails the busy ones."""

    def __init__(self, message: str, *, outcomes: dict[UUID, str | None]) -> None:
        super().__init__(message)
        self.outcomes = outcomes


class _NotificationBusy(Exception):
    """This recipient's notification is held by another transaction: not mailed now."""


def deliver_maintenance_emails(
    db: Database,
    *,
    smtp: email_delivery.SmtpServer | None,
    job_id: int,
    schedule_id: UUID,
    subject: str,
    body: str,
    recipients: list[EmailRecipient],
    final_attempt: bool,
) -> dict[UUID, str | None]:
    """Sends each recipient's maintenance email at most once; returns the outcomes recorded now
    (notification id -> None when sent, else why the email was given up, as its notification says).

    One ledger read for the batch skips what an earlier attempt already recorded; then, per
    recipient, the address is read as the recipient, and the email sent and its outcome recorded
    in a guard holding the recipient's notification (`_deliver_one`). An unreachable server stops
    the batch with SmtpUnavailable for a retry (which resumes here), unless this is the
    final attempt: then the rest are recorded as failed. A recipient whose notification another
    transaction holds is not mailed now: the others are, then RecipientsBusy asks for a retry,
    which mails the busy ones (the ledger skips the others).
    """
    with orm_service_unit_of_work(db) as session:
        done = notification_delivery.delivered_among(session, notification_ids=[r.notification_id for r in recipients])
    outcomes: dict[UUID, str | None] = {}
    busy = 0
    for recipient in recipients:
        if recipient.notification_id in done:
            continue
        try:
            outcomes[recipient.notification_id] = _deliver_one(
                db, smtp=smtp, recipient=recipient, subject=subject, body=body, final_attempt=final_attempt
            )
        except _NotificationBusy:
            busy += 1
    if busy:  # the job is not done: its retry checks the schedule as it finishes
        raise RecipientsBusy(
            f"{plural(busy, 'recipient')} not mailed yet: another transaction held their notification"
            f" (retried; after the last attempt, `blogster workers retry {job_id}`)",
            outcomes=outcomes,
        )
    with orm_service_unit_of_work(db) as session:  # after the outcomes are committed: see the repository
        notification_delivery.mark_schedule_sent_when_done(session, schedule_id=schedule_id, finishing_job_id=job_id)
    return outcomes


def _deliver_one(
    db: Database,
    *,
    smtp: email_delivery.SmtpServer | None,
    recipient: EmailRecipient,
    subject: str,
    body: str,
    final_attempt: bool,
) -> str | None:
    """The recipient's email and its outcome, in a guard: the unit of work holds the recipient's
    notification row (taken with SKIP LOCKED: _NotificationBusy at once when another transaction
    holds it, no wait, nothing sent) across the SMTP call, and commits the outcome (the ledger and
    the notification's status) after it. A crash in between rolls both back: the retry repeats that
    one email, with the same Message-ID."""
    with orm_unit_of_work(ActingUser(db, Actor(user_id=recipient.user_id, email=""))) as session:
        address = notification_delivery.own_email_if_wanted(session)

    with orm_service_unit_of_work(db, guard=True) as guard:
        if not notification_delivery.hold_unless_busy(
            guard, notification_id=recipient.notification_id, user_id=recipient.user_id
        ):
            raise _NotificationBusy
        status, error = NotificationDeliveryStatus.SENT, None
        if address is None:
            status, error = NotificationDeliveryStatus.FAILED, OPTED_OUT
        elif smtp is None:
            status, error = NotificationDeliveryStatus.FAILED, NO_SMTP
        else:
            email = email_delivery.Email(
                to=address, subject=subject, body=body, message_id=message_id(recipient.notification_id)
            )
            try:
                email_delivery.send(smtp.url, email, password=smtp.password, password_from=smtp.password_from)
            except email_delivery.RecipientRefused as exc:
                status, error = NotificationDeliveryStatus.FAILED, str(exc)
            except email_delivery.SmtpUnavailable as exc:
                if not final_attempt:
                    raise
                status, error = NotificationDeliveryStatus.FAILED, str(exc)
        notification_delivery.record_delivery(
            guard, notification_id=recipient.notification_id, user_id=recipient.user_id, status=status, error=error
        )
    return error


# -- Review notifications by email (0147) ---------------------------------------------------

REVIEW_EMAIL = "blog_interaction"
"""The `type` of a notification_email job that mails one version of a review notification."""
REVIEW_OPTED_OUT = "the recipient no longer wants review email"
REPLACED = "a newer step replaced this one before its email went (the newer step's email goes instead)"
ALREADY_MAILED = "its notification was mailed already since its recipient last read it (this step shows there)"
UNREAD_PER_SENDER = 2
"""Review emails from one sender that may be unread at a time (0151's claim: a number of the migration)."""
REVIEW_EMAILS_A_DAY = 50
"""Review emails to one recipient a day, UTC (0151's claim: a number of the migration)."""
HELD = (
    f"{UNREAD_PER_SENDER} other review emails from the same person are unread: this step shows in the app"
    " (once one is read, their next step is mailed)"
)
DAILY_LIMIT = (
    f"the recipient was sent {REVIEW_EMAILS_A_DAY} review emails today (UTC), the most in a day:"
    " this step shows in the app only"
)
NOT_FAILURES = frozenset({REPLACED, ALREADY_MAILED, HELD})
"""Why a review version was not mailed, by design: no email was lost (the workers warn of the others,
the daily limit included: one recipient that busy is worth an operator's look)."""
SENT, FAILED = NotificationDeliveryStatus.SENT, NotificationDeliveryStatus.FAILED
REVIEW_FOOTER = (
    "You get this email because your notification preferences have email_notifications and\n"
    "blog_interaction_notifications on (`blogster notifications prefs set email_notifications off`)."
)
# A claim may wait for another worker's claim on the same notification, held across its SMTP call
# (0149): longer than a send's replies take (SMTP_TIMEOUT_S each), else the job is retried.
CLAIM_WAIT_MS = 3 * email_delivery.SMTP_TIMEOUT_S * 1000
CLAIM_TIMEOUTS = Timeouts(statement_ms=CLAIM_WAIT_MS, lock_ms=CLAIM_WAIT_MS)


@dataclass(frozen=True)
class ReviewEmailRecipient:
    """One version of a review notification to mail (the 0147 trigger queues one per version)."""

    user_id: UUID
    notification_id: UUID
    created_at: dt.datetime


def review_delivery_key(notification_id: UUID, created_at: dt.datetime) -> UUID:
    """The ledger's key for one version of a review notification (its id and created_at: a rewrite
    is a new version, 0136), the same in every process and on every retry; the email's Message-ID
    is `message_id(key)`, so a message repeated after a crash is recognisably the same one."""
    return uuid5(notification_id, created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"))


def review_email_body(content: str | None, notification_id: UUID) -> str:
    """The email's text: the notification's body (the command and the step's comment, or what a
    withdrawal means), how to have the next step mailed (read the notification: 0148; by its id,
    which works when it is not shown in the app too: 0149; and what waits meanwhile: 0151), then
    why it came. Others' text as a mail program shows it: without the characters a terminal acts
    on (ESC, C1 codes, bidi overrides) or a lone CR."""
    lines = [dropped(line, keep_marks=True) for line in (content or "").splitlines()]
    read = (
        "Later steps update this notification without another email until you read it:\n"
        f"`blogster notifications read {id_prefixes.short(notification_id)}`.\n"
        f"While {UNREAD_PER_SENDER} review emails from one person are unread, their other review steps"
        " are not mailed\n(`blogster review list` shows your assignments and their status)."
    )
    return "\n".join([*lines, "", read, "", "-- ", REVIEW_FOOTER]).lstrip("\n") + "\n"


REVIEW_LINK = "blogster review show "
"""How a review notification's link starts (0144): the assignment's id follows."""


def review_subject(session: Session, notification: UserNotification) -> str:
    """A review notification's title as its email's Subject: the post's title in it as the site shows
    it (`publish.titles.shown_title`: a title taken from the body's first `# heading` reads as its
    words, `*Why* we ship` as `Why we ship`). The title names the post at its end ("Assigned as
    editor: TITLE", "Approved by EMAIL (editor): TITLE", "Rejected by EMAIL: TITLE") or, in one
    stored before 0171, at its start ("TITLE is now rejected"), as the database wrote it (0130,
    0144, 0171); read as the recipient, when they still read the assignment and its post and the
    post's title is still the one named. Else (a withdrawal: the assignment is
    gone and the post no longer theirs to read; the title changed since) the title as it is.
    email_delivery.send makes the Subject one line (mail_headers.header_text)."""
    from blogster_cli.publish.titles import shown_title
    from blogster_cli.repositories import review as review_rows

    title, link = notification.title, notification.link or ""
    if not link.startswith(REVIEW_LINK):
        return title
    try:
        assignment_id = UUID(link.removeprefix(REVIEW_LINK))
    except ValueError:
        return title
    found = review_rows.find(session, prefix=str(assignment_id))
    post = review_rows.assigned_post(session, blog_id=found[0].blog_id) if len(found) == 1 else None
    if post is None or not post.title:
        return title
    words, _ = shown_title(post.title, (post.content or {}).get("markdown") or "")
    if title.endswith(": " + post.title):
        return title.removesuffix(post.title) + words
    if title.startswith(post.title + " is now "):
        return words + title.removeprefix(post.title)
    return title


def deliver_review_emails(
    db: Database, *, smtp: email_delivery.SmtpServer | None, recipients: list[ReviewEmailRecipient], final_attempt: bool
) -> dict[UUID, str | None]:
    """Sends each version's review email at most once; returns the outcomes recorded now (ledger
    key -> None when sent, else why not). As deliver_maintenance_emails: one ledger read first,
    then per version its text and the address read as the recipient (RLS: their own notification,
    that version only), the notification's read cycle claimed (0149), the email sent and its
    outcome recorded with the claim. A version rewritten since is not mailed (its newer version's
    job mails that one), nor one whose notification was mailed since its recipient last read it,
    nor one whose sender has UNREAD_PER_SENDER other mailed notifications unread, nor one past the
    recipient's REVIEW_EMAILS_A_DAY (0151)."""
    keys = {review_delivery_key(r.notification_id, r.created_at): r for r in recipients}
    with orm_service_unit_of_work(db) as session:
        done = notification_delivery.delivered_among(session, notification_ids=list(keys))
    return {
        key: _deliver_review(db, smtp=smtp, key=key, recipient=recipient, final_attempt=final_attempt)
        for key, recipient in keys.items()
        if key not in done
    }


def _deliver_review(
    db: Database,
    *,
    smtp: email_delivery.SmtpServer | None,
    key: UUID,
    recipient: ReviewEmailRecipient,
    final_attempt: bool,
) -> str | None:
    with orm_unit_of_work(ActingUser(db, Actor(user_id=recipient.user_id, email=""))) as session:
        found = notification_delivery.own_version(
            session, notification_id=recipient.notification_id, created_at=recipient.created_at
        )
        text = None if found is None else (review_subject(session, found), found.content)
        address = notification_delivery.own_email_if_wanted(session, about=NotificationType.BLOG_INTERACTION)

    if text is None or address is None or smtp is None:
        unsent = REPLACED if text is None else REVIEW_OPTED_OUT if address is None else NO_SMTP
        with orm_service_unit_of_work(db) as session:
            _record(session, key, recipient, FAILED, unsent)
        return unsent

    # The guard (0149): the claim on the notification's read cycle is this unit of work's until it
    # commits with the outcome, after the SMTP call; a rewrite's job meanwhile waits for it, then
    # finds the cycle mailed. So does any other claim for the same recipient (0151: the recipient's
    # count of the day, and their unread emails per sender, decide one claim at a time). A killed
    # worker's claim ends with its connection.
    with orm_service_unit_of_work(db, CLAIM_TIMEOUTS, guard=True) as guard:
        claim = guard.begin_nested()
        claimed = notification_delivery.claim_review_email(
            guard, notification_id=recipient.notification_id, created_at=recipient.created_at, user_id=recipient.user_id
        )
        status: NotificationDeliveryStatus
        error: str | None
        shown_as = None
        if claimed is not ReviewClaim.CLAIMED:
            claim.rollback()  # keeps nothing of the claim (and lets the recipient's next claim go on)
            status, error = FAILED, _NOT_CLAIMED[claimed]
            # mailed: its notification was mailed this read cycle, 'sent' as 0148's trigger has it;
            # replaced: the newer version's job says; held or capped: no email went, so failed with
            # the reason (`notifications list`), as a refused email is
            shown_as = SENT if claimed is ReviewClaim.MAILED else None
        else:
            status, error = _send_review(
                smtp, key=key, recipient=recipient, address=address, text=text, final_attempt=final_attempt
            )
            if status is SENT:
                claim.commit()
            else:
                claim.rollback()  # not mailed: the read cycle stays open for the next version
        # No wait in this unit of work on a row an account's transaction holds (the notification,
        # being rewritten by a sender or read by its owner, for as long as they like): it waits up
        # to CLAIM_TIMEOUTS, and a sent email's holds the recipient's lock meanwhile. The outcome
        # is in the ledger once it commits; a busy notification's status is written after it.
        shown = _record(guard, key, recipient, status, error, shown_as=shown_as, skip_locked=True)
    if not shown:
        with orm_service_unit_of_work(db) as session:  # the usual lock timeout, no lock of the worker's held
            _record(session, key, recipient, status, error, shown_as=shown_as)
    return error


_NOT_CLAIMED = {
    ReviewClaim.REPLACED: REPLACED,
    ReviewClaim.MAILED: ALREADY_MAILED,
    ReviewClaim.HELD: HELD,
    ReviewClaim.CAPPED: DAILY_LIMIT,
}


def _record(
    session: Session,
    key: UUID,
    recipient: ReviewEmailRecipient,
    status: NotificationDeliveryStatus,
    error: str | None,
    *,
    shown_as: NotificationDeliveryStatus | None = None,
    skip_locked: bool = False,
) -> bool:
    """The version's outcome: its ledger row, and its notification's status if it is still that
    version (a newer one keeps its own); False when its row was locked and left (`skip_locked`)."""
    return notification_delivery.record_delivery(
        session,
        key=key,
        notification_id=recipient.notification_id,
        created_at=recipient.created_at,
        user_id=recipient.user_id,
        status=status,
        error=error,
        shown_as=shown_as,
        skip_locked=skip_locked,
    )


def _send_review(
    smtp: email_delivery.SmtpServer,
    *,
    key: UUID,
    recipient: ReviewEmailRecipient,
    address: str,
    text: tuple[str, str | None],
    final_attempt: bool,
) -> tuple[NotificationDeliveryStatus, str | None]:
    """Sends the version's email: (sent, None), else (failed, why). An unreachable server raises
    SmtpUnavailable for a retry unless this is the final attempt; a configuration error
    (ConfigError) is raised as it is, and the job fails at once."""
    title, content = text
    body = review_email_body(content, recipient.notification_id)
    email = email_delivery.Email(to=address, subject=title, body=body, message_id=message_id(key))
    try:
        email_delivery.send(smtp.url, email, password=smtp.password, password_from=smtp.password_from)
    except email_delivery.RecipientRefused as exc:
        return FAILED, str(exc)
    except email_delivery.SmtpUnavailable as exc:
        if not final_attempt:
            raise
        return FAILED, str(exc)
    return SENT, None


# -- A user's own notifications -------------------------------------------------------------

PREFERENCE_FLAGS = (
    "maintenance_notifications",
    "blog_interaction_notifications",
    "marketing_notifications",
    "security_notifications",
    "email_notifications",
    "in_app_notifications",
)
PREFERENCE_TIMES = ("quiet_hours_start", "quiet_hours_end")
PREFERENCE_KEYS = (*PREFERENCE_FLAGS, *PREFERENCE_TIMES, "timezone")


@dataclass(frozen=True)
class NotificationPublic:
    id: UUID
    type: str
    title: str
    content: str | None
    link: str | None
    """What to run to open what it is about (a review notification: `blogster review show UUID`, 0144)."""
    priority: str
    read: bool
    delivery_status: str
    delivery_error: str | None
    """Why the email was not sent (delivery_status failed): no SMTP server, the server's refusal,
    held back by the per-sender or daily limit (0151)..."""
    created_at: dt.datetime | None
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    """The window a maintenance notification is about (0164), which `content` names in the reader's
    zone; None on other kinds and on those written before."""


def list_notifications(
    acting: ActingUser, *, unread_only: bool = False, limit: int | None = None, tzinfo: dt.tzinfo | None = None
) -> list[NotificationPublic]:
    """My notifications, newest first; a maintenance window in the text in `tzinfo` (the reader's
    `timezone` setting, which the database does not hold: see `content_in`)."""
    with orm_unit_of_work(acting) as session:
        return [_public(n, tzinfo) for n in notifications.list_own(session, unread_only=unread_only, limit=limit)]


def _window(moment: dt.datetime, tz: dt.tzinfo) -> str:
    return times.in_zone(moment, tz).strftime("%Y-%m-%d %H:%M")


def _zone_label(moment: dt.datetime, tz: dt.tzinfo) -> str:
    return times.in_zone(moment, tz).strftime("%Z") or times.zone_name(tz)


def content_in(
    content: str | None, *, window_start: dt.datetime | None, window_end: dt.datetime | None, tzinfo: dt.tzinfo | None
) -> str | None:
    """A maintenance notification's text with its window in `tzinfo`: the trigger (0036, 0164) writes
    it once for every recipient, in UTC ("… (2026-12-20 01:00 to 2026-12-20 02:00 UTC)…"), and keeps
    the window's ends, so each reader sees them in their own zone ("… (2026-12-20 02:00 to
    2026-12-20 03:00 CET)…", each end labelled when the two differ, across a DST change). The text
    as stored where the window is not known (other kinds, older notifications), no zone is given,
    or the text does not name the window as the trigger writes it."""
    if content is None or window_start is None or window_end is None or tzinfo is None:
        return content
    utc = f"({_window(window_start, dt.UTC)} to {_window(window_end, dt.UTC)} UTC)"
    # The window follows the description and comes before "; affected: …" (or the end): the last
    # such occurrence, so a description that quotes one is left alone.
    at = len(content)
    while (at := content.rfind(utc, 0, at)) >= 0:
        rest = content[at + len(utc) :]
        if rest == "" or rest.startswith("; affected: "):
            break
    if at < 0:
        return content
    start_zone, end_zone = _zone_label(window_start, tzinfo), _zone_label(window_end, tzinfo)
    start = _window(window_start, tzinfo) + ("" if start_zone == end_zone else f" {start_zone}")
    local = f"({start} to {_window(window_end, tzinfo)} {end_zone})"
    return content[:at] + local + content[at + len(utc) :]


def _public(n: UserNotification, tzinfo: dt.tzinfo | None = None) -> NotificationPublic:
    return NotificationPublic(
        id=n.id,
        type=str(n.type),
        title=n.title,
        content=content_in(n.content, window_start=n.window_start, window_end=n.window_end, tzinfo=tzinfo),
        link=n.link,
        priority=str(n.priority),
        read=n.read,
        delivery_status=str(n.delivery_status),
        delivery_error=n.delivery_error,
        created_at=n.created_at,
        window_start=n.window_start,
        window_end=n.window_end,
    )


NOTIFICATION = id_prefixes.Named("notification", "notifications", "blogster notifications list")


def mark_read(acting: ActingUser, *, ref: str, tzinfo: dt.tzinfo | None = None) -> NotificationPublic:
    """Marks one notification read, named by its id or the first characters of it; returns it, as
    marked (a maintenance window in the text in `tzinfo`, as `list_notifications` shows it)."""
    with orm_unit_of_work(acting) as session:
        found = notifications.ids_starting(session, prefix=id_prefixes.prefix(ref, NOTIFICATION))
        notification_id = id_prefixes.only(found, ref, NOTIFICATION)
        notifications.mark_read(session, notification_id=notification_id)
        marked = notifications.own(session, notification_id=notification_id)
        if marked is None:  # gone between the two statements (its account's deletion, the cleanup of expired ones)
            raise NotFound(f"no notification with id {str(notification_id)!r} (see `{NOTIFICATION.listing}`)")
        return _public(marked, tzinfo)


def mark_all_read(acting: ActingUser) -> int:
    with orm_unit_of_work(acting) as session:
        return notifications.mark_read(session, notification_id=None)


def preferences(acting: ActingUser, *, timezone_setting: str | None = None) -> dict[str, Any]:
    """The account's notification preferences; their timezone written as `timezone_setting` first
    while it follows the setting (_follow)."""
    with orm_unit_of_work(acting) as session:
        prefs = notifications.own_preferences(session)
        if prefs is None:
            raise NotFound("no notification preferences for this account")
        _follow(session, prefs, timezone_setting)
        return {key: getattr(prefs, key) for key in PREFERENCE_KEYS}


def follow_timezone_setting(acting: ActingUser, *, timezone_setting: str) -> bool:
    """The `timezone` setting changed (`config set timezone`): the zone the quiet hours are read in
    follows it now, unless the account chose one of its own; whether it changed."""
    with orm_unit_of_work(acting) as session:
        prefs = notifications.own_preferences(session)
        return prefs is not None and _follow(session, prefs, timezone_setting)


def _follow(session: Session, prefs: UserNotificationPreferences, timezone_setting: str | None) -> bool:
    """The quiet hours' zone is kept in the database (the server reads it as it queues an email),
    the `timezone` setting on the client: while the preferences follow the setting (they do until
    `prefs set timezone` chooses another zone, 0162), the client writes it there. Whether it changed.
    A setting that names no zone (a hand edit, BLOGSTER_TIMEZONE) is not written."""
    if timezone_setting is None or not prefs.timezone_follows_setting or prefs.timezone == timezone_setting:
        return False
    try:
        times.zone(timezone_setting)
    except times.UnknownTimezone:
        return False
    prefs.timezone = timezone_setting
    session.add(prefs)
    session.flush()
    return True


def _preference_value(key: str, text: str) -> Any:
    if key in PREFERENCE_FLAGS:
        lowered = text.lower()
        if lowered in ("on", "true", "yes", "1"):
            return True
        if lowered in ("off", "false", "no", "0"):
            return False
        raise InvalidInput(f"{key} takes on or off (or yes/no, true/false, 1/0), not {text[:40]!r}")
    if key in PREFERENCE_TIMES:
        if text.lower() == "none":
            return None
        try:
            return dt.time.fromisoformat(text)
        except ValueError:
            pass
        try:
            times.parse_clock(text)
        except times.NoSuchTime as reason:  # HH:MM with numbers no clock shows (25:00): say why
            raise times.no_such_time(f"{key} {text!r}", reason) from None
        except ValueError:
            pass
        raise InvalidInput(f"{key} takes HH:MM or none")
    try:
        times.zone(text)
    except times.UnknownTimezone:
        raise InvalidInput(f"unknown time zone: {text}") from None
    return text


def timezone_note(values: dict[str, Any], *, configured: str) -> str | None:
    """For `prefs show` and `prefs set`: which zone applies to what, when the preferences' timezone
    (the zone their quiet hours are read in, kept in the database for the server that queues the
    emails) is not the `timezone` setting (`configured`) every other time is typed and shown in."""
    zone = values.get("timezone")
    if not zone or zone == configured:
        return None
    return (
        f"quiet hours are read in {zone} (these preferences' timezone); the times you type and see"
        f" everywhere else are in your timezone setting, {configured}"
        f" (blogster notifications prefs set timezone {configured} to read quiet hours there too)"
    )


def preference_name(name: str) -> str:
    """The preference called `name`, also as words ("in app notifications", "quiet-hours-start");
    an unknown one is refused with the closest name, as `config set` refuses a setting."""
    from blogster_cli.suggestions import close_matches, did_you_mean

    key = "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())
    if key not in PREFERENCE_KEYS:
        hint = did_you_mean(close_matches(key, PREFERENCE_KEYS, most=1))
        raise InvalidInput(f"unknown preference {name!r}{hint}; one of: {', '.join(PREFERENCE_KEYS)}")
    return key


def quiet_hours_note(values: dict[str, Any]) -> str | None:
    """For `prefs show` and `prefs set`: why quiet hours hold nothing back, when one end is
    missing or both are the same time (internal.quiet_hours_end needs a start and another end)."""
    start, end = values.get("quiet_hours_start"), values.get("quiet_hours_end")
    if start is not None and end is None:
        return "quiet hours are off until they have an end too (blogster notifications prefs set quiet_hours_end HH:MM)"
    if end is not None and start is None:
        return (
            "quiet hours are off until they have a start too (blogster notifications prefs set quiet_hours_start HH:MM)"
        )
    if start is not None and start == end:
        return "quiet hours start and end at the same time, so they are off"
    return None


def set_preference(acting: ActingUser, *, key: str, value: str, timezone_setting: str | None = None) -> dict[str, Any]:
    """Changes one preference. The timezone set to a zone other than `timezone_setting` is the
    account's own from then on; set to the setting's, it follows the setting again (_follow)."""
    key = preference_name(key)
    parsed = _preference_value(key, value)
    with orm_unit_of_work(acting) as session:
        prefs = notifications.own_preferences(session)
        if prefs is None:
            raise NotFound("no notification preferences for this account")
        setattr(prefs, key, parsed)
        if key == "timezone":
            prefs.timezone_follows_setting = parsed == timezone_setting
        session.add(prefs)
        session.flush()
        if key != "timezone":
            _follow(session, prefs, timezone_setting)
        return {k: getattr(prefs, k) for k in PREFERENCE_KEYS}


# Expired notifications stay visible this long, then the periodic cleanup removes them.
EXPIRED_KEPT_DAYS = 7


def clean_expired(db: Database) -> int:
    """Removes notifications expired more than EXPIRED_KEPT_DAYS ago; returns how many."""
    with orm_service_unit_of_work(db) as session:
        return notification_delivery.delete_expired(session, older_than_days=EXPIRED_KEPT_DAYS)
