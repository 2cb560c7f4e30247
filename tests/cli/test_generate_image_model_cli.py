"""`generate image` never sends the chat model to the images endpoint: --model, else the
ai_image_model setting, else a refusal naming both, before any credit is reserved."""

IMAGES = "/v1/images/generations"


def new_post(cli):
    result = cli("blogs", "new", "--title", "Crusty loaves", "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()["slug"]


def credits(superuser):
    return superuser.execute("select credits_remaining, credits_used from public.user_subscriptions").fetchone()


def test_no_image_model_is_refused_before_a_credit_or_a_call(cli, signed_up, ai_env, superuser):
    slug = new_post(cli)
    before = credits(superuser)
    result = cli("generate", "image", slug, "--prompt", "a crusty loaf")
    assert result.exit_code == 6
    assert result.stderr == (
        "error: no image model: give --model (e.g. gpt-image-1 or dall-e-3)"
        " or set one with `blogster config set ai_image_model MODEL`\n"
    )
    assert ai_env.calls(IMAGES) == [] and credits(superuser) == before
    assert superuser.execute("select count(*) from public.ai_generation_logs").fetchone() == (0,)


def test_the_ai_image_model_setting_is_the_default_and_model_overrides_it(cli, signed_up, ai_env, superuser):
    slug = new_post(cli)
    assert cli("config", "set", "ai_image_model", "dall-e-3").exit_code == 0
    assert cli("generate", "image", slug, "--prompt", "a crusty loaf").exit_code == 0
    assert cli("generate", "image", slug, "--prompt", "a loaf", "--model", "gpt-image-1").exit_code == 0
    assert [call.body["model"] for call in ai_env.calls(IMAGES)] == ["dall-e-3", "gpt-image-1"]
    logged = superuser.execute("select model from public.ai_generation_logs order by created_at").fetchall()
    assert logged == [("dall-e-3",), ("gpt-image-1",)]
