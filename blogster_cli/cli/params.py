"""Parsers for option values that need clearer errors than click's defaults."""

from __future__ import annotations

import re
from datetime import date, datetime

import typer

_DATE_PREFIX = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_datetime(text: str) -> datetime:
    """YYYY-MM-DD, optionally with a time; an impossible date (2015-02-30) is called invalid."""
    if isinstance(text, datetime):
        return text
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        pass
    prefix = _DATE_PREFIX.match(text.strip())
    if prefix:
        try:
            date(*(int(part) for part in prefix.groups()))
        except ValueError as exc:
            raise typer.BadParameter(f"invalid date {text!r}: {exc}") from None
        raise typer.BadParameter(f"invalid time in {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)")
    raise typer.BadParameter(f"{text!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)")
