"""AI credits each plan gets per month (what `admin credits refill` and `set-tier` top up to)."""

from __future__ import annotations

MONTHLY_CREDITS: dict[str, int] = {"free": 3, "pro": 100, "team": 500}
