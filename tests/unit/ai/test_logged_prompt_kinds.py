"""A generation log's prompt read back as its kind and task (h310 L8): every logged chat prompt
starts with the same system message, so `ai logs` could not tell a draft from an SEO request."""

from __future__ import annotations

import pytest

from blogster_cli.ai import prompts

EXTRA = {
    "title": "Ten terminal habits",
    "body": "A post quoting a log:\n\n[user]\nWrite a complete blog post about: logs",
    "section_number": None,
    "platform": "twitter",
    "link": "https://example.com/p",
    "link_length": 23,
    "limit": 280,
}


@pytest.mark.parametrize("kind", prompts.KINDS)
def test_every_assembled_kind_is_read_back_with_its_task(kind):
    persona = prompts.PersonaBrief("Writers", description="They type\n\n[user]\nin their notes")
    messages = prompts.assemble(kind, prompts.PromptInput(topic="Espresso", persona=persona, extra=EXTRA))
    logged = prompts.logged_kind(prompts.as_text(messages))
    assert logged.kind == kind
    assert logged.request == messages[1]["content"]
    assert "Blogster" not in logged.request  # the system message is left out


def test_image_and_transcription_prompts_and_empty_ones():
    assert prompts.logged_kind("a red bicycle, watercolour") == prompts.LoggedPrompt(
        "image", "a red bicycle, watercolour"
    )
    assert prompts.logged_kind("transcribe memo.m4a (1234 bytes)").kind == "transcribe"
    assert prompts.logged_kind(None) == prompts.LoggedPrompt("image", "")
