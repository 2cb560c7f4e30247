"""`blogster crosspost` for an author with many or long posts, and against a platform that redirects
(red team 57): the lists that carry each post's body are read in pages that fit MAX_ANSWER_BYTES,
the answer to a create or update that echoes a post of a few MiB is read, and an answer that is not
2xx (a redirect) is a refusal whose body is never stored, on every platform."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest
from werkzeug import Request, Response

from blogster_cli.distribution.crosspost import Article
from blogster_cli.services import platform_api
from blogster_cli.services.platform_accounts import PlatformEndpoint
from tests.cli.conftest import CROSSPOST_PLATFORMS, connect
from tests.cli.test_crosspost_cli import publish_post
from tests.platform_servers import LINKEDIN_TOKEN, TOKEN, X_TOKEN, FakeForem, FakeWordPress

pytestmark = pytest.mark.same_on_every_server  # paging and answers are Python's: CI's second pass leaves it out

CANONICAL = "https://ada.example/ten-terminal-habits"
ARTICLE = Article(
    title="Ten terminal habits", markdown="Use tmux.", html="<p>Use tmux.</p>", description=None,
    tags=["shell"], canonical_url=CANONICAL, slug="ten-terminal-habits",
)  # fmt: skip
LONG_BODY = "word " * 450_000
"""2.25 MB: its markdown and its HTML together are more than MAX_ANSWER_BYTES."""


class CountingForem(FakeForem):
    """dev.to that keeps the (page, per_page) of every list request."""

    pages: list[tuple[int, int]]

    def handle(self, request: Request) -> Response:
        if request.path == "/api/articles/me/all":
            self.pages.append((int(request.args["page"]), int(request.args["per_page"])))
        return super().handle(request)


def forem_with(http, *sizes: int) -> CountingForem:
    """dev.to holding other articles of these body sizes (oldest first), then nothing of ours."""
    forem = CountingForem(http).install()
    forem.pages = []
    for number, size in enumerate(sizes, start=1):
        forem.posts[number] = {
            "id": number, "title": f"old {number}", "body_markdown": "x" * size,
            "canonical_url": f"https://elsewhere.example/{number}", "url": f"https://dev.example/{number}",
        }  # fmt: skip
    return forem


def our_copy(forem: FakeForem) -> int:
    """Our copy on dev.to, made (as by a run killed before it recorded it) after the others."""
    article_id = max(forem.posts, default=0) + 1
    forem.posts[article_id] = {
        "id": article_id, "title": ARTICLE.title, "body_markdown": ARTICLE.markdown,
        "canonical_url": CANONICAL, "url": f"https://dev.example/{article_id}",
    }  # fmt: skip
    return article_id


def forem_client(forem: FakeForem) -> platform_api.ForemClient:
    return platform_api.ForemClient(PlatformEndpoint("devto", forem.url, TOKEN))


def test_an_author_of_1000_long_articles_can_cross_post_a_new_one(cli, signed_up, tmp_path, http):
    """dev.to's list carries each article's body_markdown: 1,000 of 5 KB were one page of 5 MB, refused."""
    forem = forem_with(http, *[5_000] * 1_000)
    connect(cli, "devto", TOKEN)
    slug = publish_post(cli, tmp_path, "---\ntitle: Fresh\n---\nfresh body\n", slug="fresh")
    result = cli("crosspost", slug, "--to", "devto", "--json", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert result.exit_code == 0, result.stderr
    assert result.json()[0]["action"] == "created" and len(forem.posts) == 1_001
    assert forem.pages == [(page, 100) for page in range(1, 12)]  # 1,000 articles, then a short page


def test_the_lookup_and_the_ownership_test_find_our_copy_after_1000_long_articles(http):
    forem = forem_with(http, *[5_000] * 1_000)
    article_id = our_copy(forem)
    client = forem_client(forem)
    assert client.find([CANONICAL], ARTICLE.slug) == platform_api.RemoteCopy(
        str(article_id), forem.posts[article_id]["url"]
    )
    assert client.is_our_copy(str(article_id), [CANONICAL])
    assert not client.is_our_copy("7", [CANONICAL])
    client.http.close()


def test_a_page_too_big_is_asked_again_smaller_and_the_pages_grow_back(http):
    """150 articles of 60 KB: a page of 100 is 6 MB, so pages of 10 until the 100th, then of 100."""
    forem = forem_with(http, *[60_000] * 150)
    article_id = our_copy(forem)
    client = forem_client(forem)
    assert client.find([CANONICAL], ARTICLE.slug) == platform_api.RemoteCopy(
        str(article_id), forem.posts[article_id]["url"]
    )
    assert forem.pages == [(1, 100), *[(page, 10) for page in range(1, 11)], (2, 100)]
    client.http.close()


def test_one_article_over_the_page_limit_is_read_alone(http):
    """An article of 4.5 MB: the pages shrink to one article, read up to MAX_POST_ANSWER_BYTES."""
    forem = forem_with(http, 4_500_000)
    article_id = our_copy(forem)
    client = forem_client(forem)
    assert client.is_our_copy(str(article_id), [CANONICAL])
    assert forem.pages == [(1, 100), (1, 10), (1, 1), (2, 1)]
    client.http.close()


class EchoingForem(FakeForem):
    """dev.to, whose create and update answers carry the article's body_markdown and body_html."""

    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        if request.method in ("POST", "PUT") and response.status_code < 300:
            body = json.loads(response.get_data())
            body["body_html"] = f"<p>{body['body_markdown']}</p>"
            response.set_data(json.dumps(body))
        return response


def test_a_long_post_is_created_then_updated_on_devto_though_the_answer_echoes_it(cli, signed_up, tmp_path, http):
    """Its answer (5 MB) was refused: the copy was made but never recorded, and re-sent on every run."""
    forem = EchoingForem(http).install()
    connect(cli, "devto", TOKEN)
    slug = publish_post(cli, tmp_path, f"---\ntitle: Long read\n---\n{LONG_BODY}\n", slug="long-read")
    env = {"BLOGSTER_DEVTO_URL": forem.url}
    first = cli("crosspost", slug, "--to", "devto", "--json", env=env)
    assert first.exit_code == 0, first.stderr
    assert first.json()[0]["action"] == "created" and first.json()[0]["platform_post_id"] == "1001"
    again = cli("crosspost", slug, "--to", "devto", "--json", env=env)
    assert again.exit_code == 0, again.stderr
    assert again.json()[0]["action"] == "updated" and len(forem.posts) == 1


class HighlightingForem(FakeForem):
    """dev.to as it answers for a post of code: body_html has each token of the code in a highlighting
    `<span>`, and Rails writes each `<`, `>` and `&` of the answer as `\\u003c` and the like."""

    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        if request.method in ("POST", "PUT") and response.status_code < 300:
            body = json.loads(response.get_data())
            spans = re.sub(r"\w+|\S", lambda token: f'<span class="n">{token[0]}</span>', body["body_markdown"])
            body["body_html"] = f"<pre>{spans}</pre>"
            rails = json.dumps(body).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            response.set_data(rails)
        return response


def test_a_post_of_code_is_created_then_updated_on_devto_though_its_highlighting_is_echoed(
    cli, signed_up, tmp_path, http
):
    """300 KB of code: the answer is ~40 times what was sent (the highlighting's spans, escaped), more
    than an echo of 8 times it was allowed: the copy was made but never recorded."""
    forem = HighlightingForem(http).install()
    connect(cli, "devto", TOKEN)
    code = "if (a < b && c > d) { x = f(a, b); }\n" * 8_000
    slug = publish_post(cli, tmp_path, f"---\ntitle: Code read\n---\n```c\n{code}```\n", slug="code-read")
    env = {"BLOGSTER_DEVTO_URL": forem.url}
    first = cli("crosspost", slug, "--to", "devto", "--json", env=env)
    assert first.exit_code == 0, first.stderr
    assert first.json()[0]["action"] == "created"
    again = cli("crosspost", slug, "--to", "devto", "--json", env=env)
    assert again.exit_code == 0, again.stderr
    assert again.json()[0]["action"] == "updated" and len(forem.posts) == 1


class RenderingWordPress(FakeWordPress):
    """WordPress as it answers with context=edit: a post's content raw and rendered (in its create
    and update answers too), the posts in pages of per_page with X-WP-TotalPages, and 400 past them."""

    pages: list[tuple[int, int]]

    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        if request.path == "/wp-json/wp/v2/posts" and request.method == "GET":
            found = json.loads(response.get_data())
            page, per_page = int(request.args["page"]), int(request.args["per_page"])
            self.pages.append((page, per_page))
            total = max(1, -(-len(found) // per_page))
            if page > total:
                return Response(json.dumps({"code": "rest_post_invalid_page_number"}), status=400)
            response.set_data(json.dumps(found[(page - 1) * per_page : page * per_page]))
            response.headers["X-WP-TotalPages"] = str(total)
        elif request.method == "POST" and request.path.startswith("/wp-json/wp/v2/posts"):
            body = json.loads(response.get_data())
            body["content"] = {"raw": body["content"], "rendered": body["content"]}
            response.set_data(json.dumps(body))
        return response


def test_a_long_post_on_wordpress_is_created_updated_and_found_again(http):
    """Its answers carry the content twice (4.5 MB): the create, the update, and the lookup of a run
    killed before it recorded the copy (a page of one post) all read them, and nothing is made twice."""
    server = RenderingWordPress(http).install()
    server.pages = []
    _, token = CROSSPOST_PLATFORMS["wordpress"]
    client = platform_api.client_for(PlatformEndpoint("wordpress", server.url, token))
    long_article = dataclasses.replace(ARTICLE, html=f"<p>{LONG_BODY}</p>", markdown=LONG_BODY)
    made = platform_api.create_unless_there(client, long_article, [CANONICAL])[0]
    assert client.update(made.id, long_article) == made
    assert client.find([CANONICAL], ARTICLE.slug) == made
    assert client.is_our_copy(made.id, [CANONICAL])
    assert len(server.posts) == 1 and server.pages == [(1, 100), (1, 10), (1, 1)]
    client.http.close()


def test_wordpress_pages_shrunk_end_at_the_last_page_it_names(http):
    """Twenty posts of 150 KB (300 KB answered) that link the original: pages of 10 after the page of
    100, and no page past X-WP-TotalPages (WordPress refuses it with a 400)."""
    server = RenderingWordPress(http).install()
    server.pages = []
    for number in range(1, 21):
        content = f'<p>{"y" * 150_000}</p><p>See <a href="{CANONICAL}">the original</a>.</p>'
        server.posts[number] = {"id": number, "title": "t", "slug": f"other-{number}", "content": content}
    _, token = CROSSPOST_PLATFORMS["wordpress"]
    client = platform_api.client_for(PlatformEndpoint("wordpress", server.url, token))
    assert client.find([CANONICAL], ARTICLE.slug) is None
    assert server.pages == [(1, 100), (1, 100), (1, 10), (2, 10)]  # the slug, then the search
    client.http.close()


def redirecting(location: str | None, status: int = 302) -> Any:
    """A handler answering `status` with a JSON body that looks like a success (and LinkedIn's id
    header), Location: `location`."""

    def answer(request: Request) -> Response:
        body = {"id": 4242, "url": "https://evil.example/x", "data": {"id": "4242"}}
        headers = {"x-restli-id": "urn:li:share:4242", **({"Location": location} if location else {})}
        return Response(json.dumps(body), status=status, headers=headers, content_type="application/json")

    return answer


@pytest.mark.parametrize(
    ("location", "status", "shown"),
    [("https://evil.example/api/articles", 302, "302 (redirect to evil.example)"),
     ("/elsewhere", 307, "307 (redirect to 127.0.0.1)"), (None, 300, "300")],
    ids=["elsewhere", "relative", "no-location"],
)  # fmt: skip
@pytest.mark.parametrize("platform", ["devto", "hashnode", "wordpress", "twitter", "linkedin"])
def test_a_redirect_is_refused_by_every_client_and_not_followed(http, platform, location, status, shown):
    http.expect_request(re.compile(".*")).respond_with_handler(redirecting(location, status))
    label = platform_api.LABELS[platform]
    if platform in ("twitter", "linkedin"):
        token = X_TOKEN if platform == "twitter" else LINKEDIN_TOKEN
        endpoint = PlatformEndpoint(platform, http.url_for("").rstrip("/"), token)
        social = platform_api.social_client_for(endpoint, handle="ada")
        with pytest.raises(
            platform_api.PlatformError, match=f"^{re.escape(f'{label} answered {shown}')}: check the URL$"
        ):
            social.post("Hello", idempotency_key="k1")
        social.http.close()
    else:
        kind, token = CROSSPOST_PLATFORMS[platform]
        url = kind(http).url
        client = platform_api.client_for(PlatformEndpoint(platform, url, token))
        for attempt in (lambda: client.find([CANONICAL], ARTICLE.slug), lambda: client.create(ARTICLE)):
            with pytest.raises(
                platform_api.PlatformError, match=f"^{re.escape(f'{label} answered {shown}')}: check the URL$"
            ):
                attempt()
        client.http.close()
    assert len(http.log) == (1 if platform in ("twitter", "linkedin") else 2)  # nothing followed


class RedirectingForem(FakeForem):
    """dev.to behind a proxy that answers a create with a 302 elsewhere, carrying a JSON body."""

    redirect_creates = True

    def handle(self, request: Request) -> Response:
        if request.method == "POST" and self.redirect_creates:
            self.requests.append((request.method, request.path))
            return redirecting("https://evil.example/api/articles")(request)
        return super().handle(request)


def test_a_create_answered_by_a_redirect_records_nothing_and_a_rerun_creates_once(cli, signed_up, tmp_path, http):
    """The redirect's body (id 4242, evil.example) was recorded as the copy, though nothing was made."""
    forem = RedirectingForem(http).install()
    connect(cli, "devto", TOKEN)
    slug = publish_post(cli, tmp_path, "---\ntitle: Redir\n---\nredirect body\n", slug="redir")
    env = {"BLOGSTER_DEVTO_URL": forem.url}
    refused = cli("crosspost", slug, "--to", "devto", "--json", env=env)
    assert refused.exit_code == 1
    assert "dev.to answered 302 (redirect to evil.example): check the URL" in refused.stdout + refused.stderr
    [row] = cli("crosspost", "status", "--json").json()
    assert row["platform_post_id"] is None and row["platform_url"] is None
    forem.redirect_creates = False
    rerun = cli("crosspost", slug, "--to", "devto", "--json", env=env)
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.json()[0]["action"] == "created" and rerun.json()[0]["platform_post_id"] == "1001"
    assert len(forem.posts) == 1
