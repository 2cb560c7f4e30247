"""The last AI commands to follow the output rules (h240's NOT_YET / LISTS_NOT_YET): `ai setup --json`
(the provider set up, where the key comes from, never the key), `generate batch --json` (its summary:
drafted, failed, skipped) and `ai models --format/--limit` like every other list."""

import json

from tests.ai_server import MODEL
from tests.cli.test_generate_cli import IDEA, NO_CREDITS

SECRET = "sk-setup-Zq81xT"


def test_ai_setup_json_is_the_provider_and_where_its_key_comes_from_never_the_key(cli, ai_server):
    setup = cli(
        "ai", "setup", "--base-url", ai_server.base_url + "/", "--model", f" {MODEL} ", "--api-key-stdin", "--json",
        input=SECRET + "\n",
    )  # fmt: skip
    assert setup.exit_code == 0, setup.stderr
    assert SECRET not in setup.stdout + setup.stderr
    report = setup.json()  # as stored: the URL without its trailing slash, the model trimmed
    assert report == {"base_url": ai_server.base_url, "model": MODEL, "key": "credentials_file"}
    status = cli("ai", "status", "--json").json()
    assert {k: status[k] for k in report} == report  # the same words as `ai status --json`
    assert ai_server.requests[-1].headers["authorization"] == f"Bearer {SECRET}"  # the key was stored all the same

    no_key = cli("ai", "setup", "--base-url", ai_server.base_url, "--model", MODEL, "--no-key", "--json")
    assert no_key.json() == {"base_url": ai_server.base_url, "model": MODEL, "key": "none"}, no_key.stderr
    assert no_key.stderr == ""  # the data on stdout, not a sentence besides


def test_ai_setup_refuses_a_urls_password_and_json_names_an_environment_key(cli, ai_server):
    url = ai_server.base_url.replace("http://", "http://me:PwInUrl5@")
    setup = cli("ai", "setup", "--base-url", url, "--model", MODEL, "--api-key-stdin", "--json", input=SECRET + "\n")
    assert setup.exit_code == 2  # no keyring home for it: secrets never go in the config file
    assert "PwInUrl5" not in setup.stdout + setup.stderr and SECRET not in setup.stdout + setup.stderr

    env = {"BLOGSTER_AI_BASE_URL": ai_server.base_url, "OPENAI_API_KEY": "sk-env-Kw7"}  # cron's settings win
    again = cli("ai", "setup", "--base-url", ai_server.base_url, "--model", MODEL, "--no-key", "--json", env=env)
    assert again.json() == {"base_url": ai_server.base_url, "model": MODEL, "key": "environment"}, again.stderr
    assert "sk-env-Kw7" not in again.stdout + again.stderr


def test_ai_models_takes_format_and_limit_like_other_lists(cli, http):
    offered = ["zeta-large", "alpha-small", "mid-7b"]
    http.expect_request("/v1/models").respond_with_json(
        {"object": "list", "data": [{"id": name, "object": "model", "created": 0, "owned_by": "t"} for name in offered]}
    )
    env = {"BLOGSTER_AI_BASE_URL": http.url_for("/v1"), "BLOGSTER_AI_MODEL": "mid-7b"}
    names = sorted(offered)
    assert cli("ai", "models", env=env).stdout == "".join(f"{n}\n" for n in names)  # one a line, as before
    assert cli("ai", "models", "--json", env=env).json() == names  # as before: a list of names
    assert cli("ai", "models", "--format", "json", env=env).json() == names
    assert cli("ai", "models", "--format", "ids", env=env).stdout.split() == names
    assert cli("ai", "models", "--format", "count", env=env).stdout == "3\n"
    assert cli("ai", "models", "--format", "csv", env=env).stdout == "model\n" + "".join(f"{n}\n" for n in names)
    assert cli("ai", "models", "--format", "yaml", env=env).stdout == "".join(f"- {n}\n" for n in names)
    assert cli("ai", "models", "--limit", "2", "--json", env=env).json() == names[:2]
    assert cli("ai", "models", "--limit", "1", env=env).stdout == f"{names[0]}\n"
    assert cli("ai", "models", "--limit", "0", "--format", "count", env=env).stdout == "3\n"
    refused = cli("ai", "models", "--json", "--format", "csv", env=env)
    assert refused.exit_code == 2 and refused.stderr == "error: --json and --format csv disagree: give one of them\n"
    assert cli("ai", "models", "--format", "xml", env=env).exit_code == 2


def test_generate_batch_json_summarises_drafted_failed_and_skipped(cli, signed_up, ai_env, superuser):
    ai_env.structured.clear()
    titles = ["One", "Two", "Three", "Four"]
    ai_env.structured.append(json.dumps({"ideas": [{**IDEA, "title": t} for t in titles]}))
    ideas = cli("generate", "ideas", "--topic", "espresso", "--count", "4", "--json").json()
    for idea in ideas:
        assert cli("ideas", "save", idea["id"]).exit_code == 0
    superuser.execute(  # one plainly the oldest: it is drafted first
        "update public.blog_ideas set created_at = created_at - interval '40 minutes' where title = %s", ("One",)
    )
    superuser.execute("update public.user_subscriptions set credits_remaining = 1")

    result = cli("generate", "batch", "--ideas", "3", "--json")
    assert result.exit_code == 1, result.stderr  # one failed: the credits ran out
    summary = result.json()
    assert set(summary) == {"drafted", "failed", "skipped", "counts", "interrupted"}
    assert summary["counts"] == {"drafted": 1, "failed": 1, "skipped": 1}
    by_id = {i["id"]: i["title"] for i in ideas}
    (drafted,) = summary["drafted"]
    assert by_id[drafted["idea_id"]] == "One" and drafted["slug"] == "a-title"
    assert [(p["id"], p["slug"]) for p in cli("posts", "list", "--json").json()] == [(drafted["blog_id"], "a-title")]
    (failed,) = summary["failed"]
    assert failed["error"] == NO_CREDITS
    (skipped,) = summary["skipped"]  # not tried: nothing was reserved or asked for it
    assert skipped == {"idea_id": skipped["idea_id"], "reason": NO_CREDITS}
    assert {failed["idea_id"], skipped["idea_id"]} < set(by_id) and failed["idea_id"] != skipped["idea_id"]
    assert len(ai_env.calls("/v1/chat/completions")) == 2  # the ideas, and the one draft

    superuser.execute("update public.user_subscriptions set credits_remaining = 10")
    plain = cli("generate", "batch", "--ideas", "5")  # without --json: the same summary, as cron reads it
    assert plain.exit_code == 0, plain.stderr
    rest = plain.json()
    assert rest["counts"] == {"drafted": 3, "failed": 0, "skipped": 0} and rest["failed"] == rest["skipped"] == []
    assert {d["idea_id"] for d in rest["drafted"]} == set(by_id) - {drafted["idea_id"]}
    assert cli("generate", "batch", "--ideas", "5", "--json").json() == {
        "drafted": [], "failed": [], "skipped": [], "counts": {"drafted": 0, "failed": 0, "skipped": 0},
        "interrupted": False,
    }  # fmt: skip
