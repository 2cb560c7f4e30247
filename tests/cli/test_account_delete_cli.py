"""Issue 9.30: `account delete` also forgets the account's stored secrets in every profile,
and the stored image files only it used; other accounts' secrets and images stay."""

import pytest

from tests.cli.conftest import PASSWORD

PNG_ALICE = b"\x89PNG\r\n\x1a\n" + b"only alice uses this"
PNG_SHARED = b"\x89PNG\r\n\x1a\n" + b"both use this"


@pytest.fixture(params=["file", "keyring"])
def secret_names(request, isolated_environment):
    """A function listing the '<profile>:<name>' secrets stored, from the file or the keyring."""
    import json

    if request.param == "file":
        path = isolated_environment / "credentials.json"
        return lambda: sorted(k for k in json.loads(path.read_text()) if not k.startswith(":"))
    backend = request.getfixturevalue("memory_keyring")
    return lambda: sorted(name for (_, name) in backend.entries if not name.startswith(":"))


def test_account_delete_forgets_the_accounts_secrets_in_every_profile(cli, secret_names):
    assert cli("auth", "signup", "--email", "ada@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    login = ("auth", "login", "--email")
    assert cli("--profile", "work", *login, "ada@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    signup = ("auth", "signup", "--email", "bob@example.com", "--password-stdin")
    assert cli("--profile", "bob", *signup, input=PASSWORD + "\n").exit_code == 0
    assert secret_names() == ["bob:session", "default:session", "work:session"]

    assert cli("account", "delete", "--yes").exit_code == 0
    assert secret_names() == ["bob:session"]
    assert cli("--profile", "bob", "auth", "whoami").exit_code == 0


def test_account_delete_removes_image_files_only_it_used(cli, signed_up, tmp_path, isolated_environment):
    for name, data in (("alice.png", PNG_ALICE), ("shared.png", PNG_SHARED)):
        (tmp_path / name).write_bytes(data)
    assert cli("blogs", "new", "Ada pictures").exit_code == 0
    for name in ("alice.png", "shared.png"):
        assert cli("images", "add", "ada-pictures", str(tmp_path / name)).exit_code == 0
    bob = ("auth", "signup", "--email", "bob@example.com", "--password-stdin")
    assert cli("--profile", "bob", *bob, input=PASSWORD + "\n").exit_code == 0
    assert cli("--profile", "bob", "blogs", "new", "Bob picture").exit_code == 0
    added = cli("--profile", "bob", "images", "add", "bob-picture", str(tmp_path / "shared.png"))
    assert added.exit_code == 0, added.stderr
    media = isolated_environment / "media"
    assert len(list(media.iterdir())) == 2

    assert cli("account", "delete", "--yes").exit_code == 0
    remaining = [path.read_bytes() for path in media.iterdir()]
    assert remaining == [PNG_SHARED]
