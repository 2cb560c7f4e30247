"""Data folders shipped with Blogster: inside the wheel when installed, beside the package in a checkout."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from blogster_cli import __version__

_PACKAGE_ROOT = Path(__file__).resolve().parent


def bundled_dir(in_wheel: str, in_checkout: str) -> Path | None:
    """`blogster_cli/<in_wheel>` of an installed wheel, else `<repository>/<in_checkout>`;
    None when neither exists (a broken installation)."""
    for candidate in (_PACKAGE_ROOT / in_wheel, _PACKAGE_ROOT.parent / in_checkout):
        if candidate.is_dir():
            return candidate
    return None


def bundled_help() -> Path | None:
    """The help pages `quickstart` publishes as documentation (examples/docs)."""
    return bundled_dir("_examples/docs", "examples/docs")


def bundled_migrations() -> Path | None:
    """The SQL migrations (db/migrations)."""
    return bundled_dir("_sql/migrations", "db/migrations")


@cache
def migration_names(folder: Path) -> list[str]:
    """The migrations in `folder`, their files' names without .sql, in order: one directory
    listing, no file read."""
    return sorted(name.removesuffix(".sql") for name in os.listdir(folder) if name.endswith(".sql"))


def release() -> str:
    """This Blogster as `--version` and `doctor` name it: its version and the number of the newest
    migration it ships, `0.1.0 (schema 0176)`, which tells apart the builds of one version. From a
    directory listing: no database, nothing heavy imported."""
    folder = bundled_migrations()
    names = migration_names(folder) if folder is not None else []
    return f"{__version__} (schema {names[-1].split('_', 1)[0]})" if names else __version__
