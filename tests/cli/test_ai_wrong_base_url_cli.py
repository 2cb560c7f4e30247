"""A base URL that is not the API's (Ollama's `http://localhost:11434` for `.../v1`) is said as such.

New-user walk (h408): every 404 read as a missing model, so `ai models` against such a URL said
"has no model 'test-model' (see `blogster ai models`)", naming itself, and `ai status` said the
server was not reachable though it had answered. The missing-model message stays where the
server's error says so or where /models lists models without it."""

from __future__ import annotations

import re

from tests.ai_server import MODEL

NOT_FOUND = "404 page not found"  # what Go's router (Ollama's) answers for a path it has not


def wrong_path_message(url: str, paths: str) -> str:
    return (
        f"error: the AI provider at {url} answered HTTP 404 (not found) for {paths}: check the base URL with"
        f" `blogster ai setup --base-url` (an OpenAI-compatible API's usually ends in /v1: {url}/v1)\n"
    )


def test_ai_models_at_a_base_url_without_its_v1_says_the_path_is_not_there(cli, ai_server):
    result = cli("ai", "models", env={"BLOGSTER_AI_BASE_URL": ai_server.url, "BLOGSTER_AI_MODEL": MODEL})
    assert result.exit_code == 6
    assert result.stderr == wrong_path_message(ai_server.url, "/models")


def test_ai_status_shows_the_server_reachable_and_the_404(cli, ai_server):
    result = cli("ai", "status", "--json", env={"BLOGSTER_AI_BASE_URL": ai_server.url, "BLOGSTER_AI_MODEL": MODEL})
    assert result.exit_code == 1
    report = result.json()
    assert report["reachable"] is True and report["model_available"] is False
    assert "answered HTTP 404 (not found) for /models: check the base URL" in report["problem"]
    assert "has no model" not in report["problem"]


def test_a_generation_at_a_base_url_without_its_v1_names_both_paths(cli, signed_up, ai_server):
    environment = {"BLOGSTER_AI_BASE_URL": ai_server.url, "BLOGSTER_AI_MODEL": MODEL, "OPENAI_API_KEY": "sk-t"}
    result = cli("generate", "ideas", "--topic", "sourdough", env=environment)
    assert result.exit_code == 6
    assert result.stderr == wrong_path_message(ai_server.url, "/chat/completions and /models")


def test_a_plain_404_server_is_a_wrong_base_url_not_a_missing_model(cli, signed_up, http):
    http.expect_request(re.compile(".*")).respond_with_data(NOT_FOUND, status=404, content_type="text/plain")
    url = http.url_for("").rstrip("/")
    environment = {"BLOGSTER_AI_BASE_URL": url, "BLOGSTER_AI_MODEL": MODEL}
    listed = cli("ai", "models", env=environment)
    assert listed.exit_code == 6 and listed.stderr == wrong_path_message(url, "/models")
    generated = cli("generate", "ideas", "--topic", "sourdough", env=environment)
    assert generated.exit_code == 6
    assert generated.stderr == wrong_path_message(url, "/chat/completions and /models")


def test_a_404_is_a_missing_model_where_the_model_list_leaves_it_out(cli, signed_up, http):
    url, environment = _listing_only(http, "another-model")
    result = cli("generate", "ideas", "--topic", "sourdough", env=environment)
    assert result.exit_code == 6
    assert result.stderr == f"error: the AI provider at {url} has no model '{MODEL}' (see `blogster ai models`)\n"


def test_a_404_whose_error_names_the_model_is_a_missing_model_at_once(cli, signed_up, ai_server):
    environment = {"BLOGSTER_AI_BASE_URL": ai_server.base_url, "BLOGSTER_AI_MODEL": "absent"}
    result = cli("generate", "ideas", "--topic", "sourdough", env=environment)
    assert result.exit_code == 6
    assert result.stderr == (
        f"error: the AI provider at {ai_server.base_url} has no model 'absent' (see `blogster ai models`)\n"
    )
    assert ai_server.calls("/v1/models") == []  # the answer said so: no other request


def test_a_404_for_an_endpoint_the_server_lacks_beside_a_listed_model_names_that_endpoint(cli, signed_up, http):
    url, environment = _listing_only(http, MODEL)
    result = cli("generate", "ideas", "--topic", "sourdough", env=environment)
    assert result.exit_code == 6
    assert result.stderr == (
        f"error: the AI provider at {url} answered HTTP 404 (not found) for /chat/completions: check the base URL"
        " with `blogster ai setup --base-url`\n"
    )


def test_a_missing_image_model_is_named_not_the_chat_model(cli, signed_up, http):
    missing = {"error": {"message": "The model `dall-e-3` does not exist", "type": "invalid_request_error"}}
    http.expect_request("/v1/images/generations").respond_with_json(missing, status=404)
    url = http.url_for("/v1")
    made = cli("blogs", "new", "--title", "Crusty loaves", "--json")
    assert made.exit_code == 0, made.stderr
    environment = {"BLOGSTER_AI_BASE_URL": url, "BLOGSTER_AI_MODEL": MODEL}
    result = cli("generate", "image", made.json()["slug"], "--prompt", "a loaf", "--model", "dall-e-3", env=environment)
    assert result.exit_code == 6
    assert result.stderr == f"error: the AI provider at {url} has no model 'dall-e-3' (see `blogster ai models`)\n"


def _listing_only(http, listed_model: str) -> tuple[str, dict[str, str]]:
    """A server whose /v1/models lists `listed_model` and which answers 404 to everything else."""
    listed = {"object": "list", "data": [{"id": listed_model, "object": "model"}]}
    http.expect_request("/v1/models").respond_with_json(listed)
    http.expect_request(re.compile(".*")).respond_with_data(NOT_FOUND, status=404, content_type="text/plain")
    url = http.url_for("/v1")
    return url, {"BLOGSTER_AI_BASE_URL": url, "BLOGSTER_AI_MODEL": MODEL}
