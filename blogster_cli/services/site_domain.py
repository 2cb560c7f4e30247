"""Verifying a site's custom domain: a DNS TXT record shows the domain's owner chose this account.

The record is `_blogster.<domain>` with the value `blogster-verify=<token>`, where the
token is a digest of the account's id and the domain: another account claiming the same
domain expects another value, so a record made for one account never verifies another.
DNS is read through a DNS-over-HTTPS resolver (the JSON API of Cloudflare, Google and
others; the `dns_resolver_url` setting), which works wherever HTTPS does.

Users cannot set `is_custom_domain_verified` themselves (no column grant), and a
function they could call would let them skip the check: so the flag is written as
`service_role`, which needs the administrator's login (the embedded server, or a
superuser URL). The DNS request happens outside any transaction, within DNS_TIMEOUT_S in all
(`http_deadline`: a resolver trickling its answer cannot hold the command).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.db.service import service_unit_of_work
from blogster_cli.errors import BlogsterError, ConfigError, InvalidInput, NotFound
from blogster_cli.services.http_deadline import DeadlineBackend

if TYPE_CHECKING:
    import httpx2
from blogster_cli.repositories import site as site_rows

RECORD_PREFIX = "_blogster."
VALUE_PREFIX = "blogster-verify="
DNS_TIMEOUT_S = 10
MAX_ANSWER_BYTES = 1_000_000  # a TXT answer is a few hundred bytes
_TXT = 16
_NXDOMAIN = 3


@dataclass(frozen=True)
class DomainCheck:
    domain: str
    record_name: str
    """Where the TXT record goes."""
    record_value: str
    """What it must say."""
    verified: bool


def record_value(user_id: object, domain: str) -> str:
    """The TXT value that verifies `domain` for this account (stable, different per account)."""
    return VALUE_PREFIX + hashlib.sha256(f"blogster-domain:{user_id}:{domain}".encode()).hexdigest()[:32]


def txt_records(name: str, *, resolver_url: str) -> list[str]:
    """The TXT strings of `name` from a DNS-over-HTTPS JSON resolver; [] when it has none.
    Within DNS_TIMEOUT_S in all, however slowly the resolver trickles its answer."""
    import httpx2

    backend = DeadlineBackend()
    try:
        with httpx2.Client(timeout=DNS_TIMEOUT_S, transport=backend.transport()) as client:
            backend.deadline = time.monotonic() + DNS_TIMEOUT_S
            with client.stream(
                "GET", resolver_url, params={"name": name, "type": "TXT"}, headers={"accept": "application/dns-json"}
            ) as response:
                body = _body(response, backend.deadline)
    except httpx2.HTTPError as exc:
        raise BlogsterError(f"cannot check DNS through {resolver_url}: {_reason(exc)}") from None
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("Status"), int):
        raise BlogsterError(f"cannot check DNS through {resolver_url}: not a DNS-over-HTTPS JSON answer")
    if answer["Status"] == _NXDOMAIN:
        return []
    if answer["Status"] != 0:
        raise BlogsterError(f"cannot check DNS through {resolver_url}: the resolver answered status {answer['Status']}")
    return [
        _unquoted(record.get("data", ""))
        for record in answer.get("Answer") or []
        if isinstance(record, dict) and record.get("type") == _TXT
    ]


def _body(response: httpx2.Response, deadline: float) -> bytes:
    """The answer's first MAX_ANSWER_BYTES, by the deadline; an HTTP error status is an httpx2 error."""
    import httpx2

    response.raise_for_status()
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        if time.monotonic() >= deadline:
            raise httpx2.ReadTimeout("the answer took too long")
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_ANSWER_BYTES:
            break
    return b"".join(chunks)[:MAX_ANSWER_BYTES]


def _reason(exc: Exception) -> str:
    import httpx2

    if isinstance(exc, httpx2.HTTPStatusError):
        return f"it answered HTTP {exc.response.status_code}"
    if isinstance(exc, httpx2.TimeoutException):
        return f"no answer within {DNS_TIMEOUT_S} s"
    return str(exc) or type(exc).__name__


def _unquoted(data: str) -> str:
    """A TXT record's text: DoH gives it quoted, long ones as several quoted strings."""
    text = str(data).strip()
    if not text.startswith('"'):
        return text
    return "".join(part.strip('"') for part in text.split('" "'))


def verify(acting: ActingUser, *, resolver_url: str, base_domain: str) -> DomainCheck:
    """Checks my custom domain's TXT record; marks the domain verified when it is there. A custom
    domain my site's address leaves out (one `site settings set custom-domain` refuses now, on the
    platform's domain `base_domain`: site_address.refused_setting) is refused, never checked."""
    from blogster_cli.services.site_address import refused_setting

    with unit_of_work(acting) as conn:
        settings = site_rows.own_settings(conn)
    if settings is None:
        raise NotFound("you have no site settings yet")
    domain = settings.custom_domain
    if not domain:
        raise InvalidInput("you have no custom domain: blogster site settings set custom-domain blog.example.com")
    if refusal := refused_setting(settings, "custom-domain", base_domain=base_domain):
        raise InvalidInput(
            "your custom domain is not checked: `site settings set custom-domain` refuses it now, and your"
            f" site's address leaves it out: {refusal};"
            " set yours, or clear it with `blogster site settings set custom-domain ''`"
        )
    check = DomainCheck(
        domain=domain,
        record_name=RECORD_PREFIX + domain,
        record_value=record_value(acting.actor.user_id, domain),
        verified=False,
    )
    try:
        found = txt_records(check.record_name, resolver_url=resolver_url)
    except BlogsterError as exc:  # the record to add is known all the same: say it
        raise BlogsterError(f"{exc} (the record to add: TXT {check.record_name} {check.record_value})") from None
    if check.record_value not in found:
        return check
    if not acting.db.login_is_superuser:
        raise ConfigError("the record is there, but marking the domain verified needs the administrator's connection")
    with service_unit_of_work(acting.db, acting.timeouts) as conn:
        marked = site_rows.mark_domain_verified(conn, user_id=acting.actor.user_id, domain=domain)
    return replace(check, verified=marked)
