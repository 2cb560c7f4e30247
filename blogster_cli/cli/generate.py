"""blogster generate: ideas, outlines and drafts written by the AI provider (one credit each)."""

from __future__ import annotations

import sys

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context

app = command_group("generate")

IDEA_COLUMNS = ["id", "title", "difficulty_level", "trending_score", "engagement_potential", "estimated_word_count"]


@app.command()
def ideas(
    topic: str = typer.Option(..., "--topic", help="What the ideas are about."),
    industry: str | None = typer.Option(None, "--industry", help="The blog's industry, e.g. fintech."),
    count: int = typer.Option(5, "--count", min=1, max=20, help="How many ideas."),
    json: bool = JSON_OPTION,
) -> None:
    """Suggest blog ideas (stored as new ideas; see `blogster ideas list`). Uses one credit.

    Example: blogster generate ideas --topic "home espresso" --industry coffee --count 5
    """
    from blogster_cli.services import ideas as idea_service
    from blogster_cli.services.ai_settings import provider_config

    provider = provider_config(app_context())
    stored = idea_service.generate(acting_user(), provider=provider, topic=topic, industry=industry, count=count)
    output.print_json(stored) if json else output.print_table([output.to_plain(i) for i in stored], IDEA_COLUMNS)


def _write(kind: str, topic: str | None, idea: str | None, persona: str | None, template: str | None,
           keywords: str | None, sources: bool, stream: bool, json: bool) -> None:  # fmt: skip
    from blogster_cli.services import generation
    from blogster_cli.services.ai_settings import provider_config

    provider = provider_config(app_context())
    request = generation.DraftRequest(
        kind=kind, topic=topic, idea=idea, persona=persona, template=template, use_sources=sources,
        keywords=tuple(k.strip() for k in (keywords or "").split(",") if k.strip()),
    )  # fmt: skip
    show_tokens = not json and (stream or sys.stdout.isatty())

    def on_token(piece: str) -> None:
        if show_tokens:
            sys.stdout.write(piece)
            sys.stdout.flush()

    blog = generation.draft(acting_user(), provider=provider, request=request, on_token=on_token)
    if show_tokens:
        sys.stdout.write("\n")
    if json:
        output.print_json(blog)
    elif not show_tokens:
        output.print_lines([blog.slug])
    output.message(f"Saved '{blog.slug}' ({blog.word_count} words, AI {kind}, 1 credit).")


TOPIC = typer.Option(None, "--topic", help="What to write about.")
IDEA = typer.Option(None, "--idea", help="An idea's id instead of a topic (see: blogster ideas list).")
PERSONA = typer.Option(None, "--persona", help="Write for this persona (name or id).")
TEMPLATE = typer.Option(None, "--template", help="Follow this template's sections (name or id).")
KEYWORDS = typer.Option(None, "--keywords", help="Comma-separated keywords to use.")
SOURCES = typer.Option(False, "--sources", help="Cite your research sources not yet tied to a post.")
STREAM = typer.Option(False, "--stream", help="Print tokens as they arrive even when stdout is not a terminal.")


@app.command()
def draft(
    topic: str | None = TOPIC, idea: str | None = IDEA, persona: str | None = PERSONA,
    template: str | None = TEMPLATE, keywords: str | None = KEYWORDS, sources: bool = SOURCES,
    stream: bool = STREAM, json: bool = JSON_OPTION,
) -> None:  # fmt: skip
    """Write a whole post as a new draft; tokens stream to the terminal. Ctrl-C saves nothing. Uses one credit.

    Example: blogster generate draft --topic "Sourdough for beginners" --persona "Home cook" --template how-to
    """
    _write("draft", topic, idea, persona, template, keywords, sources, stream, json)


@app.command()
def outline(
    topic: str | None = TOPIC, idea: str | None = IDEA, persona: str | None = PERSONA,
    template: str | None = TEMPLATE, keywords: str | None = KEYWORDS, sources: bool = SOURCES,
    stream: bool = STREAM, json: bool = JSON_OPTION,
) -> None:  # fmt: skip
    """Write an outline (headings and bullet points) as a new draft. Uses one credit.

    Example: blogster generate outline --idea 1b2c... --template listicle
    """
    _write("outline", topic, idea, persona, template, keywords, sources, stream, json)
