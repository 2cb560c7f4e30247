"""The error hierarchy every layer raises; the CLI maps each class to one exit code.

Messages are one line, written for the person at the terminal, and never carry
another user's data (a row hidden by RLS reads exactly like a missing one).
"""


class BlogsterError(Exception):
    """Base class: a clean, expected failure. `exit_code` is what the CLI returns."""

    exit_code = 1


class InvalidInput(BlogsterError):
    """The user gave something we cannot accept (bad value, bad file)."""

    exit_code = 2


class NotFound(BlogsterError):
    """The thing does not exist, or the acting user may not see it."""

    exit_code = 3


class PermissionDenied(BlogsterError):
    """The acting user may see the thing but not do this to it."""

    exit_code = 4


class Conflict(BlogsterError):
    """The change clashes with existing data (a taken name, a concurrent edit)."""

    exit_code = 5


class ConfigError(BlogsterError):
    """Configuration or environment is wrong (bad URL, unsupported server)."""

    exit_code = 6


class DatabaseUnavailable(BlogsterError):
    """The database server cannot be reached or started."""

    exit_code = 7


class AuthError(BlogsterError):
    """Not logged in, wrong password, banned, or an expired session."""

    exit_code = 1


EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "error (including failed login or expired session)",
    2: "usage error or invalid input",
    3: "not found (or not visible to you)",
    4: "permission denied",
    5: "conflict with existing data",
    6: "configuration error",
    7: "database unavailable",
    130: "interrupted",
}
