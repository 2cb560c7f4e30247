"""blogster ai: set up and check the AI provider; search past generations."""

from __future__ import annotations

import sys

import typer

from blogster_cli.cli import ask, output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import (
    FORMAT_OPTION,
    LIMIT_OPTION,
    chosen_format,
    limit_option,
    limited,
    rows_wanted,
    show_list,
)
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context

app = command_group("ai")


@app.command()
def setup(
    base_url: str = typer.Option(
        "https://api.openai.com/v1",
        "--base-url",
        help="OpenAI-compatible endpoint (Ollama: http://localhost:11434/v1).",
    ),
    model: str = typer.Option(..., "--model", help="Model name, e.g. gpt-4o-mini or llama3.2."),
    api_key_stdin: bool = typer.Option(False, "--api-key-stdin", help="Read the API key from standard input."),
    no_key: bool = typer.Option(False, "--no-key", help="The endpoint needs no key (local servers)."),
    json: bool = JSON_OPTION,
) -> None:
    """Save the provider for this profile; the key goes to the keyring, bound to this base URL.

    --json: the endpoint, model and where the key comes from, as `ai status --json` says (never the key).

    Example: blogster ai setup --base-url http://localhost:11434/v1 --model llama3.2 --no-key
    """
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import ai_settings

    if api_key_stdin and no_key:
        raise InvalidInput("--api-key-stdin and --no-key contradict each other: give one of them")
    api_key = None
    if api_key_stdin:
        api_key = sys.stdin.readline().strip() or None
        if api_key is None:  # an empty file or pipe: never taken as "forget the stored key"
            raise InvalidInput("no API key on standard input (--api-key-stdin); for an endpoint without one: --no-key")
    elif not no_key:  # off a terminal nobody can type it: a usage error naming the options (the key is kept)
        api_key = ask.secret("API key (empty for none)", instead="use --api-key-stdin or --no-key") or None
    provider = ai_settings.setup(app_context(), base_url=base_url, model=model, api_key=api_key)
    if json:
        output.print_json(provider)
    else:
        output.message(f"AI provider: {provider.base_url}, model {provider.model}, key: {provider.key}.")


@app.command()
def status(json: bool = JSON_OPTION) -> None:
    """Show the configured endpoint, model and where the key comes from (never the key), and check them.

    Exit 1 when the endpoint cannot be reached, answers with an error or does not offer the model.
    reachable: whether the server answered at all (a refused key or HTTP 500 is an answer: yes, and
    problem says which). With no provider set up it says so and how to set one up (--json:
    "configured": false), exit 0.

    Example: blogster ai status
    """
    from blogster_cli.services import ai_settings

    report = ai_settings.status(app_context())
    if json:
        output.print_json(report)
    elif not report.configured:
        output.print_record({"configured": "no"})
        output.message(f"No AI provider is configured. To set one up, {report.setup}.")
    else:
        output.print_record({k: v for k, v in output.to_plain(report).items() if k not in ("configured", "setup")})
    if report.problem:
        raise typer.Exit(1)


@app.command()
def models(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """List the models the endpoint offers.

    One name a line; --json and --format yaml: a list of names, csv: a `model` column.

    Example: blogster ai models
    """
    from blogster_cli.services import ai_settings

    chosen = chosen_format(fmt, json)
    names = list(limited(ai_settings.models(app_context()), limit))
    if chosen == "table":  # the names as they were always printed, for `| xargs` and the like
        output.print_lines(names)
    elif chosen in ("json", "yaml"):
        output.print_json(names) if chosen == "json" else output.print_yaml(names)
    else:
        show_list([{"model": name} for name in names], ["model"], fmt=chosen, json=False, id_key="model")


@app.command()
def logs(
    query: str | None = typer.Option(None, "-q", "--query", help="Full-text search in prompts and completions."),
    limit: int | None = limit_option(20, "generations, newest first"),
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Your past generations, newest first (kind, prompt, completion, tokens, model, success).

    kind: draft, outline, ideas, seo, rewrite, expand, continue, social, unblock, image or transcribe.
    The table shows the start of each prompt's task, csv the whole task on one line (both without
    the system message every chat prompt starts with); --json and yaml have the whole prompt.

    Example: blogster ai logs -q "sourdough" --json
    """
    from blogster_cli.services import credits
    from blogster_cli.services.ai_settings import price_table

    found = credits.logs(
        acting_user(), query=query, limit=rows_wanted(limit, default=20, fmt=fmt), prices=price_table(app_context())
    )
    chosen = chosen_format(fmt, json)
    if chosen == "table":  # times stay times: shown in the timezone setting
        entries = [{**output.fields(e), "prompt": " ".join(e.request.split())[:60]} for e in found]
    elif chosen == "csv":
        entries = [{**output.fields(e), "prompt": " ".join(e.request.split())} for e in found]  # a row a line
    else:
        entries = output.to_plain(found)
    show_list(entries, ["created_at", "kind", "model", "tokens_used", "success", "prompt"], fmt=fmt, json=json)
