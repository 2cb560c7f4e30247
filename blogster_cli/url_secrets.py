"""Passwords written into URLs and libpq strings (`smtp://user:pw@host`, `password=...`): shown
as *** wherever a URL is printed, logged or put in `--json`; and a server's text with a credential
it may echo masked (`masked_line`: the platforms' answers, the SMTP server's replies). Pure, so
every layer may use it."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable

MIN_SECRET_CHARS = 4
"""Shorter forms of a credential are left alone: masking them would mask ordinary words."""


def without_password(value: str) -> str:
    """A URL (scheme://user:password@host/...) or libpq string (password=...) as shown on a
    terminal, in `--json` or a log: the password replaced by ***. Everything else unchanged."""
    return replace_password(value, "***")


def replace_password(value: str, shown: str | None) -> str:
    """`value` with its password shown as `shown`, or left out with None."""
    scheme, found, rest = value.partition("://")
    if found:
        end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
        userinfo, at, host = rest[:end].rpartition("@")
        if at and ":" in userinfo:
            user = userinfo.split(":", 1)[0]
            value = f"{scheme}://{user}{'' if shown is None else ':' + shown}@{host}{rest[end:]}"
        query = r"([?&])password=[^&#]*(&?)"
        return re.sub(query, (lambda m: m[1] if m[2] else "") if shown is None else rf"\1password={shown}\2", value)
    if shown is None:
        return re.sub(r"\s*\bpassword\s*=\s*('[^']*'|\S+)", "", value).strip()
    return re.sub(r"(\bpassword\s*=\s*)('[^']*'|\S+)", rf"\g<1>{shown}", value)


def in_base64(forms: Iterable[str]) -> set[str]:
    """Each form base64-encoded as it crosses the wire (Basic auth, AUTH PLAIN/LOGIN), with and
    without its `=` padding (an echo may drop it)."""
    encoded = {base64.b64encode(form.encode()).decode() for form in forms if form}
    return encoded | {form.rstrip("=") for form in encoded}


def longest_first(forms: Iterable[str], *, shown: Callable[[str], str] = str) -> list[str]:
    """The forms to mask, each also as a one-line message shows it (`masked_line`), longest first
    (so that a form inside a longer one cannot leave the rest of it behind)."""
    found = set(forms)
    found |= {shown(" ".join(form.split())) for form in found}
    return sorted((form for form in found if len(form.strip()) >= MIN_SECRET_CHARS), key=len, reverse=True)


def masked(text: str, secrets: Iterable[str]) -> str:
    """`text` with each of `secrets` (the forms a credential may take, longest first) shown as ***."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def masked_line(text: str, secrets: Iterable[str], *, limit: int = 200, shown: Callable[[str], str] = str) -> str:
    """A server's text as one line of at most `limit` characters, as `shown` makes it readable,
    masked before it is flattened and again after (an echo across lines) and before the cut (a
    secret across it would leave its start behind)."""
    forms = list(secrets)
    flat = masked(shown(" ".join(masked(text, forms).split())), forms)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
