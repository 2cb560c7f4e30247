"""subscription show; admin subscription set-tier, admin credits grant / refill."""

from tests.cli.conftest import PASSWORD


def bob_credits(superuser):
    return superuser.execute(
        "select s.subscription_tier::text, s.credits_remaining from public.user_subscriptions s"
        " join auth.users u on u.id = s.user_id where u.email = 'bob@example.com'"
    ).fetchone()


def test_admin_changes_plans_and_credits_users_cannot(cli, signed_up, superuser):
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    plan = cli("subscription", "show", "--json").json()
    assert (plan["tier"], plan["credits_remaining"], plan["monthly_credits"]) == ("free", 3, 3)
    assert cli("admin", "credits", "grant", "bob@example.com", "5").exit_code == 4
    assert cli("admin", "credits", "refill").exit_code == 4
    assert bob_credits(superuser) == ("free", 3)
    cli("auth", "login", "--email", signed_up, "--password-stdin", input=PASSWORD + "\n")
    granted = cli("admin", "credits", "grant", "bob@example.com", "5", "--json")
    assert granted.exit_code == 0, granted.stderr
    assert granted.json()["credits_remaining"] == 8 and bob_credits(superuser) == ("free", 8)
    assert cli("admin", "subscription", "set-tier", "bob@example.com", "pro").exit_code == 0
    assert bob_credits(superuser) == ("pro", 100)
    superuser.execute("update public.user_subscriptions set credits_remaining = 1")
    assert cli("admin", "credits", "refill", "--json").json() == {"topped_up": 2}
    assert bob_credits(superuser) == ("pro", 100)
    assert cli("subscription", "show", "--json").json()["credits_remaining"] == 3  # ada: free
    assert cli("admin", "subscription", "set-tier", "bob@example.com", "gold").exit_code == 2
    assert cli("admin", "credits", "grant", "nobody@example.com", "1").exit_code == 3
    assert cli("admin", "credits", "grant", "bob@example.com", "0").exit_code == 2
