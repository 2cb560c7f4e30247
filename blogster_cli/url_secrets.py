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

LIBPQ_SECRETS = ("password", "sslpassword", "oauth_client_secret")
"""libpq's connection parameters that hold a secret, those PQconndefaults marks as secret
(dispchar '*'; tests/unit/test_libpq_secrets.py holds the two lists together): the login's password,
the client key's passphrase and libpq 18's OAuth client secret."""

SECRET_NAMES = (*LIBPQ_SECRETS, "api_key", "apikey", "api-key", "key", "token", "access_token", "client_secret")
"""The parameters whose value is a secret wherever a URL or libpq string names one (`?password=`,
`?api_key=`, `password=`): libpq's, and those HTTP APIs take a key or token in."""


def without_password(value: str) -> str:
    """A URL (scheme://user:password@host/...) or libpq string (password=...) as shown on a
    terminal, in `--json` or a log: its secrets (`replace_password`) replaced by ***. Everything
    else unchanged."""
    return replace_password(value, "***")


def replace_password(value: str, shown: str | None) -> str:
    """`value` with its secrets shown as `shown`, or left out with None: a URL's password (its
    `user:password@` found by `userinfo_at`) and query secrets (SECRET_NAMES), or a libpq
    string's (`libpq_secrets_as_written`)."""
    return libpq_secrets_as_written(value, shown)[0]


def userinfo_at(value: str) -> tuple[int, int] | None:
    """Where a URL's `user:password@` is in `value` (its start after `scheme://`, and its '@'), or
    None; read generously, so that no part of a password is left out: up to the LAST '@' before
    the query or fragment, which starts at the first '?' or '#' after the path's first '/' (the
    first '/' after a host: text with no ':' but before a port's digits, `[v6]`, `h1:1,h2:2`). So
    a raw '@', '/', '?', '#' or ':' in the password is part of it (`u:pa/ss?x#y@z@host/db`), and
    so is an '@' in a path up to it (`u:pw@host/d@b` shows as `u:***@b`: masked too much rather
    than too little); an '@' in the query is not (`/db?application_name=a@b`). The one reading
    of a URL setting's password: shown (`without_password`, config.shown_url), stored
    (config.check_storable) and checked against what libpq or an HTTP client reads of it
    (config.unread_password, `read_as_written`)."""
    match = _URI.match(value)
    if match is None:
        return None
    start = match.end()
    slash = value.find("/", start)
    while slash >= 0:
        at = value.rfind("@", start, slash)
        if _HOSTS.fullmatch(value, at + 1 if at >= 0 else start, slash):
            break
        slash = value.find("/", slash + 1)
    ends = (value.find("?", slash), value.find("#", slash)) if slash >= 0 else ()
    end = min((i for i in ends if i >= 0), default=len(value))
    at = value.rfind("@", start, end)
    return None if at < 0 else (start, at)


def url_password(value: str) -> str | None:
    """The password of a URL's `user:password@` (`userinfo_at`) as written (percent-encoded), or None."""
    found = userinfo_at(value)
    if found is None:
        return None
    user, colon, password = value[found[0] : found[1]].partition(":")
    return password if colon else None


def read_as_written(value: str) -> bool:
    """Whether a URL reader (urllib; httpx reads the same) reads the URL `value` as written: its
    port a number, and the user and password of its `user:password@` as `userinfo_at` finds them
    (a raw '/', '?' or '#' in a password ends the host there: `u:pa/ss@host` is the host u with a
    port `pa` to it)."""
    from urllib.parse import unquote, urlsplit

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number
    except ValueError:
        return False
    found = userinfo_at(value)
    if found is None:
        return True
    user, colon, password = value[found[0] : found[1]].partition(":")
    read = (unquote(parts.username or ""), unquote(parts.password or ""))
    return not colon or read == (unquote(user), unquote(password))


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


LIBPQ_URI_PREFIXES = ("postgresql://", "postgres://")

_URI = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*://")
_HOST = r"(?:\[[^\]]*\]|[^\[\]:,]*)(?::\d*)?"
_HOSTS = re.compile(rf"{_HOST}(?:,{_HOST})*")
"""A URL's host (or libpq's list of them), each with a port of digits: what may come before a path."""


def is_connection_string(value: str) -> bool:
    """Whether libpq takes `value` for a connection string rather than a database name (as it
    takes a dbname given to `psql -d`, pg_dump or PQconnectdbParams' expand_dbname): a
    postgresql:// or postgres:// URI, or text holding '='."""
    return value.startswith(LIBPQ_URI_PREFIXES) or "=" in value


def libpq_secrets_as_written(value: str, shown: str | None) -> tuple[str, list[str]]:
    """`value`, a libpq connection string (a URI, else key=value pairs), with each secret in it
    (LIBPQ_SECRETS, under any spelling of its name; a database name that is itself a connection
    string holding one) shown as `shown` (None: left out, but for a database name), and the
    secrets as they are written (percent-decoded or unescaped too).

    Read as libpq reads it, and generously where libpq cannot read it (an unknown parameter, an
    unterminated quote, a bad %-escape, a URI's scheme in capitals) so that no secret shows there
    either: an unterminated quote runs to the end, the words after an unquoted secret up to the next
    `name=` are part of it, a URI's user info is what `userinfo_at` finds, and a URI's query secrets
    are any of SECRET_NAMES (an HTTP API's `?api_key=` too, for the URL settings). Callers that
    need libpq's exact reading check the result with libpq (config.libpq_replace_password)."""
    if _URI.match(value):
        return _uri_secrets(value, shown)
    return _pairs_secrets(value, shown)


def _is_secret_name(name: str, names: tuple[str, ...] = LIBPQ_SECRETS) -> bool:
    from urllib.parse import unquote

    return unquote(name).strip().lower() in names


def _inner_secrets(dbname: str) -> list[str]:
    """The secrets of a database name that is itself a connection string (libpq's tools read it as one)."""
    return libpq_secrets_as_written(dbname, None)[1] if is_connection_string(dbname) else []


def _uri_secrets(value: str, shown: str | None) -> tuple[str, list[str]]:
    from urllib.parse import unquote

    match = _URI.match(value)
    assert match is not None  # libpq_secrets_as_written sends only URIs here
    head, userinfo, rest = match[0], "", value[match.end() :]
    found: list[str] = []
    where = userinfo_at(value)
    if where is not None:
        userinfo, rest = value[where[0] : where[1] + 1], value[where[1] + 1 :]
        user, colon, password = userinfo[:-1].partition(":")
        if colon:
            found += [password, unquote(password)]
            userinfo = f"{user}@" if shown is None else f"{user}:{shown}@"
    base, question, query = rest.partition("?")
    host, slash_found, path = base.partition("/")
    inner = _inner_secrets(unquote(path)) if slash_found else []
    if inner:
        found += [path, unquote(path), *inner]
        base = base if shown is None else f"{host}/{shown}"
    pieces = re.split(r"([?&])", query) if question else []  # a stray '?' parts them too (read generously)
    kept, removed = [], False  # each kept one with the '?' or '&' before it
    for index in range(0, len(pieces), 2):
        before, param = pieces[index - 1] if index else "", pieces[index]
        name, equals, item = param.partition("=")
        if equals and _is_secret_name(name, SECRET_NAMES):
            found += [item, unquote(item)]
            removed = True
            if shown is not None:
                kept.append(f"{before}{name}={shown}")
            elif index == 0 and len(pieces) > 1:  # the next one's '?' or '&' starts the query instead
                pieces[1] = ""
        elif equals and unquote(name).strip().lower() == "dbname" and (inner := _inner_secrets(unquote(item))):
            found += [item, unquote(item), *inner]
            kept.append(before + (param if shown is None else f"{name}={shown}"))
        else:
            kept.append(before + param)
    tail = f"?{''.join(kept)}" if question and (kept or not removed) else ""
    return f"{head}{userinfo}{base}{tail}", [text for text in found if text]


def _pairs_secrets(value: str, shown: str | None) -> tuple[str, list[str]]:
    """key=value pairs, read as libpq's conninfo_parse reads them: a value is quoted ('...', with
    backslash escapes) or runs to the next blank (a backslash escapes one character)."""
    spans: list[tuple[int, int, int, bool]] = []  # (pair start, value start, value end, is a dbname)
    found: list[str] = []
    i, n = 0, len(value)
    last_secret = False  # the last pair was an unquoted secret: stray words after it are part of it
    while i < n:
        start = i
        while i < n and value[i].isspace():
            i += 1
        name_start = i
        while i < n and not value[i].isspace() and value[i] != "=":
            i += 1
        name = value[name_start:i]
        j = i
        while j < n and value[j].isspace():
            j += 1
        if j >= n or value[j] != "=":  # a word without '=': libpq stops here; it may be a secret's rest
            if last_secret and name:
                pair_start, value_start, _, dbname = spans[-1]
                spans[-1] = (pair_start, value_start, i, dbname)
            if i == name_start:  # nothing read (only blanks were left)
                break
            continue
        i = j + 1
        while i < n and value[i].isspace():
            i += 1
        value_start = i
        if i < n and value[i] == "'":
            i += 1
            while i < n and value[i] != "'":
                i += 2 if value[i] == "\\" else 1
            i = min(i + 1, n)
            quoted = True
        else:
            while i < n and not value[i].isspace():
                i += 2 if value[i] == "\\" else 1
            i = min(i, n)
            quoted = False
        secret = _is_secret_name(name)
        inner = _inner_secrets(_unescaped(value[value_start:i])) if name.strip().lower() == "dbname" else []
        found += inner
        dbname = bool(inner)
        if secret or dbname:
            spans.append((start, value_start, i, dbname))
        last_secret = secret and not quoted
    for pair_start, value_start, value_end, dbname in reversed(spans):
        written = value[value_start:value_end]
        found += [written, _unescaped(written), *written.split()]
        if shown is not None:
            value = value[:value_start] + shown + value[value_end:]
        elif not dbname:
            value = value[:pair_start] + value[value_end:]
    return (value if shown is not None else value.strip()), [text for text in found if text]


def _unescaped(written: str) -> str:
    """A key=value pair's value as libpq reads it: without its quotes and backslashes."""
    inner = written[1:-1] if len(written) > 1 and written[0] == written[-1] == "'" else written.lstrip("'")
    return re.sub(r"\\(.)", r"\1", inner, flags=re.S)
