"""generate rewrite / expand / continue / seo / social on an existing post, as revisions and drafts."""

import json

CHAT = "/v1/chat/completions"
BODY = "Intro.\n\n## One\n\nFirst section.\n\n## Two\n\nSecond section.\n"


def new_post(cli, tmp_path):
    source = tmp_path / "post.md"
    source.write_text("---\ntitle: Terminal habits\n---\n" + BODY)
    result = cli("blogs", "new", "--from", str(source), "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()["slug"]


def markdown(superuser):
    return superuser.execute("select content->>'markdown' from public.blogs").fetchone()[0]


def test_rewrite_one_section_is_a_new_revision(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    ai_env.reply = "## One\n\nA better first section."
    result = cli("generate", "rewrite", slug, "--section", "1")
    assert result.exit_code == 0, result.stderr
    assert markdown(superuser) == "Intro.\n\n## One\n\nA better first section.\n\n## Two\n\nSecond section.\n"
    prompt = ai_env.calls(CHAT)[0].body["messages"][1]["content"]
    assert "First section." in prompt and "Second section." not in prompt
    assert len(cli("revisions", "list", slug, "--json").json()) == 2
    assert superuser.execute("select count(*) from public.ai_generation_logs where blog_id is not null").fetchone() == (
        1,
    )


def test_continue_appends_and_expand_replaces(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    ai_env.reply = "## Three\n\nMore."
    assert cli("generate", "continue", slug).exit_code == 0
    assert markdown(superuser) == BODY.rstrip("\n") + "\n\n## Three\n\nMore.\n"
    ai_env.reply = "Everything, expanded."
    assert cli("generate", "expand", slug).exit_code == 0
    assert markdown(superuser) == "Everything, expanded.\n"
    assert cli("generate", "rewrite", slug, "--section", "9").exit_code == 2
    assert superuser.execute("select count(*) from internal.ai_credit_reservations").fetchone() == (0,)


def test_seo_sets_metadata_within_160(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    ai_env.structured.clear()
    ai_env.structured.extend(
        [
            json.dumps({"meta_description": "x" * 200, "meta_keywords": ["a"]}),  # too long: asked again
            json.dumps({"meta_description": "Habits that save time.", "meta_keywords": ["terminal", "shell"]}),
        ]
    )
    result = cli("generate", "seo", slug, "--json")
    assert result.exit_code == 0, result.stderr
    assert superuser.execute("select meta_description, meta_keywords from public.blogs").fetchone() == (
        "Habits that save time.",
        ["terminal", "shell"],
    )
    assert len(ai_env.calls(CHAT)) == 2


def test_social_draft_within_the_platform_limit(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"content": "Five habits for faster shells.", "hashtags": ["#cli", "shell"]}))
    result = cli("generate", "social", slug, "--platform", "twitter", "--json")
    assert result.exit_code == 0, result.stderr
    draft = result.json()
    assert draft["hashtags"] == ["cli", "shell"] and draft["limit"] == 280 and draft["post_status"] == "draft"
    assert superuser.execute("select content, hashtags from public.social_media_posts").fetchone() == (
        "Five habits for faster shells.",
        ["cli", "shell"],
    )
    assert cli("generate", "social", slug, "--platform", "myspace").exit_code == 2


def test_another_users_post_is_not_found_and_costs_nothing(cli, signed_up, ai_env, superuser, tmp_path):
    from tests.cli.conftest import PASSWORD

    slug = new_post(cli, tmp_path)
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert cli("generate", "rewrite", slug).exit_code == 3
    assert ai_env.calls(CHAT) == []


def test_unblock_records_suggestions_and_applies_the_chosen_one(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"suggestions": ["Go left.", "Go right."]}))
    listed = cli("unblock", slug, "--count", "2", "--json")
    assert listed.exit_code == 0, listed.stderr
    result = cli("unblock", slug, "--choose", "2", "--json")  # of the list shown: no new call (h238)
    assert result.exit_code == 0, result.stderr
    assert len(ai_env.calls(CHAT)) == 1
    session = result.json()
    assert [s["text"] for s in session["suggestions"]] == ["Go left.", "Go right."]
    assert session["selected_suggestion_id"] == "2" and session["tokens_used"] == 18
    assert markdown(superuser) == BODY.rstrip("\n") + "\n\nGo right.\n"
    stored = superuser.execute(
        "select content_fragment, initial_content, selected_suggestion_id from public.writers_block_sessions"
    ).fetchone()
    assert stored == (BODY.rstrip(), BODY, "2")
    listed = cli("unblock", slug, "--count", "2")
    assert listed.exit_code == 0 and "[1] Go left." in listed.stdout
    assert cli("revisions", "list", slug, "--json").json().__len__() == 2  # only the applied one added a revision


def test_generate_image_stores_an_ai_image_asset(cli, signed_up, ai_env, superuser, tmp_path, isolated_environment):
    from tests.ai_server import PNG

    slug = new_post(cli, tmp_path)
    result = cli("generate", "image", slug, "--prompt", "a crusty loaf", "--model", "gpt-image-1", "--json")
    assert result.exit_code == 0, result.stderr
    picture = result.json()
    assert picture["file_type"] == "image/png" and picture["size"] == len(PNG)
    assert (isolated_environment / picture["url"]).read_bytes() == PNG
    assert superuser.execute("select ai_generated, ai_prompt from public.image_assets").fetchone() == (
        True,
        "a crusty loaf",
    )
    assert ai_env.calls("/v1/images/generations")[0].body["model"] == "gpt-image-1"
    assert cli("images", "list", "--json").exit_code == 0
    assert superuser.execute("select success, model from public.ai_generation_logs").fetchone() == (True, "gpt-image-1")
