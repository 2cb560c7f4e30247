"""The command groups of `blogster`, loaded only when used.

`blogster --help` lists every group from this table without importing a single
command module; `blogster auth whoami` imports only cli/auth.py. Each module
defines `app` (a Typer group) or a function of the listed name (a single command),
and takes its one-line help from here, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING

import typer.main
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from blogster_cli.cli.params import plain_metavars
from blogster_cli.suggestions import close_matches

if TYPE_CHECKING:  # typer's own click, whose classes TyperGroup's methods take
    from typer._click.core import Command, Context, Parameter
    from typer._click.formatting import HelpFormatter

# name -> (module, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "quickstart": ("blogster_cli.cli.quickstart", "quickstart", "First run: database, schema, first account, login."),
    "auth": ("blogster_cli.cli.auth", "app", "Sign up, log in and out, and see who you are."),
    "posts": (
        "blogster_cli.cli.blogs",
        "app",
        "Write, list, edit, tag and publish posts (alias: blogs).",
    ),
    "tags": ("blogster_cli.cli.tags", "app", "The tags on your posts, with counts."),
    "tui": ("blogster_cli.cli.tui_cmd", "tui", "The dashboard and writing studio in the terminal."),
    "import": ("blogster_cli.cli.import_cmd", "import_posts", "Import markdown posts or a WordPress export."),
    "export": ("blogster_cli.cli.export_cmd", "export_posts", "Write your posts as Hugo, Jekyll, Zola or Astro files."),
    "sync": ("blogster_cli.cli.sync_cmd", "app", "Keep a markdown folder and your posts in step, both ways."),
    "publish": ("blogster_cli.cli.publish", "publish", "Publish posts now, or schedule them with --at."),
    "unpublish": ("blogster_cli.cli.publish", "unpublish", "Take published or scheduled posts back to draft."),
    "schedule": ("blogster_cli.cli.publish", "schedule_app", "Your scheduled posts."),
    "calendar": (
        "blogster_cli.cli.calendar",
        "app",
        "Plan posts by date; ICS export; due work for cron.",
    ),
    "review": ("blogster_cli.cli.review", "app", "Assign posts to teammates; review, comment, approve."),
    "crosspost": ("blogster_cli.cli.crosspost", "crosspost", "Copy published posts to dev.to, Hashnode, WordPress."),
    "platforms": ("blogster_cli.cli.platforms", "app", "Tokens for cross-posting: list, connect, disconnect."),
    "newsletter": ("blogster_cli.cli.newsletter", "app", "Newsletters of your posts, mailed to your subscribers."),
    "social": ("blogster_cli.cli.social", "app", "Social posts of your posts and your social profiles."),
    "interactive": ("blogster_cli.cli.interactive", "app", "Quizzes, polls, surveys and calculators for your posts."),
    "site": ("blogster_cli.cli.site", "app", "Build your published posts into a static site with feeds."),
    "analytics": ("blogster_cli.cli.analytics", "app", "Count your site's access logs per post and day; reports."),
    "seo": ("blogster_cli.cli.seo", "app", "Keywords and search positions imported from CSV exports."),
    "competitors": ("blogster_cli.cli.competitors", "app", "Competitors' pages imported from SEO-tool exports."),
    "revenue": ("blogster_cli.cli.revenue", "app", "Revenue of your posts from CSV reports, per post and type."),
    "audience": ("blogster_cli.cli.audience", "app", "Reader segments from your access logs."),
    "revisions": ("blogster_cli.cli.revisions", "app", "A post's history: list, diff and restore revisions."),
    "personas": ("blogster_cli.cli.personas", "app", "The audiences you write for: list, create, edit, copy."),
    "templates": ("blogster_cli.cli.templates", "app", "Section layouts posts can start from."),
    "images": ("blogster_cli.cli.images", "app", "Pictures for your posts: add, list, remove."),
    "activity": ("blogster_cli.cli.activity", "activity", "What you did, newest first."),
    "profile": ("blogster_cli.cli.profile", "app", "Show or change your public profile."),
    "account": ("blogster_cli.cli.account", "app", "Export or delete your account and everything in it."),
    "ai": ("blogster_cli.cli.ai", "app", "Set up and check the AI provider; search past generations."),
    "generate": ("blogster_cli.cli.generate", "app", "Write ideas, outlines and drafts with AI (uses credits)."),
    "ideas": ("blogster_cli.cli.ideas", "app", "Blog ideas: list, save, discard, start a post from one."),
    "unblock": ("blogster_cli.cli.unblock", "unblock", "Writer's block: AI suggestions to go on; pick one to append."),
    "voice": ("blogster_cli.cli.voice", "app", "Transcribe voice notes with AI, optionally into a draft."),
    "research": ("blogster_cli.cli.research", "app", "Sources your posts cite (APA and MLA); drafts can use them."),
    "credits": ("blogster_cli.cli.credits", "credits", "Your AI credits and recent generations."),
    "subscription": ("blogster_cli.cli.subscription", "app", "Your plan and its monthly AI credits."),
    "docs": ("blogster_cli.cli.docs", "app", "The help centre: import, edit, publish and search its pages."),
    "chat": ("blogster_cli.cli.chat", "app", "Ask the support bot about Blogster (or: chat ask ...)."),
    "chatbot": ("blogster_cli.cli.chatbot", "app", "The support bot's intents, evaluation and analytics (admins)."),
    "admin": ("blogster_cli.cli.admin", "app", "Administration (administrators only)."),
    "db": ("blogster_cli.cli.database", "app", "Migrate, back up, restore or stop the database."),
    "config": ("blogster_cli.cli.config_cmd", "app", "Read and change settings (per --profile)."),
    "flags": ("blogster_cli.cli.flags", "app", "Feature flags: admins change them, everyone checks them."),
    "notifications": ("blogster_cli.cli.notifications", "app", "Your notifications and how you receive them."),
    "serve-workers": ("blogster_cli.workers.command", "serve_workers", "Run queued jobs until stopped (or --once)."),
    "workers": ("blogster_cli.cli.workers", "app", "The job queue: status, retry a failed job."),
    "doctor": ("blogster_cli.cli.doctor", "doctor", "Check the database, socket permissions and secret storage."),
}

# Other names a group answers to; help lists only the primary one.
ALIASES: dict[str, str] = {"blogs": "posts"}


def command_group(name: str, *, administrative: bool = False) -> typer.Typer:
    """The Typer app for group `name`, with its help from COMMANDS and plain (fast) help output.
    `administrative`: every command of the group works on the administrative login."""
    return typer.Typer(
        help=COMMANDS[name][2], no_args_is_help=True, rich_markup_mode=None, add_completion=False,
        cls=AdministrativeGroup if administrative else TyperGroup,
    )  # fmt: skip


class AdministrativeGroup(TyperGroup):
    """A group whose commands work on the administrative login (`workers`: the queue and every
    account's scheduled work): run from a profile that logs in with an account's own login, or
    on a login that may not do it, each says so as `db status` does (services.database), not
    with the server's bare refusal."""

    def invoke(self, ctx: Context) -> object:
        from blogster_cli.services.database import administrative_work

        with administrative_work(f"{ctx.info_name} {ctx.meta.get(SUBCOMMAND) or ''}".rstrip()):
            return super().invoke(ctx)


GROUPS_NAMED = 3
"""A word that is a subcommand of more groups than this (`list`, `show`) is too common to suggest them."""


def _groups_with(word: str) -> list[str]:
    """`group word` for each command group with a subcommand `word` (`blogster dashboard`: 'analytics
    dashboard'), none when more than GROUPS_NAMED have one. Loads every command (some 0.5 s), on the
    error's path only."""
    found = [f"{name} {word}" for name in COMMANDS if word in getattr(_loaded_command(name), "commands", {})]
    return found if len(found) <= GROUPS_NAMED else []


def help_pointer(words: list[str]) -> str:
    """What `blogster help [WORD...]` says, there being no such command (users type it, as in git):
    where the help is. A command's name points to that command's --help, other words to a search of
    the help centre, one line either way (the usage error's exit code, 2)."""
    import shlex

    topic = [word for word in words if not word.startswith("-")]
    if not topic:
        return "No such command 'help'. The commands and their options: `blogster --help`"
    if topic[0] in COMMANDS or topic[0] in ALIASES:
        return f"No such command 'help'. See `blogster {topic[0]} --help`"
    search = f"blogster docs search {shlex.quote(' '.join(topic))}"
    return f"No such command 'help'. See `blogster --help`, or search the help centre: `{search}`"


@functools.cache
def _loaded_command(cmd_name: str) -> Command:
    """Command `cmd_name` of COMMANDS, imported and built once per process: a command line resolves
    its command more than once (the UTF-8 check of its options, then click), and building one
    through typer reads every parameter's annotations."""
    module_name, attribute, short_help = COMMANDS[cmd_name]
    target = getattr(importlib.import_module(module_name), attribute)
    if isinstance(target, typer.Typer):
        command = typer.main.get_command(target)
    else:
        holder = typer.Typer(rich_markup_mode=None, add_completion=False)
        holder.command(cmd_name, short_help=short_help)(target)
        command = typer.main.get_command(holder)
    command.name = cmd_name
    plain_metavars(command)
    return command


SUBCOMMAND = "blogster.subcommand"
"""The key in click's `ctx.meta` of the word after the command (`logout` in `auth logout`), or None:
set when the command is resolved, before the root's callback runs (which chooses by both words)."""


class LazyGroup(TyperGroup):
    """A root group whose subcommands are imported on first use."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        cmd_name = ALIASES.get(cmd_name, cmd_name)
        return _loaded_command(cmd_name) if cmd_name in COMMANDS else None

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Command | None, list[str]]:
        """As typer resolves a subcommand, with its "Did you mean" for a typo (`blogster post list`):
        typer draws the suggestions from the commands already loaded, which here are none. Closer
        than typer's cutoff (0.6): among fifty commands that one offered 'crosspost' and 'import'
        for 'post' too. Closest first, equally close ones in alphabetical order (suggestions.py); before
        them a group's subcommand of that name (`blogster dashboard`: 'analytics dashboard')."""
        try:
            name, command, rest = super().resolve_command(ctx, args)
        except UsageError as error:
            typo = args[0] if args else ""
            if typo == "help":
                error.message = help_pointer(args[1:])
                raise
            names = [*COMMANDS, *ALIASES]
            matches = (
                []
                if not typo or typo.startswith("-")
                else [*_groups_with(typo), *close_matches(typo, names, cutoff=0.7)]
            )
            if matches:
                error.message = f"{error.message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise
        ctx.meta[SUBCOMMAND] = rest[0] if rest else None
        return name, command, rest

    def get_params(self, ctx: Context) -> list[Parameter]:
        plain_metavars(self)  # the group's own options, as each command's when it is loaded
        params: list[Parameter] = super().get_params(ctx)
        return params

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = [(name, short_help) for name, (_, _, short_help) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
