"""blogster voice: voice notes to text (and to drafts)."""

from __future__ import annotations

from pathlib import Path

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.params import ANY_PATH
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.wording import plural

app = command_group("voice")


@app.callback()
def group() -> None:
    # A group of one command still takes the command's name (`voice transcribe`), room for more.
    pass


@app.command()
def transcribe(
    file: Path = typer.Argument(
        ..., help="The audio file (wav, mp3, m4a, webm ...; at most 25 MiB).", click_type=ANY_PATH
    ),
    blog: str | None = typer.Option(None, "--blog", help="Attach the recording to this post."),
    to_draft: bool = typer.Option(False, "--to-draft", help="Start a new draft post from the text."),
    title: str | None = typer.Option(None, "--title", help="Title of the draft (default: the first words)."),
    model: str | None = typer.Option(None, "--model", help="Transcription model (default: whisper-1)."),
    json: bool = JSON_OPTION,
) -> None:
    """Transcribe a voice note with the provider's audio endpoint. Uses one credit.

    Prints the text; --to-draft saves it as a new draft and says its slug (--json: draft_slug).

    Example: blogster voice transcribe idea.m4a --to-draft
    """
    from blogster_cli.services import voice
    from blogster_cli.services.ai_settings import provider_config

    provider = provider_config(app_context())
    result = voice.transcribe(
        acting_user(), path=file, provider=provider, blog=blog, model=model, to_draft=to_draft, title=title
    )
    if json:
        output.print_json(result)
        return
    output.print_lines([result.text or ""])
    if result.draft_slug is not None:  # as the generate commands say what they saved
        words = plural(result.draft_word_count or 0, "word")
        output.message(f"Saved '{result.draft_slug}' ({words}, AI transcription, 1 credit).")
