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
