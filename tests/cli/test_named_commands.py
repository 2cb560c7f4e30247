"""Every `blogster ...` command the shipped texts name parses: the chatbot's starter answers
and the help pages `quickstart` publishes tell users what to type, and a red team found two
answers naming commands that do not exist (`subscription change`, `site build OUT`).

A named command is read as its synopsis: `[optional]` parts are checked too, `a / b`
alternatives are commands of the group of the one before or of a group around it (`posts new /
list / tag add / tag rm`, `newsletter send / subscribers import / list / smtp-password`),
`import|add|rm` one word each, `[--rename or --replace]` one option each, a group followed by
`...` stands for its commands, and a shell redirection ends it. Placeholders (SLUG, FILE) stand
in for values, so a value of the wrong type passes; an unknown command or option, an extra
argument or a missing one fails. The guides are README's sections (tools/help_pages.py), so this
reads the README's synopses too.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from typer._click import exceptions as click_errors  # typer's own click, as cli/app.py uses it
from typer._click.core import Context

from blogster_cli.cli import state
from blogster_cli.cli.app import app
from blogster_cli.errors import BlogsterError
from tests.conftest import REPO_ROOT

SHIPPED = [REPO_ROOT / "examples/chatbot/intents.yaml", *sorted((REPO_ROOT / "examples/docs").rglob("*.md"))]
NAMED = re.compile(r"`(blogster [^`\n]+)`")  # on one line: click cuts a long first line of help at "..."
SHELL = re.compile(r"\s[<>|]\s.*$")
CHOICE = re.compile(r"\[([^\[\]]* or [^\[\]]*)\]")  # `[--days N or --from DATE]`
# Named as what a user mistypes: exit-codes says each gets a "did you mean".
MISTYPED_ON_PURPOSE = {"blogster post list", "blogster dashboard"}


def named_commands() -> list[tuple[str, str]]:
    return [
        (path.relative_to(REPO_ROOT).as_posix(), match.group(1).replace('\\"', '"'))
        for path in SHIPPED
        for match in NAMED.finditer(path.read_text(encoding="utf-8"))
        if match.group(1) not in MISTYPED_ON_PURPOSE
    ]


def resolve(root: Any, words: list[str]) -> tuple[Any, list[str], list[str]]:
    """(the command `words` name, its path, the words left for it)."""
    command, path, words = root, [], list(words)
    while hasattr(command, "get_command") and words and not words[0].startswith("-"):
        sub = command.get_command(Context(command), words[0])
        if sub is None:
            break
        command = sub
        path.append(words.pop(0))
    return command, path, words


def without_global_options(words: list[str], own: set[str]) -> list[str]:
    """`words` less the options every command takes, but those of `own` (`ai logs -q TEXT`)."""
    kept, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in own:
            kept.append(word)
        elif word in state.GLOBAL_FLAGS or word == "--json":
            continue
        elif word in state.GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        else:
            kept.append(word)
    return kept


def synopses(root: Any, text: str) -> list[list[str]]:
    """The command lines `text` (after `blogster`) stands for."""
    text = SHELL.sub("", text)
    if choice := CHOICE.search(text):
        return [
            line
            for option in choice.group(1).split(" or ")
            for line in synopses(root, f"{text[: choice.start()]}[{option}]{text[choice.end() :]}")
        ]
    text = re.sub(r"\s\.\.\.$", "", text)  # `blogster db ...`: the group's commands
    text = text.replace("[", " ").replace("]", " ").replace("...", "VALUE")
    first, *others = text.split(" / ")
    lines = [shlex.split(first)[1:]]
    for other in others:
        lines.append(alternative(root, lines[-1], shlex.split(other)))
    expanded = []
    for words in lines:
        alternatives = next((i for i, word in enumerate(words) if re.fullmatch(r"[a-z-]+(\|[a-z-]+)+", word)), None)
        if alternatives is None:
            expanded.append(words)
        else:
            expanded += [
                [*words[:alternatives], one, *words[alternatives + 1 :]] for one in words[alternatives].split("|")
            ]
    return [without_global_options(words, own_options(root, words)) for words in expanded]


def alternative(root: Any, before: list[str], words: list[str]) -> list[str]:
    """The command line an alternative `words` after `before` stands for: a command of the
    group `before` is in, else of the innermost group around that one that has it."""
    group = resolve(root, before)[1][:-1]
    for depth in range(len(group), 0, -1):
        if len(resolve(root, group[:depth] + words)[1]) > depth:
            return group[:depth] + words
    return group + words


def own_options(root: Any, words: list[str]) -> set[str]:
    """The options the command `words` names takes itself (none for a group)."""
    command = resolve(root, without_global_options(words, set()))[0]
    return set() if hasattr(command, "get_command") else {opt for param in command.params for opt in param.opts}


def problem(root: Any, words: list[str]) -> str | None:
    command, path, rest = resolve(root, words)
    if hasattr(command, "get_command"):
        return (
            f"no command {rest[0]!r} in `blogster {' '.join(path)}`" if rest and not rest[0].startswith("-") else None
        )
    try:
        command.make_context(" ".join(path), rest)
    except click_errors.BadParameter:
        return None  # a placeholder where a number or a choice goes
    except click_errors.UsageError as error:
        return error.format_message()
    except typer.Exit:
        return None
    except BlogsterError:
        return None  # parsing ran it (`sync status` is read as `sync`'s argument), so it parsed
    return None


@pytest.mark.parametrize(("source", "text"), named_commands())
def test_every_named_command_parses(source: str, text: str) -> None:
    root = typer.main.get_command(app)
    problems = [f"{' '.join(words)}: {found}" for words in synopses(root, text) if (found := problem(root, words))]
    assert problems == [], f"{source} names `{text}`"


def test_the_reading_of_a_synopsis_finds_what_is_wrong() -> None:
    root = typer.main.get_command(app)
    assert synopses(root, "blogster posts new / list / tag add") == [
        ["posts", "new"], ["posts", "list"], ["posts", "tag", "add"]
    ]  # fmt: skip
    assert problem(root, ["subscription", "change", "PLAN"]) == "no command 'change' in `blogster subscription`"
    assert "unexpected extra argument" in (problem(root, ["site", "build", "OUT"]) or "")
    assert problem(root, ["site", "build", "--out", "OUT"]) is None
    assert synopses(root, "blogster newsletter send / subscribers import CSV / list / smtp-password") == [
        ["newsletter", "send"], ["newsletter", "subscribers", "import", "CSV"],
        ["newsletter", "subscribers", "list"], ["newsletter", "smtp-password"],
    ]  # fmt: skip
    assert synopses(root, "blogster docs import DIR [--rename or --replace]") == [
        ["docs", "import", "DIR", "--rename"], ["docs", "import", "DIR", "--replace"]
    ]  # fmt: skip
    assert synopses(root, "blogster db ...") == [["db"]]
    assert synopses(root, "blogster --debug ai logs -q TEXT") == [["ai", "logs", "-q", "TEXT"]]
    assert Path(SHIPPED[0]).is_file() and len(named_commands()) > 20
