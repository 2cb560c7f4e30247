"""`ai setup` never forgets the stored API key unless told to (--no-key): off a terminal, where
nobody can type a key, leaving out --api-key-stdin and --no-key is a usage error (README: a
command that would ask is a usage error off a terminal, naming the option)."""

from tests.ai_server import MODEL


def key_source(cli):
    status = cli("ai", "status", "--json")
    assert status.exit_code == 0, status.stderr
    report = status.json()
    return report["key"], report["model"]


def set_up(cli, ai_server):
    result = cli(
        "ai", "setup", "--base-url", ai_server.base_url, "--model", MODEL, "--api-key-stdin", input="sk-kept\n"
    )
    assert result.exit_code == 0, result.stderr
    assert key_source(cli) == ("credentials_file", MODEL)


def test_setup_off_a_terminal_without_a_key_option_is_a_usage_error_and_keeps_the_key(cli, ai_server):
    set_up(cli, ai_server)
    result = cli("ai", "setup", "--base-url", ai_server.base_url, "--model", "other-model")
    assert result.exit_code == 2
    assert result.stderr == "error: not on a terminal, so nobody to ask: use --api-key-stdin or --no-key\n"
    assert key_source(cli) == ("credentials_file", MODEL)  # nothing changed, the model neither
    assert ai_server.requests[-1].headers["authorization"] == "Bearer sk-kept"


def test_an_empty_standard_input_is_no_key_and_keeps_the_stored_one(cli, ai_server):
    set_up(cli, ai_server)
    result = cli("ai", "setup", "--base-url", ai_server.base_url, "--model", MODEL, "--api-key-stdin", input="\n")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no API key on standard input (--api-key-stdin); for an endpoint without one: --no-key\n"
    )
    assert key_source(cli) == ("credentials_file", MODEL)


def test_both_key_options_contradict(cli, ai_server):
    set_up(cli, ai_server)
    result = cli(
        "ai", "setup", "--base-url", ai_server.base_url, "--model", MODEL, "--api-key-stdin", "--no-key",
        input="sk-new\n",
    )  # fmt: skip
    assert result.exit_code == 2 and "contradict" in result.stderr
    assert key_source(cli) == ("credentials_file", MODEL)


def test_no_key_says_so_and_forgets_the_stored_key(cli, ai_server):
    set_up(cli, ai_server)
    result = cli("ai", "setup", "--base-url", ai_server.base_url, "--model", MODEL, "--no-key")
    assert result.exit_code == 0, result.stderr
    assert "key: none" in result.stderr
    assert key_source(cli) == ("none", MODEL)
