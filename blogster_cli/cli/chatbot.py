"""blogster chatbot: intents (import, export, list, add, rm), evaluate, analytics (administrators)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from blogster_cli.cli import output, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.params import ANY_PATH
from blogster_cli.cli.state import JSON_OPTION, acting_user
from blogster_cli.errors import InvalidInput
from blogster_cli.vocabulary import ChatbotIntentCategory
from blogster_cli.wording import agreeing, plural

app = command_group("chatbot")
intents_app = typer.Typer(
    help="What the bot understands: import, export, list, add, rm.", no_args_is_help=True,
    rich_markup_mode=None, add_completion=False,
)  # fmt: skip
app.add_typer(intents_app, name="intents")
INTENT_COLUMNS = ["name", "category", "training_phrases", "responses", "follow_up_intents"]
STDOUT = "-"  # `intents export -`: standard output, as `calendar export --ics -`


def _without_responses_note(count: int) -> str:
    return (
        f"{plural(count, 'intent')} {agreeing(count, 'has', 'have')} no responses: the bot answers"
        f" {agreeing(count, 'its', 'their')} questions with the help pages instead (add replies with"
        " `blogster chatbot intents add NAME -r TEXT`, or import a YAML file with responses)"
    )


@intents_app.command("import")
def import_intents(
    file: Path = typer.Argument(
        ..., help="YAML or JSON intents, or a CSV of text,label rows (header first).", click_type=ANY_PATH
    ),
    replace: bool = typer.Option(False, "--replace", help="Remove every stored intent first."),
    yes: bool = typer.Option(False, "--yes", help="With --replace: do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Import intents; re-importing merges (new phrases are added), --replace replaces them all.

    --replace removes every stored intent, for every account's chatbot: it asks first on a
    terminal; elsewhere give --yes.

    A CSV carries training phrases only: an intent with no responses gets the help pages as its
    answer; a warning says how many have none (--json: `without_responses`).

    Example: blogster chatbot intents import intents.yaml
    """
    from blogster_cli.cli import ask
    from blogster_cli.services import chatbot

    acting = acting_user()
    if replace and not yes:
        stored, incoming = chatbot.to_replace(acting, path=file)  # a writer is refused, a bad file reported: not asked
        question = (
            f"Remove the {plural(stored, 'stored intent')} (every account's chatbot) and import"
            f" {plural(incoming, 'intent')} from {file.name}?"
        )
        if stored and not ask.yes(question, instead="use --yes"):
            raise typer.Abort()
    report = chatbot.import_intents(acting, path=file, replace=replace)
    if json:
        output.print_json(report)
    else:
        removed = f"{report.removed} removed, " if replace else ""
        output.message(
            f"{removed}{len(report.created)} created, {len(report.updated)} updated ({plural(report.phrases, 'phrase')} read)."
        )
    if report.without_responses:
        output.warning(_without_responses_note(report.without_responses))


@intents_app.command("export")
def export_intents(
    file: Path = typer.Argument(
        ...,
        help="Where to write: .yaml/.yml, .json or .csv (text,intent), or - for standard output.",
        click_type=ANY_PATH,
    ),
    fmt: str | None = typer.Option(
        None, "--format", help="yaml, json or csv: what - writes (yaml unless given); a file's is its suffix."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
    json: bool = JSON_OPTION,
) -> None:
    """Write every intent to a file that `intents import` reads back.

    An existing FILE is refused (exit 5) unless --force.

    Example: blogster chatbot intents export my-intents.json
    """
    from blogster_cli.services import chatbot

    if str(file) == STDOUT:
        if json:
            raise InvalidInput("--json and - would both write to standard output: give one of them")
        text, written = chatbot.export_text(acting_user(), fmt=fmt or "yaml")
        output.print_raw(text)
        output.message(f"Wrote {plural(written, 'intent')} to standard output.")
        return
    suffix = chatbot.EXPORT_FORMATS.get(fmt or "")
    if fmt is not None and file.suffix.lower() not in ((suffix, ".yml") if fmt == "yaml" else (suffix,)):
        raise InvalidInput(f"--format {fmt} and {file.name} disagree: a file's format is its suffix; give one of them")
    count = chatbot.export_intents(acting_user(), path=file, force=force)
    output.print_json({"file": str(file), "intents": count}) if json else output.message(
        f"Wrote {plural(count, 'intent')} to {file}."
    )


@intents_app.command("list")
def list_intents(limit: int | None = LIMIT_OPTION, fmt: str | None = FORMAT_OPTION, json: bool = JSON_OPTION) -> None:
    """List the intents with their phrase and response counts.

    Example: blogster chatbot intents list --format csv
    """
    from blogster_cli.services import chatbot

    intents = chatbot.list_intents(acting_user())
    rows = [output.to_plain(s) for s in intents]
    show_list(rows, INTENT_COLUMNS, fmt=fmt, json=json, limit=limit, id_key="name")
    silent = chatbot.count_without_responses(intents)
    if silent and not json and fmt in (None, "table"):
        output.message(f"note: {_without_responses_note(silent)}")


@intents_app.command("add")
def add_intent(
    name: str = typer.Argument(..., help="The intent's name (adds to it if it exists)."),
    phrase: list[str] = typer.Option([], "--phrase", "-p", help="A training phrase (repeatable)."),
    response: list[str] = typer.Option([], "--response", "-r", help="A reply; {param} placeholders (repeatable)."),
    category: ChatbotIntentCategory = typer.Option(ChatbotIntentCategory.SUPPORT, "--category"),
    description: str | None = typer.Option(None, "--description"),
    follow_up: list[str] = typer.Option([], "--follow-up", help="An intent that may follow this one (repeatable)."),
    json: bool = JSON_OPTION,
) -> None:
    """Add an intent, or phrases and replies to an existing one.

    Example: blogster chatbot intents add refund -p "I want my money back" -r "Refunds take 5 days."
    """
    from blogster_cli.services import chatbot

    summary = chatbot.add_intent(
        acting_user(), name=name, phrases=phrase, responses=response, category=category,
        description=description, follow_ups=follow_up,
    )  # fmt: skip
    output.print_json(summary) if json else output.print_record(summary)


@intents_app.command("rm")
def remove_intent(
    name: str = typer.Argument(...),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    json: bool = JSON_OPTION,
) -> None:
    """Remove an intent (conversations keep their messages).

    The bot stops answering it for every account: asks first on a terminal; elsewhere give --yes.

    Example: blogster chatbot intents rm refund --yes
    """
    from blogster_cli.cli import ask
    from blogster_cli.services import chatbot

    acting = acting_user()
    if not yes:
        intent = chatbot.to_remove(acting, name=name)  # a writer is refused, an unknown intent not found: not asked
        shown = f"{plural(intent.training_phrases, 'phrase')}, {plural(intent.responses, 'response')}"
        if not ask.yes(f"Remove the intent '{intent.name}' ({shown}) from the chatbot?", instead="use --yes"):
            raise typer.Abort()
    chatbot.remove_intent(acting, name=name)
    output.print_json({"removed": name}) if json else output.message(f"Removed intent {name}.")


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


@app.command("evaluate")
def evaluate(
    file: Path = typer.Argument(
        ..., help="A CSV of text,intent rows after a header; intent `oos`: out of scope.", click_type=ANY_PATH
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Score the worker's classifier, trained on the stored intents, on labelled examples.

    A progress bar shows the training, then the examples classified, on a terminal; elsewhere one
    line on stderr says what was done once it is.

    Example: blogster chatbot evaluate held-out.csv --json
    """
    from blogster_cli.services import chatbot

    began = time.monotonic()
    with _EvaluationProgress() as shown:
        result = chatbot.evaluate(
            acting_user(), path=file, on_training=shown.training, on_classifying=shown.classifying,
            on_classified=shown.classified,
        )  # fmt: skip
    if not output.progress_shown():  # on a terminal the bars said it
        output.message(
            f"Evaluated {plural(result.total, 'example')} against {plural(shown.intents, 'stored intent')}"
            f" in {_duration(time.monotonic() - began)} (training {_duration(result.training_s)})."
        )
    if json:
        output.print_json(result)
        return
    output.print_lines(
        [
            f"examples:           {result.total} ({result.in_scope} in scope, {result.out_of_scope} out of scope)",
            f"accuracy:           {_percent(result.accuracy)}",
            f"in-scope accuracy:  {_percent(result.in_scope_accuracy)}",
            f"out-of-scope recall: {_percent(result.oos_recall)}",
            f"macro F1:           {result.macro_f1:.3f}",
            f"latency:            p50 {result.latency_ms_p50:.2f} ms, p95 {result.latency_ms_p95:.2f} ms",
            f"training:           {result.training_s:.1f} s",
        ]
    )
    if result.unknown_labels:
        output.message(
            f"note: {plural(len(result.unknown_labels), 'label')}"
            f" {agreeing(len(result.unknown_labels), 'is', 'are')} no stored intent, e.g. {result.unknown_labels[0]}"
        )
    if result.confused:
        tables.print_table(result.confused, ["expected", "predicted", "count"], title="Most confused")


class _EvaluationProgress:
    """`evaluate`'s progress: a bar while it trains (its length unknown), then one counting the
    examples classified; on no terminal, nothing (output.progress)."""

    def __init__(self) -> None:
        from contextlib import ExitStack

        self._bars = ExitStack()
        self._bar: Any = None
        self.intents = 0

    def __enter__(self) -> _EvaluationProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bars.close()

    def training(self, examples: int, intents: int) -> None:
        self.intents = intents
        self._bars.enter_context(output.progress(f"Training on {plural(intents, 'intent')}", None))

    def classifying(self, examples: int) -> None:
        self._bars.close()  # the training's bar goes
        self._bar = self._bars.enter_context(output.progress("Classifying", examples))

    def classified(self) -> None:
        self._bar.advance()


def _duration(seconds: float) -> str:
    """`2 min 17 s`, `41.3 s`."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


@app.command("analytics")
def analytics(
    days: int = typer.Option(7, "--days", help="How many days back, today included."),
    json: bool = JSON_OPTION,
) -> None:
    """Daily chatbot figures: conversations, lengths, response times, top intents, satisfaction, errors.

    Days are UTC dates (a conversation counts on the day it started, a message on the day it was
    sent). Today's and yesterday's figures are computed as you ask, an earlier day's once it was
    over (by the workers' hourly roll-up, or here): "as of" says when.

    Example: blogster chatbot analytics --days 30
    """
    from blogster_cli.services import chatbot

    rows = chatbot.analytics(acting_user(), days=days)
    if json:
        output.print_json(rows)
        return
    table = [
        {
            "date": str(r.date),
            "conversations": r.conversations,
            "as_of": r.as_of,  # beside the figures it dates, so a narrow terminal keeps it
            "avg length s": "" if r.avg_conversation_s is None else f"{r.avg_conversation_s:.0f}",
            "avg reply ms": "" if r.avg_response_ms is None else f"{r.avg_response_ms:.0f}",
            "top intents": ", ".join(f"{i.get('name') or '?'} ({i.get('count')})" for i in r.top_intents[:3]),
            "satisfaction": "" if r.satisfaction.get("average_score") is None
            else f"{r.satisfaction['average_score']:.1f} ({r.satisfaction.get('rated')})",
            "low confidence": _percent(r.errors.get("low_confidence_rate")),
        }
        for r in rows
    ]  # fmt: skip
    tables.print_table(table, list(table[0]) if table else ["date"], title="Chatbot (UTC days)")
