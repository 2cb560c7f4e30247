"""Prompt assembly: persona + template + keywords + sources into chat messages, from Jinja files.

The wording lives in blogster_cli/ai/prompts/*.j2 (package files), not in string
literals across the services; `assemble` is the one pure function that fills them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

PROMPTS_DIR = Path(__file__).with_name("prompts")
KINDS = ("draft", "outline", "ideas", "seo", "rewrite", "expand", "continue", "social", "unblock")
# How much of a post goes into a prompt about it (characters): enough for context, bounded cost.
MAX_POST_CHARS = 24000


@dataclass(frozen=True)
class PersonaBrief:
    name: str
    description: str | None = None
    occupation: str | None = None
    age_range: str | None = None
    interests: Sequence[str] = ()
    pain_points: Sequence[str] = ()
    goals: Sequence[str] = ()


@dataclass(frozen=True)
class TemplateBrief:
    name: str
    sections: Sequence[dict[str, Any]] = ()


@dataclass(frozen=True)
class SourceBrief:
    title: str
    url: str | None = None
    author: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class PromptInput:
    """Everything a prompt may use; each kind's template picks what it needs."""

    topic: str
    persona: PersonaBrief | None = None
    template: TemplateBrief | None = None
    keywords: Sequence[str] = ()
    sources: Sequence[SourceBrief] = ()
    idea_description: str | None = None
    industry: str | None = None
    count: int = 5
    extra: dict[str, Any] = field(default_factory=dict)


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROMPTS_DIR),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # prompts are plain text, not HTML
        trim_blocks=False,
        keep_trailing_newline=False,
    )


def _render(name: str, values: dict[str, Any]) -> str:
    text = _environment().get_template(f"{name}.j2").render(**values)
    # Templates stay readable with blank lines between blocks; the model gets them collapsed.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    collapsed: list[str] = []
    for line in lines:
        if line or (collapsed and collapsed[-1]):
            collapsed.append(line)
    return "\n".join(collapsed)


def assemble(kind: str, prompt: PromptInput) -> list[dict[str, str]]:
    """The chat messages for `kind`: a system message for the persona, a user message for the task."""
    if kind not in KINDS:
        raise ValueError(f"unknown prompt kind {kind!r}")
    values = {
        "topic": prompt.topic.strip(),
        "persona": prompt.persona,
        "template": prompt.template,
        "keywords": [k for k in prompt.keywords if k.strip()],
        "sources": list(prompt.sources),
        "idea_description": prompt.idea_description,
        "industry": prompt.industry,
        "count": prompt.count,
        **prompt.extra,
    }
    return [
        {"role": "system", "content": _render("system", values)},
        {"role": "user", "content": _render(kind, values)},
    ]


def as_text(messages: Sequence[dict[str, str]]) -> str:
    """The prompt as logged in ai_generation_logs: each message under its role."""
    return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in messages)


# How each kind's user message opens (its .j2 file's first words): what `logged_kind` reads a logged
# prompt's kind by, as the log keeps no kind of its own. tests/unit/test_logged_prompt_kinds.py
# assembles every kind and checks each is read back.
_OPENINGS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(opening))
    for kind, opening in (
        ("draft", r"Write a complete blog post about: "),
        ("outline", r"Write a detailed outline for a blog post about: "),
        ("ideas", r"Suggest \d+ distinct blog post ideas about: "),
        ("seo", r"Write search metadata for this blog post"),
        ("rewrite", r"Rewrite the following "),
        ("expand", r"Expand the following "),
        ("continue", r"Continue the blog post "),
        ("social", r"Write one .+ post that promotes the blog post "),
        ("unblock", r"The writer of the blog post .+ is stuck"),
    )
)
_USER = "\n\n[user]\n"
_TRANSCRIPTION = re.compile(r"transcribe .+ \(\d+ bytes\)")  # services/voice.py's logged prompt


@dataclass(frozen=True)
class LoggedPrompt:
    kind: str
    """draft, outline, ideas, seo, rewrite, expand, continue, social, unblock, image or transcribe."""
    request: str
    """The task asked (the user message), without the system message every chat prompt starts with."""


def logged_kind(prompt: str | None) -> LoggedPrompt:
    """What a generation log's prompt (`as_text`'s messages, an image prompt, a transcription's
    line) was for, and its task without the shared system message."""
    text = prompt or ""
    if text.startswith("[system]\n"):
        starts = [found.end() for found in re.finditer(re.escape(_USER), text)]
        for start in starts:  # the first user message whose opening is a kind's (a persona may hold the marker)
            request = text[start:]
            kind = next((k for k, opening in _OPENINGS if opening.match(request.partition("\n")[0])), None)
            if kind is not None:
                return LoggedPrompt(kind, request)
        return LoggedPrompt("chat", text[starts[0] :] if starts else text)
    if _TRANSCRIPTION.fullmatch(text):
        return LoggedPrompt("transcribe", text)
    return LoggedPrompt("image", text)  # the only prompt logged as typed: `generate image --prompt`


def title_and_body(markdown: str, *, fallback_title: str) -> tuple[str, str]:
    """Splits a generated post into its level-1 heading (the title) and the rest."""
    text = markdown.strip()
    first, _, rest = text.partition("\n")
    if first.startswith("# "):
        title = first[2:].strip().strip("*").strip()
        return (title[:500] or fallback_title), rest.lstrip("\n")
    return fallback_title, text
