"""The error hierarchy every layer raises; cli/exit_codes.py maps each kind to an exit code.

Messages are one line, written for the person at the terminal, and never carry
another user's data (a row hidden by RLS reads exactly like a missing one).
"""

from __future__ import annotations

from blogster_cli.wording import shortened


class BlogsterError(Exception):
    """Base class: a clean, expected failure."""


class InvalidInput(BlogsterError):
    """The user gave something we cannot accept (bad value, bad file)."""


class NotFound(BlogsterError):
    """The thing does not exist, or the acting user may not see it."""


class PermissionDenied(BlogsterError):
    """The acting user may see the thing but not do this to it."""


class Conflict(BlogsterError):
    """The change clashes with existing data (a taken name, a concurrent edit)."""


class ConfigError(BlogsterError):
    """Configuration or environment is wrong (bad stored setting, unsupported server)."""


class NotSetUp(ConfigError):
    """No Blogster database here yet (`blogster quickstart` sets one up): nobody can be signed in."""


class DatabaseUnavailable(BlogsterError):
    """The database server cannot be reached or started, or does not answer in time."""


PATH_SHOWN = 400
"""The characters of a path a message repeats (`FileSystemError.writing`)."""


class FileSystemError(BlogsterError):
    """A file or folder could not be read or written (permissions, a full disk, a read-only folder)."""

    @classmethod
    def writing(cls, path: object, exc: OSError) -> FileSystemError:
        """'cannot write PATH: no space left on device': the path (its first `PATH_SHOWN` characters
        when longer: one too long to write is not echoed whole) and the reason."""
        return cls(f"cannot write {shortened(str(path), PATH_SHOWN)}: {(exc.strerror or str(exc)).lower()}")


def file_system_message(exc: OSError) -> str:
    """'cannot write /x/y: permission denied': the path and the reason, no exception names (what the
    command line says of an OSError, and `calendar run-due` of its site step's)."""
    import errno

    reason = (exc.strerror or next(iter(str(exc).strip().splitlines()), "no details")).lower()
    path = exc.filename2 if exc.filename2 is not None and exc.errno == errno.EEXIST else exc.filename
    if path is None:
        return f"file system error: {reason}"
    verb = "write" if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG) else "use"
    return f"cannot {verb} {path}: {reason}"


class AuthError(BlogsterError):
    """Not logged in, wrong password, banned, or an expired session."""


class RateLimited(BlogsterError):
    """Too many requests in a short time: the same request succeeds a little later."""


class NoWorker(BlogsterError):
    """No worker did the queued work: none is running, or none finished in time. The work is
    kept and done once a worker runs."""


class Interrupted(BlogsterError):
    """Stopped by Ctrl-C when there was nothing to keep of the work (a `--keep-partial` draft
    before any of its text arrived): said in its own words, with the exit code of Ctrl-C."""
