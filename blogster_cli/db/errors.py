"""Driver errors translated once, at the edge, into Blogster's error hierarchy.

Only the primary message is used: PostgreSQL's DETAIL line can quote another
user's row (a duplicate key's value), so it never reaches the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from blogster_cli.errors import (
    BlogsterError,
    ConfigError,
    Conflict,
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    NotSetUp,
    PermissionDenied,
    RateLimited,
)

if TYPE_CHECKING:
    from psycopg.errors import Diagnostic

P = ParamSpec("P")
R = TypeVar("R")

# SQLSTATE class or code -> (error class, message used when the server's is not for users)
_BY_SQLSTATE: dict[str, tuple[type[BlogsterError], str | None]] = {
    "42501": (PermissionDenied, "permission denied"),
    "23505": (Conflict, None),
    "23503": (NotFound, "it refers to something that does not exist or is not yours"),
    "23514": (InvalidInput, None),
    "P0002": (NotFound, None),
    "23502": (InvalidInput, None),
    "22": (InvalidInput, None),
    "57014": (
        BlogsterError,
        "the database took too long to answer, so the command was stopped; try again, or allow it more time:"
        " `blogster config set statement_timeout_ms MS`",
    ),
    "55P03": (Conflict, None),  # a row's (_row_locked) or a table's (_TABLE_LOCKED)
    "40001": (Conflict, "another command changed the same thing at the same moment; nothing was changed: try again"),
    "40P01": (Conflict, "another command changed the same thing at the same moment; nothing was changed: try again"),
    "08": (DatabaseUnavailable, None),
    "57P": (DatabaseUnavailable, None),
    "28": (ConfigError, None),  # the login refused (28P01 wrong password, 28000): settings, not the server
}

# The server ended the session under a running command (57P01 shut down or the session terminated
# by an administrator, 57P02 crash, 57P05 idle session timeout, 25P03 idle-in-transaction timeout,
# 25P04 transaction timeout): said as a connection lost without a SQLSTATE is.
_SESSION_ENDED = ("57P01", "57P02", "57P05", "25P03", "25P04")
_LOST = "lost the database connection: "

_CONSTRAINT_MESSAGES = {
    "profiles_username_key": "that username is taken",
    "profiles_username_format": "a username is 3-40 letters, digits, '.', '_' or '-', starting with a letter or digit",
    "profiles_website_url": "the website must be an http:// or https:// URL",
    "profiles_avatar_url": "the avatar must be an http:// or https:// URL",
    "users_email_key": "an account with that email already exists",
    "users_email_format": "that is not an email address",
    "subdomain_settings_subdomain_key": "that subdomain is taken",
    "subdomain_settings_subdomain_format": "a subdomain is 3-63 lowercase letters, digits or '-', and not reserved",
    "subdomain_settings_custom_domain_key": "that custom domain is already in use",
    "subdomain_settings_custom_domain_format": "that is not a valid domain name",
    "blogs_author_slug_key": "you already have a post with that slug",
    "blogs_slug_format": "that slug cannot be used in a URL",
    "blogs_title_length": "a title has 1 to 500 characters",
    "blogs_content_size": "a post (its stored body and front matter) holds at most 4 MiB",  # rules.POST_TOO_LARGE
    "blogs_scheduled_has_time": "a scheduled post needs a time: use `blogster publish SLUG --at 'YYYY-MM-DD HH:MM'`",
    # 0206: a database trigger's, raised as this constraint (its clock plus five minutes of skew).
    "blogs_published_not_ahead": (
        "a published post is not dated in the future: schedule it with `blogster publish SLUG --at"
        " 'YYYY-MM-DD HH:MM'` (if its date is now, this computer's clock runs ahead of the database's)"
    ),
    "blog_tags_name_format": (
        "a tag has 1 to 64 characters, no control, invisible, direction-changing or private-use characters,"
        " and is in its compatibility form (NFKC: no fullwidth letters, ligatures or the like)"
    ),
    "personas_owner_name_key": "you already have a persona with that name",
    "personas_name_length": "a persona's name has 1 to 200 characters",
    "feature_flags_name_format": "a flag name is 1-100 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit",
    "feature_flags_rollout_percentage": "a rollout percentage is 0 to 100",
    "keyword_research_keyword_length": "a keyword has 1 to 500 characters",
    "maintenance_schedules_title_length": "a maintenance title has 1 to 200 characters",
    "maintenance_schedules_window": "a maintenance window ends after it starts",
    "blog_ideas_title_length": "an idea's title has 1 to 500 characters",
    "blog_templates_name_length": "a template's name has 1 to 200 characters",
    "blog_templates_name_format": (
        "a template's name holds no control, invisible, direction-changing or private-use character and only"
        " single spaces, is composed (NFC), and is not shaped like an id"
    ),
    "documentation_pages_title_length": "a page title has 1 to 300 characters",
    # Slugs are one namespace for the whole site: the message names no page and nobody.
    "documentation_pages_slug_key": "a documentation page with that slug already exists: pick another slug",
    "documentation_pages_slug_format": "a page slug is lower-case words and digits joined by '-', in folders joined by '/'",
    "documentation_categories_slug_format": "a category slug is lower-case words and digits joined by '-'",
    # 0188: the HTML and text of about 8 posts at their 4 MiB limit, past what mail servers take anyway.
    "email_newsletters_content_size": (
        "a newsletter (its posts' HTML and text) holds at most 64 MiB: make it from fewer posts"
    ),
    "newsletter_subscribers_email_shape": "that is not an email address",
    "newsletter_subscribers_name_length": "a subscriber's name has at most 200 characters",
    "chatbot_conversations_feedback_length": "feedback has at most 5,000 characters",
    # A cross-post's canonical URL is the post's address on its site (0186): the site's `url` and
    # `permalink` settings make it (a platform's own ids and URLs are checked before they are stored).
    "platform_republishing_canonical_url_length": (
        "a post's address on its site (a cross-post's canonical URL) has at most 8,192 characters:"
        " shorten the site's url or permalink setting"
    ),
}


# A lock wait that timed out (55P03) was for a row when PostgreSQL says so (CONTEXT "while
# locking tuple ... in relation", or NOWAIT's "could not obtain lock on row"); else for a whole
# table that another session is using (DDL such as creating partitions waits for every reader).
# Said in a writer's words: what is busy (the relation PostgreSQL names, as a thing of theirs), and
# what to do; never "row", "session" or "table".
_TABLE_LOCKED = (
    "another command is using the same records right now, and this command needs them to itself for a"
    " moment; try again shortly"
)
_WAITED_FOR_A_ROW = re.compile(r"^while .*\btuple\b", re.MULTILINE)
_RELATION = re.compile(r'\bin relation "([^"]+)"')
_PARTITION = re.compile(r"_(p\d{6}|default)$")  # a partition's name: its table's, then its month

# What a table's row is to the person at the terminal (the relation a lock wait or a violation names).
_THINGS = {
    "blogs": "this post",
    "blog_revisions": "this post",
    "blogs_to_tags": "this post's tags",
    "blog_tags": "this tag",
    "blog_ideas": "this idea",
    "blog_templates": "this template",
    "personas": "this persona",
    "content_calendar": "this calendar entry",
    "social_media_posts": "this social post",
    "social_media_profiles": "this social profile",
    "platform_republishing": "this cross-post",
    "email_newsletters": "this newsletter",
    "newsletter_deliveries": "this newsletter",
    "newsletter_subscribers": "this subscriber",
    "documentation_pages": "this documentation page",
    "documentation_categories": "this documentation category",
    "feature_flags": "this feature flag",
    "maintenance_schedules": "this maintenance window",
    "team_collaboration": "this review assignment",
    "chatbot_conversations": "this chat",
    "chatbot_messages": "this chat",
    "chatbot_intents": "this chatbot intent",
    "user_notifications": "this notification",
    "user_notification_preferences": "your notification settings",
    "user_subscriptions": "your AI credits",
    "subdomain_settings": "your site's settings",
    "profiles": "this profile",
    "users": "this account",
    "image_assets": "this image",
    "interactive_content": "this interactive widget",
    "research_sources": "this research source",
    "voice_recordings": "this recording",
    "writers_block_sessions": "these suggestions",
    "sync_folders": "this sync folder",
    "sync_files": "this synced file",
    "keyword_research": "this keyword",
}
# Rows that a send holds locked while it talks to the platform or the mail server (a guard).
_SENT = {"social_media_posts", "platform_republishing", "email_newsletters", "newsletter_deliveries"}
# Rows that a draft holds locked while the AI provider writes it (`generate batch`, `generate draft
# --idea`: a guard), which may take minutes: the lock wait names that run.
_DRAFTED = {"blog_ideas": "this idea is being drafted by a running `blogster generate` (or changed by another command)"}

# PostgreSQL's own words for class 22 errors Blogster's SQL does not raise itself (its RAISEs say
# what is wrong in their own message): a type's name, "input syntax", an escape sequence.
_DATA_MESSAGES = {
    "22001": "a value is too long to be stored; shorten it and try again",
    "22003": "a number is too large or too small to be stored",
    "22007": "a date or time is not in a form the database understands",
    "22008": "a date or time is out of range",
    "22021": "the text holds bytes that are not valid text (UTF-8); fix the text and try again",
    "22P02": "a value is not in the expected form (an id, a number, a date or a yes/no)",
    "22P05": "the text holds a character the database cannot store (a NUL character, \\u0000); remove it and try again",
}

# Errors a database function raises on purpose, told apart by the function that raised them
# (SQLSTATE, function name in the error's CONTEXT): the code alone is shared with PostgreSQL's own.
_RAISED_BY = {("54000", "check_chatbot_message"): RateLimited}

# The server's NOTIFY queue full (54000, raised as a transaction that notifies commits: its C function
# names it in any server language): procrastinate's job-insert trigger notifies, so nothing that queues
# a job commits until the session holding the queue back ends (`serve-workers` ends an account's, 0195).
NOTIFY_QUEUE_FULL = (
    "the database server's notification queue is full (another session is holding it back), so nothing was"
    " changed (a job, or a synced folder's wake-up, could not be queued): try again in a minute; if it stays"
    " full, tell the administrator"
)

# A schema, function, table, column or type Blogster's own SQL names and the database lacks: the
# schema is older than this Blogster (a new release run before `db migrate`: commands are refused
# before they run any, db/schema_version.py, so this is for the connections not checked), or a
# database never set up (no `auth` schema: `auth signup` before `quickstart`), never something typed.
_UNDEFINED = ("3F000", "42883", "42P01", "42703", "42704")


def _first_line(exc: Exception) -> str:
    """The error's first line; its kind when it has no text (psycopg_pool's PoolTimeout() after its
    connection checks kept failing, which the worker's runner reads when the queue's pool gives up)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def translate(exc: Exception) -> BlogsterError | None:
    """The BlogsterError for a psycopg error, or None if it is not a database error."""
    import psycopg

    if isinstance(exc, psycopg.OperationalError) and not getattr(exc, "sqlstate", None):
        return DatabaseUnavailable(_LOST + _first_line(exc))
    if not isinstance(exc, psycopg.Error):
        return None
    sqlstate = exc.sqlstate or ""
    diag = exc.diag
    constraint = diag.constraint_name if diag else None
    primary = (diag.message_primary if diag else None) or _first_line(exc)
    context = (diag.context if diag else None) or ""
    if sqlstate in _SESSION_ENDED:
        return DatabaseUnavailable(_LOST + primary)
    if sqlstate in _UNDEFINED:  # the name it lacks is the schema's, not the user's: --debug's traceback has it
        from blogster_cli.db.schema_version import NOT_SET_UP, OLDER_SCHEMA

        return NotSetUp(NOT_SET_UP) if sqlstate == "3F000" else ConfigError(OLDER_SCHEMA)
    if sqlstate == "55P03":
        if not _WAITED_FOR_A_ROW.search(context) and " row " not in primary:
            return Conflict(_TABLE_LOCKED)
        return Conflict(_row_locked(_RELATION.search(context) or _RELATION.search(primary)))
    if sqlstate == "54000" and diag and diag.source_function == "PreCommit_Notify":
        return RateLimited(NOTIFY_QUEUE_FULL)
    for (code, function), kind in _RAISED_BY.items():
        if sqlstate == code and re.search(rf"\bfunction (\w+\.)?{function}\(", context):
            return kind(primary)
    for prefix_len in (5, 3, 2):
        entry = _BY_SQLSTATE.get(sqlstate[:prefix_len])
        if entry:
            error_class, fixed_message = entry
            message = _CONSTRAINT_MESSAGES.get(constraint or "") or fixed_message or _raised(diag)
            return error_class(message or _plain(sqlstate, diag) or primary)
    return BlogsterError(primary)


def _raised(diag: Diagnostic | None) -> str | None:
    """The message of an error Blogster's SQL raised on purpose (a database function's RAISE: its
    words are written for users), else None: PostgreSQL's own, to be said in plainer words."""
    return diag.message_primary if diag and diag.source_function == "exec_stmt_raise" else None


def _thing(relation: str | None) -> str | None:
    """'this post' for blogs (or its partitions), None for a table without a name for users."""
    return _THINGS.get(_PARTITION.sub("", relation)) if relation else None


def _row_locked(relation: re.Match[str] | None) -> str:
    """What another command holds (the relation the lock wait names), in a writer's words."""
    name = _PARTITION.sub("", relation.group(1)) if relation else ""
    thing = _thing(name)
    if thing is None:
        return "what you are changing is in use by another command right now; try again in a moment"
    if name in _DRAFTED:
        return f"{_DRAFTED[name]}; try again when it is done"
    verb = "is being sent or changed" if name in _SENT else "is being changed"
    if thing.startswith(("these ", "your ")) or thing.endswith(("tags", "settings", "credits")):
        verb = verb.replace("is ", "are ", 1)
    return f"{thing} {verb} by another command right now; try again in a moment"


def _plain(sqlstate: str, diag: Diagnostic | None) -> str | None:
    """A writer's words for a violation PostgreSQL reports in its own (a constraint or column with
    no message of ours, a value of the wrong type): what was refused, and that nothing was saved."""
    table = diag.table_name if diag else None
    thing = _thing(table) or ""
    noun = thing.removeprefix("this ") if thing.startswith("this ") and "'" not in thing else None
    if sqlstate == "23505":
        return f"that would duplicate an existing {noun or 'entry'}; nothing was saved"
    if sqlstate in ("23514", "23502"):
        constraint = (diag.constraint_name if diag else None) or ""
        column = (diag.column_name if diag else None) or constraint.removeprefix(f"{table}_")
        words = " ".join(part for part in column.split("_") if part)
        what = f"the {noun}'s {words}" if noun and words else words or "a value"
        if sqlstate == "23502":
            return f"{what} is missing; nothing was saved"
        return f"{what} is out of range or not in the expected form; nothing was saved"
    return _DATA_MESSAGES.get(sqlstate)


@contextmanager
def translated_errors() -> Iterator[None]:
    """Re-raises psycopg errors (also when SQLAlchemy wrapped them) as BlogsterError subclasses."""
    try:
        yield
    except Exception as exc:
        raise_translated(exc)
        raise


def raise_translated(exc: Exception) -> None:
    """Raises `exc`'s BlogsterError from it when it is a database error (also when SQLAlchemy
    wrapped it: its DBAPIError keeps the driver's error in `orig`); returns otherwise."""
    error = translate(getattr(exc, "orig", None) or exc)
    if error is not None:
        raise error from exc


def translating(func: Callable[P, R]) -> Callable[P, R]:
    """`func` with translated_errors() around it: for db/ functions services call directly."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translated_errors():
            return func(*args, **kwargs)

    return wrapper
