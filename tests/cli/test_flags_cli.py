"""blogster flags: admins change flags (audited, even after rm); everyone checks; strategies apply."""

from tests.cli.conftest import PASSWORD


def test_flag_lifecycle_audit_and_checks(cli, signed_up):
    created = cli(
        "flags", "create", "new-editor", "--strategy", "subscription_tier", "--conditions", '{"tiers": ["free"]}'
    )
    assert created.exit_code == 0, created.stderr
    assert cli("flags", "create", "new-editor").exit_code == 5
    assert cli("flags", "check", "new-editor", "--json").json() == {"name": "new-editor", "on": False}
    assert cli("flags", "enable", "new-editor").exit_code == 0
    assert cli("flags", "check", "new-editor").stdout == "on\n"
    assert cli("flags", "update", "new-editor", "--conditions", '{"tiers": ["pro"]}').exit_code == 0
    assert cli("flags", "check", "new-editor").stdout == "off\n"
    bad = cli("flags", "update", "new-editor", "--conditions", '{"when": {"eval": "1"}}')
    assert bad.exit_code == 2 and "invalid condition" in bad.stderr
    assert cli("flags", "update", "new-editor", "--percentage", "101").exit_code == 2

    assert cli("flags", "rm", "new-editor").exit_code == 0
    assert cli("flags", "list", "--json").json() == []
    actions = [entry["action"] for entry in cli("flags", "log", "--json").json()]
    assert actions == ["deleted", "updated", "updated", "created"]

    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert cli("flags", "create", "sneaky").exit_code == 4
    assert cli("flags", "log").exit_code == 4
    assert cli("flags", "check", "missing").exit_code == 3


def test_percentage_answers_are_stable_per_user(cli, signed_up):
    assert cli("flags", "create", "half", "--strategy", "percentage", "--percentage", "50").exit_code == 0
    assert cli("flags", "enable", "half").exit_code == 0
    answers = {cli("flags", "check", "half").stdout for _ in range(3)}
    assert len(answers) == 1
    assert cli("flags", "update", "half", "--percentage", "100").exit_code == 0
    assert cli("flags", "check", "half").stdout == "on\n"
