"""A visitor's device class from the user agent: desktop, mobile or tablet (None when unknown).

MDN's advice for user-agent sniffing: look for "Mobi" anywhere in the string for a phone;
iPads and Android devices without "Mobile" are tablets (Android phones always send "Mobile").
A full user-agent parser would add a dependency for three classes.
"""

from __future__ import annotations

from blogster_cli.analytics.short_keys import short_key_cache


@short_key_cache(maxsize=65536)
def device_class(user_agent: str) -> str | None:
    if not user_agent or user_agent == "-":
        return None
    agent = user_agent.lower()
    if "ipad" in agent or "tablet" in agent or ("android" in agent and "mobi" not in agent):
        return "tablet"
    if "mobi" in agent or "iphone" in agent or "ipod" in agent:
        return "mobile"
    return "desktop"
