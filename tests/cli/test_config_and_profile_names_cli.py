"""`config set site_base_domain` takes host names only, profile names are safe names, and a
mistyped setting or profile gets a "did you mean" (h213 B9): one line each, exit 2."""

import pytest

from tests.cli.conftest import PASSWORD


def one_line(result, code):
    assert result.exit_code == code, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.same_on_every_server  # checking the setting is Python's: CI's second pass leaves it out
@pytest.mark.parametrize(
    "value", ["not a domain", "blogster.page/", "https://blogster.page", "a..b", "b.", "-a.example", "a_b.example",
              "host:8080", "127.0.0.1", "x" * 64 + ".example"],
)  # fmt: skip
def test_a_base_domain_that_is_no_host_name_is_refused(cli, isolated_environment, value):
    error = one_line(cli("config", "set", "site_base_domain", value), 2)
    assert error == f"error: site_base_domain must be a host name like blogster.page, not {value!r}\n"
    assert not (isolated_environment / "config.toml").exists()


@pytest.mark.same_on_every_server  # checking the setting is Python's: CI's second pass leaves it out
@pytest.mark.parametrize(
    ("value", "stored"),
    [("blogs.example.com", "blogs.example.com"), ("Blogs.Example.COM", "blogs.example.com"),
     ("bücher.example", "bücher.example"), ("xn--bcher-kva.example", "xn--bcher-kva.example"),
     ("localhost", "localhost")],
)  # fmt: skip
def test_host_names_are_taken_in_lower_case(cli, value, stored):
    assert cli("config", "set", "site_base_domain", value).exit_code == 0
    assert cli("config", "get", "site_base_domain").stdout == stored + "\n"


@pytest.mark.same_on_every_server  # reading the config file is Python's: CI's second pass leaves it out
def test_a_bad_base_domain_in_the_file_names_the_file(cli, isolated_environment):
    (isolated_environment / "config.toml").write_text('[profiles.default]\nsite_base_domain = "not a domain"\n')
    error = one_line(cli("config", "get", "timezone"), 6)
    assert "config.toml [profiles.default] site_base_domain: site_base_domain must be a host name" in error


@pytest.mark.same_on_every_server  # the setting's name is Python's to check: CI's second pass leaves it out
def test_a_mistyped_setting_gets_the_closest_name(cli):
    error = one_line(cli("config", "set", "timzone", "UTC"), 2)
    assert error.startswith("error: unknown setting 'timzone' (did you mean 'timezone'?); known: ")
    assert "did you mean" not in one_line(cli("config", "get", "colour"), 2)


@pytest.mark.same_on_every_server  # the profile's name is Python's to check: CI's second pass leaves it out
@pytest.mark.parametrize("name", ["../evil", "", ".", "..", ".hidden", "a/b", "a\\b", "a b", "a:b", "x" * 65])
def test_unsafe_profile_names_are_refused(cli, isolated_environment, name):
    for result in (
        cli("--profile", name, "config", "set", "timezone", "UTC"),
        cli("config", "set", "timezone", "UTC", env={"BLOGSTER_PROFILE": name}) if name else None,
    ):
        if result is not None:
            error = one_line(result, 2)
            assert error == (
                f"error: profile name {name!r} is not usable: use 1-64 letters, digits, '-', '_', '@', '+' or '.'"
                " (not first)\n"
            )
    assert not (isolated_environment / "config.toml").exists()


@pytest.mark.same_on_every_server  # the profile's name is Python's to check: CI's second pass leaves it out
def test_safe_profile_names_are_taken(cli):
    for name in ("work", "Ada_2", "client-a", "x" * 64, "ada@example.com", "ada+work", "v1.2"):  # names of old
        assert cli("--profile", name, "config", "set", "timezone", "UTC").exit_code == 0


def test_a_mistyped_profile_is_named_with_the_closest_one(cli, signed_up):
    cli("auth", "signup", "--email", "ben@example.com", "--password-stdin", "--profile", "ben", input=PASSWORD + "\n")
    assert cli("--profile", "ben", "posts", "list").exit_code == 0
    error = one_line(cli("--profile", "bne", "posts", "list"), 2)
    assert error.startswith("error: no profile 'bne' (did you mean 'ben'?); profiles: ben, default")
    assert "blogster --profile bne auth login" in error
    # A profile with settings but no login is one: not logged in, as before.
    cli("--profile", "work", "config", "set", "timezone", "UTC")
    assert one_line(cli("--profile", "work", "posts", "list"), 1).startswith("error: not logged in")
    # The default profile always exists; a new profile starts with a login.
    cli("auth", "logout")
    assert one_line(cli("posts", "list"), 1).startswith("error: not logged in")
    login = cli("--profile", "new", "auth", "login", "--email", "ada@example.com", "--password-stdin",
                input=PASSWORD + "\n")  # fmt: skip
    assert login.exit_code == 0, login.stderr
    assert cli("--profile", "new", "posts", "list").exit_code == 0


def test_environment_credentials_need_no_profile(cli, signed_up):
    """Cron with BLOGSTER_EMAIL and BLOGSTER_PASSWORD: no stored profile is asked about."""
    env = {"BLOGSTER_EMAIL": "ada@example.com", "BLOGSTER_PASSWORD": PASSWORD}
    assert cli("--profile", "cron", "posts", "list", env=env).exit_code == 0
    wrong = {**env, "BLOGSTER_PASSWORD": "wrong-password-here"}
    assert one_line(cli("--profile", "cron", "posts", "list", env=wrong), 1) == "error: wrong email or password\n"


@pytest.mark.same_on_every_server  # the config file is Python's: CI's second pass leaves it out
def test_a_setting_is_echoed_as_stored(cli):
    """`config set site_base_domain Example.Org` said 'Example.Org' while the file held 'example.org';
    a value that is stored otherwise than typed is no database password moved to the keyring."""
    result = cli("config", "set", "site_base_domain", "Example.Org")
    assert result.exit_code == 0
    assert result.stderr == "site_base_domain = 'example.org' (profile 'default')\n", result.stderr
    assert cli("config", "get", "site_base_domain").stdout.strip() == "example.org"
