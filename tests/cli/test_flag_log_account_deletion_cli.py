"""`flags log` says when an account's deletion changed a flag (0159, h293 M7): `account delete` once
switched a `user_ids` flag off with an entry changed by nobody whose previous state already lacked
the account."""

from tests.cli.conftest import PASSWORD


def test_a_flag_switched_off_by_an_account_deleting_itself_says_why(cli, signed_up, superuser):
    grace = cli("auth", "signup", "--email", "grace@example.com", "--password-stdin", "--profile", "grace",
                input=PASSWORD + "\n")  # fmt: skip
    assert grace.exit_code == 0, grace.stderr
    (grace_id,) = superuser.execute("select id::text from auth.users where email = 'grace@example.com'").fetchone()
    created = cli(
        "flags", "create", "beta", "--strategy", "user_ids", "--conditions", f'{{"user_ids": ["{grace_id}"]}}'
    )
    assert created.exit_code == 0, created.stderr
    assert cli("flags", "enable", "beta").exit_code == 0
    deleted = cli("--profile", "grace", "account", "delete", "--yes")
    assert deleted.exit_code == 0, deleted.stderr

    (flag,) = cli("flags", "list", "--json").json()
    assert (flag["enabled"], flag["conditions"]) == (False, {"user_ids": []})
    (entry,) = cli("flags", "log", "--json", "--limit", "1").json()
    assert (entry["action"], entry["reason"], entry["changed_by_email"]) == ("updated", "account deleted", None)
    assert entry["previous_state"]["enabled"] is True
    assert entry["previous_state"]["conditions"] == {"user_ids": ["deleted account"]}
    assert entry["new_state"]["enabled"] is False
    csv = cli("flags", "log", "--format", "csv", "--limit", "2").stdout.splitlines()
    assert csv[0] == "created_at,change,flag,changed_by_email,reason"
    assert [line.split(",")[1:] for line in csv[1:]] == [
        ["disabled", "beta", "", "account deleted"],
        ["enabled", "beta", "ada@example.com", ""],
    ]
    assert grace_id.replace("-", "") not in cli("flags", "log", "--json").stdout.replace("-", "")
    # the older entries name her as the deletion's does, not as an empty list the CLI refuses (0173)
    _, enabled, created = cli("flags", "log", "--json").json()
    assert created["new_state"]["conditions"] == {"user_ids": ["deleted account"]}
    assert (
        enabled["previous_state"]["conditions"]
        == enabled["new_state"]["conditions"]
        == created["new_state"]["conditions"]
    )


def test_an_administrators_deletion_names_the_administrator(cli, signed_up, superuser):
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", "--profile", "bob",
               input=PASSWORD + "\n").exit_code == 0  # fmt: skip
    (bob_id,) = superuser.execute("select id::text from auth.users where email = 'bob@example.com'").fetchone()
    conditions = f'{{"user_ids": ["{bob_id}"]}}'
    assert cli("flags", "create", "beta", "--strategy", "user_ids", "--conditions", conditions).exit_code == 0
    assert cli("flags", "enable", "beta").exit_code == 0
    purged = cli("admin", "users", "purge", "bob@example.com", "--yes")
    assert purged.exit_code == 0, purged.stderr
    (entry,) = cli("flags", "log", "--json", "--limit", "1").json()
    assert (entry["reason"], entry["changed_by_email"]) == ("account deleted", "ada@example.com")
    assert entry["previous_state"]["conditions"] == {"user_ids": ["deleted account"]}
