"""Newsletters: made from published posts, mailed to my subscribers over SMTP exactly once each.

A send reads whom to mail in one unit of work, then mails them one by one, each in its own
unit of work that first takes the reader's ledger row (as accepted) and commits it the moment
the server accepted the mail (refused for good, the refusal is committed instead; for now,
nothing). A re-run after a crash, a kill or an SMTP outage skips every recorded address: only
a message caught between the server's acceptance and that commit could go twice, and it
carries the same Message-ID. A reader whose row another transaction holds is left for the
next run, and the others go on. Addresses are compared lowercased by PostgreSQL only (the
ledger's unique index does so), never by Python, whose str.lower differs (a final Σ), and by
their mailbox (`_mailbox`: one spelling of the domain), so a list stored before there was one
spelling (`ada@exämple.com` and `ada@xn--exmple-cua.com.`) mails and unsubscribes one reader, mailed
at that one spelling (its ledger row, Message-ID and reader key stay its row's, as earlier runs kept
them). A send asked to stop (its worker stopping) ends between two mails, counts them in recipient_count
and leaves the newsletter due; `newsletter list` counts the ledger, so even a killed send
shows how far it got, and a draft whose direct send was cut off says it is partly sent (PARTLY_SENT).

A send's audience is fixed when it starts (a --to list is kept in content["audience"]): a
re-run resumes it, another audience is refused, and a newsletter once `sent` mails nobody more,
so "run it again" never reaches people outside the send. A temporary refusal (4xx, e.g.
greylisting) is deferred: nothing is recorded for it, so the next run tries that address again.

Two sends of one newsletter at once (a cron `send-due` and the worker, or two shells):
for the whole send a guard unit of work holds the newsletter's row lock, and a send that
finds it held answers 'busy' without mailing anyone. The guard only holds the lock (and
records the final status); the database drops it when its holder dies, so a re-run after
SIGKILL goes ahead at once.

Each newsletter keeps a random secret in its own (owner-only) row: the Message-IDs and the
tracking links' reader keys are keyed hashes of the address under it, the same for every
run of its send (distribution/newsletter.py). A newsletter made before secrets existed gets
one at its first send, unless it was already (partly) mailed: then it keeps the unkeyed
form its first messages carried, so their repeats and their tracking still match.

A due send stopped by a configuration error (a refused login, a From the server refuses, an
untrusted certificate) leaves the newsletter due and keeps the error with it (`newsletter list`
shows it) until a send gets through. The workers and the cron commands (`calendar run-due`,
`newsletter send-due`, `workers send-newsletters`) then hold that mail rather than log in again
every minute (services/mail_hold.py, one hold per profile kept in the Blogster home): tried again
at once when the SMTP settings or password change, else after a wait that grows to an hour.

A newsletter the server refuses for its size (email_delivery.MessageTooBig) is that newsletter's
failure alone: it is marked failed with the reason kept under send_error, nothing is recorded
against the reader it was going to, nothing is held, and a due run goes on to the next newsletter.
Copies differ in size by the reader's name, address and unsubscribe link, so every copy's size is
known before the first goes (_largest_first): one over the size the server announces (SIZE) fails
the newsletter whole, nothing sent; else the largest goes first, so a server that announces no
SIZE refuses it before anyone is mailed. It is not tried again by itself (the next minute would
fail alike); once the server's limit is raised, `newsletter send ID` (or scheduling it again)
sends it, to nobody the ledger shows mailed.

Every account has a daily sending limit (db/migrations/0175: an administrator's to set, 1,000 mails
in any 24 hours by default, none for an administrator's own account), since the workers send every
account's newsletters through the operator's SMTP server. The database counts each mail the server
accepted as its delivery is recorded (the same commit, so a killed send counts what it recorded,
once); a send asks for the allowance before its first mail and after each accepted one, and stops at
the limit. Each mail's check and its claim are one step (db/migrations/0180): the unit of work that
claims the reader takes the account's sending turn, checks the limit and holds the turn until the
mail is recorded, so two sends of one account at once take turns and never pass the limit together
(one that waits past lock_timeout for the turn stops there, and a due run tries none of the account's
other newsletters after it: the rest left for the next run, one wait a run). The
readers left are not dropped: the newsletter stays due (a draft sent directly becomes due now), says
how many readers the limit holds and until when (HELD_KEY, `newsletter list`), and the workers or the
next run mail them as the 24 hours allow. At the limit from the start, a send makes no SMTP
connection.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from blogster_cli import id_prefixes, mail_headers, terminal_text
from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.context import AppContext
from blogster_cli.credentials import SMTP_PASSWORD_KEY
from blogster_cli.db.connection import Database
from blogster_cli.db.orm import driver_connection, orm_guard_unit_of_work, orm_service_unit_of_work, orm_unit_of_work
from blogster_cli.distribution import newsletter as letters
from blogster_cli.errors import ConfigError, Conflict, DatabaseUnavailable, InvalidInput, NotFound
from blogster_cli.models.newsletters import EmailNewsletter, NewsletterSubscriber
from blogster_cli.repositories import newsletters as newsletter_rows
from blogster_cli.repositories.newsletters import SendingAllowance
from blogster_cli.services.every_account import EveryAccount, for_every_account
from blogster_cli.stored_json import as_text
from blogster_cli.vocabulary import BlogStatus, NewsletterDeliveryOutcome, NewsletterStatus
from blogster_cli.wording import plural, quoted

if TYPE_CHECKING:
    from email.headerregistry import Address
    from email.message import EmailMessage

    from blogster_cli.services.email_delivery import SmtpConnection
    from blogster_cli.services.mail_hold import MailHold


@dataclass(frozen=True)
class SmtpSettings:
    url: str
    password: str | None = field(repr=False)
    sender: str | None
    sender_owner: UUID | None
    """The account `sender` (newsletter_from) is the From of: the one the command runs as (the
    workers: the account their profile is logged in as). Every other account's newsletters go
    from that account's own address, never from the operator's (None: nobody's)."""
    password_from: str | None = None
    """Where `password` came from, as a refused login names it (email_delivery.SmtpServer.password_from)."""

    def sender_for(self, account: UUID | None) -> str | None:
        """`sender` for the account it belongs to, else None (the account's own address goes)."""
        owned = self.sender_owner is not None and account == self.sender_owner
        return self.sender if owned else None


def smtp_settings(ctx: AppContext, *, sender_owner: UUID | None) -> SmtpSettings:
    """The SMTP server and its password as every mail gets them (email_delivery.smtp_server: smtp_url,
    the keyring or BLOGSTER_SMTP_PASSWORD) and the From address (newsletter_from), which is only
    `sender_owner`'s (SmtpSettings.sender_owner)."""
    from blogster_cli.services.email_delivery import smtp_server

    server = smtp_server(ctx)
    if server is None:
        raise ConfigError(
            "no SMTP server: run `blogster config set smtp_url smtp://user@host:587` or set BLOGSTER_SMTP_URL"
        )
    return SmtpSettings(
        url=server.url, password=server.password, sender=ctx.settings.newsletter_from, sender_owner=sender_owner,
        password_from=server.password_from,
    )  # fmt: skip


@dataclass(frozen=True)
class SmtpPasswordStatus:
    """What `smtp-password` did, never the password itself."""

    stored: bool
    source: str
    """Where a send takes the password from now: 'keyring' or 'credentials_file' (the 0600 file where
    there is no keyring), or 'environment' while BLOGSTER_SMTP_PASSWORD is set (it overrides the stored one)."""


def store_smtp_password(ctx: AppContext, *, password: str) -> SmtpPasswordStatus:
    from blogster_cli.services.email_delivery import SMTP_PASSWORD_VARIABLE

    if not password:
        raise InvalidInput("the password is empty")
    ctx.credentials.set(SMTP_PASSWORD_KEY, password)  # where email_delivery.smtp_server reads it
    return SmtpPasswordStatus(
        stored=True, source="environment" if os.environ.get(SMTP_PASSWORD_VARIABLE) else ctx.credentials.kind
    )


@dataclass(frozen=True)
class NewsletterPublic:
    id: UUID
    title: str | None
    subject_line: str | None
    status: str
    posts: list[str]
    scheduled_time: dt.datetime | None
    recipient_count: int
    created_at: dt.datetime | None
    open_rate: float | None = None
    click_rate: float | None = None
    send_error: str | None = None
    """Why its last due send could not go (a configuration error), until a send gets through; or why
    it failed (too big for the server, every reader refused for good); or, for a draft the ledger
    shows mailed, that it is partly sent (PARTLY_SENT)."""
    send_error_at: dt.datetime | None = None
    warnings: list[str] = field(default_factory=list)
    """What its posts show as written that they should not (LIQUID_KEY): said by create and each send."""
    held_by_limit: int = 0
    """Readers its last send left for later at the account's daily sending limit (a due newsletter)."""
    held_until: dt.datetime | None = None
    """When the limit lets the next of them go (None: not before an administrator raises it)."""


PARTLY_SENT = (
    "partly sent: {mailed} got it, and its send did not finish (stopped, killed, or readers deferred);"
    " `blogster newsletter send {id}` mails the rest, nobody twice"
)
"""What a draft the ledger shows mailed says under send_error: nothing else would send the rest
(a due one is resumed by the next run; a failed one keeps its own error)."""


def _public(row: EmailNewsletter, *, sent: int = 0) -> NewsletterPublic:
    """`sent`: the mails the ledger shows, which a send cut off before its end has not yet counted
    (a direct send killed partway leaves a draft that only the ledger shows mailed: PARTLY_SENT)."""
    content = _content(row)
    posts = [_text(p, "slug") for p in _posts(content)]
    error, error_at = _send_error(content)
    mailed = max(row.recipient_count, sent)
    if error is None and mailed and row.status == NewsletterStatus.DRAFT:
        error = PARTLY_SENT.format(mailed=plural(mailed, "reader"), id=row.id)
    held, held_until = _held(content) if row.status == NewsletterStatus.SCHEDULED else (0, None)
    return NewsletterPublic(
        id=row.id, title=row.title, subject_line=row.subject_line, status=str(row.status), posts=posts,
        scheduled_time=row.scheduled_time, recipient_count=mailed, created_at=row.created_at,
        open_rate=row.open_rate, click_rate=row.click_rate, send_error=error, send_error_at=error_at,
        warnings=_liquid_left(content), held_by_limit=held, held_until=held_until,
    )  # fmt: skip


def _content(row: EmailNewsletter) -> dict[str, Any]:
    """The newsletter's content as Blogster writes it, an object; {} for any other JSON (a number, a
    list, null), which its owner's own SQL login may store: no command fails on it, and a write into
    content starts from this."""
    return row.content if isinstance(row.content, dict) else {}


def _posts(content: dict[str, Any]) -> list[dict[str, Any]]:
    """Its posts ({"slug", "title", "url"}, as create keeps them): the objects of a list, else none."""
    posts = content.get("posts")
    return [post for post in posts if isinstance(post, dict)] if isinstance(posts, list) else []


def _text(kept: dict[str, Any], key: str) -> str:
    """`kept[key]` where it is a string, else "" (a body, an address, a slug its owner's SQL replaced)."""
    value = kept.get(key)
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    """The strings of a list (the reader keys under "tracking"), else none."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


SEND_ERROR_KEY = "send_error"
"""Where a newsletter keeps why its last send stopped (a configuration error, the mail server out of
reach, too big, every reader refused) until a send gets through: {"error", "at"}."""
RUN_AGAIN = "; run the same send again to mail the rest"
"""What a send the mail server stopped says after the reason (not kept with it)."""


LIQUID_KEY = "liquid_left"
"""One warning per post of the newsletter imported from Jekyll whose body holds Liquid outside code
that its mail shows as written (`content.liquid`), kept when it is made: each send says them again."""


HELD_KEY = "held_by_limit"
"""Where a newsletter keeps how many readers its last send left at the daily sending limit, and
when the limit lets the next go: {"readers", "until"} (until: ISO 8601 or null), until a send ends
without the limit stopping it."""


def _held(content: dict[str, Any]) -> tuple[int, dt.datetime | None]:
    kept = content.get(HELD_KEY)
    if not isinstance(kept, dict) or not isinstance(kept.get("readers"), int):
        return 0, None
    try:
        until = dt.datetime.fromisoformat(kept["until"]) if isinstance(kept.get("until"), str) else None
    except ValueError:
        until = None
    return max(kept["readers"], 0), until


def _liquid_left(content: dict[str, Any]) -> list[str]:
    kept = content.get(LIQUID_KEY)
    return [as_text(line) for line in kept] if isinstance(kept, list) else []


def _send_error(content: dict[str, Any]) -> tuple[str | None, dt.datetime | None]:
    kept = content.get(SEND_ERROR_KEY)
    if not isinstance(kept, dict) or not isinstance(kept.get("error"), str):
        return None, None
    try:
        at = dt.datetime.fromisoformat(kept["at"]) if isinstance(kept.get("at"), str) else None
    except ValueError:
        at = None
    return kept["error"], at


def create(acting: ActingUser, *, refs: list[str], subject: str, base_domain: str) -> NewsletterPublic:
    """A draft newsletter of these published posts: HTML and text parts, each post linking to the site."""
    from blogster_cli.content.liquid import dialect_of, for_readers, leftover_warning
    from blogster_cli.distribution.crosspost import absolute_media_html, absolute_media_markdown, media_url
    from blogster_cli.publish.markdown import render_post
    from blogster_cli.publish.themes import email_styles
    from blogster_cli.publish.titles import shown_title, without_lifted_heading
    from blogster_cli.services.post_steps import find_own, markdown_of
    from blogster_cli.services.site_address import published_address

    subject = " ".join(subject.split())
    if not subject:
        raise InvalidInput("the subject is empty")
    if not terminal_text.is_safe(subject, keep_marks=True):  # ESC, C1 codes, bidi controls: raw in every Subject
        raise InvalidInput(f"the subject holds a control character ({_first_control(subject)}): write it without")
    if not refs:
        raise InvalidInput("name at least one post with --blogs")
    with orm_unit_of_work(acting) as session:
        conn = driver_connection(session)
        posts = []
        for ref in dict.fromkeys(refs):
            row = find_own(conn, ref, with_content=True)
            if row.status != BlogStatus.PUBLISHED:
                raise InvalidInput(f"'{row.slug}' is not published: a newsletter links to published posts")
            posts.append((row, *published_address(conn, row, base_domain=base_domain)))
    # Read, and the transaction over: the bodies are read for readers and rendered (the CPU's work,
    # a long one for a big post) with none open, its snapshot and locks held for nothing meanwhile.
    sections, warnings = [], []
    for row, config, url in posts:
        # A Jekyll post's `{{ site.baseurl }}` as the site's address: its pictures and links lead there.
        shown_to_readers = for_readers(dialect_of(row.content), markdown_of(row), base=config.base_url.rstrip("/"))
        markdown, warning = shown_to_readers.markdown, leftover_warning(row.slug, shown_to_readers)
        warnings += [warning] if warning else []
        title, from_heading = shown_title(row.title, markdown)  # as the site's listings show it: its words
        shown, page = markdown, render_post(markdown).html
        if from_heading:  # the section's heading is the title: the body's own one left out, as on its page
            shown, page = without_lifted_heading(markdown, page)
        media = media_url(config.base_url)  # `media/<name>` pictures, absolute in a mail
        body, text = absolute_media_html(page, media), absolute_media_markdown(shown, media)
        sections.append((row.slug, letters.PostSection(title, url, body, text)))
    config = posts[-1][1]
    body_style, link_style = email_styles(config.theme)  # the site's look, inline
    bodies = letters.render(
        subject=subject, site_title=config.title, site_url=config.base_url, posts=[s for _, s in sections],
        body_style=body_style, link_style=link_style,
    )  # fmt: skip
    content = {
        "html": bodies.html, "text": bodies.text, "site_url": config.base_url,
        "posts": [{"slug": slug, "title": s.title, "url": s.url} for slug, s in sections],
        READER_SECRET_KEY: letters.new_reader_secret(), **({LIQUID_KEY: warnings} if warnings else {}),
    }  # fmt: skip
    newsletter = EmailNewsletter(
        title=subject, subject_line=subject, content=content, blog_ids=[r.id for r, *_ in posts]
    )
    with orm_unit_of_work(acting) as session:
        return _public(newsletter_rows.insert_newsletter(session, newsletter=newsletter))


def _first_control(text: str) -> str:
    """The first character terminal_text.is_safe refuses, as U+XXXX."""
    return next((f"U+{ord(c):04X}" for c in text if not terminal_text.is_safe(c, keep_marks=True)), "U+FFFD")


READER_SECRET_KEY = "reader_secret"
"""Where a newsletter keeps its secret: in its own content, which only its owner reads. No command
shows it; `account export` (the owner's own archive) holds it with the rest of the row."""

NEWSLETTER = id_prefixes.Named("newsletter", "newsletters", "blogster newsletter list")


def _reader_secret(content: dict[str, Any]) -> str | None:
    """The newsletter's secret, or None for one made before secrets (the unkeyed form)."""
    secret = content.get(READER_SECRET_KEY)
    return secret if isinstance(secret, str) and secret else None


def _find(session: Any, ref: str) -> EmailNewsletter:
    return id_prefixes.only(
        newsletter_rows.find_newsletter(session, prefix=id_prefixes.prefix(ref, NEWSLETTER)), ref, NEWSLETTER
    )


def list_newsletters(acting: ActingUser) -> list[NewsletterPublic]:
    """My newsletters; recipient_count counts each one's mails sent so far, from the send ledger,
    so a send in progress or cut off (killed, its worker stopped) shows how far it got."""
    with orm_unit_of_work(acting) as session:
        rows = newsletter_rows.own_newsletters(session)
        sent = newsletter_rows.sent_counts(session, newsletter_ids=[row.id for row in rows])
        return [_public(row, sent=sent.get(row.id, 0)) for row in rows]


def sending_allowance(acting: ActingUser) -> SendingAllowance:
    """My daily sending limit, the mails counted against it in the last 24 hours and, at the
    limit, when the next may go (`newsletter limit`)."""
    with orm_unit_of_work(acting) as session:
        return newsletter_rows.sending_allowance(session)


@dataclass(frozen=True)
class Preview:
    id: UUID
    subject: str
    text: str
    html: str
    warnings: list[str] = field(default_factory=list)
    """What its posts show as written that they should not (LIQUID_KEY), as create and each send say it."""


def preview(acting: ActingUser, *, ref: str) -> Preview:
    with orm_unit_of_work(acting) as session:
        row = _find(session, ref)
        content = _content(row)
    # Each reader's own link goes where the placeholder is; the preview shows its shape.
    link = letters.unsubscribe_url(_text(content, "site_url"), PREVIEW_TOKEN)
    text = _text(content, "text").replace(letters.UNSUBSCRIBE_PLACEHOLDER, link)
    page = _text(content, "html").replace(letters.UNSUBSCRIBE_PLACEHOLDER, html.escape(link, quote=True))
    return Preview(row.id, row.subject_line or "", text, page, warnings=_liquid_left(content))


PREVIEW_TOKEN = "EACH-READERS-OWN-TOKEN"
"""What a preview shows in place of the reader's unsubscribe token (a send puts each reader's own)."""


# -- Unscheduling and deleting ------------------------------------------------------------------


def get(acting: ActingUser, *, ref: str) -> NewsletterPublic:
    """One of my newsletters, by id or its first characters (what `newsletter rm` asks about)."""
    with orm_unit_of_work(acting) as session:
        row = _find(session, ref)
        return _public(row, sent=newsletter_rows.sent_count(session, newsletter_id=row.id))


def _for_change(session: Any, ref: str, *, doing: str) -> EmailNewsletter:
    """My newsletter `ref`, locked for the change; Conflict when a run is sending it right now (its
    guard holds the row: _send), rather than waiting for a send that may last an hour, or changing
    it under that send. Waits for nobody (SKIP LOCKED), so it never meets lock_timeout."""
    found = _find(session, ref)
    row = newsletter_rows.lock_newsletter(session, newsletter_id=found.id)
    if row is None:
        raise Conflict(
            f"newsletter {found.id} is being sent right now (the workers, `newsletter send-due` or another"
            f" `newsletter send`): nothing changed; {doing} once that send ends (`blogster newsletter list`)"
        )
    return row


@dataclass(frozen=True)
class Unscheduled:
    newsletter: NewsletterPublic
    """The newsletter as it is now."""
    was_due_at: dt.datetime | None
    """When it was to go; None: it was not scheduled, and is left as it was."""


def unschedule(acting: ActingUser, *, ref: str) -> Unscheduled:
    """Takes a scheduled newsletter back to a draft: no due run sends it, nothing is mailed. `newsletter
    send` sends it later (or `--at` schedules it again), mailing nobody its ledger shows mailed. One
    that is not scheduled is left as it is (as `unpublish` leaves a draft); one a run is sending right
    now is refused (_for_change). A due run that listed it before skips it (_send's check)."""
    with orm_unit_of_work(acting) as session:
        row = _for_change(session, ref, doing="unschedule it")
        sent = newsletter_rows.sent_count(session, newsletter_id=row.id)
        if row.status != NewsletterStatus.SCHEDULED:
            return Unscheduled(_public(row, sent=sent), None)
        was_due_at = row.scheduled_time
        row.status, row.scheduled_time = NewsletterStatus.DRAFT, None
        row.content = _with_held(_content(row), readers=0, until=None)  # no longer due: nothing held
        session.add(row)
        return Unscheduled(_public(row, sent=sent), was_due_at)


def remove(acting: ActingUser, *, ref: str) -> NewsletterPublic:
    """Deletes one of my newsletters with its send ledger and figures; returns it as it was. The mails
    it sent stay counted toward my daily sending limit (db/migrations/0175). One a run is sending
    right now is refused (_for_change); a due run that listed it before skips it (send_due)."""
    with orm_unit_of_work(acting) as session:
        row = _for_change(session, ref, doing="delete it")
        removed = _public(row, sent=newsletter_rows.sent_count(session, newsletter_id=row.id))
        newsletter_rows.delete_newsletter(session, newsletter_id=row.id)
        return removed


# -- Subscribers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    added: int
    already_listed: int
    problems: list[str]
    duplicates: int = 0
    """Lines of the CSV whose address an earlier line already gave (ignoring case): added once."""


@dataclass(frozen=True)
class SubscriberPublic:
    id: UUID
    email: str
    name: str | None
    subscribed: bool
    created_at: dt.datetime | None


def _recipients(csv_text: str) -> letters.RecipientList:
    try:
        return letters.parse_recipients(csv_text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(str(exc)) from None


def _audience_csv(csv_text: str | None) -> letters.RecipientList | None:
    """A send's --to list; one without a single address is refused rather than kept as an empty audience."""
    if csv_text is None:
        return None
    parsed = _recipients(csv_text)
    if not parsed.recipients:
        raise InvalidInput(
            f"the --to CSV has no email address to send to ({plural(len(parsed.problems), 'line')} left out)"
        )
    return parsed


def _mailbox(email: str) -> str:
    """The one spelling of `email`'s mailbox (letters.normalised_email): what a reader is told by
    once PostgreSQL has lowercased it; `email` itself when it is no address."""
    return letters.normalised_email(email) or email


def _as_listed(session: Any, emails: list[str]) -> list[str]:
    """`emails`, their mailboxes, and every other spelling my list holds of those mailboxes, to match
    in SQL (`_OtherSpellings`), so unsubscribe, rm and a --to audience reach every row the send mails."""
    addresses = list(dict.fromkeys(a for e in emails for a in (e, _mailbox(e))))
    return addresses + _other_spellings(session, emails).spelling_asked()


@dataclass(frozen=True)
class _OtherSpellings:
    """The rows my list stored before addresses had one spelling (`spelled_otherwise`, usually none: a
    trailing dot, a Unicode domain in any form, NFD or full-width), matched with the addresses asked
    about by mailbox, told by `_by_mailbox` as the send groups them (read only when there are such rows)."""

    asked: list[str]
    listed: list[str]
    """Those rows' addresses, as stored."""
    mailbox: dict[str, str]
    """Each of `asked` and `listed` to its mailbox; empty when `listed` is."""

    def spelling_asked(self) -> list[str]:
        """Those of `listed` whose mailbox is one of `asked`'s."""
        if not self.listed:
            return []
        wanted = {self.mailbox[e] for e in self.asked}
        return [e for e in self.listed if self.mailbox[e] in wanted]

    def asked_on_list(self) -> set[str]:
        """Those of `asked` whose mailbox my list holds in one of `listed`'s spellings."""
        if not self.listed:
            return set()
        on_list = {self.mailbox[e] for e in self.listed}
        return {e for e in self.asked if self.mailbox[e] in on_list}


def _other_spellings(session: Any, asked: list[str]) -> _OtherSpellings:
    listed = [s.email for s in newsletter_rows.spelled_otherwise(session)]
    return _OtherSpellings(asked, listed, _by_mailbox(session, asked + listed) if listed else {})


def _by_mailbox(session: Any, emails: list[str]) -> dict[str, str]:
    """Each of `emails` to its mailbox, lowercased by PostgreSQL (the rule of the unique indexes)."""
    mailboxes = {e: _mailbox(e) for e in emails}
    folded = newsletter_rows.lowered(session, emails=list(set(mailboxes.values())))
    return {e: folded[mailbox] for e, mailbox in mailboxes.items()}


def _add_readers(session: Any, recipients: list[letters.Recipient]) -> int:
    """Adds the readers whose mailbox is not on my list under any spelling; returns how many were new.
    A reader in the one spelling is found by the unique index; only rows spelled otherwise (stored
    before, usually none) are read to tell theirs."""
    on_list = _other_spellings(session, [r.email for r in recipients]).asked_on_list()
    return newsletter_rows.add_subscribers(
        session, people=[(r.email, r.name) for r in recipients if r.email not in on_list]
    )


def import_subscribers(acting: ActingUser, *, csv_text: str) -> ImportReport:
    """Adds the CSV's addresses to my list; ones already there (even unsubscribed, under another
    spelling of their domain) stay as they are."""
    parsed = _recipients(csv_text)
    with orm_unit_of_work(acting) as session:
        added = _add_readers(session, parsed.recipients)
    return ImportReport(
        added=added,
        already_listed=len(parsed.recipients) - added,
        problems=parsed.problems,
        duplicates=parsed.duplicates,
    )


def list_subscribers(acting: ActingUser) -> list[SubscriberPublic]:
    with orm_unit_of_work(acting) as session:
        return [
            SubscriberPublic(s.id, s.email, s.name, s.unsubscribed_at is None, s.created_at)
            for s in newsletter_rows.subscribers(session)
        ]


@dataclass(frozen=True)
class RemovedSubscriber:
    email: str
    """The address as it was listed."""
    removed: bool


def remove_subscriber(acting: ActingUser, *, email: str) -> RemovedSubscriber:
    address = email.strip()
    if not address:
        raise InvalidInput("name the address to remove")
    with orm_unit_of_work(acting) as session:
        found = newsletter_rows.subscribers(session, emails=_as_listed(session, [address]))
        if not found:
            raise NotFound(f"{address!r} is not on your subscribers list")
        for row in found:  # one mailbox: each spelling a list stored it under
            newsletter_rows.delete_subscriber(session, subscriber_id=row.id)
        return RemovedSubscriber(email=found[0].email, removed=True)


@dataclass(frozen=True)
class Unsubscribed:
    unsubscribed: int
    """Addresses marked unsubscribed now."""
    already: int
    """Addresses named that were unsubscribed before."""


def unsubscribe(acting: ActingUser, *, emails: list[str]) -> Unsubscribed:
    """Marks addresses unsubscribed: every later send skips them. An address not on my list (a
    typo) is NotFound and nobody is unsubscribed, as `subscribers rm` refuses one; text that is no
    address at all is InvalidInput, as subscriber import refuses it (one on my list is still
    unsubscribed: whatever an older import let in, its reader may leave)."""
    addresses = list(dict.fromkeys(e.strip() for e in emails))
    if not all(addresses):
        raise InvalidInput("an empty address: name the addresses to unsubscribe")
    with orm_unit_of_work(acting) as session:
        spelled = _as_listed(session, addresses)
        listed = newsletter_rows.subscribers(session, emails=spelled)
        mailbox = _by_mailbox(session, addresses + [s.email for s in listed])
        on_list = {mailbox[s.email] for s in listed}
        missing = [a for a in addresses if mailbox[a] not in on_list]
        if missing:
            nobody = "" if len(addresses) == 1 else ": nobody was unsubscribed"
            if malformed := [a for a in missing if letters.normalised_email(a) is None]:
                one = len(malformed) == 1
                raise InvalidInput(
                    f"{_some(malformed)} {'is not an email address' if one else 'are not email addresses'}{nobody}"
                )
            named = _some(missing)
            one = len(missing) == 1
            raise NotFound(
                f"{named} {'is' if one else 'are'} not on your subscribers list"
                f"{nobody} (`blogster newsletter subscribers list` shows it)"
            )
        already = sum(1 for s in listed if s.unsubscribed_at is not None)
        return Unsubscribed(newsletter_rows.unsubscribe(session, emails=spelled), already)


def _some(addresses: list[str], shown: int = 3) -> str:
    """The first few of `addresses` as a message names them, each shortened (`wording.quoted`): a
    60 KB argument, or 3,000 of them, made one line of that size."""
    named = ", ".join(quoted(address, 100) for address in addresses[:shown])
    return named if len(addresses) <= shown else f"{named} and {len(addresses) - shown:,} more"


def unsubscribe_from_log(acting: ActingUser, *, log_lines: list[str]) -> int:
    """Records the unsubscribes an access log shows: a reader's own request of the unsubscribe
    link (GET or POST, answered 2xx/3xx). Not a HEAD, an error, a crawler's or a mail link
    scanner that says it is one (they fetch every link of a mail they pass), nor the link as
    the referrer of another request (red team 27)."""
    tokens = letters.unsubscribe_tokens(_readers_requests(log_lines))
    if not tokens:
        return 0
    with orm_unit_of_work(acting) as session:
        return newsletter_rows.unsubscribe(session, tokens=tokens)


def _readers_requests(log_lines: list[str]) -> list[str]:
    """The paths readers requested in access-log lines of any format `analytics ingest` reads."""
    from blogster_cli.analytics.crawlers import is_crawler
    from blogster_cli.analytics.logformat import LogFormat, parse_line

    paths = []
    for line in log_lines:
        text = line.rstrip("\r\n")
        request = next((r for f in LogFormat if (r := parse_line(text, f)) is not None), None)
        if (
            request is not None
            and request.method in ("GET", "POST")
            and 200 <= request.status < 400
            and not is_crawler(request.user_agent)
        ):
            paths.append(request.path)
    return paths


# -- Open and click rates ----------------------------------------------------------------------


@dataclass(frozen=True)
class EngagementPublic:
    id: UUID
    subject_line: str | None
    recipient_count: int
    opened: int
    clicked: int
    open_rate: float | None
    click_rate: float | None


def record_engagement(acting: ActingUser, *, log_lines: list[str]) -> list[EngagementPublic]:
    """Adds the opens and clicks an access log shows to my newsletters' figures and sets open_rate
    and click_rate (readers who opened or clicked over readers reached). Only keys of readers the
    newsletter reached count; each reader once, so importing a log again changes nothing."""
    found = letters.engagement(log_lines)
    ids = []
    for text in found:
        try:
            ids.append(UUID(text))
        except ValueError:
            continue
    if not ids:
        return []
    changed = []
    with orm_unit_of_work(acting) as session:
        for row in newsletter_rows.by_ids(session, ids=ids):
            seen = found[str(row.id)]
            content = _content(row)
            secret = _reader_secret(content)  # None: made before secrets, its mails carry unkeyed keys
            reached = {
                letters.reader_key(str(row.id), e, secret)
                for e in newsletter_rows.sent_addresses(session, newsletter_id=row.id)
            }
            before = content.get("tracking")
            before = before if isinstance(before, dict) else {}
            opened = set(_strings(before.get("opened"))) | (seen.opened & reached)
            clicked = set(_strings(before.get("clicked"))) | (seen.clicked & reached)
            row.content = {**content, "tracking": {"opened": sorted(opened), "clicked": sorted(clicked)}}
            total = len(reached)
            row.open_rate = len(opened) / total if total else None
            row.click_rate = len(clicked) / total if total else None
            session.add(row)
            changed.append(
                EngagementPublic(
                    row.id, row.subject_line, total, len(opened), len(clicked), row.open_rate, row.click_rate
                )
            )
    return changed


# -- Sending ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendReport:
    id: UUID
    status: str
    sent: int
    """Accepted in this run."""
    refused: list[str]
    """'address: reason' for each address the server refused for good (5xx) in this run."""
    already_done: int
    """Readers of the audience with an outcome from an earlier run (accepted, or refused for good)."""
    unsubscribed: int
    recipient_count: int
    """Accepted over every run of this newsletter."""
    error: str | None = None
    scheduled_time: dt.datetime | None = None
    busy: bool = False
    """Another run was sending this newsletter: this one mailed nobody."""
    interrupted: bool = False
    """Stopped between two mails when asked to (the worker stopping), with what it mailed recorded
    and its status kept: the next run (send-due, the workers' next minute) mails the rest."""
    deferred: list[str] = field(default_factory=list)
    """'address: reason' for each address the server refused for now (4xx, e.g. greylisting): left
    unrecorded and the newsletter not `sent`, so the next run tries them again."""
    left_out: list[str] = field(default_factory=list)
    """The --to CSV's lines that are not addresses (as `subscribers import` reports them)."""
    note: str | None = None
    """Said once, e.g. that a re-run without --to resumed the --to list the send started with."""
    refused_before: int = 0
    """Of already_done, those refused for good in an earlier run (never mailed)."""
    warnings: list[str] = field(default_factory=list)
    """What the mail shows as written that it should not (LIQUID_KEY), one line per post."""
    held_by_limit: int = 0
    """Readers left for later at the account's daily sending limit: the newsletter stays due (a
    draft becomes due now), and the workers or the next run mail them as the limit allows."""
    held_until: dt.datetime | None = None
    """When the limit lets the next of them go (None: not before an administrator raises it)."""
    not_due: bool = False
    """Asked as due (send_due), it was no longer scheduled once its lock was taken (`newsletter
    unschedule` between the run's listing and its send): nobody mailed, left out of the run's reports."""
    turn_held: bool = False
    """Another send or open transaction of the account held its daily sending limit's turn past
    lock_timeout: the send stopped there (or, in a due run after one that did, was not tried), the
    rest left due for the next run."""

    @property
    def stopped_by_limit(self) -> bool:
        """The send stopped at the account's daily sending limit, with no error: the newsletter is
        held (still due), counted apart from the sent and the failed (calendar run-due, workers
        send-newsletters)."""
        return not self.error and self.held_by_limit > 0

    @property
    def counted_as(self) -> Literal["sent", "held", "busy", "failed"]:
        """How a due run counts this send, the one rule of `calendar run-due` and `workers
        send-newsletters`: failed (an error), busy (another run was sending it, or held the account's
        sending turn: this one mailed nobody), held (stopped_by_limit), else sent."""
        if self.error:
            return "failed"
        if self.busy or (self.turn_held and not self.sent):
            return "busy"
        return "held" if self.stopped_by_limit else "sent"


@dataclass(frozen=True)
class DueCounts:
    """Due newsletters a run sent, left held by the daily limit, found busy (another run sending
    them) and failed: each report counted once, by SendReport.counted_as."""

    sent: int = 0
    held: int = 0
    busy: int = 0
    failed: int = 0


def due_counts(reports: list[SendReport]) -> DueCounts:
    kinds = [report.counted_as for report in reports]
    return DueCounts(kinds.count("sent"), kinds.count("held"), kinds.count("busy"), kinds.count("failed"))


@dataclass(frozen=True)
class _Target:
    email: str
    """As my list holds it: the ledger's key, and the Message-ID's and reader key's (stable across runs)."""
    name: str | None
    token: str
    mailbox: str = field(init=False, repr=False, compare=False)
    """Where the mail goes (envelope and To): the one spelling (`_mailbox`), which every server
    takes, not a row's older one (`bo@example.com.` is refused as malformed, a Unicode domain
    needs SMTPUTF8); told once, as the target is made."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "mailbox", _mailbox(self.email))


@dataclass(frozen=True)
class _Plan:
    newsletter_id: UUID
    subject: str
    bodies: letters.Bodies
    site_url: str
    targets: list[_Target]
    already_done: int
    refused_before: int
    unsubscribed: int
    post_urls: list[str]
    secret: str | None
    """The newsletter's secret for Message-IDs and reader keys (None: the unkeyed form)."""
    warnings: list[str] = field(default_factory=list)
    """LIQUID_KEY's: said with the report of a send that mails."""
    give_up_deferred: bool = False
    """The send first deferred an address over DEFERRED_AT_MOST ago: one refused for now is refused for good."""
    last_refusal: tuple[str, dt.datetime | None] | None = None
    """The ledger's latest refusal for good from an earlier run: ('address: reply', when)."""


def _plan(acting: ActingUser, *, ref: str) -> _Plan:
    """Whom this run mails: the audience fixed when the send started (_prepare), less the ledger."""
    with orm_unit_of_work(acting) as session:
        row = _find(session, ref)
        content = _content(row)
        audience = _stored_audience(content)
        spelled = _as_listed(session, audience) if audience is not None else None
        listed = _one_per_mailbox(session, newsletter_rows.audience(session, newsletter_id=row.id, emails=spelled))
        last = newsletter_rows.last_refusal(session, newsletter_id=row.id)
        targets = [
            _Target(r.row.email, r.row.name, r.row.unsubscribe_token or "")
            for r in listed
            if not r.unsubscribed and r.outcome is None
        ]
        return _Plan(
            newsletter_id=row.id, subject=row.subject_line or row.title or "", bodies=letters.Bodies(
                html=_text(content, "html"), text=_text(content, "text")
            ), site_url=_text(content, "site_url"), targets=targets,
            already_done=sum(1 for r in listed if r.outcome is not None),
            refused_before=sum(1 for r in listed if r.outcome == NewsletterDeliveryOutcome.REFUSED),
            unsubscribed=sum(1 for r in listed if r.unsubscribed and r.outcome is None),
            post_urls=[url for url in (_text(p, "url") for p in _posts(content)) if url],
            secret=_reader_secret(content), give_up_deferred=_deferred_too_long(content),
            warnings=_liquid_left(content),
            last_refusal=(f"{last.email}: {last.error or 'refused'}", last.sent_at) if last is not None else None,
        )  # fmt: skip


@dataclass(frozen=True)
class _Reader:
    """One mailbox of an audience, which a list made before one spelling may hold twice (`ada@exämple.com`,
    `ada@xn--exmple-cua.com`): its row in that spelling if it has one, else its oldest; unsubscribed if
    any of its rows is, with the outcome the ledger holds under any of its spellings."""

    row: NewsletterSubscriber
    outcome: str | None
    unsubscribed: bool


def _one_per_mailbox(session: Any, listed: list[tuple[NewsletterSubscriber, str | None]]) -> list[_Reader]:
    if all(_mailbox(s.email) == s.email for s, _ in listed):  # one spelling each: the unique index holds
        return [_Reader(s, outcome, s.unsubscribed_at is not None) for s, outcome in listed]
    mailbox = _by_mailbox(session, [s.email for s, _ in listed])
    readers: dict[str, _Reader] = {}
    for row, outcome in listed:
        first = readers.setdefault(mailbox[row.email], _Reader(row, outcome, row.unsubscribed_at is not None))
        if first.row is not row:
            spelled = _mailbox(row.email) == row.email and _mailbox(first.row.email) != first.row.email
            readers[mailbox[row.email]] = _Reader(
                row if spelled else first.row, first.outcome or outcome,
                first.unsubscribed or row.unsubscribed_at is not None,
            )  # fmt: skip
    return list(readers.values())


NOTHING_TO_MAIL = (
    "newsletter {id} has nothing to mail: it holds no HTML or text (taken out of one past 64 MiB, as"
    " `blogster newsletter list` says); make it again from fewer posts (`blogster newsletter create`)"
)
"""A newsletter whose content holds no body: db/migrations/0188 takes the posts' HTML and text out of
one past its bound (64 MiB), and a send of it would mail each reader an empty message."""


def _deferred_too_long(content: dict[str, Any]) -> bool:
    first = content.get(DEFERRED_SINCE_KEY)
    try:
        since = dt.datetime.fromisoformat(first) if isinstance(first, str) else None
    except ValueError:
        since = None
    if since is not None and since.tzinfo is None:  # _mail writes UTC with its offset; one without, as UTC
        since = since.replace(tzinfo=dt.UTC)
    return since is not None and dt.datetime.now(dt.UTC) - since > DEFERRED_AT_MOST


def schedule(acting: ActingUser, *, ref: str, at: dt.datetime, csv_text: str | None) -> SendReport:
    """Keeps the newsletter (and, with a CSV, its audience) for `send_due` at `at`, a time to come:
    mailing every subscriber is an outside effect, so a time past (a typo, a year ago) is refused
    rather than sent at the next `send-due`. One a run is sending right now is refused (_for_change),
    as unschedule is; a due run that listed it before skips it once it is due later (_send's check)."""
    if at <= dt.datetime.now(dt.UTC):
        raise InvalidInput(f"--at {at:%Y-%m-%d %H:%M} is in the past; leave out --at to send now")
    parsed = _audience_csv(csv_text)
    with orm_unit_of_work(acting) as session:
        row = _for_change(session, ref, doing="schedule it")
        if row.status == NewsletterStatus.SENT:  # due again, it would mail whoever joined since
            raise InvalidInput(f"newsletter {row.id} was already sent: make a new one (`blogster newsletter create`)")
        started = newsletter_rows.delivered(session, newsletter_id=row.id)
        wanted = [r.email for r in parsed.recipients] if parsed is not None else None
        _audience_note(session, row, wanted=wanted, started=started)
        if parsed is not None:
            _add_readers(session, parsed.recipients)
            row.content = {**_content(row), AUDIENCE_KEY: wanted}
        if row.status != NewsletterStatus.SCHEDULED:  # not due until now: nobody held (a restored draft kept a note)
            row.content = _with_held(_content(row), readers=0, until=None)
        row.status, row.scheduled_time = NewsletterStatus.SCHEDULED, at
        session.add(row)
        return SendReport(
            row.id, str(row.status), 0, [], 0, 0, row.recipient_count, scheduled_time=at,
            left_out=parsed.problems if parsed is not None else [], warnings=_liquid_left(_content(row)),
        )  # fmt: skip


AUDIENCE_KEY = "audience"
DEFERRED_SINCE_KEY = "deferred_since"
"""When a run of the send first had an address refused for now (ISO 8601), kept with the newsletter."""
DEFERRED_AT_MOST = dt.timedelta(days=5)
"""An address still refused for now this long after the send's first deferral is given up, as mail
servers give up a message still deferred after 4-5 days (RFC 5321, 4.5.4.1): a mailbox full
or a server answering 4xx for good would keep a scheduled newsletter due, retried every run."""
"""A `--to` send's addresses, kept in the newsletter's content when the send starts (or is
scheduled): every later run of it mails those and no one else. Absent: the whole list."""


def _stored_audience(content: dict[str, Any]) -> list[str] | None:
    audience = content.get(AUDIENCE_KEY)
    return [str(email) for email in audience] if isinstance(audience, list) else None


def _same_audience(session: Any, stored: list[str] | None, wanted: list[str] | None) -> bool:
    """Whether two audiences name the same readers, ignoring case as PostgreSQL lowercases and how
    a domain is spelled (an audience stored before one spelling)."""
    if stored is None or wanted is None:
        return stored is wanted
    mailbox = _by_mailbox(session, stored + wanted)
    return {mailbox[e] for e in stored} == {mailbox[e] for e in wanted}


def _audience_note(session: Any, row: EmailNewsletter, *, wanted: list[str] | None, started: bool) -> str | None:
    """Refuses a run naming another audience than the one a started send (someone already mailed,
    or refused) has, saying how to resume it; a run without --to resumes a started --to send's
    list, and the returned note says so. Not started, any audience goes (it replaces the stored one)."""
    stored = _stored_audience(_content(row))
    sent = row.status == NewsletterStatus.SENT
    if sent and wanted is not None and not _same_audience(session, stored, wanted):
        raise InvalidInput(
            f"newsletter {row.id} was already sent, so it mails nobody more: make a new one"
            " (`blogster newsletter create`) for these readers"
        )
    if not started or sent:
        return None
    if wanted is None:
        return None if stored is None else f"resuming the {len(stored)} address(es) of the --to list it started with"
    if stored is None:
        raise InvalidInput(
            f"newsletter {row.id} was started for your whole list: run `blogster newsletter send {row.id}`"
            " (no --to) to resume it"
        )
    if not _same_audience(session, stored, wanted):
        raise InvalidInput(
            f"newsletter {row.id} was started for another --to list: run the command it started with"
            f" (or `blogster newsletter send {row.id}`, no --to) to resume it"
        )
    return None


def send(
    acting: ActingUser, *, ref: str, smtp: SmtpSettings, csv_text: str | None = None,
    on_progress: Callable[[int, int], None] | None = None, should_stop: Callable[[], bool] | None = None,
    due: dt.datetime | None = None, hold: MailHold | None = None, own_locks: OwnLocks | None = None,
) -> SendReport:  # fmt: skip
    """Mails everyone not yet mailed (see the module docstring); one refusal does not stop the rest.

    `should_stop` is asked before each mail (after the last one's outcome is committed): once it
    says so, the send ends there, records recipient_count and keeps the newsletter's status
    (a scheduled one stays due), and reports `interrupted`.

    A newsletter with nobody to mail, and nobody mailed before, is not "sent": asked directly,
    the send is refused (InvalidInput, the newsletter left as it was); `due` (send_due), it is
    marked failed with the reason, so the other due newsletters still go. So is one with nothing to
    mail (NOTHING_TO_MAIL), whoever it mailed before.

    `due` is the moment a due run (send_due) listed the newsletters due by: one no longer due by then
    once its lock is taken (unscheduled, or moved to a later time since) is not sent (not_due).

    The audience is fixed when the send starts (_prepare): a re-run mails the rest of it, and a
    newsletter once `sent` mails nobody more. Every address refused for good (none reached) is
    a failure (status failed, `error`); addresses deferred (4xx) keep it from being `sent`. A
    message the server refuses for its size fails the newsletter (its reason under send_error)
    and ends the send, asked directly or due alike; nothing is held for it.

    The From and whether the server can carry it are settled first: refused (ConfigError), the
    send has stored nothing (not the --to list's subscribers, nor the audience or the secret).

    `hold` (mail_hold): a send the server took mail from ends cron's hold on newsletters (the
    user's own `newsletter send` after fixing the settings); it is tried whatever the hold says.
    `own_locks`: what the run's earlier sends met (send_due), else this send's own."""
    from blogster_cli.services.email_delivery import SmtpConnection, SmtpUnavailable

    parsed = _audience_csv(csv_text)
    left_out = parsed.problems if parsed is not None else []
    connection = SmtpConnection(smtp.url, password=smtp.password, password_from=smtp.password_from)
    try:
        allowance = sending_allowance(acting)
        sender = _sender(acting, smtp)
        unreachable = None
        if allowance.left != 0:  # at the limit nothing goes: the server is not asked (each minute, by the workers)
            try:  # an address it cannot carry is the sender's, not each reader's: refused before _prepare stores anything
                connection.check_sender(sender.addr_spec)
            except SmtpUnavailable as exc:  # as when the first mail finds it so: the send goes on to report it (_mail)
                unreachable = str(exc)
        report = _send(
            acting, ref=ref, outbox=_Outbox(sender, connection, unreachable, allowance), parsed=parsed,
            on_progress=on_progress, should_stop=should_stop, due=due, left_out=left_out, own_locks=own_locks,
        )  # fmt: skip
        if hold is not None:
            _release_if_taken(hold, acting, [report])
        return report
    except DatabaseUnavailable as exc:  # each outcome mailed so far is committed
        raise DatabaseUnavailable(f"{exc}; once it is back, run the same command again to resume the send") from None
    finally:
        connection.close()


@dataclass(frozen=True)
class _Outbox:
    """A send's From and its SMTP session, the From already checked against the server."""

    sender: Address
    connection: SmtpConnection
    unreachable: str | None
    """Why the server could not be reached when the From was checked (None: it was, or there was no need)."""
    allowance: SendingAllowance = SendingAllowance(None, 0, None)
    """The account's daily sending allowance as the send began (_mail asks again after each accepted
    mail); unlimited by default."""


def _sender(acting: ActingUser, smtp: SmtpSettings) -> Address:
    """The From of the acting account's newsletters: newsletter_from where it is theirs (sender_for),
    else their own address. A newsletter_from that is not one mailbox as written is a ConfigError
    of that sender (the settings refuse it as they load; this is for SmtpSettings made any other way)."""
    # The operator's newsletter_from is their own account's From only (red team): every other
    # account's newsletters, which the workers send too, go from that account's address.
    from blogster_cli.services.email_delivery import SenderNotAccepted

    configured = smtp.sender_for(acting.actor.user_id)
    if configured:
        try:
            return mail_headers.sender_mailbox(configured)
        except ValueError as exc:
            raise SenderNotAccepted(
                f"newsletter_from must be {mail_headers.SENDER_SHAPE}; {exc}; nothing was sent"
                " (fix it: blogster config set newsletter_from VALUE)"
            ) from None
    address: str | None = acting.actor.email
    if not address:  # a worker acting for the account knows only its id
        with orm_unit_of_work(acting) as session:
            address = newsletter_rows.own_address(session)
    return mail_headers.mailbox("", address or "")


def _send(
    acting: ActingUser, *, ref: str, outbox: _Outbox, parsed: letters.RecipientList | None,
    on_progress: Callable[[int, int], None] | None, should_stop: Callable[[], bool] | None, due: dt.datetime | None,
    left_out: list[str], own_locks: OwnLocks | None = None,
) -> SendReport:  # fmt: skip
    note = _prepare(acting, ref=ref, parsed=parsed)
    wanted = [r.email for r in parsed.recipients] if parsed is not None else None
    with orm_guard_unit_of_work(acting) as guard:
        found = _find(guard, ref)
        row = newsletter_rows.lock_newsletter(guard, newsletter_id=found.id)
        if row is None:
            return SendReport(
                id=found.id, status=str(found.status), sent=0, refused=[], already_done=0, unsubscribed=0,
                recipient_count=found.recipient_count, busy=True, left_out=left_out,
            )  # fmt: skip
        if due is not None and not _due_by(row, due):  # unscheduled or moved later since the run listed it
            return SendReport(
                id=row.id, status=str(row.status), sent=0, refused=[], already_done=0, unsubscribed=0,
                recipient_count=row.recipient_count, not_due=True,
            )  # fmt: skip
        if wanted is not None and not _same_audience(guard, _stored_audience(_content(row)), wanted):
            raise InvalidInput(f"another run changed newsletter {row.id}'s audience meanwhile: run the command again")
        plan = _plan(acting, ref=str(row.id))  # after the lock: sees every earlier run's ledger
        if row.status == NewsletterStatus.SENT:
            return SendReport(
                id=row.id, status=str(row.status), sent=0, refused=[], already_done=plan.already_done,
                refused_before=plan.refused_before,
                unsubscribed=plan.unsubscribed, recipient_count=row.recipient_count, left_out=left_out,
                note="already sent: nobody more is mailed (make a new newsletter for new readers)"
                if plan.targets else None,
            )  # fmt: skip
        why_not = None
        if not plan.bodies.html and not plan.bodies.text:  # its mails would be empty (0188 took its posts out)
            why_not = NOTHING_TO_MAIL.format(id=row.id)
        elif not plan.targets and not plan.already_done:
            why_not = f"nobody to send it to ({plan.unsubscribed} unsubscribed)" if plan.unsubscribed else (
                "nobody to send it to: add subscribers (`blogster newsletter subscribers add`) or pass --csv"
            )  # fmt: skip
        if why_not is not None:
            if due is None:
                raise InvalidInput(why_not)
            row.status = NewsletterStatus.FAILED
            guard.add(row)
            return SendReport(
                id=row.id, status=str(row.status), sent=0, refused=[], already_done=plan.already_done,
                unsubscribed=plan.unsubscribed, recipient_count=row.recipient_count, error=why_not, left_out=left_out,
            )  # fmt: skip
        mailed = _mail(
            acting, plan=plan, outbox=outbox, on_progress=on_progress, should_stop=should_stop, own_locks=own_locks
        )  # fmt: skip
        error, refusals = mailed.error, None
        row.recipient_count = newsletter_rows.sent_count(guard, newsletter_id=plan.newsletter_id)
        if mailed.too_big:  # the newsletter's own: not retried every run, and the next due one goes
            row.status = NewsletterStatus.FAILED
            error = (
                f"{mailed.error} (newsletter {row.id} failed; once the limit is raised,"
                f" `blogster newsletter send {row.id}` sends it)"
            )
            if row.recipient_count:  # a server that counts otherwise than SIZE: the rest is resumable
                error = (
                    f"{mailed.error} (newsletter {row.id} failed after {plural(row.recipient_count, 'reader')}"
                    f" got it; once the limit is raised, `blogster newsletter send {row.id}` mails the others,"
                    " not them again)"
                )
            kept = {"error": mailed.error, "at": dt.datetime.now(dt.UTC).isoformat()}
            row.content = {**_content(row), SEND_ERROR_KEY: kept}
        elif error:  # the mail server was unreachable: why, for `newsletter list` and `show`
            if row.status != NewsletterStatus.SCHEDULED:  # a scheduled one stays due: the next run mails the rest
                row.status = NewsletterStatus.FAILED
            kept = {"error": error.removesuffix(RUN_AGAIN), "at": dt.datetime.now(dt.UTC).isoformat()}
            row.content = {**_content(row), SEND_ERROR_KEY: kept}
        elif mailed.interrupted or mailed.deferred or mailed.held or mailed.in_use:
            if mailed.deferred and DEFERRED_SINCE_KEY not in _content(row):  # how long it waits
                row.content = {**_content(row), DEFERRED_SINCE_KEY: dt.datetime.now(dt.UTC).isoformat()}
            if mailed.held and row.status != NewsletterStatus.SCHEDULED:  # due now: mailed as the limit allows
                row.status, row.scheduled_time = NewsletterStatus.SCHEDULED, dt.datetime.now(dt.UTC)
            # not done: the next run mails the rest (a scheduled one stays due)
        elif row.recipient_count == 0:  # every address of the audience refused for good
            row.status = NewsletterStatus.FAILED
            error, refusals = _nobody_reached(plan, mailed)
        else:
            row.status = NewsletterStatus.SENT
        if mailed.error is None and SEND_ERROR_KEY in _content(row):  # got through: the error is past
            row.content = {key: value for key, value in _content(row).items() if key != SEND_ERROR_KEY}
        if row.status == NewsletterStatus.FAILED and refusals is not None:  # why, for `newsletter list`
            row.content = {**_content(row), SEND_ERROR_KEY: refusals}
        held_until = mailed.allowance.frees_at if mailed.held else None
        row.content = _with_held(_content(row), readers=mailed.held, until=held_until)
        guard.add(row)
        return SendReport(
            id=row.id, status=str(row.status), sent=mailed.sent, refused=mailed.refused,
            already_done=plan.already_done, refused_before=plan.refused_before, unsubscribed=plan.unsubscribed,
            recipient_count=row.recipient_count, error=error, interrupted=mailed.interrupted,
            scheduled_time=row.scheduled_time if row.status == NewsletterStatus.SCHEDULED else None,
            deferred=mailed.deferred + mailed.in_use, left_out=left_out, note=note,
            warnings=plan.warnings, held_by_limit=mailed.held, held_until=held_until, turn_held=mailed.turn_held,
        )  # fmt: skip


def _due_by(row: EmailNewsletter, moment: dt.datetime) -> bool:
    """Whether the newsletter is scheduled for `moment` or before: what due_newsletters lists."""
    return row.status == NewsletterStatus.SCHEDULED and row.scheduled_time is not None and row.scheduled_time <= moment


def _with_held(content: dict[str, Any], *, readers: int, until: dt.datetime | None) -> dict[str, Any]:
    """`content` saying the daily limit holds `readers` until `until` (HELD_KEY), or, with none
    held, no longer saying so."""
    if readers:
        return {**content, HELD_KEY: {"readers": readers, "until": until.isoformat() if until else None}}
    return {key: value for key, value in content.items() if key != HELD_KEY}


def _nobody_reached(plan: _Plan, mailed: _Mailed) -> tuple[str, dict[str, str]]:
    """The error of a send whose every reader was refused for good (5xx), and the reason kept under
    send_error: the last refusal. Refusals from an earlier run are final (the ledger keeps them, so
    no run tries those readers again): the error says so, and that a new newsletter can mail them."""
    everyone = plural(plan.already_done + len(mailed.refused), "reader")
    now = dt.datetime.now(dt.UTC)
    at: dt.datetime | None
    if mailed.refused:
        last, at = mailed.refused[-1], now
        earlier = f" ({plan.refused_before} in an earlier run)" if plan.refused_before else ""
        error = f"none of its {everyone} was reached: the server refused every address for good{earlier}"
    else:
        last, at = plan.last_refusal or ("", None)
        when = f" ({at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC)" if at is not None else ""
        error = (
            f"none of its {everyone} was reached: the server refused every address in an earlier run{when},"
            " for good (a 5xx reply), so nobody was tried again; to mail them, make a new newsletter"
            " (`blogster newsletter create`)"
        )
    reason = "the server refused every address for good" + (f"; the last: {last}" if last else "")
    return error, {"error": reason, "at": (at or now).isoformat()}


def _prepare(acting: ActingUser, *, ref: str, parsed: letters.RecipientList | None) -> str | None:
    """Fixes the send's audience (a --to list is stored; see _audience_note) and gives a newsletter
    made before secrets one, committed before anything is mailed: a re-run after SIGKILL must find
    both. The secret is not given once some of it was mailed in the unkeyed form. Another run
    sending it holds the lock: nothing is done here and the guard answers 'busy'."""
    with orm_unit_of_work(acting) as session:
        found = _find(session, ref)
        row = newsletter_rows.lock_newsletter(session, newsletter_id=found.id)
        if row is None:
            return None
        content = dict(_content(row))
        done = newsletter_rows.delivered(session, newsletter_id=row.id)
        wanted = [r.email for r in parsed.recipients] if parsed is not None else None
        note = _audience_note(session, row, wanted=wanted, started=done)
        if parsed is not None and row.status != NewsletterStatus.SENT:
            _add_readers(session, parsed.recipients)
            content[AUDIENCE_KEY] = wanted
        if _reader_secret(content) is None and not done:
            content[READER_SECRET_KEY] = letters.new_reader_secret()
        if content != _content(row):
            row.content = content
            session.add(row)
        return note


@dataclass(frozen=True)
class _Mailed:
    sent: int
    refused: list[str]
    deferred: list[str]
    error: str | None
    interrupted: bool
    too_big: bool = False
    """The server refuses the message for its size (`error` says so): the send stopped there."""
    held: int = 0
    """Readers not tried: the account reached its daily sending limit (the send stopped there)."""
    allowance: SendingAllowance = SendingAllowance(None, 0, None)
    """The account's allowance as the send ended."""
    in_use: list[str] = field(default_factory=list)
    """'address: reason' for each reader whose ledger row another transaction held (claim_delivery):
    not mailed, left for the next run, reported with the deferred."""
    turn_held: bool = False
    """A claim waited past lock_timeout for the account's sending turn: the send stopped there."""


@dataclass
class OwnLocks:
    """Locks of the account's own a run met so far, shared by a due run's sends (send_due) so that it
    waits for each kind once: its login may hold them in an open transaction as long as it likes, and
    each wait per reader and newsletter would add up to hours (every account after it waiting too)."""

    records_held: bool = False
    """A claim found a reader's delivery record held (after CLAIM_WAIT): later claims wait for none."""


def _mail(
    acting: ActingUser, *, plan: _Plan, outbox: _Outbox, on_progress: Callable[[int, int], None] | None,
    should_stop: Callable[[], bool] | None = None, own_locks: OwnLocks | None = None,
) -> _Mailed:  # fmt: skip
    """Mails the plan's targets, each outcome committed as it comes; interrupted when `should_stop`
    said so before a mail (none is cut off midway). A deferred address (4xx) is not recorded, so
    the next run tries it again. Each reader's ledger row is taken before their mail goes and
    committed once the server accepted it (newsletter_rows.claim_delivery): one already recorded
    is not mailed, and one another transaction holds is left for the next run (`in_use`), the
    others going on (after one such reader, the run's later claims wait for none: `own_locks`). At
    the account's daily sending limit (outbox.allowance, asked
    again in the unit of work that records each accepted mail, and checked with the account's
    sending turn as each reader is claimed, so another send's mails count) it stops and the targets
    left are `held`; at the limit from the start, the server is not asked anything. A claim that
    waited past lock_timeout for the turn stops the send, that reader left `in_use`.

    The copies go largest first (_largest_first), and none goes when the largest is over the size
    the server announces (SIZE). A message too big for the server stops the send, recorded against
    nobody: with the largest copy first, it is refused before any smaller copy went, so a server
    that announces no SIZE refuses the newsletter whole too (not its first readers' copies taken
    and the longer names' refused)."""
    from blogster_cli.services.email_delivery import MessageTooBig, SmtpUnavailable

    sender, connection, allowance = outbox.sender, outbox.connection, outbox.allowance
    sent, refused, deferred, error, interrupted, too_big, held = 0, [], [], None, False, False, 0
    in_use: list[str] = []
    turn_held, own_locks = False, own_locks or OwnLocks()
    try:
        if outbox.unreachable is not None:
            raise SmtpUnavailable(outbox.unreachable)
        at_limit = allowance.left == 0  # then the server is not asked for its size either
        targets = _largest_first(plan, outbox) if plan.targets and not at_limit else plan.targets
        for number, target in enumerate(targets, 1):
            if should_stop is not None and should_stop():
                interrupted = True
                break
            if allowance.left == 0:  # the daily limit: the rest stay due
                held = len(targets) - number + 1
                break
            identity = letters.message_id(str(plan.newsletter_id), target.email, plan.secret)
            # The reader's ledger row is taken first and committed once the server accepted the mail
            # (a kill between rolls it back: that one reader is mailed again, same Message-ID).
            with orm_guard_unit_of_work(acting) as session:
                wait = newsletter_rows.NO_WAIT if own_locks.records_held else newsletter_rows.CLAIM_WAIT
                claim = newsletter_rows.claim_delivery(
                    session, newsletter_id=plan.newsletter_id, email=target.email, message_id=identity, wait=wait
                )  # fmt: skip
                if claim.state == "at limit" and claim.allowance is not None:  # another send took the room left
                    allowance, held = claim.allowance, len(targets) - number + 1
                    break
                if claim.state == "turn held":  # past lock_timeout: the rest wait for the next run too
                    in_use.append(f"{target.email}: {TURN_HELD}")
                    turn_held = True
                    break
                if claim.state == "in use":
                    in_use.append(f"{target.email}: {IN_USE}")
                    own_locks.records_held = True
                elif claim.state == "claimed":
                    reason = _mail_one(plan, sender, target, connection)
                    if reason is not None and not reason.for_good:
                        claim.undo()
                        deferred.append(f"{target.email}: {reason.detail}")
                    elif reason is not None:
                        claim.undo()
                        refused.append(f"{target.email}: {reason.detail}")
                        newsletter_rows.record_delivery(
                            session, newsletter_id=plan.newsletter_id, email=target.email,
                            outcome=NewsletterDeliveryOutcome.REFUSED, message_id=identity, error=reason.detail,
                        )  # fmt: skip
                    else:
                        claim.keep()
                        sent += 1
                        if allowance.daily_limit is not None:  # counted with the record: what is left
                            allowance = newsletter_rows.sending_allowance(session)
            if on_progress:
                on_progress(number, len(targets))
    except SmtpUnavailable as exc:
        error = f"{exc}{RUN_AGAIN}"
    except MessageTooBig as exc:
        error, too_big = str(exc), True
    return _Mailed(sent, refused, deferred, error, interrupted, too_big, held, allowance, in_use, turn_held)


IN_USE = "another transaction of this account holds this reader's delivery record: tried again on the next run"
TURN_HELD = (
    "another send of this account kept its daily sending limit's turn past lock_timeout: this send"
    " stopped here, and the next run mails this reader and the rest"
)


@dataclass(frozen=True)
class _NotAccepted:
    detail: str
    for_good: bool
    """Refused for good (5xx, an address no header can carry, a deferral given up): recorded as
    refused. Else refused for now (4xx): nothing recorded, the next run tries again."""


def _mail_one(plan: _Plan, sender: Address, target: _Target, connection: SmtpConnection) -> _NotAccepted | None:
    """Mails `target` their copy: None when the server accepted it, else why not. Anything else it
    raises (the server unreachable, the message too big) is the sender's, not the reader's."""
    from blogster_cli.services.email_delivery import RecipientDeferred, RecipientRefused

    try:
        message = _message(plan, sender, target)
    except ValueError as exc:  # no message header can carry the address: this reader's, for good
        return _NotAccepted(f"the address cannot be mailed: {exc}", for_good=True)
    try:
        connection.send(message, to=target.mailbox)
    except RecipientDeferred as exc:
        if plan.give_up_deferred:
            return _NotAccepted(f"{exc}, still {DEFERRED_AT_MOST.days} days after the first deferral: given up", True)
        return _NotAccepted(str(exc), for_good=False)
    except RecipientRefused as exc:
        return _NotAccepted(str(exc), for_good=True)
    return None


def _message(plan: _Plan, sender: Address, target: _Target) -> EmailMessage:
    """`target`'s copy: their To, Message-ID, unsubscribe link and tracking (ValueError: no header
    can carry their address)."""
    newsletter_id = str(plan.newsletter_id)
    tracking = letters.Tracking(
        site_url=plan.site_url, newsletter_id=newsletter_id, post_urls=plan.post_urls,
        key=letters.reader_key(newsletter_id, target.email, plan.secret),
    )  # fmt: skip
    return letters.build_message(
        sender=sender, recipient=letters.Recipient(target.mailbox, target.name), subject=plan.subject,
        bodies=plan.bodies, message_id=letters.message_id(newsletter_id, target.email, plan.secret),
        unsubscribe=letters.unsubscribe_url(plan.site_url, target.token), tracking=tracking,
    )  # fmt: skip


def _largest_first(plan: _Plan, outbox: _Outbox) -> list[_Target]:
    """The plan's targets, the largest copy first (ties in the list's order), once every copy is
    known to fit the size the server announces (SIZE): else MessageTooBig naming the largest
    copy's size and the limit, before any copy goes. A server that announces no SIZE and refuses
    a copy for its size after DATA then refuses the largest, the first one tried.

    Sizes come from _copy_sizes: one copy built per kind, each reader's To line counted alone.
    Where even their upper bounds fit the announced SIZE (the usual case: far under it), nothing
    more is counted and the list's order stays. A copy that cannot go (its address has no header,
    or is not ASCII and the server takes no SMTPUTF8) has no size: it goes last and is refused as
    its reader's, as before."""
    from blogster_cli.services.email_delivery import MAKE_IT_SMALLER, TOO_BIG, MessageTooBig

    connection = outbox.connection
    limit = connection.size_limit()  # opens the session: the failures the first mail would meet
    smtputf8 = connection.takes_smtputf8()
    if limit is not None:
        bounds = _copy_sizes(plan, outbox.sender, smtputf8=smtputf8, at_most=True)
        if max((size for size in bounds if size is not None), default=0) <= limit:
            return plan.targets
    sizes = _copy_sizes(plan, outbox.sender, smtputf8=smtputf8)
    known = [size for size in sizes if size is not None]
    largest = max(known, default=0)
    if limit is not None and largest > limit:
        over = sum(1 for size in known if size > limit)
        raise MessageTooBig(
            f"{TOO_BIG}: it takes at most {limit:,} bytes (SIZE) and this newsletter's largest copy is"
            f" {largest:,} bytes ({over} of its {plural(len(known), 'copy', 'copies')} over); nothing was"
            f" sent; {MAKE_IT_SMALLER}"
        )
    # sorted() is stable: copies as big keep the list's order; the ones without a size go last
    order = sorted(range(len(sizes)), key=lambda i: (sizes[i] is None, -(sizes[i] or 0)))
    return [plan.targets[index] for index in order]


def _copy_sizes(plan: _Plan, sender: Address, *, smtputf8: bool, at_most: bool = False) -> list[int | None]:
    """Each target's copy's size as it would cross the wire (letters.wire_size), or None for one
    that cannot go (see _largest_first); `at_most`: more than it can be, in a microsecond a reader
    (letters.to_header_size_at_most), where the exact count of a name that is not plain takes
    0.3 to 0.8 ms. A copy differs from another only by its To line and its unsubscribe token's
    length (distribution/newsletter.py): one copy is built for each token length and envelope
    kind (ASCII or SMTPUTF8), and each reader's To line is counted alone."""
    rest: dict[tuple[int, bool], int] = {}  # a copy's size less its To line, per kind
    sizes: list[int | None] = []
    for target in plan.targets:
        international = not f"{sender.addr_spec}{target.mailbox}".isascii()  # as smtplib decides it
        if international and not smtputf8:
            sizes.append(None)
            continue
        kind = (len(target.token), international)
        recipient = letters.Recipient(target.mailbox, target.name)
        try:
            if kind not in rest:
                built = letters.wire_size(_message(plan, sender, target), utf8=international)
                rest[kind] = built - letters.to_header_size(recipient, utf8=international)
            if at_most:
                to_line = letters.to_header_size_at_most(recipient)
            else:
                to_line = letters.to_header_size(recipient, utf8=international)
        except ValueError:
            sizes.append(None)
            continue
        sizes.append(rest[kind] + to_line)
    return sizes


def send_due(
    acting: ActingUser, *, smtp: SmtpSettings, now: dt.datetime | None = None,
    should_stop: Callable[[], bool] | None = None, hold: MailHold | None = None, quiet_while_held: bool = False,
) -> list[SendReport]:  # fmt: skip
    """Sends every scheduled newsletter whose time has come (for cron, like `calendar run-due`);
    once `should_stop` says so, the send in progress ends between two mails and no other starts.

    With `hold` (mail_hold) a configuration error holds the newsletters rather than trying the
    server again at each run (see _unless_held): while held, each run raises the ConfigError again
    saying until when (cron's commands: the run fails, and says why), or with `quiet_while_held`
    (the workers) returns nothing, the error said once already.

    A lock the account's own login holds costs the run one wait at most (every_account's promise,
    each account after it waiting too): once a send waited lock_timeout for the account's sending
    turn, the other due newsletters are not tried (reported turn_held, still due); once a claim met a
    reader's delivery record held, the later claims wait for none (OwnLocks)."""
    moment = now or dt.datetime.now(dt.UTC)
    if should_stop is not None and should_stop():
        return []
    with orm_unit_of_work(acting) as session:
        due = {str(row.id): row.recipient_count for row in newsletter_rows.due_newsletters(session, now=moment)}
    if not due:
        return []

    def send_them() -> list[SendReport]:
        reports: list[SendReport] = []
        own_locks = OwnLocks()
        for number, newsletter_id in enumerate(due, 1):
            if should_stop is not None and should_stop():  # those left are reported: still due, interrupted
                reports += [_not_started(UUID(rest), reached=due[rest]) for rest in list(due)[number - 1 :]]
                break
            try:
                report = send(
                    acting, ref=newsletter_id, smtp=smtp, should_stop=should_stop, due=moment, own_locks=own_locks
                )  # fmt: skip
            except NotFound:  # deleted since it was listed (`newsletter rm`): nothing to send
                continue
            except ConfigError as exc:  # it stays due: kept for `newsletter list`, and the next would fail alike
                _keep_send_error(acting, newsletter_id=UUID(newsletter_id), error=str(exc))
                raise
            if not report.not_due:
                reports.append(report)
            if report.turn_held:  # waited for once: the turn is as likely held for the next one
                reports += [_not_tried(UUID(rest), reached=due[rest]) for rest in list(due)[number:]]
                break
        return reports

    if hold is None:
        return send_them()
    return _unless_held(acting, send_them, hold=hold, smtp=smtp, now=moment, quiet=quiet_while_held)


NOT_TRIED = (
    "not tried in this run: another send or open transaction of this account kept its daily sending limit's"
    " turn past lock_timeout (waited for once a run, not for each newsletter); it stays due for the next run"
)


def _not_tried(newsletter_id: UUID, *, reached: int) -> SendReport:
    """A due newsletter a run left, the account's sending turn held (send_due): still due, as listed."""
    return SendReport(
        id=newsletter_id, status=str(NewsletterStatus.SCHEDULED), sent=0, refused=[], already_done=0,
        unsubscribed=0, recipient_count=reached, turn_held=True, note=NOT_TRIED,
    )  # fmt: skip


NOT_STARTED = "not started in this run: it was stopped before this newsletter; the next run mails it"


def _not_started(newsletter_id: UUID, *, reached: int) -> SendReport:
    """A due newsletter a stopped run did not start (send_due): still due, reported interrupted, as
    a send stopped between two of its mails is, so what a run left shows in its reports."""
    return SendReport(
        id=newsletter_id, status=str(NewsletterStatus.SCHEDULED), sent=0, refused=[], already_done=0,
        unsubscribed=0, recipient_count=reached, interrupted=True, note=NOT_STARTED,
    )  # fmt: skip


def _keep_send_error(acting: ActingUser, *, newsletter_id: UUID, error: str) -> None:
    """Keeps why a due send could not go with the newsletter, until a send gets through (_send);
    not while another run sends it (that run's outcome counts)."""
    with orm_unit_of_work(acting) as session:
        row = newsletter_rows.lock_newsletter(session, newsletter_id=newsletter_id)
        if row is not None:
            kept = {"error": error, "at": dt.datetime.now(dt.UTC).isoformat()}
            row.content = {**_content(row), SEND_ERROR_KEY: kept}
            session.add(row)


def send_due_for_every_account(
    db: Database, *, smtp: SmtpSettings | None, timeouts: Timeouts, now: dt.datetime | None = None,
    should_stop: Callable[[], bool] | None = None, hold: MailHold | None = None, quiet_while_held: bool = True,
) -> EveryAccount[SendReport]:  # fmt: skip
    """send_due for each account with a due newsletter, as that account (the workers' minute
    job and `workers send-newsletters`); a send another run holds comes back busy. Without
    an SMTP server (smtp None) it is a ConfigError only when something is due. `should_stop`:
    see send_due (the accounts after a stop start no send). `hold` and `quiet_while_held` (the
    workers' way by default: a hold's error said once, in their log): see send_due."""
    from blogster_cli.repositories import scheduled_jobs  # its tables (posts, social, chatbot) only here

    moment = now or dt.datetime.now(dt.UTC)
    with orm_service_unit_of_work(db) as session:
        accounts = scheduled_jobs.accounts_with_due_newsletters(session, now=moment)
    if accounts and smtp is None:
        raise ConfigError("newsletters are due but no SMTP server is configured (smtp_url or BLOGSTER_SMTP_URL)")
    if smtp is None:
        return EveryAccount()

    def work(acting: ActingUser) -> list[SendReport]:
        return send_due(
            acting, smtp=smtp, now=moment, should_stop=should_stop, hold=hold, quiet_while_held=quiet_while_held
        )  # fmt: skip

    done = for_every_account(db, accounts, work, timeouts=timeouts)
    return EveryAccount([report for reports in done.results for report in reports], done.failures)


HOLD_SCOPE = "newsletters"
"""The hold on every account's newsletters (the server's settings); `newsletters:<account>` holds one From's."""


def _unless_held(
    acting: ActingUser, send_them: Callable[[], list[SendReport]], *, hold: MailHold, smtp: SmtpSettings,
    now: dt.datetime, quiet: bool,
) -> list[SendReport]:  # fmt: skip
    """`send_them()`, unless a configuration error holds this account's newsletters (mail_hold): then
    no connection is made and they stay due. A refused login, an untrusted certificate or an
    unusable SMTP URL holds every account's; a From the server refuses (SenderNotAccepted) only
    this account's; a message too big (MessageTooBig) nothing (_send fails that newsletter alone,
    so it never reaches here). The error is raised (the run's, or the account's failure) when it
    is news, and while held unless `quiet` (then a retry that failed the same way says nothing
    more either)."""
    from blogster_cli.services.email_delivery import SenderNotAccepted

    # What a fix changes: the server and its login, the From, and the CAs a private server's certificate needs.
    tls = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    settings = (smtp.url, smtp.password, smtp.sender, str(smtp.sender_owner), *tls)
    own_scope = f"{HOLD_SCOPE}:{acting.actor.user_id}"
    for scope in (HOLD_SCOPE, own_scope):
        held = hold.holding(scope, settings=settings, now=now)
        if held is not None and quiet:
            return []
        if held is not None:
            raise ConfigError(
                f"{held.error} ({_whose(scope, own_scope)} held since {held.since:%Y-%m-%d %H:%M} UTC: not tried"
                f" now; tried again at {held.retry_at:%Y-%m-%d %H:%M} UTC, or at the next run once the SMTP"
                " settings or password change)"
            )
    try:
        reports = send_them()
    except ConfigError as exc:
        scope = own_scope if isinstance(exc, SenderNotAccepted) else HOLD_SCOPE
        held, news = hold.failed(scope, settings=settings, error=str(exc), now=now)
        if quiet and not news:
            return []
        raise ConfigError(
            f"{exc} ({_whose(scope, own_scope)} held: tried again at {held.retry_at:%Y-%m-%d %H:%M} UTC, or at the"
            " next run once the SMTP settings or password change)"
        ) from None
    _release_if_taken(hold, acting, reports)
    return reports


def _release_if_taken(hold: MailHold, acting: ActingUser, reports: list[SendReport]) -> None:
    """Ends the holds on every account's and this account's newsletters once the server took us."""
    if any(report.sent or report.refused or report.deferred for report in reports):
        hold.release(HOLD_SCOPE, f"{HOLD_SCOPE}:{acting.actor.user_id}")


def _whose(scope: str, own_scope: str) -> str:
    return "this account's newsletters" if scope == own_scope else "every account's newsletters"
