"""Applying a writer's-block suggestion never overwrites an edit made after the suggestions."""

import json

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.errors import Conflict
from blogster_cli.services import blogs, unblock
from tests.ai_server import MODEL

BODY = "Where I stopped.\n"


def provider_for(server) -> ProviderConfig:
    return ProviderConfig(server.base_url, MODEL, "sk-test", "keyring", timeout_s=30, max_retries=0)


def suggested(db, make_user, ai_server):
    acting = ActingUser(db, make_user())
    post = blogs.create(acting, new=blogs.NewBlog(title="Stuck", markdown=BODY))
    ai_server.structured.clear()
    ai_server.structured.append(json.dumps({"suggestions": ["Go left.", "Go right."]}))
    found = unblock.suggest(acting, ref=post.slug, provider=provider_for(ai_server), count=2)
    return acting, post, found


def revisions(superuser, blog_id) -> int:
    return superuser.execute("select count(*) from public.blog_revisions where blog_id = %s", (blog_id,)).fetchone()[0]


def test_an_edit_made_after_the_suggestions_is_kept_and_nothing_is_appended(db, make_user, ai_server, superuser):
    acting, post, found = suggested(db, make_user, ai_server)
    assert found.blog_updated_at == post.updated_at
    # The writer edits the post in another window while choosing a suggestion.
    edited = blogs.update(acting, ref=post.slug, changes=blogs.BlogChanges(markdown="A newer edit.\n"))
    before = revisions(superuser, post.id)

    with pytest.raises(Conflict, match="changed since the suggestions were made"):
        unblock.apply(acting, session_id=found.id, suggestion_id="2", expected_updated_at=found.blog_updated_at)

    kept = blogs.get(acting, ref=post.slug)
    assert (kept.content or {})["markdown"] == "A newer edit.\n" and kept.updated_at == edited.updated_at
    assert revisions(superuser, post.id) == before
    chosen = superuser.execute("select selected_suggestion_id from public.writers_block_sessions").fetchone()
    assert chosen == (None,)  # the refused choice is not recorded either


def test_an_unchanged_post_gets_the_chosen_suggestion(db, make_user, ai_server, superuser):
    acting, post, found = suggested(db, make_user, ai_server)
    applied = unblock.apply(acting, session_id=found.id, suggestion_id="2", expected_updated_at=found.blog_updated_at)
    assert (applied.content or {})["markdown"] == "Where I stopped.\n\nGo right.\n"
    assert applied.updated_at > post.updated_at
    chosen = superuser.execute("select selected_suggestion_id from public.writers_block_sessions").fetchone()
    assert chosen == ("2",)
