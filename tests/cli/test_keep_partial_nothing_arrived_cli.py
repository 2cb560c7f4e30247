"""`generate draft --keep-partial` stopped before any of the post's text arrived (its title at
most) says what happened: Ctrl-C is an interrupt (exit 130), a stream cut short is the provider's
cut (exit 1); neither is "the AI provider returned an empty post" (h228 L2)."""

import pytest

TITLE_THEN_BODY = "# Pulling a better shot\n\nThe body came later."


def nothing_charged_or_saved(superuser):
    assert superuser.execute("select count(*) from public.blogs").fetchone() == (0,)
    assert superuser.execute("select credits_remaining, credits_used from public.user_subscriptions").fetchone() == (
        3,
        0,
    )
    assert superuser.execute("select count(*) from internal.ai_credit_reservations").fetchone() == (0,)


@pytest.mark.parametrize(
    ("reply", "stop_after", "said"),
    [
        (TITLE_THEN_BODY, "# Pulling a better shot\n", "before any of the post's text arrived (only its title)"),
        (TITLE_THEN_BODY, "# Pullin", "before any of the post's text arrived (only its title)"),
        (" " * 8 + "\n" + TITLE_THEN_BODY, " " * 8, "before any of the post's text arrived"),
    ],
)
def test_ctrl_c_before_the_body_is_an_interrupt(
    cli, signed_up, ai_env, superuser, monkeypatch, reply, stop_after, said
):
    from blogster_cli.cli import output

    ai_env.reply = reply
    arrived: list[str] = []

    def printer(show):
        def on_token(piece):
            arrived.append(piece)
            if "".join(arrived) == stop_after:
                raise KeyboardInterrupt  # Ctrl-C while the stream comes in

        return on_token

    monkeypatch.setattr(output, "token_printer", printer)
    result = cli("generate", "draft", "--topic", "Espresso", "--keep-partial")
    assert (result.exit_code, result.stderr) == (130, f"error: interrupted {said}; nothing was saved\n")
    nothing_charged_or_saved(superuser)


def test_a_stream_cut_short_after_the_title_is_the_providers_cut(cli, signed_up, ai_env, superuser):
    ai_env.reply, ai_env.cut_after = TITLE_THEN_BODY, 3  # pieces of 8: the title and its newline
    result = cli("generate", "draft", "--topic", "Espresso", "--keep-partial")
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: the AI provider at {ai_env.base_url} ended its answer before it finished (no finish_reason);"
        " nothing was saved\n",
    )
    nothing_charged_or_saved(superuser)
