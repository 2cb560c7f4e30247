"""blogster ai setup / status / models against the local OpenAI-compatible server."""

import os
import re
import subprocess
import sys

import pytest

from tests.ai_server import MODEL


def test_no_provider_is_a_one_line_config_error(cli):
    result = cli("ai", "models")
    assert result.exit_code == 6
    assert result.stderr.startswith("error: no AI provider configured: run `blogster ai setup`")
    assert "Traceback" not in result.stderr


def test_status_with_nothing_configured_says_so_and_how_to_set_it_up(cli):
    """New-user walk (h310 L10): `ai status`, the first thing a new user types, exited 6."""
    result = cli("ai", "status")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["configured", "no"]
    assert result.stderr.startswith("No AI provider is configured. To set one up, run `blogster ai setup`")
    report = cli("ai", "status", "--json")
    assert report.exit_code == 0 and report.json() == {
        "base_url": None, "model": None, "key": "none", "reachable": False, "model_available": False,
        "problem": None, "configured": False,
        "setup": "run `blogster ai setup` (or set BLOGSTER_AI_BASE_URL, BLOGSTER_AI_MODEL and OPENAI_API_KEY)",
    }  # fmt: skip


def test_setup_stores_the_key_bound_to_its_url_and_status_never_prints_it(cli, ai_server, isolated_environment):
    result = cli(
        "ai", "setup", "--base-url", ai_server.base_url, "--model", MODEL, "--api-key-stdin", input="sk-kept\n"
    )
    assert result.exit_code == 0, result.stderr
    config = (isolated_environment / "config.toml").read_text()
    assert ai_server.base_url in config and "sk-kept" not in config
    status = cli("ai", "status", "--json")
    assert status.exit_code == 0, status.stderr
    report = status.json()
    assert report == {
        "base_url": ai_server.base_url, "model": MODEL, "key": "credentials_file",
        "reachable": True, "model_available": True, "problem": None, "configured": True, "setup": None,
    }  # fmt: skip
    assert "sk-kept" not in status.stdout + status.stderr
    assert ai_server.requests[-1].headers["authorization"] == "Bearer sk-kept"
    assert cli("ai", "models").stdout.split() == [MODEL]


def test_stored_key_is_not_sent_when_the_environment_points_elsewhere(cli, ai_server):
    cli("ai", "setup", "--base-url", "http://127.0.0.1:9/v1", "--model", MODEL, "--api-key-stdin", input="sk-kept\n")
    result = cli("ai", "models", env={"BLOGSTER_AI_BASE_URL": ai_server.base_url})
    assert result.exit_code == 0, result.stderr
    assert "sk-kept" not in ai_server.requests[-1].headers["authorization"]


def test_environment_overrides_for_cron(cli, ai_env):
    report = cli("ai", "status", "--json").json()
    assert report["key"] == "environment" and report["base_url"] == ai_env.base_url
    assert ai_env.requests[-1].headers["authorization"] == "Bearer sk-test-env"


def test_status_reports_a_missing_model_and_exits_1(cli, ai_env):
    result = cli("ai", "status", env={"BLOGSTER_AI_MODEL": "absent"})
    assert result.exit_code == 1 and "does not list model 'absent'" in result.stdout


def test_unreachable_endpoint_is_reported(cli):
    cli("config", "set", "ai_max_retries", "0")
    result = cli("ai", "models", env={"BLOGSTER_AI_BASE_URL": "http://127.0.0.1:9/v1", "BLOGSTER_AI_MODEL": "m"})
    assert (
        result.exit_code == 1
        and result.stderr.strip() == "error: cannot reach the AI provider at http://127.0.0.1:9/v1"
    )


@pytest.mark.parametrize(
    "status, problem",
    [(401, "refused the API key (HTTP 401: the one in OPENAI_API_KEY)"), (500, "failed with HTTP 500")],
)
def test_status_says_a_server_that_answered_with_an_error_is_reachable_and_what_it_answered(cli, http, status, problem):
    """Only a 404 counted as an answer: a refused key or a server error read as "reachable: no", though it answered."""
    cli("config", "set", "ai_max_retries", "0")
    http.expect_request("/v1/models").respond_with_json({"error": {"message": "nope"}}, status=status)
    url = http.url_for("/v1")
    environment = {"BLOGSTER_AI_BASE_URL": url, "BLOGSTER_AI_MODEL": MODEL, "OPENAI_API_KEY": "sk-test-refused"}
    report = cli("ai", "status", "--json", env=environment)
    assert report.exit_code == 1
    assert (report.json()["reachable"], report.json()["problem"]) == (True, f"the AI provider at {url} {problem}")
    shown = cli("ai", "status", env=environment)
    assert shown.exit_code == 1 and re.search(r"^reachable\s+yes$", shown.stdout, re.M), shown.stdout


def test_status_says_a_server_that_could_not_be_connected_to_is_not_reachable(cli):
    cli("config", "set", "ai_max_retries", "0")
    environment = {"BLOGSTER_AI_BASE_URL": "http://127.0.0.1:9/v1", "BLOGSTER_AI_MODEL": MODEL}
    report = cli("ai", "status", "--json", env=environment)
    assert report.exit_code == 1
    assert (report.json()["reachable"], report.json()["problem"]) == (
        False, "cannot reach the AI provider at http://127.0.0.1:9/v1",
    )  # fmt: skip


def _imported_after(args: list[str]) -> list[str]:
    code = (
        "import sys\n"
        f"sys.argv = ['blogster', *{args!r}]\n"
        "from blogster_cli.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('HEAVY=' + ','.join(m for m in ['openai', 'jinja2'] if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1].removeprefix("HEAVY=").split(",")


def test_a_password_in_the_base_url_never_shows(cli, signed_up):
    """README: `ai status` (and --json) show the URL's password as ***; so do its errors."""
    cli("config", "set", "ai_max_retries", "0")
    env = {
        "BLOGSTER_AI_BASE_URL": "http://u:PwInUrl77@127.0.0.1:9/v1",
        "BLOGSTER_AI_MODEL": "m",
        "OPENAI_API_KEY": "sk-x",
    }
    status = cli("ai", "status", "--json", env=env)
    assert "u:***@127.0.0.1:9" in status.stdout and "PwInUrl77" not in status.stdout + status.stderr
    for command in (("ai", "models"), ("generate", "ideas", "--topic", "x")):
        failed = cli(*command, env=env)
        assert failed.exit_code != 0 and "u:***@" in failed.stderr and "PwInUrl77" not in failed.stderr
    no_model = cli("ai", "status", env={**env, "BLOGSTER_AI_MODEL": ""})
    assert no_model.exit_code == 6 and "u:***@" in no_model.stderr and "PwInUrl77" not in no_model.stderr


def test_light_commands_never_import_openai():
    for args in (["--help"], ["ai", "--help"], ["generate", "--help"], ["ideas", "--help"], ["config", "list"]):
        assert _imported_after(args) == [""], args


def test_ai_logs_keeps_its_own_short_q_for_the_search_text():
    from blogster_cli.cli.app import hoist_global_options

    assert hoist_global_options(["ai", "logs", "-q", "sourdough", "--debug"]) == [
        "--debug", "ai", "logs", "-q", "sourdough",
    ]  # fmt: skip
    assert hoist_global_options(["--profile", "w", "ai", "logs", "-q", "x"])[-2:] == ["-q", "x"]
    assert hoist_global_options(["ai", "models", "-q"]) == ["-q", "ai", "models"]


@pytest.mark.same_on_every_server  # which modules a process imports: CI's second pass leaves it out
def test_only_commands_that_call_a_provider_import_openai(db, isolated_environment):
    code = (
        "import sys\nfrom blogster_cli.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('OPENAI=' + str('openai' in sys.modules))"
    )
    env = {"BLOGSTER_DATABASE_URL": db.conninfo, "BLOGSTER_HOME": str(isolated_environment)}
    for command in (["ideas", "list"], ["research", "list"], ["credits"], ["ai", "logs"], ["subscription", "show"]):
        result = subprocess.run(
            [sys.executable, "-c", f"import sys; sys.argv = {['blogster', *command]!r}\n" + code],
            capture_output=True, text=True, env={**os.environ, **env},
        )  # fmt: skip
        assert result.stdout.strip().splitlines()[-1] == "OPENAI=False", (command, result.stderr)
