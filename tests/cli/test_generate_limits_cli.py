"""`generate` against an untrusted AI provider (red team 27a, F5, F8, F9): a one-line provider
error (exit 1) with the credit released, or the draft kept when only the usage figure is wrong."""

import json
import time

import pytest

from tests.cli.test_generate_cli import credits_of, reservations


def nothing_charged_or_saved(superuser, email):
    assert credits_of(superuser, email) == (3, 0) and reservations(superuser) == 0
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (0,)
    assert superuser.execute("select success, tokens_used from public.ai_generation_logs").fetchall() == [(False, 0)]


def test_a_trickling_provider_is_cut_off_at_ai_timeout_s(cli, signed_up, ai_env, superuser):
    """A token every 0.2 s held `generate draft` (and the credit) for as long as the server went on."""
    cli("config", "set", "ai_timeout_s", "1")
    ai_env.failures.append("trickle")
    started = time.monotonic()
    result = cli("generate", "draft", "--topic", "Trickle")
    assert time.monotonic() - started < 5
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: the AI provider at {ai_env.base_url} did not answer within 1 s\n",
    )
    nothing_charged_or_saved(superuser, signed_up)


def test_an_endless_stream_is_cut_off_and_costs_nothing(cli, signed_up, ai_env, superuser):
    ai_env.failures.append("endless")
    result = cli("generate", "draft", "--topic", "Endless")
    assert result.exit_code == 1 and "sent more than 240,000 characters; stopped reading" in result.stderr
    nothing_charged_or_saved(superuser, signed_up)


@pytest.mark.parametrize("total", [10**20, -5])
def test_an_out_of_range_usage_figure_keeps_the_draft(cli, signed_up, ai_env, superuser, total):
    """It lost the finished draft to "integer out of range" (or the check constraint), exit 2."""
    ai_env.usage_total = total
    result = cli("generate", "draft", "--topic", "Usage")
    assert result.exit_code == 0, result.stderr
    assert superuser.execute("select success, tokens_used from public.ai_generation_logs").fetchall() == [(True, 0)]
    assert credits_of(superuser, signed_up) == (2, 1)


def test_an_answer_of_the_wrong_shape_is_a_provider_error(cli, signed_up, ai_env, superuser):
    """It was "unexpected failure: 'str' object has no attribute 'message'"."""
    ai_env.failures.append("body:" + json.dumps({"choices": "nope", "usage": {"total_tokens": "many"}}))
    result = cli("generate", "ideas", "--topic", "espresso", "--count", "2")
    assert (result.exit_code, result.stderr) == (
        1, f"error: the AI provider at {ai_env.base_url} sent an answer in an unexpected shape\n"
    )  # fmt: skip
    assert credits_of(superuser, signed_up) == (3, 0) and reservations(superuser) == 0


# A stream cut short (red team 27a, F15) was "Saved 'half-a-post' (7 words, AI draft, 1 credit)", exit 0.


def test_a_stream_ended_before_its_finish_reason_saves_and_charges_nothing(cli, signed_up, ai_env, superuser):
    """A proxy's timeout or a restarted server: the body ends after a piece, no [DONE]."""
    ai_env.cut_after = 1
    result = cli("generate", "draft", "--topic", "Half a post")
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: the AI provider at {ai_env.base_url} ended its answer before it finished (no finish_reason);"
        " nothing was saved\n",
    )
    nothing_charged_or_saved(superuser, signed_up)


def test_a_stream_stopped_at_the_length_limit_saves_and_charges_nothing(cli, signed_up, ai_env, superuser):
    ai_env.finish_reason = "length"
    result = cli("generate", "draft", "--topic", "Too long")
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: the AI provider at {ai_env.base_url} stopped at its length limit (finish_reason length);"
        " nothing was saved\n",
    )
    nothing_charged_or_saved(superuser, signed_up)


def test_keep_partial_keeps_a_cut_short_stream_with_a_warning(cli, signed_up, ai_env, superuser):
    ai_env.cut_after = 3
    result = cli("generate", "draft", "--topic", "Half a post", "--keep-partial")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"warning: the AI provider at {ai_env.base_url} ended its answer before it finished (no finish_reason);"
        " what arrived is kept as the draft (--keep-partial)",
        "Saved 'a-title' (2 words, AI draft, 1 credit).",
    ]
    assert superuser.execute("select content->>'markdown' from public.blogs").fetchone() == ("First paragra",)
    logged = superuser.execute("select success, tokens_used, completion from public.ai_generation_logs").fetchall()
    assert logged == [(True, 0, ai_env.reply[:24])]
    assert credits_of(superuser, signed_up) == (2, 1) and reservations(superuser) == 0


def test_a_revision_cut_short_leaves_the_post_unchanged(cli, signed_up, ai_env, superuser, tmp_path):
    from tests.cli.test_revise_cli import BODY, markdown, new_post

    slug = new_post(cli, tmp_path)
    ai_env.reply, ai_env.finish_reason = "## One\n\nA better first", "length"
    result = cli("generate", "rewrite", slug, "--section", "1")
    assert result.exit_code == 1 and "stopped at its length limit (finish_reason length)" in result.stderr
    assert markdown(superuser) == BODY and credits_of(superuser, signed_up) == (3, 0)


def test_structured_json_cut_at_the_length_limit_says_so_and_is_asked_once(cli, signed_up, ai_env, superuser):
    ai_env.structured.clear()
    ai_env.structured.append('{"ideas": [{"title": "Dialing in esp')
    ai_env.finish_reason = "length"
    result = cli("generate", "ideas", "--topic", "espresso")
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: the AI provider at {ai_env.base_url} stopped at its length limit (finish_reason length):"
        " its ideas came as cut-short JSON; nothing was saved\n",
    )
    assert len(ai_env.calls("/v1/chat/completions")) == 1
    assert credits_of(superuser, signed_up) == (3, 0) and reservations(superuser) == 0
