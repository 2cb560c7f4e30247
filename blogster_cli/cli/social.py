"""blogster social list | show | new | edit | schedule | rm | post-due, and social profiles list | connect | disconnect."""

from __future__ import annotations

import sys

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context

app = command_group("social")
profiles_app = typer.Typer(
    help="Your social media accounts: list, connect, disconnect.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(profiles_app, name="profiles")
HASHTAG_OPTION = typer.Option(None, "--hashtag", help="A hashtag (repeat for several).")
POST_COLUMNS = [
    "id", "slug", "platform", "handle", "status", "scheduled_time", "error", "content", "hashtags", "link", "length",
    "limit", "platform_post_id",
]  # fmt: skip
"""Every field of a social post, in the table and CSV as in --json. `error` is the first text column,
so a narrow terminal keeps it over the content when some post has one (tables._give_way_order)."""


def _base_domain() -> str:
    """The platform's domain: a site with no address of its own is a subdomain of it (the posts' links)."""
    return app_context().settings.site_base_domain


def _show(post: object, json: bool, verb: str) -> None:
    if json:
        output.print_json(post)
    else:
        plain = output.to_plain(post)
        output.message(f"{verb} {plain['id']} ({plain['platform']}, {plain['length']}/{plain['limit']} characters)")


@app.command("list")
def list_posts(
    blog: str | None = typer.Argument(None, help="Only this post's (slug or id)."),
    fmt: str | None = FORMAT_OPTION,
    limit: int | None = LIMIT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Social posts of your blog posts, newest first, with their length against the platform's limit.

    A post that could not go out says why under error (a refusal: status failed; no token for
    its profile where it was tried: still scheduled), until it is posted.

    Example: blogster social list ten-terminal-habits
    """
    from blogster_cli.services import social

    rows = [
        output.fields(p) for p in social.list_posts(acting_user(), ref=blog, base_domain=_base_domain())
    ]  # times local in table and CSV
    show_list(rows, POST_COLUMNS, fmt=fmt, json=json, limit=limit)


@app.command("show")
def show(
    post_id: str = typer.Argument(..., help="The social post's id (or its first characters)."),
    json: bool = JSON_OPTION,
) -> None:
    """Show one social post: its text, when it is scheduled and, if it failed, why.

    Example: blogster social show $(blogster social list --format ids --limit 1)
    """
    from blogster_cli.services import social

    post = social.show_post(acting_user(), ref=post_id, base_domain=_base_domain())
    output.print_json(post) if json else output.print_record(post)


@app.command("new")
def new(
    blog: str = typer.Argument(..., help="The blog post it promotes (slug or id)."),
    platform: str = typer.Option(
        ..., "--platform", help="twitter, linkedin, facebook, instagram, tiktok, pinterest, youtube."
    ),
    text: str = typer.Option(..., "--text", help="The post's text."),
    hashtags: list[str] = HASHTAG_OPTION,
    handle: str | None = typer.Option(None, "--handle", help="Which of your profiles on the platform."),
    json: bool = JSON_OPTION,
) -> None:
    """Write a social post draft by hand (checked against the platform's length limit).

    The blog post's address goes out after the text (unless the text has it), and counts toward
    the limit as the platform counts it (any link is 23 characters on X).

    Example: blogster social new ten-terminal-habits --platform twitter --text "Ten habits for a faster shell" --hashtag shell
    """
    from blogster_cli.services import social

    made = social.create_post(
        acting_user(),
        ref=blog,
        platform=platform,
        content=text,
        hashtags=hashtags or [],
        handle=handle,
        base_domain=_base_domain(),
    )
    _show(made, json, "created")


@app.command("edit")
def edit(
    post_id: str = typer.Argument(..., help="The social post's id (or its first characters)."),
    text: str | None = typer.Option(None, "--text", help="The new text."),
    hashtags: list[str] = HASHTAG_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Change a draft's text or hashtags (--hashtag replaces them all); the limit is checked again.

    Example: blogster social edit $(blogster social list --format ids --limit 1) --text "Shell habits that stick"
    """
    from blogster_cli.services import social

    changed = social.edit_post(
        acting_user(), ref=post_id, base_domain=_base_domain(), content=text, hashtags=hashtags or None
    )
    _show(changed, json, "saved")


@app.command("schedule")
def schedule(
    post_id: str = typer.Argument(..., help="The social post's id (or its first characters)."),
    at: str | None = typer.Option(
        None, "--at", help="'YYYY-MM-DD HH:MM' in your timezone (or with an offset: +01:00), 1970 to 9999."
    ),
    clear: bool = typer.Option(False, "--clear", help="Back to a draft."),
    json: bool = JSON_OPTION,
) -> None:
    """Schedule a social post, or take it back to a draft with --clear.

    Only X (twitter) and LinkedIn posts are scheduled: they are what `social post-due` and the
    workers post; a post for another platform is refused (exit 2): post it there by hand. So is a
    post whose blog post is not live by then (published, or scheduled to go live no later), as
    its link would lead nowhere.

    Example: blogster social schedule $(blogster social list --format ids --limit 1) --at "2099-01-04 09:00"
    """
    from blogster_cli.errors import InvalidInput
    from blogster_cli.planning.times import parse_at
    from blogster_cli.services import social

    if (at is None) == (not clear):
        raise InvalidInput("give --at TIME or --clear")
    when = parse_at(at, timezone=app_context().tzinfo) if at is not None else None
    scheduled = social.schedule_post(
        acting_user(), ref=post_id, at=when.moment if when else None, base_domain=_base_domain()
    )
    _show(scheduled, json, "scheduled" if when else "unscheduled")
    if when and when.note:
        output.message(f"note: {when.note}")


@app.command("rm")
def rm(
    post_id: str = typer.Argument(..., help="The social post's id (or its first characters)."),
    json: bool = JSON_OPTION,
) -> None:
    """Remove a social post (--json: the post as it was). One already posted stays on its platform, and
    its remote id (not its text) is kept until your account is deleted, so restoring an earlier backup
    does not post it again; one not posted yet is kept as removed (its id), so such a restore brings it
    back as a draft, not scheduled.

    Example: blogster social rm $(blogster social list --format ids --limit 1)
    """
    from blogster_cli.services import social

    removed = social.remove_post(acting_user(), ref=post_id, base_domain=_base_domain())
    output.print_json(removed) if json else output.message("removed")


@profiles_app.command("list")
def profiles_list(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Your social media profiles and whether a token is stored (never the token).

    Example: blogster social profiles list
    """
    from blogster_cli.services import social

    rows = [output.to_plain(p) for p in social.list_profiles(acting_user(), credentials=app_context().credentials)]
    show_list(rows, ["platform", "handle", "connected", "token"], fmt=fmt, json=json, limit=limit)


@profiles_app.command("connect")
def profiles_connect(
    platform: str = typer.Argument(..., help="twitter, linkedin, facebook, instagram, tiktok, pinterest, youtube."),
    handle: str = typer.Option(
        ...,
        "--handle",
        help="Which account: your user name there; for LinkedIn your member id, which posts go out as"
        " (urn:li:person:ID): the `sub` https://api.linkedin.com/v2/userinfo answers for your token.",
    ),
    token_stdin: bool = typer.Option(False, "--token-stdin", help="Read the access token from standard input."),
    json: bool = JSON_OPTION,
) -> None:
    """Connect a profile: the access token goes to the keyring, the database keeps only a reference.

    LinkedIn posts go out as urn:li:person:HANDLE, so its --handle is your member id (letters,
    digits, '-' and '_', such as 782bbtaQ), not your name or profile address: find it with
    curl -H "Authorization: Bearer $LINKEDIN_TOKEN" https://api.linkedin.com/v2/userinfo (its `sub`).

    Example: echo "$LINKEDIN_TOKEN" | blogster social profiles connect linkedin --handle 782bbtaQ --token-stdin
    """
    from blogster_cli.services import social

    token = (
        sys.stdin.readline().strip()
        if token_stdin
        else ask.secret("Access token", instead="pipe it in with --token-stdin")
    )
    credentials = app_context().credentials
    made = social.connect_profile(acting_user(), credentials=credentials, platform=platform, handle=handle, token=token)
    output.print_json(made) if json else output.message(f"{made.platform} profile {made.handle} connected")


@profiles_app.command("disconnect")
def profiles_disconnect(
    platform: str = typer.Argument(..., help="The platform."),
    handle: str | None = typer.Option(None, "--handle", help="Which profile (default: the first)."),
    json: bool = JSON_OPTION,
) -> None:
    """Forget a profile's token (the profile and its posts stay).

    Example: blogster social profiles disconnect linkedin
    """
    from blogster_cli.services import social

    made = social.disconnect_profile(
        acting_user(), credentials=app_context().credentials, platform=platform, handle=handle
    )
    if json:
        output.print_json(made)
    elif not made.token_left_alone:
        output.message(f"{made.platform} profile disconnected")
    if made.token_left_alone:
        output.warning(
            f"{made.platform} profile disconnected; its token reference named no keyring entry"
            " `social profiles connect` made for this account, so none was deleted"
        )


@app.command("post-due")
def post_due(json: bool = JSON_OPTION) -> None:
    """Post your scheduled social posts whose time has come (X and LinkedIn), for cron; the workers do it each minute.

    Each post is sent once, with its id as the Idempotency-Key; a post another run is sending
    is skipped. A post waits (stays scheduled; exit 1) while its blog post is scheduled but not
    live yet, and fails if that post went back to draft. Tokens: the profile's keyring entry
    (`social profiles connect`), or BLOGSTER_TWITTER_TOKEN / BLOGSTER_LINKEDIN_TOKEN. URLs:
    twitter_url, linkedin_url.

    Example: blogster social post-due --json
    """
    from blogster_cli.services import social_posting

    acting = acting_user()
    access = social_posting.social_access(app_context(), token_owner=acting.actor.user_id)
    outcomes = social_posting.post_due(acting, access=access)
    if json:
        output.print_json(outcomes)
    for outcome in outcomes:
        if outcome.error:
            output.error(f"{outcome.platform} post {outcome.id}: {outcome.error}")
        elif not json:
            output.message(f"{outcome.platform}: posted {outcome.url or outcome.platform_post_id}")
    if any(o.error for o in outcomes):
        raise typer.Exit(1)
