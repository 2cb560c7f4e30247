"""blogster flags: admins change flags (audited, even after rm); everyone checks; strategies apply."""

import json
import re

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

    assert cli("flags", "rm", "new-editor", "--yes").exit_code == 0
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


def test_flag_lists_take_the_shared_format_and_limit_options(cli, signed_up):
    for name in ("a-flag", "b-flag"):
        assert cli("flags", "create", name).exit_code == 0
    assert cli("flags", "list", "--format", "ids").stdout == "a-flag\nb-flag\n"
    assert cli("flags", "list", "--format", "count", "--limit", "1").stdout == "1\n"
    assert cli("flags", "log", "--format", "count").stdout == "2\n"
    assert [e["action"] for e in cli("flags", "log", "--limit", "1", "--json").json()] == ["created"]


def test_admins_check_a_flag_for_another_account_and_others_cannot(cli, signed_up, superuser):
    def login(email: str) -> None:
        assert cli("auth", "login", "--email", email, "--password-stdin", input=PASSWORD + "\n").exit_code == 0

    assert (
        cli("auth", "signup", "--email", "bob@corp.example", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    )
    (bob_id,) = superuser.execute("select id from auth.users where email = 'bob@corp.example'").fetchone()
    superuser.execute("update user_subscriptions set subscription_tier = 'pro' where user_id = %s", (bob_id,))
    login(signed_up)
    conditions = '{"tiers": ["pro"], "when": {"attr": "email_domain", "eq": "corp.example"}}'
    assert (
        cli("flags", "create", "corp-pro", "--strategy", "subscription_tier", "--conditions", conditions).exit_code == 0
    )
    assert cli("flags", "enable", "corp-pro").exit_code == 0
    assert cli("flags", "check", "corp-pro").stdout == "off\n"
    assert cli("flags", "check", "corp-pro", "--user", "bob@corp.example", "--json").json() == {
        "name": "corp-pro",
        "user": "bob@corp.example",
        "on": True,
    }
    assert cli("flags", "check", "corp-pro", "--user", "nobody@corp.example").exit_code == 3

    login("bob@corp.example")
    assert cli("flags", "check", "corp-pro", "--user", "bob@corp.example").stdout == "on\n"  # oneself
    denied = cli("flags", "check", "corp-pro", "--user", signed_up)
    assert denied.exit_code == 4 and signed_up not in denied.stderr


def test_a_flag_name_the_schema_refuses_is_explained_in_one_line(cli, signed_up):
    for name in ("", "Spaces Name!", "x" * 101):
        result = cli("flags", "create", name)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "lower-case letters" in result.stderr
        assert "constraint" not in result.stderr and "relation" not in result.stderr


def test_a_rule_that_could_never_match_is_refused_and_the_log_names_flags(cli, signed_up):
    """A red team saved tier "platinum", user id "not-a-uuid" and a tier strategy without tiers
    (exit 0, never on); `flags log` showed ids, unreadable once the flag was removed."""
    for args in (
        ("--strategy", "subscription_tier", "--conditions", '{"tiers": ["platinum"]}'),
        ("--strategy", "user_ids", "--conditions", '{"user_ids": ["not-a-uuid"]}'),
        ("--strategy", "subscription_tier"),
        ("--conditions", '{"tiers": ["pro"]}'),
    ):
        refused = cli("flags", "create", "beta", *args)
        assert refused.exit_code == 2 and "invalid condition" in refused.stderr, args
    assert cli("flags", "list", "--json").json() == []
    assert (
        cli(
            "flags", "create", "beta", "--strategy", "subscription_tier", "--conditions", '{"tiers": ["pro"]}'
        ).exit_code
        == 0
    )
    switched = cli("flags", "update", "beta", "--strategy", "user_ids")  # its tiers would no longer be read
    assert switched.exit_code == 2 and "read only with strategy subscription_tier" in switched.stderr
    assert cli("flags", "rm", "beta", "--yes").exit_code == 0
    assert [entry["flag"] for entry in cli("flags", "log", "--json").json()] == ["beta", "beta"]
    assert "beta" in cli("flags", "log").stdout


def test_conditions_nested_past_the_parsers_stack_are_a_usage_error(cli, signed_up):
    nested = '{"when": ' + '{"not": ' * 3000 + '{"tier": "pro"}' + "}" * 3000 + "}"
    result = cli("flags", "create", "deep", "--conditions", nested)
    assert (result.exit_code, result.stderr) == (2, "error: --conditions nests too deeply\n")
    assert cli("flags", "list", "--json").json() == []


def test_a_rule_naming_no_account_or_an_empty_any_or_all_is_refused(cli, signed_up, superuser):
    """A red team saved a user id that is no account, and {"any": []} (matches nobody): exit 0, never on."""
    (ada_id,) = superuser.execute("select id from auth.users where email = %s", (signed_up,)).fetchone()
    nobody = "00000000-0000-4000-8000-000000000001"
    for conditions in (
        f'{{"user_ids": ["{ada_id}", "{nobody}"]}}',
        f'{{"user_ids": ["{ada_id}"], "when": {{"not": {{"attr": "user_id", "eq": "{nobody}"}}}}}}',
    ):
        refused = cli("flags", "create", "beta", "--strategy", "user_ids", "--conditions", conditions)
        assert (
            refused.exit_code == 2
            and refused.stderr
            == f"error: invalid condition: no account with id {nobody} (see `admin users list --format ids`)\n"
        )
    for key, matches in (("any", "nobody"), ("all", "everybody")):
        refused = cli("flags", "create", "beta", "--conditions", f'{{"when": {{"{key}": []}}}}')
        assert refused.exit_code == 2 and f'an empty "{key}" matches {matches}' in refused.stderr
        assert refused.stderr.count("\n") == 1
    assert cli("flags", "list", "--json").json() == []

    created = cli("flags", "create", "beta", "--strategy", "user_ids", "--conditions", f'{{"user_ids": ["{ada_id}"]}}')
    assert created.exit_code == 0, created.stderr
    moved = cli("flags", "update", "beta", "--conditions", f'{{"user_ids": ["{nobody}"]}}')
    assert moved.exit_code == 2 and nobody in moved.stderr
    assert cli("flags", "enable", "beta").exit_code == 0 and cli("flags", "check", "beta").stdout == "on\n"


def test_a_rule_names_accounts_by_email_and_stores_their_ids(cli, signed_up, superuser):
    """New-user walk #2: `{"user_ids": ["dave@example.com"]}` was refused as "not a user id (a
    UUID, as `admin users list` shows)", a table that shows no ids."""
    assert cli("auth", "signup", "--email", "dave@example.com", "--password-stdin", "--profile", "dave",
               input=PASSWORD + "\n").exit_code == 0  # fmt: skip
    (dave_id,) = superuser.execute("select id::text from auth.users where email = 'dave@example.com'").fetchone()
    created = cli("flags", "create", "beta", "--strategy", "user_ids", "--conditions",
                  '{"user_ids": ["Dave@Example.com"]}', "--json")  # fmt: skip
    assert created.exit_code == 0, created.stderr
    assert created.json()["conditions"] == {"user_ids": [dave_id]}
    assert cli("flags", "enable", "beta").exit_code == 0
    assert cli("flags", "check", "beta", "--user", "dave@example.com").stdout == "on\n"
    assert cli("flags", "check", "beta").stdout == "off\n"

    unknown = cli("flags", "update", "beta", "--conditions", '{"user_ids": ["dave@example.com", "erin@example.com"]}')
    assert (unknown.exit_code, unknown.stderr) == (3, "error: no account with email 'erin@example.com'\n")
    when = f'{{"user_ids": ["{dave_id}"], "when": {{"not": {{"attr": "user_id", "eq": "dave@example.com"}}}}}}'
    moved = cli("flags", "update", "beta", "--conditions", when, "--json")
    assert moved.exit_code == 0, moved.stderr
    assert moved.json()["conditions"]["when"] == {"not": {"attr": "user_id", "eq": dave_id}}
    neither = cli("flags", "update", "beta", "--conditions", '{"user_ids": ["dave"]}')
    assert (neither.exit_code, neither.stderr) == (
        2,
        "error: invalid condition: 'dave' is neither an account's id nor its email"
        " (`admin users list --format ids` lists the ids)\n",
    )


def test_the_log_names_enabling_and_disabling(cli, signed_up):
    """New-user walk #6: the log's table said `updated` for enable, disable and any other change."""
    assert cli("flags", "create", "beta").exit_code == 0
    assert cli("flags", "enable", "beta").exit_code == 0
    assert cli("flags", "update", "beta", "--description", "the new editor").exit_code == 0
    assert cli("flags", "disable", "beta").exit_code == 0
    assert cli("flags", "rm", "beta", "--yes").exit_code == 0
    csv = cli("flags", "log", "--format", "csv").stdout.splitlines()
    assert csv[0] == "created_at,change,flag,changed_by_email,reason"
    assert [line.split(",")[1] for line in csv[1:]] == ["deleted", "disabled", "updated", "enabled", "created"]
    logged = cli("flags", "log", "--json").json()
    assert [(e["action"], e["change"]) for e in logged][1:4] == [
        ("updated", "disabled"),
        ("updated", "updated"),
        ("updated", "enabled"),
    ]


def test_a_writer_lists_flags_without_the_accounts_they_name(cli, signed_up, superuser):
    """`flags list --json` showed a non-administrator the ids a `user_ids` flag names (tester 534),
    while the flag log is for administrators only: now others' ids show as the nil UUID (0210),
    and `flags check` answers as before."""
    for email in ("dave@example.com", "erin@example.com"):
        signup = cli("auth", "signup", "--email", email, "--password-stdin", "--profile", email.split("@")[0],
                     input=PASSWORD + "\n")  # fmt: skip
        assert signup.exit_code == 0, signup.stderr
    ids = dict(superuser.execute("select email, id::text from auth.users").fetchall())
    conditions = '{"user_ids": ["dave@example.com", "erin@example.com"]}'
    assert cli("flags", "create", "beta", "--strategy", "user_ids", "--conditions", conditions).exit_code == 0
    assert cli("flags", "enable", "beta").exit_code == 0
    whole = cli("flags", "list", "--json").json()[0]["conditions"]
    assert whole == {"user_ids": [ids["dave@example.com"], ids["erin@example.com"]]}  # the administrator's

    listed = cli("--profile", "dave", "flags", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert listed.json()[0]["conditions"] == {
        "user_ids": [ids["dave@example.com"], "00000000-0000-0000-0000-000000000000"]
    }
    assert ids["erin@example.com"] not in cli("--profile", "dave", "flags", "list").stdout
    assert cli("--profile", "dave", "flags", "check", "beta").stdout == "on\n"
    assert cli("--profile", "erin", "flags", "check", "beta").stdout == "on\n"
    assert cli("flags", "check", "beta").stdout == "off\n"


def test_a_writer_reads_its_own_id_as_stored_and_no_other_in_any_spelling(cli, signed_up, superuser):
    """Red team 73 F1: an administrator's "}ID{", "IDurn:" or "x ID" showed another account's id
    to a non-administrator; the reader's own id in an odd spelling was written as the nil UUID."""
    for email in ("dave@example.com", "erin@example.com"):
        signup = cli("auth", "signup", "--email", email, "--password-stdin", "--profile", email.split("@")[0],
                     input=PASSWORD + "\n")  # fmt: skip
        assert signup.exit_code == 0, signup.stderr
    ids = dict(superuser.execute("select email, id::text from auth.users").fetchall())
    dave, erin = ids["dave@example.com"], ids["erin@example.com"]
    own = ["{" + dave + "}", "urn:uuid:" + dave.upper(), dave]
    others = ["}" + erin + "{", erin + "urn:", erin.replace("-", "-uuid:", 1), "uuid:urn:" + erin]
    for name, conditions in {
        "odd": {"user_ids": [*own, *others]},
        "odd-when": {"when": {"any": [{"attr": "email_domain", "eq": "x " + erin}, {"attr": "user_id", "in": own}]}},
    }.items():
        superuser.execute(
            "insert into public.feature_flags (name, enabled, strategy, conditions) values (%s, true, %s, %s)",
            (name, "user_ids" if "user_ids" in conditions else "all", json.dumps(conditions)),
        )

    listed = cli("--profile", "dave", "flags", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    rules = {flag["name"]: flag["conditions"] for flag in listed.json()}
    assert rules["odd"] == {"user_ids": [*own, *["00000000-0000-0000-0000-000000000000"] * len(others)]}
    assert erin.replace("-", "") not in re.sub(r"urn:|uuid:|[-{}]", "", listed.stdout.lower())
    for name in rules:
        mine = cli("--profile", "dave", "flags", "check", name).stdout
        assert mine == cli("flags", "check", name, "--user", "dave@example.com").stdout, name
    assert cli("--profile", "dave", "flags", "check", "odd-when").stdout == "on\n"


def test_flags_list_says_whether_each_flag_is_on_for_you(cli, signed_up, superuser):
    """`flags list` did not say which flags are on for the account running it: `on_for_you`
    (a column and a --json field) answers as `flags check NAME` does, for an administrator and a
    writer alike (a writer's rules read with others' ids as the nil UUID, 0210)."""
    signup = cli("auth", "signup", "--email", "dave@example.com", "--password-stdin", "--profile", "dave",
                 input=PASSWORD + "\n")  # fmt: skip
    assert signup.exit_code == 0, signup.stderr
    dave = superuser.execute("select id::text from auth.users where email = 'dave@example.com'").fetchone()[0]
    flags = {
        "everyone": ["--strategy", "all"],
        "dave-only": ["--strategy", "user_ids", "--conditions", json.dumps({"user_ids": ["{" + dave.upper() + "}"]})],
        "pro-only": ["--strategy", "subscription_tier", "--conditions", '{"tiers": ["pro"]}'],
        "half": ["--strategy", "percentage", "--percentage", "50"],
        "not-dave": ["--strategy", "all", "--conditions", json.dumps({"when": {"not": {"attr": "user_id", "eq": dave}}})],
        "off": ["--strategy", "all"],
    }  # fmt: skip
    for name, options in flags.items():
        assert cli("flags", "create", name, *options).exit_code == 0, name
        if name != "off":
            assert cli("flags", "enable", name).exit_code == 0
    for profile in ([], ["--profile", "dave"]):
        listed = cli(*profile, "flags", "list", "--json")
        assert listed.exit_code == 0, listed.stderr
        on = {row["name"]: row["on_for_you"] for row in listed.json()}
        assert on == {name: cli(*profile, "flags", "check", name).stdout == "on\n" for name in flags}, profile
        assert on["everyone"] and not on["off"] and not on["pro-only"]
        assert on["dave-only"] == bool(profile) and on["not-dave"] == (not profile)
        table = cli(*profile, "flags", "list", "--format", "csv")
        assert table.stdout.splitlines()[0].split(",")[:3] == ["name", "enabled", "on_for_you"]


def test_a_stored_rule_no_reader_takes_is_refused_in_one_line_and_mended(cli, signed_up, superuser):
    """A rule that is no JSON object, stored by SQL outside Blogster (where 0213's check is not kept:
    it is dropped here), made `flags list`, and `flags check` of any flag (the rules are read
    together), end in a Python traceback for every account. They now refuse in one line naming the
    flag and the way out (exit 6, a bad stored setting), for a rule nested past what Python reads too
    (which the check does not refuse), and `flags update --conditions` mends it."""
    signup = cli("auth", "signup", "--email", "dave@example.com", "--password-stdin", "--profile", "dave",
                 input=PASSWORD + "\n")  # fmt: skip
    assert signup.exit_code == 0, signup.stderr
    assert cli("flags", "create", "fine").exit_code == 0 and cli("flags", "enable", "fine").exit_code == 0
    superuser.execute("alter table public.feature_flags drop constraint feature_flags_conditions_shape")
    superuser.execute("insert into public.feature_flags (name, enabled, strategy) values ('bad', true, 'user_ids')")
    deep = '{"when": ' + '{"not": ' * 5_000 + '{"attr": "is_admin", "eq": true}' + "}" * 5_001
    for rule, why in [("[]", "it is an array, not a JSON object"), ("1", "it is a number"), ('"x"', "it is a string"),
                      ("null", "it is null"), ('{"user_ids": null}', 'its "user_ids" is null, not a list'),
                      (deep, "it nests too deeply")]:  # fmt: skip
        superuser.execute("update public.feature_flags set conditions = %s::jsonb where name = 'bad'", (rule,))
        for run in (["flags", "list"], ["flags", "list", "--json"], ["flags", "check", "fine"],
                    ["--profile", "dave", "flags", "list"], ["--profile", "dave", "flags", "check", "fine"]):  # fmt: skip
            refused = cli(*run)
            assert refused.exit_code == 6, (rule[:20], run, refused.stderr)
            assert refused.stdout == "" and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
            assert "flag bad's stored rule cannot be read: " + why in refused.stderr, refused.stderr
            assert "blogster flags update bad --conditions" in refused.stderr
        if rule != deep:  # an administrator's own reading of the flag, which enabling or changing it takes
            assert cli("flags", "disable", "bad").exit_code == 6
    superuser.execute("update public.feature_flags set conditions = '1' where name = 'bad'")
    mended = cli("flags", "update", "bad", "--conditions", json.dumps({"user_ids": ["dave@example.com"]}))
    assert mended.exit_code == 0, mended.stderr
    listed = cli("--profile", "dave", "flags", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert {row["name"]: row["on_for_you"] for row in listed.json()} == {"bad": True, "fine": True}
