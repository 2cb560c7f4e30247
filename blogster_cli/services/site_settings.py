"""My site's settings (subdomain_settings): shown with the address the site builds for, changed one key at a time."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import InvalidInput, NotFound
from blogster_cli.repositories import site as site_rows

# key on the command line -> column
KEYS = {
    "title": "site_title",
    "description": "site_description",
    "theme": "theme",
    "subdomain": "subdomain",
    "custom-domain": "custom_domain",
    "url": "site_url",
    "permalink": "permalink",
    "posts-per-page": "posts_per_page",
}
_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\Z")
_URL = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?\Z")
_PERMALINK = re.compile(r"^/([A-Za-z0-9._~-]|\{(slug|year|month|day)\}|/)*\Z")


@dataclass(frozen=True)
class SiteSettings:
    subdomain: str
    theme: str
    custom_domain: str | None
    title: str | None
    description: str | None
    url: str | None
    permalink: str
    posts_per_page: int
    base_url: str
    """Where the site is built for: `url`, else the custom domain, else the subdomain."""


def _public(row: site_rows.SiteSettingsRow, base_domain: str) -> SiteSettings:
    from blogster_cli.services.site_address import site_config

    values = asdict(row)
    return SiteSettings(
        subdomain=row.subdomain, theme=row.theme, custom_domain=row.custom_domain, title=row.site_title,
        description=row.site_description, url=values["site_url"], permalink=row.permalink,
        posts_per_page=row.posts_per_page, base_url=site_config(row, base_domain=base_domain).base_url,
    )  # fmt: skip


def show(acting: ActingUser, *, base_domain: str) -> SiteSettings:
    with unit_of_work(acting) as conn:
        row = site_rows.own_settings(conn)
    if row is None:
        raise NotFound("you have no site settings yet")
    return _public(row, base_domain)


def ignored_addresses(acting: ActingUser, *, base_domain: str) -> tuple[str, ...]:
    """The warnings for my stored custom domain and url when my site's address leaves them out (ones
    the setting refuses now: site_address.ignored_addresses), one line each; () when it uses them."""
    from blogster_cli.services.site_address import ignored_addresses as ignored

    with unit_of_work(acting) as conn:
        row = site_rows.own_settings(conn)
    return () if row is None else ignored(row, base_domain=base_domain)


def _checked(key: str, value: str) -> object:
    """The value for `key`, or InvalidInput saying what is wrong (the database checks the same)."""
    from blogster_cli.publish.themes import available
    from blogster_cli.publish.urls import is_domain_name

    text = value.strip()
    if key == "subdomain" and not _SUBDOMAIN.match(text):
        raise InvalidInput("a subdomain is 3-63 lowercase letters, digits or '-', not starting or ending with '-'")
    if key == "custom-domain" and text and not is_domain_name(text.lower()):
        raise InvalidInput(f"{text!r} is not a domain name like blog.example.com")
    if key == "url" and text and not _URL.match(text):
        raise InvalidInput(f"{text!r} is not an http(s) URL like https://blog.example.com/")
    if key == "permalink" and not (_PERMALINK.match(text) and "{slug}" in text and "/../" not in text + "/"):
        raise InvalidInput("a permalink is a path with {slug} and optionally {year}, {month}, {day}: /posts/{slug}/")
    if key == "theme" and text not in available():
        raise InvalidInput(f"unknown theme {text!r}; choose from {', '.join(available())}")
    if key == "posts-per-page":
        if not text.isdigit() or not 1 <= int(text) <= 1000:
            raise InvalidInput("posts-per-page is a whole number from 1 to 1000")
        return int(text)
    if key == "custom-domain":
        return text.lower() or None
    return text or None if key in ("title", "description", "url") else text


def set_value(acting: ActingUser, *, key: str, value: str, base_domain: str) -> SiteSettings:
    """Changes one setting (`is_custom_domain_verified` is not one: only a DNS check may set it).
    `key` as `site settings show` prints it (`posts_per_page`) or as the command line writes it
    (`posts-per-page`), in any case."""
    key = key.strip().lower().replace("_", "-")
    if key not in KEYS:
        raise InvalidInput(f"unknown site setting {key!r}; known: {', '.join(KEYS)}")
    checked = _checked(key, value)
    with unit_of_work(acting) as conn:
        if key in ("custom-domain", "url") and checked is not None:
            current = site_rows.own_settings(conn)
            if current is None:
                raise NotFound("you have no site settings yet")
            _refuse_platform_address(key, str(checked), subdomain=current.subdomain, base_domain=base_domain)
        row = site_rows.update_own_settings(conn, values={KEYS[key]: checked})
    if row is None:
        raise NotFound("you have no site settings yet")
    return _public(row, base_domain)


def _refuse_platform_address(key: str, value: str, *, subdomain: str, base_domain: str) -> None:
    """InvalidInput when the rule for an address on the platform's domain refuses a custom domain or
    url (site_address.platform_address_refusal: the site's address obeys the same rule)."""
    from blogster_cli.services.site_address import platform_address_refusal

    refusal = platform_address_refusal(key, value, subdomain=subdomain, base_domain=base_domain)
    if refusal is not None:
        raise InvalidInput(refusal)
