"""The config file changed by several commands at once, and database_url's password in every
spelling libpq reads.

Several `config set` at once: each waits for the others (a lock beside the file, held across the
read, the change and the rewrite), so none loses another's setting, and each writes a temporary
file of its own (none fails on another's `config.toml.partial`).

`config set database_url` takes the password out as libpq reads it (`?pass%77ord=`, a repeated
`password`), refuses a dbname that is itself a connection string holding one (exit 2), and
`config get/list` and `--json` mask every such spelling, from the file or BLOGSTER_DATABASE_URL."""

from __future__ import annotations

import os
import subprocess
import tomllib

import pytest

from tests.cli.forking_blogster import forking_blogster

SECRET = "S3cretPW1x"

SETTINGS = {
    "timezone": "Europe/Berlin",
    "editor": "nano",
    "statement_timeout_ms": "5000",
    "lock_timeout_ms": "3000",
    "session_days": "9",
    "connect_timeout_s": "7",
    "ai_timeout_s": "99",
    "ai_max_retries": "4",
}


def test_parallel_config_sets_keep_every_setting(isolated_environment, tmp_path):
    """Each `config set` is a process of its own, forked from one that has imported the package
    (tests/cli/forking_blogster.py): the sixteen fresh interpreters spent ~20 s of CPU importing it."""
    env = {**os.environ}
    client_folder = tmp_path / "bin"
    client_folder.mkdir()
    with forking_blogster(client_folder, env) as blogster:
        for round_ in range(2):
            profile = f"race{round_}"
            processes = [
                subprocess.Popen(
                    [blogster, "--profile", profile, "config", "set", key, value],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for key, value in SETTINGS.items()
            ]
            for process in processes:
                _, err = process.communicate(timeout=120)
                assert process.returncode == 0, err
            section = tomllib.loads((isolated_environment / "config.toml").read_text())["profiles"][profile]
            assert {key: str(value) for key, value in section.items()} == SETTINGS
    assert sorted(path.name for path in isolated_environment.iterdir()) == ["config.toml", "config.toml.lock"]
    assert (isolated_environment / "config.toml").stat().st_mode & 0o777 == 0o600


def test_the_config_file_is_replaced_through_a_temporary_file_of_its_own(isolated_environment):
    from blogster_cli.config import read_config_file, write_setting

    write_setting("default", "timezone", "UTC")
    (isolated_environment / "config.toml.partial").mkdir()  # another writer's fixed name, in the way
    write_setting("default", "editor", "vi")
    assert read_config_file()["profiles"]["default"] == {"timezone": "UTC", "editor": "vi"}


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(cli, isolated_environment):
    """A `config set` killed before its rename leaves its 0600 temporary file (maybe holding the whole
    config) beside config.toml; the next write, holding the lock, removes it: only that name pattern."""
    import tempfile

    assert cli("config", "set", "timezone", "UTC").exit_code == 0
    fd, left = tempfile.mkstemp(dir=isolated_environment, prefix=".config.toml.", suffix=".partial")
    os.write(fd, b"[profiles.default]\ntimezone = 'Asia/Tokyo'\n")  # half a config, as the kill left it
    os.close(fd)
    others = [".config.toml.abc.partial", "config.toml.partial", ".other.toml.abcdefgh.partial", "notes.txt"]
    for name in others:  # not the writer's own pattern: kept
        (isolated_environment / name).write_text("kept")
    (isolated_environment / ".config.toml.abcdefgh.partial").mkdir()  # not a file: kept

    result = cli("config", "set", "editor", "vi")
    assert result.exit_code == 0, result.stderr
    assert not os.path.exists(left)
    assert tomllib.loads((isolated_environment / "config.toml").read_text())["profiles"]["default"] == {
        "timezone": "UTC",
        "editor": "vi",
    }
    assert sorted(path.name for path in isolated_environment.iterdir() if path.name.startswith((".", "config"))) == (
        sorted([".config.toml.abc.partial", "config.toml.partial", ".other.toml.abcdefgh.partial"]
               + [".config.toml.abcdefgh.partial", "config.toml", "config.toml.lock"])
    )  # fmt: skip


SPELLINGS = [
    f"postgresql://u@127.0.0.1:5999/db?pass%77ord={SECRET}",
    f"postgresql://u@127.0.0.1:5999/db?passw%6Frd={SECRET}&sslmode=disable",
    f"postgresql://u@127.0.0.1:5999/db?password=decoy&pass%77ord={SECRET}",  # libpq keeps the last
    f"postgresql://u:decoy@127.0.0.1:5999/db?%70assword={SECRET}",
]


@pytest.mark.parametrize("url", SPELLINGS)
def test_config_set_database_url_takes_out_every_spelling_of_its_password(cli, isolated_environment, url, monkeypatch):
    from psycopg.conninfo import conninfo_to_dict

    from blogster_cli.credentials import CredentialStore

    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    result = cli("config", "set", "database_url", url)
    assert result.exit_code == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    stored = tomllib.loads((isolated_environment / "config.toml").read_text())["profiles"]["default"]["database_url"]
    assert SECRET not in stored and "password" not in conninfo_to_dict(stored)
    assert conninfo_to_dict(stored)["host"] == "127.0.0.1" and conninfo_to_dict(stored)["dbname"] == "db"
    assert CredentialStore("default").get("database_password") == SECRET
    again = cli("config", "set", "timezone", "UTC")  # nothing left in the file to "move" again
    assert again.exit_code == 0 and "moved the password" not in again.stderr


@pytest.mark.parametrize(
    "url",
    [
        f"dbname='postgresql://u:{SECRET}@127.0.0.1:5999/db'",
        f"host=127.0.0.1 dbname='host=127.0.0.1 password={SECRET}'",
        "postgresql://u@127.0.0.1:5999/postgresql%3A%2F%2Fu%3A" + SECRET + "%40127.0.0.1%2Fdb",
        f"postgresql://u@127.0.0.1:5999/db?dbname=password%3D{SECRET}",
    ],
)
def test_a_dbname_holding_a_password_is_refused(cli, isolated_environment, url, monkeypatch):
    monkeypatch.delenv("BLOGSTER_DATABASE_URL")
    result = cli("config", "set", "database_url", url)
    assert result.exit_code == 2, result.stderr
    assert "database name is itself a connection string holding a password" in result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert (
        not (isolated_environment / "config.toml").exists()
        or SECRET not in (isolated_environment / "config.toml").read_text()
    )


@pytest.mark.parametrize(
    "url",
    [
        f"dbname='postgresql://u:{SECRET}@127.0.0.1:5999/db'",
        f"host=127.0.0.1 dbname='host=127.0.0.1 password={SECRET}'",
        f"postgresql://u@127.0.0.1:5999/db?dbname=password%3D{SECRET}",
        f"host=127.0.0.1 password=0uterPW dbname='host=127.0.0.1 password={SECRET}'",  # both: each named
    ],
)
@pytest.mark.parametrize("profile", ["default", "work"])
def test_doctor_names_a_hand_written_dbname_holding_a_password(cli, signed_up, isolated_environment, url, profile):
    """`config set` refuses such a database_url, but a hand edit writes it; no `config set` can take
    that password out (it is not the URL's own), and `config get` only masks it: doctor names it,
    with the way out, never the password."""
    import tomli_w

    path = isolated_environment / "config.toml"
    document = tomllib.loads(path.read_text()) if path.exists() else {}
    document.setdefault("profiles", {}).setdefault(profile, {})["database_url"] = url
    path.write_text(tomli_w.dumps(document))
    chosen = "" if profile == "default" else f" --profile {profile}"
    result = cli("doctor", "--json")
    assert SECRET not in result.stdout + result.stderr and "0uterPW" not in result.stdout + result.stderr
    [found] = [check for check in result.json() if check["name"] == "config file"]
    assert found["status"] == "warn", found
    assert (
        f"database_url (profile {profile!r}) holds a password in its database name, itself a connection string"
        " (libpq's tools read it as one), which no `config set` takes out: give the URL again with the password"
        f" as its own (user:PASSWORD@ or password=) to `blogster{chosen} config set database_url -`, which keeps"
        " it in the keyring, or keep it in ~/.pgpass" in found["detail"]
    ), found["detail"]
    outer = "holds a password in clear" in found["detail"]  # the URL's own password: any `config set` moves it
    assert outer == ("0uterPW" in url)
    text = cli("doctor")
    assert SECRET not in text.stdout + text.stderr and "holds a password in its database name" in text.stdout


@pytest.mark.parametrize(
    "url",
    [
        *SPELLINGS,
        f"dbname='postgresql://u:{SECRET}@127.0.0.1:5999/db'",
        f"host=127.0.0.1 dbname='host=127.0.0.1 password={SECRET}'",
        f"postgresql://u@127.0.0.1:5999/db?dbname=password%3D{SECRET}",
    ],
)
@pytest.mark.parametrize("where", ["environment", "file"])
def test_config_get_and_list_mask_every_spelling(cli, isolated_environment, monkeypatch, url, where):
    if where == "environment":
        monkeypatch.setenv("BLOGSTER_DATABASE_URL", url)
    else:  # written by hand (or by an older version)
        monkeypatch.delenv("BLOGSTER_DATABASE_URL")
        (isolated_environment / "config.toml").write_text(f"[profiles.default]\ndatabase_url = {url!r}\n")
    for args in (("config", "get", "database_url"), ("config", "list"), ("config", "list", "--json")):
        shown = cli(*args)
        assert shown.exit_code == 0, shown.stderr
        assert SECRET not in shown.stdout + shown.stderr, args
        assert "***" in shown.stdout, args


def test_a_percent_encoded_password_on_the_command_line_is_warned_about(cli):
    url = f"postgresql://pgadmin@127.0.0.1:1/none?pass%77ord={SECRET}"
    result = cli("--database-url", url, "config", "get", "timezone")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("warning: --database-url holds a password") == 1
    assert SECRET not in result.stdout + result.stderr
