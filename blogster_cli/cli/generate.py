"""blogster generate: ideas, outlines and drafts written by the AI provider (one credit each)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import output, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from blogster_cli.services.blogs import BlogRow

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
    output.print_json(stored) if json else tables.print_table([output.to_plain(i) for i in stored], IDEA_COLUMNS)


def _print_post(blog: BlogRow) -> None:
    """The stored post as `posts show --json` prints it (its author named the same way, its markdown
    at the top level), with what the AI wrote it from: the raw row had `content.markdown`, internal
    fields and `author` null."""
    from blogster_cli.cli.blogs import post_json
    from blogster_cli.services import blogs

    row = blogs.get(acting_user(), ref=str(blog.id))
    output.print_json(
        {
            **post_json(row),
            "ai_generated": row.ai_generated,
            "persona_id": row.persona_id,
            "template_id": row.template_id,
        }
    )


def _write(kind: str, topic: str | None, idea: str | None, persona: str | None, template: str | None,
           keywords: str | None, sources: bool, keep_partial: bool, stream: bool, json: bool) -> None:  # fmt: skip
    from blogster_cli.services import generation
    from blogster_cli.services.ai_settings import provider_config

    provider = provider_config(app_context())
    request = generation.DraftRequest(
        kind=kind, topic=topic, idea=idea, persona=persona, template=template, use_sources=sources,
        keep_partial=keep_partial,
        keywords=tuple(k.strip() for k in (keywords or "").split(",") if k.strip()),
    )  # fmt: skip
    show_tokens = not json and (stream or sys.stdout.isatty())
    on_token = output.token_printer(show_tokens)
    warnings: list[str] = []  # shown after the streamed text, not in the middle of its last line
    blog = generation.draft(
        acting_user(), provider=provider, request=request, on_token=on_token, on_warning=warnings.append
    )
    if show_tokens:
        sys.stdout.write("\n")
    for text in warnings:
        output.warning(text)
    if json:
        _print_post(blog)
    elif not show_tokens:
        output.print_lines([blog.slug])
    output.message(f"Saved '{blog.slug}' ({plural(blog.word_count, 'word')}, AI {kind}, 1 credit).")


TOPIC = typer.Option(None, "--topic", help="What to write about.")
IDEA = typer.Option(
    None,
    "--idea",
    help="An idea's id, or its first 4 or more characters, instead of a topic (see `blogster ideas list`).",
)
PERSONA = typer.Option(None, "--persona", help="Write for this persona (name or id).")
TEMPLATE = typer.Option(None, "--template", help="Follow this template's sections (name or id).")
KEYWORDS = typer.Option(None, "--keywords", help="Comma-separated keywords to use.")
SOURCES = typer.Option(
    False, "--sources", help="Cite your research sources not yet tied to a post; they are then tied to the new one."
)
STREAM = typer.Option(False, "--stream", help="Print tokens as they arrive even when stdout is not a terminal.")
KEEP_PARTIAL = typer.Option(
    False,
    "--keep-partial",
    help="On Ctrl-C, or an answer the provider cut short, save what arrived so far as the draft (one credit)"
    " instead of nothing.",
)


@app.command()
def draft(
    topic: str | None = TOPIC, idea: str | None = IDEA, persona: str | None = PERSONA,
    template: str | None = TEMPLATE, keywords: str | None = KEYWORDS, sources: bool = SOURCES,
    keep_partial: bool = KEEP_PARTIAL, stream: bool = STREAM, json: bool = JSON_OPTION,
) -> None:  # fmt: skip
    """Write a whole post as a new draft; tokens stream to the terminal. Ctrl-C saves nothing unless --keep-partial. Uses one credit.

    Example: blogster generate draft --topic "Sourdough for beginners" --persona "Retiree hobbyist" --template how-to
    """
    _write("draft", topic, idea, persona, template, keywords, sources, keep_partial, stream, json)


@app.command()
def outline(
    topic: str | None = TOPIC, idea: str | None = IDEA, persona: str | None = PERSONA,
    template: str | None = TEMPLATE, keywords: str | None = KEYWORDS, sources: bool = SOURCES,
    keep_partial: bool = KEEP_PARTIAL, stream: bool = STREAM, json: bool = JSON_OPTION,
) -> None:  # fmt: skip
    """Write an outline (headings and bullet points) as a new draft. Uses one credit.

    Example: blogster generate outline --idea $(blogster ideas list --status new --format ids --limit 1) --template listicle
    """
    _write("outline", topic, idea, persona, template, keywords, sources, keep_partial, stream, json)


BLOG = typer.Argument(..., help="The post's slug or id.")
SECTION = typer.Option(None, "--section", min=1, help="Only the Nth level-2 section (1 = the first '## ').")


def _revise(kind: str, ref: str, section: int | None, stream: bool, json: bool) -> None:
    from blogster_cli.services import revising
    from blogster_cli.services.ai_settings import provider_config

    provider = provider_config(app_context())
    show_tokens = not json and (stream or sys.stdout.isatty())
    on_token = output.token_printer(show_tokens)
    blog = revising.revise(acting_user(), ref=ref, provider=provider, kind=kind, section=section, on_token=on_token)
    if show_tokens:
        sys.stdout.write("\n")
    output.left_out(blog.slug, blog.left_out, saved=True)
    if json:
        _print_post(blog)
    output.message(f"Saved '{blog.slug}' as a new revision ({plural(blog.word_count, 'word')}, AI {kind}, 1 credit).")


@app.command()
def rewrite(ref: str = BLOG, section: int | None = SECTION, stream: bool = STREAM, json: bool = JSON_OPTION) -> None:
    """Rewrite a post (or one section) to read better; saved as a new revision. Uses one credit.

    Example: blogster generate rewrite ten-terminal-habits --section 2
    """
    _revise("rewrite", ref, section, stream, json)


@app.command()
def expand(ref: str = BLOG, section: int | None = SECTION, stream: bool = STREAM, json: bool = JSON_OPTION) -> None:
    """Expand a post (or one section) with examples and detail; saved as a new revision. Uses one credit.

    Example: blogster generate expand ten-terminal-habits --section 1
    """
    _revise("expand", ref, section, stream, json)


@app.command("continue")
def continue_post(ref: str = BLOG, stream: bool = STREAM, json: bool = JSON_OPTION) -> None:
    """Continue writing where the post stops; saved as a new revision. Uses one credit.

    Example: blogster generate continue half-finished-post
    """
    _revise("continue", ref, None, stream, json)


@app.command()
def seo(ref: str = BLOG, json: bool = JSON_OPTION) -> None:
    """Write the post's meta description (at most 160 characters) and meta keywords. Uses one credit.

    Example: blogster generate seo ten-terminal-habits
    """
    from blogster_cli.services import revising
    from blogster_cli.services.ai_settings import provider_config

    provider = provider_config(app_context())
    blog = revising.seo(acting_user(), ref=ref, provider=provider)
    if json:
        _print_post(blog)
    else:
        output.print_record({"meta_description": blog.meta_description, "meta_keywords": blog.meta_keywords})


@app.command()
def social(
    ref: str = BLOG,
    platform: str = typer.Option(
        ..., "--platform", help="twitter, linkedin, facebook, instagram, tiktok, pinterest, youtube."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Draft a social media post for the blog post, within the platform's length limit. Uses one credit.

    The post goes out with the blog post's address after its text; the limit counts it (23 on X).

    Example: blogster generate social ten-terminal-habits --platform twitter
    """
    from blogster_cli.services import revising
    from blogster_cli.services.ai_settings import provider_config

    provider = provider_config(app_context())
    ctx = app_context()
    draft_post = revising.social(
        acting_user(), ref=ref, provider=provider, platform=platform, base_domain=ctx.settings.site_base_domain
    )
    if json:
        output.print_json(draft_post)
    else:
        tags = " ".join(f"#{t}" for t in draft_post.hashtags)
        link = draft_post.link if draft_post.link and draft_post.link not in draft_post.content else None
        output.print_lines([line for line in (draft_post.content, link, tags) if line])
        output.message(f"Saved a {draft_post.platform} draft ({draft_post.length}/{draft_post.limit} characters).")


@app.command()
def image(
    ref: str = BLOG,
    prompt: str = typer.Option(..., "--prompt", help="What the picture shows."),
    model: str | None = typer.Option(
        None, "--model", help="Image model, e.g. gpt-image-1 (default: the ai_image_model setting)."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Generate an image for a post with the provider's images endpoint; stored like `images add`. Uses one credit.

    Prints the markdown to paste, as `images add` does, the prompt as its alt text (--json: the
    image's id, path, size and alt_text).

    Example: blogster generate image sourdough-basics --prompt "a crusty loaf on a board" --model gpt-image-1
    """
    from blogster_cli.services import images, revising
    from blogster_cli.services.ai_settings import provider_config

    ctx = app_context()
    provider = provider_config(ctx)
    picture = revising.image(
        acting_user(), ref=ref, provider=provider, prompt=prompt, model=model or ctx.settings.ai_image_model
    )
    if json:
        output.print_json(picture)
        return
    output.message(f"Added {picture.url} ({picture.file_type}, {picture.size} bytes) to {picture.post}; paste:")
    output.print_lines([images.markdown_image(picture.url, picture.alt_text)])


@app.command()
def batch(
    ideas_count: int = typer.Option(..., "--ideas", min=1, max=100, help="How many saved ideas to draft."),
    persona: str | None = PERSONA,
    template: str | None = TEMPLATE,
    json: bool = JSON_OPTION,
) -> None:
    """Draft saved ideas unattended (for cron): resumable, one JSON summary, exit 1 if any failed.

    The summary (with or without --json) lists each idea drafted (its post's slug and id), failed
    (the error) and skipped (not tried: the credits ran out first; the next run takes it), and their counts.
    Ctrl-C or SIGTERM abandons the draft in flight (its credit released), prints the summary with
    "interrupted": true and exits 130 or 143; running the command again goes on with the rest.

    Example: blogster generate batch --ideas 5 --template how-to
    """
    from blogster_cli.services import generation
    from blogster_cli.services.ai_settings import provider_config

    provider = provider_config(app_context())
    summary = generation.batch(acting_user(), provider=provider, count=ideas_count, persona=persona, template=template)
    output.print_json(summary.as_dict())  # with or without --json: what cron has always read
    if summary.stopped is not None:
        left = len(summary.skipped)
        rest = f"; nothing was charged for the {plural(left, 'idea')} left: run the same command again to draft them"
        output.message(f"note: stopped after drafting {plural(len(summary.drafted), 'idea')}{rest if left else ''}")
        raise summary.stopped  # its exit code: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP
    if summary.held and not summary.drafted and not summary.failed:
        output.message(f"note: another run is drafting the {plural(summary.held, 'saved idea')} left without a post")
    elif not summary.drafted and not summary.failed:
        waiting = (
            f" ({plural(summary.unsaved, 'new idea')} waiting: `blogster ideas save ID`)" if summary.unsaved else ""
        )
        output.message(f"note: no saved idea without a post to draft{waiting}")
    if not summary.ok:
        raise typer.Exit(1)
