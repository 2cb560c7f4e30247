"""Questions to whoever sits at the terminal: asked on stderr, answered on stdin, never off a terminal
(but for a conversation's turns, which a script may type).

stdout is data (`--json`, tables, ids), so no question may write there: typer.prompt and
typer.confirm end in input(), which writes the prompt's last character to stdout even with
err=True, and getpass reads the controlling terminal rather than the stdin checked here.
Off a terminal nobody can answer, so a question is a usage error naming the option or
environment variable that gives the answer instead (`instead`).
"""

from __future__ import annotations

import sys
import termios
from collections.abc import Callable

from blogster_cli.errors import InvalidInput


def on_terminal() -> bool:
    """Whether someone can answer a question on standard input."""
    return sys.stdin is not None and sys.stdin.isatty()


def can_ask(*, instead: str) -> None:
    """Refuses off a terminal, saying what to use `instead`: for a command that must read something
    before its question, so that a script learns of the missing option first."""
    if not on_terminal():
        raise InvalidInput(f"not on a terminal, so nobody to ask: {instead}")


def _asked(prompt: str, *, instead: str) -> None:
    can_ask(instead=instead)
    sys.stderr.write(prompt)
    sys.stderr.flush()


def line(question: str, *, instead: str) -> str:
    """A line typed in answer (stripped; "" at end of input)."""
    _asked(f"{question}: ", instead=instead)
    return sys.stdin.readline().strip()


def turn(prompt: str) -> str:
    """The next line of a conversation (`chat`), stripped: after `prompt` on stderr on a terminal, or
    from a script's lines off one (no prompt: nobody reads it); EOFError at the end of input."""
    if on_terminal():
        sys.stderr.write(prompt)
        sys.stderr.flush()
    typed = sys.stdin.readline()
    if not typed:
        raise EOFError
    return typed.strip()


def yes(question: str, *, instead: str, default: bool = False) -> bool:
    """A yes or no; an empty answer (or end of input) is the default."""
    _asked(f"{question} [{'Y/n' if default else 'y/N'}]: ", instead=instead)
    answer = sys.stdin.readline().strip().lower()
    return default if not answer else answer in ("y", "yes")


def secret(question: str, *, instead: str) -> str:
    """A line typed without echo (a password, a token), as typed but for the line ending."""
    _asked(f"{question}: ", instead=instead)
    fd = sys.stdin.fileno()
    echoing = termios.tcgetattr(fd)
    silent = list(echoing)
    silent[3] &= ~termios.ECHO  # lflags
    termios.tcsetattr(fd, termios.TCSANOW, silent)  # TCSANOW, not getpass's TCSAFLUSH: keep typed-ahead lines
    try:
        return sys.stdin.readline().rstrip("\r\n")
    finally:
        sys.stderr.write("\n")  # the Enter that was not echoed
        termios.tcsetattr(fd, termios.TCSANOW, echoing)


def new_secret(question: str, *, instead: str, check: Callable[[str], None] | None = None, tries: int = 3) -> str:
    """A new secret, typed twice so a typo does not lock its owner out. One that `check` refuses
    (InvalidInput: too short) is asked for again, its reason said, up to `tries` times in all: the
    person at the keyboard fixes it rather than starting the command over; the last refusal is the
    command's error."""
    first = secret(question, instead=instead)
    for _ in range(tries - 1):
        problem = _refusal(check, first)
        if problem is None:
            break
        sys.stderr.write(f"{problem}: try again\n")
        first = secret(question, instead=instead)
    if check is not None:
        check(first)
    if secret("Repeat for confirmation", instead=instead) != first:
        raise InvalidInput("the two entries differ; nothing was changed")
    return first


def _refusal(check: Callable[[str], None] | None, value: str) -> str | None:
    """Why `check` refuses `value` (its InvalidInput), or None."""
    try:
        if check is not None:
            check(value)
    except InvalidInput as refused:
        return str(refused)
    return None
