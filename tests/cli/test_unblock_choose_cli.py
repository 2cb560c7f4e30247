"""`unblock POST --choose N` appends suggestion N of the last list shown for the post: the list the
writer read, not a new one (no provider call, no credit); stale or missing lists are refused."""

import json

CHAT = "/v1/chat/completions"
BODY = "Intro.\n\nWhere I stopped.\n"


def new_post(cli, tmp_path):
    source = tmp_path / "post.md"
    source.write_text("---\ntitle: Stuck here\n---\n" + BODY)
    result = cli("blogs", "new", "--from", str(source), "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()["slug"]


def markdown(superuser):
    return superuser.execute("select content->>'markdown' from public.blogs").fetchone()[0]


def credits_left(superuser):
    return superuser.execute("select credits_remaining from public.user_subscriptions").fetchone()[0]


def suggest(cli, ai_env, slug, texts, *args, input=None):
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"suggestions": texts}))
    return cli("unblock", slug, "--count", str(len(texts)), *args, input=input)


def test_choose_appends_the_suggestion_shown_without_a_new_call_or_credit(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    shown = suggest(cli, ai_env, slug, ["Go left.", "Go right.", "Stay."])
    assert shown.exit_code == 0, shown.stderr
    assert "[2] Go right." in shown.stdout
    assert f"`blogster unblock {slug} --choose N`" in shown.stderr  # off a terminal: how to apply one
    calls, credits = len(ai_env.calls(CHAT)), credits_left(superuser)
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"suggestions": ["New one.", "Another new one.", "A third."]}))

    chosen = cli("unblock", slug, "--choose", "2", "--json")

    assert chosen.exit_code == 0, chosen.stderr
    assert markdown(superuser) == BODY + "\nGo right.\n"  # the [2] listed, not a new list's second
    assert len(ai_env.calls(CHAT)) == calls and credits_left(superuser) == credits
    session = chosen.json()
    assert session["selected_suggestion_id"] == "2" and session["suggestions"][1]["text"] == "Go right."
    assert "Appended suggestion 2" in chosen.stderr
    stored = superuser.execute("select count(*), max(selected_suggestion_id) from public.writers_block_sessions")
    assert stored.fetchone() == (1, "2")


def test_choose_takes_the_newest_list_of_that_post(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    other = cli("blogs", "new", "--title", "Other post", "--json").json()["slug"]
    assert suggest(cli, ai_env, slug, ["Old one.", "Old two."]).exit_code == 0
    assert suggest(cli, ai_env, slug, ["New one.", "New two."]).exit_code == 0
    assert suggest(cli, ai_env, other, ["Elsewhere one.", "Elsewhere two."]).exit_code == 0
    assert cli("unblock", slug, "--choose", "1").exit_code == 0
    assert markdown_of(superuser, slug) == BODY + "\nNew one.\n"


def markdown_of(superuser, slug):
    return superuser.execute("select content->>'markdown' from public.blogs where slug = %s", (slug,)).fetchone()[0]


def test_choose_without_a_list_is_not_found_and_calls_nothing(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    result = cli("unblock", slug, "--choose", "1")
    assert result.exit_code == 3
    assert result.stderr == f"error: no suggestions for '{slug}' to choose from: run `blogster unblock {slug}` first\n"
    assert ai_env.calls(CHAT) == [] and markdown(superuser) == BODY


def test_a_number_out_of_the_list_is_a_usage_error(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    assert suggest(cli, ai_env, slug, ["Go left.", "Go right."]).exit_code == 0
    calls = len(ai_env.calls(CHAT))
    result = cli("unblock", slug, "--choose", "3")
    assert result.exit_code == 2
    assert result.stderr == f"error: no suggestion 3 in the last list for '{slug}': choose one of 1, 2\n"
    assert len(ai_env.calls(CHAT)) == calls and markdown(superuser) == BODY


def test_a_list_made_for_an_earlier_text_is_refused(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    assert suggest(cli, ai_env, slug, ["Go left.", "Go right."]).exit_code == 0
    calls = len(ai_env.calls(CHAT))
    # A title change leaves the text the list was made for: still applies.
    assert cli("blogs", "edit", slug, "--title", "Still stuck").exit_code == 0
    assert cli("unblock", slug, "--choose", "1").exit_code == 0
    assert markdown(superuser) == BODY + "\nGo left.\n"
    # Once one is appended, the list was made for an earlier text.
    again = cli("unblock", slug, "--choose", "2")
    assert again.exit_code == 5
    assert "were made for an earlier text (suggestion 1 of them was appended since)" in again.stderr
    assert f"run `blogster unblock {slug}` for new ones" in again.stderr
    # An edit of the text makes a fresh list stale too.
    assert suggest(cli, ai_env, slug, ["Three.", "Four."]).exit_code == 0
    edited = tmp_path / "edited.md"
    edited.write_text("---\ntitle: Still stuck\n---\nA rewritten text.\n")
    assert cli("blogs", "edit", slug, "--from", str(edited)).exit_code == 0
    stale = cli("unblock", slug, "--choose", "1")
    assert stale.exit_code == 5 and "(the post's text changed since)" in stale.stderr
    assert markdown(superuser) == "A rewritten text.\n"
    assert len(ai_env.calls(CHAT)) == calls + 1  # only the second list called the provider


def test_count_with_choose_is_a_usage_error(cli, signed_up, ai_env, superuser, tmp_path):
    slug = new_post(cli, tmp_path)
    result = cli("unblock", slug, "--count", "2", "--choose", "1")
    assert result.exit_code == 2 and "give one of them" in result.stderr
    assert ai_env.calls(CHAT) == [] and markdown(superuser) == BODY


def test_another_users_list_cannot_be_chosen(cli, signed_up, ai_env, superuser, tmp_path):
    from tests.cli.conftest import PASSWORD

    slug = new_post(cli, tmp_path)
    assert suggest(cli, ai_env, slug, ["Go left.", "Go right."]).exit_code == 0
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert cli("unblock", slug, "--choose", "1").exit_code == 3
    assert markdown(superuser) == BODY


def test_on_a_terminal_none_chosen_now_can_be_chosen_later(cli, signed_up, ai_env, superuser, tmp_path, monkeypatch):
    from blogster_cli.cli import ask

    slug = new_post(cli, tmp_path)
    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    asked = suggest(cli, ai_env, slug, ["Go left.", "Go right."], input="0\n")
    assert asked.exit_code == 0, asked.stderr
    assert asked.stdout.count("[2] Go right.") == 1 and markdown(superuser) == BODY
    assert f"`blogster unblock {slug} --choose N` appends suggestion N of this list" in asked.stderr
    assert cli("unblock", slug, "--choose", "2").exit_code == 0
    assert markdown(superuser) == BODY + "\nGo right.\n" and len(ai_env.calls(CHAT)) == 1
    picked = suggest(cli, ai_env, slug, ["Three.", "Four."], input="1\n")
    assert picked.exit_code == 0, picked.stderr
    assert "Appended suggestion 1" in picked.stderr and markdown(superuser) == BODY + "\nGo right.\n\nThree.\n"
