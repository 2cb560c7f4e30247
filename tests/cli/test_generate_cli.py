"""generate / ideas / credits / ai logs against the local OpenAI-compatible server and real PostgreSQL."""

import json
import re

import pytest

from tests.cli.conftest import PASSWORD
from tests.conftest import hangups_by_default

CHAT = "/v1/chat/completions"
IDEA = {
    "title": "Dialing in espresso at home",
    "description": "A walkthrough of grind, dose and time.",
    "keywords": ["espresso", "grind size"],
    "trending_score": 71.5,
    "engagement_potential": 64,
    "difficulty_level": "beginner",
    "estimated_word_count": 1200,
}

NO_CREDITS = (  # what it says, and how an administrator grants more
    "no AI credits left (see `blogster credits`); an administrator adds more: `blogster admin credits grant EMAIL N`"
)


def credits_of(superuser, email):
    return superuser.execute(
        "select s.credits_remaining, s.credits_used from public.user_subscriptions s"
        " join auth.users u on u.id = s.user_id where u.email = %s and s.is_active",
        (email,),
    ).fetchone()


def reservations(superuser):
    return superuser.execute("select count(*) from internal.ai_credit_reservations").fetchone()[0]


def test_draft_streams_stores_an_ai_post_and_logs_exactly(cli, signed_up, ai_env, superuser):
    result = cli(
        "generate", "draft", "--topic", "Sourdough for beginners", "--persona", "Software developer",
        "--template", "how-to", "--keywords", "starter, flour", "--stream",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ai_env.reply + "\n"  # streamed piece by piece, then a newline
    request = ai_env.calls(CHAT)[0].body
    assert request["stream"] is True and request["stream_options"] == {"include_usage": True}
    prompt = request["messages"][1]["content"]
    assert "Sourdough for beginners" in prompt and "What you need" in prompt and "starter, flour" in prompt
    assert "Software developer" in request["messages"][0]["content"]
    blog_id, ai_generated, persona_id, template_id, markdown, sections = superuser.execute(
        "select id::text, ai_generated, persona_id::text, template_id::text, content->>'markdown',"
        " jsonb_array_length(content->'sections') from public.blogs"
    ).fetchone()
    assert ai_generated is True and persona_id and template_id
    assert markdown.startswith("First paragraph") and sections == 5
    log = superuser.execute(
        "select tokens_used, prompt, completion, model, success, blog_id::text, persona_id::text, template_id::text"
        " from public.ai_generation_logs"
    ).fetchall()
    assert log == [(18, log[0][1], ai_env.reply, "test-model", True, blog_id, persona_id, template_id)]
    assert "Sourdough for beginners" in log[0][1]
    assert credits_of(superuser, signed_up) == (2, 1) and reservations(superuser) == 0


def test_json_prints_the_stored_post_and_nothing_streams(cli, signed_up, ai_env):
    result = cli("generate", "outline", "--topic", "Espresso", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["title"] == "A title" and result.json()["ai_generated"] is True


def test_json_of_a_generated_or_revised_post_is_the_shape_posts_show_prints(cli, signed_up, ai_env):
    """`generate draft/rewrite/seo --json` printed the raw row: the text under `content.markdown`
    beside internal fields (`content.front_matter`, `left_out`, `deleted_at`) and `author` null,
    where `posts show --json` has `markdown` and the author named; a script read null for both."""
    ai_env.structured_by_schema["seo_metadata"] = json.dumps(
        {"meta_description": "All about espresso.", "meta_keywords": ["espresso"]}
    )
    drafted = cli("generate", "draft", "--topic", "Espresso", "--json")
    assert drafted.exit_code == 0, drafted.stderr
    slug = drafted.json()["slug"]
    shown = cli("posts", "show", slug, "--json").json()
    ai = {"ai_generated": True, "persona_id": None, "template_id": None}
    assert drafted.json() == {**shown, **ai}
    assert shown["markdown"].startswith("First paragraph of the draft.") and shown["author"]
    for command in (("rewrite", slug), ("seo", slug)):
        revised = cli("generate", *command, "--json")
        assert revised.exit_code == 0, revised.stderr
        assert revised.json() == {**cli("posts", "show", slug, "--json").json(), **ai}, command
    assert revised.json()["meta_description"] == "All about espresso."


def test_zero_credits_is_a_clear_error_and_no_call(cli, signed_up, ai_env, superuser):
    superuser.execute("update public.user_subscriptions set credits_remaining = 0")
    result = cli("generate", "draft", "--topic", "Anything")
    assert result.exit_code == 1 and result.stderr == f"error: {NO_CREDITS}\n"
    assert ai_env.calls(CHAT) == [] and reservations(superuser) == 0


def test_a_failed_call_releases_the_credit_and_logs_a_free_failure(cli, signed_up, ai_env, superuser):
    cli("config", "set", "ai_max_retries", "0")
    ai_env.failures.append("500")
    result = cli("generate", "draft", "--topic", "Fails")
    assert result.exit_code == 1 and "HTTP 500" in result.stderr
    assert credits_of(superuser, signed_up) == (3, 0) and reservations(superuser) == 0
    assert superuser.execute("select success, tokens_used, completion from public.ai_generation_logs").fetchall() == [
        (False, 0, None)
    ]
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (0,)
    assert cli("generate", "draft", "--topic", "Works").exit_code == 0
    assert credits_of(superuser, signed_up) == (2, 1)
    request_ids = superuser.execute("select count(distinct request_id) from public.ai_generation_logs").fetchone()
    assert request_ids == (2,)


def test_a_redirect_loop_is_one_line_no_retry_and_releases_the_credit(cli, signed_up, ai_env, superuser):
    """A local server answering 307 to itself ended as "cannot reach the AI provider" after 63 requests."""
    ai_env.redirect_loop = ai_env.url + CHAT
    result = cli("generate", "draft", "--topic", "Loops")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"error: the AI provider at {ai_env.base_url} redirected the call more than 20 times, the last to"
        f" {ai_env.url}{CHAT}; not tried again (a redirect loop: see the server's configuration or"
        " `blogster ai setup --base-url`)\n"
    )
    assert len(ai_env.calls(CHAT)) == 21
    assert credits_of(superuser, signed_up) == (3, 0) and reservations(superuser) == 0
    logged = superuser.execute("select success, tokens_used, completion from public.ai_generation_logs").fetchall()
    assert logged == [(False, 0, None)]


def test_429_then_success_is_one_charge(cli, signed_up, ai_env, superuser):
    ai_env.failures.append("429")
    assert cli("generate", "draft", "--topic", "Retry").exit_code == 0
    assert len(ai_env.calls(CHAT)) == 2 and credits_of(superuser, signed_up) == (2, 1)


def test_no_provider_configured(cli, signed_up):
    result = cli("generate", "draft", "--topic", "x")
    assert result.exit_code == 6 and "blogster ai setup" in result.stderr


def test_topic_or_idea(cli, signed_up, ai_env):
    assert cli("generate", "draft").exit_code == 2
    assert cli("generate", "draft", "--topic", "t", "--idea", "x").exit_code == 2
    assert cli("generate", "draft", "--persona", "nobody", "--topic", "t").exit_code == 3
    assert ai_env.calls(CHAT) == []


def test_ideas_structured_output_retry_and_lifecycle(cli, signed_up, ai_env, superuser):
    ai_env.structured.clear()
    ai_env.structured.extend(['{"ideas": "not a list"}', json.dumps({"ideas": [IDEA, {**IDEA, "title": "Second"}]})])
    result = cli("generate", "ideas", "--topic", "espresso", "--industry", "coffee", "--count", "2", "--json")
    assert result.exit_code == 0, result.stderr
    ideas = result.json()
    assert [i["title"] for i in ideas] == ["Dialing in espresso at home", "Second"]
    assert ideas[0]["industry_category"] == "coffee" and ideas[0]["difficulty_level"] == "beginner"
    calls = ai_env.calls(CHAT)
    assert len(calls) == 2 and calls[0].body["response_format"]["json_schema"]["name"] == "blog_ideas"
    assert credits_of(superuser, signed_up) == (2, 1)
    assert cli("ideas", "save", ideas[1]["id"]).exit_code == 0
    assert [i["title"] for i in cli("ideas", "list", "--status", "saved", "--json").json()] == ["Second"]
    started = cli("ideas", "start", ideas[1]["id"], "--json").json()
    listed = {i["id"]: i for i in cli("ideas", "list", "--json").json()}
    assert listed[ideas[1]["id"]]["blog_id"] == started["id"] and listed[ideas[1]["id"]]["status"] == "in_progress"
    assert cli("ideas", "start", ideas[1]["id"]).exit_code == 5
    drafted = cli("generate", "draft", "--idea", ideas[0]["id"], "--json").json()
    assert drafted["meta_keywords"] == ["espresso", "grind size"]
    assert "Dialing in espresso at home" in ai_env.calls(CHAT)[-1].body["messages"][1]["content"]
    assert cli("ideas", "discard", ideas[0]["id"]).exit_code == 0
    assert cli("ideas", "save", "not-a-uuid").exit_code == 2


def test_draft_takes_an_idea_by_the_start_of_its_id_as_ideas_does(cli, signed_up, ai_env, superuser):
    """`generate draft --idea` said "is not an idea id" to the prefix `ideas save` takes."""
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"ideas": [IDEA]}))
    idea_id = cli("generate", "ideas", "--topic", "espresso", "--json").json()[0]["id"]
    short = cli("generate", "draft", "--idea", idea_id[:3])
    assert short.exit_code == 2 and "give at least the first 4 characters of the idea's id" in short.stderr
    wrong = cli("generate", "draft", "--idea", "nope")
    assert wrong.exit_code == 2 and "'nope' is not an idea id or the start of one" in wrong.stderr
    missing = cli("generate", "draft", "--idea", "beef" if not idea_id.startswith("beef") else "cafe")
    assert missing.exit_code == 3 and "(see `blogster ideas list`)" in missing.stderr
    assert len(ai_env.calls(CHAT)) == 1 and credits_of(superuser, signed_up) == (2, 1)  # refusals cost nothing
    drafted = cli("generate", "draft", "--idea", idea_id[:8].upper(), "--json")
    assert drafted.exit_code == 0, drafted.stderr
    assert drafted.json()["meta_keywords"] == ["espresso", "grind size"]
    assert "Dialing in espresso at home" in ai_env.calls(CHAT)[-1].body["messages"][1]["content"]


def test_ideas_twice_invalid_is_a_clear_error_and_costs_nothing(cli, signed_up, ai_env, superuser):
    ai_env.structured.clear()
    ai_env.structured.append('{"ideas": [{"title": "missing fields"}]}')
    result = cli("generate", "ideas", "--topic", "espresso")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: the AI's answer (ideas) was not in the expected shape, twice: missing 'description' of item 1,"
        " and 5 more problems; nothing was saved or charged: try again, or use another model"
        " (`blogster ai setup --model NAME`)\n"
    )
    assert credits_of(superuser, signed_up) == (3, 0) and reservations(superuser) == 0
    assert superuser.execute("select count(*) from public.blog_ideas").fetchone() == (0,)


def test_credits_and_logs_search(cli, signed_up, ai_env):
    cli("generate", "draft", "--topic", "Sourdough starters")
    cli("generate", "draft", "--topic", "Espresso grinders")
    report = cli("credits", "--json").json()
    assert (report["credits_remaining"], report["credits_used"], report["tier"]) == (1, 2, "free")
    assert [r["tokens_used"] for r in report["recent"]] == [18, 18]
    found = cli("ai", "logs", "-q", "sourdough", "--json").json()
    assert len(found) == 1 and "Sourdough starters" in found[0]["prompt"]
    assert cli("ai", "logs", "-q", "nothing-like-this", "--json").json() == []
    assert cli("credits").exit_code == 0 and cli("ai", "logs").exit_code == 0


def test_ai_logs_shows_times_in_the_timezone_setting(cli, signed_up, ai_env):
    """New-user walkthrough: the table showed `2026-12-04T14:55:19.454648+00:00` (UTC, ISO, microseconds)."""
    cli("generate", "draft", "--topic", "Sourdough starters")
    assert cli("config", "set", "timezone", "Europe/Berlin").exit_code == 0
    for fmt in ("table", "csv"):
        shown = cli("ai", "logs", "--format", fmt)
        assert shown.exit_code == 0, shown.stderr
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d CET", shown.stdout) and "+00:00" not in shown.stdout, shown.stdout
    assert cli("ai", "logs", "--json").json()[0]["created_at"].endswith("+00:00")  # JSON keeps ISO 8601 as stored


def test_generated_rows_belong_to_the_acting_user_only(cli, signed_up, ai_env):
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"ideas": [IDEA]}))
    idea_id = cli("generate", "ideas", "--topic", "espresso", "--json").json()[0]["id"]
    cli("generate", "draft", "--topic", "Private draft")
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert cli("ai", "logs", "--json").json() == []
    assert cli("ideas", "list", "--json").json() == []
    assert cli("credits", "--json").json()["recent"] == []
    assert cli("ideas", "save", idea_id).exit_code == 3
    assert cli("generate", "draft", "--idea", idea_id).exit_code == 3
    assert cli("blogs", "show", "a-title").exit_code == 3


NONE_DRAFTED = {"drafted": 0, "failed": 0, "skipped": 0}


def test_batch_drafts_saved_ideas_resumably_and_reports_failures(cli, signed_up, ai_env, superuser):
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"ideas": [IDEA, {**IDEA, "title": "Two"}, {**IDEA, "title": "Three"}]}))
    ideas = cli("generate", "ideas", "--topic", "espresso", "--count", "3", "--json").json()
    for idea in ideas:
        cli("ideas", "save", idea["id"])
    superuser.execute("update public.user_subscriptions set credits_remaining = 10")
    cli("config", "set", "ai_max_retries", "0")
    ai_env.failures.extend(["500"])  # the first draft fails; the others go on
    first = cli("generate", "batch", "--ideas", "2")
    assert first.exit_code == 1
    summary = first.json()
    assert len(summary["failed"]) == 1 and "HTTP 500" in summary["failed"][0]["error"] and len(summary["drafted"]) == 1
    second = cli("generate", "batch", "--ideas", "5")
    assert second.exit_code == 0, second.stdout
    assert len(second.json()["drafted"]) == 2 and second.json()["failed"] == []
    nothing = cli("generate", "batch", "--ideas", "5")
    assert nothing.json() == {"drafted": [], "failed": [], "skipped": [], "counts": NONE_DRAFTED, "interrupted": False}
    assert nothing.stderr == "note: no saved idea without a post to draft\n"
    statuses = {i["status"] for i in cli("ideas", "list", "--json").json()}
    assert statuses == {"in_progress"}


def test_a_batch_with_only_unsaved_ideas_says_to_save_them(cli, signed_up, ai_env):
    # Right after `generate ideas` a batch printed {"drafted": [], "failed": []} and nothing else:
    # fresh ideas are `new`, and only saved ones are drafted.
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"ideas": [IDEA, {**IDEA, "title": "Two"}]}))
    assert cli("generate", "ideas", "--topic", "espresso", "--count", "2").exit_code == 0
    result = cli("generate", "batch", "--ideas", "2")
    assert result.exit_code == 0, result.stderr
    assert result.json() == {"drafted": [], "failed": [], "skipped": [], "counts": NONE_DRAFTED, "interrupted": False}
    assert (
        result.stderr == "note: no saved idea without a post to draft (2 new ideas waiting: `blogster ideas save ID`)\n"
    )


def test_generation_lists_take_the_shared_output_options(cli, signed_up, ai_env):
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"ideas": [IDEA, {**IDEA, "title": "Two"}]}))
    assert cli("generate", "ideas", "--topic", "espresso", "--count", "2").exit_code == 0
    assert cli("generate", "draft", "--topic", "Sourdough").exit_code == 0
    for url in ("https://example.org/a", "https://example.org/b"):
        assert cli("research", "add", "--url", url, "--title", "T").exit_code == 0
    for command in (("ideas", "list"), ("research", "list"), ("ai", "logs")):
        records = cli(*command, "--json").json()
        assert len(records) == 2, command
        assert cli(*command, "--format", "count").stdout.strip() == "2"
        assert cli(*command, "--format", "ids").stdout.split() == [r["id"] for r in records]
        assert cli(*command, "--format", "csv").stdout.count("\n") == 3
        assert cli(*command, "--format", "yaml").stdout.startswith("- ")
        assert cli(*command, "--limit", "1", "--json").json() == records[:1]
        assert cli(*command, "--limit", "0", "--json").json() == records
        assert cli(*command, "--json", "--format", "csv").exit_code == 2


def test_credits_prices_come_from_the_config_table(cli, signed_up, ai_env):
    assert cli("generate", "draft", "--topic", "Sourdough").exit_code == 0
    assert cli("credits", "--json").json()["recent"][0]["estimated_cost_usd"] == 0.0  # a local model: free
    assert cli("config", "set", "ai_prices", "test-model=1000").exit_code == 0
    assert cli("credits", "--json").json()["recent"][0]["estimated_cost_usd"] == 0.018  # 18 tokens
    bad = cli("config", "set", "ai_prices", "test-model")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: ai_prices")


@pytest.mark.same_on_every_server  # the signal is Python's to handle: CI's second pass leaves it out
@pytest.mark.parametrize(
    ("signal_name", "code", "message"), [("SIGTERM", 143, "terminated"), ("SIGHUP", 129, "hangup")]
)
def test_a_stop_signal_mid_generation_releases_the_credit(
    cli, signed_up, ai_env, superuser, signal_name, code, message
):
    """SIGTERM (`kill`, a cron timeout) and SIGHUP (the terminal closed) killed the process
    outright: the credit it had reserved stayed held for an hour while `credits` still showed it
    free. Each now stops the command as Ctrl-C does, with its own exit code."""
    import os
    import signal
    import subprocess
    import sys
    import time

    ai_env.delay_s = 30  # the provider has not answered when the signal comes
    with hangups_by_default():
        process = subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "generate", "draft", "--topic", "Sourdough"],
            env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while not ai_env.calls(CHAT):  # the credit reserved, the provider asked
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)
    assert reservations(superuser) == 1
    process.send_signal(getattr(signal, signal_name))
    _, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (code, f"error: {message}\n")
    assert reservations(superuser) == 0 and credits_of(superuser, signed_up) == (3, 0)


@pytest.mark.same_on_every_server  # the pipe's end is Python's to handle: CI's second pass leaves it out
def test_a_stream_whose_reader_stops_still_saves_the_draft(cli, signed_up, ai_env):
    """`generate draft --stream | head -1` exited 0 and saved nothing (red team 15): the broken pipe
    stopped the generation. The rest of the stream is dropped and the draft saved, as without
    --stream. The reply is longer than a pipe holds, so the write after the reader left fails."""
    import os
    import subprocess
    import sys

    ai_env.reply = "# Long\n\n" + "word " * 40_000
    process = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "generate", "draft", "--topic", "Long", "--stream"],
        env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stdout.read(10) == b"# Long\n\nwo"
    process.stdout.close()  # the reader stops, as `head -c 10` would
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert process.wait(timeout=120) == 0, stderr
    assert stderr.startswith("Saved 'long' (40000 words"), stderr
    assert [p["slug"] for p in cli("posts", "list", "--json").json()] == ["long"]


def test_a_batch_drafts_the_oldest_saved_ideas_first(cli, signed_up, ai_env, superuser):
    """Saved ideas are taken oldest first, however many there are; an idea already drafted is skipped."""
    made = []
    for title in ("First", "Second", "Third"):
        ai_env.structured.clear()
        ai_env.structured.append(json.dumps({"ideas": [{**IDEA, "title": title}]}))
        [idea] = cli("generate", "ideas", "--topic", "espresso", "--count", "1", "--json").json()
        made.append(idea["id"])
    for idea_id in reversed(made):  # saved newest first: the order of saving does not count
        assert cli("ideas", "save", idea_id).exit_code == 0
    superuser.execute("update public.user_subscriptions set credits_remaining = 10")
    superuser.execute(
        "update public.blog_ideas set created_at = created_at - make_interval(mins => %s) where id = %s",
        (5, made[0]),
    )  # the first idea plainly older than the two others
    first = cli("generate", "batch", "--ideas", "1").json()
    assert [d["idea_id"] for d in first["drafted"]] == [made[0]]
    rest = cli("generate", "batch", "--ideas", "5").json()
    assert sorted(d["idea_id"] for d in rest["drafted"]) == sorted(made[1:])
