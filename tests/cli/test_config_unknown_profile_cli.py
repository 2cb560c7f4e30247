"""`config list`, `get` and `unset` refuse a profile with neither settings nor a login, with the
closest one (exit 2), as every other command does; `config set` still starts a new profile
(h293 L20: `--profile nosuch config list` printed the defaults, exit 0)."""

from tests.cli.conftest import PASSWORD


def test_a_mistyped_profile_is_refused_by_config_as_by_the_others(cli, signed_up):
    assert cli("auth", "signup", "--email", "ben@example.com", "--password-stdin", "--profile", "ben",
               input=PASSWORD + "\n").exit_code == 0  # fmt: skip
    for command in (("config", "list"), ("config", "get", "timezone"), ("config", "unset", "timezone")):
        result = cli("--profile", "bne", *command)
        assert result.exit_code == 2, (command, result.stdout, result.stderr)
        assert result.stderr.startswith("error: no profile 'bne' (did you mean 'ben'?); profiles: ben, default")
        assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert cli("--profile", "ben", "config", "list").exit_code == 0  # a login makes a profile
    assert cli("config", "get", "timezone").exit_code == 0  # default always exists
    # `config set` starts one; then the others take it
    assert cli("--profile", "work", "config", "set", "timezone", "Europe/Berlin").exit_code == 0
    assert cli("--profile", "work", "config", "get", "timezone").stdout == "Europe/Berlin\n"
    assert cli("--profile", "work", "config", "unset", "timezone").exit_code == 0
