"""Data folders shipped with Blogster: inside the wheel when installed, beside the package in a checkout."""

from __future__ import annotations

from pathlib import Path

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
