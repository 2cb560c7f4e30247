"""Local servers speaking the platforms' documented APIs, on pytest-httpserver, for the cross-post tests.

Each keeps its posts in memory, checks the credentials the real platform checks, and
can be told to rate-limit (429 with Retry-After), to make a post and then answer 503 (a
gateway timing out), to refuse every request with a 400 echoing a given text, or to run a
hook just before it answers a create (the crash test kills the client there).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TOKEN = "devto-secret-token-123"
HASHNODE_TOKEN = "hashnode-secret-token-456"
WP_USER, WP_APP_PASSWORD = "ada", "abcd efgh ijkl mnop"


def _json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(value), status=status, headers=headers or {}, content_type="application/json")


@dataclass
class FakePlatform:
    server: HTTPServer
    posts: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    rate_limit_next: int = 0
    unavailable_after_create: int = 0
    """How many creates still make the post and then answer 503 with Retry-After: 0."""
    refuse_with: str | None = None
    """Set: every request is refused with a 400 whose body carries this text."""
    before_create_answer: Callable[[], None] | None = None
    before_create: Callable[[], None] | None = None
    """Runs when a create arrives, before the post exists (a second client racing this one)."""

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def _made(self, answer: Response) -> Response:
        """The answer to a create that made the post, or a 503 in its place."""
        if self.unavailable_after_create > 0:
            self.unavailable_after_create -= 1
            return _json({"error": "upstream timed out"}, 503, {"Retry-After": "0"})
        return answer

    def _limited(self) -> Response | None:
        if self.refuse_with is not None:
            return _json({"error": self.refuse_with}, 400)
        if self.rate_limit_next > 0:
            self.rate_limit_next -= 1
            return _json({"error": "slow down"}, 429, {"Retry-After": "1"})
        return None


@dataclass
class FakeForem(FakePlatform):
    """GET /api/articles/me/all, GET /api/articles/ID, POST /api/articles, PUT /api/articles/ID with the
    api-key header."""

    strangers: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Other users' articles: anyone may read one by its id; not in ours, and not ours to change."""

    def install(self) -> FakeForem:
        self.server.expect_request(re.compile(r"/api/articles.*")).respond_with_handler(self.handle)
        return self

    def handle(self, request: Request) -> Response:
        self.requests.append((request.method, request.path))
        if request.headers.get("api-key") != TOKEN:
            return _json({"error": "unauthorized", "status": 401}, 401)
        if (limited := self._limited()) is not None:
            return limited
        if request.method == "GET" and request.path == "/api/articles/me/all":
            page, per_page = int(request.args.get("page", 1)), int(request.args.get("per_page", 30))
            everything = sorted(self.posts.values(), key=lambda p: p["id"])
            return _json(everything[(page - 1) * per_page : page * per_page])
        if request.method == "GET":
            one = re.fullmatch(r"/api/articles/(\d+)", request.path)
            article = (self.posts.get(int(one[1])) or self.strangers.get(int(one[1]))) if one else None
            return _json(article) if article else _json({"error": "not found"}, 404)
        body = request.get_json()["article"]
        if request.method == "POST" and request.path == "/api/articles":
            if self.before_create:
                self.before_create()
            article_id = len(self.posts) + 1001
            self.posts[article_id] = {**body, "id": article_id, "url": f"{self.url}/ada/post-{article_id}"}
            if self.before_create_answer:
                self.before_create_answer()
            return self._made(_json(self.posts[article_id], 201))
        match = re.fullmatch(r"/api/articles/(\d+)", request.path)
        if request.method == "PUT" and match and int(match[1]) in self.strangers:
            return _json({"error": "unauthorized", "status": 401}, 401)
        if request.method == "PUT" and match and int(match[1]) in self.posts:
            self.posts[int(match[1])].update(body)
            return _json(self.posts[int(match[1])])
        return _json({"error": "not found"}, 404)


class FakeHashnode(FakePlatform):
    """The GraphQL endpoint: me { publications { posts } }, post(id:), publishPost, updatePost."""

    def install(self) -> FakeHashnode:
        self.server.expect_request("/graphql", method="POST").respond_with_handler(self.handle)
        return self

    @property
    def url(self) -> str:
        return self.server.url_for("/graphql")

    def handle(self, request: Request) -> Response:
        payload = request.get_json()
        self.requests.append(("POST", payload["query"].split("{")[0].strip() or "query"))
        if request.headers.get("authorization") != HASHNODE_TOKEN:
            return _json({"errors": [{"message": "Invalid access token"}]}, 401)
        if (limited := self._limited()) is not None:
            return limited
        query, variables = payload["query"], payload.get("variables") or {}
        if "publishPost" in query:
            fields = variables["input"]
            if fields.get("publicationId") != "pub-1":
                return _json({"errors": [{"message": "publication not found"}]})
            post_id = f"hn{len(self.posts) + 1}"
            self.posts[len(self.posts) + 1] = {**fields, "id": post_id, "url": f"https://ada.hashnode.dev/{post_id}"}
            if self.before_create_answer:
                self.before_create_answer()
            return self._made(_json({"data": {"publishPost": {"post": self._node(post_id)}}}))
        if "updatePost" in query:
            fields = variables["input"]
            for post in self.posts.values():
                if post["id"] == fields["id"]:
                    post.update(fields)
                    return _json({"data": {"updatePost": {"post": self._node(post["id"])}}})
            return _json({"errors": [{"message": "post not found"}]})
        if "post(id:" in query:
            ids = [p["id"] for p in self.posts.values()]
            post = {**self._node(variables["id"]), "publication": {"id": "pub-1"}} if variables["id"] in ids else None
            return _json({"data": {"post": post}})
        nodes = [{"node": self._node(p["id"])} for p in self.posts.values()]
        publication = {"id": "pub-1", "posts": {"edges": nodes}}
        return _json({"data": {"me": {"publications": {"edges": [{"node": publication}]}}}})

    def _node(self, post_id: str) -> dict[str, Any]:
        post = next(p for p in self.posts.values() if p["id"] == post_id)
        return {"id": post_id, "url": post["url"], "canonicalUrl": post.get("originalArticleURL")}


class FakeWordPress(FakePlatform):
    """/wp-json/wp/v2/posts and /wp-json/wp/v2/tags with an application password (basic auth).
    As WordPress does, a post whose slug is taken (by one of ours or by one in `taken_slugs`, an
    unrelated page or a trashed post) is stored as SLUG-2; `search` looks in title and content."""

    tags: dict[int, str]
    taken_slugs: set[str]

    def install(self) -> FakeWordPress:
        self.tags = {}
        self.taken_slugs = set()
        self.server.expect_request(re.compile(r"/wp-json/wp/v2/.*")).respond_with_handler(self.handle)
        return self

    def handle(self, request: Request) -> Response:
        self.requests.append((request.method, request.path))
        expected = "Basic " + base64.b64encode(f"{WP_USER}:{WP_APP_PASSWORD}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return _json({"code": "rest_not_logged_in", "message": "You are not currently logged in."}, 401)
        if (limited := self._limited()) is not None:
            return limited
        if request.path == "/wp-json/wp/v2/tags":
            if request.method == "GET":
                term = request.args.get("search", "").lower()
                return _json([{"id": i, "name": n} for i, n in self.tags.items() if term in n.lower()])
            tag_id = len(self.tags) + 1
            self.tags[tag_id] = request.get_json()["name"]
            return _json({"id": tag_id, "name": self.tags[tag_id]}, 201)
        if request.path == "/wp-json/wp/v2/posts" and request.method == "GET":
            slug, term = request.args.get("slug"), request.args.get("search")
            found = [
                p for p in self.posts.values()
                if (slug is None or p["slug"] == slug) and (term is None or term in p["title"] + p["content"])
                and (slug is not None or term is not None)
            ]  # fmt: skip
            return _json([{**p, "content": {"raw": p["content"], "rendered": p["content"]}} for p in found])
        if request.path == "/wp-json/wp/v2/posts" and request.method == "POST":
            if self.before_create:
                self.before_create()
            post_id = len(self.posts) + 1
            body = request.get_json()
            taken = self.taken_slugs | {p["slug"] for p in self.posts.values()}
            slug = next(
                s for n in range(1, 100) if (s := body["slug"] if n == 1 else f"{body['slug']}-{n}") not in taken
            )
            self.posts[post_id] = {**body, "slug": slug, "id": post_id, "link": f"{self.url}/?p={post_id}"}
            if self.before_create_answer:
                self.before_create_answer()
            return self._made(_json(self.posts[post_id], 201))
        match = re.fullmatch(r"/wp-json/wp/v2/posts/(\d+)", request.path)
        if match and request.method == "GET" and int(match[1]) in self.posts:
            post = self.posts[int(match[1])]
            return _json({**post, "content": {"raw": post["content"], "rendered": post["content"]}})
        if match and request.method == "POST" and int(match[1]) in self.posts:
            self.posts[int(match[1])].update(request.get_json())
            return _json(self.posts[int(match[1])])
        return _json({"code": "rest_post_invalid_id"}, 404)


X_TOKEN = "x-user-token-321"
LINKEDIN_TOKEN = "linkedin-user-token-654"


@dataclass
class FakeSocial:
    """X's POST /2/tweets or LinkedIn's POST /rest/posts with a Bearer user token. It keeps
    every post it is sent, with its Idempotency-Key, and does NOT drop repeats (as the real
    platforms do not promise to): a test sees every outside effect."""

    server: HTTPServer
    platform: str = "twitter"
    posts: list[tuple[str, str]] = field(default_factory=list)
    """(Idempotency-Key, text) of each post made."""
    before_answer: Callable[[int], None] | None = None
    """Runs with the number of posts made so far, after a post is made and before the answer."""

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def install(self) -> FakeSocial:
        path = "/2/tweets" if self.platform == "twitter" else "/rest/posts"
        self.server.expect_request(path, method="POST").respond_with_handler(self.handle)
        return self

    def handle(self, request: Request) -> Response:
        token = X_TOKEN if self.platform == "twitter" else LINKEDIN_TOKEN
        if request.headers.get("authorization") != f"Bearer {token}":
            return _json({"title": "Unauthorized", "status": 401}, 401)
        body = request.get_json()
        text = body["text"] if self.platform == "twitter" else body["commentary"]
        self.posts.append((request.headers.get("idempotency-key", ""), text))
        number = len(self.posts)
        if self.before_answer:
            self.before_answer(number)
        if self.platform == "twitter":
            return _json({"data": {"id": str(1860000000000000000 + number), "text": text}}, 201)
        return Response("", status=201, headers={"x-restli-id": f"urn:li:share:{7000 + number}"})
