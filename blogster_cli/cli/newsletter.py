"""blogster newsletter create | list | preview | send | send-due | unschedule | rm | limit | unsubscribe |
subscribers ... | smtp-password."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import ask, output, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.long_running import end_as, stops_at_next_step
from blogster_cli.cli.params import ANY_PATH
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from datetime import datetime

    from blogster_cli.actors import ActingUser
    from blogster_cli.services.newsletters import SendReport

app = command_group("newsletter")
subscribers_app = typer.Typer(
    help="The addresses you mail: import, list, rm.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(subscribers_app, name="subscribers")


def _read_text(path: Path) -> str:
    from blogster_cli.content.files import read_named_text
    from blogster_cli.errors import InvalidInput

    try:
        return sys.stdin.read() if str(path) == "-" else read_named_text(path)
    except (OSError, UnicodeDecodeError) as exc:  # standard input
        raise InvalidInput(f"cannot read {path}: {exc.__class__.__name__}") from None


@app.command("create")
def create(
    blogs: list[str] = typer.Option(..., "--blogs", help="Published posts (slugs or ids); repeat or comma-separate."),
    subject: str = typer.Option(..., "--subject", help="The subject line."),
    json: bool = JSON_OPTION,
) -> None:
    """Make a newsletter of published posts (HTML and plain text, each post linking to your site).

    Example: blogster newsletter create --blogs ten-terminal-habits --subject "This week" --json
    """
    from blogster_cli.services import newsletters

    refs = [ref.strip() for item in blogs for ref in item.split(",") if ref.strip()]
    ctx, acting = app_context(), acting_user()
    made = newsletters.create(acting, refs=refs, subject=subject, base_domain=ctx.settings.site_base_domain)
    made = replace(made, warnings=[*made.warnings, *_address_warnings(acting)])
    output.print_json(made) if json else output.message(
        f"newsletter {made.id} created ({plural(len(made.posts), 'post')})"
    )
    for warning in made.warnings:
        output.warning(warning)


def _address_warnings(acting: ActingUser) -> list[str]:
    """The one-line warning per stored custom domain or url the site's address leaves out (one the
    setting refuses now), as `site build` and `crosspost` give it: the newsletter's links use the
    address without it. Added to the `warnings` a command prints, so its --json holds them too."""
    from blogster_cli.services import site_settings

    base_domain = app_context().settings.site_base_domain
    return list(site_settings.ignored_addresses(acting, base_domain=base_domain))


@app.command("list")
def list_newsletters(
    fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION
) -> None:
    """Your newsletters, newest first, with how many readers each reached.

    A scheduled newsletter whose due send a configuration error stopped (a refused SMTP login, a
    From the server refuses, an untrusted certificate) shows the error under send_error, and when
    under send_error_at (--json), until a send gets through; so does a failed one the SMTP server
    refused as too big, or whose every reader it refused for good (the last refusal), and one a mail
    server out of reach stopped. A scheduled newsletter shows when it goes under scheduled_time.
    One whose send stopped at your daily sending limit (`newsletter limit`) shows how many readers
    wait under held_by_limit, and when the next may go under held_until (--json): it stays due.
    A draft whose send did not finish (killed, stopped, or readers deferred) says under send_error
    that it is partly sent: `blogster newsletter send ID` mails the rest, nobody twice.

    Example: blogster newsletter list
    """
    from blogster_cli.services import newsletters

    rows = [output.fields(r) for r in newsletters.list_newsletters(acting_user())]
    columns = [
        "id", "subject_line", "status", "scheduled_time", "recipient_count", "held_by_limit", "created_at", "send_error"
    ]  # fmt: skip
    show_list(rows, columns, fmt=fmt, json=json, limit=limit)


@app.command("preview")
def preview(
    newsletter_id: str = typer.Argument(..., help="The newsletter's id (or its first characters)."),
    html: bool = typer.Option(False, "--html", help="The HTML part instead of the plain text."),
    json: bool = JSON_OPTION,
) -> None:
    """Show a newsletter as readers get it (each reader's own token goes where EACH-READERS-OWN-TOKEN is).

    Example: blogster newsletter preview $(blogster newsletter list --format ids --limit 1)
    """
    from blogster_cli.services import newsletters

    acting = acting_user()
    shown = newsletters.preview(acting, ref=newsletter_id)
    shown = replace(shown, warnings=[*shown.warnings, *_address_warnings(acting)])
    if json:
        output.print_json(shown)
    else:
        output.print_lines([f"Subject: {shown.subject}", "", shown.html if html else shown.text])
    for warning in shown.warnings:
        output.warning(warning)


@app.command("send")
def send(
    newsletter_id: str = typer.Argument(..., help="The newsletter's id (or its first characters)."),
    to: Path | None = typer.Option(
        None,
        "--to",
        help="A CSV with an email column (added to your list); default: your list.",
        click_type=ANY_PATH,
    ),
    at: str | None = typer.Option(
        None,
        "--at",
        help="'YYYY-MM-DD HH:MM' in your timezone (or with an offset: +01:00), 1970 to 9999, still to come: send then"
        " (`newsletter send-due`).",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Mail a newsletter over SMTP to everyone not yet mailed and not unsubscribed; run the same command to resume.

    A send's audience (--to, or your whole list) is fixed when it starts: a re-run resumes it (without
    --to, a --to send's list), another --to is refused, and a newsletter once sent mails nobody more.
    Exit 1 when the server is unreachable, refused every address, or refuses a message this big
    (the newsletter is then failed).

    At your daily sending limit (`newsletter limit`) the send stops and the readers left stay due
    (held_by_limit, held_until): the workers, `newsletter send-due` or this command mail them as
    the limit allows (exit 0).

    Ctrl-C or SIGTERM stops the send between two mails (the one in flight answered and recorded),
    prints what this run sent (--json: the report, "interrupted": true) and exits 130 or 143 (129 on
    SIGHUP); the same command mails the rest. Pressed twice, it stops at once.

    SMTP: the smtp_url setting or BLOGSTER_SMTP_URL (smtp://user@host:587 needs STARTTLS unless
    the host is this machine; smtps:// for TLS); the password: `newsletter smtp-password`.

    Example: blogster newsletter send $(blogster newsletter list --format ids --limit 1) --to readers.csv
    """
    from blogster_cli.planning.times import parse_at
    from blogster_cli.services import mail_hold, newsletters

    ctx, acting = app_context(), acting_user()
    csv_text = _read_text(to) if to is not None else None
    if at is not None:
        when = parse_at(at, timezone=ctx.tzinfo)
        report = newsletters.schedule(acting, ref=newsletter_id, at=when.moment, csv_text=csv_text)
        report = replace(report, warnings=[*report.warnings, *_address_warnings(acting)])
        output.print_json(report) if json else output.message(
            f"newsletter {report.id} scheduled for {output.local_time(when.moment)}"
        )
        if when.note:
            output.message(f"note: {when.note}")
        for problem in report.left_out:
            output.warning(f"{problem} (left out)")
        for warning in report.warnings:
            output.warning(warning)
        return
    smtp = newsletters.smtp_settings(ctx, sender_owner=acting.actor.user_id)
    with stops_at_next_step() as stops, output.progress("Sending", None) as bar:
        report = newsletters.send(
            acting, ref=newsletter_id, smtp=smtp, csv_text=csv_text,
            on_progress=lambda done, total: bar.advance(), hold=mail_hold.kept(ctx),
            should_stop=lambda: bool(stops),
        )  # fmt: skip
    if not report.busy and not report.error:
        report = replace(report, warnings=[*report.warnings, *_address_warnings(acting)])
    _report([report], json)
    if report.interrupted and stops:  # what went out is recorded: the same command mails the rest
        output.message(
            f"note: newsletter {report.id} stopped after {plural(report.sent, 'mail')} in this run;"
            " run the same command again to mail the rest"
        )
        end_as(stops[0])  # 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP


def _report(reports: list[SendReport], json: bool) -> None:
    """One line per refusal, deferral and CSV line left out, then the summary; exit 1 when a send
    failed (the server unreachable, or every address refused so nobody was reached). A reader
    refused or deferred is a warning when the send went on (exit 0), an error when it failed."""
    if json:
        output.print_json(reports)
    for report in reports:
        for problem in report.left_out:
            output.warning(f"{problem} (left out)")
        for warning in report.warnings:
            output.warning(warning)
        per_reader = output.error if report.error else output.warning
        for refusal in report.refused:
            per_reader(f"refused {refusal}")
        for deferral in report.deferred:
            per_reader(f"deferred {deferral}")
        if report.note:
            output.message(f"note: {report.note}")
        if report.error:
            output.error(report.error)
        elif json:
            continue
        elif report.busy:
            output.message(f"newsletter {report.id}: another run is sending it right now; nothing sent")
        elif report.counted_as == "busy":  # turn_held, nobody mailed: what to do is in its note or deferred line
            output.message(
                f"newsletter {report.id}: another send or open transaction of your account holds its sending turn;"
                " nothing sent"
            )
        else:
            deferred = (
                f" ({len(report.deferred)} deferred for now: run the same command later to retry them)"
                if report.deferred
                else ""
            )
            left_out = f", {len(report.left_out)} left out" if report.left_out else ""
            before = f", {report.refused_before} refused before" if report.refused_before else ""
            output.message(
                f"newsletter {report.id}: {report.sent} sent, {len(report.refused)} refused,"
                f" {report.already_done - report.refused_before} already mailed{before}, {report.unsubscribed}"
                f" unsubscribed{left_out}; {report.recipient_count} reached in all{deferred}"
            )
        if report.held_by_limit and not json:
            output.message(f"newsletter {report.id}: {_held(report.held_by_limit, report.held_until)}")
    if any(r.error for r in reports):
        raise typer.Exit(1)


def _held(readers: int, until: datetime | None) -> str:
    when = (
        f"the next can go at {output.local_time(until)}"
        if until is not None
        else "none can go until an administrator raises it"
    )
    return (
        f"{plural(readers, 'reader')} held by your daily sending limit ({when}); it stays due: the workers,"
        " `blogster newsletter send-due` or the same command mail them as the limit allows"
        " (`blogster newsletter limit` shows it)"
    )


@app.command("send-due")
def send_due(json: bool = JSON_OPTION) -> None:
    """Send the scheduled newsletters whose time has come (for cron).

    Ctrl-C, SIGTERM or SIGHUP stops it between two mails: it prints what it sent (--json:
    "interrupted": true), then exits 130, 143 or 129; the next run mails the rest.

    Example: blogster newsletter send-due
    """
    from blogster_cli.services import mail_hold, newsletters

    ctx, acting = app_context(), acting_user()
    smtp = newsletters.smtp_settings(ctx, sender_owner=acting.actor.user_id)
    with stops_at_next_step() as stops:
        reports = newsletters.send_due(acting, smtp=smtp, hold=mail_hold.kept(ctx), should_stop=lambda: bool(stops))
    _report(reports, json)
    if stops:  # what went out is recorded: the next run mails the rest
        sent = sum(report.sent for report in reports)
        output.message(f"note: send-due stopped after {plural(sent, 'mail')}; the next run mails the rest")
        end_as(stops[0])  # 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP
    if not reports and not json:  # cron's log still shows the run (--json: the empty list)
        output.message("no newsletter due: nothing sent")


@app.command("unschedule")
def unschedule(
    newsletter_id: str = typer.Argument(..., help="The newsletter's id (or its first characters)."),
    json: bool = JSON_OPTION,
) -> None:
    """Take a scheduled newsletter back to a draft: no due run sends it, and nothing is mailed.

    `newsletter send ID` sends it later (with --at, schedules it again), mailing nobody it already
    reached. One that is not scheduled is left as it is, with a note (exit 0). One a run is sending
    right now (the workers, `send-due`, another `send`) is refused (exit 5): run it again once that
    send ends.

    Example: blogster newsletter unschedule $(blogster newsletter list --format ids --limit 1)
    """
    from blogster_cli.services import newsletters

    done = newsletters.unschedule(acting_user(), ref=newsletter_id)
    shown = done.newsletter
    if json:
        output.print_json({**output.to_plain(shown), "unscheduled": done.was_due_at is not None})
    elif done.was_due_at is not None:
        output.message(
            f"newsletter {shown.id} unscheduled (it was due {output.local_time(done.was_due_at)}): it stays a draft"
            f" and nobody is mailed; `blogster newsletter send {shown.id}` sends it (--at schedules it again)"
        )
    if done.was_due_at is None:
        output.message(f"note: newsletter {shown.id} is not scheduled ({shown.status}): left as it is")


@app.command("rm")
def remove(
    newsletter_id: str = typer.Argument(..., help="The newsletter's id (or its first characters)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Delete a newsletter for good, with its record of whom it mailed and its open and click figures
    (--json: the newsletter as it was).

    The mails it sent stay counted toward your daily sending limit (`newsletter limit`). Its id, how
    many it mailed and when (not to whom) are kept until your account is deleted, so restoring an
    earlier backup does not send it: mailed since that backup, it comes back sent; else, scheduled
    there, it comes back a draft. Asks first on a terminal; elsewhere give --yes. One a run is
    sending right now (the workers, `send-due`, another `send`) is refused (exit 5): run it again
    once that send ends.

    Example: blogster newsletter rm $(blogster newsletter list --format ids --limit 1) --yes
    """
    from blogster_cli.id_prefixes import short
    from blogster_cli.services import newsletters
    from blogster_cli.terminal_text import safe

    acting = acting_user()
    ref = newsletter_id
    if not yes:
        ask.can_ask(instead="use --yes")
        found = newsletters.get(acting, ref=newsletter_id)
        reached = f", sent to {plural(found.recipient_count, 'reader')}" if found.recipient_count else ""
        about = f'"{found.subject_line or ""}", {found.status}{reached}'
        if not ask.yes(safe(f"Delete newsletter {short(found.id)} ({about}) for good?"), instead="use --yes"):
            raise typer.Abort()
        ref = str(found.id)  # the one asked about, whatever the prefix names by now
    removed = newsletters.remove(acting, ref=ref)
    output.print_json(removed) if json else output.message(f"newsletter {removed.id} deleted")


@app.command("limit")
def limit(json: bool = JSON_OPTION) -> None:
    """Your daily sending limit: how many mails your newsletters may send in any 24 hours, how many
    went in the last 24, and at the limit when the next may go.

    An administrator sets it (`blogster admin newsletters set-limit`); an administrator's own
    account has none unless one is set. A send at the limit stops and its readers left stay due.

    Example: blogster newsletter limit --json
    """
    from blogster_cli.services import newsletters

    allowance = newsletters.sending_allowance(acting_user())
    shown = {
        "daily_limit": allowance.daily_limit, "sent_last_24h": allowance.sent, "left": allowance.left,
        "next_at": allowance.frees_at,
    }  # fmt: skip
    if json:
        output.print_json(shown)
    elif allowance.daily_limit is None:
        output.message(f"No daily sending limit; {plural(allowance.sent, 'mail')} sent in the last 24 hours.")
    else:
        at_limit = ""
        if allowance.left == 0:
            at_limit = (
                f"; the next can go at {output.local_time(allowance.frees_at)}"
                if allowance.frees_at is not None
                else "; none can go until an administrator raises it"
            )
        output.message(
            f"Daily sending limit: {plural(allowance.daily_limit, 'mail')} in any 24 hours;"
            f" {allowance.sent} sent in the last 24 hours, {allowance.left} left{at_limit}."
        )


@app.command("stats")
def stats(
    from_log: Path = typer.Option(
        ..., "--from-log", help="Your site's access log (the tracked requests).", click_type=ANY_PATH
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Open and click rates from your site's access log: each mail's invisible image and post links
    carry ?nl=NEWSLETTER&r=READER; importing more logs adds to the figures, a log twice changes nothing.

    Example: blogster newsletter stats --from-log access.log
    """
    from blogster_cli.analytics.logformat import log_lines
    from blogster_cli.services import newsletters

    rows = [
        output.to_plain(r)
        for r in newsletters.record_engagement(acting_user(), log_lines=log_lines(_read_text(from_log)))
    ]
    columns = ["id", "subject_line", "recipient_count", "opened", "clicked", "open_rate", "click_rate"]
    if json:
        output.print_json(rows)
    elif rows:
        tables.print_table(rows, columns)
    else:  # "(none)" read as if no newsletter had figures: only this log added nothing
        output.message(f"{from_log} holds no open or click of your newsletters' readers; their figures are unchanged.")


@app.command("unsubscribe")
def unsubscribe(
    emails: list[str] = typer.Argument(None, help="Addresses to unsubscribe."),
    from_log: Path | None = typer.Option(
        None,
        "--from-log",
        help="An access log: record the unsubscribe links it shows.",
        click_type=ANY_PATH,
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Unsubscribe readers by address, or as your site's access log shows them clicking the link.

    An address not on your subscribers list (a typo) is exit 3, and text that is no address
    exit 2; either way nobody is unsubscribed.

    Example: blogster newsletter unsubscribe reader@example.com
    """
    from blogster_cli.analytics.logformat import log_lines
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import newsletters

    if not emails and from_log is None:
        raise InvalidInput("name addresses, or --from-log ACCESS_LOG")
    acting = acting_user()
    named = newsletters.unsubscribe(acting, emails=emails) if emails else None
    count = named.unsubscribed if named is not None else 0
    if from_log is not None:
        count += newsletters.unsubscribe_from_log(acting, log_lines=log_lines(_read_text(from_log)))
    already = named.already if named is not None else 0
    if json:
        output.print_json({"unsubscribed": count, **({"already_unsubscribed": already} if already else {})})
    else:
        output.message(
            f"{count} unsubscribed" + (f" ({already} already {'was' if already == 1 else 'were'})" if already else "")
        )


@app.command("smtp-password")
def smtp_password(
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    json: bool = JSON_OPTION,
) -> None:
    """Store the SMTP password in the keyring (BLOGSTER_SMTP_PASSWORD overrides it, for cron).

    Example: echo "$SMTP_PASSWORD" | blogster newsletter smtp-password --password-stdin
    """
    from blogster_cli.services import newsletters

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = ask.secret("SMTP password", instead="pipe it in with --password-stdin")
    stored = newsletters.store_smtp_password(app_context(), password=password)
    output.print_json(stored) if json else output.message("SMTP password stored")


@subscribers_app.command("import")
def subscribers_import(
    csv_file: Path = typer.Argument(..., help="A CSV with an email column (and name), or -.", click_type=ANY_PATH),
    json: bool = JSON_OPTION,
) -> None:
    """Add readers from a CSV; ones already listed (even unsubscribed) stay as they are.

    Example: blogster newsletter subscribers import readers.csv
    """
    from blogster_cli.services import newsletters

    report = newsletters.import_subscribers(acting_user(), csv_text=_read_text(csv_file))
    if json:
        output.print_json(report)
    for problem in report.problems:
        output.warning(f"{problem} (left out)")
    if not json:
        output.message(
            f"{report.added} added, {report.already_listed} already listed,"
            f" {plural(report.duplicates, 'duplicate')}, {len(report.problems)} left out"
        )


@subscribers_app.command("list")
def subscribers_list(
    fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION
) -> None:
    """Your subscribers, with whether each is still subscribed.

    Example: blogster newsletter subscribers list --format csv
    """
    from blogster_cli.services import newsletters

    rows = [output.fields(r) for r in newsletters.list_subscribers(acting_user())]
    show_list(rows, ["email", "name", "subscribed", "created_at"], fmt=fmt, json=json, limit=limit, id_key="email")


@subscribers_app.command("rm")
def subscribers_rm(
    email: str = typer.Argument(..., help="The address to remove from your list."), json: bool = JSON_OPTION
) -> None:
    """Remove a reader from your list (to stop mailing someone, `newsletter unsubscribe` keeps the record).

    Example: blogster newsletter subscribers rm old-reader@example.com
    """
    from blogster_cli.services import newsletters

    removed = newsletters.remove_subscriber(acting_user(), email=email)
    output.print_json(removed) if json else output.message(f"{removed.email} removed")
