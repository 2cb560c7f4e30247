"""Where Blogster keeps things, and the settings a user can change.

Settings come from, in order of precedence: environment variables, the profile's
section of the TOML config file, then defaults. Secrets never live here: see
credentials.py.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogster_cli.errors import ConfigError, InvalidInput
from blogster_cli.suggestions import close_matches, did_you_mean
from blogster_cli.text_encoding import is_utf8
from blogster_cli.url_secrets import (
    LIBPQ_SECRETS,
    LIBPQ_URI_PREFIXES,
    MIN_SECRET_CHARS,
    is_connection_string,
    libpq_secrets_as_written,
    replace_password,
    url_password,
    userinfo_at,
    without_password,
)

if TYPE_CHECKING:
    from blogster_cli.private_files import SharedPrivateFile

APP_NAME = "blogster"
DEFAULT_PROFILE = "default"


def home_dir() -> Path:
    """Root for data, config and the embedded cluster; BLOGSTER_HOME overrides the platform dirs."""
    override = os.environ.get("BLOGSTER_HOME")
    if override:
        if not is_utf8(override):  # it goes into messages and the database's settings as text
            raise ConfigError("BLOGSTER_HOME is not valid UTF-8: name a folder whose path is text")
        return Path(override).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def config_path() -> Path:
    """The TOML config file: beside the data under BLOGSTER_HOME, else the platform config dir."""
    if os.environ.get("BLOGSTER_HOME"):
        return home_dir() / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


DEFAULT_DNS_RESOLVER = "https://cloudflare-dns.com/dns-query"


@dataclass
class Settings:
    """One profile's settings. Each field can be set with `blogster config set KEY VALUE`."""

    database_url: str | None = None
    """A PostgreSQL URL to use instead of the embedded server (env: BLOGSTER_DATABASE_URL)."""
    timezone: str = "UTC"
    """Timezone for naive dates in imported posts (env: BLOGSTER_TIMEZONE)."""
    editor: str | None = None
    """Editor for `blogs edit`; falls back to $VISUAL, then $EDITOR, then vi (env: BLOGSTER_EDITOR)."""
    statement_timeout_ms: int = 30000
    """Longest a single statement may run before it is cancelled (0: no limit)."""
    lock_timeout_ms: int = 5000
    """Longest a statement waits for a row lock before giving up (0: no limit)."""
    session_days: int = 30
    """How long a login session stays valid on the embedded server."""
    ai_base_url: str | None = None
    """OpenAI-compatible endpoint for `generate` (env: BLOGSTER_AI_BASE_URL); set by `ai setup`."""
    ai_model: str | None = None
    """Model for `generate` (env: BLOGSTER_AI_MODEL); set by `ai setup`."""
    ai_image_model: str | None = None
    """Model for `generate image` without --model, e.g. gpt-image-1 or dall-e-3 (the chat model draws nothing)."""
    ai_timeout_s: int = 120
    """Longest one AI provider call may take in all, in seconds: retries and a slowly trickled answer included."""
    ai_max_retries: int = 2
    """Retries (with backoff) after a 429, a 5xx or a timeout from the AI provider."""
    ai_prices: str | None = None
    """Prices for `credits` estimates, "MODEL=USD per million tokens, ..."; adds to the built-in table."""
    site_base_domain: str = "blogster.page"
    """Sites without a custom domain or URL live at https://SUBDOMAIN.SITE_BASE_DOMAIN/."""
    connect_timeout_s: int = 10
    """Longest to wait for the database server to answer a new connection."""
    dns_resolver_url: str = DEFAULT_DNS_RESOLVER
    """The DNS-over-HTTPS resolver (JSON API) `site verify-domain` reads TXT records through."""
    site_out: str | None = None
    """The site output folder: `calendar run-due` rebuilds it when a post goes live; `calendar feed` writes there."""
    devto_url: str = "https://dev.to"
    """The Forem site `crosspost --to devto` posts to; the client calls {URL}/api/articles (env: BLOGSTER_DEVTO_URL)."""
    hashnode_url: str = "https://gql.hashnode.com"
    """Hashnode's GraphQL endpoint for `crosspost --to hashnode` (env: BLOGSTER_HASHNODE_URL)."""
    wordpress_url: str | None = None
    """Your WordPress site for `crosspost --to wordpress`; the client calls {URL}/wp-json/wp/v2 (env: BLOGSTER_WORDPRESS_URL)."""
    twitter_url: str = "https://api.x.com"
    """The X API social posts are posted to: {URL}/2/tweets (env: BLOGSTER_TWITTER_URL)."""
    linkedin_url: str = "https://api.linkedin.com"
    """The LinkedIn API social posts are posted to: {URL}/rest/posts (env: BLOGSTER_LINKEDIN_URL)."""
    smtp_url: str | None = None
    """Where newsletters are sent: smtp://user@host:587 (STARTTLS) or smtps://user@host:465 (env: BLOGSTER_SMTP_URL)."""
    newsletter_from: str | None = None
    """The From address of your newsletters, e.g. "Ada <ada@example.com>" (env: BLOGSTER_NEWSLETTER_FROM): the
    account the command runs as only (the workers: the account their profile is logged in as)."""
    sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False, metadata={"setting": False})
    """Where each value that is not a default came from (file, env var or flag), for error messages."""

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.metadata.get("setting", True)]

    def as_dict(self) -> dict[str, object]:
        return {key: getattr(self, key) for key in self.keys()}

    def source_of(self, key: str) -> str:
        return self.sources.get(key, "the default")


ENV_OVERRIDES = {
    "database_url": "BLOGSTER_DATABASE_URL",
    "timezone": "BLOGSTER_TIMEZONE",
    "editor": "BLOGSTER_EDITOR",
    "site_out": "BLOGSTER_SITE_OUT",
    "devto_url": "BLOGSTER_DEVTO_URL",
    "hashnode_url": "BLOGSTER_HASHNODE_URL",
    "wordpress_url": "BLOGSTER_WORDPRESS_URL",
    "twitter_url": "BLOGSTER_TWITTER_URL",
    "linkedin_url": "BLOGSTER_LINKEDIN_URL",
    "smtp_url": "BLOGSTER_SMTP_URL",
    "newsletter_from": "BLOGSTER_NEWSLETTER_FROM",
}

# Whole-number settings: (lowest, highest) accepted value.
_RANGES = {
    "statement_timeout_ms": (0, 86_400_000),
    "lock_timeout_ms": (0, 86_400_000),
    "session_days": (1, 3650),
    "connect_timeout_s": (1, 600),
    "ai_timeout_s": (1, 3600),
    "ai_max_retries": (0, 10),
}


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    path = path or config_path()
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None


def setting_name(name: str) -> str:
    """The setting called `name`, also as `config list` shows it ("statement timeout ms", "session-days")."""
    key = "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())
    if key not in Settings.keys():
        hint = did_you_mean(close_matches(key, Settings.keys(), most=1))
        raise InvalidInput(f"unknown setting {name!r}{hint}; known: {', '.join(Settings.keys())}")
    return key


# A profile's name: it names a section of the config file, the keyring's '<profile>:<name>'
# entries and a section of mail-hold.json, so nothing that could read as a path or a separator;
# '.', '@' and '+' inside a name stay usable (profiles named after an address: ada@example.com).
_PROFILE_NAME = re.compile(r"[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]{0,63}")


def check_profile_name(name: str) -> None:
    """Letters, digits, '-', '_', '@', '+' and inner '.' (at most 64): no path separator, no
    leading '.' ('.', '..', a hidden name), no space or ':', not empty."""
    if not _PROFILE_NAME.fullmatch(name):
        raise InvalidInput(
            f"profile name {name!r} is not usable: use 1-64 letters, digits, '-', '_', '@', '+' or '.' (not first)"
        )


def profile_names() -> set[str]:
    """The profiles the config file has settings for."""
    profiles = read_config_file().get("profiles", {})
    return {str(name) for name in profiles} if isinstance(profiles, dict) else set()


# One label of a host name (in its ASCII form): letters, digits and inner hyphens, at most 63.
_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def check_host_name(key: str, text: str) -> str:
    """A host name such as blogster.page (an internationalised one too, as typed), in lower case:
    labels of letters, digits and inner hyphens, at most 253 characters, not all-digit at the end."""
    host = text.lower()
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:  # an empty label ("a..b", a trailing dot), one over 63 characters, ...
        ascii_host = ""
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        raise InvalidInput(f"{key} must be a host name like blogster.page, not {text!r}")
    return host


def coerce(key: str, raw: object) -> object:
    """A setting's value (from TOML, the environment or the command line) checked and typed.

    Raises InvalidInput without saying where the value came from; callers add that.
    """
    key = setting_name(key)
    if key in _RANGES:
        lowest, highest = _RANGES[key]
        try:
            number = int(raw)  # type: ignore[call-overload]  # int() of anything; TypeError is caught
        except (TypeError, ValueError):
            raise InvalidInput(f"{key} must be a whole number, not {raw!r}") from None
        if not lowest <= number <= highest:
            raise InvalidInput(f"{key} must be between {lowest} and {highest}, not {number}")
        return number
    if raw in ("", None):
        return None
    text = str(raw)
    if key == "database_url":
        check_database_url(text)
    elif key == "timezone":
        check_timezone(text)
    elif key == "newsletter_from":
        check_sender(text)
    elif key == "editor":
        command_words(key, text)
    elif key == "ai_prices":
        from blogster_cli.ai.pricing import parse_prices

        try:
            parse_prices(text)
        except ValueError as exc:
            raise InvalidInput(f"ai_prices: {exc}") from None
    elif key == "dns_resolver_url" and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", text):
        raise InvalidInput("dns_resolver_url must be an http(s) URL like https://cloudflare-dns.com/dns-query")
    elif key in PLATFORM_URL_KEYS:
        check_platform_url(key, text)
    elif key == "site_base_domain":
        text = check_host_name(key, text)
    elif key == "site_out" and any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise InvalidInput("site_out must be a folder path, without line breaks or control characters")
    elif key == "smtp_url" and not re.fullmatch(r"smtps?://([^\s/?#@]+@)?[^\s/?#@]+(:\d{1,5})?/?", text):
        raise InvalidInput(
            "smtp_url must look like smtp://user@host:587 or smtps://user@host (the password goes in the keyring)"
        )
    return text


def shown_url(value: str) -> str:
    """A setting's value as shown on a terminal, in `--json` or a log: a URL's password and query
    secrets as *** (`url_secrets.without_password`: its `user:password@` read generously, by
    `url_secrets.userinfo_at`, a raw '@', '/', '?' or '#' in it too), a PostgreSQL connection
    string's secrets (LIBPQ_SECRETS: password, sslpassword, oauth_client_secret) read as libpq reads
    them (`connection_parts`), so that every spelling is masked (`?pass%77ord=`, a dbname that is
    itself a URI with one), and in one libpq cannot read, read generously
    (`url_secrets.libpq_secrets_as_written`), and a password libpq does not read whole as one
    (`unread_password`: `u:***@host`, and the query's secrets too; `host=***@host` in a string
    holding the rest of one as its host or port). Everything else unchanged."""
    unread = _unread_password_at(value)
    if unread is not None:
        return without_password(value[: unread[0]] + "***" + value[unread[1] :])
    parts = connection_parts(value)
    if parts is not None:
        shown = libpq_replace_password(value, parts, "***")
        if password_in_host(parts):
            from psycopg.conninfo import make_conninfo

            shown = make_conninfo("", **_hosts_masked(connection_parts(shown) or parts))
        return shown
    return without_password(value)


def connection_parts(value: str) -> dict[str, str] | None:
    """`value` as libpq reads it (PQconninfoParse, through psycopg's `conninfo_to_dict`: a URI's
    percent-encoded names and values decoded, the last of a repeated name kept), or None when
    libpq reads no connection string there. PQconninfoParse does not expand a dbname that is
    itself a connection string: `dbname_password` does."""
    if not is_connection_string(value):
        return None
    from psycopg.conninfo import conninfo_to_dict

    try:
        parsed = conninfo_to_dict(value)
    except Exception:  # psycopg.ProgrammingError: not one libpq reads
        return None
    return {str(key): str(item) for key, item in parsed.items()}


def dbname_password(parts: dict[str, str]) -> bool:
    """Whether the dbname of a connection string (`connection_parts`) is itself a connection string
    naming a secret (LIBPQ_SECRETS), at any depth, or one libpq cannot read (so it may hide one):
    libpq's tools read it as one (`psql -d`, pg_dump), though PQconninfoParse and psycopg's
    connect do not."""
    dbname = parts.get("dbname")
    if dbname is None or not is_connection_string(dbname):
        return False
    inner = connection_parts(dbname)
    return inner is None or any(name in inner for name in LIBPQ_SECRETS) or dbname_password(inner)


def libpq_replace_password(value: str, parts: dict[str, str], shown: str | None) -> str:
    """The connection string `value` (read by libpq as `parts`) with its secrets (LIBPQ_SECRETS:
    the password, sslpassword, oauth_client_secret) shown as `shown` (None: left out) in every
    spelling libpq reads, and a dbname holding one masked the same way. The text as it was
    written where `url_secrets.libpq_secrets_as_written` leaves what libpq reads unchanged but
    the secrets; else libpq's key=value form of it (`make_conninfo`)."""
    wanted = dict(parts)
    for name in LIBPQ_SECRETS:
        if name in wanted:
            if shown is None:
                del wanted[name]
            else:
                wanted[name] = shown
    if shown is not None and dbname_password(parts):
        inner = connection_parts(parts["dbname"])
        wanted["dbname"] = "***" if inner is None else libpq_replace_password(parts["dbname"], inner, shown)
    if wanted == parts:
        return value
    candidate = libpq_secrets_as_written(value, shown)[0]
    if connection_parts(candidate) == wanted:
        return candidate
    from psycopg.conninfo import make_conninfo

    return make_conninfo(**wanted)


def unread_password(value: str) -> bool:
    """Whether the database URL `value` seems to hold a password that libpq does not read whole as
    one, so that the rest of it is no secret to libpq: neither taken out to the keyring nor masked
    by `libpq_replace_password`. In a postgresql:// URI, its `user:password@` read as every URL
    setting's is read (`url_secrets.userinfo_at`: up to the last '@' before the query, a raw '/',
    '?' or '#' in the password too; the password after the first ':', percent-decoded) is not what
    libpq reads of it (`conninfo_to_dict`): libpq ends it at the first '@' (`u:pa@ss@localhost`: password pa, host `ss@localhost`) or, before any '@', at the
    first '/' (`u:pa/ss@localhost/db`: no password; host u, port pa, database `ss@localhost/db`);
    or libpq reads no password though a percent-encoded ':' comes before that '@' (libpq reads
    `u%3Apass@` as the user `u:pass`). In any connection string: a host or port libpq reads with an
    '@' in it (not a socket's folder), which is the rest of such a password (the form `config set`
    stored one in before it refused them: `host=ss@localhost`), or of one holding a '?' too."""
    if _unread_password_at(value) is not None:
        return True
    parts = connection_parts(value)
    return parts is not None and password_in_host(parts)


def _unread_password_at(value: str) -> tuple[int, int] | None:
    """Where the password a postgresql:// URI's `user:password@` holds, which libpq does not read
    whole (`unread_password`), is in `value` (start, end), or None."""
    if not value.startswith(LIBPQ_URI_PREFIXES):
        return None
    parts = connection_parts(value)
    found = userinfo_at(value)
    if parts is None or found is None:
        return None
    start, at = found
    user, colon, password = value[start:at].partition(":")
    if colon and not _read_whole(user, password):
        return start + len(user) + 1, at
    if "password" in parts:
        return None
    colon_at = re.compile(r":|%3a", re.IGNORECASE).search(value, start, at)
    if colon_at is None or colon_at.end() == at:
        return None
    return colon_at.end(), at


def _read_whole(user: str, password: str) -> bool:
    """Whether libpq reads the `user:password@` of a URI, as written (percent-encoded), as that
    user and password, the way a URL reader reads them: asked of libpq alone (with no query,
    whose `?user=` or `?password=` would stand for them)."""
    from urllib.parse import unquote

    read = connection_parts(f"postgresql://{user}:{password}@localhost")
    if read is None:
        return False
    return (read.get("user", ""), read.get("password", "")) == (unquote(user), unquote(password))


def password_in_host(parts: dict[str, str]) -> bool:
    """Whether libpq reads a host or port of this connection string with an '@' in it: the rest
    of a password it ended at its first '@' (a socket's folder, `/run/a@b` or the abstract `@name`,
    is no such host)."""
    hosts = parts.get("host", "").split(",")
    ports = parts.get("port", "").split(",")
    return any("@" in host and not host.startswith(("/", "@")) for host in hosts) or any("@" in p for p in ports)


def _hosts_masked(parts: dict[str, str]) -> dict[str, str]:
    """`parts` with what `password_in_host` finds shown as ***: a host's or port's text up to its
    last '@', and the host before a port holding one (libpq read it out of the password too)."""
    hosts = parts.get("host", "").split(",")
    ports = parts.get("port", "").split(",")

    def masked(text: str) -> str:
        return "***" + text[text.rfind("@") :] if "@" in text and not text.startswith(("/", "@")) else text

    shown = dict(parts)
    if "host" in parts:
        shown["host"] = ",".join(
            "***" if index < len(ports) and "@" in ports[index] else masked(host) for index, host in enumerate(hosts)
        )
    if "port" in parts:
        shown["port"] = ",".join("***" + port[port.rfind("@") :] if "@" in port else port for port in ports)
    return shown


UNREAD_PASSWORD = (
    "libpq does not read the password of its user:password@ whole, so the rest of it would be kept"
    " and shown in clear (libpq ends it at the first '@', or at a '/' before that, and reads %3A as"
    " part of the user name): percent-encode a '/', '@' or ':' in the password (%2F, %40, %3A), and an"
    " '@' in the database name (%40)"
)
"""Why `check_storable` refuses a database_url `unread_password` finds (doctor says it too)."""


def split_secrets(value: str) -> tuple[str, dict[str, str]]:
    """A database URL or libpq string without its secrets, and the secrets by name (LIBPQ_SECRETS:
    password, sslpassword, oauth_client_secret; none: empty): `config set database_url` keeps those
    in the keyring, the rest in the file. Both as libpq reads them (`connection_parts`): the value
    left has no secret in any spelling libpq takes (`?pass%77ord=`, a repeated `password`), written
    as given where only the secrets go, else in libpq's key=value form. A dbname that itself holds
    a password is left as it is here, as is a string libpq cannot read: `check_storable` refuses
    both."""
    parts = connection_parts(value)
    secrets = {name: parts[name] for name in LIBPQ_SECRETS if name in parts} if parts is not None else {}
    if parts is None or not secrets:
        return value, {}
    return libpq_replace_password(value, parts, None), secrets


def libpq_refusal(value: str) -> str | None:
    """Why libpq cannot read the connection string `value`, in libpq's words (one line, without
    the secrets the string may hold: `url_secrets.libpq_secrets_as_written` finds them
    generously), or None when it reads it."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        conninfo_to_dict(value)
    except Exception as exc:  # psycopg.ProgrammingError: libpq's own message
        lines = str(exc).strip().splitlines()
        return _without_secrets(lines[0] if lines else type(exc).__name__, value)
    return None


def _without_secrets(reason: str, value: str) -> str:
    """libpq's reason for refusing `value` without the secrets in it: libpq quotes what it could
    not read ("..."), which may be a secret, part of one (a password's second word), or hold one
    (the whole URI); any of those quoted texts is shown as ***, and a secret left anywhere after
    libpq's first quote too (one holding a quote mark)."""
    found = libpq_secrets_as_written(value, None)[1]
    secrets = sorted({*found, *(word for text in found for word in text.split())}, key=len, reverse=True)
    if not secrets:
        return reason

    def quoted(match: re.Match[str]) -> str:
        text = match[1]
        if text and any(text in secret for secret in secrets):
            return '"***"'
        for secret in secrets:
            text = text.replace(secret, "***")
        return f'"{text}"'

    reason = re.sub(r'"([^"]*)"', quoted, reason)
    start = reason.find('"') if any('"' in secret for secret in secrets) else -1  # quotes read amiss
    head, tail = (reason, "") if start < 0 else (reason[:start], reason[start:])
    for secret in secrets:
        tail = tail.replace(secret, "***")
        if len(secret) >= MIN_SECRET_CHARS:  # shorter ones would mask libpq's own words
            head = head.replace(secret, "***")
    return head + tail


def check_storable(key: str, value: str) -> None:
    """Refuses a URL setting's value the config file must not hold as it is (checked after its
    secrets were taken out): a password in a URL setting that has no keyring entry for one; a
    database_url libpq cannot read (its secrets could not be taken out, and every command would
    refuse it: an unknown parameter such as Prisma's ?schema=, an unterminated quote, a bad
    %-escape); a database_url holding a password libpq does not read as one (`unread_password`:
    a '/' in it, or its ':' percent-encoded); or a database_url whose dbname is itself a connection
    string holding a password (which PQconninfoParse does not expand, so no password could be
    taken out of it)."""
    if key in URL_KEYS and key not in KEYRING_PASSWORD_KEYS and split_url_secrets(key, value)[1]:
        raise InvalidInput(
            f"{key} must not hold a password or key (user:PASSWORD@, ?password=, ?api_key=, ...):"
            " secrets never go in the config file"
        )
    refusal = libpq_refusal(value) if key == "database_url" else None
    if refusal is not None:
        raise InvalidInput(f"database_url is not a connection string libpq reads: {refusal}")
    if key == "database_url" and unread_password(value):
        raise InvalidInput(f"database_url: {UNREAD_PASSWORD}")
    parts = connection_parts(value) if key == "database_url" else None
    if parts is not None and dbname_password(parts):
        raise InvalidInput(
            "database_url's database name is itself a connection string holding a password"
            " (libpq's tools read it as one): give the password as the URL's own (user:PASSWORD@), which"
            " goes to the keyring, or keep it in ~/.pgpass"
        )


def check_database_url(url: str) -> None:
    """A postgresql:// (or postgres://) URL, or a libpq 'key=value' connection string."""
    from urllib.parse import urlsplit

    if re.fullmatch(r"\s*(\w+\s*=\s*('[^']*'|\S+)\s*)+", url):
        return
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("postgresql", "postgres"):
        raise InvalidInput("the database URL must look like postgresql://USER@HOST:PORT/DBNAME")


PLATFORM_URL_KEYS = ("devto_url", "hashnode_url", "wordpress_url", "twitter_url", "linkedin_url")


URL_KEYS = ("database_url", "ai_base_url", "dns_resolver_url", "smtp_url", *PLATFORM_URL_KEYS)
"""The settings whose value is a URL (or, database_url, a libpq string): where a password could be written."""
KEYRING_PASSWORD_KEYS = ("database_url", "smtp_url")
"""The URL settings whose password `config set` keeps in the keyring (services/settings.py; for
database_url, each of libpq's secrets: LIBPQ_SECRETS); the other URL settings refuse one."""


def split_url_secrets(key: str, value: str) -> tuple[str, dict[str, str]]:
    """Setting `key`'s URL without its secrets, and the secrets as the server takes them, by name
    (none: empty): database_url's as libpq reads them (`split_secrets`); another URL's password,
    `user:password@` (percent-decoded) or a `password=` parameter, as "password"."""
    if key == "database_url":
        return split_secrets(value)
    stripped = replace_password(value, None)
    if stripped == value:
        return value, {}
    from urllib.parse import parse_qs, unquote, urlsplit

    password = url_password(value)
    if password is not None:
        return stripped, {"password": unquote(password)}
    try:
        query = urlsplit(value).query
    except ValueError:  # a bad bracket: the secret is still what replace_password took out
        query = ""
    return stripped, {"password": next(iter(parse_qs(query, keep_blank_values=True).get("password", [])), "")}


def holds_secret(key: str, value: str) -> bool:
    """Whether a URL setting's value holds a password (or another of libpq's secrets) in clear:
    one `split_url_secrets` takes out; in a database_url libpq cannot read (so that none can
    be taken out), one `url_secrets.libpq_secrets_as_written` finds, reading it generously; or a
    database_url's password libpq does not read as one (`unread_password`)."""
    if split_url_secrets(key, value)[1]:
        return True
    if key == "database_url" and unread_password(value):
        return True
    unreadable = key == "database_url" and libpq_refusal(value) is not None
    return unreadable and bool(libpq_secrets_as_written(value, None)[1])


def file_passwords() -> list[tuple[str, str]]:
    """(profile, key) of each URL setting in the config file that holds a password (or another
    of libpq's secrets) in clear (an older version wrote them; hand edits too, and a database_url
    libpq cannot read): `doctor` names them, `config set` moves out those it can read."""
    profiles = read_config_file().get("profiles", {})
    found = []
    for profile, section in profiles.items() if isinstance(profiles, dict) else ():
        for key, value in section.items() if isinstance(section, dict) else ():
            if key in URL_KEYS and isinstance(value, str) and holds_secret(key, value):
                found.append((str(profile), str(key)))
    return found


def file_dbname_passwords() -> list[str]:
    """The profiles whose database_url in the config file has a database name that is itself a
    connection string holding a password (`dbname_password`): `check_storable` refuses one, so a
    hand edit wrote it, and no `config set` can take that password out (it is not the URL's own,
    which `file_passwords` finds): `doctor` names them."""
    profiles = read_config_file().get("profiles", {})
    found = []
    for profile, section in profiles.items() if isinstance(profiles, dict) else ():
        value = section.get("database_url") if isinstance(section, dict) else None
        parts = connection_parts(value) if isinstance(value, str) else None
        if parts is not None and dbname_password(parts):
            found.append(str(profile))
    return found


def check_platform_url(key: str, url: str) -> None:
    """A cross-post or social platform's base URL: http(s) without a user or password, and
    https unless it is this machine (the platform's token goes with every request, as
    smtp_url's mail does)."""
    from urllib.parse import urlsplit

    if not re.fullmatch(r"https?://[^\s/?#@]+(/[^\s?#]*)?", url):
        raise InvalidInput(f"{key} must be an http(s) URL without a user or password, like https://example.com")
    parts = urlsplit(url)
    if parts.scheme != "https" and not is_loopback(parts.hostname or ""):
        raise InvalidInput(f"{key} must be https:// (plain http only to this machine, e.g. http://127.0.0.1:8080)")


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine (localhost, 127.0.0.0/8, ::1): where plain text may go."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_sender(text: str) -> None:
    """One mailbox, read the same way by every mail program, with the name and address as typed:
    the From of every newsletter (a line break failed each send; a comma made two senders; a group
    or a comment sent from the address with the name silently dropped). See sender_mailbox."""
    from blogster_cli.mail_headers import SENDER_SHAPE, sender_mailbox

    try:
        sender_mailbox(text)
    except ValueError as exc:
        raise InvalidInput(f"newsletter_from must be {SENDER_SHAPE}; {exc}") from None


def command_words(key: str, text: str) -> list[str]:
    """A command line (the editor) split as a shell's quoting reads it, for the file name to be
    appended: one with an unclosed quote, or none at all, is refused (else it failed only when the
    editor was wanted, an "unexpected failure")."""
    import shlex

    try:
        words = shlex.split(text)
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise InvalidInput(f"{key} {text!r} is no command line: {str(exc).lower()}") from None
    if not words:
        raise InvalidInput(f"{key} {text!r} names no command")
    return words


def unfound_program(key: str, text: str) -> str | None:
    """What a command line's program not found here means (`key` names the setting), or None when
    it is found: said when the setting is written, not refused, as PATH differs between shells,
    cron and terminals. `text` passed `command_words`. A `$VARIABLE` is named: no shell reads it."""
    import shutil

    program = command_words(key, text)[0]
    if shutil.which(program) is not None:
        return None
    unread = " (no shell reads the setting: $ is not expanded)" if "$" in program else ""
    return f"{key}: no program {program!r} on PATH here{unread}; `posts edit` cannot run it until there is"


def check_timezone(name: str) -> None:
    """An IANA zone name such as Europe/Berlin (or UTC)."""
    from blogster_cli.planning.times import UnknownTimezone, zone

    try:
        zone(name)
    except UnknownTimezone:
        raise InvalidInput(f"unknown timezone {name!r} (use an IANA name like Europe/Berlin)") from None


SOURCE_FILE, SOURCE_ENVIRONMENT, SOURCE_OPTION, SOURCE_DEFAULT = "file", "environment", "option", "default"
"""Where a setting's value comes from, as `config list` names it (its `source` column)."""


@dataclass(frozen=True)
class SettingValue:
    """One setting as `config list` shows it: the value that applies, where it comes from, and
    what is wrong with it (the one-line error every other command stops with), if anything."""

    key: str
    value: object
    """As checked; a value that does not pass its check as it was written."""
    source: str
    """SOURCE_FILE, SOURCE_ENVIRONMENT, SOURCE_OPTION (--database-url) or SOURCE_DEFAULT."""
    where: str
    """The file's section and key, the environment variable, --database-url, or "the default"."""
    problem: str | None = None


def _layers(profile: str, database_url: str | None) -> list[tuple[str, object, str, str]]:
    """(key, raw value, source, where) in order of precedence, lowest first: the file's section,
    the environment, --database-url."""
    section = read_config_file().get("profiles", {}).get(profile, {})
    layers = [
        (str(key), value, SOURCE_FILE, f"{config_path()} [profiles.{profile}] {key}") for key, value in section.items()
    ]
    layers += [
        (key, os.environ[name], SOURCE_ENVIRONMENT, name) for key, name in ENV_OVERRIDES.items() if os.environ.get(name)
    ]
    if database_url:
        layers.append(("database_url", database_url, SOURCE_OPTION, "--database-url"))
    return layers


def fix_hint(key: str, source: str, where: str, *, profile: str = DEFAULT_PROFILE) -> str:
    """How to mend a bad value where it is: an environment variable overrides the file, so for
    one the way is to unset it (`config set` would change only the file underneath)."""
    if source == SOURCE_ENVIRONMENT:
        return f"unset {where}, or give it a valid value"
    if source == SOURCE_OPTION:
        return f"fix {where}"
    chosen = "" if profile == DEFAULT_PROFILE else f" --profile {profile}"
    return f"fix it there, or: blogster{chosen} config set {key} VALUE"


def inspect_settings(profile: str = DEFAULT_PROFILE, *, database_url: str | None = None) -> list[SettingValue]:
    """Every setting of `profile` with its source, a bad value marked rather than raised (what
    `config list` shows); a key the file has but no setting is, after them. load_settings raises
    the first problem found here."""
    defaults = Settings()
    found = {key: SettingValue(key, getattr(defaults, key), SOURCE_DEFAULT, "the default") for key in Settings.keys()}
    unknown: list[SettingValue] = []
    for key, raw, source, where in _layers(profile, database_url):
        try:
            name = setting_name(key)
        except InvalidInput as exc:
            unknown.append(SettingValue(key, raw, source, where, f"{where}: {exc} (remove it there)"))
            continue
        earlier = found[name].problem  # a bad file value stops commands even under a good variable
        try:
            found[name] = SettingValue(name, coerce(name, raw), source, where, earlier)
        except InvalidInput as exc:
            problem = earlier or f"{where}: {exc} ({fix_hint(name, source, where, profile=profile)})"
            found[name] = SettingValue(name, raw, source, where, problem)
    return [*found.values(), *unknown]


def load_settings(profile: str = DEFAULT_PROFILE, *, database_url: str | None = None) -> Settings:
    """Settings for `profile`: file values, then environment, then an explicit --database-url.
    A bad value raises ConfigError naming where it is and how to mend it there."""
    settings = Settings()
    for found in inspect_settings(profile, database_url=database_url):
        if found.problem is not None:
            raise ConfigError(found.problem)
        if found.source != SOURCE_DEFAULT:
            setattr(settings, found.key, found.value)
            settings.sources[found.key] = found.where
    return settings


def write_setting(profile: str, key: str, value: str | None) -> object:
    """Sets (or, with None, removes) one key of one profile, keeping the rest of the file; returns
    the value as stored (`coerce`d: a host name in lower case, a number as a number)."""
    key = setting_name(key)
    coerced = coerce(key, value) if value is not None else None
    if isinstance(coerced, str):
        check_storable(key, coerced)
    with config_file_lock():
        document = read_config_file()
        section = document.setdefault("profiles", {}).setdefault(profile, {})
        if coerced is None:
            section.pop(key, None)
        else:
            section[key] = coerced
        write_config_file(document)
    return coerced


CONFIG_LOCK_WAIT_S = 30.0
"""How long a change waits for another command's change to the config file."""


@cache
def _config_file() -> SharedPrivateFile:
    """The config file as the commands changing it share it (private_files.SharedPrivateFile)."""
    from blogster_cli.private_files import SharedPrivateFile

    return SharedPrivateFile(config_path, busy=file_being_changed, wait_s=CONFIG_LOCK_WAIT_S)


def file_being_changed(path: Path) -> ConfigError:
    """What a change says when another command's change to a shared private file outlasts its wait."""
    return ConfigError(f"{path} is being changed by another command: try again")


@contextmanager
def config_file_lock() -> Iterator[None]:
    """Serialises changes to the config file across processes: an exclusive advisory lock
    (flock) on `config.toml.lock` beside it, held by whoever reads, changes and rewrites the
    file, for as long as that takes (waits for another command's change, at most
    CONFIG_LOCK_WAIT_S, then ConfigError; an OSError making it is a file-system error, exit 8,
    as the write's would be). Re-entrant within a process (and its threads take turns), so a
    change that writes twice (`services.settings.change`) holds it across both."""
    with _config_file().lock():
        yield


def write_config_file(document: dict[str, Any]) -> None:
    """The whole config file, replaced: private (0600 in a 0700 folder), as it once held passwords.
    Written to a temporary file of its own in the same folder (unique per writer, 0600 from
    creation), fsynced, then renamed over the file; call it inside `config_file_lock`, around the
    read it changes, or a change made meanwhile is lost. Temporary files that killed writers left
    are removed first (private_files.SharedPrivateFile)."""
    import tomli_w

    _config_file().replace(tomli_w.dumps(document).encode("utf-8"))
