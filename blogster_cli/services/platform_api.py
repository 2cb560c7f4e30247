"""The platforms' documented APIs over HTTP: Forem (dev.to) articles, Hashnode GraphQL, WordPress REST.

Each client can find a copy it made before by the post's canonical URL (how a re-run
after a crash between the remote create and the local record avoids a second copy), tell
whether the post with a given id is such a copy (the same test, for an id whose site is not
known), create one, and update one. A 429 (the request was not processed) or a 503 with a short
Retry-After is waited out and retried, except that a create is never sent again blindly: after
a 503 (the platform may have made the post before failing) `create_unless_there` looks the copy
up first and creates only if it is not there. Anything else becomes a one-line PlatformError
that carries no part of the credential (the token, a WordPress application password alone, its
`user:password` and that pair's base64 form), masked before the message is cut short.

The id and URL a platform answers with are checked before anyone stores them (`_Http.copy`):
the id printable text of at most 200 characters, the URL http(s) (https unless it is this
machine) of at most 2,048; an answer outside that is a PlatformError like any other refusal.
An update's answer must carry the id it was sent to (`_Http.updated`): another id is refused.

Every request has a deadline (REQUEST_DEADLINE_S for connect, send and the whole answer, however
slowly a server trickles it: `http_deadline` cuts every socket wait to what is left), all the
requests of one client (one cross-post or social post: the lookup's pages, tags, retries) share
RUN_DEADLINE_S, and an answer is read as a stream of at most MAX_ANSWER_BYTES (an error answer:
its first MAX_ERROR_EXCERPT_BYTES, enough for the one-line excerpt; the answer to a post's create
or update, which echoes the post, what `echo_limit` allows for what was sent; a lookup's page of one
post, MAX_POST_ANSWER_BYTES) and parsed only if it holds at most MAX_ANSWER_VALUES JSON values, so a
hostile or broken server can neither fill the memory nor hold the run (and the copy's row lock) for
ever. A page must be a list of objects, any other answer an object. Lists that carry each post's
body are read in pages of LIST_PAGE_SIZE, smaller where a page is too big (`_Http.listed`). Only a
2xx answer is a success: a redirect is not followed (the credential would go with it) but refused.
"""

from __future__ import annotations

import codecs
import html
import json
import math
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, quote_plus, urljoin, urlsplit

import orjson

from blogster_cli.config import is_loopback
from blogster_cli.distribution.crosspost import (
    Article,
    forem_tags,
    hashnode_tags,
    with_original_link,
    wordpress_tags,
)
from blogster_cli.errors import BlogsterError
from blogster_cli.services.http_deadline import DeadlineBackend
from blogster_cli.url_secrets import in_base64, longest_first, masked, masked_line

if TYPE_CHECKING:
    import httpx2

    from blogster_cli.services.platform_accounts import PlatformEndpoint

TIMEOUT_S = 30.0
"""The longest wait for any one network step (connect, one write, one read)."""
REQUEST_DEADLINE_S = 60.0
"""The longest a request may take as a whole: connect, send, and the answer's headers and body."""
RUN_DEADLINE_S = 300.0
"""The longest all the requests of one client may take: a lookup of 50 pages answered in 59 s each
held a cross-post (and its row lock) for 50 minutes."""
MAX_ANSWER_BYTES = 4 * 1024 * 1024
"""The largest answer read (decoded): a page of LIST_PAGE_SIZE posts, a tag, a social post's answer."""
MAX_POST_ANSWER_BYTES = 64 * 1024 * 1024
"""The largest answer carrying one post in full: a post of up to 4 MiB (MAX_CONTENT_BYTES) comes back
as its text and its rendering, JSON-escaped (Rails writes each `<` of the HTML as `\\u003c`)."""
ECHO_FACTOR = 64
"""How many times what was sent a create's or update's answer may add to MAX_ANSWER_BYTES (up to
MAX_POST_ANSWER_BYTES): dev.to echoes body_markdown and body_html, WordPress the content raw and
rendered. Highlighted code is a `<span>` a token, and Rails escapes each `<`, `>` and `&` in six
bytes: a post of code answers ~25 times its size, a post of `<`s 15 times (8 refused both)."""
MAX_ANSWER_VALUES = 1_000_000
"""The most JSON values (objects, arrays, keys, numbers, strings) an answer may hold to be parsed:
each takes up to ~100 bytes parsed whatever its size in the answer (`{},` is 3 bytes and a 64-byte
dict), so a 64 MiB answer of `{}`s took 3.3 GB. A page of 100 posts holds some tens of thousands:
a post is big by its text, not its structure."""
MAX_ERROR_EXCERPT_BYTES = 64 * 1024
"""How much of an error answer is read: its message shows only the first 200 characters."""
MAX_RETRY_WAIT_S = 60.0
MAX_ATTEMPTS = 3
LIST_PAGE_SIZE = 100
"""Posts asked per page of a list that carries each post's body (dev.to's body_markdown, WordPress's
content): 1,000 of dev.to's averaging 4.2 KB made a page over MAX_ANSWER_BYTES."""
MAX_LIST_PAGES = 500
"""The most pages one lookup reads: dev.to's newest 50,000 articles in pages of LIST_PAGE_SIZE."""
MAX_POST_ID_CHARS = 200
MAX_POST_URL_CHARS = 2048
LABELS = {"devto": "dev.to", "hashnode": "Hashnode", "wordpress": "WordPress", "twitter": "X", "linkedin": "LinkedIn"}


class PlatformError(BlogsterError):
    """The platform refused or failed the request; the message is one line."""


class TooBig(PlatformError):
    """The answer was larger than the request allowed: refused, the rest left unread."""


class MaybeMade(PlatformError):
    """A create answered 503: the platform may have made the post all the same, so the create is
    not sent again before the copy is looked up (`create_unless_there`)."""

    def __init__(self, message: str, *, wait: float | None) -> None:
        super().__init__(message)
        self.wait = wait


class NotThere(PlatformError):
    """The platform answered 404 (or its API's 'not found') for the post id: the copy is gone."""


class Refused(PlatformError):
    """The platform answered 401 or 403: a bad token, or a post this account may not touch."""


class NotReached(PlatformError):
    """No connection was made (refused, no such host, the connect timed out): the request never
    left this machine, so trying it again later cannot make a second post."""


@dataclass(frozen=True)
class RemoteCopy:
    id: str
    url: str | None


class PlatformClient(Protocol):
    def find(self, canonical_urls: Sequence[str], slug: str) -> RemoteCopy | None: ...
    def is_our_copy(self, remote_id: str, canonical_urls: Sequence[str]) -> bool: ...
    def create(self, article: Article) -> RemoteCopy: ...
    def update(self, remote_id: str, article: Article) -> RemoteCopy: ...


def secret_forms(token: str) -> list[str]:
    """Every form in which a server could echo the credential, longest first: the token itself;
    for a `user:password` token (WordPress) the password alone, with and without the spaces
    WordPress shows in application passwords; each in base64 (the Basic auth header's is the
    pair's), %-quoted and form-encoded."""
    forms = {token}
    if ":" in token:
        user, _, password = token.partition(":")
        compact = "".join(password.split())
        forms |= {password, compact, f"{user}:{compact}"}
    forms |= in_base64(forms)  # Basic auth's, or echoed so
    forms |= {
        quoted for form in list(forms) for quoted in (quote(form, safe=""), quote_plus(form))
    }  # a URL's, a form's
    return longest_first(forms)


def echo_limit(sent: object) -> int:
    """How much of the answer to a create or update that sent `sent` (JSON) is read: the answer
    echoes the post and its rendering, so a post of a few MiB answers more than MAX_ANSWER_BYTES."""
    return min(MAX_POST_ANSWER_BYTES, MAX_ANSWER_BYTES + ECHO_FACTOR * len(json.dumps(sent)))


_JSON_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
"""A JSON string, quotes and escapes included; possessive (`*+`), as with `*` the regex engine keeps
a backtracking point for each escape: 8 million `\\n`s took 1 GB."""


def json_values(content: bytes) -> int:
    """At most how many values (keys included) the JSON `content` holds, counted in C without
    parsing: each but the first follows a `[`, `{`, `,` or `:`, counted once the strings are taken
    out (a 64 MiB answer in ~0.2 s)."""
    skeleton = _JSON_STRING.sub(b"", content)
    return 1 + sum(skeleton.count(opener) for opener in (b"[", b"{", b",", b":"))


def id_problem(remote_id: object) -> str | None:
    """Why a platform's post id cannot be kept (and used in later request paths), or None."""
    if isinstance(remote_id, bool) or not isinstance(remote_id, str | int):
        return "not text"
    text = str(remote_id)
    if not text:
        return "empty"
    if len(text) > MAX_POST_ID_CHARS:
        return f"longer than {MAX_POST_ID_CHARS} characters"
    if not text.isprintable() or text != text.strip():
        return "not printable text"
    return None


def _url_problem(url: object) -> str | None:
    """Why a platform's post URL cannot be kept (and shown as a link), or None."""
    if not isinstance(url, str):
        return "not text"
    if len(url) > MAX_POST_URL_CHARS:
        return f"longer than {MAX_POST_URL_CHARS:,} characters"
    # urlsplit quietly drops tabs and line breaks (and leading spaces): refuse them first.
    if not url.isprintable() or any(c.isspace() for c in url):
        return "not an http(s) URL"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "not an http(s) URL"
    if parts.scheme.lower() not in ("http", "https") or not host:
        return "not an http(s) URL"
    if parts.username is not None or parts.password is not None:
        return "it carries a user or password"
    if parts.scheme.lower() != "https" and not is_loopback(host):
        return "plain http to another machine: https is required"
    return None


@dataclass(frozen=True)
class Answer:
    """A platform's answer, read in full (within the request's limit)."""

    status_code: int
    headers: httpx2.Headers
    content: bytes
    encoding: str | None = None

    @property
    def text(self) -> str:
        """The body as text in the charset the answer names, or UTF-8 where Python has no such text
        codec (`x-bogus`, `rot13`, `hex`: the platform's choice, not a reason to fail)."""
        try:
            return self.content.decode(self.encoding or "utf-8", errors="replace")
        except (LookupError, TypeError):
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed by orjson, straight from the UTF-8 bytes (the json module first decodes
        them to a str as large again, 4 bytes a character where one is an emoji); a UTF-8 BOM
        (some PHP sites send one) is skipped."""
        start = len(codecs.BOM_UTF8) if self.content.startswith(codecs.BOM_UTF8) else 0
        return orjson.loads(memoryview(self.content)[start:])


def _retry_after(response: httpx2.Response) -> float | None:
    """Seconds to wait, from Retry-After as seconds or as an HTTP date (RFC 9110); None when absent
    or unreadable (`inf`, `nan`, a date that is no date), 0 for a time already past."""
    from email.utils import parsedate_to_datetime

    value = (response.headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


class _Http:
    """One httpx2 client with the platform's auth, retries after 429/503 and readable errors."""

    def __init__(
        self, endpoint: PlatformEndpoint, *, headers: dict[str, str], auth: Any = None, under_base: bool = True,
        reconnect: str = "blogster platforms connect",
    ) -> None:  # fmt: skip
        import httpx2

        self.check_token = (  # the token the environment overrides the stored one with is checked there
            f"check {endpoint.token_variable}, which overrides the stored token"
            if endpoint.token_variable
            else f"check it with `{reconnect}`"
        )
        self.label = LABELS[endpoint.platform]
        self._secrets = secret_forms(endpoint.token) if endpoint.token else []
        base = endpoint.base_url if under_base else ""
        self._backend = DeadlineBackend()
        self._run_ends = time.monotonic() + RUN_DEADLINE_S
        self.client = httpx2.Client(
            base_url=base, headers=headers, auth=auth, timeout=TIMEOUT_S, transport=self._backend.transport()
        )  # fmt: skip

    def call(self, method: str, path: str, *, shape: type[dict[str, Any] | list[Any]] = dict, **kwargs: Any) -> Any:
        """The answer's JSON (see `request`), which must be an object (a list with `shape=list`)."""
        answer = self.request(method, path, **kwargs)
        found = self._json(answer)
        if not isinstance(found, shape):
            what = "a list" if shape is list else "an object"
            raise PlatformError(f"{self.label} answered {answer.status_code} with JSON that is not {what}")
        return found

    def _json(self, response: Answer) -> Any:
        """The answer's JSON; TooBig, unparsed, where it holds more than MAX_ANSWER_VALUES values."""
        if json_values(response.content) > MAX_ANSWER_VALUES:
            raise TooBig(
                f"{self.label} answered {response.status_code} with more than {MAX_ANSWER_VALUES:,} JSON values: refused"
            )
        try:
            return response.json()
        except ValueError:  # (orjson's JSONDecodeError, JSON nested past 1,024 levels included)
            raise PlatformError(f"{self.label} answered {response.status_code} without JSON") from None

    def sent_post(self, method: str, path: str, body: dict[str, Any], *, creates: bool = False) -> Any:
        """The JSON answer to a post's create or update, read up to what `echo_limit` allows."""
        return self.call(method, path, json=body, creates=creates, limit=echo_limit(body))

    def listed(self, path: str, params: dict[str, Any], *, most: int) -> Iterator[Any]:
        """The first `most` items of a paged list whose items carry a post's body, in pages of
        LIST_PAGE_SIZE (at most MAX_LIST_PAGES). A page over MAX_ANSWER_BYTES is asked again a tenth
        as large, down to one item (read up to MAX_POST_ANSWER_BYTES), and the pages grow back
        after. The list ends at an empty page, or at WordPress's last (X-WP-TotalPages: it refuses
        a page past it)."""
        first, size = 0, LIST_PAGE_SIZE
        for _ in range(MAX_LIST_PAGES):
            page = first // size + 1
            limit = MAX_ANSWER_BYTES if size > 1 else MAX_POST_ANSWER_BYTES
            try:
                answer = self.request("GET", path, params={**params, "page": page, "per_page": size}, limit=limit)
                items = self._json(answer) or []
            except TooBig:
                if size == 1:
                    raise
                size //= 10
                continue
            if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                raise PlatformError(
                    f"{self.label} answered {answer.status_code} with a page that is not a list of posts"
                )
            yield from items[: most - first]
            first += size
            if not items or first >= most or answer.headers.get("x-wp-totalpages") == str(page):
                return
            if size < LIST_PAGE_SIZE and first % (size * 10) == 0:
                size *= 10

    def request(
        self, method: str, path: str, *, creates: bool = False, limit: int = MAX_ANSWER_BYTES, **kwargs: Any
    ) -> Answer:
        """A successful (2xx) answer, after waiting out short rate limits; PlatformError otherwise.

        `creates`: the request makes something (a post, a tag), so a 503 is not retried (the
        platform may have acted on it) but raised as MaybeMade; a 429 still is (not processed).
        Each attempt has REQUEST_DEADLINE_S in all, within what is left of the client's RUN_DEADLINE_S,
        and an answer over `limit` bytes is refused (TooBig)."""
        import httpx2

        for attempt in range(1, MAX_ATTEMPTS + 1):
            now = time.monotonic()
            if now >= self._run_ends:
                raise self._too_slow()
            deadline = min(now + REQUEST_DEADLINE_S, self._run_ends)
            self._backend.deadline = deadline
            try:
                with self.client.stream(method, path, **kwargs) as response:
                    answer = self._answer(response, creates=creates, attempt=attempt, deadline=deadline, limit=limit)
            except httpx2.HTTPError as exc:
                if time.monotonic() >= deadline:
                    raise self._too_slow() from None
                if isinstance(exc, httpx2.ReadTimeout):  # reached, and the request sent: it may have acted on it
                    raise PlatformError(f"{self.label} did not answer within {TIMEOUT_S:g} s") from None
                kind = NotReached if isinstance(exc, (httpx2.ConnectError, httpx2.ConnectTimeout)) else PlatformError
                raise kind(f"could not reach {self.label}{self._where(exc)}: {self._why(exc)}") from None
            finally:
                self._backend.deadline = None
            if answer is not None:
                return answer
        raise AssertionError("unreachable")

    @staticmethod
    def _where(exc: httpx2.HTTPError) -> str:
        """' at HOST:PORT' of the request (the configured URL's, which need not be the platform's own)."""
        try:
            url = exc.request.url
        except RuntimeError:  # an error raised before a request was made
            return ""
        return f" at {url.host}:{url.port}" if url.port is not None else f" at {url.host}"

    def _why(self, exc: BaseException) -> str:
        """'connection refused', 'name or service not known': the system's reason where there is one,
        else the error's kind (ConnectError), never a text a server sent. An https:// URL at a plain
        HTTP server (a local one, typically) is said in words, not as OpenSSL's WRONG_VERSION_NUMBER."""
        import ssl

        seen: BaseException | None = exc
        while seen is not None:
            if isinstance(seen, ssl.SSLError) and seen.reason == "WRONG_VERSION_NUMBER":
                return "the server there does not speak https (try http:// for a local server)"
            if isinstance(seen, OSError) and seen.strerror:
                return self._clean(seen.strerror.lower())
            seen = seen.__cause__ or seen.__context__
        return self._clean(type(exc).__name__)

    def _too_slow(self) -> PlatformError:
        if time.monotonic() >= self._run_ends:
            return PlatformError(f"{self.label} took more than {RUN_DEADLINE_S:g} s in all for this run")
        return PlatformError(f"{self.label} did not answer within {REQUEST_DEADLINE_S:g} s")

    def _answer(
        self, response: httpx2.Response, *, creates: bool, attempt: int, deadline: float, limit: int
    ) -> Answer | None:
        """The answer read in full, None to try again (after the wait), or PlatformError."""
        if response.status_code == 503 and creates:
            wait = _retry_after(response)
            after = f"; try again in {wait:.0f} s" if wait is not None else ""
            raise MaybeMade(
                f"{self.label} answered 503 to the create; it may have made the copy all the same, so the next"
                f" try looks for it before creating one{after}",
                wait=wait,
            )
        if response.status_code in (429, 503):
            wait = _retry_after(response)
            if (
                wait is not None
                and wait <= MAX_RETRY_WAIT_S
                and attempt < MAX_ATTEMPTS
                and time.monotonic() + wait < self._run_ends
            ):
                time.sleep(wait)
                return None
            after = f"; try again in {wait:.0f} s" if wait is not None else ""
            raise PlatformError(f"{self.label} is rate limiting ({response.status_code}){after}")
        if response.status_code in (401, 403):
            raise Refused(f"{self.label} refused the token ({response.status_code}): {self.check_token}")
        if response.status_code >= 400:
            kind = NotThere if response.status_code == 404 else PlatformError
            excerpt = self._read(response, deadline=deadline, limit=MAX_ERROR_EXCERPT_BYTES, cut=True)
            raise kind(f"{self.label} answered {response.status_code}: {self.one_line(excerpt.text)}")
        if not 200 <= response.status_code < 300:  # a redirect's body is no answer, and is not followed
            raise PlatformError(
                f"{self.label} answered {response.status_code}{self._redirect(response)}: check the URL"
            )
        return self._read(response, deadline=deadline, limit=limit, cut=False)

    def _redirect(self, response: httpx2.Response) -> str:
        """' (redirect to HOST)' where the answer's Location names a host, else ''."""
        location = response.headers.get("location")
        try:
            host = urlsplit(urljoin(str(response.request.url), location)).hostname if location else None
        except ValueError:
            host = None
        return f" (redirect to {self.one_line(host)})" if host else ""

    def _read(self, response: httpx2.Response, *, deadline: float, limit: int, cut: bool) -> Answer:
        """The answer's body, decoded, by the deadline: at most `limit` bytes, the rest dropped
        (`cut`) or refused as a PlatformError (a Content-Length over it before anything is read)."""
        too_big = TooBig(
            f"{self.label} answered {response.status_code} with more than {limit // (1024 * 1024)} MiB: refused"
        )
        declared = response.headers.get("content-length", "")
        if not cut and declared.isdigit() and int(declared) > limit:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            if time.monotonic() >= deadline:
                raise self._too_slow()
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                if not cut:
                    raise too_big
                break
        content = b"".join(chunks)[:limit]
        return Answer(response.status_code, response.headers, content, response.charset_encoding)

    def copy(self, remote_id: object, url: object) -> RemoteCopy:
        """The post's id and URL as the platform answered them, once checked: what is stored and
        shown later, and the id goes into request paths. Neither is ever echoed (a 100 KB id, a
        terminal escape); a missing or empty URL is None."""
        problem = id_problem(remote_id)
        if problem is not None:
            raise PlatformError(f"{self.label} answered with an unusable post id ({problem}): not stored")
        if url is None or url == "":
            return RemoteCopy(id=str(remote_id), url=None)
        problem = _url_problem(url)
        if problem is not None:
            raise PlatformError(f"{self.label} answered with an unusable post URL ({problem}): not stored")
        assert isinstance(url, str)
        return RemoteCopy(id=str(remote_id), url=url)

    def updated(self, sent_id: str, remote_id: object, url: object) -> RemoteCopy:
        """`copy` for the answer to an update of post `sent_id`: it must be that post (an answer
        naming another would have the next runs update that one instead)."""
        made = self.copy(remote_id, url)
        if made.id != sent_id:
            raise PlatformError(f"{self.label} answered the update with another post's id: not stored")
        return made

    def _clean(self, text: str) -> str:
        """Never echo the credential in any of its forms, even if a server puts it in an error page."""
        return masked(text, self._secrets)

    def one_line(self, text: str) -> str:
        """A server's text as one line of at most 200 characters, the credential masked."""
        return masked_line(text, self._secrets)

    def close(self) -> None:
        self.client.close()


class ForemClient:
    """dev.to and every Forem site: {URL}/api/articles with the `api-key` header."""

    def __init__(self, endpoint: PlatformEndpoint) -> None:
        self.http = _Http(
            endpoint,
            headers={"api-key": endpoint.token, "accept": "application/vnd.forem.api-v1+json"},
        )

    def _own_articles(self) -> Iterator[Any]:
        """This account's articles, newest first, unpublished ones too (each with its body_markdown)."""
        return self.http.listed("/api/articles/me/all", {}, most=MAX_LIST_PAGES * LIST_PAGE_SIZE)

    def find(self, canonical_urls: Sequence[str], slug: str) -> RemoteCopy | None:
        for article in self._own_articles():
            if article.get("canonical_url") in canonical_urls:
                return self.http.copy(article["id"], article.get("url"))
        return None

    def is_our_copy(self, remote_id: str, canonical_urls: Sequence[str]) -> bool:
        """Whether article `remote_id` is one of this account's (its own list, as `find` reads it,
        unpublished ones too) carrying one of the canonical URLs. Fetched by id, anyone's article
        answers, and anyone may give theirs our canonical URL."""
        for article in self._own_articles():
            if str(article.get("id")) == remote_id:
                return article.get("canonical_url") in canonical_urls
        return False

    def _body(self, article: Article) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "title": article.title,
            "body_markdown": article.markdown,
            "published": True,
            "tags": forem_tags(article.tags),
            "canonical_url": article.canonical_url,
        }
        if article.description:
            fields["description"] = article.description
        return {"article": fields}

    def create(self, article: Article) -> RemoteCopy:
        made = self.http.sent_post("POST", "/api/articles", self._body(article), creates=True)
        return self.http.copy(made["id"], made.get("url"))

    def update(self, remote_id: str, article: Article) -> RemoteCopy:
        made = self.http.sent_post("PUT", f"/api/articles/{quote(remote_id, safe='')}", self._body(article))
        return self.http.updated(remote_id, made["id"], made.get("url"))


_HASHNODE_POST = "post { id url canonicalUrl }"


class HashnodeClient:
    """Hashnode's GraphQL API (publishPost / updatePost), posting to the token owner's first publication."""

    def __init__(self, endpoint: PlatformEndpoint) -> None:
        headers = {"authorization": endpoint.token, "content-type": "application/json"}
        self.http = _Http(endpoint, headers=headers, under_base=False)  # the URL is the endpoint itself
        self._url = endpoint.base_url
        self._publication: dict[str, Any] | None = None

    def _query(self, query: str, variables: dict[str, Any] | None = None, *, creates: bool = False) -> dict[str, Any]:
        answer = self.http.call("POST", self._url, json={"query": query, "variables": variables or {}}, creates=creates)
        if answer.get("errors"):
            error = answer["errors"][0]
            message = str(error.get("message", "error"))
            code = str((error.get("extensions") or {}).get("code", ""))
            gone = code == "NOT_FOUND" or re.search(r"\bnot found\b", message, re.IGNORECASE) is not None
            raise (NotThere if gone else PlatformError)(f"Hashnode: {self.http.one_line(message)}")
        data: dict[str, Any] = answer.get("data") or {}
        return data

    def _own_publication(self) -> dict[str, Any]:
        if self._publication is None:
            data = self._query(
                "query { me { publications(first: 1) { edges { node { id"
                " posts(first: 50) { edges { node { id url canonicalUrl } } } } } } } }"
            )
            edges = ((data.get("me") or {}).get("publications") or {}).get("edges") or []
            if not edges:
                raise PlatformError("Hashnode: the token's account has no publication to post to")
            self._publication = edges[0]["node"]
        return self._publication

    def find(self, canonical_urls: Sequence[str], slug: str) -> RemoteCopy | None:
        self._publication = None  # asked afresh: a create that failed may have made the post since
        posts = (self._own_publication().get("posts") or {}).get("edges") or []
        for edge in posts:
            node = edge["node"]
            if node.get("canonicalUrl") in canonical_urls:
                return self.http.copy(node["id"], node.get("url"))
        return None

    def is_our_copy(self, remote_id: str, canonical_urls: Sequence[str]) -> bool:
        """Whether post `remote_id` is in our publication and carries one of the canonical URLs, as
        `find` tests (which looks at our publication's 50 newest posts only)."""
        try:
            data = self._query(
                "query Post($id: ID!) { post(id: $id) { id canonicalUrl publication { id } } }", {"id": remote_id}
            )
        except NotThere:
            return False
        post = data.get("post") or {}
        return (
            post.get("canonicalUrl") in canonical_urls
            and (post.get("publication") or {}).get("id") == self._own_publication()["id"]
        )

    def _input(self, article: Article) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "title": article.title,
            "contentMarkdown": article.markdown,
            "tags": hashnode_tags(article.tags),
            "originalArticleURL": article.canonical_url,
        }
        if article.description:
            fields["subtitle"] = article.description[:250]
        return fields

    def create(self, article: Article) -> RemoteCopy:
        fields = {**self._input(article), "publicationId": self._own_publication()["id"]}
        data = self._query(
            f"mutation Publish($input: PublishPostInput!) {{ publishPost(input: $input) {{ {_HASHNODE_POST} }} }}",
            {"input": fields},
            creates=True,
        )
        post = (data.get("publishPost") or {}).get("post") or {}
        if not post.get("id"):
            raise PlatformError("Hashnode did not return the new post's id")
        return self.http.copy(post["id"], post.get("url"))

    def update(self, remote_id: str, article: Article) -> RemoteCopy:
        data = self._query(
            f"mutation Update($input: UpdatePostInput!) {{ updatePost(input: $input) {{ {_HASHNODE_POST} }} }}",
            {"input": {**self._input(article), "id": remote_id}},
        )
        post = (data.get("updatePost") or {}).get("post") or {}
        if not post.get("id"):
            raise PlatformError("Hashnode did not return the updated post")
        return self.http.updated(remote_id, post["id"], post.get("url"))


_ORIGINAL_LINK = re.compile(r'<a href="([^"]*)" rel="canonical">')
"""The link to the original with which with_original_link ends a WordPress copy (its href, escaped)."""


def _ends_with_original_link(post: Any, canonical_urls: Sequence[str]) -> bool:
    """Whether the last original link in a WordPress post's content is one of the canonical URLs
    (as sent, or HTML-escaped): the test of our copy. A post that merely links the original in its
    text (the copy of another post, a page of the site's owner) is not its copy."""
    links = {form for url in canonical_urls for form in (url, html.escape(url, quote=True))}
    content = post.get("content") or {}
    text = content.get("raw") or content.get("rendered") or ""
    originals = _ORIGINAL_LINK.findall(text) if isinstance(text, str) else []
    return bool(originals) and originals[-1] in links


class WordPressClient:
    """A WordPress site's REST API (wp/v2/posts, wp/v2/tags) with an application password (basic auth)."""

    def __init__(self, endpoint: PlatformEndpoint) -> None:
        user, _, password = endpoint.token.partition(":")
        self.http = _Http(endpoint, headers={"accept": "application/json"}, auth=(user, password))

    def find(self, canonical_urls: Sequence[str], slug: str) -> RemoteCopy | None:
        """A post of ours that is the copy of the original (every status, so drafts count too):
        looked for by the post's slug and the slug each canonical URL ends with, then by a search
        for the canonical URL (WordPress stores our copy as SLUG-2 when SLUG is taken on the site).
        A post found counts only if the last original link in its content (with_original_link's
        `rel="canonical"` one, which ends every copy) is one of the canonical URLs: the copy of
        another post that merely links this one in its text is not this post's copy."""
        slugs = dict.fromkeys([slug, *(urlsplit(url).path.rstrip("/").rpartition("/")[2] for url in canonical_urls)])
        queries = [{"slug": s} for s in slugs if s] + [{"search": url} for url in canonical_urls]
        for query in queries:
            params = {**query, "status": "any", "context": "edit"}
            for post in self.http.listed("/wp-json/wp/v2/posts", params, most=LIST_PAGE_SIZE):
                if _ends_with_original_link(post, canonical_urls):
                    return self.http.copy(post["id"], post.get("link"))
        return None

    def is_our_copy(self, remote_id: str, canonical_urls: Sequence[str]) -> bool:
        """Whether post `remote_id` here is our copy, by `find`'s test. None there (404: a page's id is
        none either), or one this account may not edit (403), is not."""
        path = f"/wp-json/wp/v2/posts/{quote(remote_id, safe='')}"
        try:
            post = self.http.call("GET", path, params={"context": "edit"}, limit=MAX_POST_ANSWER_BYTES)
        except (NotThere, Refused):  # (a bad token is reported by the lookup that follows)
            return False
        return _ends_with_original_link(post, canonical_urls)

    def _tag_ids(self, names: list[str]) -> list[int]:
        ids = []
        for name in wordpress_tags(names):
            found = self.http.call("GET", "/wp-json/wp/v2/tags", params={"search": name, "per_page": 100}, shape=list)
            match = next(
                (t for t in found if isinstance(t, dict) and str(t.get("name", "")).lower() == name.lower()), None
            )
            if match is None:
                match = self.http.call("POST", "/wp-json/wp/v2/tags", json={"name": name}, creates=True)
            tag_id = match.get("id") if isinstance(match, dict) else None
            if not isinstance(tag_id, int) or isinstance(tag_id, bool):
                raise PlatformError(f"WordPress answered tag {self.http.one_line(name)!r} without a numeric id")
            ids.append(tag_id)
        return ids

    def _body(self, article: Article) -> dict[str, Any]:
        # WordPress stores title and excerpt as HTML, and an application password usually belongs
        # to an editor allowed unfiltered HTML: they go as text (the content is sanitised HTML).
        return {
            "title": html.escape(article.title, quote=False),
            "content": with_original_link(article.html, article.canonical_url),
            "excerpt": html.escape(article.description or "", quote=False),
            "slug": article.slug,
            "status": "publish",
            "tags": self._tag_ids(article.tags),
        }

    def create(self, article: Article) -> RemoteCopy:
        made = self.http.sent_post("POST", "/wp-json/wp/v2/posts", self._body(article), creates=True)
        return self.http.copy(made["id"], made.get("link"))

    def update(self, remote_id: str, article: Article) -> RemoteCopy:
        made = self.http.sent_post("POST", f"/wp-json/wp/v2/posts/{quote(remote_id, safe='')}", self._body(article))
        return self.http.updated(remote_id, made["id"], made.get("link"))


def create_unless_there(
    client: PlatformClient, article: Article, canonical_urls: Sequence[str]
) -> tuple[RemoteCopy, bool]:
    """The copy and whether it was found rather than made. After a create that answered 503 (the
    platform may have made the post) and a short Retry-After, the copy is looked up by its
    canonical URLs, and another create is sent only when it is not there; a long or missing
    Retry-After, or the last attempt, raises MaybeMade: the next run looks before it creates."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return client.create(article), False
        except MaybeMade as exc:
            if exc.wait is None or exc.wait > MAX_RETRY_WAIT_S or attempt == MAX_ATTEMPTS:
                raise
            time.sleep(exc.wait)
        found = client.find(canonical_urls, article.slug)
        if found is not None:
            return found, True
    raise AssertionError("unreachable")


SOCIAL_PLATFORMS = ("twitter", "linkedin")
"""Where `social post-due` can post: the others (Facebook pages, Instagram, TikTok, Pinterest,
YouTube) publish media or need an app review, so their posts are left for posting by hand."""
LINKEDIN_VERSION = "202501"


class XClient:
    """X (Twitter) API v2: POST {URL}/2/tweets with an OAuth 2.0 user token (tweet.write)."""

    def __init__(self, endpoint: PlatformEndpoint) -> None:
        headers = {"Authorization": f"Bearer {endpoint.token}"}
        self.http = _Http(endpoint, headers=headers, reconnect="blogster social profiles connect")

    def post(self, text: str, *, idempotency_key: str) -> RemoteCopy:
        answer = self.http.call("POST", "/2/tweets", json={"text": text}, headers={"Idempotency-Key": idempotency_key})
        post_id = answer["data"]["id"]
        checked = self.http.copy(post_id, None)
        return RemoteCopy(checked.id, f"https://x.com/i/web/status/{quote(checked.id, safe='')}")


# LinkedIn reads a post's commentary in its "little text" format, where these characters start
# markup (mentions, hashtag templates, formatting): one left bare makes LinkedIn cut the post
# there while still answering 201. Each is sent escaped with a backslash, to show as itself
# (LinkedIn: "all reserved characters need to be escaped, even if not used in an element").
_LITTLE_TEXT_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
# A hashtag as the writer means one (the post's hashtags, which `compose` appends as " #tag", and
# one typed in the text): '#' at the start, or after a space, an opening bracket or quote, then
# letters, digits or '_' with at least one that is no digit. Not C#, a page#fragment, "issue #12".
_HASHTAG = re.compile(r"(?<![^\s(\[{\"'“‘«])#(\w*[^\W\d]\w*)")


def little_text(text: str) -> str:
    """`text` as LinkedIn's little text format shows it: each hashtag the writer wrote as LinkedIn's
    documented HashtagTemplate, `{hashtag|\\#|tag}` (a clickable hashtag), everything else unchanged."""
    parts, start = [], 0
    for found in _HASHTAG.finditer(text):
        parts.append(_LITTLE_TEXT_RESERVED.sub(r"\\\1", text[start : found.start()]))
        parts.append("{hashtag|\\#|" + _LITTLE_TEXT_RESERVED.sub(r"\\\1", found.group(1)) + "}")
        start = found.end()
    parts.append(_LITTLE_TEXT_RESERVED.sub(r"\\\1", text[start:]))
    return "".join(parts)


class LinkedInClient:
    """LinkedIn Posts API: POST {URL}/rest/posts as urn:li:person:HANDLE (w_member_social); the
    new post's URN comes back in the x-restli-id header."""

    def __init__(self, endpoint: PlatformEndpoint, *, handle: str) -> None:
        headers = {
            "Authorization": f"Bearer {endpoint.token}", "LinkedIn-Version": LINKEDIN_VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        }  # fmt: skip
        self.author = f"urn:li:person:{handle}"
        self.http = _Http(endpoint, headers=headers, reconnect="blogster social profiles connect")

    def post(self, text: str, *, idempotency_key: str) -> RemoteCopy:
        body = {
            "author": self.author, "commentary": little_text(text), "visibility": "PUBLIC", "lifecycleState": "PUBLISHED",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
            "isReshareDisabledByAuthor": False,
        }  # fmt: skip
        response = self.http.request("POST", "/rest/posts", json=body, headers={"Idempotency-Key": idempotency_key})
        urn = response.headers.get("x-restli-id")
        if not urn:
            raise PlatformError(f"LinkedIn answered {response.status_code} without the new post's id")
        checked = self.http.copy(urn, None)
        return RemoteCopy(checked.id, f"https://www.linkedin.com/feed/update/{checked.id}/")


def social_client_for(endpoint: PlatformEndpoint, *, handle: str) -> XClient | LinkedInClient:
    return LinkedInClient(endpoint, handle=handle) if endpoint.platform == "linkedin" else XClient(endpoint)


def client_for(endpoint: PlatformEndpoint) -> ForemClient | HashnodeClient | WordPressClient:
    if endpoint.platform == "hashnode":
        return HashnodeClient(endpoint)
    if endpoint.platform == "wordpress":
        return WordPressClient(endpoint)
    return ForemClient(endpoint)
