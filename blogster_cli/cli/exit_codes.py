"""Exit codes: the CLI's contract with scripts, and the one place errors map to them.

Core errors (blogster_cli/errors.py) say what went wrong; this module says which
number a script sees for each kind. README's exit-code table is tested against
MEANINGS, so the two cannot drift apart.
"""

from __future__ import annotations

from blogster_cli.errors import (
    AuthError,
    BlogsterError,
    ConfigError,
    Conflict,
    DatabaseUnavailable,
    FileSystemError,
    Interrupted,
    InvalidInput,
    NotFound,
    NoWorker,
    PermissionDenied,
    RateLimited,
)

SUCCESS = 0
ERROR = 1
USAGE = 2
NOT_FOUND = 3
PERMISSION_DENIED = 4
CONFLICT = 5
CONFIGURATION = 6
DATABASE_UNAVAILABLE = 7
FILE_SYSTEM = 8
RATE_LIMITED = 9
NO_WORKER = 10
HANGUP = 129
INTERRUPTED = 130
TERMINATED = 143

MEANINGS: dict[int, str] = {
    SUCCESS: "success",
    ERROR: "error, including a failed login, a ban or an expired session",
    USAGE: "usage error or invalid input (a bad value, a missing file you named)",
    NOT_FOUND: "not found (or not visible to you: the two read the same)",
    PERMISSION_DENIED: "permission denied",
    CONFLICT: "conflict with existing data (a taken name, a concurrent edit, an existing file a backup or"
    " export would overwrite without `--force`, a file and its post both changed since the last `sync`, a"
    " linked folder found without the files its last `sync` saw),"
    " another `db migrate` still running after 60 s, a migration kept waiting by locks other sessions hold"
    " (5 s a try, 4 tries; the message names them), or a `db restore` kept waiting 60 s for a lock another"
    " session holds",
    CONFIGURATION: (
        "configuration error (a bad stored setting; the database refusing the URL's login, a"
        " connection option it cannot use, or no such database; an account's own login (`--login"
        " u_...`) where it has none: on the embedded server, or one `auth signup` or `quickstart`"
        " made; an unsupported server version;"
        " no Blogster database yet: `blogster quickstart`; a database older than this Blogster:"
        " `blogster db migrate`)"
    ),
    DATABASE_UNAVAILABLE: "database unavailable (not reachable, or no answer within the timeout)",
    FILE_SYSTEM: "a file or folder could not be read or written (permissions, disk full)",
    RATE_LIMITED: "rate limited: too many requests in a short time (at most 20 chatbot messages a minute),"
    " or the database server's notification queue full (a job could not be queued); try again shortly",
    NO_WORKER: "no worker answered: none is running (`blogster serve-workers`) or none replied within"
    " `--wait`; the message is kept and answered once one runs",
    HANGUP: "hangup (SIGHUP: the terminal closed): stopped as Ctrl-C stops it, what it held (an AI credit) released",
    INTERRUPTED: "interrupted",
    TERMINATED: "terminated (SIGTERM): stopped as Ctrl-C stops it, what it held (an AI credit) released",
}

# Most specific first: the first class the error is an instance of decides.
_BY_ERROR_KIND: tuple[tuple[type[BlogsterError], int], ...] = (
    (InvalidInput, USAGE),
    (NotFound, NOT_FOUND),
    (PermissionDenied, PERMISSION_DENIED),
    (Conflict, CONFLICT),
    (ConfigError, CONFIGURATION),
    (DatabaseUnavailable, DATABASE_UNAVAILABLE),
    (FileSystemError, FILE_SYSTEM),
    (AuthError, ERROR),
    (RateLimited, RATE_LIMITED),
    (NoWorker, NO_WORKER),
    (Interrupted, INTERRUPTED),
)


def for_error(error: BlogsterError) -> int:
    """The exit code for an expected failure."""
    for kind, code in _BY_ERROR_KIND:
        if isinstance(error, kind):
            return code
    return ERROR
