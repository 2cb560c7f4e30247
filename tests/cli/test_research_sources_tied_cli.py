"""Sources added without a post are "for your next draft with --sources" (research add's help): the
draft that cites them is their post, so a later --sources draft does not cite them again (h228 L4)."""

CHAT = "/v1/chat/completions"


def add_source(cli, title, *post):
    result = cli("research", "add", *post, "--url", f"https://example.org/{title.lower()}", "--title", title, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()["id"]


def prompt_of(ai_env, n):
    return ai_env.calls(CHAT)[n].body["messages"][1]["content"]


def tied(cli):
    return {s["title"]: s["blog_id"] for s in cli("research", "list", "--json").json()}


def test_a_draft_ties_the_sources_it_cites_and_the_next_one_cites_only_new_ones(cli, signed_up, ai_env, superuser):
    superuser.execute("update public.user_subscriptions set credits_remaining = 10")
    other = cli("blogs", "new", "--title", "Another post", "--json").json()
    add_source(cli, "Tied", other["slug"])
    add_source(cli, "Crumb")
    add_source(cli, "Starter")
    assert cli("generate", "draft", "--topic", "Bread", "--json").exit_code == 0  # no --sources: none tied
    assert set(tied(cli).values()) == {other["id"], None}

    first = cli("generate", "draft", "--topic", "Bread", "--sources", "--json")

    assert first.exit_code == 0, first.stderr
    prompt = prompt_of(ai_env, 1)
    assert "] Crumb: https://example.org/crumb" in prompt and "] Starter" in prompt and "Tied" not in prompt
    assert tied(cli) == {"Tied": other["id"], "Crumb": first.json()["id"], "Starter": first.json()["id"]}
    listed = cli("research", "list", "--blog", first.json()["slug"], "--json").json()
    assert sorted(s["title"] for s in listed) == ["Crumb", "Starter"]

    add_source(cli, "Oven")
    second = cli("generate", "outline", "--topic", "Cake", "--sources", "--json")
    assert second.exit_code == 0, second.stderr
    prompt = prompt_of(ai_env, 2)
    assert "] Oven: https://example.org/oven" in prompt and "Crumb" not in prompt and "Starter" not in prompt
    assert tied(cli)["Oven"] == second.json()["id"] and tied(cli)["Crumb"] == first.json()["id"]


def test_a_failed_draft_ties_nothing(cli, signed_up, ai_env, superuser):
    add_source(cli, "Crumb")
    cli("config", "set", "ai_max_retries", "0")
    ai_env.failures.append("500")
    assert cli("generate", "draft", "--topic", "Bread", "--sources").exit_code == 1
    assert tied(cli) == {"Crumb": None}
    assert cli("generate", "draft", "--topic", "Bread", "--sources").exit_code == 0
    assert "] Crumb" in prompt_of(ai_env, 1) and tied(cli)["Crumb"] is not None
