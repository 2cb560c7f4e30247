"""What the bot says: choosing the intent (with follow-up context), filling parameters, the reply text."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from blogster_cli.chatbot import patterns

if TYPE_CHECKING:
    import regex

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
PATTERN_TIMEOUT_S = 0.1
"""Longest an intent's parameter patterns may search one message, all of them together (CPU
seconds, as the regex package counts them). The owner writes the patterns and a visitor the
message: a pattern that backtracks without end (`(a|a)+$`, or in the standard `re` module `(a+)+$`
too) on a message made for it would hold the worker for minutes; it is given up instead, as if it
had found nothing."""
# A follow-up intent wins over the context-free answer when its probability reaches this
# share of the out-of-scope threshold: the conversation makes it far more likely.
FOLLOW_UP_FACTOR = 0.5
OUT_OF_SCOPE_TEXT = "I'm not sure I can help with that, and I'd rather not guess."
OUT_OF_SCOPE_WITH_DOCS = OUT_OF_SCOPE_TEXT + " These help pages may answer it:"
DOCS_INTRO = "From the documentation:"
NEEDS_CONTEXT_TEXT = "I'm not sure what that answers. What would you like to know?"
NO_RESPONSE_TEXT = "I don't have an answer for that yet."
NO_RESPONSE_WITH_DOCS = NO_RESPONSE_TEXT + " These help pages may answer it:"
LEARNING_TEXT = "I'm still learning the topics I can help with, so I can't answer that yet; please ask again shortly."
LEARNING_WITH_DOCS = LEARNING_TEXT + " Meanwhile these help pages may answer it:"
# A bare answer ("yes", "no", "sure", "ok", "of course") means something only as the answer to a
# question the bot asked: these words, at most MAX_ANSWER_WORDS of them and nothing else.
ANSWER_WORDS = frozenset(
    "yes yeah yea yep yup ya yah aye sure ok okay okey k kk alright right correct exactly absolutely"
    " definitely certainly indeed please pls plz of course go ahead no nope nah not never maybe perhaps"
    " oh well um uh hmm".split()
)
MAX_ANSWER_WORDS = 4
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+){0,2}")
MAX_ZONE_NAME = 64


@dataclass(frozen=True)
class Decision:
    """Which intent answers (None: out of scope), how sure the classifier is, and why."""

    intent: str | None
    confidence: float
    follow_up: bool = False
    needs_context: bool = False  # a bare answer ("yes") when no question of the bot's expects it


@dataclass(frozen=True)
class DocLink:
    title: str
    slug: str
    snippet: str


@dataclass(frozen=True)
class Reply:
    text: str
    parameters: dict[str, str] = field(default_factory=dict)
    timed_out: tuple[str, ...] = ()
    """The parameters whose pattern was given up on this message (PATTERN_TIMEOUT_S): they have no value from it."""
    refused: tuple[tuple[str, str], ...] = ()
    """The parameters whose pattern is not used (`patterns.problem`), each with the reason."""


@dataclass(frozen=True)
class Extracted:
    """What the message gives for an intent's parameters, and which patterns were given up on it."""

    found: dict[str, str]
    timed_out: tuple[str, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()


def conversation_context(stored: object) -> tuple[dict[str, Any], bool]:
    """The conversation's context as the bot keeps it (`last_intent`, the `follow_ups` it
    expects, the `parameters` given so far), and whether anything else was stored: the column
    is jsonb any privileged session can write, so a part of another shape (a list of
    parameters, a context that is no object) is left out, as if never said, and the bot
    still answers."""
    if not isinstance(stored, Mapping):
        return {}, stored is not None
    kept: dict[str, Any] = {}
    if isinstance(stored.get("last_intent"), str):
        kept["last_intent"] = stored["last_intent"]
    follow_ups = stored.get("follow_ups")
    if isinstance(follow_ups, list):
        kept["follow_ups"] = [name for name in follow_ups if isinstance(name, str)]
    parameters = stored.get("parameters")
    if isinstance(parameters, Mapping):
        kept["parameters"] = {k: v for k, v in parameters.items() if isinstance(k, str) and isinstance(v, str)}
    return kept, kept != dict(stored)


def about_sender(metadata: object) -> dict[str, str]:
    """What the asker's front end said of them with the message, as values a response may name:
    `{timezone}`, their `timezone` setting (the zone their typed times are read in), which lives in
    their profile's settings, not in the database. The message's metadata is the asker's to write, so
    only a zone name that is one is taken; anything else is left out, as if not said (the intent's
    default then answers): one the `timezone` setting itself would take (`planning.times.zone`)."""
    from blogster_cli.planning import times

    zone = metadata.get("timezone") if isinstance(metadata, Mapping) else None
    if not isinstance(zone, str) or len(zone) > MAX_ZONE_NAME or not _ZONE_NAME.fullmatch(zone):
        return {}
    try:
        times.zone(zone)
    except times.UnknownTimezone:
        return {}
    return {"timezone": zone}


def is_bare_answer(message: str) -> bool:
    """Whether the message only answers a question ("yes", "no", "sure, go ahead", "ok!"): it
    names nothing, so it means something only as the answer to a question the bot just asked."""
    words = _WORD.findall(message.lower())
    return 0 < len(words) <= MAX_ANSWER_WORDS and all(word in ANSWER_WORDS for word in words)


def decide(
    ranked: Sequence[tuple[str, float]], *, threshold: float, follow_ups: Sequence[str] = (),
    bare_answer: bool = False,
) -> Decision:  # fmt: skip
    """The top intent if confident enough; in a conversation expecting follow-ups, the best of
    those if it is at least FOLLOW_UP_FACTOR x threshold likely; else out of scope.
    A bare answer (`is_bare_answer`) is only ever one of the expected follow-ups: outside one
    (none expected, or none likely enough) it needs context, whatever intent learnt "yes"."""
    expected = set(follow_ups)
    best_follow_up = next(((label, p) for label, p in ranked if label in expected), None)
    if best_follow_up and best_follow_up[1] >= threshold * FOLLOW_UP_FACTOR:
        return Decision(best_follow_up[0], best_follow_up[1], follow_up=True)
    if bare_answer:  # as sure as it is that this answers the question the conversation asked
        return Decision(None, best_follow_up[1] if best_follow_up else 0.0, needs_context=True)
    if not ranked:
        return Decision(None, 0.0)
    label, probability = ranked[0]
    if probability >= threshold:
        return Decision(label, probability)
    return Decision(None, probability)


def search_parameters(spec: Mapping[str, Any], message: str, *, budget_s: float = PATTERN_TIMEOUT_S) -> Extracted:
    """Values the message gives for the intent's parameters: a spec with a `pattern` (a regular
    expression; its first group, or the whole match) is looked for in the message. The patterns
    share `budget_s` (CPU seconds): each search gets an even share of what the earlier ones left
    (a quick one leaves its share to the next), so one that backtracks without end costs its share
    and the others still answer; one that runs out is given up, without a value. A pattern `patterns.problem` refuses
    (stored before the check, or by hand) is not compiled: no value, and named with its reason.
    The patterns run on the regex package, whose search can be bounded in time (the standard `re`
    module's cannot), in its version 0, which reads them as `re` does."""
    import regex

    deadline = time.process_time() + budget_s
    found: dict[str, str] = {}
    timed_out: list[str] = []
    refused: list[tuple[str, str]] = []
    searched: list[tuple[str, regex.Pattern[str]]] = []
    for name, rule in spec.items():
        if isinstance(rule, Mapping) and isinstance(rule.get("pattern"), str):
            compiled = _compiled(rule["pattern"])
            if isinstance(compiled, str):
                refused.append((str(name), compiled))
            else:
                searched.append((name, compiled))
    for index, (name, compiled) in enumerate(searched):
        left = deadline - time.process_time()
        if left <= 0:
            timed_out.append(str(name))
            continue
        try:
            match = compiled.search(message, timeout=left / (len(searched) - index))
        except TimeoutError:
            timed_out.append(str(name))
            continue
        except (MemoryError, RecursionError, regex.error) as exc:
            refused.append((str(name), f"it failed on a message ({type(exc).__name__})"))
            continue
        if match:
            found[name] = (match.group(1) if match.groups() else match.group(0)).strip()
    return Extracted(found, tuple(timed_out), tuple(refused))


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> regex.Pattern[str] | str:
    """The pattern compiled (IGNORECASE, version 0), or why it is not: `patterns.problem` first, so
    that nothing costly is compiled (the regex package writes counted repeats out as it compiles)."""
    import regex

    problem = patterns.problem(pattern)
    if problem is not None:
        return problem
    try:
        return regex.compile(pattern, flags=regex.IGNORECASE | regex.VERSION0)
    except (regex.error, MemoryError, RecursionError, OverflowError) as exc:
        return f"the regex package cannot compile it ({type(exc).__name__})"


def defaults(spec: Mapping[str, Any]) -> dict[str, str]:
    """Each parameter's default: a plain value, or a spec's `default`."""
    out: dict[str, str] = {}
    for name, rule in spec.items():
        value = rule.get("default") if isinstance(rule, Mapping) else rule
        if value is not None:
            out[name] = str(value)
    return out


def fill(template: str, values: Mapping[str, str]) -> str:
    """`{name}` replaced by its value; unknown names are left as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def compose(
    *,
    responses: Sequence[Mapping[str, Any]],
    parameters: Mapping[str, Any],
    message: str,
    remembered: Mapping[str, str],
    turn: int,
    docs: Sequence[DocLink] = (),
    sender: Mapping[str, str] | None = None,
) -> Reply:
    """The reply for a matched intent: its responses taken in turn, parameters from the message,
    then from earlier in the conversation, then what is known of the sender (`about_sender`:
    `{timezone}`), then the defaults; documentation hits appended."""
    extracted = search_parameters(parameters, message)  # once: they may take PATTERN_TIMEOUT_S
    values = {**defaults(parameters), **(sender or {}), **remembered, **extracted.found}
    if not responses:  # the worker says no_response() for such an intent
        raise ValueError("an intent without responses has no reply to compose")
    chosen = responses[turn % len(responses)]
    text = fill(str(chosen.get("text", "")), values)
    if docs:
        text = "\n".join([text, DOCS_INTRO, *doc_lines(docs)])
    kept = {k: v for k, v in values.items() if k in extracted.found or k in remembered}
    return Reply(text=text, parameters=kept, timed_out=extracted.timed_out, refused=extracted.refused)


def wants_docs(responses: Sequence[Mapping[str, Any]], turn: int) -> bool:
    """Whether the response this turn asks for documentation hits (`search_docs: true`)."""
    return bool(responses) and bool(responses[turn % len(responses)].get("search_docs"))


def doc_lines(docs: Sequence[DocLink]) -> list[str]:
    return [f"- {d.title} (blogster docs show {d.slug})" for d in docs]


def out_of_scope(docs: Sequence[DocLink], *, hint: str | None = None) -> Reply:
    """Saying so rather than guessing, with the documentation hits if there are any; `hint` first
    ("I only understand English here.") for a message in another language than the intents'."""
    first = f"{hint} " if hint else ""
    if not docs:
        return Reply(
            first + OUT_OF_SCOPE_TEXT + " Try rephrasing, or search the help centre: blogster docs search WORDS"
        )
    return Reply("\n".join([first + OUT_OF_SCOPE_WITH_DOCS, *doc_lines(docs)]))


def no_response(docs: Sequence[DocLink]) -> Reply:
    """For an intent that has no responses (imported from a CSV, which carries phrases only): saying
    so, with the documentation hits if there are any, rather than a made-up "OK."."""
    if not docs:
        return Reply(NO_RESPONSE_TEXT + " Try searching the help centre: blogster docs search WORDS")
    return Reply("\n".join([NO_RESPONSE_WITH_DOCS, *doc_lines(docs)]))


def needs_context() -> Reply:
    """A bare answer ("yes") to no question the bot asked: asking what it means, not guessing."""
    return Reply(NEEDS_CONTEXT_TEXT)


def still_learning(docs: Sequence[DocLink]) -> Reply:
    """While the intents the bot was given are still being learnt (the worker retrains in the
    background): saying so, with the documentation hits if there are any."""
    if not docs:
        return Reply(LEARNING_TEXT)
    return Reply("\n".join([LEARNING_WITH_DOCS, *doc_lines(docs)]))
