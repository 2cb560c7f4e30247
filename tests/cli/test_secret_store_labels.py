"""Where a stored secret went is named truly: 'keyring' only when the OS keyring holds it,
'credentials_file' where there is none and the 0600 file does (the tests' default store)."""

import pytest

from tests.cli.conftest import PASSWORD

TOKEN = "tok-3141-never-shown"


def stored_labels(cli) -> dict[str, object]:
    """The label each command reports for a secret it just stored, plain and --json."""
    assert cli("auth", "signup", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    plain = cli("platforms", "connect", "devto", "--token-stdin", input=TOKEN + "\n")
    assert plain.exit_code == 0, plain.stderr
    social = cli(
        "social", "profiles", "connect", "linkedin", "--handle", "782bbtaQ", "--token-stdin", "--json",
        input=TOKEN + "\n",
    )  # fmt: skip
    smtp = cli("newsletter", "smtp-password", "--password-stdin", "--json", input=TOKEN + "\n")
    ai = cli(
        "ai", "setup", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--api-key-stdin", input=TOKEN + "\n"
    )
    assert ai.exit_code == 0, ai.stderr
    outputs = [plain, social, smtp]
    assert all(TOKEN not in result.stdout + result.stderr for result in outputs)
    return {
        "platforms connect": plain.stdout + plain.stderr,
        "platforms list": cli("platforms", "list", "--json").json()[0]["token"],
        "social profiles connect": social.json()["token"],
        "social profiles list": cli("social", "profiles", "list", "--json").json()[0]["token"],
        "newsletter smtp-password": smtp.json()["source"],
        "ai status": cli("ai", "status", "--json").json()["key"],
    }


def test_the_credentials_file_is_not_called_the_keyring(cli):
    labels = stored_labels(cli)
    assert labels.pop("platforms connect") == "devto: token stored (credentials file)\n"
    assert set(labels.values()) == {"credentials_file"}, labels


@pytest.mark.usefixtures("memory_keyring")
def test_the_keyring_is_named_when_it_holds_the_secret(cli):
    labels = stored_labels(cli)
    assert labels.pop("platforms connect") == "devto: token stored (keyring)\n"
    assert set(labels.values()) == {"keyring"}, labels
