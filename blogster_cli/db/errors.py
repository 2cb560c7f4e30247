"""Driver errors translated once, at the edge, into Blogster's error hierarchy.

Only the primary message is used: PostgreSQL's DETAIL line can quote another
user's row (a duplicate key's value), so it never reaches the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from blogster_cli.errors import (
    BlogsterError,
    ConfigError,
    Conflict,
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
)

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
    "57014": (BlogsterError, "the statement took too long and was cancelled"),
    "55P03": (Conflict, "the row is locked by another session; try again"),  # a table's: _TABLE_LOCKED
    "40001": (Conflict, "a concurrent change got there first; try again"),
    "40P01": (Conflict, "a concurrent change got there first; try again"),
    "08": (DatabaseUnavailable, None),
    "57P": (DatabaseUnavailable, None),
    "28": (ConfigError, None),  # the login refused (28P01 wrong password, 28000): settings, not the server
}

# The server ended the session under a running command (57P01 shut down or the session terminated
# by an administrator, 57P02 crash, 57P05 idle session timeout): said as a connection lost
# without a SQLSTATE is.
_SESSION_ENDED = ("57P01", "57P02", "57P05")
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
    "blog_tags_name_format": "a tag has 1 to 64 characters and no control characters",
    "personas_owner_name_key": "you already have a persona with that name",
    "personas_name_length": "a persona's name has 1 to 200 characters",
    "feature_flags_name_format": "a flag name is 1-100 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit",
    "feature_flags_rollout_percentage": "a rollout percentage is 0 to 100",
    "keyword_research_keyword_length": "a keyword has 1 to 500 characters",
    "maintenance_schedules_title_length": "a maintenance title has 1 to 200 characters",
    "maintenance_schedules_window": "a maintenance window ends after it starts",
    "blog_ideas_title_length": "an idea's title has 1 to 500 characters",
    "blog_templates_name_length": "a template's name has 1 to 200 characters",
    "documentation_pages_title_length": "a page title has 1 to 300 characters",
    # Slugs are one namespace for the whole site: the message names no page and nobody.
    "documentation_pages_slug_key": "a documentation page with that slug already exists: pick another slug",
    "documentation_pages_slug_format": "a page slug is lower-case words and digits joined by '-', in folders joined by '/'",
    "documentation_categories_slug_format": "a category slug is lower-case words and digits joined by '-'",
    "newsletter_subscribers_email_shape": "that is not an email address",
    "newsletter_subscribers_name_length": "a subscriber's name has at most 200 characters",
    "chatbot_conversations_feedback_length": "feedback has at most 5,000 characters",
}


# A lock wait that timed out (55P03) was for a row when PostgreSQL says so (CONTEXT "while
# locking tuple ... in relation", or NOWAIT's "could not obtain lock on row"); else for a whole
# table that another session is using (DDL such as creating partitions waits for every reader).
_TABLE_LOCKED = "another session is using the table; try again later"
_WAITED_FOR_A_ROW = re.compile(r"^while .*\btuple\b", re.MULTILINE)

# Errors a database function raises on purpose, told apart by the function that raised them
# (SQLSTATE, function name in the error's CONTEXT): the code alone is shared with PostgreSQL's own.
_RAISED_BY = {("54000", "check_chatbot_message"): RateLimited}

# A schema, function, table, column or type Blogster's own SQL names and the database lacks: the
# schema is older than this Blogster (a new release run before `db migrate`, or a database never
# migrated: `auth signup` before `quickstart`), never something typed.
_UNDEFINED = ("3F000", "42883", "42P01", "42703", "42704")


def translate(exc: Exception) -> BlogsterError | None:
    """The BlogsterError for a psycopg error, or None if it is not a database error."""
    import psycopg

    if isinstance(exc, psycopg.OperationalError) and not getattr(exc, "sqlstate", None):
        return DatabaseUnavailable(_LOST + str(exc).strip().splitlines()[0])
    if not isinstance(exc, psycopg.Error):
        return None
    sqlstate = exc.sqlstate or ""
    diag = exc.diag
    constraint = diag.constraint_name if diag else None
    primary = (diag.message_primary if diag else None) or str(exc).strip().splitlines()[0]
    context = (diag.context if diag else None) or ""
    if sqlstate in _SESSION_ENDED:
        return DatabaseUnavailable(_LOST + primary)
    if sqlstate in _UNDEFINED:
        return ConfigError(f"the database is older than this Blogster ({primary}): run `blogster db migrate`")
    if sqlstate == "55P03" and not _WAITED_FOR_A_ROW.search(context) and " row " not in primary:
        return Conflict(_TABLE_LOCKED)
    for (code, function), kind in _RAISED_BY.items():
        if sqlstate == code and re.search(rf"\bfunction (\w+\.)?{function}\(", context):
            return kind(primary)
    for prefix_len in (5, 3, 2):
        entry = _BY_SQLSTATE.get(sqlstate[:prefix_len])
        if entry:
            error_class, fixed_message = entry
            message = _CONSTRAINT_MESSAGES.get(constraint or "") or fixed_message or primary
            return error_class(message)
    return BlogsterError(primary)


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
