"""site verify-domain: a DNS TXT record proves the custom domain is the account's.

The lookup goes to a DNS-over-HTTPS resolver (the JSON API Cloudflare and Google speak);
here a local HTTP server started by the test answers it, so the real protocol is used.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import BlogsterError, InvalidInput
from blogster_cli.services import site_domain, site_settings
from tests import http_trickle
from tests.dns_resolver import Resolver, running_resolver


@pytest.fixture
def resolver() -> Iterator[Resolver]:
    with running_resolver() as running:
        yield running


BASE = "blogster.page"


@pytest.fixture
def ada(db, make_user) -> ActingUser:
    acting = ActingUser(db, make_user("ada@example.com"))
    site_settings.set_value(acting, key="custom-domain", value="blog.example.com", base_domain=BASE)
    return acting


def verified_flag(superuser, acting: ActingUser) -> bool:
    return superuser.execute(
        "select is_custom_domain_verified from public.subdomain_settings where user_id = %s", (acting.actor.user_id,)
    ).fetchone()[0]


def test_without_the_record_it_says_what_to_add_and_stays_unverified(ada, resolver, superuser):
    check = site_domain.verify(ada, resolver_url=resolver.url, base_domain=BASE)
    assert not check.verified
    assert check.record_name == "_blogster.blog.example.com"
    assert check.record_value.startswith("blogster-verify=") and len(check.record_value) > 30
    assert not verified_flag(superuser, ada)
    query, accept = resolver.requests[-1]
    assert query == {"name": ["_blogster.blog.example.com"], "type": ["TXT"]} and accept == "application/dns-json"


def test_the_record_verifies_the_domain(ada, resolver, superuser):
    expected = site_domain.verify(ada, resolver_url=resolver.url, base_domain=BASE).record_value
    resolver.records["_blogster.blog.example.com"] = ["v=spf1 -all", expected]
    check = site_domain.verify(ada, resolver_url=resolver.url, base_domain=BASE)
    assert check.verified and verified_flag(superuser, ada)
    # Changing the domain needs a new check (the flag is reset by the database).
    site_settings.set_value(ada, key="custom-domain", value="other.example.com", base_domain=BASE)
    assert not verified_flag(superuser, ada)


def test_another_accounts_record_does_not_verify(db, make_user, ada, resolver, superuser):
    """The value is the account's own: a record made for Ada does not verify Bob's claim."""
    bob = ActingUser(db, make_user("bob@example.com"))
    site_settings.set_value(bob, key="custom-domain", value="bob.example.com", base_domain=BASE)
    ada_value = site_domain.verify(ada, resolver_url=resolver.url, base_domain=BASE).record_value
    resolver.records["_blogster.bob.example.com"] = [ada_value]
    check = site_domain.verify(bob, resolver_url=resolver.url, base_domain=BASE)
    assert not check.verified and check.record_value != ada_value
    assert not verified_flag(superuser, bob)


def test_it_says_clearly_when_it_cannot_check(ada, resolver):
    resolver.broken = True
    with pytest.raises(BlogsterError, match="cannot check DNS"):
        site_domain.verify(ada, resolver_url=resolver.url, base_domain=BASE)
    resolver.server.shutdown()
    resolver.server.server_close()
    with pytest.raises(BlogsterError, match="cannot check DNS"):
        site_domain.verify(ada, resolver_url=resolver.url, base_domain=BASE)


def test_without_a_custom_domain_there_is_nothing_to_verify(db, make_user, resolver):
    acting = ActingUser(db, make_user())
    with pytest.raises(InvalidInput, match="custom-domain"):
        site_domain.verify(acting, resolver_url=resolver.url, base_domain=BASE)


def test_a_resolver_trickling_its_answer_is_given_up_at_the_deadline(ada, monkeypatch):
    """Each byte comes well within a read timeout: only the overall deadline ends the check."""
    import time

    monkeypatch.setattr(site_domain, "DNS_TIMEOUT_S", 1.0)
    with http_trickle.trickling_headers() as url:
        started = time.monotonic()
        with pytest.raises(
            BlogsterError,
            match=r"cannot check DNS through .*: no answer within 1.0 s \(the record to add: TXT _blogster\.\S+ \S+\)$",
        ):
            site_domain.verify(ada, resolver_url=url, base_domain=BASE)
        assert time.monotonic() - started < 5


def test_an_error_status_says_so(ada, resolver):
    resolver.broken = True
    with pytest.raises(
        BlogsterError,
        match=r"cannot check DNS through .*: it answered HTTP 5\d\d \(the record to add: TXT _blogster\.\S+ \S+\)$",
    ):
        site_domain.verify(ada, resolver_url=resolver.url, base_domain=BASE)
